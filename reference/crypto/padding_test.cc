#include "crypto/padding.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/test_util.h"

namespace tmsproto::crypto {
namespace {

using test::ascii;
using test::H;

// ISO/IEC 9797-1:2011 section 6.3.2: method 1 pads with as few zero bits as needed to reach a
// positive multiple of n, so an empty string becomes one block.
// Checks REQ-CRYPTO-005.
TEST(Padding, Method1EmptyBecomesOneZeroBlock) {
  EXPECT_EQ(pad(Padding::kMethod1, {}, 8), Bytes(8, 0x00));
}

TEST(Padding, Method1AddsNothingToWholeBlocks) {
  EXPECT_EQ(pad(Padding::kMethod1, ascii("Now is the time for all "), 8),
            ascii("Now is the time for all "));
}

TEST(Padding, Method1FillsThePartialBlockWithZeros) {
  EXPECT_EQ(pad(Padding::kMethod1, H("0102030405"), 8), H("0102030405000000"));
}

// Method 2 (section 6.3.3): a single 1 bit, then zeros; a whole-block input gains a full block.
TEST(Padding, Method2OnWholeBlockAddsAFullBlock) {
  EXPECT_EQ(pad(Padding::kMethod2, H("0001020304050607"), 8),
            H("0001020304050607 8000000000000000"));
}

TEST(Padding, Method2OnEmptyIsOneMarkerBlock) {
  EXPECT_EQ(pad(Padding::kMethod2, {}, 16), H("80000000000000000000000000000000"));
}

TEST(Padding, ZeroBlockSizeIsTreatedAsOne) {
  EXPECT_EQ(pad(Padding::kMethod1, H("01"), 0), H("01"));
  EXPECT_EQ(pad(Padding::kMethod2, H("01"), 0), H("0180"));
}

TEST(Unpad, RejectsMissingMarker) {
  EXPECT_EQ(unpad_method2(H("0102030405060700"), 8).error(), CryptoError::kBadPadding);
  EXPECT_EQ(unpad_method2(Bytes(8, 0x00), 8).error(), CryptoError::kBadPadding);
}

TEST(Unpad, RejectsMarkerOutsideTheLastBlock) {
  EXPECT_EQ(unpad_method2(H("0102038000000000 0000000000000000"), 8).error(),
            CryptoError::kBadPadding);
}

TEST(Unpad, RejectsEmptyAndPartialBlocks) {
  EXPECT_EQ(unpad_method2({}, 8).error(), CryptoError::kBadPadding);
  EXPECT_EQ(unpad_method2(H("0180"), 8).error(), CryptoError::kBadPadding);
  EXPECT_EQ(unpad_method2(H("80"), 0).error(), CryptoError::kBadPadding);
}

TEST(Unpad, AcceptsMarkerAsLastByte) {
  auto r = unpad_method2(H("0102030405060780"), 8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, H("01020304050607"));
}

// Checks REQ-CRYPTO-005.
RC_GTEST_PROP(PaddingProperty, UnpadInvertsMethod2Pad, (const Bytes& data)) {
  const std::size_t block = *rc::gen::element<std::size_t>(8, 16);
  const Bytes padded = pad(Padding::kMethod2, data, block);
  RC_ASSERT(padded.size() % block == 0);
  RC_ASSERT(padded.size() > data.size());
  RC_ASSERT(padded.size() - data.size() <= block);
  auto back = unpad_method2(padded, block);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == data);
}

RC_GTEST_PROP(PaddingProperty, Method1KeepsDataAsPrefixAndAddsOnlyZeros, (const Bytes& data)) {
  const std::size_t block = *rc::gen::element<std::size_t>(8, 16);
  const Bytes padded = pad(Padding::kMethod1, data, block);
  RC_ASSERT(!padded.empty());
  RC_ASSERT(padded.size() % block == 0);
  RC_ASSERT(padded.size() - data.size() < block || data.empty());
  RC_ASSERT(std::equal(data.begin(), data.end(), padded.begin()));
  for (std::size_t i = data.size(); i < padded.size(); ++i) RC_ASSERT(padded[i] == 0);
}

// Whatever the input, unpad either succeeds with a strict prefix or reports kBadPadding.
RC_GTEST_PROP(PaddingProperty, UnpadOfArbitraryDataNeverAborts, (const Bytes& data)) {
  const std::size_t block = *rc::gen::element<std::size_t>(0, 1, 8, 16);
  auto r = unpad_method2(data, block);
  if (r.ok()) {
    RC_ASSERT(r->size() < data.size());
    RC_ASSERT(std::equal(r->begin(), r->end(), data.begin()));
  } else {
    RC_ASSERT(r.error() == CryptoError::kBadPadding);
  }
}

}  // namespace
}  // namespace tmsproto::crypto
