// Byte strings shared by every layer. Secret material never uses Bytes: see crypto/secret.h.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tmsproto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline Bytes concat(ByteView a, ByteView b) {
  Bytes out;
  out.reserve(a.size() + b.size());
  out.assign(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace tmsproto
