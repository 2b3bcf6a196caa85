#include "crypto/error.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace tmsproto::crypto {
namespace {

TEST(CryptoError, EveryValueHasADistinctName) {
  const CryptoError all[] = {
      CryptoError::kBadKeyLength,  CryptoError::kBadIvLength,    CryptoError::kBadDataLength,
      CryptoError::kBadPadding,    CryptoError::kMacMismatch,    CryptoError::kBadMacLength,
      CryptoError::kBadSignature,  CryptoError::kBadPublicKey,   CryptoError::kBadPrivateKey,
      CryptoError::kBadOutputLength, CryptoError::kUnsupportedAlgorithm,
      CryptoError::kLibraryError,
  };
  std::set<std::string> names;
  for (CryptoError e : all) {
    const std::string_view n = to_string(e);
    EXPECT_FALSE(n.empty());
    EXPECT_NE(n, "unknown crypto error");
    names.emplace(n);
  }
  EXPECT_EQ(names.size(), std::size(all));
}

}  // namespace
}  // namespace tmsproto::crypto
