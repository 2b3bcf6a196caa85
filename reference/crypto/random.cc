#include "crypto/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace tmsproto::crypto {

RandomSource::~RandomSource() = default;

// REQ-CRYPTO-016
void OsRandom::fill(std::span<std::uint8_t> out) {
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
}

}  // namespace tmsproto::crypto
