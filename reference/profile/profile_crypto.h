// Every computation of spec/07-crypto.md sections 7.2-7.6, once, per algorithm profile. The
// session machines call these and nothing below them, so that each formula of the spec has one
// place in code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/fields.h"
#include "common/bytes.h"
#include "common/result.h"
#include "crypto/block_cipher.h"
#include "crypto/digest.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

namespace tmsproto::profile {

using crypto::SecretBytes;

// The cipher of a profile's DMK, DWK and DSK (section 7.2).
crypto::Cipher cipher_of(Profile p);

// REQ-CRYPTO-021: MAC_P(K, X) — 4, 8 or 16 octets.
Result<Bytes, ResponseCode> mac_p(Profile p, ByteView key, ByteView msg);

// A fresh DWK or DSK of the profile's length (REQ-HS-014, REQ-KEY-010), with odd parity for DES
// and TDES keys (REQ-CRYPTO-018).
SecretBytes generate_key(Profile p, crypto::RandomSource& rng);

// REQ-HS-017: what binds DWK_1 to its session, SHA-256 of the HS_REQUEST body.
using SessionBinding = crypto::Sha256Digest;
SessionBinding session_binding(ByteView hs_request_body);

// REQ-CRYPTO-022 / REQ-CRYPTO-031: DWK_1 from DWK under DMK, bound to the session outside LEGACY.
Result<Bytes, ResponseCode> wrap_dwk(Profile p, ByteView dmk, ByteView dwk, const SessionBinding& binding,
                                     crypto::RandomSource& rng);
// The terminal's recovery of DWK; any failure, the header and the binding included, is 11
// (REQ-HS-020, REQ-HS-025).
Result<SecretBytes, ResponseCode> recover_dwk(Profile p, ByteView dmk, ByteView dwk1,
                                              const SessionBinding& binding);

// The exact TR-31 header text of the DSK's key block (REQ-CRYPTO-035).
std::string_view session_key_block_header(Profile p);

// REQ-CRYPTO-030: the handshake keys. In LEGACY both are DWK itself (the patent's single key).
struct HandshakeKeys {
  SecretBytes dwk;
  SecretBytes k_mac;
  SecretBytes k_kek;
};
Result<HandshakeKeys, ResponseCode> derive_handshake_keys(Profile p, SecretBytes dwk,
                                                          const codec::AuthData& t_data,
                                                          const codec::AuthData& s_data);

// REQ-CRYPTO-023 / REQ-CRYPTO-032: TAC over T_DATA (LEGACY) or "TAC1" || TH_TAC.
Result<Bytes, ResponseCode> tac(Profile p, const HandshakeKeys& k, const codec::AuthData& t_data,
                                ByteView th_tac);
// REQ-CRYPTO-024 / REQ-CRYPTO-033: SAC over S_DATA (LEGACY) or "SAC1" || TH_SAC.
Result<Bytes, ResponseCode> sac(Profile p, const HandshakeKeys& k, const codec::AuthData& s_data,
                                ByteView th_sac);
// REQ-CRYPTO-034 and REQ-OPR-003.
Result<Bytes, ResponseCode> operator_proof(Profile p, const HandshakeKeys& k, ByteView opv,
                                           const codec::AuthData& t_data,
                                           const codec::AuthData& s_data);
// REQ-CRYPTO-036: over the KEY_MESSAGE prefix (LEGACY) or "KEYM" || TH_KEY.
Result<Bytes, ResponseCode> key_mac(Profile p, const HandshakeKeys& k, ByteView key_message_prefix,
                                    ByteView th_key);

// REQ-OPR-002: OPV from the operator's password, salt and iteration count.
Result<SecretBytes, ResponseCode> operator_verifier(ByteView password, std::string_view vendor_id,
                                                    std::string_view operator_id,
                                                    const codec::OperatorSalt& salt,
                                                    std::uint32_t iterations);

// REQ-CRYPTO-009 / REQ-CRYPTO-037: the key check value of a key of `algorithm` (TR-31 letters
// 'D' DES, 'T' TDES, 'A' AES): 3 octets for DES and TDES, 5 for AES.
Result<Bytes, ResponseCode> key_check_value(char algorithm, ByteView key);

// What a slot requires of the key delivered into it (REQ-KEY-025). Slot 0x00 (the DSK) is
// implied by the profile.
struct SlotRule {
  std::string key_usage;  // TR-31, e.g. "K0"
  char algorithm = 'T';   // TR-31: 'D', 'T' or 'A'
  char mode_of_use = 'N';
  std::size_t key_length = 16;
  bool operator==(const SlotRule&) const = default;
};
SlotRule dsk_rule(Profile p);

// REQ-KEY-014: NIST SP 800-57 security strength in bits of a key of `algorithm` and
// `key_length` octets (DES 56, 2-key TDES 80, 3-key TDES 112, AES 128/192/256); 0 when no such key.
unsigned security_strength(char algorithm, std::size_t key_length);
// REQ-KEY-014, REQ-CRYPTO-017, REQ-CRYPTO-025: whether the profile can deliver a key of this slot
// rule — never in LEGACY, never single DES, and never a key stronger than the profile's K_KEK.
bool can_deliver(Profile p, const SlotRule& rule);

// REQ-CRYPTO-035: one key into a KEY_BLOCK (LEGACY: DES-ECB under DWK; others TR-31 under K_KEK).
Result<Bytes, ResponseCode> wrap_key(Profile p, const HandshakeKeys& k, const SlotRule& rule,
                                     ByteView key, crypto::RandomSource& rng);
// The terminal's unwrap and check against the slot's rule and the KCV; every failure is 18
// (REQ-KEY-021). `check_kcv` false is the reference terminal's fault switch skip-kcv-check
// (terminal/faults.h), which the conformance suite must catch; no engine passes it otherwise.
Result<SecretBytes, ResponseCode> unwrap_key(Profile p, const HandshakeKeys& k, const SlotRule& rule,
                                             ByteView key_block, ByteView kcv, bool check_kcv = true);

}  // namespace tmsproto::profile
