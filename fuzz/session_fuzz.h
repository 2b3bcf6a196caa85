// Shared by terminal_session_fuzzer and tms_session_fuzzer: the input format, the honest sessions
// the drivers replay, and the checks that apply to everything an engine sends.
//
// Input: one configuration octet, then up to kMaxSteps steps, each an operation octet and its
// operands (see Op). Nothing bypasses a MAC: the deep states are reached by delivering the messages
// of a recorded honest session, which the engine under test accepts because it is rebuilt with
// the same seed, stores and clock as in the recording (REQ-TERM-003, REQ-TMS-003: deterministic).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/envelope.h"
#include "codec/handshake_messages.h"
#include "codec/header.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"
#include "forge/session_keys.h"
#include "fuzz_common.h"
#include "sim/estate.h"
#include "sim/lockstep.h"
#include "sim/loopback.h"

namespace tmsproto::fuzz {

inline constexpr std::size_t kMaxSteps = 64;

// The rows an input ran, in the state tables' own names (name(State) and name(Event) of
// spec/09-terminal-states.md and spec/10-tms-states.md): a failed check prints them
// (failure_context), so that a report says which path through the table led to it and not only
// the line of the check. One entry per step in a fixed array: nothing is allocated per input.
class Path {
 public:
  void clear() { size_ = 0; }
  void add(std::string_view before, std::string_view event, std::string_view after) {
    if (size_ < steps_.size()) steps_[size_++] = Step{before, event, after};
  }
  void print() const {
    std::fprintf(stderr, "the rows this input ran (state, event, state after):\n");
    for (std::size_t i = 0; i < size_; ++i) {
      const Step& s = steps_[i];
      std::fprintf(stderr, "  %2zu  %.*s  %.*s  -> %.*s\n", i, static_cast<int>(s.before.size()), s.before.data(),
                   static_cast<int>(s.event.size()), s.event.data(), static_cast<int>(s.after.size()), s.after.data());
    }
  }

 private:
  struct Step {
    std::string_view before, event, after;
  };
  std::array<Step, kMaxSteps + 1> steps_{};  // the steps and a START before them
  std::size_t size_ = 0;
};

inline Path& path() {
  static Path p;
  return p;
}

// Starts an input's path and has a failed check print it.
inline void begin_path() {
  path().clear();
  failure_context() = [] { path().print(); };
}

// A tiny bounded consumer, front to back: past the end every read yields zeros and empty strings.
class ByteConsumer {
 public:
  ByteConsumer(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::size_t pos() const { return std::min(pos_, size_); }
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() {
    const std::uint16_t hi = u8();
    return static_cast<std::uint16_t>((hi << 8) | u8());
  }
  // The next n octets (fewer at the end), as a view into the input: valid while the input is.
  ByteView view(std::size_t n) {
    const std::size_t take = std::min(n, size_ - std::min(pos_, size_));
    ByteView out(data_ + pos_, take);
    pos_ += take;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// The configuration octet: bits 0-1 profile (LEGACY, TDES, AES-128, AES-256), bit 2 key download,
// bit 3 attended by an operator, bit 4 the estate's seed (1 or 2); bits 5 and 6 are the terminal
// harness's (START late, START refused: terminal_session_fuzzer.cc); bit 7 the resumed estate.
inline constexpr std::uint8_t kResumedEstate = 128;

// With bit 7, a program download offers three packages: an update of the master application
// (KIND M, spec/06-download.md 6.6), the estate acquirer's FORMAT 0x02 parameter file for this
// terminal (REQ-MSG-092) and the vendor's application; and the terminal holds the pieces an
// earlier session staged before its connection was cut (Fixture, REQ-DL-034). Without it the
// engines never meet a master application offered, a signer of FORMAT 0x02 or a resume.
inline std::vector<sim::PackageSpec> resumed_estate_packages() {
  return {sim::PackageSpec{codec::PackageKind::kMaster, sim::kMasterApplication, 2, 1500, 512},
          sim::PackageSpec{codec::PackageKind::kParameters, "MERCHANT", 2, 1200, 512, true},
          sim::PackageSpec{}};
}

inline sim::EstateOptions options_from_octet(std::uint8_t c) {
  sim::EstateOptions o;
  o.profile = static_cast<Profile>(static_cast<std::uint8_t>((c & 3u) + 1u));
  o.trans = (c & 4u) != 0 ? TransCode::kKeyDownload : TransCode::kProgramDownload;
  o.with_operator = (c & 8u) != 0;
  o.seed = (c & 16u) != 0 ? 2 : 1;
  if ((c & kResumedEstate) != 0) o.packages = resumed_estate_packages();
  return sim::runnable(o);  // REQ-CRYPTO-025: LEGACY configurations run unattended program downloads
}
// The bits that choose the estate (and so the fixture).
inline std::uint8_t config_key(std::uint8_t c) { return static_cast<std::uint8_t>(c & (31u | kResumedEstate)); }

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

inline bool same(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

// One step as the input says it, before the engine sees it: its operation and, for the operations
// that deliver one, the body. A pure function of the input and the honest session (the cursor and
// the bodies delivered so far), so that the custom mutator (session_mutator.h) finds the steps of
// an input, and the honest message due at each, exactly as the harness reads them.
//
// Bodies are views, not copies (under ASan every copy is an allocation with its stack recorded, a
// good part of an input's time): into the honest session's messages, into the input, or into
// `made` (the mutated messages), all of which outlive the input's run.
struct Step {
  Op op;
  std::optional<ByteView> body;
};
// A view into an element stays valid when the vector grows: moving a Bytes keeps its buffer, and
// vector moves its elements on reallocation because that move is noexcept.
using MadeBodies = std::vector<Bytes>;
inline Step next_step(ByteConsumer& in, const std::vector<Bytes>& peer, std::size_t& cursor,
                      std::vector<ByteView>& delivered, MadeBodies& made, bool terminal_engine) {
  Step st{op_from_octet(in.u8()), std::nullopt};
  if (!terminal_engine && (st.op == Op::kCancel || st.op == Op::kStartAgain)) st.op = Op::kHonestNext;  // the TMS has neither
  switch (st.op) {
    case Op::kHonestNext:
      if (cursor < peer.size()) st.body = ByteView(peer[cursor++]);
      break;
    case Op::kMutatedHonest: {
      if (peer.empty()) break;
      const std::size_t i = in.u8() % (peer.size() + 1);
      const std::size_t pick = i == peer.size() ? std::min(cursor, peer.size() - 1) : i;
      if (pick == cursor) ++cursor;
      made.push_back(mutate(peer[pick], in));
      st.body = ByteView(made.back());
      break;
    }
    case Op::kArbitrary: st.body = in.view(in.u16() % (kMaxBody + 16)); break;
    case Op::kReplay:
      if (!delivered.empty()) st.body = delivered[in.u8() % delivered.size()];
      break;
    case Op::kHonestAt:
      if (!peer.empty()) st.body = ByteView(peer[in.u8() % peer.size()]);
      break;
    default: break;  // TIMEOUT, CONN_LOST, CANCEL, START: no operands
  }
  if (st.body) delivered.push_back(*st.body);
  return st;
}
// The octet of an operation that kArbitrary's slot in op_from_octet gives (used by the mutator).
inline constexpr std::uint8_t kArbitraryOctet = 4;

// The terminal harness fuzzes a program download unattended and a key download attended (the
// latter needs an operator, REQ-OPR-005): bit 3 of the configuration follows bit 2.
inline std::uint8_t terminal_config_octet(std::uint8_t c) {
  return (c & 4u) != 0 ? static_cast<std::uint8_t>(c | 8u) : static_cast<std::uint8_t>(c & ~8u);
}

// Whether `body`, from the terminal (from_terminal) or the TMS, passes the cryptographic check its
// type has under the session's keys: TAC_1, SAC_1, KEY_MAC, or the envelope's MAC (and its CT's
// padding). What the engines may act on: the honest peer's messages, and what a peer holding the
// session keys forged (the custom mutator's). Every other body must leave keys and packages alone.
inline bool verifies(const forge::SessionKeys& keys, ByteView body, bool from_terminal) {
  if (body.empty()) return false;
  const Bytes b(body.begin(), body.end());
  switch (static_cast<MsgType>(body[0])) {
    case MsgType::kHsAuthRequest: return !from_terminal && keys.with_tac_over(b) == b;
    case MsgType::kHsAuthAnswer: return from_terminal && keys.with_sac_over(b) == b;
    case MsgType::kKeyMessage: return !from_terminal && keys.with_key_mac_over(b) == b;
    case MsgType::kHsRequest:
    case MsgType::kAbort: return false;
    default: return keys.envelope(from_terminal, body).has_value();
  }
}

// REQ-MSG-003 on one body an engine sends: it parses as the message its type octet names (with the
// session's profile) and re-serialises to itself.
inline void check_body(ByteView b, Profile profile) {
  FUZZ_CHECK(b.size() >= kMinBody && b.size() <= kMaxBody);  // REQ-FRAME-001
  auto type = codec::peek_type(b);
  FUZZ_CHECK(type.ok());
  switch (*type) {
    case MsgType::kAbort: {
      auto a = codec::parse_abort(b);
      FUZZ_CHECK(a.ok());
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

// One estate per configuration, built once (make_estate runs PBKDF2 and ECDSA key generation),
// with its honest session recorded. reset() puts back everything an engine can change, so that
// each input starts from the estate as make_estate left it.
struct Fixture {
  std::unique_ptr<sim::Estate> estate;
  std::vector<sim::Delivered> honest;  // the whole honest session, in order
  sim::RunResult honest_result;
  // The honest session's keys, as a peer holding the DMK derives them (reference/forge/): the
  // custom mutator seals with them and the first-rule property opens envelopes with them.
  std::unique_ptr<sim::SessionKeys> keys;
  // The resumed estate's package store as a session cut after its 13th message left it: the FIT
  // and a DATA piece of the first package offered staged (fixture()).
  std::optional<sim::MemoryPackageStore> staged;

  void reset() {
    sim::Estate& e = *estate;
    const std::uint64_t seed = e.options.seed;
    e.terminal_rng = crypto::DeterministicRandom(seed * 3 + 1);  // as make_estate seeds them
    e.tms_rng = crypto::DeterministicRandom(seed * 3 + 2);
    e.clock.set(codec::DateTime{2026, 11, 26, 16, 0, 0});
    e.key_store = sim::MemoryKeyStore{};
    if (staged) {
      e.package_store = *staged;  // the resumed estate: what the cut session left (REQ-DL-034)
    } else {
      e.package_store = sim::MemoryPackageStore{};
      if (e.options.master_app) e.package_store.install_master(sim::kMasterApplication, 1);  // as make_estate does
    }
    e.replay = sim::MemoryReplayCache{};
    for (auto& o : e.registry.operators) o.lock = {};  // REQ-OPR-006: failed proofs of earlier inputs
    e.registry.end_all_leases();  // REQ-SRV-011: an earlier input's session that never ended
    for (auto& [key, t] : e.registry.terminals) t.delivered_key_sets.clear();  // S6 (REQ-KEY-023) of earlier inputs
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

  // What the checks and the custom mutator ask of each honest message, asked once, when the
  // fixture is built (each answer is a pure function of the message and the session's keys, so
  // this is a memo, not a shortcut): whether it verifies (authentic()), its envelope and payload
  // under the session's keys (nullopt for the handshake messages), and, checked then with
  // check_body, that it is a canonical message (check_sent). Parallel to sent_by(side).
  struct Known {
    bool verifies = false;
    std::optional<codec::Envelope> envelope;
    std::optional<Bytes> payload;
  };
  std::vector<Known> known_terminal, known_tms;
  const std::vector<Known>& known(bool terminal) const { return terminal ? known_terminal : known_tms; }
  // The payloads of one side's envelopes, for the mutator's fields of another message.
  std::vector<Bytes> payloads_terminal, payloads_tms;
  const std::vector<Bytes>& payloads(bool terminal) const { return terminal ? payloads_terminal : payloads_tms; }

  // The index of `body` among the honest messages `terminal` sent, if it is one of them.
  std::optional<std::size_t> honest_index(bool terminal, ByteView body) const {
    const std::vector<Bytes>& sent = sent_by(terminal);
    for (std::size_t i = 0; i < sent.size(); ++i)
      if (same(sent[i], body)) return i;
    return std::nullopt;
  }

  void learn(bool terminal) {
    std::vector<Known>& k = terminal ? known_terminal : known_tms;
    for (const Bytes& b : sent_by(terminal)) {
      if (b.empty() || b[0] != static_cast<std::uint8_t>(MsgType::kAbort)) check_body(b, estate->options.profile);
      Known one{verifies(*keys, b, terminal), keys->envelope(terminal, b), keys->open(terminal, b)};
      if (one.payload) (terminal ? payloads_terminal : payloads_tms).push_back(*one.payload);
      k.push_back(std::move(one));
    }
  }
};

// Puts the estate back (Fixture::reset) when an input ends rather than when the next one begins:
// what the engine stored is then freed within the input that allocated it. libFuzzer reruns, with
// the leak check, every input that ends with more allocations than frees; with the reset at the
// start that was every input that stored a key or a package, a sixteenth of the fuzz-mode
// terminal target's time under ASan. Every input starts from a reset estate all the same: fixture()
// leaves it reset and every input ends with this. Declare it before the engine, which holds ports
// into the estate and so must go first.
class ResetOnExit {
 public:
  explicit ResetOnExit(Fixture& f) : f_(f) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() { f_.reset(); }

 private:
  Fixture& f_;
};

inline Fixture& fixture(std::uint8_t config_octet) {
  static std::map<std::uint8_t, std::unique_ptr<Fixture>> cache;
  auto& slot = cache[config_key(config_octet)];
  if (!slot) {
    slot = std::make_unique<Fixture>();
    slot->estate = sim::make_estate(options_from_octet(config_octet));
    if ((config_octet & kResumedEstate) != 0 && slot->estate->options.trans == TransCode::kProgramDownload) {
      sim::run_session(*slot->estate, [](std::size_t i, bool, Bytes&) { return i == 13 ? sim::Fate::kCut : sim::Fate::kDeliver; });
      slot->staged = slot->estate->package_store;
      FUZZ_CHECK(slot->staged->pieces_staged > 0);  // or the estate resumes nothing
      slot->reset();  // the honest session below starts from what every input starts from
    }
    slot->honest_result = sim::run_session(*slot->estate);
    // The resumed estate's honest session takes all three packages (else it reaches less than it says).
    FUZZ_CHECK(!slot->staged || (slot->honest_result.terminal_state == terminal::State::T_DONE &&
                                 slot->honest_result.packages_applied == 3));
    slot->honest = slot->honest_result.messages;
    for (const auto& m : slot->honest) (m.from_terminal ? slot->by_terminal : slot->by_tms).push_back(m.body);
    slot->keys = std::make_unique<sim::SessionKeys>(*slot->estate);
    for (const auto& m : slot->honest) slot->keys->observe(m.from_terminal, m.body);
    slot->learn(true);
    slot->learn(false);
    slot->reset();
  }
  return *slot;
}

// The payload layout of an envelope's MSG_TYPE (REQ-MSG-071): whether `payload` parses as it.
inline bool payload_parses(MsgType type, ByteView payload) {
  switch (type) {
    case MsgType::kTermInfo: return payload.size() <= codec::kMaxTermInfo && codec::parse_terminal_info(payload).ok();
    case MsgType::kPkgAnnounce: return codec::parse_pkg_announce(payload).ok();
    case MsgType::kPkgConfirm: return codec::parse_pkg_confirm(payload).ok();
    case MsgType::kFrameRequest: return codec::parse_frame_request(payload).ok();
    case MsgType::kFrameResponse: return codec::parse_frame_response(payload).ok();
    case MsgType::kSessionEnd:
    case MsgType::kSessionEndAck: return codec::parse_session_end(payload).ok();
    default: return true;
  }
}

// The property the custom mutator is for: an engine still in step with the honest session (it has
// received exactly the peer's first messages, in order) that receives, in place of the honest
// `expected`, a body of the same MSG_TYPE must fail with the code of the first rule that body
// breaks, where the harness can know that rule; nullopt where it cannot (the rows' semantic
// checks, which need the engine's state). Known: the body's own fields, checked first and in table
// order (REQ-MSG-004: the parser's code); for an envelope whose header keeps the honest identity
// and SEQ (and, in TDES, no longer CT, so that the volume of REQ-CRYPTO-026 cannot be the cause),
// a MAC or padding failure is 13 (REQ-MSG-070) and a payload that does not parse 01 (REQ-MSG-071)
// — the order of spec/09 section 9.2 and spec/10, which both engines share.
inline std::optional<ResponseCode> first_rule_code(const Fixture& f, ByteView body, ByteView expected,
                                                   bool from_terminal, Profile profile) {
  if (body.empty() || expected.empty() || body[0] != expected[0]) return std::nullopt;
  const auto code_of = [](const auto& parsed) -> std::optional<ResponseCode> {
    if (parsed.ok()) return std::nullopt;
    return parsed.error().code;
  };
  switch (static_cast<MsgType>(body[0])) {
    case MsgType::kHsRequest: return code_of(codec::parse_hs_request(body));
    case MsgType::kHsAuthRequest: return code_of(codec::parse_hs_auth_request(body));
    case MsgType::kHsAuthAnswer: return code_of(codec::parse_hs_auth_answer(body, profile));
    case MsgType::kKeyMessage: return code_of(codec::parse_key_message(body, profile));
    case MsgType::kAbort: return std::nullopt;
    default: break;
  }
  auto e = codec::parse_envelope(body, profile);
  if (!e.ok()) return e.error().code;
  auto honest = codec::parse_envelope(expected, profile);
  if (!honest.ok() || !(e->id == honest->id) || e->seq != honest->seq) return std::nullopt;
  if (profile == Profile::kTdes && e->ct.size() > honest->ct.size()) return std::nullopt;
  auto payload = f.keys->open(from_terminal, body);
  if (!payload) return ResponseCode::kMacFailed;  // MAC, then decryption and padding: 13
  if (!payload_parses(e->type, *payload)) return ResponseCode::kMalformed;
  return std::nullopt;
}

// verifies(), for the fixture's session: the honest messages' answers were computed when it was built.
inline bool authentic(const Fixture& f, ByteView body, bool from_terminal) {
  if (auto i = f.honest_index(from_terminal, body)) return f.known(from_terminal)[*i].verifies;
  return verifies(*f.keys, body, from_terminal);
}

// The engine failed with `got` (nullopt: it did not fail) where first_rule_code said `want`.
inline void check_first_rule(ResponseCode want, std::optional<ResponseCode> got, ByteView body) {
  if (got == want) return;
  std::fprintf(stderr, "first rule: MSG_TYPE %02x of %zu octets: want code %02d, engine %s %02d\n",
               body.empty() ? 0 : body[0], body.size(), static_cast<int>(want), got ? "failed with" : "did not fail,",
               got ? static_cast<int>(*got) : 0);
  std::abort();
}

// Whether the engine is still where the honest session had it (see first_rule_code).
struct InStep {
  std::size_t received = 0;  // the peer's honest messages it has received, in order
  bool still = true;
  // The code the next step must fail with, if it is a body first_rule_code knows.
  std::optional<ResponseCode> expect(const Fixture& f, const Step& st, const std::vector<Bytes>& peer,
                                     bool from_terminal, Profile profile) const {
    if (!still || !st.body || received >= peer.size() || same(*st.body, peer[received])) return std::nullopt;
    return first_rule_code(f, *st.body, peer[received], from_terminal, profile);
  }
  void after(const Step& st, const std::vector<Bytes>& peer) {
    if (!still) return;
    if (st.body && received < peer.size() && same(*st.body, peer[received])) {
      ++received;
    } else if (st.body || st.op != Op::kHonestNext) {
      still = false;  // anything else (a TIMEOUT, a CANCEL, a different body) leaves the recording
    }
  }
};

// REQ-MSG-003 on what an engine (the terminal's when terminal_engine) sends: every body is canonical
// (check_body; the honest messages were checked when the fixture was built); an ABORT is the last
// body of an output that closes the connection, and never says 00 (REQ-MSG-110, REQ-ERR-002).
inline void check_sent(const Fixture& f, bool terminal_engine, const std::vector<Bytes>& sent, bool close,
                       Profile profile) {
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Bytes& b = sent[i];
    if (!b.empty() && b[0] == static_cast<std::uint8_t>(MsgType::kAbort)) {
      FUZZ_CHECK(i + 1 == sent.size() && close);
    } else if (profile == f.estate->options.profile && f.honest_index(terminal_engine, b)) {
      continue;  // checked when the fixture was built
    }
    check_body(b, profile);
  }
}

}  // namespace tmsproto::fuzz
