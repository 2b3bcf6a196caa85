#include "crypto/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "crypto/fuzzing_build_mode.h"  // the fuzz targets' fixed stream, below

namespace tmsproto::crypto {

RandomSource::~RandomSource() = default;

// REQ-CRYPTO-016
void OsRandom::fill(std::span<std::uint8_t> out) {
#ifdef TMSPROTO_FUZZING_BUILD_MODE
  // Fuzzing build mode only (fuzzing_build_mode.h): a fixed SplitMix64 stream, so that whatever a
  // fuzz target draws from the OS generator is the same on every run and a crash reproduces.
  static std::uint64_t state = 0x746d7370726f746fULL;
  for (std::uint8_t& b : out) {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    b = static_cast<std::uint8_t>(z ^ (z >> 31));
  }
#else
  std::size_t done = 0;
  while (done < out.size()) {
    // getrandom returns at most 32 MiB per call and may be interrupted, so loop until full.
    const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      std::fputs("tmsproto: the OS random generator failed; refusing to continue\n", stderr);
      std::abort();
    }
  }
#endif
}

}  // namespace tmsproto::crypto
