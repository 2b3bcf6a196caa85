// HS_REQUEST (spec/03-messages.md section 3.4) from arbitrary octets.
// Checks REQ-MSG-002 (every length checked, nothing past the body, no trailing octets),
// REQ-MSG-003 (what parses re-serialises octet for octet) and REQ-MSG-004 (the error carries the
// code the spec assigns to the failing field, never 00).
#include <cstddef>
#include <cstdint>

#include "codec/handshake_messages.h"
#include "fuzz_common.h"

using namespace tmsproto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  // REQ-MSG-030: an unknown TRANS_CODE of HS_REQUEST is 07; VERSION is 03 (REQ-MSG-013).
  const auto m = fuzz::parsed_canonically(in, [](ByteView b) { return codec::parse_hs_request(b); },
                                          {ResponseCode::kMalformed, ResponseCode::kUnsupportedVersion,
                            ResponseCode::kUnsupportedTransaction});
  if (!m) return 0;
  FUZZ_CHECK(size == codec::kHsRequestLength);
  FUZZ_CHECK(codec::valid_offer(m->offered_profiles));  // REQ-MSG-031
  return 0;
}
