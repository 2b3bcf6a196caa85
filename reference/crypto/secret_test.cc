#include "crypto/secret.h"

#include <type_traits>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/test_util.h"

namespace tmsproto::crypto {
namespace {

using test::H;

// REQ-CRYPTO-015: copying and converting must be explicit.
static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
static_assert(!std::is_convertible_v<SecretBytes, Bytes>);
static_assert(!std::is_convertible_v<ByteView, SecretBytes>);

TEST(SecretBytes, HoldsWhatItWasGiven) {
  const Bytes k = H("0011223344556677");
  SecretBytes s(k);
  EXPECT_EQ(s.size(), 8u);
  EXPECT_TRUE(std::equal(k.begin(), k.end(), s.view().begin()));
}

TEST(SecretBytes, CloneIsAnIndependentCopy) {
  SecretBytes a(H("0102"));
  SecretBytes b = a.clone();
  b.mutable_view()[0] = 0xff;
  EXPECT_EQ(a.view()[0], 0x01);
  EXPECT_EQ(b.view()[0], 0xff);
}

// Checks REQ-CRYPTO-015.
TEST(SecretBytes, MovedFromIsEmpty) {
  SecretBytes a(H("0102030405"));
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.size(), 5u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the documented moved-from state
  EXPECT_TRUE(a.view().empty());
  SecretBytes c;
  c = std::move(b);
  EXPECT_EQ(c.size(), 5u);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(SecretBytes, SizeConstructorZeroFills) {
  SecretBytes s(16);
  for (std::uint8_t b : s.view()) EXPECT_EQ(b, 0);
}

// Checks REQ-CRYPTO-015.
TEST(SecureWipe, ZeroesTheBuffer) {
  Bytes b = H("deadbeef");
  secure_wipe(b);
  EXPECT_EQ(b, Bytes(4, 0));
  secure_wipe({});
}

TEST(CtEqual, Basics) {
  EXPECT_TRUE(ct_equal({}, {}));
  EXPECT_TRUE(ct_equal(H("0102"), H("0102")));
  EXPECT_FALSE(ct_equal(H("0102"), H("0103")));
  EXPECT_FALSE(ct_equal(H("0102"), H("010200")));
}

// Checks REQ-CRYPTO-014.
RC_GTEST_PROP(CtEqualProperty, AgreesWithOrdinaryEquality, (const Bytes& a, const Bytes& b)) {
  RC_ASSERT(ct_equal(a, b) == (a == b));
  RC_ASSERT(ct_equal(a, a));
}

RC_GTEST_PROP(CtEqualProperty, AnySingleBitDifferenceIsUnequal, ()) {
  const Bytes a = *rc::gen::suchThat(rc::gen::arbitrary<Bytes>(),
                                     [](const Bytes& x) { return !x.empty(); });
  Bytes b = a;
  test::flip_bit(b, *rc::gen::inRange<std::size_t>(0, a.size() * 8));
  RC_ASSERT(!ct_equal(a, b));
}

}  // namespace
}  // namespace tmsproto::crypto
