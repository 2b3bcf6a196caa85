#include "vectors/scripted_random.h"

#include <algorithm>

namespace tmsproto::vectors {

void ScriptedRandom::fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  if (error_) return;  // the first problem is the one worth reporting
  if (next_ == draws_.size()) {
    error_ = "the engine drew " + std::to_string(out.size()) + " random octets after all " +
             std::to_string(draws_.size()) + " recorded draws were used";
    return;
  }
  const Draw& d = draws_[next_];
  if (d.bytes.size() != out.size()) {
    error_ = "the engine drew " + std::to_string(out.size()) + " random octets where draw " +
             std::to_string(next_) + " (" + d.use + ") has " + std::to_string(d.bytes.size());
    return;
  }
  std::copy(d.bytes.begin(), d.bytes.end(), out.begin());
  ++next_;
}

void RecordingRandom::fill(std::span<std::uint8_t> out) {
  inner_.fill(out);
  if (!out.empty()) draws_.emplace_back(out.begin(), out.end());
}

}  // namespace tmsproto::vectors
