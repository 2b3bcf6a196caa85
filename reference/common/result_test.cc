#include "common/result.h"

#include <gtest/gtest.h>

#include <string>

namespace tmsproto {
namespace {

enum class TestError { kBad = 1 };

Result<int, TestError> half(int x) {
  if (x % 2 != 0) return fail(TestError::kBad);
  return x / 2;
}

TEST(Result, CarriesValueOnSuccess) {
  auto r = half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
}

TEST(Result, CarriesErrorOnFailure) {
  auto r = half(7);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), TestError::kBad);
}

TEST(Result, VoidResultDistinguishesSuccessFromError) {
  Result<void, TestError> good;
  Result<void, TestError> bad = fail(TestError::kBad);
  EXPECT_TRUE(good.ok());
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), TestError::kBad);
}

}  // namespace
}  // namespace tmsproto
