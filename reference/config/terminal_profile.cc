#include "config/terminal_profile.h"

#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

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

// REQ-CONF-010: "dmks", one test DMK per profile the IUT supports, each of its profile's length.
Result<std::map<Profile, crypto::SecretBytes>, std::string> read_dmks(const json& v, bool legacy_enabled) {
  if (!v.is_object()) return fail(std::string("dmks: must be an object of profile words to DMKs in hex"));
  if (v.empty()) return fail(std::string("dmks: must hold the DMK of at least one profile"));
  std::map<Profile, crypto::SecretBytes> out;
  for (const auto& [word, value] : v.items()) {
    const auto profile = members::profile_named(word);
    if (!profile) {
      return fail("dmks: " + printable(word) + " is not a profile; must be one of \"LEGACY\", \"TDES\", \"AES128\", \"AES256\"");
    }
    if (*profile == Profile::kLegacy && !legacy_enabled) {  // REQ-CONF-010, REQ-CRYPTO-020
      return fail(std::string("dmks.LEGACY: the LEGACY profile needs --enable-legacy (REQ-CRYPTO-020)"));
    }
    // REQ-CONF-010, REQ-CONF-011: the error names the profile and the length, never the key.
    auto dmk = members::read_dmk(value, "dmks." + std::string(name(*profile)), *profile);
    if (!dmk.ok()) return fail(dmk.error());
    out.emplace(*profile, std::move(*dmk));
  }
  return out;
}

// REQ-CONF-010: "transactions", 1-2 distinct strings of "key", "program".
Result<std::pair<bool, bool>, std::string> read_transactions(const json& v) {
  const std::string rule = "transactions: must be an array of 1 to 2 distinct strings of \"key\", \"program\"";
  if (!v.is_array() || v.empty() || v.size() > 2) return fail(rule);
  bool key = false;
  bool program = false;
  for (const json& t : v) {
    if (!t.is_string()) return fail(rule);
    const std::string& s = t.get_ref<const std::string&>();
    bool& seen = s == "key" ? key : program;
    if ((s != "key" && s != "program") || seen) return fail(rule);
    seen = true;
  }
  return std::pair{key, program};
}

// REQ-CONF-012: "tpdu", ten hex digits: TPDU_ID 60 (REQ-FRAME-030), then DEST_NII and SRC_NII of
// four decimal digits each, as an end configured with a TPDU sends them (REQ-FRAME-031).
Result<codec::Tpdu, std::string> read_tpdu(const json& v) {
  const std::string rule =
      "tpdu: must be 10 hex digits, 60 then DEST_NII and SRC_NII of 4 decimal digits each (REQ-CONF-012)";
  if (!v.is_string()) return fail(rule);
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() != 10 || s[0] != '6' || s[1] != '0') return fail(rule);
  codec::Tpdu t;
  for (std::size_t i = 2; i < 10; ++i) {
    if (s[i] < '0' || s[i] > '9') return fail(rule);  // a hex digit above 9 is no BCD digit
    const auto digit = static_cast<std::uint8_t>(s[i] - '0');
    codec::Nii& nii = i < 6 ? t.destination : t.source;
    std::uint8_t& octet = nii[(i - 2) % 4 / 2];
    octet = static_cast<std::uint8_t>(i % 2 == 0 ? digit << 4 : octet | digit);
  }
  return t;
}



// `disabled`: the "disabled" member as written, in file order (nlohmann::json sorts members), or
// null when the file has none.
Result<TerminalProfile, std::string> read_profile(const json& doc, const ordered_json& disabled, bool legacy_enabled) {
  if (!doc.is_object()) return fail(std::string("the terminal profile must be a JSON object"));
  // REQ-CONF-010: exactly the members of the table of section C.3.
  if (auto u = unknown_member(doc, {"format", "vendorId", "modelId", "serialNo", "dmks", "transactions", "slots",
                                    "maxChunk", "hardwareId", "firmwareId", "masterApplication", "sessionSeconds",
                                    "disabled", "tpdu"},
                              "")) {
    return fail(*u);
  }
  if (auto m = missing_member(doc, {"format", "vendorId", "modelId", "serialNo", "dmks", "transactions", "slots",
                                    "maxChunk", "hardwareId", "firmwareId"},
                              "")) {
    return fail(*m);
  }
  const auto format = integer_of(doc.at("format"));
  if (!format || *format != 1) return fail(std::string("format: must be 1"));  // REQ-CONF-010

  TerminalProfile out;
  auto id = members::read_identity(doc);  // REQ-CONF-010, REQ-MSG-010
  if (!id.ok()) return fail(id.error());
  out.id = std::move(*id);

  auto dmks = read_dmks(doc.at("dmks"), legacy_enabled);
  if (!dmks.ok()) return fail(dmks.error());
  out.dmks = std::move(*dmks);

  auto transactions = read_transactions(doc.at("transactions"));
  if (!transactions.ok()) return fail(transactions.error());
  out.key_download = transactions->first;
  out.program_download = transactions->second;

  auto slots = members::read_slots(doc.at("slots"));  // REQ-CONF-010, REQ-KEY-025
  if (!slots.ok()) return fail(slots.error());
  out.slots = std::move(*slots);

  auto chunk = members::read_max_chunk(doc.at("maxChunk"));
  if (!chunk.ok()) return fail(chunk.error());
  out.max_chunk = *chunk;

  auto device = members::read_device_members(doc);
  if (!device.ok()) return fail(device.error());
  out.hardware_id = std::move(device->hardware_id);
  out.firmware_id = std::move(device->firmware_id);
  out.master = std::move(device->master);

  if (doc.contains("sessionSeconds")) {  // REQ-CONF-010, REQ-CONF-006
    auto seconds = members::read_session_seconds(doc.at("sessionSeconds"), "REQ-CONF-006");
    if (!seconds.ok()) return fail(seconds.error());
    out.session_seconds = *seconds;
  }

  if (doc.contains("tpdu")) {  // REQ-CONF-012
    auto t = read_tpdu(doc.at("tpdu"));
    if (!t.ok()) return fail(t.error());
    out.tpdu = *t;
  }

  if (doc.contains("disabled")) {
    auto d = read_disabled(disabled);
    if (!d.ok()) return fail(d.error());
    out.disabled = std::move(*d);
  }
  return out;
}

// The parsed tree held the DMKs' hex; wipe it before the tree is freed (REQ-CONF-011, REQ-KEY-024's spirit).
template <class Json>
void wipe_dmks(Json& doc) {
  if (!doc.is_object() || !doc.contains("dmks") || !doc["dmks"].is_object()) return;
  for (auto& value : doc["dmks"]) members::wipe_string(value);
}

}  // namespace

Result<TerminalProfile, std::string> read_terminal_profile(std::string_view text, bool legacy_enabled) {
  if (text.size() > kMaxTerminalProfileSize) {  // REQ-CONF-010
    return fail("the terminal profile is " + std::to_string(text.size()) + " octets, more than " +
                std::to_string(kMaxTerminalProfileSize));
  }
  // REQ-CONF-010: nlohmann::json throws; nothing escapes this function. A member named twice is an
  // error, as in every JSON file the project reads (strict_json.h).
  try {
    auto parsed = parse_strict_json(text);
    if (!parsed.ok()) return fail(parsed.error());
    json& doc = *parsed;
    // "disabled" is kept in file order, which nlohmann::json does not keep: the same text, read again
    // (it parsed once, so it parses again) into an ordered tree, of which only "disabled" is kept.
    ordered_json disabled;
    if (doc.is_object() && doc.contains("disabled")) {
      auto ordered = parse_strict<ordered_json>(text);
      if (!ordered.ok()) return fail(std::string("not a readable terminal profile"));
      disabled = (*ordered)["disabled"];
      wipe_dmks(*ordered);
    }
    auto out = read_profile(doc, disabled, legacy_enabled);
    wipe_dmks(doc);
    return out;
  } catch (const std::exception&) {
    return fail(std::string("not a readable terminal profile"));
  } catch (...) {
    return fail(std::string("not a readable terminal profile"));
  }
}

}  // namespace tmsproto::config
