#include "conformance/runner/terminal_messages.h"

#include <algorithm>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/envelope.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"
#include "common/hex.h"
#include "conformance/runner/judgement.h"

namespace tmsproto::conformance {
namespace {

std::uint8_t octet(MsgType t) { return static_cast<std::uint8_t>(t); }
std::string trans_digits(TransCode t) { return t == TransCode::kKeyDownload ? "01" : "02"; }

// The requirement a parse error of a message the terminal sent breaks: the field's rule.
std::string header_req(std::string_view field) {
  if (field == "VERSION") return "REQ-MSG-013";
  if (field == "VENDOR_ID" || field == "MODEL_ID" || field == "SERIAL_NO") return "REQ-MSG-010";
  if (field == "MSG_TYPE") return "REQ-MSG-001";
  return "";
}

std::string hs_request_req(std::string_view field) {
  if (auto h = header_req(field); !h.empty()) return h;
  if (field == "TRANS_CODE") return "REQ-MSG-030";
  if (field == "OFFERED_PROFILES") return "REQ-MSG-031";
  if (field == "OPERATOR_ID") return "REQ-MSG-010";
  if (field == "RESERVED") return "REQ-MSG-032";
  if (field == "T_DATA") return "REQ-MSG-011";  // only T_TIME can fail in a body of 116 octets
  return "REQ-MSG-002";
}

std::string hs_auth_answer_req(std::string_view field) {
  if (auto h = header_req(field); !h.empty()) return h;
  if (field == "AUTH_STAGE" || field == "RETURN_CODE") return "REQ-MSG-041";
  if (field == "TERM_AUTH_RESULT") return "REQ-MSG-050";
  return "REQ-MSG-051";
}

std::string envelope_req(std::string_view field) {
  if (auto h = header_req(field); !h.empty()) return h;
  return "REQ-DL-001";  // SEQ, CT_LEN, CT, MAC: not the envelope of section 3.8
}

Violation violation(std::string req, const std::string& expected, std::string seen, const WireMessage& m) {
  return {req, req + ": " + expected, std::move(seen), m.body};
}

Violation parse_violation(std::string req, const std::string& expected, const codec::ParseError& e,
                          const WireMessage& m) {
  return violation(std::move(req), expected, describe(m) + " whose " + std::string(e.field) + " breaks its rule", m);
}

bool all_zero(ByteView b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

// REQ-SEC-002: where `key` stands in clear in `text`, or nullopt.
std::optional<std::size_t> find_key(ByteView text, ByteView key) {
  if (key.empty() || text.size() < key.size()) return std::nullopt;
  auto at = std::search(text.begin(), text.end(), key.begin(), key.end());
  if (at == text.end()) return std::nullopt;
  return static_cast<std::size_t>(at - text.begin());
}

std::optional<Violation> check_secrets(const WireMessage& m, const SessionFacts& f) {
  for (const SessionSecret& s : f.secrets) {
    for (const auto* text : {&m.body, m.payload ? &*m.payload : nullptr}) {
      if (text == nullptr) continue;
      if (auto at = find_key(*text, s.key.view())) {
        // The message is not shown: it would print the key (spec README: key material never printed).
        return Violation{"REQ-SEC-002", "REQ-SEC-002: no key in clear in any message",
                         s.name + " in clear at octet " + std::to_string(*at) + " of " +
                             (text == &m.body ? "the body" : "the decrypted payload") + " of " + describe(m),
                         {}};
      }
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_identity(const codec::Identity& id, const SessionFacts& f, const WireMessage& m) {
  if (id == f.id) return std::nullopt;
  return violation("REQ-MSG-020", "the identity of the terminal profile in every header (" + f.id.vendor_id + "/" +
                                      f.id.model_id + "/" + f.id.serial_no + ")",
                   describe(m) + " of " + id.vendor_id + "/" + id.model_id + "/" + id.serial_no, m);
}

std::optional<Violation> check_hs_request(const WireMessage& m, const SessionFacts& f) {
  const std::string what = "HS_REQUEST as section 3.4 lays it out";
  if (m.body.size() != codec::kHsRequestLength) {
    return violation("REQ-MSG-002", "HS_REQUEST of " + std::to_string(codec::kHsRequestLength) + " octets",
                     describe(m) + " of " + std::to_string(m.body.size()) + " octets", m);
  }
  auto r = codec::parse_hs_request(m.body);
  if (!r.ok()) return parse_violation(hs_request_req(r.error().field), what, r.error(), m);
  if (auto v = check_identity(r->id, f, m)) return v;
  if (r->trans != f.trans) {
    return violation("REQ-CONF-001", "TRANS_CODE " + trans_digits(f.trans) + " as {transaction} says",
                     "TRANS_CODE " + trans_digits(r->trans), m);
  }
  const auto bit = static_cast<std::uint8_t>(1u << (static_cast<unsigned>(f.profile) - 1));
  if (r->offered_profiles != bit) {  // REQ-MSG-034, REQ-SEC-005: the one profile of its DMK
    return violation("REQ-MSG-034", "OFFERED_PROFILES 0x" + to_hex(Bytes{bit}) + ", the bit of {profile} alone",
                     "OFFERED_PROFILES 0x" + to_hex(Bytes{r->offered_profiles}), m);
  }
  if (r->operator_id != f.operator_id) {  // REQ-OPR-001
    return violation("REQ-OPR-001",
                     f.operator_id.empty() ? "OPERATOR_ID all 0x20 (an unattended session)"
                                           : "OPERATOR_ID " + f.operator_id + " as {operator} says",
                     "OPERATOR_ID \"" + r->operator_id + "\"", m);
  }
  if (f.trans == TransCode::kKeyDownload && r->key_set_id != f.key_set_id) {  // REQ-MSG-032
    return violation("REQ-MSG-032", "KEY_SET_ID " + f.key_set_id + " as {key_set} says",
                     "KEY_SET_ID \"" + r->key_set_id + "\"", m);
  }
  if (f.wall_minus_monotonic_ms) {  // REQ-MSG-033: the terminal's current date-time, UTC
    const std::int64_t suite_s = (m.at_ms + *f.wall_minus_monotonic_ms) / 1000;
    const std::int64_t off = codec::seconds_since_2000(r->t_data.time) - suite_s;
    if (off > kTTimeWindowSeconds || off < -kTTimeWindowSeconds) {
      return violation("REQ-MSG-033", "T_TIME within " + std::to_string(kTTimeWindowSeconds) +
                                          " s of the suite's UTC clock",
                       "T_TIME " + std::to_string(off) + " s from it", m);
    }
  }
  return std::nullopt;
}

std::optional<Violation> check_hs_auth_answer(const WireMessage& m, const SessionFacts& f) {
  const std::size_t mac = mac_length(f.profile);
  if (m.body.size() != codec::kHsAuthAnswerProofOffset + 2 * mac) {
    return violation("REQ-MSG-051",
                     "HS_AUTH_ANSWER of " + std::to_string(codec::kHsAuthAnswerProofOffset + 2 * mac) +
                         " octets: OPERATOR_PROOF and SAC_1 of the profile's MAC length",
                     describe(m) + " of " + std::to_string(m.body.size()) + " octets", m);
  }
  auto r = codec::parse_hs_auth_answer(m.body, f.profile);
  if (!r.ok()) return parse_violation(hs_auth_answer_req(r.error().field), "HS_AUTH_ANSWER as section 3.6 lays it out",
                                      r.error(), m);
  if (auto v = check_identity(r->id, f, m)) return v;
  if (f.operator_id.empty() && !all_zero(r->operator_proof)) {  // REQ-OPR-001
    return violation("REQ-OPR-001", "OPERATOR_PROOF all 0x00 in an unattended session",
                     "OPERATOR_PROOF " + to_hex(r->operator_proof), m);
  }
  return std::nullopt;
}

std::optional<Violation> check_abort(const WireMessage& m) {
  auto a = codec::parse_abort(m.body);
  if (a.ok()) return std::nullopt;
  const std::string req = a.error().field == "VERSION" ? "REQ-MSG-013" : "REQ-MSG-110";
  return violation(req, "ABORT of exactly 4 octets: 0x7F, VERSION 0x01, RC a response code other than 00",
                   "an ABORT of " + std::to_string(m.body.size()) + " octets whose " + std::string(a.error().field) +
                       " breaks its rule",
                   m);
}

// REQ-MSG-120: whole items in ascending (TAG, VALUE) order, 4-8000 octets; checked here so that
// what parse_terminal_info then refuses is a rule of REQ-MSG-121 or REQ-MSG-122.
std::optional<std::string> term_info_structure(ByteView p, bool& odd_package_item, bool& odd_master_item) {
  if (p.size() < 4 || p.size() > codec::kMaxTermInfo) return std::to_string(p.size()) + " octets";
  std::optional<std::pair<std::uint16_t, ByteView>> previous;
  for (std::size_t at = 0; at < p.size();) {
    if (p.size() - at < 4) return "a part item at octet " + std::to_string(at);
    const auto tag = static_cast<std::uint16_t>(p[at] << 8 | p[at + 1]);
    const std::size_t len = static_cast<std::size_t>(p[at + 2] << 8 | p[at + 3]);
    if (p.size() - at - 4 < len) return "an item at octet " + std::to_string(at) + " longer than the payload";
    const ByteView value = p.subspan(at + 4, len);
    if (previous) {
      const bool ascending =
          previous->first < tag ||
          (previous->first == tag && std::lexicographical_compare(previous->second.begin(), previous->second.end(),
                                                                  value.begin(), value.end()));
      if (!ascending) return "an item of TAG 0x" + to_hex(p.subspan(at, 2)) + " at octet " + std::to_string(at) +
                             " after one that must follow it";
    }
    if (tag == static_cast<std::uint16_t>(codec::InfoTag::kPackage) && len != 21) odd_package_item = true;
    if (tag == static_cast<std::uint16_t>(codec::InfoTag::kMasterApp) && len != 10) odd_master_item = true;
    previous.emplace(tag, value);
    at += 4 + len;
  }
  return std::nullopt;
}

std::string term_info_req(std::string_view field, bool odd_package_item, bool odd_master_item) {
  if (field == "PACKAGE") return odd_package_item ? "REQ-MSG-121" : "REQ-MSG-122";
  if (field == "MASTER_APP") return odd_master_item ? "REQ-MSG-121" : "REQ-MSG-122";
  if (field == "RUNNING_SLOT" || field == "RUNNING_VERSION" || field == "SWITCH_STATE" || field == "OTHER_VERSION") {
    return "REQ-MSG-122";
  }
  return "REQ-MSG-121";
}

// What the session's envelopes so far have shown, for the rules that tie them together.
struct DownloadState {
  std::uint32_t next_seq = 0;  // REQ-DL-002
  std::size_t envelopes = 0;
  std::optional<std::vector<codec::InstalledPackage>> reported;  // TERM_INFO's PACKAGE items
  bool ended = false;  // SESSION_END sent
};

std::optional<Violation> check_payload(const WireMessage& m, MsgType type, ByteView p, const SessionFacts& f,
                                       DownloadState& s) {
  (void)f;
  switch (type) {
    case MsgType::kTermInfo: {
      bool odd_package = false, odd_master = false;
      if (auto bad = term_info_structure(p, odd_package, odd_master)) {
        return violation("REQ-MSG-120",
                         "TERM_INFO of 4-8000 octets of whole items, ascending by TAG then VALUE", "a TERM_INFO payload of " + *bad,
                         m);
      }
      auto info = codec::parse_terminal_info(p);
      if (!info.ok()) {
        return parse_violation(term_info_req(info.error().field, odd_package, odd_master),
                               "TERM_INFO items as the registry of section 3.8 says", info.error(), m);
      }
      s.reported = info->packages;
      return std::nullopt;
    }
    case MsgType::kPkgAnnounce: {
      auto a = codec::parse_pkg_announce(p);
      if (!a.ok()) {
        return parse_violation(a.error().field == "NAME" ? "REQ-MSG-010" : "REQ-MSG-080",
                               "PKG_ANNOUNCE with MAX_CHUNK 256-4096 and its installed packages, ascending by KIND ‖ NAME",
                               a.error(), m);
      }
      if (s.reported && *s.reported != a->installed) {  // both list exactly the installed packages
        return violation("REQ-MSG-080", "PKG_ANNOUNCE listing the installed packages its TERM_INFO reported",
                         "PKG_ANNOUNCE of " + std::to_string(a->installed.size()) + " entries after TERM_INFO's " +
                             std::to_string(s.reported->size()) + " PACKAGE items, not the same",
                         m);
      }
      return std::nullopt;
    }
    case MsgType::kFrameRequest: {
      auto r = codec::parse_frame_request(p);
      if (!r.ok()) {
        return parse_violation(r.error().field == "SECTION" ? "REQ-MSG-100" : "REQ-MSG-071",
                               "FRAME_REQUEST of 6 octets, SECTION 0x01 or 0x02", r.error(), m);
      }
      return std::nullopt;
    }
    case MsgType::kSessionEnd: {
      auto e = codec::parse_session_end(p);
      if (!e.ok()) {
        return parse_violation(e.error().field == "RESULT" ? "REQ-MSG-012" : "REQ-MSG-071",
                               "SESSION_END of 2 octets, RESULT a response code", e.error(), m);
      }
      s.ended = true;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<Violation> check_envelope(const WireMessage& m, MsgType type, const SessionFacts& f,
                                        bool suite_changed, DownloadState& s) {
  auto e = codec::parse_envelope(m.body, f.profile);
  if (!e.ok()) {
    return parse_violation(envelope_req(e.error().field), "an envelope as section 3.8 lays it out", e.error(), m);
  }
  if (auto v = check_identity(e->id, f, m)) return v;
  if (e->seq != s.next_seq) {
    return violation("REQ-DL-002", "SEQ " + std::to_string(s.next_seq), describe(m) + " of SEQ " + std::to_string(e->seq),
                     m);
  }
  ++s.next_seq;
  const std::size_t n = s.envelopes++;
  const MsgType second = f.trans == TransCode::kKeyDownload ? MsgType::kSessionEnd : MsgType::kPkgAnnounce;
  if (n == 0 && type != MsgType::kTermInfo) {
    return violation("REQ-DL-040", "TERM_INFO as the first envelope after KEY_MESSAGE", describe(m), m);
  }
  if (n == 1 && type != second) {
    return violation("REQ-DL-040", std::string(name(second)) + " as the envelope after TERM_INFO", describe(m), m);
  }
  if (n >= 1 && type == MsgType::kTermInfo) {
    return violation("REQ-DL-040", "one TERM_INFO, the first envelope", describe(m) + " again", m);
  }
  if (n >= 2 && (type == MsgType::kPkgAnnounce || s.ended)) {
    return violation("REQ-TERM-001", "FRAME_REQUEST or SESSION_END, and nothing after SESSION_END",
                     describe(m) + " as envelope " + std::to_string(n + 1), m);
  }
  if (f.trans == TransCode::kKeyDownload && type == MsgType::kFrameRequest) {
    return violation("REQ-TERM-001", "no FRAME_REQUEST in a key download", describe(m), m);
  }
  if (!m.payload) {
    // After a changed message the suite's keys may not be the ones the terminal derived.
    if (suite_changed) return std::nullopt;
    return violation("REQ-DL-001", "an envelope the suite opens under the session's download keys",
                     describe(m) + " whose MAC or padding does not verify under them", m);
  }
  return check_payload(m, type, *m.payload, f, s);
}

}  // namespace

std::optional<Violation> check_terminal_messages(const std::vector<WireMessage>& wire, const SessionFacts& f) {
  bool first = true, aborted = false, requested = false, auth_requested = false, answered = false;
  bool key_message = false, suite_changed = false;
  DownloadState download;
  for (const WireMessage& m : wire) {
    if (!m.from_terminal) {
      suite_changed = suite_changed || m.changed;
      if (!m.body.empty() && m.body[0] == octet(MsgType::kHsAuthRequest)) auth_requested = true;
      if (!m.body.empty() && m.body[0] == octet(MsgType::kKeyMessage)) key_message = true;
      continue;
    }
    if (aborted) {  // REQ-MSG-110: the sender closes the connection after its ABORT
      return violation("REQ-MSG-110", "nothing after its ABORT: it closes the connection",
                       describe(m) + " after its ABORT", m);
    }
    if (auto v = check_secrets(m, f)) return v;
    if (m.body.empty()) return violation("REQ-MSG-001", "a body of at least 2 octets", "an empty body", m);
    const auto type = msg_type_from_octet(m.body[0]);
    const bool was_first = first;
    first = false;
    if (type == MsgType::kAbort) {
      aborted = true;
      if (auto v = check_abort(m)) return v;
      continue;
    }
    if (was_first && type != MsgType::kHsRequest) {
      return violation("REQ-HS-002", "HS_REQUEST as the terminal's first message", describe(m), m);
    }
    if (key_message && !(type && *type >= MsgType::kPkgAnnounce && *type <= MsgType::kTermInfo)) {
      return violation("REQ-DL-001", "after KEY_MESSAGE, an envelope or ABORT", describe(m), m);
    }
    if (!type) return violation("REQ-MSG-001", "a message type of section 3.1", describe(m), m);
    switch (*type) {
      case MsgType::kHsRequest:
        if (requested) return violation("REQ-HS-002", "one HS_REQUEST, the first message", describe(m) + " again", m);
        requested = true;
        if (auto v = check_hs_request(m, f)) return v;
        break;
      case MsgType::kHsAuthAnswer:
        if (!auth_requested || answered) {
          return violation("REQ-TERM-001", "one HS_AUTH_ANSWER, after HS_AUTH_REQUEST", describe(m), m);
        }
        answered = true;
        if (auto v = check_hs_auth_answer(m, f)) return v;
        break;
      case MsgType::kPkgAnnounce:
      case MsgType::kFrameRequest:
      case MsgType::kSessionEnd:
      case MsgType::kTermInfo:
        if (!key_message) {
          return violation("REQ-TERM-001", "no envelope before KEY_MESSAGE", describe(m), m);
        }
        if (auto v = check_envelope(m, *type, f, suite_changed, download)) return v;
        break;
      default:  // HS_AUTH_REQUEST, KEY_MESSAGE, PKG_CONFIRM, FRAME_RESPONSE, SESSION_END_ACK
        return violation("REQ-MSG-001", "only the message types section 3.1 gives the terminal",
                         describe(m) + ", a TMS's message", m);
    }
  }
  return std::nullopt;
}

std::vector<SessionSecret> session_secrets(const std::vector<WireMessage>& wire, Profile profile, ByteView dmk,
                                           const std::map<std::uint8_t, profile::SlotRule>& slots) {
  std::vector<SessionSecret> out;
  out.push_back({"the DMK", crypto::SecretBytes(dmk)});
  const WireMessage* request = nullptr;
  std::optional<profile::HandshakeKeys> hs;
  for (const WireMessage& m : wire) {
    if (m.body.empty()) continue;
    if (m.from_terminal && m.body[0] == octet(MsgType::kHsRequest) && request == nullptr) request = &m;
    if (m.from_terminal || request == nullptr) continue;
    if (m.body[0] == octet(MsgType::kHsAuthRequest) && !hs) {
      auto req = codec::parse_hs_request(request->body);
      auto auth = codec::parse_hs_auth_request(m.body);
      if (!req.ok() || !auth.ok() || auth->profile != profile) continue;
      auto dwk = profile::recover_dwk(profile, dmk, auth->dwk1, profile::session_binding(request->body));
      if (!dwk.ok()) continue;
      out.push_back({"the DWK", dwk->clone()});
      auto keys = profile::derive_handshake_keys(profile, std::move(dwk).value(), req->t_data, auth->s_data);
      if (keys.ok()) hs = std::move(keys).value();
    } else if (m.body[0] == octet(MsgType::kKeyMessage) && hs) {
      auto k = codec::parse_key_message(m.body, profile);
      if (!k.ok()) continue;
      for (const codec::KeyEntry& e : k->entries) {
        const auto rule = e.slot == codec::kDskSlot ? std::optional(profile::dsk_rule(profile))
                          : slots.count(e.slot)     ? std::optional(slots.at(e.slot))
                                                    : std::nullopt;
        if (!rule) continue;
        auto key = profile::unwrap_key(profile, *hs, *rule, e.key_block, e.kcv, false);
        if (!key.ok()) continue;
        out.push_back({e.slot == codec::kDskSlot ? std::string("the DSK")
                                                 : "the key for slot 0x" + to_hex(Bytes{e.slot}),
                       std::move(key).value()});
      }
      break;
    }
  }
  return out;
}

}  // namespace tmsproto::conformance
