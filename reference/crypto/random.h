// Randomness (REQ-CRYPTO-016): the OS generator in production, injectable so tests and simulations
// can be replayed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tmsproto::crypto {

class RandomSource {
 public:
  virtual ~RandomSource();
  // Fills every byte of `out`.
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

// getrandom(2) with flags 0: blocks until the kernel pool is initialised, then never blocks.
// If the kernel cannot supply randomness at all (no getrandom, or a persistent error) the process
// is terminated: there is no safe way to go on generating keys and nonces, and an interface that
// could return "no randomness" would invite callers to ignore it. This is the one deliberate abort
// in the crypto layer.
class OsRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

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
