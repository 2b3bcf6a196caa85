// The PKG_CONFIRM payload (spec/03-messages.md section 3.8), as it is after the envelope is
// opened, from arbitrary octets. REQ-MSG-090: PKG_INDEX counts from 0, MANIFEST_LEN frames each
// MANIFEST (REQ-MSG-091), one offer per (KIND, NAME).
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
  const auto m = fuzz::parsed_canonically(in, [](ByteView b) { return codec::parse_pkg_confirm(b); },
                                          {ResponseCode::kMalformed});
  if (!m) return 0;
  FUZZ_CHECK(m->offers.size() <= codec::kMaxOffers);
  // Each offer's MANIFEST is a MANIFEST on its own: the octets the terminal verifies (REQ-DL-010).
  // REQ-MSG-091: MANIFEST_LEN framed exactly that manifest, of either FORMAT.
  for (const auto& o : m->offers) {
    const Bytes manifest = codec::serialize(o.manifest);
    FUZZ_CHECK(manifest.size() == codec::kManifestLength ||
               (manifest.size() >= codec::kScopedManifestBaseLength && manifest.size() <= codec::kMaxManifestLength));
    FUZZ_CHECK(codec::parse_manifest(manifest).ok());
  }
  return 0;
}
