#include "config/key_set_definition.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "config/json_members.h"
#include "config/strict_json.h"
#include "profile/standard_slots.h"
#include "tms/registration.h"

namespace tmsproto::config {
namespace {

using nlohmann::json;
using members::integer_of;

std::string hex_slot(std::uint8_t slot) {
  constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("0x") + kHex[slot >> 4] + kHex[slot & 0x0f];
}

bool is_an(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

// REQ-KEY-041: members beyond the table's are an error.
std::optional<std::string> unknown_member(const json& object, std::initializer_list<std::string_view> known,
                                          const std::string& where) {
  for (const auto& [name, value] : object.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return where + "unknown member " + printable(name);
    }
  }
  return std::nullopt;
}

const char* algorithm_name(char a) { return a == 'T' ? "TDES" : "AES"; }

// One slot object (section 5.5, second table).
Result<tms::KeySetSlot, std::string> read_slot(const json& o, const std::string& at) {
  if (!o.is_object()) return fail(at + ": must be an object");
  if (auto u = unknown_member(o, {"slot", "algorithm", "length", "keyUsage", "modeOfUse"}, at + ": ")) return fail(*u);
  for (const char* required : {"slot", "algorithm", "length"}) {
    if (!o.contains(required)) return fail(at + ": missing member " + printable(required));
  }

  // slot: a standard slot's name or a vendor slot's number (REQ-KEY-030).
  const json& s = o.at("slot");
  std::uint8_t slot = 0;
  const profile::StandardSlot* standard = nullptr;
  if (s.is_string()) {
    standard = profile::find_standard_slot(s.get_ref<const std::string&>());
    if (standard == nullptr) {
      return fail(at + ".slot: " + printable(s.get_ref<const std::string&>()) +
                  " is not a standard slot name (TMK, PIN, MAC, DATA)");
    }
    slot = standard->slot;
  } else if (auto n = integer_of(s)) {
    const std::string shown = std::to_string(*n);
    if (*n == 0) return fail(at + ".slot: 0 is the DSK's slot (REQ-KEY-030)");
    if (*n >= 1 && *n <= 4) {
      return fail(at + ".slot: " + shown + " is the standard slot " +
                  printable(profile::find_standard_slot(static_cast<std::uint8_t>(*n))->name) + "; write its name");
    }
    if (*n >= 5 && *n <= 127) return fail(at + ".slot: " + shown + " is reserved for future standard slots (REQ-KEY-030)");
    if (*n < 0 || *n > profile::kLastVendorSlot) return fail(at + ".slot: " + shown + " is not a slot number (vendor slots are 128-254)");
    slot = static_cast<std::uint8_t>(*n);
  } else {
    return fail(at + ".slot: must be a standard slot name or a vendor slot number");
  }

  // algorithm and length: one of the five forms (REQ-KEY-031, REQ-KEY-038).
  const json& a = o.at("algorithm");
  if (!a.is_string()) return fail(at + ".algorithm: must be \"T\" or \"A\"");
  const std::string& alg = a.get_ref<const std::string&>();
  if (alg == "D") return fail(at + ".algorithm: \"D\" (single DES) is deliverable in no profile (REQ-CRYPTO-017)");
  if (alg != "T" && alg != "A") return fail(at + ".algorithm: " + printable(alg) + " must be \"T\" or \"A\"");
  const char algorithm = alg[0];
  const auto length = integer_of(o.at("length"));
  if (!length) return fail(at + ".length: must be an integer");
  if (*length < 0 || !profile::is_key_form(algorithm, static_cast<std::size_t>(*length))) {
    return fail(at + ".length: " + std::to_string(*length) + " is not a length of algorithm \"" + alg + "\" (" +
                (algorithm == 'T' ? "16 or 24" : "16, 24 or 32") + ")");
  }
  const auto key_length = static_cast<std::size_t>(*length);

  if (standard != nullptr) {
    // REQ-KEY-031: the registry fixes a standard slot's usage and mode of use.
    for (const char* fixed : {"keyUsage", "modeOfUse"}) {
      if (o.contains(fixed)) {
        return fail(at + "." + fixed + ": the registry fixes it for standard slot " + printable(standard->name) +
                    "; leave it out");
      }
    }
    return tms::KeySetSlot{slot, *profile::standard_slot_rule(slot, algorithm, key_length)};
  }

  // REQ-KEY-038: a vendor slot states its whole rule.
  for (const char* required : {"keyUsage", "modeOfUse"}) {
    if (!o.contains(required)) {
      return fail(at + ": missing member " + printable(required) + " (a vendor slot states its rule, REQ-KEY-038)");
    }
  }
  profile::SlotRule rule{"", algorithm, 'N', key_length};
  const json& usage = o.at("keyUsage");
  if (!usage.is_string()) return fail(at + ".keyUsage: must be two characters 0-9 A-Z");
  rule.key_usage = usage.get<std::string>();
  const json& mode = o.at("modeOfUse");
  if (!mode.is_string() || mode.get_ref<const std::string&>().size() != 1) {
    return fail(at + ".modeOfUse: must be one of B C D E G N S T V X Y");
  }
  rule.mode_of_use = mode.get_ref<const std::string&>()[0];
  switch (profile::check_slot_rule(slot, rule)) {
    case profile::SlotRuleCheck::kAllowed: break;
    default: {
      const bool usage_ok = rule.key_usage.size() == 2 && std::all_of(rule.key_usage.begin(), rule.key_usage.end(), [](char c) {
                              return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                            });
      if (!usage_ok) return fail(at + ".keyUsage: " + printable(rule.key_usage) + " must be two characters 0-9 A-Z");
      return fail(at + ".modeOfUse: " + printable(mode.get_ref<const std::string&>()) +
                  " must be one of B C D E G N S T V X Y");
    }
  }
  return tms::KeySetSlot{slot, std::move(rule)};
}

std::string slot_name(std::uint8_t slot) {
  const profile::StandardSlot* s = profile::find_standard_slot(slot);
  return s != nullptr ? "slot " + printable(s->name) + " (" + hex_slot(slot) + ")"
                      : "slot " + std::to_string(slot) + " (" + hex_slot(slot) + ")";
}

Result<KeySetDefinition, std::string> read_definition(const json& doc) {
  if (!doc.is_object()) return fail(std::string("the definition must be a JSON object"));
  if (auto u = unknown_member(doc, {"format", "keySetId", "slots"}, "")) return fail(*u);
  for (const char* required : {"format", "keySetId", "slots"}) {
    if (!doc.contains(required)) return fail("missing member " + printable(required));
  }
  const auto format = integer_of(doc.at("format"));
  if (!format || *format != 1) return fail(std::string("format: must be 1"));

  KeySetDefinition d;
  const json& id = doc.at("keySetId");
  if (!id.is_string() || id.get_ref<const std::string&>().size() != kKeySetIdWidth ||
      !is_an(id.get_ref<const std::string&>())) {
    return fail(std::string("keySetId: must be 8 characters 0-9 A-Z a-z (REQ-MSG-032)"));
  }
  d.key_set_id = id.get<std::string>();

  const json& slots = doc.at("slots");
  if (!slots.is_array()) return fail(std::string("slots: must be an array"));
  constexpr std::size_t kMaxKeys = codec::kMaxKeyEntries - 1;
  if (slots.empty() || slots.size() > kMaxKeys) {
    return fail("slots: " + std::to_string(slots.size()) + " slots; a key set has 1 to 7 (REQ-MSG-060)");
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const std::string at = "slots[" + std::to_string(i) + "]";
    auto slot = read_slot(slots[i], at);
    if (!slot.ok()) return fail(slot.error());
    for (const tms::KeySetSlot& earlier : d.slots) {
      if (earlier.slot == slot->slot) return fail(at + ": " + slot_name(slot->slot) + " is named twice");
    }
    d.slots.push_back(std::move(slot).value());
  }
  // REQ-KEY-040: the key set is its slots in ascending order, as the KEY_MESSAGE carries them.
  std::sort(d.slots.begin(), d.slots.end(),
            [](const tms::KeySetSlot& a, const tms::KeySetSlot& b) { return a.slot < b.slot; });
  return d;
}

}  // namespace

Result<KeySetDefinition, std::string> parse_key_set_definition(std::string_view text) {
  if (text.size() > kMaxKeySetDefinitionSize) {  // REQ-KEY-041
    return fail("the definition is " + std::to_string(text.size()) + " octets, more than " +
                std::to_string(kMaxKeySetDefinitionSize));
  }
  // REQ-KEY-042: nlohmann::json throws; nothing escapes this function. A member named twice is an
  // error (REQ-KEY-041), which parse_strict_json finds while the parser still sees every name.
  try {
    auto doc = parse_strict_json(text);
    if (!doc.ok()) return fail(doc.error());
    return read_definition(*doc);
  } catch (const std::exception&) {
    return fail(std::string("not a readable definition"));
  } catch (...) {
    return fail(std::string("not a readable definition"));
  }
}

std::string to_json(const KeySetDefinition& definition) {
  nlohmann::ordered_json slots = nlohmann::ordered_json::array();
  for (const tms::KeySetSlot& s : definition.slots) {
    nlohmann::ordered_json o;
    if (const profile::StandardSlot* standard = profile::find_standard_slot(s.slot)) {
      o["slot"] = std::string(standard->name);
    } else {
      o["slot"] = s.slot;
      o["keyUsage"] = s.rule.key_usage;
      o["modeOfUse"] = std::string(1, s.rule.mode_of_use);
    }
    o["algorithm"] = std::string(1, s.rule.algorithm);
    o["length"] = s.rule.key_length;
    slots.push_back(std::move(o));
  }
  nlohmann::ordered_json doc;
  doc["format"] = 1;
  doc["keySetId"] = definition.key_set_id;
  doc["slots"] = std::move(slots);
  // The replace handler keeps a key usage of invalid UTF-8 (not from the parser) from throwing.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Result<void, std::string> check_registrable(const KeySetDefinition& definition, Profile p) {
  const auto checked = tms::check_key_set(p, definition.slots);  // REQ-KEY-036, REQ-KEY-037
  if (checked.ok()) return {};
  const std::string profile_name(name(p));
  const tms::KeySetSlot* tmk = nullptr;
  for (const tms::KeySetSlot& s : definition.slots) {
    if (s.slot == profile::kTmkSlot) tmk = &s;
  }
  for (const tms::KeySetSlot& s : definition.slots) {
    const unsigned strength = profile::security_strength(s.rule.algorithm, s.rule.key_length);
    const std::string key = std::string("a ") + std::to_string(s.rule.key_length) + "-octet " +
                            algorithm_name(s.rule.algorithm) + " key";
    switch (checked.error()) {
      case tms::RegistrationError::kUndeliverableKey:
        if (p == Profile::kLegacy) return fail(std::string("the LEGACY profile delivers no keys (REQ-CRYPTO-025)"));
        if (!profile::can_deliver(p, s.rule)) {
          return fail(slot_name(s.slot) + ": " + key + " (" + std::to_string(strength) +
                      " bits) is stronger than the " + profile_name + " profile can deliver (REQ-KEY-014, REQ-KEY-036)");
        }
        break;
      case tms::RegistrationError::kStrongerThanTmk:
        if (tmk != nullptr && &s != tmk && profile::slot_range(s.slot) == profile::SlotRange::kStandard &&
            strength > profile::security_strength(tmk->rule.algorithm, tmk->rule.key_length)) {
          return fail(slot_name(s.slot) + ": " + key + " (" + std::to_string(strength) +
                      " bits) is stronger than the set's TMK (REQ-KEY-037)");
        }
        break;
      default: break;
    }
  }
  return fail("the key set cannot be registered for a " + profile_name + " terminal");
}

}  // namespace tmsproto::config
