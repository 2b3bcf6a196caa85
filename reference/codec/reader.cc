#include "codec/reader.h"

namespace tmsproto::codec {

Parsed<ByteView> Reader::bytes(std::size_t n, std::string_view field) {
  if (n > remaining()) return malformed(field);  // REQ-MSG-002
  ByteView out = input_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Parsed<std::uint8_t> Reader::u8(std::string_view field) {
  auto b = bytes(1, field);
  if (!b.ok()) return fail(b.error());
  return (*b)[0];
}

Parsed<std::uint16_t> Reader::u16(std::string_view field) {
  auto b = bytes(2, field);
  if (!b.ok()) return fail(b.error());
  return static_cast<std::uint16_t>(((*b)[0] << 8) | (*b)[1]);
}

Parsed<std::uint32_t> Reader::u32(std::string_view field) {
  auto b = bytes(4, field);
  if (!b.ok()) return fail(b.error());
  return (std::uint32_t{(*b)[0]} << 24) | (std::uint32_t{(*b)[1]} << 16) |
         (std::uint32_t{(*b)[2]} << 8) | std::uint32_t{(*b)[3]};
}

Result<void, ParseError> Reader::expect_end(std::string_view what) {
  if (remaining() != 0) return malformed(what);  // REQ-MSG-002
  return {};
}

}  // namespace tmsproto::codec
