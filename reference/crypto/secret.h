// Key material: owned, wiped, never printed (REQ-CRYPTO-015), compared in constant time
// (REQ-CRYPTO-014).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "common/bytes.h"

namespace tmsproto::crypto {

// Owns secret bytes on the heap. The buffer never grows or moves, so no stale copy is left behind
// by a reallocation; it is wiped before it is freed and a moved-from object holds nothing.
// REQ-CRYPTO-015: deliberately no operator<<, no implicit conversion to Bytes and no implicit copy,
// so a key cannot end up in a log or in an unwiped Bytes by accident. Copies are spelt .clone().
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(ByteView bytes);
  explicit SecretBytes(std::size_t size);  // zero-filled, to be filled through mutable_view()
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  SecretBytes clone() const;
  ByteView view() const { return {data_.get(), size_}; }
  std::span<std::uint8_t> mutable_view() { return {data_.get(), size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  void wipe_and_free() noexcept;

  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
};

// Overwrites memory in a way the optimiser may not remove (libtomcrypt's zeromem writes through a
// volatile pointer).
void secure_wipe(std::span<std::uint8_t> bytes) noexcept;

// REQ-CRYPTO-014: true iff equal. The time taken depends on the lengths only, never on where the
// contents first differ. Lengths are treated as public: different lengths return false at once.
bool ct_equal(ByteView a, ByteView b);

}  // namespace tmsproto::crypto
