// The key-set definition (spec/05-keys.md section 5.5): the JSON file a TMS takes each key set
// from, naming standard slots from the registry (reference/profile/standard_slots.h) and vendor
// slots with their full rule. An edge format: the engines never include this; the TMS's
// registration and the in-memory estate do.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "protocol/constants.h"
#include "tms/ports.h"

namespace tmsproto::config {

// REQ-KEY-041: the largest definition read.
inline constexpr std::size_t kMaxKeySetDefinitionSize = 65536;

struct KeySetDefinition {
  std::string key_set_id;              // 8 AN (REQ-MSG-010, REQ-MSG-032)
  std::vector<tms::KeySetSlot> slots;  // 1-7, strictly ascending (REQ-KEY-040)
  bool operator==(const KeySetDefinition&) const = default;
};

// REQ-KEY-040 to REQ-KEY-042: the definition, or one line naming the member at fault. Never throws;
// any input, however malformed, gives one or the other.
Result<KeySetDefinition, std::string> parse_key_set_definition(std::string_view text);

// The definition as section 5.5 writes it (members in the tables' order, slots ascending, two
// spaces of indentation). For a definition parse_key_set_definition accepted, parsing the result
// gives the same definition back.
std::string to_json(const KeySetDefinition& definition);

// REQ-KEY-036, REQ-KEY-037: whether `definition` may be registered for a terminal of profile `p`
// (tms::check_key_set decides), or one line naming the slot that prevents it.
Result<void, std::string> check_registrable(const KeySetDefinition& definition, Profile p);

}  // namespace tmsproto::config
