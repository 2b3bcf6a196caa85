#include "crypto/padding.h"

namespace tmsproto::crypto {

// REQ-CRYPTO-005
Bytes pad(Padding p, ByteView data, std::size_t block) {
  if (block == 0) block = 1;
  const std::size_t marked = data.size() + (p == Padding::kMethod2 ? 1 : 0);
  // ISO/IEC 9797-1:2011 method 1 pads to a positive multiple, hence the explicit empty case.
  const std::size_t padded = marked == 0 ? block : (marked + block - 1) / block * block;
  Bytes out;
  out.reserve(padded);
  out.assign(data.begin(), data.end());
  if (p == Padding::kMethod2) out.push_back(0x80);
  out.resize(padded, 0x00);
  return out;
}

Result<Bytes, CryptoError> unpad_method2(ByteView padded, std::size_t block) {
  if (block == 0 || padded.empty() || padded.size() % block != 0) {
    return fail(CryptoError::kBadPadding);
  }
  std::size_t i = padded.size();
  const std::size_t stop = padded.size() - block;  // the marker must be in the last block
  while (i > stop && padded[i - 1] == 0x00) --i;
  if (i == stop || padded[i - 1] != 0x80) return fail(CryptoError::kBadPadding);
  return Bytes(padded.begin(), padded.begin() + static_cast<std::ptrdiff_t>(i - 1));
}

}  // namespace tmsproto::crypto
