// NOT FOR PRODUCTION. The deterministic RandomSource of the tests, simulations and fuzzers; it lives
// in the test-only library tmsproto_testing, never in tmsproto_core, so the product cannot link it
// (the ctest testing.core_has_no_test_doubles checks). Production code takes crypto::OsRandom.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/random.h"

namespace tmsproto::crypto {

// NOT FOR PRODUCTION. A reproducible byte stream for tests and simulations: block j (from 0) is
// SHA-256("tmsproto DeterministicRandom" || seed (8 bytes, big-endian) || j (8 bytes,
// big-endian)), concatenated. Anyone who knows the seed knows every "random" byte. The stream does
// not depend on how it is split into fill() calls.
class DeterministicRandom final : public RandomSource {
 public:
  explicit DeterministicRandom(std::uint64_t seed);
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::uint64_t seed_;
  std::uint64_t next_block_ = 0;
  std::uint8_t buffer_[32] = {};
  std::size_t buffered_ = 0;  // unread bytes at the end of buffer_
};

}  // namespace tmsproto::crypto
