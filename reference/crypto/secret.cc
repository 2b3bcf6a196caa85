#include "crypto/secret.h"

#include <algorithm>
#include <utility>

#include <tomcrypt.h>

namespace tmsproto::crypto {

SecretBytes::SecretBytes(ByteView bytes) : SecretBytes(bytes.size()) {
  std::copy(bytes.begin(), bytes.end(), data_.get());
}

SecretBytes::SecretBytes(std::size_t size)
    : data_(size == 0 ? nullptr : new std::uint8_t[size]()), size_(size) {}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe_and_free();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe_and_free(); }

SecretBytes SecretBytes::clone() const { return SecretBytes(view()); }

void SecretBytes::wipe_and_free() noexcept {
  secure_wipe(mutable_view());
  data_.reset();
  size_ = 0;
}

// REQ-CRYPTO-015
void secure_wipe(std::span<std::uint8_t> bytes) noexcept {
  if (!bytes.empty()) zeromem(bytes.data(), bytes.size());
}

// REQ-CRYPTO-014
bool ct_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  // Accumulate every difference; the volatile keeps the compiler from turning the loop into an
  // early-exit memcmp.
  volatile std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<std::uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

}  // namespace tmsproto::crypto
