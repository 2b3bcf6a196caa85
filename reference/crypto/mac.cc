#include "crypto/mac.h"

#include <algorithm>
#include <array>

#include "crypto/ltc.h"
#include "crypto/secret.h"

namespace tmsproto::crypto {

namespace {

// CBC-MAC with a zero IV over already padded data; leaves H_q in `state`.
bool cbc_mac(ltc::KeySchedule& ks, ByteView padded, std::span<std::uint8_t> state) {
  std::fill(state.begin(), state.end(), std::uint8_t{0});
  for (std::size_t off = 0; off < padded.size(); off += state.size()) {
    for (std::size_t i = 0; i < state.size(); ++i) state[i] ^= padded[off + i];
    if (!ks.encrypt_block(state)) return false;
  }
  return true;
}

}  // namespace

Result<Bytes, CryptoError> iso9797_alg1(Cipher c, ByteView key, ByteView msg, Padding p) {
  if (!valid_key_length(c, key.size())) return fail(CryptoError::kBadKeyLength);
  const std::size_t n = block_size(c);
  const Bytes padded = pad(p, msg, n);
  ltc::ensure_ready();
  ltc::KeySchedule ks(c, key);
  Bytes mac(n);
  if (!cbc_mac(ks, padded, mac)) return fail(CryptoError::kLibraryError);
  return mac;
}

// REQ-CRYPTO-007
Result<Bytes, CryptoError> iso9797_alg3(ByteView key16, ByteView msg, Padding p) {
  if (key16.size() != 16) return fail(CryptoError::kBadKeyLength);
  const Bytes padded = pad(p, msg, 8);
  ltc::ensure_ready();
  ltc::KeySchedule k(Cipher::kDes, key16.first(8));
  ltc::KeySchedule k_prime(Cipher::kDes, key16.subspan(8, 8));
  Bytes mac(8);
  // Output transformation 3: G = e_K(d_K'(H_q)).
  if (!cbc_mac(k, padded, mac) || !k_prime.decrypt_block(mac) || !k.encrypt_block(mac)) {
    return fail(CryptoError::kLibraryError);
  }
  return mac;
}

// REQ-CRYPTO-006
Result<Bytes, CryptoError> x99_mac(ByteView key8, ByteView msg) {
  return iso9797_alg1(Cipher::kDes, key8, msg, Padding::kMethod1);
}

// REQ-CRYPTO-007
Result<Bytes, CryptoError> x919_mac(ByteView key16, ByteView msg) {
  return iso9797_alg3(key16, msg, Padding::kMethod1);
}

// REQ-CRYPTO-008
Result<Bytes, CryptoError> cmac(Cipher c, ByteView key, ByteView msg) {
  if (c == Cipher::kDes) return fail(CryptoError::kUnsupportedAlgorithm);
  if (!valid_key_length(c, key.size())) return fail(CryptoError::kBadKeyLength);
  ltc::ensure_ready();
  omac_state st;
  Bytes tag(block_size(c));
  unsigned long tag_len = tag.size();
  int err = ltc::omac_start(c, key, st);
  // omac_process rejects a null pointer, which an empty span may carry; an empty message needs no
  // processing anyway.
  if (err == CRYPT_OK && !msg.empty()) err = omac_process(&st, msg.data(), msg.size());
  if (err == CRYPT_OK) err = omac_done(&st, tag.data(), &tag_len);
  ltc::wipe_omac(c, st);  // REQ-CRYPTO-015: holds the key schedule and subkeys
  if (err != CRYPT_OK || tag_len != tag.size()) return fail(CryptoError::kLibraryError);
  return tag;
}

// REQ-CRYPTO-014
Result<void, CryptoError> verify_mac(ByteView expected_prefix, ByteView computed) {
  if (expected_prefix.empty() || expected_prefix.size() > computed.size()) {
    return fail(CryptoError::kBadMacLength);
  }
  if (!ct_equal(expected_prefix, computed.first(expected_prefix.size()))) {
    return fail(CryptoError::kMacMismatch);
  }
  return {};
}

}  // namespace tmsproto::crypto
