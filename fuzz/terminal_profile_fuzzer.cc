// The conformance suite's terminal profile reader (reference/config/terminal_profile.h,
// spec/conformance.md section C.3) on arbitrary bytes, read with and without --enable-legacy: it
// must never crash or throw and every refusal is one line (REQ-CONF-010); what it accepts holds a DMK
// of its profile's length for at least one profile, LEGACY only with the flag, at least one
// transaction, a slot table the registry allows and values in the table's ranges; and the flag
// changes nothing but whether LEGACY is allowed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/download_payloads.h"
#include "config/terminal_profile.h"
#include "profile/standard_slots.h"

namespace {

void check_accepted(const tmsproto::config::TerminalProfile& p, bool legacy_enabled) {
  using namespace tmsproto;
  if (p.dmks.empty()) std::abort();
  for (const auto& [profile, dmk] : p.dmks) {
    if (dmk.size() != key_length(profile)) std::abort();
    if (profile == Profile::kLegacy && !legacy_enabled) std::abort();
  }
  if (!p.key_download && !p.program_download) std::abort();
  for (const auto& [slot, rule] : p.slots) {
    if (profile::check_slot_rule(slot, rule) != profile::SlotRuleCheck::kAllowed) std::abort();
  }
  if (p.max_chunk < codec::kMinChunk || p.max_chunk > codec::kMaxChunk) std::abort();
  if (p.session_seconds < 5 || p.session_seconds > 3600) std::abort();
  for (const auto& d : p.disabled) {
    if (d.pattern.empty() || d.reason.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmsproto;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto without = config::read_terminal_profile(text, false);
  const auto with = config::read_terminal_profile(text, true);
  for (const auto* r : {&without, &with}) {
    if (!r->ok() && (r->error().empty() || r->error().find('\n') != std::string::npos)) std::abort();
  }
  if (without.ok()) {
    check_accepted(*without, false);
    // What is accepted without the flag is accepted with it, the same.
    if (!with.ok() || with->id != without->id || with->dmks.size() != without->dmks.size() ||
        with->disabled != without->disabled || with->slots != without->slots) {
      std::abort();
    }
  }
  if (with.ok()) {
    check_accepted(*with, true);
    if (!without.ok() && with->dmks.count(Profile::kLegacy) == 0) std::abort();
  }
  return 0;
}
