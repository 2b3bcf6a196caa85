#include "sim/lockstep.h"

#include <algorithm>

#include "codec/abort_message.h"
#include "codec/envelope.h"
#include "codec/header.h"
#include "testing/deterministic_random.h"

namespace tmsproto::sim {

SessionKeys::SessionKeys(const Estate& estate)
    : forge::SessionKeys(estate.terminal_config.profile, estate.terminal_config.dmk.view(),
                         estate.terminal_config.id) {}

codec::KeyEntry SessionKeys::wrap(std::uint8_t slot, const profile::SlotRule& rule, ByteView key) const {
  crypto::DeterministicRandom rng(slot);
  return forge::SessionKeys::wrap(slot, rule, key, rng);
}

codec::KeyEntry SessionKeys::wrap_tr31(std::uint8_t slot, const keyblock::Tr31Header& header, ByteView key,
                                       const keyblock::WrapOptions& options) const {
  crypto::DeterministicRandom rng(slot);
  return forge::SessionKeys::wrap_tr31(slot, header, key, rng, options);
}

Lockstep::Lockstep(Estate& e)
    : estate(e),
      terminal(e.terminal_config, e.terminal_ports()),
      tms(e.tms_config, e.tms_ports()),
      keys(e) {}

session::Output Lockstep::start() {
  session::Output out = terminal.start(estate.command());
  for (const Bytes& b : out.send) queue.push_back({true, b});
  return out;
}

session::Output Lockstep::to_terminal(ByteView body) {
  session::Output out = terminal.receive(body);
  for (const Bytes& b : out.send) queue.push_back({true, b});
  return out;
}

session::Output Lockstep::to_tms(ByteView body) {
  session::Output out = tms.receive(body);
  for (const Bytes& b : out.send) queue.push_back({false, b});
  return out;
}

session::Output Lockstep::connection_lost() {
  queue.clear();
  (void)tms.connection_lost();
  return terminal.connection_lost();
}

std::optional<Bytes> Lockstep::until(MsgType type, bool to_terminal_side) {
  if (terminal.state() == terminal::State::T_IDLE && queue.empty()) start();
  while (!queue.empty()) {
    Delivered m = std::move(queue.front());
    queue.pop_front();
    keys.observe(m.from_terminal, m.body);
    auto t = codec::peek_type(m.body);
    if (t.ok() && *t == type && m.from_terminal != to_terminal_side) return std::move(m.body);
    ++delivered;
    if (m.from_terminal) to_tms(m.body);
    else to_terminal(m.body);
  }
  return std::nullopt;
}

void Lockstep::drain() {
  while (!queue.empty()) {
    Delivered m = std::move(queue.front());
    queue.pop_front();
    keys.observe(m.from_terminal, m.body);
    ++delivered;
    if (m.from_terminal) to_tms(m.body);
    else to_terminal(m.body);
  }
}

std::optional<ResponseCode> abort_code(const session::Output& out) {
  if (out.send.size() != 1) return std::nullopt;
  auto a = codec::parse_abort(out.send[0]);
  if (!a.ok()) return std::nullopt;
  return a->code;
}

}  // namespace tmsproto::sim
