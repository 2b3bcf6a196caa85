#include "config/json_members.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/terminal_info.h"
#include "common/hex.h"
#include "config/key_set_definition.h"
#include "config/strict_json.h"

namespace tmsproto::config::members {

using nlohmann::json;

std::optional<std::int64_t> integer_of(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    return u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
               ? std::numeric_limits<std::int64_t>::max()
               : static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

std::optional<std::string> unknown_member(const json& object, std::initializer_list<std::string_view> known,
                                          const std::string& where) {
  for (const auto& [name, value] : object.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) return where + "unknown member " + printable(name);
  }
  return std::nullopt;
}

std::optional<std::string> missing_member(const json& object, std::initializer_list<const char*> required,
                                          const std::string& where) {
  for (const char* r : required) {
    if (!object.contains(r)) return where + "missing member " + printable(r);
  }
  return std::nullopt;
}

Result<std::string, std::string> text_field(const json& v, const std::string& member, std::size_t width,
                                            codec::CharSet set) {
  const char* chars = set == codec::CharSet::kAn ? "0-9 A-Z a-z" : "0x21-0x7E";
  const std::string rule = member + ": must be 1 to " + std::to_string(width) + " characters " + chars + " (REQ-MSG-010)";
  if (!v.is_string()) return fail(rule);
  const std::string& s = v.get_ref<const std::string&>();
  if (!codec::valid_text(s, width, set, codec::Emptiness::kRequired)) return fail(rule);
  return s;
}

std::optional<Profile> profile_named(std::string_view s) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    if (name(p) == s) return p;
  }
  return std::nullopt;
}

Result<codec::Identity, std::string> read_identity(const json& doc) {
  auto vendor = text_field(doc.at("vendorId"), "vendorId", kVendorIdWidth, codec::CharSet::kAn);
  if (!vendor.ok()) return fail(vendor.error());
  auto model = text_field(doc.at("modelId"), "modelId", kModelIdWidth, codec::CharSet::kAns);
  if (!model.ok()) return fail(model.error());
  auto serial = text_field(doc.at("serialNo"), "serialNo", kSerialNoWidth, codec::CharSet::kAns);
  if (!serial.ok()) return fail(serial.error());
  return codec::Identity{std::move(*vendor), std::move(*model), std::move(*serial)};
}

Result<crypto::SecretBytes, std::string> read_dmk(const json& v, const std::string& member, Profile profile) {
  // REQ-KEY-002: the DMK, of the profile's key length (REQ-HS-011).
  const std::size_t octets = key_length(profile);
  const std::string rule = member + ": must be " + std::to_string(2 * octets) + " hex digits, " +
                           (octets == 8 ? "an " : "a ") + std::to_string(octets) + "-octet key of profile " +
                           std::string(name(profile));
  if (!v.is_string()) return fail(rule);
  auto key = from_hex(v.get_ref<const std::string&>());
  if (!key || key->size() != key_length(profile)) {
    if (key) crypto::secure_wipe(*key);
    return fail(rule);
  }
  crypto::SecretBytes out(*key);
  crypto::secure_wipe(*key);
  return out;
}

// REQ-DEV-004: one slot table, written as a key-set definition's slots (spec/05-keys.md section
// 5.5), read by that definition's one reader so that a slot means the same on both sides (REQ-KEY-025).
Result<std::map<std::uint8_t, profile::SlotRule>, std::string> read_slots(const json& v) {
  if (!v.is_array()) return fail(std::string("slots: must be an array"));
  std::map<std::uint8_t, profile::SlotRule> out;  // REQ-DEV-004, REQ-KEY-025
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = "slots[" + std::to_string(i) + "]";
    json one = {{"format", 1}, {"keySetId", "INJECT00"}, {"slots", json::array({v[i]})}};
    auto d = parse_key_set_definition(one.dump(-1, ' ', false, json::error_handler_t::replace));
    if (!d.ok()) {
      std::string e = d.error();
      if (e.rfind("slots[0]", 0) == 0) e = at + e.substr(8);
      return fail(e);
    }
    const tms::KeySetSlot& s = d->slots.at(0);
    if (out.count(s.slot) != 0) return fail(at + ": slot " + std::to_string(s.slot) + " is named twice");
    out.emplace(s.slot, s.rule);
  }
  return out;
}

Result<std::uint16_t, std::string> read_max_chunk(const json& v) {
  const auto chunk = integer_of(v);
  if (!chunk || *chunk < codec::kMinChunk || *chunk > codec::kMaxChunk) {
    return fail("maxChunk: must be an integer " + std::to_string(codec::kMinChunk) + "-" +
                std::to_string(codec::kMaxChunk) + " (REQ-MSG-080)");
  }
  return static_cast<std::uint16_t>(*chunk);
}

Result<std::string, std::string> info_text(const json& v, const std::string& member) {
  return text_field(v, member, codec::kMaxInfoText, codec::CharSet::kAns);
}

Result<FactoryMaster, std::string> read_master_application(const json& m) {
  if (!m.is_object()) return fail(std::string("masterApplication: must be an object"));
  if (auto u = unknown_member(m, {"name", "version"}, "masterApplication: ")) return fail(*u);
  if (auto r = missing_member(m, {"name", "version"}, "masterApplication: ")) return fail(*r);
  auto app = text_field(m.at("name"), "masterApplication.name", kPackageNameWidth, codec::CharSet::kAns);
  if (!app.ok()) return fail(app.error());
  const auto version = integer_of(m.at("version"));
  if (!version || *version < 1 || *version > std::numeric_limits<std::uint32_t>::max()) {
    return fail(std::string("masterApplication.version: must be an integer 1-4294967295"));
  }
  return FactoryMaster{std::move(*app), static_cast<std::uint32_t>(*version)};
}

Result<DeviceMembers, std::string> read_device_members(const json& doc) {
  DeviceMembers out;
  auto hardware = info_text(doc.at("hardwareId"), "hardwareId");
  if (!hardware.ok()) return fail(hardware.error());
  out.hardware_id = std::move(*hardware);
  auto firmware = info_text(doc.at("firmwareId"), "firmwareId");
  if (!firmware.ok()) return fail(firmware.error());
  out.firmware_id = std::move(*firmware);
  if (doc.contains("masterApplication")) {
    auto master = read_master_application(doc.at("masterApplication"));
    if (!master.ok()) return fail(master.error());
    out.master = std::move(*master);
  }
  return out;
}

namespace {

// The characters of a scenario name (REQ-CONF-020) and the glob's `*` and `?`.
bool valid_pattern(std::string_view p) {
  if (p.empty()) return false;
  for (char c : p) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
                    c == '*' || c == '?';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<int, std::string> read_session_seconds(const nlohmann::json& v, const char* req) {
  const auto seconds = integer_of(v);
  if (!seconds || *seconds < kMinSessionSeconds || *seconds > kMaxSessionSeconds) {
    return Unexpected("sessionSeconds: must be an integer " + std::to_string(kMinSessionSeconds) + "-" +
                      std::to_string(kMaxSessionSeconds) + " (" + req + ")");
  }
  return static_cast<int>(*seconds);
}

Result<std::vector<DisabledScenario>, std::string> read_disabled(const nlohmann::ordered_json& v) {
  if (!v.is_object()) return Unexpected(std::string("disabled: must be an object of scenario names or globs to reasons"));
  std::vector<DisabledScenario> out;
  for (const auto& [pattern, reason] : v.items()) {
    if (!valid_pattern(pattern)) {
      return Unexpected("disabled: " + printable(pattern) +
                        " must be a scenario name or glob of characters a-z 0-9 _ - . * ? (REQ-CONF-020)");
    }
    if (!reason.is_string() || reason.get_ref<const std::string&>().empty()) {
      return Unexpected("disabled." + pattern + ": the reason must be a non-empty string");
    }
    out.push_back({pattern, reason.get<std::string>()});
  }
  return out;
}

}  // namespace tmsproto::config::members
