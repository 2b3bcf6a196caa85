// The secure envelope of the download phase (spec/03-messages.md section 3.8). The first input octet
// is the session's profile (block and MAC lengths follow it); the rest is the body.
// Checks REQ-MSG-002 (every length checked, nothing past the body, no trailing octets),
// REQ-MSG-003 (what parses re-serialises octet for octet) and REQ-MSG-004 (the error carries the
// code the spec assigns to the failing field, never 00).
#include <cstddef>
#include <cstdint>

#include "codec/envelope.h"
#include "fuzz_common.h"

namespace {

using namespace tmsproto;
using tmsproto::fuzz::check_canonical;
using tmsproto::fuzz::check_error;
using tmsproto::fuzz::check_no_slack;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Profile profile = fuzz::profile_from_first_octet(data[0]);
  const ByteView in(data + 1, size - 1);
  auto e = codec::parse_envelope(in, profile);
  if (!e.ok()) {
    // REQ-MSG-070: a CT_LEN that is not a positive multiple of b is 13, like every envelope failure.
    check_error(e.error(), {ResponseCode::kMalformed, ResponseCode::kUnsupportedVersion,
                            ResponseCode::kMacFailed});
    if (e.error().code == ResponseCode::kMacFailed) FUZZ_CHECK(e.error().field == "CT_LEN");
    return 0;
  }
  FUZZ_CHECK(is_enveloped(e->type));
  FUZZ_CHECK(!e->ct.empty() && e->ct.size() % block_length(profile) == 0);
  FUZZ_CHECK(e->mac.size() == mac_length(profile));
  FUZZ_CHECK(in.size() <= kMaxBody);  // REQ-FRAME-001: an envelope that parses fits in a frame
  check_canonical(in, codec::serialize(*e));
  check_no_slack(in, [profile](ByteView b) { return codec::parse_envelope(b, profile); });
  return 0;
}
