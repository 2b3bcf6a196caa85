#include "crypto/signature.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/test_util.h"
#include "testing/deterministic_random.h"

namespace tmsproto::crypto {
namespace {

using test::ascii;
using test::H;

// RFC 6979 Appendix A.2.5: the P-256 key pair and its ECDSA/SHA-256 signatures of "sample" and
// "test" (deterministic k there; any correct verifier accepts them).
const char* const kRfc6979X = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
const char* const kRfc6979Pub =
    "04 60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
    "   7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
const char* const kSigSample =
    "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
    "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";
const char* const kSigTest =
    "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367"
    "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083";

// SEC 2 / FIPS 186-4 domain parameters of P-256.
const char* const kP = "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF";
const char* const kN = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
const char* const kNMinus1 = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632550";

Bytes cat(const Bytes& a, const Bytes& b) { return concat(a, b); }

TEST(EcdsaKat, Rfc6979PublicKeyFromPrivateKey) {
  auto pub = ecdsa_p256_public_key(H(kRfc6979X));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, H(kRfc6979Pub));
}

// Checks REQ-CRYPTO-013.
TEST(EcdsaKat, Rfc6979SignaturesVerify) {
  EXPECT_TRUE(ecdsa_p256_verify(H(kRfc6979Pub), ascii("sample"), H(kSigSample)).ok());
  EXPECT_TRUE(ecdsa_p256_verify(H(kRfc6979Pub), ascii("test"), H(kSigTest)).ok());
}

TEST(EcdsaKat, Rfc6979SignatureOfOneMessageFailsForTheOther) {
  EXPECT_EQ(ecdsa_p256_verify(H(kRfc6979Pub), ascii("test"), H(kSigSample)).error(),
            CryptoError::kBadSignature);
}

TEST(EcdsaVerify, RejectsRAndSOutsideOneToNMinusOne) {
  const Bytes pub = H(kRfc6979Pub);
  const Bytes sig = H(kSigSample);
  const Bytes r(sig.begin(), sig.begin() + 32);
  const Bytes s(sig.begin() + 32, sig.end());
  const Bytes zero(32, 0);
  for (const Bytes& bad : {cat(zero, s), cat(r, zero), cat(H(kN), s), cat(r, H(kN)),
                           cat(Bytes(32, 0xff), s), cat(r, Bytes(32, 0xff))}) {
    EXPECT_EQ(ecdsa_p256_verify(pub, ascii("sample"), bad).error(), CryptoError::kBadSignature);
  }
}

TEST(EcdsaVerify, RejectsWrongSignatureSizes) {
  const Bytes pub = H(kRfc6979Pub);
  Bytes sig = H(kSigSample);
  for (std::size_t n : {0u, 1u, 63u, 65u, 72u}) {
    Bytes s = sig;
    s.resize(n, 0);
    EXPECT_EQ(ecdsa_p256_verify(pub, ascii("sample"), s).error(), CryptoError::kBadSignature) << n;
  }
}

TEST(EcdsaVerify, RejectsMalformedPublicKeys) {
  const Bytes good = H(kRfc6979Pub);
  const Bytes sig = H(kSigSample);
  auto check = [&](const Bytes& pub) {
    return ecdsa_p256_verify(pub, ascii("sample"), sig).error();
  };
  // Compressed and hybrid prefixes (SEC 1 02/03/06/07) and no prefix.
  for (int prefix : {0x00, 0x02, 0x03, 0x06, 0x07}) {
    Bytes p = good;
    p[0] = static_cast<std::uint8_t>(prefix);
    EXPECT_EQ(check(p), CryptoError::kBadPublicKey) << prefix;
  }
  EXPECT_EQ(check(Bytes(good.begin(), good.begin() + 33)), CryptoError::kBadPublicKey);
  EXPECT_EQ(check({}), CryptoError::kBadPublicKey);
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_EQ(check(longer), CryptoError::kBadPublicKey);
  // Off the curve: Y changed by one.
  Bytes off = good;
  off[64] = static_cast<std::uint8_t>(off[64] ^ 1);
  EXPECT_EQ(check(off), CryptoError::kBadPublicKey);
  // The all-zero "point" (an infinity encoding some libraries use).
  Bytes inf(65, 0);
  inf[0] = 0x04;
  EXPECT_EQ(check(inf), CryptoError::kBadPublicKey);
  // A coordinate equal to p is not a field element.
  EXPECT_EQ(check(cat(cat(H("04"), H(kP)), Bytes(good.begin() + 33, good.end()))),
            CryptoError::kBadPublicKey);
}

TEST(EcdsaPrivateKey, RejectsZeroOrderAndWrongSizes) {
  OsRandom rng;
  for (const Bytes& bad : {Bytes(32, 0), H(kN), Bytes(32, 0xff), Bytes(31, 1), Bytes(33, 1)}) {
    EXPECT_EQ(ecdsa_p256_public_key(bad).error(), CryptoError::kBadPrivateKey);
    EXPECT_EQ(ecdsa_p256_sign(bad, ascii("m"), rng).error(), CryptoError::kBadPrivateKey);
  }
  EXPECT_TRUE(ecdsa_p256_public_key(H(kNMinus1)).ok());
}

TEST(EcdsaSign, Rfc6979KeySignsVerifiably) {
  DeterministicRandom rng(1);
  auto sig = ecdsa_p256_sign(H(kRfc6979X), ascii("sample"), rng);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), kP256SignatureSize);
  EXPECT_TRUE(ecdsa_p256_verify(H(kRfc6979Pub), ascii("sample"), *sig).ok());
}

TEST(EcdsaSign, DeterministicRandomGivesReproducibleSignatures) {
  DeterministicRandom a(5), b(5), c(6);
  const Bytes m = ascii("image");
  const Bytes s1 = ecdsa_p256_sign(H(kRfc6979X), m, a).value();
  const Bytes s2 = ecdsa_p256_sign(H(kRfc6979X), m, b).value();
  const Bytes s3 = ecdsa_p256_sign(H(kRfc6979X), m, c).value();
  EXPECT_EQ(s1, s2);
  EXPECT_NE(s1, s3);
}

TEST(EcdsaGenerate, GivesAConsistentKeyPair) {
  OsRandom rng;
  auto kp = ecdsa_p256_generate(rng);
  ASSERT_TRUE(kp.ok());
  EXPECT_EQ(kp->private_key.size(), kP256PrivateKeySize);
  EXPECT_EQ(kp->public_key.size(), kP256PublicKeySize);
  EXPECT_EQ(ecdsa_p256_public_key(kp->private_key.view()).value(), kp->public_key);
}

// A source that only ever returns 0xff bytes: every candidate scalar is >= n.
class StuckRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), 0xff); }
};

TEST(EcdsaGenerate, BrokenRandomSourceIsAnErrorNotAHang) {
  StuckRandom rng;
  EXPECT_EQ(ecdsa_p256_generate(rng).error(), CryptoError::kBadPrivateKey);
}

RC_GTEST_PROP(EcdsaProperty, VerifyAcceptsSignOutput, (std::uint64_t seed)) {
  DeterministicRandom rng(seed);
  const auto kp = ecdsa_p256_generate(rng);
  RC_ASSERT(kp.ok());
  const Bytes msg = *test::gen_bytes_up_to(100);
  const Bytes sig = ecdsa_p256_sign(kp->private_key.view(), msg, rng).value();
  RC_ASSERT(ecdsa_p256_verify(kp->public_key, msg, sig).ok());
}

// Checks REQ-CRYPTO-013.
RC_GTEST_PROP(EcdsaProperty, VerifyRejectsAFlippedBit, (std::uint64_t seed)) {
  DeterministicRandom rng(seed);
  const auto kp = ecdsa_p256_generate(rng);
  RC_ASSERT(kp.ok());
  const Bytes msg = *rc::gen::suchThat(test::gen_bytes_up_to(100),
                                       [](const Bytes& m) { return !m.empty(); });
  const Bytes sig = ecdsa_p256_sign(kp->private_key.view(), msg, rng).value();

  Bytes sig2 = sig;
  test::flip_bit(sig2, *rc::gen::inRange<std::size_t>(0, sig.size() * 8));
  RC_ASSERT(!ecdsa_p256_verify(kp->public_key, msg, sig2).ok());

  Bytes msg2 = msg;
  test::flip_bit(msg2, *rc::gen::inRange<std::size_t>(0, msg.size() * 8));
  RC_ASSERT(ecdsa_p256_verify(kp->public_key, msg2, sig).error() == CryptoError::kBadSignature);

  // Any change of the public key: either it is no longer a curve point or it is another key.
  Bytes pub2 = kp->public_key;
  test::flip_bit(pub2, *rc::gen::inRange<std::size_t>(8, pub2.size() * 8));
  RC_ASSERT(!ecdsa_p256_verify(pub2, msg, sig).ok());
}

RC_GTEST_PROP(EcdsaProperty, ArbitraryInputsNeverAbort, ()) {
  const Bytes pub = *test::gen_bytes_up_to(70);
  const Bytes sig = *test::gen_bytes_up_to(70);
  const Bytes priv = *test::gen_bytes_up_to(40);
  auto v = ecdsa_p256_verify(pub, {}, sig);
  RC_ASSERT(!v.ok());
  RC_ASSERT(v.error() == CryptoError::kBadPublicKey || v.error() == CryptoError::kBadSignature);
  auto p = ecdsa_p256_public_key(priv);
  if (!p.ok()) RC_ASSERT(p.error() == CryptoError::kBadPrivateKey);
}

}  // namespace
}  // namespace tmsproto::crypto
