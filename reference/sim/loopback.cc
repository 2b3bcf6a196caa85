#include "sim/loopback.h"

#include <deque>

namespace tmsproto::sim {
namespace {

bool final(terminal::State s) { return s == terminal::State::T_DONE || s == terminal::State::T_FAILED; }
bool final(tms::State s) { return s == tms::State::S_DONE || s == tms::State::S_FAILED; }

}  // namespace

RunResult run_session(Estate& estate, const Tamper& tamper) {
  return run_session(estate, Hooks{tamper, {}, {}});
}

RunResult run_session(Estate& estate, const Hooks& hooks) {
  return run_session(estate, estate.terminal_config, estate.terminal_ports(), hooks);
}

RunResult run_session(Estate& estate, const terminal::Config& config, terminal::Ports device, const Hooks& hooks) {
  terminal::Session term(config, device);
  tms::Session server(estate.tms_config, estate.tms_ports());
  RunResult result;
  std::deque<Delivered> queue;
  bool term_closed = false, server_closed = false;
  auto take = [&](session::Output out, bool from_terminal) {
    for (auto& b : out.send) queue.push_back({from_terminal, std::move(b)});
    for (auto& n : out.notes) result.notes.push_back(std::move(n));
    if (out.close) (from_terminal ? term_closed : server_closed) = true;
    if (hooks.observe) hooks.observe(term.state(), server.state());
  };
  auto deliver = [&](Delivered m) {
    if (m.from_terminal) {
      if (!server_closed) take(server.receive(m.body), false);
    } else {
      if (!term_closed) take(term.receive(m.body), true);
    }
    result.messages.push_back(std::move(m));
  };
  take(term.start(estate.command()), true);
  std::size_t index = 0;
  // Every message either ends a side or makes progress, so the loop is bounded by the session;
  // the guard only protects against a defect turning it into a hang.
  for (std::size_t guard = 0; guard < 10'000'000; ++guard) {
    if (queue.empty()) {
      if (final(term.state()) && final(server.state())) break;
      // A closed side's peer sees the connection go (REQ-FRAME-004); a silent one times out.
      if (term_closed && !final(server.state())) take(server.connection_lost(), false);
      else if (server_closed && !final(term.state())) take(term.connection_lost(), true);
      else if (!final(term.state())) take(term.timeout(), true);
      else take(server.timeout(), false);
      continue;
    }
    Delivered m = std::move(queue.front());
    queue.pop_front();
    if (hooks.inject) {
      for (Delivered& extra : hooks.inject(index, term.state(), server.state())) deliver(std::move(extra));
    }
    const Fate fate = hooks.tamper ? hooks.tamper(index++, m.from_terminal, m.body) : Fate::kDeliver;
    if (fate == Fate::kCut) {
      if (!final(term.state())) take(term.connection_lost(), true);
      if (!final(server.state())) take(server.connection_lost(), false);
      queue.clear();
      continue;
    }
    if (fate == Fate::kDrop) continue;
    deliver(std::move(m));
  }
  result.terminal_state = term.state();
  result.tms_state = server.state();
  result.terminal_failure = term.failure();
  result.tms_failure = server.failure();
  result.keys_installed = term.keys_installed();
  result.packages_applied = term.packages_applied();
  result.key_message_sent = server.key_message_sent();
  result.frames_served = server.frames_served();
  return result;
}

}  // namespace tmsproto::sim
