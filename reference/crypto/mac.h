// Message authentication codes: ISO/IEC 9797-1 MAC algorithms 1 and 3 with their ANSI names
// (REQ-CRYPTO-006 X9.9, REQ-CRYPTO-007 X9.19 retail MAC), CMAC (REQ-CRYPTO-008), and a
// constant-time verifier (REQ-CRYPTO-014). Every function returns the full block; callers that put
// a shorter MAC on the wire take its leftmost bytes and check them with verify_mac().
#pragma once

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/block_cipher.h"
#include "crypto/error.h"
#include "crypto/padding.h"

namespace tmsproto::crypto {

// ISO/IEC 9797-1 MAC algorithm 1: CBC-MAC with a zero IV over the padded message, output
// transformation 1 (the last block as is). Any cipher and key length that block_cipher.h accepts.
Result<Bytes, CryptoError> iso9797_alg1(Cipher c, ByteView key, ByteView msg, Padding p);

// ISO/IEC 9797-1 MAC algorithm 3 with DES (the "retail MAC"): CBC-MAC under K, then the last block
// is decrypted under K' and encrypted under K. `key16` is K || K' (16 bytes, else kBadKeyLength).
Result<Bytes, CryptoError> iso9797_alg3(ByteView key16, ByteView msg, Padding p);

// ANSI X9.9 / FIPS 113 MAC: algorithm 1 with single DES and padding method 1 (8 bytes).
Result<Bytes, CryptoError> x99_mac(ByteView key8, ByteView msg);

// ANSI X9.19 retail MAC: algorithm 3 with padding method 1 (8 bytes).
Result<Bytes, CryptoError> x919_mac(ByteView key16, ByteView msg);

// NIST SP 800-38B CMAC with AES (16-byte tag) or TDES (8-byte tag). DES gives
// kUnsupportedAlgorithm: SP 800-38B approves only AES and TDEA.
Result<Bytes, CryptoError> cmac(Cipher c, ByteView key, ByteView msg);

// Succeeds iff `expected_prefix` equals the leftmost expected_prefix.size() bytes of `computed`,
// compared in constant time. An empty prefix, or one longer than `computed`, is kBadMacLength: an
// empty MAC would otherwise verify anything.
Result<void, CryptoError> verify_mac(ByteView expected_prefix, ByteView computed);

}  // namespace tmsproto::crypto
