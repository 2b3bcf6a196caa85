// HS_AUTH_ANSWER (spec/03-messages.md section 3.6). The first input octet is the session's profile
// (its lengths follow the profile, REQ-MSG-051); the rest is the body.
// Checks REQ-MSG-002 (every length checked, nothing past the body, no trailing octets),
// REQ-MSG-003 (what parses re-serialises octet for octet) and REQ-MSG-004 (the error carries the
// code the spec assigns to the failing field, never 00).
#include <cstddef>
#include <cstdint>

#include "codec/handshake_messages.h"
#include "fuzz_common.h"

using namespace tmsproto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Profile profile = fuzz::profile_from_first_octet(data[0]);
  const ByteView in(data + 1, size - 1);
  const auto m = fuzz::parsed_canonically(in, [profile](ByteView b) { return codec::parse_hs_auth_answer(b, profile); },
                                          {ResponseCode::kMalformed, ResponseCode::kUnsupportedVersion});
  if (!m) return 0;
  FUZZ_CHECK(m->operator_proof.size() == mac_length(profile));  // REQ-MSG-051
  FUZZ_CHECK(m->sac1.size() == mac_length(profile));
  FUZZ_CHECK(in.size() == codec::kHsAuthAnswerProofOffset + 2 * mac_length(profile));
  return 0;
}
