// NIST SP 800-108 key derivation in counter mode with CMAC as the PRF (REQ-CRYPTO-010).
#pragma once

#include <cstddef>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/block_cipher.h"
#include "crypto/error.h"
#include "crypto/secret.h"

namespace tmsproto::crypto {

// The layout the protocol uses (REQ-CRYPTO-010). For i = 1, 2, ..., n = ceil(out_len / block_size):
//   K(i) = CMAC(key_in, [i]_32 || Label || 0x00 || Context || [L]_32)
// with i and L = out_len * 8 (bits) as four big-endian bytes each, and the output the first out_len
// bytes of K(1) || K(2) || ... — SP 800-108's counter mode with r = 32 and the counter before the
// fixed data, the instantiation NIST CAVP and OpenSSL's KBKDF use, so both can check it.
// c is kAes (key_in 16/24/32 bytes) or kTdes (16/24); kDes is kUnsupportedAlgorithm.
// out_len must be 1..kMaxKdfBlocks blocks (kBadOutputLength otherwise).
inline constexpr std::size_t kMaxKdfBlocks = 255;
Result<SecretBytes, CryptoError> kdf_ctr_cmac(Cipher c, ByteView key_in, ByteView label,
                                              ByteView context, std::size_t out_len);

// The general counter-mode KDF that the one above is built on, shaped like NIST CAVP's KBKDF
// counter-mode vectors so that they can be checked directly:
//   K(i) = CMAC(key_in, data_before_counter || [i]_r || data_after_counter)
// with the counter big-endian in `counter_bytes` bytes (r = 8, 16, 24 or 32 bits; anything else is
// kBadDataLength). CAVP's CTRLOCATION=BEFORE_FIXED passes its FixedInputData as
// data_after_counter, AFTER_FIXED as data_before_counter, MIDDLE_FIXED both halves. Any [L] the
// caller wants is part of those data. out_len must be at least 1 byte and need no more than
// 2^r - 1 PRF blocks (kBadOutputLength).
Result<SecretBytes, CryptoError> kbkdf_ctr_cmac(Cipher c, ByteView key_in,
                                                ByteView data_before_counter,
                                                ByteView data_after_counter,
                                                std::size_t counter_bytes, std::size_t out_len);

}  // namespace tmsproto::crypto
