// Piece arithmetic of REQ-DL-012 and REQ-DL-013, shared by both roles.
#pragma once

#include <cstdint>

#include "codec/download_payloads.h"

namespace tmsproto::session {

inline std::uint32_t ceil_div(std::uint64_t a, std::uint64_t b) {
  return static_cast<std::uint32_t>((a + b - 1) / b);
}

// N = ceil(LENGTH / CHUNK_SIZE) data pieces; the FIT has 32 * N octets.
inline std::uint32_t data_piece_count(const codec::Manifest& m) { return ceil_div(m.length, m.chunk_size); }
inline std::uint64_t fit_length(const codec::Manifest& m) { return 32ull * data_piece_count(m); }

inline std::uint64_t section_length(const codec::Manifest& m, codec::Section s) {
  return s == codec::Section::kFit ? fit_length(m) : m.length;
}

inline std::uint32_t piece_count(const codec::Manifest& m, codec::Section s) {
  return ceil_div(section_length(m, s), m.chunk_size);
}

// Piece i covers [i * CHUNK_SIZE, min(S, (i + 1) * CHUNK_SIZE)).
inline std::uint32_t piece_length(const codec::Manifest& m, codec::Section s, std::uint32_t i) {
  const std::uint64_t start = std::uint64_t{i} * m.chunk_size;
  const std::uint64_t len = section_length(m, s);
  const std::uint64_t end = start + m.chunk_size < len ? start + m.chunk_size : len;
  return static_cast<std::uint32_t>(end - start);
}

}  // namespace tmsproto::session
