#include "crypto/random.h"

#include <gtest/gtest.h>

#include "crypto/test_util.h"

namespace tmsproto::crypto {
namespace {

// Checks REQ-CRYPTO-016.
TEST(OsRandom, FillsAndTwoDrawsDiffer) {
  OsRandom rng;
  Bytes a(32, 0), b(32, 0);
  rng.fill(a);
  rng.fill(b);
  EXPECT_NE(a, b);  // equal only with probability 2^-256
  EXPECT_NE(a, Bytes(32, 0));
}

// Checks REQ-CRYPTO-016. The generator the product takes: two instances are two independent draws
// from the kernel, where two DeterministicRandom (test-only, tmsproto_testing) of one seed agree.
TEST(OsRandom, TwoInstancesDiffer) {
  OsRandom first, second;
  Bytes a(32, 0), b(32, 0);
  first.fill(a);
  second.fill(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, Bytes(32, 0));
  EXPECT_NE(b, Bytes(32, 0));
}

TEST(OsRandom, EmptyFillIsANoOp) {
  OsRandom rng;
  rng.fill({});
}

TEST(OsRandom, LargeFillIsCompletelyWritten) {
  OsRandom rng;
  Bytes big(1 << 20, 0);
  rng.fill(big);
  // Every 4 KiB page receiving only zeros would mean a short read was not continued.
  for (std::size_t off = 0; off < big.size(); off += 4096) {
    bool any = false;
    for (std::size_t i = off; i < off + 4096; ++i) any = any || big[i] != 0;
    EXPECT_TRUE(any) << off;
  }
}

}  // namespace
}  // namespace tmsproto::crypto
