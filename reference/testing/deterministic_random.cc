#include "testing/deterministic_random.h"

#include <algorithm>
#include <string_view>

#include "crypto/digest.h"

namespace tmsproto::crypto {

DeterministicRandom::DeterministicRandom(std::uint64_t seed) : seed_(seed) {}

void DeterministicRandom::fill(std::span<std::uint8_t> out) {
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
}

}  // namespace tmsproto::crypto
