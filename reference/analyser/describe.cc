#include "analyser/describe.h"

#include <cstdio>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/envelope.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"
#include "common/hex.h"
#include "protocol/response_code.h"

namespace tmsproto::analyser {
namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string datetime(const codec::DateTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u UTC", unsigned{t.year}, unsigned{t.month},
                unsigned{t.day}, unsigned{t.hour}, unsigned{t.minute}, unsigned{t.second});
  return buf;
}

std::string auth_data(const codec::AuthData& d) {
  return to_hex(d.random) + " | " + datetime(d.time);
}

std::string code(ResponseCode c) {
  const auto a = to_ascii(c);
  return std::string{a[0], a[1]} + " " + std::string(name(c));
}

std::string hex_byte(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", v);
  return buf;
}

std::string offered(std::uint8_t bits) {
  std::string out = hex_byte(bits) + " (";
  bool first = true;
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    if (bits & offer_bit(p)) {
      out += (first ? "" : " ") + std::string(name(p));
      first = false;
    }
  }
  return out + ")";
}

std::string title(MsgType t, std::size_t size) {
  return std::string(name(t)) + " (" + hex_byte(static_cast<unsigned>(t)) + "), " + std::to_string(size) + " octets";
}

void header(Description& d, const codec::Identity& id) {
  d.fields.push_back({"VENDOR_ID", quoted(id.vendor_id), "REQ-MSG-020"});
  d.fields.push_back({"MODEL_ID", quoted(id.model_id), "REQ-MSG-020"});
  d.fields.push_back({"SERIAL_NO", quoted(id.serial_no), "REQ-MSG-020"});
}

const char* kind(codec::PackageKind k) {
  switch (k) {
    case codec::PackageKind::kApplication: return "A (application)";
    case codec::PackageKind::kMaster: return "M (master application)";
    case codec::PackageKind::kParameters: return "P (parameters)";
    case codec::PackageKind::kDataFile: return "D (data file)";
  }
  return "?";
}

const char* section(codec::Section s) { return s == codec::Section::kFit ? "0x01 FIT" : "0x02 DATA"; }

template <class T>
bool failed(Description& d, const codec::Parsed<T>& r) {
  if (r.ok()) return false;
  d.error = "does not parse: field " + std::string(r.error().field) + ", code " + code(r.error().code);
  return true;
}

}  // namespace

Description describe(ByteView body, std::optional<Profile> profile) {
  Description d;
  auto type = codec::peek_type(body);
  if (!type.ok()) {
    d.title = "unknown message, " + std::to_string(body.size()) + " octets";
    d.error = "unknown MSG_TYPE (REQ-MSG-001)";
    return d;
  }
  d.title = title(*type, body.size());
  const Profile p = profile.value_or(Profile::kAes128);
  switch (*type) {
    case MsgType::kHsRequest: {
      auto m = codec::parse_hs_request(body);
      if (failed(d, m)) return d;
      header(d, m->id);
      d.fields.push_back({"TRANS_CODE", m->trans == TransCode::kKeyDownload ? "01 (remote key download)"
                                                                            : "02 (remote program download)",
                          "REQ-MSG-030"});
      d.fields.push_back({"OFFERED_PROFILES", offered(m->offered_profiles), "REQ-MSG-031"});
      d.fields.push_back({"OPERATOR_ID", m->operator_id.empty() ? "(unattended)" : quoted(m->operator_id), "REQ-OPR-001"});
      d.fields.push_back({"RESERVED", m->key_set_id.empty() ? "0x20 fill" : "KEY_SET_ID " + quoted(m->key_set_id),
                          "REQ-MSG-032"});
      d.fields.push_back({"T_DATA", auth_data(m->t_data), "REQ-MSG-033"});
      return d;
    }
    case MsgType::kHsAuthRequest: {
      auto m = codec::parse_hs_auth_request(body);
      if (failed(d, m)) return d;
      header(d, m->id);
      d.fields.push_back({"PROFILE", hex_byte(static_cast<unsigned>(m->profile)) + " " + std::string(name(m->profile)) +
                                         (m->profile == Profile::kLegacy ? " (INSECURE, REQ-SEC-013)" : ""),
                          "REQ-MSG-040"});
      d.fields.push_back({"AUTH_STAGE", "0x01", "REQ-MSG-041"});
      d.fields.push_back({"SRC", "00", "REQ-MSG-041"});
      d.fields.push_back({"S_DATA", auth_data(m->s_data), "REQ-HS-015"});
      const bool legacy = m->profile == Profile::kLegacy;
      d.fields.push_back({"DWK_1", legacy ? to_hex(m->dwk1) : quoted(std::string(m->dwk1.begin(), m->dwk1.end())),
                          legacy ? "REQ-CRYPTO-022" : "REQ-CRYPTO-031"});
      d.fields.push_back({"TAC_1", to_hex(m->tac1), legacy ? "REQ-CRYPTO-023" : "REQ-CRYPTO-032"});
      return d;
    }
    case MsgType::kHsAuthAnswer: {
      auto m = codec::parse_hs_auth_answer(body, p);
      if (failed(d, m)) return d;
      header(d, m->id);
      d.fields.push_back({"AUTH_STAGE", "0x02", "REQ-MSG-041"});
      d.fields.push_back({"RETURN_CODE", "00", "REQ-MSG-041"});
      d.fields.push_back({"TERM_AUTH_RESULT", "0x00 (TAC_1 verified)", "REQ-MSG-050"});
      d.fields.push_back({"OPERATOR_PROOF", to_hex(m->operator_proof), "REQ-OPR-003"});
      d.fields.push_back({"SAC_1", to_hex(m->sac1), p == Profile::kLegacy ? "REQ-CRYPTO-024" : "REQ-CRYPTO-033"});
      return d;
    }
    case MsgType::kKeyMessage: {
      auto m = codec::parse_key_message(body, p);
      if (failed(d, m)) return d;
      header(d, m->id);
      d.fields.push_back({"TRANS_CODE", m->trans == TransCode::kKeyDownload ? "01" : "02", "REQ-MSG-060"});
      d.fields.push_back({"RETURN_CODE", "00", "REQ-MSG-060"});
      d.fields.push_back({"KEY_COUNT", std::to_string(m->entries.size()), "REQ-MSG-060"});
      for (const auto& e : m->entries) {
        const std::string slot = e.slot == codec::kDskSlot ? "slot 0x00 (DSK)" : "slot " + hex_byte(e.slot);
        d.fields.push_back({"KEY_ENTRY " + slot, "KCV " + to_hex(e.kcv) + ", block " + std::to_string(e.key_block.size()) +
                                                     " octets",
                            "REQ-CRYPTO-035"});
      }
      d.fields.push_back({"KEY_MAC", to_hex(m->key_mac), "REQ-CRYPTO-036"});
      return d;
    }
    case MsgType::kAbort: {
      auto m = codec::parse_abort(body);
      if (failed(d, m)) return d;
      d.fields.push_back({"RC", code(m->code), "REQ-MSG-110"});
      return d;
    }
    default: {
      auto e = codec::parse_envelope(body, p);
      if (failed(d, e)) return d;
      header(d, e->id);
      d.fields.push_back({"SEQ", std::to_string(e->seq), "REQ-DL-002"});
      d.fields.push_back({"CT_LEN", std::to_string(e->ct.size()), "REQ-MSG-070"});
      d.fields.push_back({"CT", std::to_string(e->ct.size()) + " octets", "REQ-CRYPTO-041"});
      d.fields.push_back({"MAC", to_hex(e->mac), "REQ-CRYPTO-042"});
      return d;
    }
  }
}

Description describe_payload(MsgType type, ByteView payload) {
  Description d;
  d.title = "payload of " + std::string(name(type)) + ", " + std::to_string(payload.size()) + " octets";
  switch (type) {
    case MsgType::kPkgAnnounce: {
      auto m = codec::parse_pkg_announce(payload);
      if (failed(d, m)) return d;
      d.fields.push_back({"MAX_CHUNK", std::to_string(m->max_chunk), "REQ-MSG-080"});
      for (const auto& p : m->installed) {
        d.fields.push_back({"INSTALLED", std::string(kind(p.kind)) + " " + quoted(p.name) + " v" + std::to_string(p.version),
                            "REQ-MSG-080"});
      }
      if (m->installed.empty()) d.fields.push_back({"INSTALLED", "(none)", "REQ-MSG-080"});
      return d;
    }
    case MsgType::kPkgConfirm: {
      auto m = codec::parse_pkg_confirm(payload);
      if (failed(d, m)) return d;
      d.fields.push_back({"COUNT", std::to_string(m->offers.size()), "REQ-MSG-090"});
      for (std::size_t i = 0; i < m->offers.size(); ++i) {
        const auto& mf = m->offers[i].manifest;
        d.fields.push_back({"OFFER " + std::to_string(i),
                            std::string(kind(mf.kind)) + " " + quoted(mf.name) + " v" + std::to_string(mf.version) + ", " +
                                std::to_string(mf.length) + " octets in pieces of " + std::to_string(mf.chunk_size),
                            "REQ-DL-011"});
        if (mf.scope) {  // FORMAT 0x02 (REQ-MSG-092)
          std::string targets = mf.scope->targets.empty() ? "(every terminal of the model)" : "";
          for (const auto& t : mf.scope->targets) targets += (targets.empty() ? "" : " ") + quoted(t);
          d.fields.push_back({"  FORMAT", "0x02, SIGNER_ID " + quoted(mf.scope->signer_id), "REQ-DL-061"});
          d.fields.push_back({"  NOT_AFTER", datetime(mf.scope->not_after), "REQ-DL-063"});
          d.fields.push_back({"  TARGET", targets, "REQ-DL-062"});
        }
        d.fields.push_back({"  PKG_DIGEST", to_hex(mf.pkg_digest), "REQ-DL-030"});
        d.fields.push_back({"  FIT_DIGEST", to_hex(mf.fit_digest), "REQ-DL-012"});
        d.fields.push_back({"  SIGNATURE", to_hex(m->offers[i].signature), "REQ-DL-010"});
      }
      return d;
    }
    case MsgType::kFrameRequest: {
      auto m = codec::parse_frame_request(payload);
      if (failed(d, m)) return d;
      d.fields.push_back({"PKG_INDEX", std::to_string(m->pkg_index), "REQ-DL-021"});
      d.fields.push_back({"SECTION", section(m->section), "REQ-DL-013"});
      d.fields.push_back({"PIECE", std::to_string(m->piece), "REQ-DL-021"});
      return d;
    }
    case MsgType::kFrameResponse: {
      auto m = codec::parse_frame_response(payload);
      if (failed(d, m)) return d;
      d.fields.push_back({"PKG_INDEX", std::to_string(m->pkg_index), "REQ-MSG-100"});
      d.fields.push_back({"SECTION", section(m->section), "REQ-MSG-100"});
      d.fields.push_back({"PIECE", std::to_string(m->piece), "REQ-MSG-100"});
      d.fields.push_back({"DATA_LEN", std::to_string(m->data.size()), "REQ-DL-013"});
      return d;
    }
    case MsgType::kSessionEnd:
    case MsgType::kSessionEndAck: {
      auto m = codec::parse_session_end(payload);
      if (failed(d, m)) return d;
      d.fields.push_back({"RESULT", code(m->result), type == MsgType::kSessionEnd ? "REQ-DL-031" : "REQ-DL-032"});
      return d;
    }
    case MsgType::kTermInfo: {
      auto m = codec::parse_terminal_info(payload);
      if (failed(d, m)) return d;
      d.fields.push_back({"HARDWARE_ID", quoted(m->hardware_id), "REQ-DL-041"});
      d.fields.push_back({"FIRMWARE_ID", quoted(m->firmware_id), "REQ-DL-041"});
      if (m->master_app) {
        const auto& a = *m->master_app;
        const char* state = a.state == codec::SwitchState::kSettled  ? "settled"
                            : a.state == codec::SwitchState::kPending ? "switch pending"
                                                                      : "fell back";
        d.fields.push_back({"MASTER_APP", "slot " + std::to_string(a.running_slot) + " runs v" +
                                              std::to_string(a.running_version) + ", " + state + ", other slot v" +
                                              std::to_string(a.other_version),
                            "REQ-DL-053"});
      }
      d.fields.push_back({"BEARER", std::string(name(m->bearer)), "REQ-DL-041"});
      d.fields.push_back({"TAMPER", m->tamper ? "a tamper event recorded" : "none recorded", "REQ-DL-041"});
      for (const auto& p : m->packages) {
        d.fields.push_back({"PACKAGE", std::string(kind(p.kind)) + " " + quoted(p.name) + " v" + std::to_string(p.version),
                            "REQ-DL-041"});
      }
      for (const auto& a : m->last_apply) {
        d.fields.push_back({"LAST_APPLY", std::string(kind(a.package.kind)) + " " + quoted(a.package.name) + " v" +
                                              std::to_string(a.package.version) + ": " + code(a.result),
                            "REQ-DL-041"});
      }
      for (const auto& k : m->key_slots) {
        d.fields.push_back({"KEY_SLOT " + hex_byte(k.slot), "KCV " + to_hex(k.kcv), "REQ-DL-041"});
      }
      for (const auto& f : m->faults) d.fields.push_back({"FAULT", quoted(f), "REQ-DL-041"});
      for (const auto& o : m->other) {
        d.fields.push_back({"TAG 0x" + to_hex(Bytes{static_cast<std::uint8_t>(o.tag >> 8), static_cast<std::uint8_t>(o.tag)}),
                            std::to_string(o.value.size()) + " octets, kept as received", "REQ-MSG-123"});
      }
      return d;
    }
    default:
      d.error = "not an enveloped message";
      return d;
  }
}

}  // namespace tmsproto::analyser
