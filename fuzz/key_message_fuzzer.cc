// KEY_MESSAGE (spec/03-messages.md section 3.7). The first input octet is the session's profile
// (KEY_MAC's length and the LEGACY block rule follow it, REQ-MSG-061); the rest is the body.
// Checks REQ-MSG-002 (every length checked, nothing past the body, no trailing octets),
// REQ-MSG-003 (what parses re-serialises octet for octet) and REQ-MSG-004 (the error carries the
// code the spec assigns to the failing field, never 00).
#include <cstddef>
#include <cstdint>

#include "codec/key_message.h"
#include "fuzz_common.h"

using namespace tmsproto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Profile profile = fuzz::profile_from_first_octet(data[0]);
  const ByteView in(data + 1, size - 1);
  const auto m = fuzz::parsed_canonically(in, [profile](ByteView b) { return codec::parse_key_message(b, profile); },
                                          {ResponseCode::kMalformed, ResponseCode::kUnsupportedVersion});
  if (!m) return 0;
  // REQ-MSG-060: 1..8 entries, the DSK first and only first, then strictly increasing slots.
  FUZZ_CHECK(!m->entries.empty() && m->entries.size() <= codec::kMaxKeyEntries);
  FUZZ_CHECK(m->entries[0].slot == codec::kDskSlot);
  for (std::size_t i = 1; i < m->entries.size(); ++i) FUZZ_CHECK(m->entries[i].slot > m->entries[i - 1].slot);
  if (m->trans == TransCode::kProgramDownload) FUZZ_CHECK(m->entries.size() == 1);
  for (const auto& e : m->entries) FUZZ_CHECK(e.kcv.size() == 3 || e.kcv.size() == 5);  // REQ-MSG-061
  FUZZ_CHECK(m->key_mac.size() == mac_length(profile));
  return 0;
}
