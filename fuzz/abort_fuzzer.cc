// ABORT (spec/03-messages.md section 3.9) from arbitrary octets.
// Checks REQ-MSG-002 (every length checked, nothing past the body, no trailing octets),
// REQ-MSG-003 (what parses re-serialises octet for octet) and REQ-MSG-004 (the error carries the
// code the spec assigns to the failing field, never 00).
#include <cstddef>
#include <cstdint>

#include "codec/abort_message.h"
#include "fuzz_common.h"

using namespace tmsproto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  // REQ-ERR-005: the receiver treats a defective ABORT as 01; the parser says 01 or 03.
  const auto m = fuzz::parsed_canonically(in, [](ByteView b) { return codec::parse_abort(b); },
                                          {ResponseCode::kMalformed, ResponseCode::kUnsupportedVersion});
  if (!m) return 0;
  FUZZ_CHECK(size == codec::kAbortLength);
  FUZZ_CHECK(m->code != ResponseCode::kSuccess);  // REQ-MSG-110: an ABORT never says 00
  return 0;
}
