#include "testing/deterministic_random.h"

#include <algorithm>
#include <string_view>

#include "crypto/digest.h"
#include "crypto/fuzzing_build_mode.h"  // the fuzz targets' cheap stream, below

namespace tmsproto::crypto {

DeterministicRandom::DeterministicRandom(std::uint64_t seed) : seed_(seed) {}

void DeterministicRandom::fill(std::span<std::uint8_t> out) {
#ifdef TMSPROTO_FUZZING_BUILD_MODE
  // Fuzzing build mode only (crypto/fuzzing_build_mode.h): SplitMix64 over (seed, position) in
  // place of a SHA-256 per 32 octets, which the session fuzz targets' engines draw on every step.
  // Still a function of the seed and the position alone, so engines rebuilt from the same seed
  // replay (REQ-TERM-003, REQ-TMS-003), but not the documented stream: nothing that compares with
  // recorded vectors runs in the mode.
  for (std::uint8_t& b : out) {
    std::uint64_t z = seed_ * 0x9e3779b97f4a7c15ULL + (next_block_++) * 0xbf58476d1ce4e5b9ULL + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    b = static_cast<std::uint8_t>(z ^ (z >> 31));
  }
#else
  static constexpr std::string_view kDomain = "tmsproto DeterministicRandom";
  std::size_t done = 0;
  while (done < out.size()) {
    if (buffered_ == 0) {
      std::uint8_t suffix[16];
      for (int i = 0; i < 8; ++i) {
        suffix[i] = static_cast<std::uint8_t>(seed_ >> (56 - 8 * i));
        suffix[8 + i] = static_cast<std::uint8_t>(next_block_ >> (56 - 8 * i));
      }
      ++next_block_;
      Sha256 h;
      h.update({reinterpret_cast<const std::uint8_t*>(kDomain.data()), kDomain.size()});
      h.update(suffix);
      const Sha256Digest block = h.finish();
      std::copy(block.begin(), block.end(), buffer_);
      buffered_ = sizeof buffer_;
    }
    const std::size_t take = std::min(buffered_, out.size() - done);
    std::copy_n(buffer_ + (sizeof buffer_ - buffered_), take,
                out.begin() + static_cast<std::ptrdiff_t>(done));
    buffered_ -= take;
    done += take;
  }
#endif
}

}  // namespace tmsproto::crypto
