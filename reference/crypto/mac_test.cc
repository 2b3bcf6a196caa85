#include "crypto/mac.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/test_util.h"

namespace tmsproto::crypto {
namespace {

using test::ascii;
using test::H;

Bytes first(const Bytes& b, std::size_t n) {
  return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
}

// --- ANSI X9.9 / FIPS 113 ---

// FIPS 113 (Computer Data Authentication), Appendix 2 example: key 0123456789abcdef, message
// "7654321 Now is the time for " zero-padded to 32 bytes; the final DES output is
// f1d30f6849312ca4 (the standard shows the MAC as its leftmost 32 bits, f1d30f68).
// Checks REQ-CRYPTO-006.
TEST(X99Kat, Fips113Example) {
  auto mac = x99_mac(H("0123456789abcdef"), ascii("7654321 Now is the time for "));
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(*mac, H("f1d30f6849312ca4"));
}

// --- ISO/IEC 9797-1:2011 Annex B (DES examples; the standard lists 32-bit MACs, i.e. the
// leftmost 4 bytes). K = 0123456789ABCDEF, K' = FEDCBA9876543210. ---

TEST(Iso9797Alg1Kat, AnnexB2Padding1) {
  auto a = iso9797_alg1(Cipher::kDes, H("0123456789ABCDEF"), ascii("Now is the time for all "),
                        Padding::kMethod1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(first(*a, 4), H("70A30640"));
  auto b = iso9797_alg1(Cipher::kDes, H("0123456789ABCDEF"), ascii("Now is the time for it"),
                        Padding::kMethod1);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(first(*b, 4), H("E45B3AD2"));
}

TEST(Iso9797Alg1Kat, AnnexB2Padding2) {
  auto a = iso9797_alg1(Cipher::kDes, H("0123456789ABCDEF"), ascii("Now is the time for all "),
                        Padding::kMethod2);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(first(*a, 4), H("10E1F0F1"));
  auto b = iso9797_alg1(Cipher::kDes, H("0123456789ABCDEF"), ascii("Now is the time for it"),
                        Padding::kMethod2);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(first(*b, 4), H("A924C721"));
}

// Annex B.4, MAC algorithm 3 with padding method 1 is the X9.19 retail MAC. The full 64-bit
// values A1C72E74EA3FA9B6 and 2E2B1428CC78254F are as quoted from B.4 in RustCrypto's retail-mac
// crate documentation.
// Checks REQ-CRYPTO-007.
TEST(X919Kat, Iso9797AnnexB4Padding1) {
  const Bytes key = H("0123456789ABCDEF FEDCBA9876543210");
  auto a = x919_mac(key, ascii("Now is the time for all "));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, H("A1C72E74EA3FA9B6"));
  auto b = x919_mac(key, ascii("Now is the time for it"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, H("2E2B1428CC78254F"));
}

TEST(Iso9797Alg3Kat, AnnexB4Padding2) {
  const Bytes key = H("0123456789ABCDEF FEDCBA9876543210");
  auto a = iso9797_alg3(key, ascii("Now is the time for all "), Padding::kMethod2);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(first(*a, 4), H("E9086230"));
  auto b = iso9797_alg3(key, ascii("Now is the time for it"), Padding::kMethod2);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(first(*b, 4), H("5A692CE6"));
}

// --- CMAC ---

const char* const kSp800_38bMessages[] = {
    "",
    "6bc1bee22e409f96e93d7e117393172a",
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411",
    ("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
     "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710"),
};

// RFC 4493 section 4 (= NIST SP 800-38B / CSRC AES_CMAC.pdf, CMAC-AES128 examples 1-4).
// Checks REQ-CRYPTO-008.
TEST(CmacKat, Rfc4493Aes128) {
  const Bytes key = H("2b7e151628aed2a6abf7158809cf4f3c");
  const char* const tags[] = {
      "bb1d6929e95937287fa37d129b756746", "070a16b46b4d4144f79bdd9dd04a287c",
      "dfa66747de9ae63030ca32611497c827", "51f0bebf7e3b9d92fc49741779363cfe"};
  for (int i = 0; i < 4; ++i) {
    auto t = cmac(Cipher::kAes, key, H(kSp800_38bMessages[i]));
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(*t, H(tags[i])) << "example " << i + 1;
  }
}

// NIST CSRC AES_CMAC.pdf (SP 800-38B examples), CMAC-AES256 examples 1-4.
TEST(CmacKat, Sp800_38bAes256) {
  const Bytes key = H("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const char* const tags[] = {
      "028962f61b7bf89efc6b551f4667d983", "28a7023f452e8f82bd4bf28d8c37c35c",
      "aaf3d8f1de5640c232f5b169b9c911e6", "e1992190549f6ed5696a2c056c315410"};
  for (int i = 0; i < 4; ++i) {
    auto t = cmac(Cipher::kAes, key, H(kSp800_38bMessages[i]));
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(*t, H(tags[i])) << "example " << i + 1;
  }
}

// NIST CSRC TDES_CMAC.pdf (SP 800-38B examples), three-key and two-key TDEA, samples 1-4.
// Messages are the first 0, 16, 20 and 32 bytes of the SP 800-38A plaintext.
// Checks REQ-CRYPTO-008.
TEST(CmacKat, Sp800_38bTdes) {
  const Bytes msgs[] = {
      H(""),
      H("6bc1bee22e409f96e93d7e117393172a"),
      H("6bc1bee22e409f96e93d7e117393172a ae2d8a57"),
      H("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"),
  };
  const Bytes key3 = H("0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123");
  const char* const tags3[] = {"7DB0D37DF936C550", "30239CF1F52E6609", "6C9F3EE4923F6BE2",
                               "99429BD0BF7904E5"};
  const Bytes key2 = H("0123456789ABCDEF 23456789ABCDEF01");
  const char* const tags2[] = {"79CE52A7F786A960", "CC18A0B79AF2413B", "C06D377ECD101969",
                               "9CD33580F9B64DFB"};
  for (int i = 0; i < 4; ++i) {
    auto t3 = cmac(Cipher::kTdes, key3, msgs[i]);
    ASSERT_TRUE(t3.ok());
    EXPECT_EQ(*t3, H(tags3[i])) << "three-key sample " << i + 1;
    auto t2 = cmac(Cipher::kTdes, key2, msgs[i]);
    ASSERT_TRUE(t2.ok());
    EXPECT_EQ(*t2, H(tags2[i])) << "two-key sample " << i + 1;
  }
}

TEST(Cmac, SingleDesIsUnsupported) {
  EXPECT_EQ(cmac(Cipher::kDes, Bytes(8, 1), {}).error(), CryptoError::kUnsupportedAlgorithm);
}

TEST(Mac, WrongKeyLengthsAreErrors) {
  EXPECT_EQ(x99_mac(Bytes(16, 1), {}).error(), CryptoError::kBadKeyLength);
  EXPECT_EQ(x919_mac(Bytes(8, 1), {}).error(), CryptoError::kBadKeyLength);
  EXPECT_EQ(x919_mac(Bytes(24, 1), {}).error(), CryptoError::kBadKeyLength);
  EXPECT_EQ(iso9797_alg1(Cipher::kAes, Bytes(15, 1), {}, Padding::kMethod2).error(),
            CryptoError::kBadKeyLength);
  EXPECT_EQ(cmac(Cipher::kAes, Bytes(0, 1), {}).error(), CryptoError::kBadKeyLength);
  EXPECT_EQ(cmac(Cipher::kTdes, Bytes(8, 1), {}).error(), CryptoError::kBadKeyLength);
}

// --- verify_mac ---

TEST(VerifyMac, AcceptsAnyNonEmptyPrefix) {
  const Bytes computed = H("0102030405060708");
  for (std::size_t n = 1; n <= computed.size(); ++n) {
    EXPECT_TRUE(verify_mac(first(computed, n), computed).ok()) << n;
  }
}

TEST(VerifyMac, RejectsEmptyAndOverlongExpectedValues) {
  const Bytes computed = H("0102030405060708");
  EXPECT_EQ(verify_mac({}, computed).error(), CryptoError::kBadMacLength);
  EXPECT_EQ(verify_mac(H("010203040506070809"), computed).error(), CryptoError::kBadMacLength);
}

TEST(VerifyMac, RejectsADifferentPrefix) {
  EXPECT_EQ(verify_mac(H("01020305"), H("0102030405060708")).error(), CryptoError::kMacMismatch);
}

// --- Properties: a verifier built on each MAC accepts its own output and rejects any single-bit
// change of key, message or tag. ---

enum class MacKind { kAlg1Des, kAlg1Tdes, kAlg1Aes, kX99, kX919, kCmacTdes, kCmacAes };

std::size_t key_len(MacKind k) {
  switch (k) {
    case MacKind::kAlg1Des:
    case MacKind::kX99:
      return 8;
    case MacKind::kAlg1Tdes:
    case MacKind::kX919:
    case MacKind::kCmacTdes:
      return 16;
    case MacKind::kAlg1Aes:
    case MacKind::kCmacAes:
      return 32;
  }
  return 0;
}

Bytes compute(MacKind k, const Bytes& key, const Bytes& msg) {
  switch (k) {
    case MacKind::kAlg1Des:
      return iso9797_alg1(Cipher::kDes, key, msg, Padding::kMethod2).value();
    case MacKind::kAlg1Tdes:
      return iso9797_alg1(Cipher::kTdes, key, msg, Padding::kMethod2).value();
    case MacKind::kAlg1Aes:
      return iso9797_alg1(Cipher::kAes, key, msg, Padding::kMethod2).value();
    case MacKind::kX99:
      return x99_mac(key, msg).value();
    case MacKind::kX919:
      return x919_mac(key, msg).value();
    case MacKind::kCmacTdes:
      return cmac(Cipher::kTdes, key, msg).value();
    case MacKind::kCmacAes:
      return cmac(Cipher::kAes, key, msg).value();
  }
  return {};
}

// DES ignores the low bit of every key byte (parity), so a flip there cannot change the MAC; the
// property flips only effective key bits for the DES-based MACs.
bool is_parity_bit(MacKind k, std::size_t bit) {
  return k != MacKind::kAlg1Aes && k != MacKind::kCmacAes && bit % 8 == 0;
}

rc::Gen<MacKind> gen_kind() {
  return rc::gen::element(MacKind::kAlg1Des, MacKind::kAlg1Tdes, MacKind::kAlg1Aes, MacKind::kX99,
                          MacKind::kX919, MacKind::kCmacTdes, MacKind::kCmacAes);
}

RC_GTEST_PROP(MacProperty, VerifyAcceptsWhatMacProduced, ()) {
  const MacKind kind = *gen_kind();
  const Bytes key = *test::gen_bytes(key_len(kind));
  const Bytes msg = *test::gen_bytes_up_to(80);
  const Bytes tag = compute(kind, key, msg);
  const std::size_t n = *rc::gen::inRange<std::size_t>(1, tag.size() + 1);
  RC_ASSERT(verify_mac(first(tag, n), compute(kind, key, msg)).ok());
}

// Checks REQ-CRYPTO-014.
RC_GTEST_PROP(MacProperty, VerifyRejectsAnySingleBitChangeOfKeyMessageOrTag, ()) {
  const MacKind kind = *gen_kind();
  const Bytes key = *test::gen_bytes(key_len(kind));
  // Method 1 padding (X9.9, X9.19) cannot tell a trailing zero byte from padding, so a bit flip
  // is checked on a non-empty message whose flipped bit lies in the data, never a length change.
  const Bytes msg =
      *rc::gen::suchThat(test::gen_bytes_up_to(80), [](const Bytes& m) { return !m.empty(); });
  const Bytes tag = compute(kind, key, msg);

  const std::size_t key_bit =
      *rc::gen::suchThat(rc::gen::inRange<std::size_t>(0, key.size() * 8),
                         [kind](std::size_t b) { return !is_parity_bit(kind, b); });
  Bytes key2 = key;
  test::flip_bit(key2, key_bit);
  RC_ASSERT(verify_mac(tag, compute(kind, key2, msg)).error() == CryptoError::kMacMismatch);

  Bytes msg2 = msg;
  test::flip_bit(msg2, *rc::gen::inRange<std::size_t>(0, msg.size() * 8));
  RC_ASSERT(verify_mac(tag, compute(kind, key, msg2)).error() == CryptoError::kMacMismatch);

  Bytes tag2 = tag;
  test::flip_bit(tag2, *rc::gen::inRange<std::size_t>(0, tag.size() * 8));
  RC_ASSERT(verify_mac(tag2, compute(kind, key, msg)).error() == CryptoError::kMacMismatch);
}

}  // namespace
}  // namespace tmsproto::crypto
