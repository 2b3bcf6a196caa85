// Raw block ciphers in ECB and CBC: REQ-CRYPTO-001 (DES, legacy only), REQ-CRYPTO-002 (TDES),
// REQ-CRYPTO-003 (AES), REQ-CRYPTO-004 (CBC without internal padding).
#pragma once

#include <cstddef>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/error.h"

namespace tmsproto::crypto {

// kDes exists for legacy peers and the X9.9 MAC only (REQ-CRYPTO-001); new keys are TDES or AES.
enum class Cipher { kDes, kTdes, kAes };

// 8 for DES and TDES, 16 for AES.
std::size_t block_size(Cipher c);

// DES: 8. TDES: 16 (two-key, K1 K2 K1) or 24 (three-key). AES: 16, 24 or 32.
// DES parity bits are ignored, as every DES implementation does.
bool valid_key_length(Cipher c, std::size_t key_len);

// Whole blocks in, the same number of blocks out; padding is the caller's business (padding.h).
// An empty input is zero blocks and gives an empty output. Errors, checked in this order:
// kBadKeyLength, kBadIvLength, kBadDataLength (not a multiple of the block size).
Result<Bytes, CryptoError> ecb_encrypt(Cipher c, ByteView key, ByteView data);
Result<Bytes, CryptoError> ecb_decrypt(Cipher c, ByteView key, ByteView data);
Result<Bytes, CryptoError> cbc_encrypt(Cipher c, ByteView key, ByteView iv, ByteView data);
Result<Bytes, CryptoError> cbc_decrypt(Cipher c, ByteView key, ByteView iv, ByteView data);

}  // namespace tmsproto::crypto
