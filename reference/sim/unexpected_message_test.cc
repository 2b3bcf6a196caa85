// Any message delivered in a state that does not expect it — a replay or duplicate of an earlier
// message of this session, a message of a later step delivered early, a message of an earlier
// session of the same terminal, or a message that never arrives — ends the session with the code
// the state tables give, on the side that received it; neither engine ever takes a step its table
// does not have, and nothing takes effect that the deviation could have influenced (REQ-TERM-001,
// REQ-TMS-001, REQ-ERR-001, REQ-ERR-002, REQ-DL-002, REQ-HS-013, REQ-TERM-002, REQ-TMS-004).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "codec/header.h"
#include "crypto/secret.h"
#include "sim/loopback.h"
#include "sim/state_tables.h"

namespace tmsproto::sim {
namespace {

rc::Gen<EstateOptions> gen_any_options();

// REQ-CRYPTO-025: LEGACY draws run as unattended program downloads.
rc::Gen<EstateOptions> gen_options() { return rc::gen::map(gen_any_options(), runnable); }

rc::Gen<EstateOptions> gen_any_options() {
  return rc::gen::build<EstateOptions>(
      rc::gen::set(&EstateOptions::profile,
                   rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256)),
      rc::gen::set(&EstateOptions::trans, rc::gen::element(TransCode::kKeyDownload, TransCode::kProgramDownload)),
      rc::gen::set(&EstateOptions::with_operator, rc::gen::just(false)),
      rc::gen::set(&EstateOptions::packages,
                   rc::gen::container<std::vector<PackageSpec>>(
                       1, rc::gen::build<PackageSpec>(
                              rc::gen::set(&PackageSpec::length, rc::gen::inRange<std::size_t>(1, 1500)),
                              rc::gen::set(&PackageSpec::chunk_size, rc::gen::element<std::uint16_t>(256, 512))))),
      rc::gen::set(&EstateOptions::delivered_keys, rc::gen::inRange<std::size_t>(1, 3)),
      rc::gen::set(&EstateOptions::seed, rc::gen::inRange<std::uint64_t>(0, 1u << 20)));
}

Tamper cut_at(std::size_t index) {
  return [index](std::size_t i, bool, Bytes&) { return i == index ? Fate::kCut : Fate::kDeliver; };
}

MsgType type_of(const Bytes& body) { return static_cast<MsgType>(body.at(0)); }

enum class Kind { kDrop, kEarlier, kLater, kOtherSession };

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kDrop: return "drop";
    case Kind::kEarlier: return "replay of an earlier message";
    case Kind::kLater: return "a later message early";
    case Kind::kOtherSession: return "message of an earlier session";
  }
  return "?";
}

// What the receiver of an injected message must answer, by the tables: nullopt when it is final
// (T18, S12) or when the message is exactly the one it is waiting for (then it is no deviation).
std::optional<ResponseCode> expected_code(const Delivered& m, bool same_keys, bool is_next, terminal::State ts,
                                          tms::State ss) {
  const MsgType t = type_of(m.body);
  const bool to_tms = m.from_terminal;
  if (to_tms ? tables::final_state(ss) : tables::final_state(ts)) return std::nullopt;
  if (!(to_tms ? tables::listed(ss, t) : tables::listed(ts, t))) return ResponseCode::kUnexpectedMessage;  // T14/S10
  if (same_keys) {
    if (is_next) return std::nullopt;
    return is_enveloped(t) ? std::optional(ResponseCode::kSequenceError) : std::nullopt;  // REQ-DL-002
  }
  switch (t) {  // a message of another session of the same terminal
    case MsgType::kHsRequest: return ResponseCode::kReplay;              // REQ-HS-013
    case MsgType::kHsAuthRequest: return ResponseCode::kTmsAuthFailed;   // TAC over another T_DATA
    case MsgType::kHsAuthAnswer: return ResponseCode::kTerminalAuthFailed;  // SAC over another S_DATA
    default: return ResponseCode::kMacFailed;                            // KEY_MAC, envelope MAC
  }
}

RC_GTEST_PROP(UnexpectedMessages, EndTheSessionWithTheTablesCode, ()) {
  EstateOptions options = *gen_options();
  options.with_operator = options.trans == TransCode::kKeyDownload;  // REQ-OPR-005
  const auto earlier_cut = *rc::gen::inRange<std::size_t>(1, 9);

  // A replica of the estate gives the honest transcript H of the session under test (the engines
  // are deterministic) and, through an earlier session cut short, messages O of another session.
  auto replica = make_estate(options);
  const std::vector<Delivered> other = run_session(*replica, cut_at(earlier_cut)).messages;
  const RunResult honest_run = run_session(*replica);
  RC_ASSERT(honest_run.terminal_state == terminal::State::T_DONE);
  const std::vector<Delivered>& honest = honest_run.messages;

  const Kind kind = *rc::gen::element(Kind::kDrop, Kind::kEarlier, Kind::kLater, Kind::kOtherSession);
  const auto at = *rc::gen::inRange<std::size_t>(0, honest.size());
  std::optional<Delivered> extra;
  switch (kind) {
    case Kind::kDrop: break;
    case Kind::kEarlier:
      RC_PRE(at > 0);
      // Mostly recent ones: a duplicate of the last message each way, a replay of the one before.
      extra = honest[at - *rc::gen::inRange<std::size_t>(1, std::min<std::size_t>(at, 4) + 1)];
      break;
    case Kind::kLater:
      RC_PRE(at + 1 < honest.size());
      extra = honest[*rc::gen::inRange<std::size_t>(at + 1, honest.size())];
      break;
    case Kind::kOtherSession:
      RC_PRE(!other.empty());
      extra = *rc::gen::elementOf(other);
      break;
  }
  RC_TAG(kind_name(kind));
  if (extra) RC_TAG(name(type_of(extra->body)));

  auto estate = make_estate(options);
  run_session(*estate, cut_at(earlier_cut));
  const std::size_t audits_before = estate->audit.records.size();

  terminal::State prev_t = terminal::State::T_IDLE;
  tms::State prev_s = tms::State::S_IDLE;
  bool edges_ok = true;
  std::optional<ResponseCode> oracle;
  bool oracle_for_tms = false;
  bool benign = false;  // the injected message was exactly the one its receiver waited for
  Hooks hooks;
  hooks.tamper = [&](std::size_t i, bool, Bytes&) {
    return kind == Kind::kDrop && i == at ? Fate::kDrop : Fate::kDeliver;
  };
  hooks.inject = [&](std::size_t i, terminal::State ts, tms::State ss) -> std::vector<Delivered> {
    if (!extra || i != at) return {};
    // The receiver of the injected message waits for the first honest message from `at` on that
    // travels its way: message `at` itself, or a later one (the next, or the one after a terminal's
    // TERM_INFO and the message it sends with it, REQ-DL-040).
    std::size_t next = at;
    while (next < honest.size() && honest[next].from_terminal != extra->from_terminal) ++next;
    const bool is_next = kind != Kind::kOtherSession && next < honest.size() && honest[next].body == extra->body;
    benign = is_next;
    oracle = expected_code(*extra, kind != Kind::kOtherSession, is_next, ts, ss);
    oracle_for_tms = extra->from_terminal;
    return {*extra};
  };
  hooks.observe = [&](terminal::State ts, tms::State ss) {
    edges_ok = edges_ok && tables::terminal_edge(prev_t, ts, options.trans) &&
               tables::tms_edge(prev_s, ss, options.trans);
    prev_t = ts;
    prev_s = ss;
  };
  const RunResult r = run_session(*estate, hooks);
  RC_LOG() << name(options.profile) << " trans " << static_cast<int>(options.trans) << ", " << kind_name(kind)
           << " at " << at << " (" << name(type_of(honest[at].body)) << ")"
           << (extra ? " injecting " + std::string(name(type_of(extra->body))) : std::string())
           << ", terminal " << name(r.terminal_state) << " "
           << (r.terminal_failure && r.terminal_failure->code ? static_cast<int>(*r.terminal_failure->code) : -1)
           << ", TMS " << name(r.tms_state) << " "
           << (r.tms_failure && r.tms_failure->code ? static_cast<int>(*r.tms_failure->code) : -1) << ", oracle "
           << (oracle ? static_cast<int>(*oracle) : -1) << (oracle_for_tms ? " for the TMS" : " for the terminal")
           << std::endl;

  // Neither engine left its table, and both ended.
  RC_ASSERT(edges_ok);
  RC_ASSERT(tables::final_state(r.terminal_state));
  RC_ASSERT(tables::final_state(r.tms_state));
  RC_ASSERT(estate->audit.records.size() == audits_before + 1);  // REQ-TMS-005

  // The receiving side ended with the table's code, and said so in its ABORT.
  if (kind == Kind::kDrop && type_of(honest[at].body) == MsgType::kTermInfo) {
    // TERM_INFO is followed at once by SESSION_END or PKG_ANNOUNCE (REQ-DL-040), which reaches the
    // TMS in S_WAIT_TERM_INFO: row S10 (02), and the terminal ends on that ABORT (T10).
    RC_ASSERT(r.tms_failure && r.tms_failure->code == std::optional(ResponseCode::kUnexpectedMessage));
    RC_ASSERT(r.tms_failure->sent_abort);
    RC_ASSERT(r.terminal_failure && r.terminal_failure->code == std::optional(ResponseCode::kUnexpectedMessage));
    RC_ASSERT(!r.terminal_failure->sent_abort);
  } else if (kind == Kind::kDrop) {
    // Nothing arrives: the terminal's T_RESPONSE expires first in the driver (T11), unless the TMS
    // had closed after its SESSION_END_ACK, which the terminal sees as a lost connection (T12).
    const bool last = type_of(honest[at].body) == MsgType::kSessionEndAck;
    RC_ASSERT(r.terminal_failure.has_value());
    RC_ASSERT(r.terminal_failure->code == (last ? std::nullopt : std::optional(ResponseCode::kTimeout)));
    RC_ASSERT(r.terminal_failure->sent_abort == !last);
  } else if (oracle) {
    const auto code = oracle_for_tms ? (r.tms_failure ? r.tms_failure->code : std::nullopt)
                                     : (r.terminal_failure ? r.terminal_failure->code : std::nullopt);
    const bool sent_abort = oracle_for_tms ? r.tms_failure && r.tms_failure->sent_abort
                                           : r.terminal_failure && r.terminal_failure->sent_abort;
    RC_ASSERT(code == oracle);
    RC_ASSERT(sent_abort);
  }
  for (const auto& code : {r.terminal_failure ? r.terminal_failure->code : std::nullopt,
                           r.tms_failure ? r.tms_failure->code : std::nullopt}) {
    if (code) RC_ASSERT(*code != ResponseCode::kSuccess);
  }

  // Nothing took effect before the honest step that makes it take effect (REQ-TERM-002,
  // REQ-TMS-004), and what took effect is exactly what the estate holds for the terminal.
  const auto index_of = [&](MsgType t) {
    for (std::size_t i = 0; i < honest.size(); ++i) {
      if (type_of(honest[i].body) == t) return i;
    }
    return honest.size();
  };
  if (r.key_message_sent) RC_ASSERT(at >= index_of(MsgType::kHsAuthAnswer) || benign);
  if (r.keys_installed) {
    RC_ASSERT(at >= index_of(MsgType::kKeyMessage) || benign);
    const auto& slots = estate->key_set();
    for (std::size_t i = 0; i < slots.size(); ++i) {
      RC_ASSERT(crypto::ct_equal(estate->key_store.slots.at(slots[i].slot).view(), estate->key_set_keys[i].view()));
    }
  }
  if (r.packages_applied > 0) {
    RC_ASSERT(at + 1 >= index_of(MsgType::kSessionEnd) || benign);
    for (const auto& p : estate->vendor().packages) {
      const auto& installed = estate->package_store.packages.at({p.offer.manifest.kind, p.offer.manifest.name});
      RC_ASSERT(installed.content == p.content);
    }
  }
}

}  // namespace
}  // namespace tmsproto::sim
