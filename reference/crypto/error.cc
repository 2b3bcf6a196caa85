#include "crypto/error.h"

namespace tmsproto::crypto {

std::string_view to_string(CryptoError e) {
  switch (e) {
    case CryptoError::kBadKeyLength: return "bad key length";
    case CryptoError::kBadIvLength: return "bad IV length";
    case CryptoError::kBadDataLength: return "bad data length";
    case CryptoError::kBadPadding: return "bad padding";
    case CryptoError::kMacMismatch: return "MAC mismatch";
    case CryptoError::kBadMacLength: return "bad MAC length";
    case CryptoError::kBadSignature: return "bad signature";
    case CryptoError::kBadPublicKey: return "bad public key";
    case CryptoError::kBadPrivateKey: return "bad private key";
    case CryptoError::kBadOutputLength: return "bad output length";
    case CryptoError::kUnsupportedAlgorithm: return "unsupported algorithm";
    case CryptoError::kLibraryError: return "crypto library error";
  }
  return "unknown crypto error";
}

}  // namespace tmsproto::crypto
