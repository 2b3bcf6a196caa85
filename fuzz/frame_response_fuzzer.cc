// The FRAME_RESPONSE payload (spec/03-messages.md section 3.8), as it is after the envelope is
// opened, from arbitrary octets. REQ-MSG-100: SECTION is 01 or 02, DATA_LEN 1..4096.
// Checks REQ-MSG-002 (every length checked, nothing past the body, no trailing octets),
// REQ-MSG-003 (what parses re-serialises octet for octet) and REQ-MSG-004 (the error carries the
// code the spec assigns to the failing field, never 00).
#include <cstddef>
#include <cstdint>

#include "codec/download_payloads.h"
#include "fuzz_common.h"

using namespace tmsproto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  // REQ-MSG-071: a payload that does not parse is malformed (01), whatever the field.
  const auto m = fuzz::parsed_canonically(in, [](ByteView b) { return codec::parse_frame_response(b); },
                                          {ResponseCode::kMalformed});
  if (!m) return 0;
  FUZZ_CHECK(!m->data.empty() && m->data.size() <= codec::kMaxChunk);
  return 0;
}
