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

// The deterministic stand-in of the tests and simulations, DeterministicRandom, is test-only:
// testing/deterministic_random.h (library tmsproto_testing).

}  // namespace tmsproto::crypto
