// TMS-HANDSHAKE: every cryptogram of the handshake recomputed from the case's inputs by the
// profile layer (profile/profile_crypto.h), in the order the spec defines them.
#include "vectors/handshake_vectors.h"

#include <algorithm>
#include <optional>
#include <string>

#include "codec/fields.h"
#include "codec/handshake_messages.h"
#include "codec/reader.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "protocol/constants.h"
#include "vectors/case_fields.h"

namespace tmsproto::vectors {
namespace {

// T_DATA and S_DATA are 15 octets, T_RAND/S_RAND (8) || BCD date-time (7) (REQ-MSG-033,
// REQ-HS-015); a date-time that is not one (REQ-MSG-011) makes the case unusable.
Result<codec::AuthData, FieldError> auth_data_field(const Json& test, std::string_view name) {
  auto bytes = hex_field(test, name);
  if (!bytes) return fail(bytes.error());
  if (bytes->size() != kAuthDataLength) {
    return fail(FieldError{"field \"" + std::string(name) + "\" must be 15 octets"});
  }
  codec::Reader r(*bytes);
  auto d = codec::read_auth_data(r, name);
  if (!d) return fail(FieldError{"field \"" + std::string(name) + "\" is not random || BCD date-time"});
  return *d;
}

bool accepted(const Verdict& v) { return v.kind == Verdict::Kind::kAccepted; }

// The transcript inputs must carry the case's own T_DATA, S_DATA, PROFILE and DWK_1 at the
// offsets of spec/03-messages.md 3.4 and 3.5; otherwise TH_TAC and TH_SAC would not be the
// transcript of this handshake and a vendor could not rebuild them from the fields.
Verdict check_transcript_fields(Profile p, ByteView hs_request, ByteView auth_request_prefix,
                                const Bytes& t_data, const Bytes& s_data, const Bytes& dwk1) {
  constexpr std::size_t kTDataOffset = 101;  // HS_REQUEST, section 3.4
  constexpr std::size_t kProfileOffset = 58;  // HS_AUTH_REQUEST, section 3.5
  constexpr std::size_t kSDataOffset = 62;
  if (hs_request.size() != kTDataOffset + kAuthDataLength || hs_request[0] != 0x01) {
    return Verdict::malformed("field \"hsRequest\" is not a 116-octet HS_REQUEST body");
  }
  if (auth_request_prefix.size() != codec::kHsAuthRequestDwk1Offset + dwk1.size() ||
      auth_request_prefix[0] != 0x02) {
    return Verdict::malformed("field \"hsAuthRequestPrefix\" is not HS_AUTH_REQUEST up to TAC_1 for this dwk1");
  }
  if (Verdict v = compare_exact("T_DATA of hsRequest", hs_request.subspan(kTDataOffset), t_data); !accepted(v)) {
    return v;
  }
  if (Verdict v = compare_exact("PROFILE of hsAuthRequestPrefix", auth_request_prefix.subspan(kProfileOffset, 1),
                                Bytes{static_cast<std::uint8_t>(p)});
      !accepted(v)) {
    return v;
  }
  if (Verdict v = compare_exact("S_DATA of hsAuthRequestPrefix",
                                auth_request_prefix.subspan(kSDataOffset, kAuthDataLength), s_data);
      !accepted(v)) {
    return v;
  }
  return compare_exact("DWK_1 of hsAuthRequestPrefix", auth_request_prefix.subspan(codec::kHsAuthRequestDwk1Offset),
                       dwk1);
}

// DWK_1 is hex in LEGACY (one DES block) and the TR-31 key block's text otherwise, as it travels
// in HS_AUTH_REQUEST (spec/03-messages.md 3.5, encoding "B / A").
Result<Bytes, FieldError> dwk1_field(const Json& test, Profile p) {
  if (p == Profile::kLegacy) return hex_field(test, "dwk1");
  auto text = string_field(test, "dwk1");
  if (!text) return fail(text.error());
  return Bytes(text->begin(), text->end());
}

// A fixed "random" source for wrap_dwk in LEGACY, which draws nothing.
class NoRandom final : public crypto::RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = 0;
    drew = drew || !out.empty();
  }
  bool drew = false;
};

}  // namespace

Verdict check_tms_handshake(const Json& test) {
  TMSPROTO_FIELD(p, profile_field(test));
  TMSPROTO_FIELD(dmk, hex_field(test, "dmk"));
  TMSPROTO_FIELD(dwk, hex_field(test, "dwk"));
  TMSPROTO_FIELD(t_data, auth_data_field(test, "tData"));
  TMSPROTO_FIELD(s_data, auth_data_field(test, "sData"));
  TMSPROTO_FIELD(dwk1, dwk1_field(test, p));
  TMSPROTO_FIELD(tac1, hex_field(test, "tac1"));
  TMSPROTO_FIELD(sac1, hex_field(test, "sac1"));
  if (dmk.size() != key_length(p) || dwk.size() != key_length(p)) {
    return Verdict::rejected("dmk and dwk must be " + std::to_string(key_length(p)) + " octets in profile " +
                             std::string(profile_word(p)));
  }

  // DWK_1 (REQ-CRYPTO-022 / REQ-CRYPTO-031). In LEGACY it is deterministic and compared; otherwise
  // its padding is random, so the terminal's recovery (REQ-HS-020) is what is checked: the
  // authenticated unwrap under DMK, the exact header of REQ-CRYPTO-031 with the binding to the
  // case's hsRequest (REQ-HS-025), and the key.
  profile::SessionBinding binding{};
  if (p == Profile::kLegacy) {
    NoRandom none;
    auto wrapped = profile::wrap_dwk(p, dmk, dwk, binding, none);
    if (!wrapped) return Verdict::rejected("wrap_dwk refused");
    if (Verdict v = compare_exact("dwk1", *wrapped, dwk1); !accepted(v)) return v;
  } else {
    if (dwk1.size() != dwk1_length(p)) {
      return Verdict::rejected("dwk1 is " + std::to_string(dwk1.size()) + " octets, the profile's DWK_1 is " +
                               std::to_string(dwk1_length(p)));
    }
    TMSPROTO_FIELD(hs_request, hex_field(test, "hsRequest"));
    binding = profile::session_binding(hs_request);
  }
  auto recovered = profile::recover_dwk(p, dmk, dwk1, binding);
  if (!recovered) {
    return Verdict::rejected("recover_dwk refused dwk1 under dmk: no unwrap, another header or another "
                             "session's binding (response code 11)");
  }
  if (!crypto::ct_equal(recovered->view(), dwk)) return Verdict::rejected("dwk1 does not unwrap to dwk");

  // REQ-CRYPTO-030: K_MAC and K_KEK (in LEGACY both are DWK, and the case gives neither).
  auto keys = profile::derive_handshake_keys(p, crypto::SecretBytes(dwk), t_data, s_data);
  if (!keys) return Verdict::rejected("derive_handshake_keys refused");
  Bytes th_tac, th_sac;
  if (p != Profile::kLegacy) {
    TMSPROTO_FIELD(k_mac, hex_field(test, "kMac"));
    TMSPROTO_FIELD(k_kek, hex_field(test, "kKek"));
    // The derived keys are shown because they are the case's expected values, not live secrets.
    if (Verdict v = compare_exact("kMac", keys->k_mac.view(), k_mac); !accepted(v)) return v;
    if (Verdict v = compare_exact("kKek", keys->k_kek.view(), k_kek); !accepted(v)) return v;
    TMSPROTO_FIELD(hs_request, hex_field(test, "hsRequest"));
    TMSPROTO_FIELD(auth_request_prefix, hex_field(test, "hsAuthRequestPrefix"));
    TMSPROTO_FIELD(auth_answer_prefix, hex_field(test, "hsAuthAnswerPrefix"));
    if (Verdict v = check_transcript_fields(p, hs_request, auth_request_prefix, codec::encode(t_data),
                                            codec::encode(s_data), dwk1);
        !accepted(v)) {
      return v;
    }
    // REQ-MSG-043, REQ-HS-026: the operator's fields as the terminal checks them — a body rule
    // first, then zero exactly when the request named no operator (both 01 on the wire).
    auto request = codec::parse_hs_request(hs_request);
    if (!request) return Verdict::malformed("field \"hsRequest\" does not parse as HS_REQUEST");
    auto auth = codec::parse_hs_auth_request(concat(auth_request_prefix, tac1));
    if (!auth) return Verdict::rejected("HS_AUTH_REQUEST breaks the rule of " + std::string(auth.error().field));
    if ((auth->opv_iterations != 0) != !request->operator_id.empty()) {
      return Verdict::rejected("OPV_ITERATIONS is not zero exactly when HS_REQUEST names no operator (01)");
    }
    // REQ-HS-001: the transcripts are the octets as they travelled (spec/04-handshake.md 4.1).
    th_tac = concat(hs_request, auth_request_prefix);
    th_sac = concat(concat(th_tac, tac1), auth_answer_prefix);
    // Optional: the operator proof inside hsAuthAnswerPrefix (REQ-CRYPTO-034, REQ-OPR-002/003).
    if (member(test, "operatorProof") != nullptr) {
      TMSPROTO_FIELD(proof, hex_field(test, "operatorProof"));
      TMSPROTO_FIELD(password, string_field(test, "operatorPassword"));
      TMSPROTO_FIELD(vendor_id, string_field(test, "vendorId"));
      TMSPROTO_FIELD(operator_id, string_field(test, "operatorId"));
      TMSPROTO_FIELD(opv_expected, hex_field(test, "opv"));
      TMSPROTO_FIELD(salt_octets, hex_field(test, "opvSalt"));
      TMSPROTO_FIELD(iterations, int_field(test, "opvIterations", 0, 0xffffffff));
      // The case's salt and count are those HS_AUTH_REQUEST carried (REQ-OPR-002).
      if (Verdict v = compare_exact("opvSalt", auth->opv_salt, salt_octets); !accepted(v)) return v;
      if (iterations != auth->opv_iterations) return Verdict::rejected("opvIterations is not OPV_ITERATIONS");
      auto opv = profile::operator_verifier(Bytes(password.begin(), password.end()), vendor_id, operator_id,
                                            auth->opv_salt, auth->opv_iterations);
      if (!opv) return Verdict::rejected("operator_verifier refused");
      if (Verdict v = compare_exact("opv", opv->view(), opv_expected); !accepted(v)) return v;
      auto computed = profile::operator_proof(p, *keys, opv->view(), t_data, s_data);
      if (!computed) return Verdict::rejected("operator_proof refused");
      if (Verdict v = compare_exact("operatorProof", *computed, proof); !accepted(v)) return v;
      const std::size_t m = mac_length(p);
      if (auth_answer_prefix.size() < m) return Verdict::malformed("field \"hsAuthAnswerPrefix\" is too short");
      if (Verdict v = compare_exact("OPERATOR_PROOF of hsAuthAnswerPrefix",
                                    ByteView(auth_answer_prefix).last(m), proof);
          !accepted(v)) {
        return v;
      }
    }
  }

  // REQ-CRYPTO-023 / REQ-CRYPTO-032 (TAC_1; the terminal's TAC_0, REQ-HS-021, is the same call).
  auto tac = profile::tac(p, *keys, t_data, th_tac);
  if (!tac) return Verdict::rejected("tac refused");
  if (Verdict v = compare_exact("tac1", *tac, tac1); !accepted(v)) return v;
  // REQ-CRYPTO-024 / REQ-CRYPTO-033 (SAC_1, REQ-HS-023; the TMS's SAC_0 is the same call).
  auto sac = profile::sac(p, *keys, s_data, th_sac);
  if (!sac) return Verdict::rejected("sac refused");
  return compare_exact("sac1", *sac, sac1);
}

}  // namespace tmsproto::vectors
