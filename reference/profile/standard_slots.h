// The registry of standard key slots (spec/05-keys.md section 5.4): which slot numbers are the
// DSK's, the standard slots', reserved or the vendors', and the rule each standard slot fixes. Both
// engines reach it through their slot tables, without the JSON of the key-set definition
// (reference/config/).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "profile/profile_crypto.h"

namespace tmsproto::profile {

// REQ-KEY-030: what a slot number is.
enum class SlotRange { kDsk, kStandard, kReserved, kVendor, kNone };
SlotRange slot_range(std::uint8_t slot);

inline constexpr std::uint8_t kTmkSlot = 0x01;
inline constexpr std::uint8_t kPinSlot = 0x02;
inline constexpr std::uint8_t kMacSlot = 0x03;
inline constexpr std::uint8_t kDataSlot = 0x04;
inline constexpr std::uint8_t kFirstVendorSlot = 0x80;
inline constexpr std::uint8_t kLastVendorSlot = 0xFE;

// An algorithm and length a slot may hold (REQ-KEY-031, REQ-KEY-038): 'T' 16 / 24, 'A' 16 / 24 / 32.
struct KeyForm {
  char algorithm = 'T';
  std::size_t key_length = 16;
};
inline constexpr std::array<KeyForm, 5> kKeyForms = {{{'T', 16}, {'T', 24}, {'A', 16}, {'A', 24}, {'A', 32}}};
bool is_key_form(char algorithm, std::size_t key_length);

// One row of the registry (REQ-KEY-032 to REQ-KEY-035). The MAC slot's usage follows its form
// (REQ-KEY-034), so a row gives the usage per form.
struct StandardSlot {
  std::uint8_t slot = 0;
  std::string_view name;      // "TMK", "PIN", "MAC", "DATA": how a key-set definition names it
  char mode_of_use = 'N';
  std::string_view key_usage;        // for every form but 'T' 16 when usage_t16 is set
  std::string_view key_usage_t16;    // the usage of a 16-octet TDES key
};
inline constexpr std::array<StandardSlot, 4> kStandardSlots = {{
    {kTmkSlot, "TMK", 'D', "K0", "K0"},   // REQ-KEY-032: the terminal only unwraps under its TMK
    {kPinSlot, "PIN", 'E', "P0", "P0"},   // REQ-KEY-033: only encrypts PIN blocks
    {kMacSlot, "MAC", 'C', "M6", "M3"},   // REQ-KEY-034: generates and verifies; M3 for 2-key TDES
    {kDataSlot, "DATA", 'E', "D0", "D0"}, // REQ-KEY-035: only encrypts data
}};

const StandardSlot* find_standard_slot(std::uint8_t slot);
const StandardSlot* find_standard_slot(std::string_view name);

// REQ-KEY-031: the rule of a standard slot for one form; nullopt when `slot` is not a standard
// slot or the form is not one of the five.
std::optional<SlotRule> standard_slot_rule(std::uint8_t slot, char algorithm, std::size_t key_length);

// What the registry says of a slot rule (REQ-KEY-030, REQ-KEY-031, REQ-KEY-038).
enum class SlotRuleCheck {
  kAllowed,
  kNotAKeySlot,        // 0x00 (the DSK's) or 0xFF
  kReservedSlot,       // 0x05-0x7F (REQ-KEY-030)
  kBadForm,            // not 'T' 16 / 24 or 'A' 16 / 24 / 32
  kNotTheStandardRule, // a standard slot with another usage or mode of use (REQ-KEY-031)
  kBadVendorRule,      // a vendor slot whose usage or mode TR-31 cannot express (REQ-KEY-038)
};
SlotRuleCheck check_slot_rule(std::uint8_t slot, const SlotRule& rule);

// REQ-KEY-030, REQ-KEY-039: a terminal's slot table as its installation tool checks it; the first
// slot the registry does not allow, or nullopt when it allows every slot.
std::optional<std::uint8_t> first_disallowed_slot(const std::map<std::uint8_t, SlotRule>& slots);

}  // namespace tmsproto::profile
