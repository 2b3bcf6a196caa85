// SHA-256 (REQ-CRYPTO-012), one-shot and incremental (for software images streamed in pieces).
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "common/bytes.h"

namespace tmsproto::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(ByteView data);

class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  void update(ByteView data);
  // Returns the digest of everything given since construction or the previous finish(), and
  // starts over, so one object can hash several messages in turn.
  Sha256Digest finish();

 private:
  struct State;  // keeps <tomcrypt.h> out of this header
  std::unique_ptr<State> state_;
};

}  // namespace tmsproto::crypto
