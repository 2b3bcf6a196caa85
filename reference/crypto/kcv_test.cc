#include "crypto/kcv.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/mac.h"
#include "crypto/test_util.h"

namespace tmsproto::crypto {
namespace {

using test::H;

// E(0123456789ABCDEF, 0^64) = D5D44FF720683D0D: Eric Young's libdes test table (destest.c),
// carried as "OpenSSL test vector 34" in mbed TLS's DES tests.
// Checks REQ-CRYPTO-009.
TEST(KcvKat, DesIsEncryptionOfZeroBlock) {
  auto k = kcv(Cipher::kDes, H("0123456789ABCDEF"));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, H("D5D44FF720683D0D"));
}

// The widely published check value 08D7B4 of the two-key test key 0123456789ABCDEF
// FEDCBA9876543210 (full block 08D7B4FB629D0885).
TEST(KcvKat, TwoKeyTdesTestKey) {
  auto k = kcv(Cipher::kTdes, H("0123456789ABCDEF FEDCBA9876543210"));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, H("08D7B4FB629D0885"));
}

// No published X9.24-1-2017 AES KCV example was found, so this checks the definition: the CMAC
// of one all-zero block, which the CMAC known answers in mac_test.cc pin down.
// Checks REQ-CRYPTO-009.
TEST(Kcv, AesIsCmacOfZeroBlock) {
  const Bytes key = H("2b7e151628aed2a6abf7158809cf4f3c");
  auto k = kcv(Cipher::kAes, key);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->size(), 16u);
  EXPECT_EQ(*k, cmac(Cipher::kAes, key, Bytes(16, 0)).value());
}

TEST(Kcv, BadKeyLengthIsAnError) {
  EXPECT_EQ(kcv(Cipher::kDes, Bytes(7, 0)).error(), CryptoError::kBadKeyLength);
  EXPECT_EQ(kcv(Cipher::kTdes, Bytes(8, 0)).error(), CryptoError::kBadKeyLength);
  EXPECT_EQ(kcv(Cipher::kAes, Bytes(20, 0)).error(), CryptoError::kBadKeyLength);
}

// Keys that differ in an effective bit have different check values (DES parity bits excepted,
// which the cipher ignores). The full block is compared; the 3- and 5-byte wire forms can
// collide by chance, which is why they are only a check, never an authenticator.
RC_GTEST_PROP(KcvProperty, DifferentKeysGiveDifferentKcvs, ()) {
  const Cipher c = *test::gen_cipher();
  const Bytes k1 = *test::gen_bytes(*test::gen_key_length(c));
  const std::size_t bit = *rc::gen::suchThat(
      rc::gen::inRange<std::size_t>(0, k1.size() * 8),
      [c](std::size_t b) { return c == Cipher::kAes || b % 8 != 0; });
  Bytes k2 = k1;
  test::flip_bit(k2, bit);
  RC_ASSERT(kcv(c, k1).value() != kcv(c, k2).value());
}

}  // namespace
}  // namespace tmsproto::crypto
