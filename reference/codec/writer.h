// The one writer every serialiser uses: appends big-endian integers and octet strings.
#pragma once

#include <cstdint>

#include "common/bytes.h"

namespace tmsproto::codec {

class Writer {
 public:
  // One allocation for nearly every message: most are under 256 octets, and growing an empty vector
  // octet by octet reallocates it about nine times on the way there.
  Writer() { out_.reserve(256); }

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  void bytes(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void fill(std::size_t n, std::uint8_t value) { out_.insert(out_.end(), n, value); }

  std::size_t size() const { return out_.size(); }
  const Bytes& view() const { return out_; }
  Bytes take() && { return std::move(out_); }

 private:
  Bytes out_;
};

}  // namespace tmsproto::codec
