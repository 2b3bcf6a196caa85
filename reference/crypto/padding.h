// ISO/IEC 9797-1 padding methods 1 and 2 (REQ-CRYPTO-005).
#pragma once

#include <cstddef>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/error.h"

namespace tmsproto::crypto {

enum class Padding {
  // Method 1: append zero bytes up to a *positive* multiple of the block size, so an empty message
  // becomes one zero block. Not reversible (trailing zeros of the data are indistinguishable).
  kMethod1,
  // Method 2: append 0x80, then zero bytes up to a multiple of the block size. Always adds at
  // least one byte, so it is reversible.
  kMethod2,
};

// `block` is the cipher block size (block_size(cipher)); a 0 is treated as 1 so the function
// stays total.
Bytes pad(Padding p, ByteView data, std::size_t block);

// Inverse of method 2. kBadPadding unless `padded` is a positive multiple of `block` ending in
// 0x80 followed by fewer than `block` zero bytes. Not constant-time: call it only on data whose MAC
// has already been verified, so it can never act as a padding oracle.
Result<Bytes, CryptoError> unpad_method2(ByteView padded, std::size_t block);

}  // namespace tmsproto::crypto
