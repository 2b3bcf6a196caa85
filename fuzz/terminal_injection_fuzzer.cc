// The terminal injection file reader (reference/config/terminal_injection.h, spec/16-reference-
// terminal.md section 16.2) on arbitrary bytes: it must never crash or throw and every refusal is
// one line (REQ-DEV-002); what it accepts carries the notice (REQ-DEV-003) and a slot table the
// registry allows (REQ-DEV-004); and the file written for it reads back to a file written the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/terminal_injection.h"
#include "profile/standard_slots.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmsproto;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = config::read_terminal_injection(text);
  if (!parsed.ok()) {
    if (parsed.error().empty() || parsed.error().find('\n') != std::string::npos) std::abort();
    return 0;
  }
  if (text.find(config::kInjectionNotice) == std::string_view::npos) std::abort();
  for (const auto& [slot, rule] : parsed->config.slots) {
    if (profile::check_slot_rule(slot, rule) != profile::SlotRuleCheck::kAllowed) std::abort();
  }
  const std::string written = config::write_terminal_injection(*parsed);
  const auto again = config::read_terminal_injection(written);
  if (!again.ok() || config::write_terminal_injection(*again) != written) std::abort();
  return 0;
}
