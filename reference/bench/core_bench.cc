#include "bench/core_bench.h"

#include <time.h>

#include <chrono>
#include <deque>

#include "bench/proc.h"
#include "sim/estate.h"

namespace tmsproto::bench {
namespace {


bool final(terminal::State s) { return s == terminal::State::T_DONE || s == terminal::State::T_FAILED; }

struct Msg {
  bool from_terminal;
  Bytes body;
};

}  // namespace

CoreResult run_core(Profile profile, SessionKind kind, double seconds) {
  sim::EstateOptions eo;
  eo.profile = profile;
  // The session of part 1: an unattended program download with nothing to offer — handshake, key
  // message, an empty PKG_CONFIRM, end. Attended, the terminal's PBKDF2 of the operator's password
  // (REQ-OPR-002) would dwarf everything else; kind == kAttendedKeys measures that session instead.
  eo.trans = kind == SessionKind::kAttendedKeys ? TransCode::kKeyDownload : TransCode::kProgramDownload;
  eo.with_operator = kind == SessionKind::kAttendedKeys;
  eo.packages = {};
  eo.seed = 13;
  auto estate = sim::make_estate(eo);
  CoreResult r;
  double tms_cpu = 0, term_cpu = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  do {
    for (int batch = 0; batch < 8; ++batch) {
      terminal::Session term(estate->terminal_config, estate->terminal_ports());
      tms::Session server(estate->tms_config, estate->tms_ports());
      std::deque<Msg> queue;
      auto take = [&](session::Output out, bool from_terminal) {
        for (auto& b : out.send) queue.push_back({from_terminal, std::move(b)});
      };
      double t0 = thread_cpu_seconds();
      take(term.start(estate->command()), true);
      double t1 = thread_cpu_seconds();
      term_cpu += t1 - t0;
      while (!queue.empty()) {
        Msg m = std::move(queue.front());
        queue.pop_front();
        t0 = thread_cpu_seconds();
        if (m.from_terminal) take(server.receive(m.body), false);
        else if (!final(term.state())) take(term.receive(m.body), true);
        t1 = thread_cpu_seconds();
        (m.from_terminal ? tms_cpu : term_cpu) += t1 - t0;
      }
      if (term.state() != terminal::State::T_DONE || server.state() != tms::State::S_DONE) {
        r.error = "in-memory session ended " + std::string(terminal::name(term.state())) + " / " +
                  std::string(tms::name(server.state()));
        return r;
      }
      ++r.sessions;
    }
  } while (std::chrono::steady_clock::now() < until);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.sessions_per_s = static_cast<double>(r.sessions) / wall;
  r.tms_cpu_us = tms_cpu / static_cast<double>(r.sessions) * 1e6;
  r.terminal_cpu_us = term_cpu / static_cast<double>(r.sessions) * 1e6;
  return r;
}

}  // namespace tmsproto::bench
