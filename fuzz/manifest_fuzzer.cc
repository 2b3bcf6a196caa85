// The MANIFEST payload (spec/03-messages.md section 3.8), as it is after the envelope is
// opened, from arbitrary octets, in both FORMATs. REQ-DL-010: the signed manifest; the terminal
// verifies the signature over these very octets and keys resume by their SHA-256 (REQ-DL-064).
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
  const auto m = fuzz::parsed_canonically(in, [](ByteView b) { return codec::parse_manifest(b); },
                                          {ResponseCode::kMalformed});
  if (!m) return 0;
  // REQ-MSG-091: 116 octets for FORMAT 0x01, 132 + 32 x TARGET_COUNT for FORMAT 0x02.
  if (!m->scope) {
    FUZZ_CHECK(size == codec::kManifestLength);
  } else {
    // REQ-MSG-092: at most 16 targets, strictly ascending.
    const auto& t = m->scope->targets;
    FUZZ_CHECK(t.size() <= codec::kMaxTargets);
    FUZZ_CHECK(size == codec::kScopedManifestBaseLength + 32 * t.size());
    for (std::size_t i = 1; i < t.size(); ++i) FUZZ_CHECK(t[i - 1] < t[i]);
    FUZZ_CHECK(codec::valid_datetime(m->scope->not_after));
  }
  FUZZ_CHECK(m->length >= 1 && m->length <= codec::kMaxPackageLength);
  FUZZ_CHECK(m->chunk_size >= codec::kMinChunk && m->chunk_size <= codec::kMaxChunk &&
             (m->chunk_size & (m->chunk_size - 1)) == 0);
  return 0;
}
