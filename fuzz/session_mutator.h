// The structure-aware mutation of the *_fuzzmode session targets (LLVMFuzzerCustomMutator): a
// message of the honest peer, due at some step of the input, edited in one place and sealed again
// under the session's keys (TAC_1, SAC_1, KEY_MAC, the envelope MAC; a manifest's signature, which
// the fuzzing build mode lets anyone compute), then put into the input as that step's body. Byte
// mutations alone almost never get past a MAC; these inputs reach the rule checks behind it, which
// is what a peer holding the session keys can send (the first-rule property of session_fuzz.h).
//
// The input format is the harness's: the forged body travels in a kArbitrary step (operation
// octet, two-octet length, body), so that every input it makes is also an input of the real-crypto
// target and of the ctest replay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "crypto/signature.h"
#include "session_fuzz.h"
#include "testing/deterministic_random.h"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace tmsproto::fuzz {

using Rng = std::minstd_rand;

// One edit of `b` between `lo` and `hi` (octets outside stay): an octet's value, one to four octets
// inserted or removed, a two-octet field stepped by one (lengths and counts), or a run of octets
// copied from the same place of another message (a field of another message).
inline void edit_between(Bytes& b, std::size_t lo, std::size_t hi, const std::vector<Bytes>& donors, Rng& rng) {
  hi = std::min(hi, b.size());
  if (lo >= hi) return;
  const std::size_t pos = lo + rng() % (hi - lo);
  switch (rng() % 6) {
    case 0: b[pos] = static_cast<std::uint8_t>(rng()); break;
    case 1: b[pos] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
    case 2: b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos), 1 + rng() % 4, static_cast<std::uint8_t>(rng())); break;
    case 3: b.erase(b.begin() + static_cast<std::ptrdiff_t>(pos), b.begin() + static_cast<std::ptrdiff_t>(std::min(hi, pos + 1 + rng() % 4))); break;
    case 4:
      if (pos + 1 < hi) {
        const int step = rng() % 2 == 0 ? 1 : -1;
        const auto v = static_cast<std::uint16_t>(((b[pos] << 8) | b[pos + 1]) + step);
        b[pos] = static_cast<std::uint8_t>(v >> 8);
        b[pos + 1] = static_cast<std::uint8_t>(v);
      }
      break;
    default:
      if (!donors.empty()) {
        const Bytes& d = donors[rng() % donors.size()];
        const std::size_t n = 1 + rng() % 16;
        for (std::size_t i = 0; i < n && pos + i < hi && pos + i < d.size(); ++i) b[pos + i] = d[pos + i];
      }
      break;
  }
}

// One field of a MANIFEST set to what breaks one rule behind its signature, where an octet edit
// seldom lands on a value that still parses: another MODEL_ID or a SERIAL_NO scope without this
// terminal (REQ-DL-062, `27`), a NOT_AFTER that has passed (REQ-DL-063, `29`), a VERSION no higher
// than the one installed (REQ-SEC-007, `20`), a FIT or package digest that the octets will not
// match (`18`).
inline void edit_manifest_field(codec::Manifest& m, Rng& rng) {
  switch (rng() % 6) {
    case 0:
      if (!m.model_id.empty()) m.model_id.back() = m.model_id.back() == 'Z' ? 'Y' : 'Z';
      break;
    case 1:
      if (m.scope) m.scope->targets = {"ZZZZZZZZZZ"};
      break;
    case 2:
      if (m.scope) m.scope->not_after = codec::DateTime{2001, 1, 1, 0, 0, 0};
      break;
    case 3: m.version = rng() % 2 == 0 ? 1 : 0; break;
    case 4: m.pkg_digest[rng() % m.pkg_digest.size()] ^= 0x01; break;
    default: m.fit_digest[rng() % m.fit_digest.size()] ^= 0x01; break;
  }
}

// PKG_CONFIRM with one offer's MANIFEST edited (an octet, or a field as above) and signed again
// with the key of its signer, the vendor's or (FORMAT 0x02) the acquirer's (in the fuzzing build
// mode a hash, so this costs nothing); empty if the edited manifest does not parse.
inline Bytes resigned_pkg_confirm(const Fixture& f, ByteView payload, Rng& rng) {
  auto confirm = codec::parse_pkg_confirm(payload);
  if (!confirm.ok() || confirm->offers.empty()) return {};
  codec::Offer& offer = confirm->offers[rng() % confirm->offers.size()];
  const bool scoped = offer.manifest.scope.has_value();
  Bytes manifest;
  if (rng() % 2 == 0) {
    codec::Manifest m = offer.manifest;
    edit_manifest_field(m, rng);
    manifest = codec::serialize(m);
  } else {
    manifest = codec::serialize(offer.manifest);
    edit_between(manifest, 0, manifest.size(), {}, rng);
  }
  auto parsed = codec::parse_manifest(manifest);
  if (!parsed.ok()) return {};
  crypto::DeterministicRandom nonce(rng());
  const crypto::SecretBytes& key = scoped ? f.estate->acquirer_private_key : f.estate->vendor_private_key;
  auto sig = crypto::ecdsa_p256_sign(key.view(), manifest, nonce);
  if (!sig.ok() || sig->size() != offer.signature.size()) return {};
  offer.manifest = *parsed;
  std::copy(sig->begin(), sig->end(), offer.signature.begin());
  return codec::serialize(*confirm);
}

// The peer's (the terminal's when from_terminal) honest message `index`, edited once and sealed
// again under the session's keys; empty when it cannot be (an ABORT, keys not observed).
inline Bytes forge_message(const Fixture& f, std::size_t index, bool from_terminal, Rng& rng) {
  const forge::SessionKeys& keys = *f.keys;
  const std::vector<Bytes>& donors = f.sent_by(from_terminal);
  const Bytes& honest = donors[index];
  const Fixture::Known& known = f.known(from_terminal)[index];  // its envelope and payload
  const std::size_t mac = mac_length(keys.profile());
  if (honest.empty()) return {};
  Bytes b = honest;
  switch (static_cast<MsgType>(honest[0])) {
    case MsgType::kHsRequest: edit_between(b, 1, b.size(), donors, rng); return b;  // nothing seals it
    case MsgType::kHsAuthRequest: edit_between(b, 1, b.size() - std::min(mac, b.size()), donors, rng); return keys.with_tac_over(b);
    case MsgType::kHsAuthAnswer: edit_between(b, 1, b.size() - std::min(mac, b.size()), donors, rng); return keys.with_sac_over(b);
    case MsgType::kKeyMessage: edit_between(b, 1, b.size() - std::min(mac, b.size()), donors, rng); return keys.with_key_mac_over(b);
    case MsgType::kAbort: return {};
    default: break;
  }
  const std::optional<codec::Envelope>& env = known.envelope;
  std::optional<Bytes> payload = known.payload;
  if (!env || !payload) return {};
  switch (rng() % 8) {
    case 0: {  // the honest payload under another SEQ (REQ-DL-002)
      const std::uint32_t seq = rng() % 2 == 0 ? env->seq + 1 + rng() % 2 : env->seq - 1;
      return keys.seal(from_terminal, env->type, seq, *payload);
    }
    case 1:
      if (env->type == MsgType::kPkgConfirm) {
        Bytes p = resigned_pkg_confirm(f, *payload, rng);
        if (!p.empty()) return keys.reseal(from_terminal, honest, p);
      }
      break;
    default: break;
  }
  // The same direction's payloads, for a field of another message.
  edit_between(*payload, 0, payload->size(), f.payloads(from_terminal), rng);
  if (payload->empty()) return {};
  return keys.reseal(from_terminal, honest, *payload);
}

// Where each step of an input begins and ends, and the honest message due before it (the
// harness's cursor), read with next_step as the harness reads them.
struct Spans {
  struct Span {
    std::size_t begin, end, cursor;
  };
  std::vector<Span> steps;
  std::size_t end = 1, cursor = 0;  // after the last step
};
inline Spans step_spans(const std::uint8_t* data, std::size_t size, const std::vector<Bytes>& peer, bool terminal_engine) {
  Spans out;
  ByteConsumer in(data, size);
  in.u8();  // the configuration
  out.end = in.pos();
  std::vector<ByteView> delivered;
  MadeBodies made;
  for (std::size_t step = 0; step < kMaxSteps && !in.empty(); ++step) {
    const std::size_t begin = in.pos(), cursor = out.cursor;
    next_step(in, peer, out.cursor, delivered, made, terminal_engine);
    out.steps.push_back({begin, in.pos(), cursor});
    out.end = in.pos();
  }
  return out;
}

// The custom mutator: three times in four, a forged message inserted at, or put in place of, a
// step; otherwise libFuzzer's own mutations (which keep finding what the bytes alone reach).
inline std::size_t mutate_session(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                                  bool terminal_engine) {
  Rng rng(seed);
  if (size < 1 || rng() % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  const std::uint8_t config = terminal_engine ? terminal_config_octet(data[0]) : data[0];
  const Fixture& f = fixture(config);
  const bool from_terminal = !terminal_engine;  // the peer's messages are what the engine receives
  const std::vector<Bytes>& peer = f.sent_by(from_terminal);
  if (peer.empty()) return LLVMFuzzerMutate(data, size, max_size);
  const Spans spans = step_spans(data, size, peer, terminal_engine);
  const std::size_t j = rng() % (spans.steps.size() + 1);
  const bool at_end = j == spans.steps.size();
  const std::size_t at = at_end ? spans.end : spans.steps[j].begin;
  const std::size_t cursor = at_end ? spans.cursor : spans.steps[j].cursor;
  // Mostly the message due there ("the next message"), sometimes any of the peer's.
  const std::size_t index = cursor < peer.size() && rng() % 4 != 0 ? cursor : rng() % peer.size();
  const Bytes forged = forge_message(f, index, from_terminal, rng);
  if (forged.empty() || forged.size() >= kMaxBody + 16) return LLVMFuzzerMutate(data, size, max_size);
  const std::size_t rest = !at_end && rng() % 2 == 0 ? spans.steps[j].end : at;  // replace or insert
  Bytes out(data, data + at);
  out.push_back(kArbitraryOctet);
  out.push_back(static_cast<std::uint8_t>(forged.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(forged.size()));
  out.insert(out.end(), forged.begin(), forged.end());
  out.insert(out.end(), data + rest, data + size);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

}  // namespace tmsproto::fuzz
