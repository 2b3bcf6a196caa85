#include "session/download_math.h"

#include <gtest/gtest.h>

namespace tmsproto::session {
namespace {

codec::Manifest manifest(std::uint32_t length, std::uint16_t chunk) {
  codec::Manifest m;
  m.length = length;
  m.chunk_size = chunk;
  return m;
}

// REQ-DL-012, REQ-DL-013 by hand: 10000 octets in 1024-octet pieces.
TEST(DownloadMath, PiecesOfASectionFollowTheSpec) {
  const auto m = manifest(10000, 1024);
  EXPECT_EQ(data_piece_count(m), 10u);                       // ceil(10000 / 1024)
  EXPECT_EQ(fit_length(m), 320u);                            // 32 * 10
  EXPECT_EQ(piece_count(m, codec::Section::kFit), 1u);
  EXPECT_EQ(piece_length(m, codec::Section::kFit, 0), 320u);
  EXPECT_EQ(piece_length(m, codec::Section::kData, 0), 1024u);
  EXPECT_EQ(piece_length(m, codec::Section::kData, 9), 10000u - 9 * 1024);
}

TEST(DownloadMath, ExactMultipleHasNoShortPiece) {
  const auto m = manifest(4096, 256);
  EXPECT_EQ(data_piece_count(m), 16u);
  EXPECT_EQ(piece_length(m, codec::Section::kData, 15), 256u);
  EXPECT_EQ(piece_count(m, codec::Section::kFit), 2u);  // 512 octets of FIT
}

}  // namespace
}  // namespace tmsproto::session
