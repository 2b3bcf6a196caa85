#include "profile/profile_crypto.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "common/hex.h"
#include "common/try.h"
#include "crypto/digest.h"
#include "crypto/kcv.h"
#include "crypto/kdf.h"
#include "crypto/mac.h"
#include "crypto/padding.h"
#include "crypto/pbkdf2.h"
#include "keyblock/tr31.h"

namespace tmsproto::profile {
namespace {

using crypto::Cipher;

Bytes ascii(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes label_then(std::string_view label, ByteView data) { return concat(ascii(label), data); }

Bytes context_of(const codec::AuthData& t_data, const codec::AuthData& s_data) {
  return concat(codec::encode(t_data), codec::encode(s_data));  // T_DATA || S_DATA
}

// Crypto failures inside a computation the peer cannot influence are local faults (96); the
// callers map failures the peer can cause (a bad cryptogram, a bad block) to their own codes.
template <class T>
Result<T, ResponseCode> internal(Result<T, crypto::CryptoError> r) {
  if (!r.ok()) return fail(ResponseCode::kInternalError);
  return std::move(r).value();
}

void set_odd_parity(std::span<std::uint8_t> key) {
  for (auto& b : key) {
    const int ones = __builtin_popcount(static_cast<unsigned>(b & 0xfe));
    b = static_cast<std::uint8_t>((b & 0xfe) | (ones % 2 == 0 ? 1 : 0));
  }
}

keyblock::Tr31Version tr31_version(Profile p) {
  return p == Profile::kTdes ? keyblock::Tr31Version::kB : keyblock::Tr31Version::kD;
}

keyblock::Tr31Header header_for(Profile p, const SlotRule& rule) {
  keyblock::Tr31Header h;
  h.version = tr31_version(p);
  h.key_usage = rule.key_usage;
  h.algorithm = rule.algorithm;
  h.mode_of_use = rule.mode_of_use;
  h.key_version = "00";
  h.exportability = 'N';
  return h;
}

// REQ-CRYPTO-031: the session-binding block "10" holds the binding as upper-case hex; the PB block
// that add_padding_block appends brings the header to a whole number of cipher blocks.
constexpr std::string_view kBindingBlockId = "10";

keyblock::Tr31Header dwk1_header(Profile p, const SessionBinding& binding) {
  keyblock::Tr31Header h = header_for(p, dsk_rule(p));
  h.optional_blocks.push_back({std::string(kBindingBlockId), to_upper_hex(binding)});
  return keyblock::add_padding_block(std::move(h));
}

std::optional<Cipher> cipher_of_algorithm(char algorithm) {
  switch (algorithm) {
    case 'D': return Cipher::kDes;
    case 'T': return Cipher::kTdes;
    case 'A': return Cipher::kAes;
    default: return std::nullopt;
  }
}

}  // namespace

Cipher cipher_of(Profile p) {
  switch (p) {
    case Profile::kLegacy: return Cipher::kDes;  // REQ-CRYPTO-001, REQ-CRYPTO-017: LEGACY only
    case Profile::kTdes: return Cipher::kTdes;
    case Profile::kAes128:
    case Profile::kAes256: return Cipher::kAes;
  }
  return Cipher::kAes;
}

// REQ-CRYPTO-021
Result<Bytes, ResponseCode> mac_p(Profile p, ByteView key, ByteView msg) {
  switch (p) {
    case Profile::kLegacy: {  // REQ-CRYPTO-021, REQ-CRYPTO-006: the left half of the last block
      TMS_TRY(Bytes full, internal(crypto::x99_mac(key, msg)));
      return Bytes(full.begin(), full.begin() + 4);
    }
    case Profile::kTdes:  // REQ-CRYPTO-021, REQ-CRYPTO-007 with padding method 2
      return internal(crypto::iso9797_alg3(key, msg, crypto::Padding::kMethod2));
    case Profile::kAes128:
    case Profile::kAes256:  // REQ-CRYPTO-021, REQ-CRYPTO-008
      return internal(crypto::cmac(Cipher::kAes, key, msg));
  }
  return fail(ResponseCode::kInternalError);
}

SecretBytes generate_key(Profile p, crypto::RandomSource& rng) {
  SecretBytes key(key_length(p));
  rng.fill(key.mutable_view());  // REQ-CRYPTO-016
  if (p == Profile::kLegacy || p == Profile::kTdes) set_odd_parity(key.mutable_view());  // REQ-CRYPTO-018
  return key;
}

std::string_view session_key_block_header(Profile p) {
  switch (p) {  // REQ-CRYPTO-031
    case Profile::kLegacy: return "";
    case Profile::kTdes: return "B0080B3TX00N0000";
    case Profile::kAes128: return "D0112B3AX00N0000";
    case Profile::kAes256: return "D0144B3AX00N0000";
  }
  return "";
}

SlotRule dsk_rule(Profile p) {
  return SlotRule{"B3", p == Profile::kTdes ? 'T' : (p == Profile::kLegacy ? 'D' : 'A'), 'X',
                  key_length(p)};
}

unsigned security_strength(char algorithm, std::size_t key_length) {
  switch (algorithm) {
    case 'D': return key_length == 8 ? 56 : 0;
    case 'T': return key_length == 16 ? 80 : (key_length == 24 ? 112 : 0);
    case 'A': return key_length == 16 || key_length == 24 || key_length == 32 ? static_cast<unsigned>(8 * key_length) : 0;
    default: return 0;
  }
}

bool can_deliver(Profile p, const SlotRule& rule) {
  if (p == Profile::kLegacy || rule.algorithm == 'D') return false;  // REQ-CRYPTO-025, REQ-CRYPTO-017
  const unsigned strength = security_strength(rule.algorithm, rule.key_length);
  // REQ-KEY-014: K_KEK has the strength of the profile's own key (dsk_rule: same algorithm, length).
  const SlotRule kek = dsk_rule(p);
  return strength != 0 && strength <= security_strength(kek.algorithm, kek.key_length);
}

SessionBinding session_binding(ByteView hs_request_body) { return crypto::sha256(hs_request_body); }

// REQ-SEC-002: DWK travels only wrapped under the DMK.
Result<Bytes, ResponseCode> wrap_dwk(Profile p, ByteView dmk, ByteView dwk, const SessionBinding& binding,
                                     crypto::RandomSource& rng) {
  if (p == Profile::kLegacy) return internal(crypto::ecb_encrypt(Cipher::kDes, dmk, dwk));  // REQ-CRYPTO-022
  auto block = keyblock::wrap(dmk, dwk1_header(p, binding), dwk, rng);  // REQ-CRYPTO-031, REQ-HS-017
  if (!block.ok()) return fail(ResponseCode::kInternalError);
  return ascii(*block);
}

Result<SecretBytes, ResponseCode> recover_dwk(Profile p, ByteView dmk, ByteView dwk1,
                                              const SessionBinding& binding) {
  if (p == Profile::kLegacy) {  // REQ-CRYPTO-022, errata E-1: decryption, not encryption
    auto dwk = crypto::ecb_decrypt(Cipher::kDes, dmk, dwk1);
    if (!dwk.ok() || dwk->size() != key_length(p)) return fail(ResponseCode::kTmsAuthFailed);
    SecretBytes out(*dwk);
    crypto::secure_wipe(*dwk);
    return out;
  }
  auto unwrapped = keyblock::unwrap(dmk, std::string_view(reinterpret_cast<const char*>(dwk1.data()), dwk1.size()));
  if (!unwrapped.ok() || unwrapped->key.size() != key_length(p)) return fail(ResponseCode::kTmsAuthFailed);
  // REQ-CRYPTO-031: exactly the profile's header; REQ-HS-025: its binding block is this session's.
  // Both are read from the authenticated header, so a DWK_1 of another session, validly MACed
  // under the DMK, fails here (REQ-SEC-014).
  if (unwrapped->header != dwk1_header(p, binding)) return fail(ResponseCode::kTmsAuthFailed);
  return std::move(unwrapped->key);
}

// REQ-CRYPTO-030; one label per purpose (REQ-SEC-012).
Result<HandshakeKeys, ResponseCode> derive_handshake_keys(Profile p, SecretBytes dwk,
                                                          const codec::AuthData& t_data,
                                                          const codec::AuthData& s_data) {
  HandshakeKeys k;
  if (p == Profile::kLegacy) {
    k.k_mac = dwk.clone();
    k.k_kek = dwk.clone();
  } else {
    const Bytes context = context_of(t_data, s_data);
    const Cipher c = cipher_of(p);
    // REQ-SEC-012: one key per purpose, each from its own label.
    TMS_TRY(k.k_mac, internal(crypto::kdf_ctr_cmac(c, dwk.view(), ascii("TMSP MAC"), context, dwk.size())));
    TMS_TRY(k.k_kek, internal(crypto::kdf_ctr_cmac(c, dwk.view(), ascii("TMSP KEK"), context, dwk.size())));
  }
  k.dwk = std::move(dwk);
  return k;
}

Result<Bytes, ResponseCode> tac(Profile p, const HandshakeKeys& k, const codec::AuthData& t_data,
                                ByteView th_tac) {
  if (p == Profile::kLegacy) return mac_p(p, k.dwk.view(), codec::encode(t_data));  // REQ-CRYPTO-023
  return mac_p(p, k.k_mac.view(), label_then("TAC1", th_tac));                       // REQ-CRYPTO-032
}

Result<Bytes, ResponseCode> sac(Profile p, const HandshakeKeys& k, const codec::AuthData& s_data,
                                ByteView th_sac) {
  if (p == Profile::kLegacy) return mac_p(p, k.dwk.view(), codec::encode(s_data));  // REQ-CRYPTO-024
  return mac_p(p, k.k_mac.view(), label_then("SAC1", th_sac));                       // REQ-CRYPTO-033
}

// REQ-CRYPTO-034
Result<Bytes, ResponseCode> operator_proof(Profile p, const HandshakeKeys& k, ByteView opv,
                                           const codec::AuthData& t_data,
                                           const codec::AuthData& s_data) {
  // "OPR1" || OPV || T_DATA || S_DATA, built in one buffer of its final size so that no copy of OPV
  // is left behind by a reallocation; the buffer is wiped after use (REQ-KEY-024).
  const Bytes context = context_of(t_data, s_data);
  crypto::SecretBytes msg(4 + opv.size() + context.size());
  auto out = msg.mutable_view().begin();
  for (char c : std::string_view("OPR1")) *out++ = static_cast<std::uint8_t>(c);
  out = std::copy(opv.begin(), opv.end(), out);
  std::copy(context.begin(), context.end(), out);
  return mac_p(p, k.k_mac.view(), msg.view());  // REQ-CRYPTO-034; LEGACY has no operator (REQ-CRYPTO-025)
}

// REQ-CRYPTO-036
Result<Bytes, ResponseCode> key_mac(Profile p, const HandshakeKeys& k, ByteView key_message_prefix,
                                    ByteView th_key) {
  if (p == Profile::kLegacy) return mac_p(p, k.dwk.view(), key_message_prefix);  // REQ-CRYPTO-036
  return mac_p(p, k.k_mac.view(), label_then("KEYM", th_key));                     // REQ-CRYPTO-036
}

// REQ-OPR-002: salt "TMSP-OPV" || VENDOR_ID || OPERATOR_ID || OPV_SALT, text fields 0x20-filled.
Result<SecretBytes, ResponseCode> operator_verifier(ByteView password, std::string_view vendor_id,
                                                    std::string_view operator_id,
                                                    const codec::OperatorSalt& opv_salt,
                                                    std::uint32_t iterations) {
  codec::Writer salt;
  salt.bytes(ascii("TMSP-OPV"));
  codec::write_text(salt, vendor_id, kVendorIdWidth);
  codec::write_text(salt, operator_id, kOperatorIdWidth);
  salt.bytes(opv_salt);
  return internal(crypto::pbkdf2_hmac_sha256(password, salt.view(), iterations, 32));
}

// REQ-CRYPTO-009, REQ-CRYPTO-037
Result<Bytes, ResponseCode> key_check_value(char algorithm, ByteView key) {
  const auto c = cipher_of_algorithm(algorithm);
  if (!c) return fail(ResponseCode::kIntegrityFailed);
  auto full = crypto::kcv(*c, key);
  if (!full.ok()) return fail(ResponseCode::kIntegrityFailed);
  const std::size_t n = *c == Cipher::kAes ? 5 : 3;
  return Bytes(full->begin(), full->begin() + static_cast<std::ptrdiff_t>(n));
}

// REQ-CRYPTO-035
Result<Bytes, ResponseCode> wrap_key(Profile p, const HandshakeKeys& k, const SlotRule& rule,
                                     ByteView key, crypto::RandomSource& rng) {
  if (key.size() != rule.key_length) return fail(ResponseCode::kInternalError);
  if (p == Profile::kLegacy) return internal(crypto::ecb_encrypt(Cipher::kDes, k.dwk.view(), key));
  auto block = keyblock::wrap(k.k_kek.view(), header_for(p, rule), key, rng);
  if (!block.ok()) return fail(ResponseCode::kInternalError);
  return ascii(*block);
}

// REQ-KEY-021: every failure of the delivered key is 18.
Result<SecretBytes, ResponseCode> unwrap_key(Profile p, const HandshakeKeys& k, const SlotRule& rule,
                                             ByteView key_block, ByteView kcv, bool check_kcv) {
  SecretBytes key;
  if (p == Profile::kLegacy) {
    auto clear = crypto::ecb_decrypt(Cipher::kDes, k.dwk.view(), key_block);
    if (!clear.ok()) return fail(ResponseCode::kIntegrityFailed);
    key = SecretBytes(*clear);
    crypto::secure_wipe(*clear);
  } else {
    keyblock::Expectation expect;
    expect.version = tr31_version(p);
    expect.key_usage = rule.key_usage;
    expect.algorithm = rule.algorithm;
    expect.modes_of_use = std::string(1, rule.mode_of_use);
    expect.exportability = "N";
    auto unwrapped = keyblock::unwrap_expecting(
        k.k_kek.view(), std::string_view(reinterpret_cast<const char*>(key_block.data()), key_block.size()),
        expect);
    if (!unwrapped.ok()) return fail(ResponseCode::kIntegrityFailed);
    // REQ-CRYPTO-035: the whole header is fixed (key version 00, key context 0, no optional
    // block), and the key length is not masked, so the block has exactly the unmasked length.
    if (unwrapped->header != header_for(p, rule) ||
        key_block.size() != keyblock::block_length(unwrapped->header, unwrapped->key.size())) {
      return fail(ResponseCode::kIntegrityFailed);
    }
    key = std::move(unwrapped->key);
  }
  if (key.size() != rule.key_length) return fail(ResponseCode::kIntegrityFailed);
  TMS_TRY(Bytes expected_kcv, key_check_value(rule.algorithm, key.view()));
  // fault skip-kcv-check violates REQ-KEY-021: the KCV received not compared
  if (!crypto::ct_equal(expected_kcv, kcv) && check_kcv) return fail(ResponseCode::kIntegrityFailed);  // REQ-CRYPTO-014
  return key;
}

}  // namespace tmsproto::profile
