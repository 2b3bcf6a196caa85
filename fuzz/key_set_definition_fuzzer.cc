// The key-set definition reader (reference/config/key_set_definition.h, spec/05-keys.md section
// 5.5) on arbitrary bytes: it must never crash or throw (REQ-KEY-042), every error is one line,
// whatever it accepts the registry allows (REQ-KEY-031, REQ-KEY-038), and it serialises to text
// that parses back to the same definition.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/key_set_definition.h"
#include "config/strict_json.h"
#include "profile/standard_slots.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmsproto;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The strict JSON layer under it (config/strict_json.h): one line when it refuses, and a document
  // it refuses is never a definition.
  const auto document = config::parse_strict_json(text);
  if (!document.ok() && (document.error().empty() || document.error().find('\n') != std::string::npos)) std::abort();
  const auto parsed = config::parse_key_set_definition(text);
  if (!document.ok() && parsed.ok()) std::abort();
  if (!parsed.ok()) {
    if (parsed.error().empty() || parsed.error().find('\n') != std::string::npos) std::abort();
    return 0;
  }
  if (parsed->slots.empty() || parsed->slots.size() > 7) std::abort();
  for (const auto& s : parsed->slots) {
    if (profile::check_slot_rule(s.slot, s.rule) != profile::SlotRuleCheck::kAllowed) std::abort();
  }
  const auto again = config::parse_key_set_definition(config::to_json(*parsed));
  if (!again.ok() || !(*again == *parsed)) std::abort();
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    const auto r = config::check_registrable(*parsed, p);
    if (!r.ok() && r.error().find('\n') != std::string::npos) std::abort();
  }
  return 0;
}
