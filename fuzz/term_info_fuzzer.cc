// The TERM_INFO payload (spec/03-messages.md section 3.8), as it is after the envelope is opened,
// from arbitrary octets. Checks REQ-MSG-120 to REQ-MSG-122 (the tag-length-value rules), REQ-MSG-002
// (every length checked, nothing past the payload), REQ-MSG-003 (what parses re-serialises octet for
// octet) and that every failure is malformed (01).
#include <cstddef>
#include <cstdint>

#include "codec/terminal_info.h"
#include "fuzz_common.h"

using namespace tmsproto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  const auto m = fuzz::parsed_canonically(in, [](ByteView b) { return codec::parse_terminal_info(b); },
                                          {ResponseCode::kMalformed});
  if (!m) return 0;
  FUZZ_CHECK(size >= 4 && size <= codec::kMaxTermInfo);  // REQ-MSG-120
  FUZZ_CHECK(!m->hardware_id.empty() && !m->firmware_id.empty());  // REQ-MSG-121
  bool master = false;
  for (const auto& p : m->packages) master = master || p.kind == codec::PackageKind::kMaster;
  FUZZ_CHECK(master == m->master_app.has_value());  // REQ-MSG-122
  for (std::size_t i = 1; i < m->key_slots.size(); ++i) FUZZ_CHECK(m->key_slots[i - 1].slot < m->key_slots[i].slot);
  for (const auto& o : m->other) FUZZ_CHECK(o.value.size() <= codec::kMaxOpaqueItem);  // REQ-MSG-121
  return 0;
}
