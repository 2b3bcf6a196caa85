// HS_AUTH_REQUEST (spec/03-messages.md section 3.5) from arbitrary octets.
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
  // REQ-MSG-040: an unknown PROFILE is 08; VERSION is 03 (REQ-MSG-013).
  const auto m = fuzz::parsed_canonically(in, [](ByteView b) { return codec::parse_hs_auth_request(b); },
                                          {ResponseCode::kMalformed, ResponseCode::kUnsupportedVersion,
                            ResponseCode::kNoAcceptableProfile});
  if (!m) return 0;
  FUZZ_CHECK(m->dwk1.size() == dwk1_length(m->profile));  // REQ-MSG-042
  FUZZ_CHECK(m->tac1.size() == mac_length(m->profile));
  FUZZ_CHECK(size == codec::kHsAuthRequestDwk1Offset + m->dwk1.size() + m->tac1.size());
  return 0;
}
