#include "config/tms_profile.h"

#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "config/json_members.h"
#include "config/strict_json.h"

namespace tmsproto::config {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

using members::integer_of;
using members::read_disabled;
using members::missing_member;
using members::unknown_member;

// REQ-CONF-060: "terminals", profile word -> {"serialNo", "dmk"}; LEGACY is not in this step.
Result<std::map<Profile, TmsTerminal>, std::string> read_terminals(const json& v) {
  if (!v.is_object()) return fail(std::string("terminals: must be an object of profile words to terminals"));
  if (v.empty()) return fail(std::string("terminals: must hold the terminal of at least one profile"));
  std::map<Profile, TmsTerminal> out;
  for (const auto& [word, value] : v.items()) {
    const auto profile = members::profile_named(word);
    if (!profile || *profile == Profile::kLegacy) {
      return fail("terminals: " + printable(word) + " is not a profile of this direction; must be one of \"TDES\", "
                  "\"AES128\", \"AES256\"");
    }
    const std::string at = "terminals." + word;
    if (!value.is_object()) return fail(at + ": must be an object with \"serialNo\" and \"dmk\"");
    if (auto u = unknown_member(value, {"serialNo", "dmk"}, at + ": ")) return fail(*u);
    if (auto m = missing_member(value, {"serialNo", "dmk"}, at + ": ")) return fail(*m);
    auto serial = members::text_field(value.at("serialNo"), at + ".serialNo", kSerialNoWidth, codec::CharSet::kAns);
    if (!serial.ok()) return fail(serial.error());
    // REQ-CONF-060: the error names the member and the length, never the key.
    auto dmk = members::read_dmk(value.at("dmk"), at + ".dmk", *profile);
    if (!dmk.ok()) return fail(dmk.error());
    out.emplace(*profile, TmsTerminal{std::move(*serial), std::move(*dmk)});
  }
  return out;
}


Result<TmsProfile, std::string> read_profile(const json& doc, const ordered_json& disabled) {
  if (!doc.is_object()) return fail(std::string("the TMS profile must be a JSON object"));
  // REQ-CONF-060: exactly the members of the table of section C.10.1.
  if (auto u = unknown_member(doc, {"format", "vendorId", "modelId", "terminals", "operatorId", "keySetId", "slots",
                                    "vendorPublicKey", "maxChunk", "unattended", "sessionSeconds", "disabled"},
                              "")) {
    return fail(*u);
  }
  if (auto m = missing_member(doc, {"format", "vendorId", "modelId", "terminals", "operatorId", "keySetId", "slots",
                                    "vendorPublicKey", "maxChunk"},
                              "")) {
    return fail(*m);
  }
  const auto format = integer_of(doc.at("format"));
  if (!format || *format != 1) return fail(std::string("format: must be 1"));

  TmsProfile out;
  auto vendor = members::text_field(doc.at("vendorId"), "vendorId", kVendorIdWidth, codec::CharSet::kAn);
  if (!vendor.ok()) return fail(vendor.error());
  out.vendor_id = std::move(*vendor);
  auto model = members::text_field(doc.at("modelId"), "modelId", kModelIdWidth, codec::CharSet::kAns);
  if (!model.ok()) return fail(model.error());
  out.model_id = std::move(*model);

  auto terminals = read_terminals(doc.at("terminals"));
  if (!terminals.ok()) return fail(terminals.error());
  out.terminals = std::move(*terminals);

  auto op = members::text_field(doc.at("operatorId"), "operatorId", kOperatorIdWidth, codec::CharSet::kAn);
  if (!op.ok()) return fail(op.error());
  out.operator_id = std::move(*op);
  auto key_set = members::text_field(doc.at("keySetId"), "keySetId", kKeySetIdWidth, codec::CharSet::kAn);
  if (!key_set.ok()) return fail(key_set.error());
  out.key_set_id = std::move(*key_set);

  auto slots = members::read_slots(doc.at("slots"));
  if (!slots.ok()) return fail(slots.error());
  out.slots = std::move(*slots);

  const json& key = doc.at("vendorPublicKey");
  const std::string key_rule = "vendorPublicKey: must be 130 hex digits, an uncompressed P-256 point starting 04";
  if (!key.is_string()) return fail(key_rule);
  auto public_key = from_hex(key.get_ref<const std::string&>());
  if (!public_key || public_key->size() != 65 || (*public_key)[0] != 0x04) return fail(key_rule);
  out.vendor_public_key = std::move(*public_key);

  auto chunk = members::read_max_chunk(doc.at("maxChunk"));
  if (!chunk.ok()) return fail(chunk.error());
  out.max_chunk = *chunk;

  if (doc.contains("unattended")) {
    if (!doc.at("unattended").is_boolean()) return fail(std::string("unattended: must be true or false"));
    out.unattended = doc.at("unattended").get<bool>();
  }
  if (doc.contains("sessionSeconds")) {
    auto seconds = members::read_session_seconds(doc.at("sessionSeconds"), "REQ-CONF-060");
    if (!seconds.ok()) return fail(seconds.error());
    out.session_seconds = *seconds;
  }
  if (doc.contains("disabled")) {
    auto d = read_disabled(disabled);
    if (!d.ok()) return fail(d.error());
    out.disabled = std::move(*d);
  }
  return out;
}

// The parsed tree held the DMKs' hex; wipe it before the tree is freed.
template <class Json>
void wipe_dmks(Json& doc) {
  if (!doc.is_object() || !doc.contains("terminals") || !doc["terminals"].is_object()) return;
  for (auto& t : doc["terminals"]) {
    if (t.is_object() && t.contains("dmk")) members::wipe_string(t["dmk"]);
  }
}

}  // namespace

Result<TmsProfile, std::string> read_tms_profile(std::string_view text) {
  if (text.size() > kMaxTmsProfileSize) {  // REQ-CONF-060
    return fail("the TMS profile is " + std::to_string(text.size()) + " octets, more than " +
                std::to_string(kMaxTmsProfileSize));
  }
  try {
    auto parsed = parse_strict_json(text);  // REQ-CONF-060: no member twice, RFC 8259, UTF-8
    if (!parsed.ok()) return fail(parsed.error());
    json& doc = *parsed;
    ordered_json disabled;
    if (doc.is_object() && doc.contains("disabled")) {
      auto ordered = parse_strict<ordered_json>(text);
      if (!ordered.ok()) return fail(std::string("not a readable TMS profile"));
      disabled = (*ordered)["disabled"];
      wipe_dmks(*ordered);
    }
    auto out = read_profile(doc, disabled);
    wipe_dmks(doc);
    return out;
  } catch (const std::exception&) {
    return fail(std::string("not a readable TMS profile"));
  } catch (...) {
    return fail(std::string("not a readable TMS profile"));
  }
}

}  // namespace tmsproto::config
