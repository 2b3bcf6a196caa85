// The PKG_ANNOUNCE payload (spec/03-messages.md section 3.8), as it is after the envelope is
// opened, from arbitrary octets. REQ-MSG-080: one entry per (KIND, NAME).
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
  const auto m = fuzz::parsed_canonically(in, [](ByteView b) { return codec::parse_pkg_announce(b); },
                                          {ResponseCode::kMalformed});
  if (!m) return 0;
  FUZZ_CHECK(m->max_chunk >= codec::kMinChunk && m->max_chunk <= codec::kMaxChunk);
  FUZZ_CHECK(m->installed.size() <= codec::kMaxAnnounced);
  for (std::size_t i = 0; i < m->installed.size(); ++i)  // REQ-MSG-080
    for (std::size_t j = i + 1; j < m->installed.size(); ++j)
      FUZZ_CHECK(m->installed[i].kind != m->installed[j].kind || m->installed[i].name != m->installed[j].name);
  return 0;
}
