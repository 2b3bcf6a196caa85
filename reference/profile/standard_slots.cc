#include "profile/standard_slots.h"

#include <algorithm>

namespace tmsproto::profile {

SlotRange slot_range(std::uint8_t slot) {  // REQ-KEY-030
  if (slot == 0x00) return SlotRange::kDsk;
  if (slot <= kDataSlot) return SlotRange::kStandard;
  if (slot < kFirstVendorSlot) return SlotRange::kReserved;
  if (slot <= kLastVendorSlot) return SlotRange::kVendor;
  return SlotRange::kNone;
}

bool is_key_form(char algorithm, std::size_t key_length) {
  return std::any_of(kKeyForms.begin(), kKeyForms.end(), [&](const KeyForm& f) {
    return f.algorithm == algorithm && f.key_length == key_length;
  });
}

const StandardSlot* find_standard_slot(std::uint8_t slot) {
  for (const StandardSlot& s : kStandardSlots) {
    if (s.slot == slot) return &s;
  }
  return nullptr;
}

const StandardSlot* find_standard_slot(std::string_view name) {
  for (const StandardSlot& s : kStandardSlots) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::optional<SlotRule> standard_slot_rule(std::uint8_t slot, char algorithm, std::size_t key_length) {
  const StandardSlot* s = find_standard_slot(slot);
  if (s == nullptr || !is_key_form(algorithm, key_length)) return std::nullopt;  // REQ-KEY-031
  // The row's usage and least-privilege mode of use at the terminal: REQ-KEY-032 (TMK K0, unwrap
  // only), REQ-KEY-033 (PIN P0, encrypt only), REQ-KEY-035 (DATA D0, encrypt only) and REQ-KEY-034
  // (MAC, generate and verify), whose usage follows its form: M3 for 2-key TDES, M6 otherwise.
  const bool t16 = algorithm == 'T' && key_length == 16;
  return SlotRule{std::string(t16 ? s->key_usage_t16 : s->key_usage), algorithm, s->mode_of_use, key_length};
}

namespace {

bool is_usage_character(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

}  // namespace

SlotRuleCheck check_slot_rule(std::uint8_t slot, const SlotRule& rule) {
  switch (slot_range(slot)) {
    case SlotRange::kDsk:
    case SlotRange::kNone: return SlotRuleCheck::kNotAKeySlot;
    case SlotRange::kReserved: return SlotRuleCheck::kReservedSlot;  // REQ-KEY-030
    case SlotRange::kStandard: {
      const auto expected = standard_slot_rule(slot, rule.algorithm, rule.key_length);
      if (!expected) return SlotRuleCheck::kBadForm;  // REQ-KEY-031
      const bool same = expected->key_usage == rule.key_usage && expected->mode_of_use == rule.mode_of_use;
      return same ? SlotRuleCheck::kAllowed : SlotRuleCheck::kNotTheStandardRule;  // REQ-KEY-031
    }
    case SlotRange::kVendor: {
      if (!is_key_form(rule.algorithm, rule.key_length)) return SlotRuleCheck::kBadForm;  // REQ-KEY-038
      const bool usage_ok = rule.key_usage.size() == 2 && is_usage_character(rule.key_usage[0]) &&
                            is_usage_character(rule.key_usage[1]);
      const bool mode_ok = std::string_view("BCDEGNSTVXY").find(rule.mode_of_use) != std::string_view::npos;
      return usage_ok && mode_ok ? SlotRuleCheck::kAllowed : SlotRuleCheck::kBadVendorRule;  // REQ-KEY-038
    }
  }
  return SlotRuleCheck::kNotAKeySlot;
}

std::optional<std::uint8_t> first_disallowed_slot(const std::map<std::uint8_t, SlotRule>& slots) {
  for (const auto& [slot, rule] : slots) {
    if (check_slot_rule(slot, rule) != SlotRuleCheck::kAllowed) return slot;  // REQ-KEY-030, REQ-KEY-039
  }
  return std::nullopt;
}

}  // namespace tmsproto::profile
