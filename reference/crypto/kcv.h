// Key check values (REQ-CRYPTO-009), as ANSI X9.24-1-2017 defines them.
#pragma once

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/block_cipher.h"
#include "crypto/error.h"

namespace tmsproto::crypto {

// DES / TDES: E(K, 8 zero bytes), the full 8-byte block; the KCV on the wire is its leftmost
//   3 bytes.
// AES: CMAC(K, 16 zero bytes) (ANSI X9.24-1-2017's CMAC method), the full 16-byte tag; the KCV on
//   the wire is its leftmost 5 bytes.
// Callers truncate; the full block is returned so the truncation length is visible where the
// protocol defines it.
Result<Bytes, CryptoError> kcv(Cipher c, ByteView key);

}  // namespace tmsproto::crypto
