#include "crypto/block_cipher.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/test_util.h"

namespace tmsproto::crypto {
namespace {

using test::ascii;
using test::H;

// --- Known answers, all from published standards ---

// FIPS 81 (DES modes of operation), Appendix B, Table B1 (ECB): key 0123456789abcdef,
// plaintext "Now is the time for all ".
// Checks REQ-CRYPTO-001.
TEST(DesKat, Fips81EcbExample) {
  const Bytes key = H("0123456789abcdef");
  const Bytes ct = H("3fa40e8a984d4815 6a271787ab8883f9 893d51ec4b563b53");
  auto enc = ecb_encrypt(Cipher::kDes, key, ascii("Now is the time for all "));
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, ct);
  auto dec = ecb_decrypt(Cipher::kDes, key, ct);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, ascii("Now is the time for all "));
}

// FIPS 81, Appendix C, Table C1 (CBC): same key and plaintext, IV 1234567890abcdef.
TEST(DesKat, Fips81CbcExample) {
  const Bytes key = H("0123456789abcdef");
  const Bytes iv = H("1234567890abcdef");
  const Bytes ct = H("e5c7cdde872bf27c 43e934008c389c0f 683788499a7c05f6");
  auto enc = cbc_encrypt(Cipher::kDes, key, iv, ascii("Now is the time for all "));
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, ct);
  auto dec = cbc_decrypt(Cipher::kDes, key, iv, ct);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, ascii("Now is the time for all "));
}

// NIST SP 800-67 (TDEA), worked TECB example: keys 0123456789ABCDEF, 23456789ABCDEF01,
// 456789ABCDEF0123, plaintext "The qufck brown fox jump" (the standard's own spelling).
// Checks REQ-CRYPTO-002.
TEST(TdesKat, Sp800_67ThreeKeyExample) {
  const Bytes key = H("0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123");
  const Bytes ct = H("A826FD8CE53B855F CCE21C8112256FE6 68D5C05DD9B6B900");
  auto enc = ecb_encrypt(Cipher::kTdes, key, ascii("The qufck brown fox jump"));
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, ct);
  auto dec = ecb_decrypt(Cipher::kTdes, key, ct);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, ascii("The qufck brown fox jump"));
}

// Two-key TDES: the widely published check value of the payment-industry test key
// 0123456789ABCDEF FEDCBA9876543210, i.e. E(K, 0^64) = 08D7B4FB629D0885 (quoted in HSM and
// terminal SDK documentation and e.g. in pyemv's tdea_2_ede test). Confirms that a 16-byte key
// is K1 K2 K1.
TEST(TdesKat, TwoKeyZeroBlock) {
  auto enc = ecb_encrypt(Cipher::kTdes, H("0123456789ABCDEF FEDCBA9876543210"),
                         H("0000000000000000"));
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(*enc, H("08D7B4FB629D0885"));
}

// FIPS 197, Appendix C.1 / C.2 / C.3: plaintext 00112233445566778899aabbccddeeff under the
// key 000102... of each length.
// Checks REQ-CRYPTO-003.
TEST(AesKat, Fips197AppendixC) {
  const Bytes pt = H("00112233445566778899aabbccddeeff");
  struct Case {
    const char* key;
    const char* ct;
  };
  const Case cases[] = {
      {"000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"},
      {"000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"},
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
       "8ea2b7ca516745bfeafc49904b496089"},
  };
  for (const Case& c : cases) {
    auto enc = ecb_encrypt(Cipher::kAes, H(c.key), pt);
    ASSERT_TRUE(enc.ok());
    EXPECT_EQ(*enc, H(c.ct)) << c.key;
    auto dec = ecb_decrypt(Cipher::kAes, H(c.key), H(c.ct));
    ASSERT_TRUE(dec.ok());
    EXPECT_EQ(*dec, pt) << c.key;
  }
}

// NIST SP 800-38A, Appendix F.2.1-F.2.6 (CBC-AES128/192/256 encrypt and decrypt).
// Checks REQ-CRYPTO-004.
TEST(AesKat, Sp800_38aCbcExamples) {
  const Bytes iv = H("000102030405060708090a0b0c0d0e0f");
  const Bytes pt = H(
      "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710");
  struct Case {
    const char* key;
    const char* ct;
  };
  const Case cases[] = {
      {"2b7e151628aed2a6abf7158809cf4f3c",
       "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2"
       "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"},
      {"8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
       "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a"
       "571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd"},
      {"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
       "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d"
       "39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b"},
  };
  for (const Case& c : cases) {
    auto enc = cbc_encrypt(Cipher::kAes, H(c.key), iv, pt);
    ASSERT_TRUE(enc.ok());
    EXPECT_EQ(*enc, H(c.ct)) << c.key;
    auto dec = cbc_decrypt(Cipher::kAes, H(c.key), iv, H(c.ct));
    ASSERT_TRUE(dec.ok());
    EXPECT_EQ(*dec, pt) << c.key;
  }
}

// --- Sizes and validation ---

TEST(BlockCipher, BlockSizes) {
  EXPECT_EQ(block_size(Cipher::kDes), 8u);
  EXPECT_EQ(block_size(Cipher::kTdes), 8u);
  EXPECT_EQ(block_size(Cipher::kAes), 16u);
}

TEST(BlockCipher, ValidKeyLengthsAreExactlyTheStandardOnes) {
  for (std::size_t n = 0; n <= 64; ++n) {
    EXPECT_EQ(valid_key_length(Cipher::kDes, n), n == 8) << n;
    EXPECT_EQ(valid_key_length(Cipher::kTdes, n), n == 16 || n == 24) << n;
    EXPECT_EQ(valid_key_length(Cipher::kAes, n), n == 16 || n == 24 || n == 32) << n;
  }
}

TEST(BlockCipher, EmptyDataIsZeroBlocks) {
  const Bytes key(16, 0x11);
  auto e = ecb_encrypt(Cipher::kAes, key, {});
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->empty());
  auto c = cbc_decrypt(Cipher::kAes, key, Bytes(16, 0), {});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->empty());
}

TEST(BlockCipher, ErrorsAreReportedInOrderKeyThenIvThenData) {
  const Bytes bad_key(7, 0);
  const Bytes key(8, 0);
  const Bytes bad_iv(7, 0);
  const Bytes iv(8, 0);
  const Bytes bad_data(9, 0);
  EXPECT_EQ(cbc_encrypt(Cipher::kDes, bad_key, bad_iv, bad_data).error(),
            CryptoError::kBadKeyLength);
  EXPECT_EQ(cbc_encrypt(Cipher::kDes, key, bad_iv, bad_data).error(), CryptoError::kBadIvLength);
  EXPECT_EQ(cbc_encrypt(Cipher::kDes, key, iv, bad_data).error(), CryptoError::kBadDataLength);
}

// --- Properties ---

RC_GTEST_PROP(BlockCipherProperty, EcbDecryptInvertsEncryptForEveryCipherAndKeySize, ()) {
  const Cipher c = *test::gen_cipher();
  const Bytes key = *test::gen_bytes(*test::gen_key_length(c));
  const std::size_t blocks = *rc::gen::inRange<std::size_t>(0, 9);
  const Bytes pt = *test::gen_bytes(blocks * block_size(c));
  auto ct = ecb_encrypt(c, key, pt);
  RC_ASSERT(ct.ok());
  RC_ASSERT(ct->size() == pt.size());
  auto back = ecb_decrypt(c, key, *ct);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == pt);
}

RC_GTEST_PROP(BlockCipherProperty, CbcDecryptInvertsEncryptForEveryCipherAndKeySize, ()) {
  const Cipher c = *test::gen_cipher();
  const Bytes key = *test::gen_bytes(*test::gen_key_length(c));
  const Bytes iv = *test::gen_bytes(block_size(c));
  const std::size_t blocks = *rc::gen::inRange<std::size_t>(0, 9);
  const Bytes pt = *test::gen_bytes(blocks * block_size(c));
  auto ct = cbc_encrypt(c, key, iv, pt);
  RC_ASSERT(ct.ok());
  RC_ASSERT(ct->size() == pt.size());
  auto back = cbc_decrypt(c, key, iv, *ct);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == pt);
}

// A 16-byte TDES key must behave exactly like the 24-byte key K1 K2 K1.
// Checks REQ-CRYPTO-002.
RC_GTEST_PROP(BlockCipherProperty, TwoKeyTdesEqualsThreeKeyWithK3EqualK1, ()) {
  const Bytes k16 = *test::gen_bytes(16);
  Bytes k24 = k16;
  k24.insert(k24.end(), k16.begin(), k16.begin() + 8);
  const Bytes pt = *test::gen_bytes(8 * *rc::gen::inRange<std::size_t>(1, 5));
  RC_ASSERT(ecb_encrypt(Cipher::kTdes, k16, pt).value() ==
            ecb_encrypt(Cipher::kTdes, k24, pt).value());
}

// Arbitrary (mostly wrong) lengths never abort: each call either succeeds or names the first
// argument that is wrong.
RC_GTEST_PROP(BlockCipherProperty, ArbitraryLengthsGiveErrorsNotAborts, ()) {
  const Cipher c = *test::gen_cipher();
  const Bytes key = *test::gen_bytes_up_to(40);
  const Bytes iv = *test::gen_bytes_up_to(20);
  const Bytes data = *test::gen_bytes_up_to(70);
  const std::size_t n = block_size(c);
  CryptoError expected = CryptoError::kLibraryError;  // placeholder meaning "no error expected"
  bool should_fail = true;
  if (!valid_key_length(c, key.size())) {
    expected = CryptoError::kBadKeyLength;
  } else if (iv.size() != n) {
    expected = CryptoError::kBadIvLength;
  } else if (data.size() % n != 0) {
    expected = CryptoError::kBadDataLength;
  } else {
    should_fail = false;
  }
  for (auto r : {cbc_encrypt(c, key, iv, data), cbc_decrypt(c, key, iv, data)}) {
    RC_ASSERT(r.ok() == !should_fail);
    if (should_fail) RC_ASSERT(r.error() == expected);
  }
  const bool ecb_ok = valid_key_length(c, key.size()) && data.size() % n == 0;
  for (auto r : {ecb_encrypt(c, key, data), ecb_decrypt(c, key, data)}) {
    RC_ASSERT(r.ok() == ecb_ok);
    if (!ecb_ok) {
      RC_ASSERT(r.error() == (valid_key_length(c, key.size()) ? CryptoError::kBadDataLength
                                                              : CryptoError::kBadKeyLength));
    }
  }
}

}  // namespace
}  // namespace tmsproto::crypto
