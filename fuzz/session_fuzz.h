// Shared by terminal_session_fuzzer and tms_session_fuzzer: the input format, the honest sessions
// the drivers replay, and the checks that apply to everything an engine sends.
//
// Input: one configuration octet, then up to kMaxSteps steps, each an operation octet and its
// operands (see Op). Nothing bypasses a MAC: the deep states are reached by delivering the messages
// of a recorded honest session, which the engine under test accepts because it is rebuilt with
// the same seed, stores and clock as in the recording (REQ-TERM-003, REQ-TMS-003: deterministic).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "codec/abort_message.h"
#include "codec/envelope.h"
#include "codec/handshake_messages.h"
#include "codec/header.h"
#include "codec/key_message.h"
#include "fuzz_common.h"
#include "sim/estate.h"
#include "sim/loopback.h"

namespace tmsproto::fuzz {

inline constexpr std::size_t kMaxSteps = 64;

// A tiny bounded consumer, front to back: past the end every read yields zeros and empty strings.
class ByteConsumer {
 public:
  ByteConsumer(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() {
    const std::uint16_t hi = u8();
    return static_cast<std::uint16_t>((hi << 8) | u8());
  }
  Bytes bytes(std::size_t n) {
    const std::size_t take = std::min(n, size_ - std::min(pos_, size_));
    Bytes out(data_ + pos_, data_ + pos_ + take);
    pos_ += take;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// The configuration octet: bits 0-1 profile (LEGACY, TDES, AES-128, AES-256), bit 2 key download,
// bit 3 attended by an operator, bit 4 the estate's seed (1 or 2).
inline sim::EstateOptions options_from_octet(std::uint8_t c) {
  sim::EstateOptions o;
  o.profile = static_cast<Profile>(static_cast<std::uint8_t>((c & 3u) + 1u));
  o.trans = (c & 4u) != 0 ? TransCode::kKeyDownload : TransCode::kProgramDownload;
  o.with_operator = (c & 8u) != 0;
  o.seed = (c & 16u) != 0 ? 2 : 1;
  return sim::runnable(o);  // REQ-CRYPTO-025: LEGACY configurations run unattended program downloads
}
inline std::uint8_t config_key(std::uint8_t c) { return static_cast<std::uint8_t>(c & 31u); }

// Operations of one step. Weights come from the octet's value modulo kOpCount.
enum class Op {
  kHonestNext,     // the next message of the honest session
  kMutatedHonest,  // an honest message with 1-4 edits (set, flip, truncate, insert, delete)
  kArbitrary,      // any octets
  kReplay,         // a message delivered earlier in this run, again
  kHonestAt,       // an honest message out of order
  kTimeout,
  kConnLost,
  kCancel,         // the terminal only; the TMS reads it as kHonestNext
  kStartAgain,     // the terminal only (T16); the TMS reads it as kHonestNext
};
inline Op op_from_octet(std::uint8_t b) {
  static constexpr Op kOps[] = {Op::kHonestNext, Op::kHonestNext, Op::kHonestNext, Op::kMutatedHonest,
                                Op::kArbitrary,  Op::kReplay,     Op::kHonestAt,   Op::kTimeout,
                                Op::kConnLost,   Op::kCancel,     Op::kStartAgain};
  return kOps[b % (sizeof kOps / sizeof kOps[0])];
}

inline Bytes mutate(Bytes body, ByteConsumer& in) {
  const std::size_t edits = 1u + in.u8() % 4u;
  for (std::size_t i = 0; i < edits; ++i) {
    const std::uint8_t kind = in.u8() % 5u;
    const std::size_t pos = body.empty() ? 0 : in.u16() % body.size();
    const std::uint8_t value = in.u8();
    switch (kind) {
      case 0: if (!body.empty()) body[pos] = value; break;
      case 1: if (!body.empty()) body[pos] ^= static_cast<std::uint8_t>(1u << (value % 8u)); break;
      case 2: body.resize(pos); break;
      case 3: body.insert(body.begin() + static_cast<std::ptrdiff_t>(pos), value); break;
      default: if (!body.empty()) body.erase(body.begin() + static_cast<std::ptrdiff_t>(pos)); break;
    }
  }
  return body;
}

// One estate per configuration, built once (make_estate runs PBKDF2 and ECDSA key generation),
// with its honest session recorded. reset() puts back everything an engine can change, so that
// each input starts from the estate as make_estate left it.
struct Fixture {
  std::unique_ptr<sim::Estate> estate;
  std::vector<sim::Delivered> honest;  // the whole honest session, in order
  sim::RunResult honest_result;

  void reset() {
    sim::Estate& e = *estate;
    const std::uint64_t seed = e.options.seed;
    e.terminal_rng = crypto::DeterministicRandom(seed * 3 + 1);  // as make_estate seeds them
    e.tms_rng = crypto::DeterministicRandom(seed * 3 + 2);
    e.clock.set(codec::DateTime{2026, 11, 26, 16, 0, 0});
    e.key_store = sim::MemoryKeyStore{};
    e.package_store = sim::MemoryPackageStore{};
    if (e.options.master_app) e.package_store.install_master(sim::kMasterApplication, 1);  // as make_estate does
    e.replay = sim::MemoryReplayCache{};
    for (auto& o : e.registry.operators) o.lock = {};  // REQ-OPR-006: failed proofs of earlier inputs
    e.audit.records.clear();
    e.reports.history.clear();
    for (auto& [vendor_id, db] : e.vendors.vendors) {  // the calls each database recorded (REQ-TMS-026)
      db.offers_calls.clear();
      db.piece_calls.clear();
    }
  }

  // The honest messages one side sends, in order (split once, not copied per input).
  std::vector<Bytes> by_terminal, by_tms;
  const std::vector<Bytes>& sent_by(bool terminal) const { return terminal ? by_terminal : by_tms; }
  // The first honest message of a type, if the session had one.
  std::optional<Bytes> first_of(MsgType type) const {
    for (const auto& m : honest)
      if (!m.body.empty() && m.body[0] == static_cast<std::uint8_t>(type)) return m.body;
    return std::nullopt;
  }
  bool is_honest(ByteView body) const {
    for (const auto& m : honest)
      if (std::equal(m.body.begin(), m.body.end(), body.begin(), body.end())) return true;
    return false;
  }
};

inline Fixture& fixture(std::uint8_t config_octet) {
  static std::map<std::uint8_t, std::unique_ptr<Fixture>> cache;
  auto& slot = cache[config_key(config_octet)];
  if (!slot) {
    slot = std::make_unique<Fixture>();
    slot->estate = sim::make_estate(options_from_octet(config_octet));
    slot->honest_result = sim::run_session(*slot->estate);
    slot->honest = slot->honest_result.messages;
    for (const auto& m : slot->honest) (m.from_terminal ? slot->by_terminal : slot->by_tms).push_back(m.body);
    slot->reset();
  }
  return *slot;
}

// REQ-MSG-003 on what an engine sends: every body parses as the message its type octet names
// (with the session's profile) and re-serialises to itself; an ABORT is the last body of an output
// that closes the connection, and never says 00 (REQ-MSG-110, REQ-ERR-002).
inline void check_sent(const std::vector<Bytes>& sent, bool close, Profile profile) {
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Bytes& b = sent[i];
    FUZZ_CHECK(b.size() >= kMinBody && b.size() <= kMaxBody);  // REQ-FRAME-001
    auto type = codec::peek_type(b);
    FUZZ_CHECK(type.ok());
    switch (*type) {
      case MsgType::kAbort: {
        auto a = codec::parse_abort(b);
        FUZZ_CHECK(a.ok());
        FUZZ_CHECK(i + 1 == sent.size() && close);
        check_canonical(b, codec::serialize(*a));
        break;
      }
      case MsgType::kHsRequest: {
        auto m = codec::parse_hs_request(b);
        FUZZ_CHECK(m.ok());
        check_canonical(b, codec::serialize(*m));
        break;
      }
      case MsgType::kHsAuthRequest: {
        auto m = codec::parse_hs_auth_request(b);
        FUZZ_CHECK(m.ok() && m->profile == profile);
        check_canonical(b, codec::serialize(*m));
        break;
      }
      case MsgType::kHsAuthAnswer: {
        auto m = codec::parse_hs_auth_answer(b, profile);
        FUZZ_CHECK(m.ok());
        check_canonical(b, codec::serialize(*m));
        break;
      }
      case MsgType::kKeyMessage: {
        auto m = codec::parse_key_message(b, profile);
        FUZZ_CHECK(m.ok());
        check_canonical(b, codec::serialize(*m));
        break;
      }
      default: {
        auto m = codec::parse_envelope(b, profile);
        FUZZ_CHECK(m.ok());
        check_canonical(b, codec::serialize(*m));
        break;
      }
    }
  }
}

}  // namespace tmsproto::fuzz
