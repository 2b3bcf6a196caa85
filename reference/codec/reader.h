// The one bounded reader every parser uses (STYLE: BoringSSL CBS). Every read checks the remaining
// length first and fails with the field's name instead of reading past the end (REQ-MSG-002).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/parse_error.h"
#include "common/bytes.h"

namespace tmsproto::codec {

class Reader {
 public:
  explicit Reader(ByteView input) : input_(input) {}

  Parsed<std::uint8_t> u8(std::string_view field);
  Parsed<std::uint16_t> u16(std::string_view field);  // big-endian
  Parsed<std::uint32_t> u32(std::string_view field);  // big-endian
  Parsed<ByteView> bytes(std::size_t n, std::string_view field);

  template <std::size_t N>
  Parsed<std::array<std::uint8_t, N>> array(std::string_view field) {
    auto view = bytes(N, field);
    if (!view.ok()) return fail(view.error());
    std::array<std::uint8_t, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = (*view)[i];
    return out;
  }

  // REQ-MSG-002: a body with octets after its last field is malformed.
  Result<void, ParseError> expect_end(std::string_view what = "trailing octets");

  std::size_t remaining() const { return input_.size() - pos_; }
  std::size_t offset() const { return pos_; }

 private:
  ByteView input_;
  std::size_t pos_ = 0;
};

}  // namespace tmsproto::codec
