// Internal to reference/config: the member rules that the terminal injection file
// (spec/16-reference-terminal.md section 16.2) and the conformance suite's terminal profile
// (spec/conformance.md section C.3) share, so that an identity, a DMK, a slot table, a chunk size or
// a master application means the same in both files and is refused with the same line. Each reader
// returns the value or one line naming the member; none throws on a document parse_strict_json gave.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codec/fields.h"
#include "codec/header.h"
#include "common/result.h"
#include "config/terminal_injection.h"
#include "config/terminal_profile.h"
#include "crypto/secret.h"
#include "profile/standard_slots.h"
#include "protocol/constants.h"

namespace tmsproto::config::members {

// A JSON integer as a signed 64-bit value (an unsigned one above its range saturates), or nothing.
std::optional<std::int64_t> integer_of(const nlohmann::json& v);

// The first member of `object` not in `known` / the first of `required` absent, as
// `where` + "unknown member "X"" / `where` + "missing member "X"".
std::optional<std::string> unknown_member(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                                          const std::string& where);
std::optional<std::string> missing_member(const nlohmann::json& object, std::initializer_list<const char*> required,
                                          const std::string& where);

// A text field of the protocol (REQ-MSG-010): the JSON string, or an error naming the member.
Result<std::string, std::string> text_field(const nlohmann::json& v, const std::string& member, std::size_t width,
                                            codec::CharSet set);

// The profile whose word (name(Profile): "LEGACY", "TDES", "AES128", "AES256") is `s`, exactly.
std::optional<Profile> profile_named(std::string_view s);

// The members "vendorId", "modelId", "serialNo" of `doc` (present), by the rules of REQ-MSG-010.
Result<codec::Identity, std::string> read_identity(const nlohmann::json& doc);

// REQ-KEY-002: a DMK of `profile` in hex (either case), of the profile's key length (REQ-HS-011).
// The error names `member` and the length, never the value.
Result<crypto::SecretBytes, std::string> read_dmk(const nlohmann::json& v, const std::string& member, Profile profile);

// REQ-DEV-004: one slot table, written as a key-set definition's slots (spec/05-keys.md section 5.5).
Result<std::map<std::uint8_t, profile::SlotRule>, std::string> read_slots(const nlohmann::json& v);

// "maxChunk": an integer kMinChunk..kMaxChunk (REQ-MSG-080).
Result<std::uint16_t, std::string> read_max_chunk(const nlohmann::json& v);

// HARDWARE_ID, FIRMWARE_ID: 1-32 octets ANS (spec/03-messages.md section 3.8).
Result<std::string, std::string> info_text(const nlohmann::json& v, const std::string& member);

// "sessionSeconds" of a terminal or TMS profile: kMinSessionSeconds..kMaxSessionSeconds; the error
// names `req`, the requirement the profile's reader answers to.
Result<int, std::string> read_session_seconds(const nlohmann::json& v, const char* req);

// REQ-CONF-010, REQ-CONF-060: "disabled" of a terminal or TMS profile, pattern -> non-empty reason,
// in the file's order (hence the ordered document): each pattern a scenario name or glob.
Result<std::vector<DisabledScenario>, std::string> read_disabled(const nlohmann::ordered_json& v);

// "masterApplication": {"name", "version"} (spec/06-download.md section 6.6).
Result<FactoryMaster, std::string> read_master_application(const nlohmann::json& v);

// What the injection file and the conformance terminal profile both say of the device:
// "hardwareId", "firmwareId" and, when present, "masterApplication" of `doc`.
struct DeviceMembers {
  std::string hardware_id;
  std::string firmware_id;
  std::optional<FactoryMaster> master;
};
Result<DeviceMembers, std::string> read_device_members(const nlohmann::json& doc);

// Overwrites a JSON string's characters in place (a DMK's hex in a parsed tree, before it is freed).
template <class Json>
void wipe_string(Json& v) {
  if (!v.is_string()) return;
  std::string& s = v.template get_ref<std::string&>();
  crypto::secure_wipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(s.data()), s.size()));
}

}  // namespace tmsproto::config::members
