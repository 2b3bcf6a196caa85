// The custom mutator of tms_session_fuzzmode (session_mutator.h): forged terminal messages, sealed
// under the session's keys, for the tms engine. Linked only into the fuzz-mode target.
#include <cstddef>
#include <cstdint>

#include "session_mutator.h"

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  return tmsproto::fuzz::mutate_session(data, size, max_size, seed, /*terminal_engine=*/false);
}
