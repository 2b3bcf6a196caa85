// Errors of the crypto layer. Every failure is a value: nothing here throws, and no input reaches
// libtomcrypt before it has been checked, because libtomcrypt's LTC_ARGCHK aborts the process.
#pragma once

#include <string_view>

namespace tmsproto::crypto {

enum class CryptoError {
  kBadKeyLength,     // key size not allowed for the algorithm
  kBadIvLength,      // IV is not exactly one block
  kBadDataLength,    // data is not a whole number of blocks, or is otherwise the wrong size
  kBadPadding,       // ISO/IEC 9797-1 method 2 padding not found where it must be
  kMacMismatch,      // MAC verification failed
  kBadMacLength,     // expected MAC is empty or longer than the computed one
  kBadSignature,     // ECDSA signature malformed or does not verify
  kBadPublicKey,     // not an uncompressed P-256 point on the curve
  kBadPrivateKey,    // not a scalar in [1, n-1]
  kBadOutputLength,  // requested KDF output length is zero or too long for the counter/L encoding
  kUnsupportedAlgorithm,  // e.g. CMAC or the KDF asked to run on single DES
  kLibraryError,          // libtomcrypt reported an error we did not anticipate
};

std::string_view to_string(CryptoError e);

}  // namespace tmsproto::crypto
