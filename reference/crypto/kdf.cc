#include "crypto/kdf.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "crypto/ltc.h"

namespace tmsproto::crypto {

namespace {

// One PRF call: CMAC over a || b || c without concatenating them, so no copy of the input sits
// in an unwiped buffer.
bool cmac3(Cipher cipher, ByteView key, ByteView a, ByteView b, ByteView c,
           std::span<std::uint8_t> out) {
  omac_state st;
  unsigned long out_len = out.size();
  int err = ltc::omac_start(cipher, key, st);
  // omac_process rejects null pointers, which empty spans may carry.
  for (ByteView part : {a, b, c}) {
    if (err == CRYPT_OK && !part.empty()) err = omac_process(&st, part.data(), part.size());
  }
  if (err == CRYPT_OK) err = omac_done(&st, out.data(), &out_len);
  ltc::wipe_omac(cipher, st);  // REQ-CRYPTO-015
  return err == CRYPT_OK && out_len == out.size();
}

}  // namespace

// REQ-CRYPTO-010
Result<SecretBytes, CryptoError> kbkdf_ctr_cmac(Cipher c, ByteView key_in,
                                                ByteView data_before_counter,
                                                ByteView data_after_counter,
                                                std::size_t counter_bytes, std::size_t out_len) {
  if (c == Cipher::kDes) return fail(CryptoError::kUnsupportedAlgorithm);
  if (!valid_key_length(c, key_in.size())) return fail(CryptoError::kBadKeyLength);
  if (counter_bytes < 1 || counter_bytes > 4) return fail(CryptoError::kBadDataLength);
  const std::size_t h = block_size(c);
  const std::uint64_t blocks = (static_cast<std::uint64_t>(out_len) + h - 1) / h;
  const std::uint64_t max_blocks = (std::uint64_t{1} << (8 * counter_bytes)) - 1;
  // SP 800-108: n must not exceed 2^r - 1, or the counter would wrap and repeat PRF outputs.
  if (out_len == 0 || blocks > max_blocks) return fail(CryptoError::kBadOutputLength);

  ltc::ensure_ready();
  SecretBytes out(out_len);
  std::array<std::uint8_t, 16> k_i{};
  std::array<std::uint8_t, 4> counter{};
  const std::span<std::uint8_t> k_block(k_i.data(), h);
  for (std::uint64_t i = 1; i <= blocks; ++i) {
    for (std::size_t b = 0; b < counter_bytes; ++b) {
      counter[b] = static_cast<std::uint8_t>(i >> (8 * (counter_bytes - 1 - b)));  // REQ-CRYPTO-010
    }
    if (!cmac3(c, key_in, data_before_counter, ByteView(counter.data(), counter_bytes),
               data_after_counter, k_block)) {
      secure_wipe(k_i);
      return fail(CryptoError::kLibraryError);
    }
    const std::size_t off = static_cast<std::size_t>(i - 1) * h;
    const std::size_t take = std::min(h, out_len - off);
    std::copy_n(k_i.begin(), take, out.mutable_view().begin() + static_cast<std::ptrdiff_t>(off));
  }
  secure_wipe(k_i);
  return out;
}

// REQ-CRYPTO-010
Result<SecretBytes, CryptoError> kdf_ctr_cmac(Cipher c, ByteView key_in, ByteView label,
                                              ByteView context, std::size_t out_len) {
  if (c == Cipher::kDes) return fail(CryptoError::kUnsupportedAlgorithm);
  if (!valid_key_length(c, key_in.size())) return fail(CryptoError::kBadKeyLength);
  // The protocol never needs more than a 256-bit key; the cap keeps [L]_32 far from overflow.
  if (out_len == 0 || out_len > kMaxKdfBlocks * block_size(c)) {
    return fail(CryptoError::kBadOutputLength);
  }
  const std::uint32_t bits = static_cast<std::uint32_t>(out_len * 8);
  Bytes fixed(label.begin(), label.end());
  fixed.push_back(0x00);
  fixed.insert(fixed.end(), context.begin(), context.end());
  for (int shift = 24; shift >= 0; shift -= 8) fixed.push_back(static_cast<std::uint8_t>(bits >> shift));
  return kbkdf_ctr_cmac(c, key_in, {}, fixed, 4, out_len);  // REQ-CRYPTO-010
}

}  // namespace tmsproto::crypto
