#include "crypto/digest.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/test_util.h"

namespace tmsproto::crypto {
namespace {

using test::ascii;
using test::H;

Bytes to_bytes(const Sha256Digest& d) { return Bytes(d.begin(), d.end()); }

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): one-block "abc" and two-block 448-bit message.
// Checks REQ-CRYPTO-012.
TEST(Sha256Kat, Fips180OneBlockAbc) {
  EXPECT_EQ(to_bytes(sha256(ascii("abc"))),
            H("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

TEST(Sha256Kat, Fips180TwoBlockMessage) {
  EXPECT_EQ(to_bytes(sha256(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            H("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
}

// SHA-256 of the empty string (NIST CAVP SHA256ShortMsg.rsp, Len = 0).
TEST(Sha256Kat, EmptyMessage) {
  EXPECT_EQ(to_bytes(sha256({})),
            H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

// FIPS 180-4 example "one million a" (NIST CSRC SHA2 additional examples), fed in uneven pieces.
TEST(Sha256Kat, MillionAInPieces) {
  Sha256 h;
  const Bytes chunk(997, 'a');
  std::size_t left = 1000000;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size());
    h.update(ByteView(chunk.data(), n));
    left -= n;
  }
  EXPECT_EQ(to_bytes(h.finish()),
            H("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

TEST(Sha256, FinishStartsOver) {
  Sha256 h;
  h.update(ascii("abc"));
  (void)h.finish();
  h.update(ascii("abc"));
  EXPECT_EQ(h.finish(), sha256(ascii("abc")));
}

TEST(Sha256, MovedFromObjectIsUsable) {
  Sha256 a;
  a.update(ascii("ab"));
  Sha256 b = std::move(a);
  b.update(ascii("c"));
  EXPECT_EQ(b.finish(), sha256(ascii("abc")));
  a.update(ascii("abc"));  // NOLINT(bugprone-use-after-move): documented to start afresh
  EXPECT_EQ(a.finish(), sha256(ascii("abc")));
}

RC_GTEST_PROP(Sha256Property, IncrementalEqualsOneShotForAnySplit, (const Bytes& data)) {
  const std::size_t cut1 = *rc::gen::inRange<std::size_t>(0, data.size() + 1);
  const std::size_t cut2 = *rc::gen::inRange<std::size_t>(cut1, data.size() + 1);
  Sha256 h;
  const ByteView all(data);
  h.update(all.subspan(0, cut1));
  h.update(all.subspan(cut1, cut2 - cut1));
  h.update(all.subspan(cut2));
  RC_ASSERT(h.finish() == sha256(data));
}

}  // namespace
}  // namespace tmsproto::crypto
