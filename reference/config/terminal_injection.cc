#include "config/terminal_injection.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/download_payloads.h"
#include "codec/fields.h"
#include "common/hex.h"
#include "config/key_set_definition.h"
#include "config/strict_json.h"
#include "profile/standard_slots.h"

namespace tmsproto::config {
namespace {

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

// A text field of the protocol (REQ-MSG-010): the JSON string, or an error naming the member.
Result<std::string, std::string> text_field(const json& v, const std::string& member, std::size_t width,
                                            codec::CharSet set) {
  const char* chars = set == codec::CharSet::kAn ? "0-9 A-Z a-z" : "0x21-0x7E";
  const std::string rule = member + ": must be 1 to " + std::to_string(width) + " characters " + chars + " (REQ-MSG-010)";
  if (!v.is_string()) return fail(rule);
  const std::string& s = v.get_ref<const std::string&>();
  if (!codec::valid_text(s, width, set, codec::Emptiness::kRequired)) return fail(rule);
  return s;
}

// A public key of ECDSA P-256, uncompressed (REQ-CRYPTO-013): 65 octets starting 0x04.
Result<Bytes, std::string> public_key(const json& v, const std::string& member) {
  const std::string rule = member + ": must be 130 hex digits, an uncompressed P-256 point starting 04";
  if (!v.is_string()) return fail(rule);
  auto key = from_hex(v.get_ref<const std::string&>());
  if (!key || key->size() != 65 || (*key)[0] != 0x04) return fail(rule);
  return std::move(*key);
}

std::optional<Profile> profile_named(std::string_view s) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    if (name(p) == s) return p;
  }
  return std::nullopt;
}

// HARDWARE_ID, FIRMWARE_ID: 1-32 octets ANS (spec/03-messages.md section 3.8).
Result<std::string, std::string> info_text(const json& v, const std::string& member) {
  return text_field(v, member, codec::kMaxInfoText, codec::CharSet::kAns);
}

Result<std::map<std::string, terminal::PinnedSigner>, std::string> read_signers(const json& v) {
  if (!v.is_array()) return fail(std::string("signers: must be an array"));
  std::map<std::string, terminal::PinnedSigner> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = "signers[" + std::to_string(i) + "]";
    const json& o = v[i];
    if (!o.is_object()) return fail(at + ": must be an object");
    if (auto u = unknown_member(o, {"signerId", "publicKey", "kinds"}, at + ": ")) return fail(*u);
    if (auto m = missing_member(o, {"signerId", "publicKey", "kinds"}, at + ": ")) return fail(*m);
    auto id = text_field(o.at("signerId"), at + ".signerId", kKeySetIdWidth, codec::CharSet::kAn);  // REQ-MSG-092
    if (!id.ok()) return fail(id.error());
    if (out.count(*id) != 0) return fail(at + ".signerId: " + printable(*id) + " is pinned twice");
    auto key = public_key(o.at("publicKey"), at + ".publicKey");
    if (!key.ok()) return fail(key.error());
    // REQ-DL-061: the KINDs the signer may sign, each once, e.g. "P" for an acquirer.
    const json& k = o.at("kinds");
    const std::string rule = at + ".kinds: must be 1 to 4 distinct letters of A M P D";
    if (!k.is_string() || k.get_ref<const std::string&>().empty()) return fail(rule);
    terminal::PinnedSigner signer{std::move(*key), {}};
    for (char c : k.get_ref<const std::string&>()) {
      if (std::string_view("AMPD").find(c) == std::string_view::npos) return fail(rule);
      const auto kind = static_cast<codec::PackageKind>(c);
      if (std::find(signer.kinds.begin(), signer.kinds.end(), kind) != signer.kinds.end()) return fail(rule);
      signer.kinds.push_back(kind);
    }
    out.emplace(std::move(*id), std::move(signer));
  }
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

Result<TerminalInjection, std::string> read_injection(const json& doc) {
  if (!doc.is_object()) return fail(std::string("the injection file must be a JSON object"));
  if (auto u = unknown_member(doc, {"format", "notice", "vendorId", "modelId", "serialNo", "profile", "dmk", "legacy",
                                    "vendorPublicKey", "signers", "slots", "maxChunk", "hardwareId", "firmwareId",
                                    "masterApplication"},
                              "")) {
    return fail(*u);
  }
  if (auto m = missing_member(doc, {"format", "notice", "vendorId", "modelId", "serialNo", "profile", "dmk", "legacy",
                                    "vendorPublicKey", "signers", "slots", "maxChunk", "hardwareId", "firmwareId"},
                              "")) {
    return fail(*m);
  }
  const auto format = integer_of(doc.at("format"));
  if (!format || *format != 1) return fail(std::string("format: must be 1"));
  // REQ-DEV-003: whoever opens the file is told what it holds.
  const json& notice = doc.at("notice");
  if (!notice.is_string() || notice.get_ref<const std::string&>() != kInjectionNotice) {
    return fail("notice: must be exactly \"" + std::string(kInjectionNotice) + "\"");
  }

  TerminalInjection out;
  terminal::Config& c = out.config;
  auto vendor = text_field(doc.at("vendorId"), "vendorId", kVendorIdWidth, codec::CharSet::kAn);
  if (!vendor.ok()) return fail(vendor.error());
  auto model = text_field(doc.at("modelId"), "modelId", kModelIdWidth, codec::CharSet::kAns);
  if (!model.ok()) return fail(model.error());
  auto serial = text_field(doc.at("serialNo"), "serialNo", kSerialNoWidth, codec::CharSet::kAns);
  if (!serial.ok()) return fail(serial.error());
  c.id = codec::Identity{std::move(*vendor), std::move(*model), std::move(*serial)};

  const json& p = doc.at("profile");
  const auto profile = p.is_string() ? profile_named(p.get_ref<const std::string&>()) : std::nullopt;
  if (!profile) return fail(std::string("profile: must be one of \"LEGACY\", \"TDES\", \"AES128\", \"AES256\""));
  c.profile = *profile;

  // REQ-KEY-002: the DMK, of the profile's key length (REQ-HS-011).
  const json& dmk = doc.at("dmk");
  const std::string dmk_rule = "dmk: must be " + std::to_string(2 * key_length(c.profile)) + " hex digits, a " +
                               std::to_string(key_length(c.profile)) + "-octet key of profile " +
                               std::string(name(c.profile));
  if (!dmk.is_string()) return fail(dmk_rule);
  auto key = from_hex(dmk.get_ref<const std::string&>());
  if (!key || key->size() != key_length(c.profile)) {
    if (key) crypto::secure_wipe(*key);
    return fail(dmk_rule);
  }
  c.dmk = crypto::SecretBytes(*key);
  crypto::secure_wipe(*key);

  const json& legacy = doc.at("legacy");
  if (!legacy.is_boolean()) return fail(std::string("legacy: must be true or false"));
  c.legacy_enabled = legacy.get<bool>();
  if (c.profile == Profile::kLegacy && !c.legacy_enabled) {
    return fail(std::string("legacy: must be true for a terminal of profile LEGACY (REQ-CRYPTO-020)"));
  }

  auto vendor_key = public_key(doc.at("vendorPublicKey"), "vendorPublicKey");
  if (!vendor_key.ok()) return fail(vendor_key.error());
  c.vendor_public_key = std::move(*vendor_key);
  auto signers = read_signers(doc.at("signers"));
  if (!signers.ok()) return fail(signers.error());
  c.signers = std::move(*signers);
  auto slots = read_slots(doc.at("slots"));
  if (!slots.ok()) return fail(slots.error());
  c.slots = std::move(*slots);

  const auto chunk = integer_of(doc.at("maxChunk"));
  if (!chunk || *chunk < codec::kMinChunk || *chunk > codec::kMaxChunk) {
    return fail("maxChunk: must be an integer " + std::to_string(codec::kMinChunk) + "-" +
                std::to_string(codec::kMaxChunk) + " (REQ-MSG-080)");
  }
  c.max_chunk = static_cast<std::uint16_t>(*chunk);

  auto hardware = info_text(doc.at("hardwareId"), "hardwareId");
  if (!hardware.ok()) return fail(hardware.error());
  out.hardware_id = std::move(*hardware);
  auto firmware = info_text(doc.at("firmwareId"), "firmwareId");
  if (!firmware.ok()) return fail(firmware.error());
  out.firmware_id = std::move(*firmware);

  if (doc.contains("masterApplication")) {
    const json& m = doc.at("masterApplication");
    if (!m.is_object()) return fail(std::string("masterApplication: must be an object"));
    if (auto u = unknown_member(m, {"name", "version"}, "masterApplication: ")) return fail(*u);
    if (auto r = missing_member(m, {"name", "version"}, "masterApplication: ")) return fail(*r);
    auto app = text_field(m.at("name"), "masterApplication.name", kPackageNameWidth, codec::CharSet::kAns);
    if (!app.ok()) return fail(app.error());
    const auto version = integer_of(m.at("version"));
    if (!version || *version < 1 || *version > std::numeric_limits<std::uint32_t>::max()) {
      return fail(std::string("masterApplication.version: must be an integer 1-4294967295"));
    }
    out.master = FactoryMaster{std::move(*app), static_cast<std::uint32_t>(*version)};
  }
  return out;
}

}  // namespace

Result<TerminalInjection, std::string> read_terminal_injection(std::string_view text) {
  if (text.size() > kMaxTerminalInjectionSize) {  // REQ-DEV-002
    return fail("the injection file is " + std::to_string(text.size()) + " octets, more than " +
                std::to_string(kMaxTerminalInjectionSize));
  }
  // REQ-DEV-002: nlohmann::json throws; nothing escapes this function. A member named twice is an
  // error, although JSON readers commonly keep the last one: two DMKs in one file is a defect.
  try {
    auto parsed = parse_strict_json(text);
    if (!parsed.ok()) return fail(parsed.error());
    json& doc = *parsed;
    auto out = read_injection(doc);
    // The parsed tree held the DMK's hex; wipe it before the tree is freed (REQ-KEY-024's spirit).
    if (doc.is_object() && doc.contains("dmk") && doc["dmk"].is_string()) {
      std::string& s = doc["dmk"].get_ref<std::string&>();
      crypto::secure_wipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(s.data()), s.size()));
    }
    return out;
  } catch (const std::exception&) {
    return fail(std::string("not a readable injection file"));
  } catch (...) {
    return fail(std::string("not a readable injection file"));
  }
}

std::string write_terminal_injection(const TerminalInjection& injection) {
  const terminal::Config& c = injection.config;
  nlohmann::ordered_json signers = nlohmann::ordered_json::array();
  for (const auto& [id, s] : c.signers) {
    std::string kinds;
    for (codec::PackageKind k : s.kinds) kinds += static_cast<char>(k);
    signers.push_back({{"signerId", id}, {"publicKey", to_hex(s.public_key)}, {"kinds", kinds}});
  }
  // The slots as a key-set definition writes them (spec/05-keys.md section 5.5).
  KeySetDefinition d{"INJECT00", {}};
  for (const auto& [slot, rule] : c.slots) d.slots.push_back({slot, rule});
  const auto slots = nlohmann::ordered_json::parse(to_json(d)).at("slots");

  nlohmann::ordered_json doc;
  doc["format"] = 1;
  doc["notice"] = std::string(kInjectionNotice);
  doc["vendorId"] = c.id.vendor_id;
  doc["modelId"] = c.id.model_id;
  doc["serialNo"] = c.id.serial_no;
  doc["profile"] = std::string(name(c.profile));
  doc["dmk"] = to_hex(c.dmk.view());
  doc["legacy"] = c.legacy_enabled;
  doc["vendorPublicKey"] = to_hex(c.vendor_public_key);
  doc["signers"] = std::move(signers);
  doc["slots"] = slots;
  doc["maxChunk"] = c.max_chunk;
  doc["hardwareId"] = injection.hardware_id;
  doc["firmwareId"] = injection.firmware_id;
  if (injection.master) doc["masterApplication"] = {{"name", injection.master->name}, {"version", injection.master->version}};
  std::string text = doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  std::string& dmk = doc["dmk"].get_ref<std::string&>();
  crypto::secure_wipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(dmk.data()), dmk.size()));
  return text;
}

terminal::Config clone(const terminal::Config& c) {
  terminal::Config out;
  out.id = c.id;
  out.profile = c.profile;
  out.dmk = c.dmk.clone();
  out.legacy_enabled = c.legacy_enabled;
  out.vendor_public_key = c.vendor_public_key;
  out.signers = c.signers;
  out.slots = c.slots;
  out.max_chunk = c.max_chunk;
  return out;
}

TerminalInjection clone(const TerminalInjection& i) {
  return TerminalInjection{clone(i.config), i.hardware_id, i.firmware_id, i.master};
}

}  // namespace tmsproto::config
