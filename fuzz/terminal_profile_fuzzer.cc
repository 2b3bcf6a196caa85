// The conformance suite's two profile readers on arbitrary bytes. The terminal profile
// (reference/config/terminal_profile.h, spec/conformance.md section C.3), read with and without
// --enable-legacy: it must never crash or throw and every refusal is one line (REQ-CONF-010); what
// it accepts holds a DMK of its profile's length for at least one profile, LEGACY only with the
// flag, at least one transaction, a slot table the registry allows and values in the table's
// ranges; and the flag changes nothing but whether LEGACY is allowed. The TMS profile
// (reference/config/tms_profile.h, section C.10.1), which shares the terminal profile's member
// rules: every refusal one line (REQ-CONF-060); what it accepts names a terminal of TDES, AES128 or
// AES256 with a DMK of that profile's length, an uncompressed P-256 point as the vendor key and
// values in range.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/download_payloads.h"
#include "config/terminal_profile.h"
#include "config/tms_profile.h"
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
  // REQ-CONF-012: a TPDU accepted is one an end may send, both NIIs BCD (REQ-FRAME-031).
  if (p.tpdu && (!codec::is_bcd_nii(p.tpdu->destination) || !codec::is_bcd_nii(p.tpdu->source))) std::abort();
}

void check_tms_profile(std::string_view text) {
  using namespace tmsproto;
  const auto r = config::read_tms_profile(text);
  if (!r.ok()) {
    if (r.error().empty() || r.error().find('\n') != std::string::npos) std::abort();
    return;
  }
  if (r->terminals.empty()) std::abort();
  for (const auto& [profile, t] : r->terminals) {
    if (profile == Profile::kLegacy || t.dmk.size() != key_length(profile) || t.serial_no.empty()) std::abort();
  }
  if (r->vendor_public_key.size() != 65 || r->vendor_public_key[0] != 0x04) std::abort();
  if (r->max_chunk < codec::kMinChunk || r->max_chunk > codec::kMaxChunk) std::abort();
  if (r->session_seconds < 5 || r->session_seconds > 3600) std::abort();
  for (const auto& d : r->disabled) {
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
  check_tms_profile(text);
  return 0;
}
