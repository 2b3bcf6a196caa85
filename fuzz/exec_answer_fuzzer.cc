// The answers of an out-of-process vendor adapter (reference/vendor/exec_wire.h, spec/17-vendor-
// adapters.md 17.5): a line a vendor's program wrote, read as each of the three answers. Never a
// crash, an exception or a hang, whatever the program writes (REQ-VND-034); and an answer is only
// ever taken for the request whose id it echoes (REQ-VND-030): read for another id, it is garbage.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vendor/exec_wire.h"

namespace {

template <class Read>
void check_answer(const std::string& line, Read read) {
  const auto answer = read(line, 7);
  if (answer.ok() && read(line, 8).error() != tmsproto::vendor::AnswerError::kGarbage) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmsproto::vendor;
  const std::string line(reinterpret_cast<const char*>(data), size);
  check_answer(line, [](const std::string& l, std::uint64_t id) { return read_interface_version_answer(l, id); });
  // VEND0001: the vendor of the seed offer (corpus/exec_answer/one_offer, a package of vectors/tms_transcript.json).
  check_answer(line, [](const std::string& l, std::uint64_t id) { return read_offers_answer(l, id, "VEND0001"); });
  check_answer(line, [](const std::string& l, std::uint64_t id) { return read_piece_answer(l, id); });
  return 0;
}
