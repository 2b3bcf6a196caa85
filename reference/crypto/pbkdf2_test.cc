#include "crypto/pbkdf2.h"

#include <gtest/gtest.h>

#include <string>

#include "common/hex.h"

namespace tmsproto::crypto {
namespace {

Bytes ascii(const std::string& s) { return Bytes(s.begin(), s.end()); }

// RFC 7914 section 11: PBKDF2-HMAC-SHA-256 (P="passwd", S="salt", c=1, dkLen=64).
// Checks REQ-OPR-002.
TEST(Pbkdf2HmacSha256, Rfc7914Section11SingleIteration) {
  auto out = pbkdf2_hmac_sha256(ascii("passwd"), ascii("salt"), 1, 64);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(to_hex(out->view()),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

// RFC 7914 section 11: (P="Password", S="NaCl", c=80000, dkLen=64).
TEST(Pbkdf2HmacSha256, Rfc7914Section11ManyIterations) {
  auto out = pbkdf2_hmac_sha256(ascii("Password"), ascii("NaCl"), 80000, 64);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(to_hex(out->view()),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(Pbkdf2HmacSha256, RejectsBadParametersWithoutAborting) {
  const Bytes pw = ascii("pw");
  EXPECT_EQ(pbkdf2_hmac_sha256({}, {}, 1, 32).error(), CryptoError::kBadDataLength);
  EXPECT_EQ(pbkdf2_hmac_sha256(pw, {}, 0, 32).error(), CryptoError::kBadDataLength);
  EXPECT_EQ(pbkdf2_hmac_sha256(pw, {}, 1, 0).error(), CryptoError::kBadOutputLength);
  EXPECT_EQ(pbkdf2_hmac_sha256(pw, {}, 1, 65).error(), CryptoError::kBadOutputLength);
  EXPECT_TRUE(pbkdf2_hmac_sha256(pw, {}, 1, 32).ok());
}

}  // namespace
}  // namespace tmsproto::crypto
