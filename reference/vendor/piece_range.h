// Which octets of a section answer a `piece` call (REQ-DL-013), the same for every adapter and
// for the in-memory database of the tests, so that all answer alike.
#pragma once

#include <cstdint>

#include "codec/download_payloads.h"
#include "session/download_math.h"

namespace tmsproto::vendor {

struct PieceRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // the piece's length by the manifest; a shorter section gives fewer
};

inline PieceRange piece_range(const codec::Manifest& m, codec::Section s, std::uint32_t index) {
  return {std::uint64_t{index} * m.chunk_size, session::piece_length(m, s, index)};
}

}  // namespace tmsproto::vendor
