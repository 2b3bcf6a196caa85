#include "crypto/kdf.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/mac.h"
#include "crypto/test_util.h"

namespace tmsproto::crypto {
namespace {

using test::H;

Bytes to_bytes(const SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

// NIST CAVP SP 800-108 KBKDF test vectors, counter mode (KDFCTR_gen.txt in CounterMode.zip),
// as reproduced in BouncyCastle's KdfCounterTest and other public test suites.
struct CavpCase {
  const char* name;
  Cipher cipher;
  std::size_t counter_bytes;
  const char* ki;
  const char* before;  // DataBeforeCtrData (AFTER_FIXED / MIDDLE_FIXED)
  const char* after;   // FixedInputData (BEFORE_FIXED) or DataAfterCtrData (MIDDLE_FIXED)
  const char* ko;
};

const CavpCase kCavp[] = {
    {"CMAC_AES128 BEFORE_FIXED 8_BITS L=128 COUNT=0", Cipher::kAes, 1,
     "dff1e50ac0b69dc40f1051d46c2b069c", "",
     "c16e6e02c5a3dcc8d78b9ac1306877761310455b4e41469951d9e6c2245a064b33fd8c3b01203a7824485bf0a6"
     "4060c4648b707d2607935699316ea5",
     "8be8f0869b3c0ba97b71863d1b9f7813"},
    {"CMAC_AES128 BEFORE_FIXED 8_BITS L=128 COUNT=1", Cipher::kAes, 1,
     "e4d94da336fada7c0ee4a9591dd0327a", "",
     "538fefb2eeb7c50c84bf603a7beddff4bba049f0052c45f13c56e9ae5944eb22d677f280e5a29c588cf40c7c57"
     "f7767aad3d595069fb40d02c01f866",
     "268a1d44ba5a5b1a28b9a611c76671f7"},
    {"CMAC_AES128 BEFORE_FIXED 16_BITS L=128", Cipher::kAes, 2, "30ec5f6fa1def33cff008178c4454211",
     "",
     "c95e7b1d4f2570259abfc05bb00730f0284c3bb9a61d07259848a1cb57c81d8a6c3382c500bf801dfc8f70726b"
     "082cf4c3fa34386c1e7bf0e5471438",
     "00018fff9574994f5c4457f461c7a67e"},
    {"CMAC_AES128 BEFORE_FIXED 24_BITS L=320", Cipher::kAes, 3, "26fa0e32e7e08f9b157ebae9f579710f",
     "",
     "ceab805efbe0c50a8aef62e59d95e7a54daa74ed86aa9b1ae8abf68b985b5af4b0ee150e83e6c063b59c7bf813"
     "ede9826af149237aed85b415898fa8",
     "f1d9138afcc3db6001eb54c4da567a5db3659fc0ed48e664a0408946bcee0742127c17cabf348c7a"},
    {"CMAC_AES128 BEFORE_FIXED 32_BITS L=128", Cipher::kAes, 4, "c10b152e8c97b77e18704e0f0bd38305",
     "",
     "98cd4cbbbebe15d17dc86e6dbad800a2dcbd64f7c7ad0e78e9cf94ffdba89d03e97eadf6c4f7b806caf52aa38f"
     "09d0eb71d71f497bcc6906b48d36c4",
     "26faf61908ad9ee881b8305c221db53f"},
    {"CMAC_AES128 AFTER_FIXED 8_BITS L=128", Cipher::kAes, 1, "e61a51e1633e7d0de704dcebbd8f962f",
     "5eef88f8cb188e63e08e23c957ee424a3345da88400c567548b57693931a847501f8e1bce1c37a09ef8c6e2ad5"
     "53dd0f603b52cc6d4e4cbb76eb6c8f",
     "", "63a5647d0fe69d21fc420b1a8ce34cc1"},
    {"CMAC_AES128 MIDDLE_FIXED 8_BITS L=128", Cipher::kAes, 1, "b6e04abd1651f8794d4326f4c684e631",
     "93612f7256c46a3d856d3e951e32dbf15fe11159d0b389ad38d603850fee6d18d22031435ed36ee20da76745fb"
     "ea4b10fe1e",
     "99322aae605a5f01e32b", "dcb1db87a68762c6b3354779fa590bef"},
    {"CMAC_AES192 BEFORE_FIXED 8_BITS L=128", Cipher::kAes, 1,
     "53d1705caab7b06886e2dbb53eea349aa7419a034e2d92b9", "",
     "b120f7ce30235784664deae3c40723ca0539b4521b9aece43501366cc5df1d9ea163c602702d0974665277c8a7"
     "f6a057733d66f928eb7548cf43e374",
     "eae32661a323f6d06d0116bb739bd76a"},
    {"CMAC_AES256 BEFORE_FIXED 8_BITS L=128", Cipher::kAes, 1,
     "aeb7201d055f754212b3e497bd0b25789a49e51da9f363df414a0f80e6f4e42c", "",
     "11ec30761780d4c44acb1f26ca1eb770f87c0e74505e15b7e456b019ce0c38103c4d14afa1de71d340db514105"
     "96627512cf199fffa20ef8c5f4841e",
     "2a9e2fe078bd4f5d3076d14d46f39fb2"},
    {"CMAC_AES256 AFTER_FIXED 32_BITS L=320", Cipher::kAes, 4,
     "a487f6ae25608d71b98bd7f7973fa68871b91fb59f703a2e4684d3b98c4309fe",
     "b353d8e8558b52023882646d9271e245ea5c3684806d726858227dbae641385f4dd122907abb9005f59584f7bf"
     "859e0f19a99f52b2f15fffbed3499f",
     "", "9820f408e23d1c05638e36540e18832659691471bf215e68f535d66e6b482362902fcdda1818a01f"},
};

TEST(KbkdfKat, NistCavpCounterModeCmacVectors) {
  for (const CavpCase& c : kCavp) {
    const Bytes ko = H(c.ko);
    auto out = kbkdf_ctr_cmac(c.cipher, H(c.ki), H(c.before), H(c.after), c.counter_bytes,
                              ko.size());
    ASSERT_TRUE(out.ok()) << c.name;
    EXPECT_EQ(to_bytes(*out), ko) << c.name;
  }
}

// The protocol layout [i]_32 || Label || 0x00 || Context || [L]_32 is OpenSSL 3's KBKDF default
// (counter mode, CMAC). Expected values computed with the OpenSSL 3.0 command line, an independent
// implementation:
//   openssl kdf -keylen 24 -kdfopt mac:CMAC -kdfopt cipher:AES-128-CBC
//     -kdfopt hexkey:000102030405060708090a0b0c0d0e0f -kdfopt hexsalt:4c41424c -kdfopt hexinfo:01020304 KBKDF
//   openssl kdf -keylen 16 -kdfopt mac:CMAC -kdfopt cipher:DES-EDE-CBC
//     -kdfopt hexkey:0123456789abcdeffedcba9876543210 -kdfopt hexsalt:544d5350204d4143
//     -kdfopt hexinfo:01020304 KBKDF
// Checks REQ-CRYPTO-010.
TEST(KdfCtrCmac, MatchesOpenSslKbkdfWithAesCmac) {
  auto out = kdf_ctr_cmac(Cipher::kAes, H("000102030405060708090a0b0c0d0e0f"), H("4c41424c"),
                          H("01020304"), 24);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(to_bytes(*out), H("537b69c4768ddfeeaec0bd91abac6ccb8a4104cf0ef08905"));
}

// Checks REQ-CRYPTO-010.
TEST(KdfCtrCmac, MatchesOpenSslKbkdfWithTdesCmac) {
  auto out = kdf_ctr_cmac(Cipher::kTdes, H("0123456789abcdeffedcba9876543210"),
                          H("544d5350204d4143"), H("01020304"), 16);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(to_bytes(*out), H("bff70ed025a4a1d02a2cda201311d4c3"));
}

TEST(KdfCtrCmac, OutputLengthLimits) {
  const Bytes aes_key(16, 7);
  const Bytes tdes_key(16, 7);
  EXPECT_EQ(kdf_ctr_cmac(Cipher::kAes, aes_key, {}, {}, 0).error(),
            CryptoError::kBadOutputLength);
  EXPECT_TRUE(kdf_ctr_cmac(Cipher::kAes, aes_key, {}, {}, 255 * 16).ok());
  EXPECT_EQ(kdf_ctr_cmac(Cipher::kAes, aes_key, {}, {}, 255 * 16 + 1).error(),
            CryptoError::kBadOutputLength);
  EXPECT_TRUE(kdf_ctr_cmac(Cipher::kTdes, tdes_key, {}, {}, 255 * 8).ok());
  EXPECT_EQ(kdf_ctr_cmac(Cipher::kTdes, tdes_key, {}, {}, 255 * 8 + 1).error(),
            CryptoError::kBadOutputLength);
}

TEST(KdfCtrCmac, RejectsDesAndBadKeys) {
  EXPECT_EQ(kdf_ctr_cmac(Cipher::kDes, Bytes(8, 1), {}, {}, 16).error(),
            CryptoError::kUnsupportedAlgorithm);
  EXPECT_EQ(kdf_ctr_cmac(Cipher::kAes, Bytes(17, 1), {}, {}, 16).error(),
            CryptoError::kBadKeyLength);
}

TEST(KbkdfCtrCmac, RejectsBadCounterWidths) {
  EXPECT_EQ(kbkdf_ctr_cmac(Cipher::kAes, Bytes(16, 1), {}, {}, 0, 16).error(),
            CryptoError::kBadDataLength);
  EXPECT_EQ(kbkdf_ctr_cmac(Cipher::kAes, Bytes(16, 1), {}, {}, 5, 16).error(),
            CryptoError::kBadDataLength);
}

// Because [L] is part of the fixed data, a shorter request is not a prefix of a longer one (SP
// 800-108's reason for including L). At least 8 bytes are compared, so a chance match is 2^-64.
RC_GTEST_PROP(KdfProperty, DifferentLengthsGiveUnrelatedOutputs, ()) {
  const Bytes key = *test::gen_bytes(16);
  const Bytes label = *test::gen_bytes_up_to(12);
  const Bytes context = *test::gen_bytes_up_to(12);
  const std::size_t a = *rc::gen::inRange<std::size_t>(8, 64);
  const std::size_t b = *rc::gen::suchThat(rc::gen::inRange<std::size_t>(8, 64),
                                           [a](std::size_t x) { return x != a; });
  const Bytes out_a = to_bytes(kdf_ctr_cmac(Cipher::kAes, key, label, context, a).value());
  const Bytes out_b = to_bytes(kdf_ctr_cmac(Cipher::kAes, key, label, context, b).value());
  const std::size_t n = std::min(a, b);
  RC_ASSERT(!std::equal(out_a.begin(), out_a.begin() + static_cast<std::ptrdiff_t>(n),
                        out_b.begin()));
}

RC_GTEST_PROP(KdfProperty, OutputHasTheRequestedLength, ()) {
  const Cipher c = *rc::gen::element(Cipher::kAes, Cipher::kTdes);
  const Bytes key = *test::gen_bytes(*test::gen_key_length(c));
  const std::size_t len = *rc::gen::inRange<std::size_t>(1, 255 * block_size(c) + 1);
  auto out = kdf_ctr_cmac(c, key, {}, {}, len);
  RC_ASSERT(out.ok());
  RC_ASSERT(out->size() == len);
}

}  // namespace
}  // namespace tmsproto::crypto
