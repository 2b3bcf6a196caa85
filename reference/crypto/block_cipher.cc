#include "crypto/block_cipher.h"

#include <algorithm>

#include "crypto/ltc.h"
#include "crypto/secret.h"

namespace tmsproto::crypto {

std::size_t block_size(Cipher c) { return c == Cipher::kAes ? 16 : 8; }

bool valid_key_length(Cipher c, std::size_t key_len) {
  switch (c) {
    case Cipher::kDes: return key_len == 8;                       // REQ-CRYPTO-001
    case Cipher::kTdes: return key_len == 16 || key_len == 24;    // REQ-CRYPTO-002
    case Cipher::kAes: return key_len == 16 || key_len == 24 || key_len == 32;  // REQ-CRYPTO-003
  }
  return false;
}

namespace {

enum class Direction { kEncrypt, kDecrypt };

// libtomcrypt 1.18.2's des3_setup takes a 16-byte key as K1 K2 K1 itself (checked against the
// two-key vector in block_cipher_test.cc), so no expansion is done here.
Result<Bytes, CryptoError> ecb(Cipher c, ByteView key, ByteView data, Direction dir) {
  if (!valid_key_length(c, key.size())) return fail(CryptoError::kBadKeyLength);
  const std::size_t n = block_size(c);
  if (data.size() % n != 0) return fail(CryptoError::kBadDataLength);
  ltc::ensure_ready();
  ltc::KeySchedule ks(c, key);
  if (!ks.ok()) return fail(CryptoError::kLibraryError);
  Bytes out(data.begin(), data.end());
  for (std::size_t off = 0; off < out.size(); off += n) {
    std::span<std::uint8_t> block(out.data() + off, n);
    if (!(dir == Direction::kEncrypt ? ks.encrypt_block(block) : ks.decrypt_block(block))) {
      secure_wipe(out);
      return fail(CryptoError::kLibraryError);
    }
  }
  return out;
}

// REQ-CRYPTO-004: CBC over whole blocks, no padding added or removed, so the byte count the
// protocol puts on the wire is exactly what the caller padded to.
Result<Bytes, CryptoError> cbc(Cipher c, ByteView key, ByteView iv, ByteView data, Direction dir) {
  if (!valid_key_length(c, key.size())) return fail(CryptoError::kBadKeyLength);
  const std::size_t n = block_size(c);
  if (iv.size() != n) return fail(CryptoError::kBadIvLength);
  if (data.size() % n != 0) return fail(CryptoError::kBadDataLength);  // REQ-CRYPTO-004
  ltc::ensure_ready();
  ltc::KeySchedule ks(c, key);
  if (!ks.ok()) return fail(CryptoError::kLibraryError);

  Bytes out(data.begin(), data.end());
  std::uint8_t chain[16];
  std::uint8_t saved[16];
  std::copy(iv.begin(), iv.end(), chain);
  for (std::size_t off = 0; off < out.size(); off += n) {
    std::span<std::uint8_t> block(out.data() + off, n);
    bool ok = false;
    if (dir == Direction::kEncrypt) {
      for (std::size_t i = 0; i < n; ++i) block[i] ^= chain[i];
      ok = ks.encrypt_block(block);
      std::copy(block.begin(), block.end(), chain);
    } else {
      std::copy(block.begin(), block.end(), saved);
      ok = ks.decrypt_block(block);
      for (std::size_t i = 0; i < n; ++i) block[i] ^= chain[i];
      std::copy(saved, saved + n, chain);
    }
    if (!ok) {
      secure_wipe(out);
      return fail(CryptoError::kLibraryError);
    }
  }
  // Nothing derived from the data outlives the call except the returned buffer.
  secure_wipe(chain);
  secure_wipe(saved);
  return out;
}

}  // namespace

Result<Bytes, CryptoError> ecb_encrypt(Cipher c, ByteView key, ByteView data) {
  return ecb(c, key, data, Direction::kEncrypt);
}

Result<Bytes, CryptoError> ecb_decrypt(Cipher c, ByteView key, ByteView data) {
  return ecb(c, key, data, Direction::kDecrypt);
}

Result<Bytes, CryptoError> cbc_encrypt(Cipher c, ByteView key, ByteView iv, ByteView data) {
  return cbc(c, key, iv, data, Direction::kEncrypt);
}

Result<Bytes, CryptoError> cbc_decrypt(Cipher c, ByteView key, ByteView iv, ByteView data) {
  return cbc(c, key, iv, data, Direction::kDecrypt);
}

}  // namespace tmsproto::crypto
