#include "config/terminal_injection.h"

#include <algorithm>
#include <exception>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/download_payloads.h"
#include "codec/fields.h"
#include "common/hex.h"
#include "config/json_members.h"
#include "config/key_set_definition.h"
#include "config/strict_json.h"
#include "profile/standard_slots.h"

namespace tmsproto::config {
namespace {

using nlohmann::json;

using members::integer_of;
using members::missing_member;
using members::read_slots;
using members::text_field;
using members::unknown_member;

// A public key of ECDSA P-256, uncompressed (REQ-CRYPTO-013): 65 octets starting 0x04.
Result<Bytes, std::string> public_key(const json& v, const std::string& member) {
  const std::string rule = member + ": must be 130 hex digits, an uncompressed P-256 point starting 04";
  if (!v.is_string()) return fail(rule);
  auto key = from_hex(v.get_ref<const std::string&>());
  if (!key || key->size() != 65 || (*key)[0] != 0x04) return fail(rule);
  return std::move(*key);
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
  auto id = members::read_identity(doc);
  if (!id.ok()) return fail(id.error());
  c.id = std::move(*id);

  const json& p = doc.at("profile");
  const auto profile = p.is_string() ? members::profile_named(p.get_ref<const std::string&>()) : std::nullopt;
  if (!profile) return fail(std::string("profile: must be one of \"LEGACY\", \"TDES\", \"AES128\", \"AES256\""));
  c.profile = *profile;

  // REQ-KEY-002: the DMK, of the profile's key length (REQ-HS-011).
  auto dmk = members::read_dmk(doc.at("dmk"), "dmk", c.profile);
  if (!dmk.ok()) return fail(dmk.error());
  c.dmk = std::move(*dmk);

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

  auto chunk = members::read_max_chunk(doc.at("maxChunk"));
  if (!chunk.ok()) return fail(chunk.error());
  c.max_chunk = *chunk;

  auto device = members::read_device_members(doc);
  if (!device.ok()) return fail(device.error());
  out.hardware_id = std::move(device->hardware_id);
  out.firmware_id = std::move(device->firmware_id);
  out.master = std::move(device->master);
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
    if (doc.is_object() && doc.contains("dmk")) members::wipe_string(doc["dmk"]);
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
