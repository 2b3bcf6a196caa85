#include "config/terminal_profile.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tmsproto::config {
namespace {

using nlohmann::ordered_json;

// Clearly fake test DMKs: counting octets, each profile's length (spec/conformance.md C.3).
constexpr const char* kTdesDmk = "000102030405060708090A0B0C0D0E0F";
constexpr const char* kAes128Dmk = "101112131415161718191a1b1c1d1e1f";
constexpr const char* kAes256Dmk = "202122232425262728292A2B2C2D2E2F303132333435363738393a3b3c3d3e3f";
constexpr const char* kLegacyDmk = "4041424344454647";

// A full terminal profile as section C.3 describes it, every member present, written by hand.
constexpr const char* kExample = R"({
  "format": 1,
  "vendorId": "ACME0001",
  "modelId": "POS-9000",
  "serialNo": "SN-000123",
  "dmks": {
    "TDES": "000102030405060708090A0B0C0D0E0F",
    "AES128": "101112131415161718191a1b1c1d1e1f",
    "AES256": "202122232425262728292A2B2C2D2E2F303132333435363738393a3b3c3d3e3f"
  },
  "transactions": ["program", "key"],
  "slots": [{"slot": "PIN", "algorithm": "A", "length": 16}],
  "maxChunk": 1024,
  "hardwareId": "ACME-HW-2",
  "firmwareId": "ACMEOS-3.1",
  "masterApplication": {"name": "ACME-MASTER", "version": 7},
  "sessionSeconds": 120,
  "disabled": {
    "tdes.resume_*": "the IUT resumes only in AES profiles",
    "handshake.clock_?": "no clock on this model"
  }
})";

Bytes counting(std::uint8_t first, std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(first + i);
  return b;
}

Bytes bytes_of(const crypto::SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

std::string error_of(const std::string& text, bool legacy_enabled = false) {
  const auto r = read_terminal_profile(text, legacy_enabled);
  return r.ok() ? std::string("(accepted)") : r.error();
}

// The example with one member changed, or removed with `remove`.
std::string with_member(const std::string& member, const ordered_json& value, bool remove = false) {
  auto doc = ordered_json::parse(kExample);
  if (remove) doc.erase(member);
  else doc[member] = value;
  return doc.dump(2);
}

std::string with_dmks(const ordered_json& dmks) { return with_member("dmks", dmks); }

// Checks REQ-CONF-010: a profile with every member of the table is read member by member.
TEST(TerminalProfile, AnExampleProfileIsReadWithEveryMember) {
  const auto r = read_terminal_profile(kExample, false);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->id, (codec::Identity{"ACME0001", "POS-9000", "SN-000123"}));
  ASSERT_EQ(r->dmks.size(), 3U);
  EXPECT_EQ(bytes_of(r->dmks.at(Profile::kTdes)), counting(0x00, 16));
  EXPECT_EQ(bytes_of(r->dmks.at(Profile::kAes128)), counting(0x10, 16));
  EXPECT_EQ(bytes_of(r->dmks.at(Profile::kAes256)), counting(0x20, 32));
  EXPECT_TRUE(r->key_download);
  EXPECT_TRUE(r->program_download);
  ASSERT_EQ(r->slots.size(), 1U);
  EXPECT_EQ(r->slots.at(0x02), (profile::SlotRule{"P0", 'A', 'E', 16}));  // the standard slot PIN
  EXPECT_EQ(r->max_chunk, 1024);
  EXPECT_EQ(r->hardware_id, "ACME-HW-2");
  EXPECT_EQ(r->firmware_id, "ACMEOS-3.1");
  EXPECT_EQ(r->master, (FactoryMaster{"ACME-MASTER", 7}));
  EXPECT_EQ(r->session_seconds, 120);
  // In the file's order, not sorted.
  EXPECT_EQ(r->disabled, (std::vector<DisabledScenario>{{"tdes.resume_*", "the IUT resumes only in AES profiles"},
                                                        {"handshake.clock_?", "no clock on this model"}}));
}

// Checks REQ-CONF-010: the optional members may be left out, and take their defaults.
TEST(TerminalProfile, OptionalMembersMayBeLeftOut) {
  auto doc = ordered_json::parse(kExample);
  doc.erase("masterApplication");
  doc.erase("sessionSeconds");
  doc.erase("disabled");
  doc["transactions"] = {"program"};
  doc["dmks"] = {{"AES128", kAes128Dmk}};
  const auto r = read_terminal_profile(doc.dump(), false);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_FALSE(r->master.has_value());
  EXPECT_EQ(r->session_seconds, 60);
  EXPECT_TRUE(r->disabled.empty());
  EXPECT_FALSE(r->key_download);
  EXPECT_TRUE(r->program_download);
  ASSERT_EQ(r->dmks.size(), 1U);
  EXPECT_EQ(bytes_of(r->dmks.at(Profile::kAes128)), counting(0x10, 16));
}

// Checks REQ-CONF-010: text that is not JSON by the strict rules, too long, or not an object.
TEST(TerminalProfile, NotJsonTooLongNotAnObjectOrAMemberTwiceIsRefused) {
  EXPECT_EQ(error_of(""), "not JSON: syntax error at octet 1");
  EXPECT_EQ(error_of("[1]"), "the terminal profile must be a JSON object");
  EXPECT_EQ(error_of(std::string(kMaxTerminalProfileSize + 1, ' ')),
            "the terminal profile is 65537 octets, more than 65536");
  std::string twice = kExample;
  twice.insert(twice.find("\"format\""), "\"dmks\": {},\n  ");
  EXPECT_EQ(error_of(twice), "member \"dmks\" appears twice in one object");
  std::string twice_inside = kExample;
  twice_inside.insert(twice_inside.find("\"TDES\""), "\"AES128\": \"00\",\n    ");
  EXPECT_EQ(error_of(twice_inside), "member \"AES128\" appears twice in one object");
}

// Checks REQ-CONF-010: every defect of the table is refused with one line naming the member.
TEST(TerminalProfile, RefusesEachDefectWithOneLineNamingTheMember) {
  const std::string transactions = "transactions: must be an array of 1 to 2 distinct strings of \"key\", \"program\"";
  const std::string seconds = "sessionSeconds: must be an integer 5-3600 (REQ-CONF-006)";
  const std::string chunk = "maxChunk: must be an integer 256-4096 (REQ-MSG-080)";
  const std::string not_a_profile = "is not a profile; must be one of \"LEGACY\", \"TDES\", \"AES128\", \"AES256\"";
  const std::string aes128 = "dmks.AES128: must be 32 hex digits, a 16-octet key of profile AES128";
  const std::string tpdu = "tpdu: must be 10 hex digits, 60 then DEST_NII and SRC_NII of 4 decimal digits each (REQ-CONF-012)";
  const std::string pattern = " must be a scenario name or glob of characters a-z 0-9 _ - . * ? (REQ-CONF-020)";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with_member("colour", "red"), "unknown member \"colour\""},
      {with_member("tpdu", 6000030000LL), tpdu},
      {with_member("tpdu", "600003000"), tpdu},     // nine digits
      {with_member("tpdu", "60000300000"), tpdu},   // eleven
      {with_member("tpdu", "6100030000"), tpdu},    // TPDU_ID 0x61 (REQ-FRAME-030)
      {with_member("tpdu", "60000A0000"), tpdu},    // DEST_NII not BCD (REQ-FRAME-031)
      {with_member("tpdu", "600003000F"), tpdu},    // SRC_NII not BCD
      {with_member("tpdu", "60 0003 0000"), tpdu},
      {with_member("tpdu", ""), tpdu},
      {with_member("format", 2), "format: must be 1"},
      {with_member("format", "1"), "format: must be 1"},
      {with_member("vendorId", "ACME 01"), "vendorId: must be 1 to 8 characters 0-9 A-Z a-z (REQ-MSG-010)"},
      {with_member("modelId", ""), "modelId: must be 1 to 16 characters 0x21-0x7E (REQ-MSG-010)"},
      {with_member("serialNo", 123), "serialNo: must be 1 to 32 characters 0x21-0x7E (REQ-MSG-010)"},
      {with_member("dmks", ordered_json::array()), "dmks: must be an object of profile words to DMKs in hex"},
      {with_member("dmks", kAes128Dmk), "dmks: must be an object of profile words to DMKs in hex"},
      {with_dmks(ordered_json::object()), "dmks: must hold the DMK of at least one profile"},
      {with_dmks({{"DES", kTdesDmk}}), "dmks: \"DES\" " + not_a_profile},
      {with_dmks({{"aes128", kAes128Dmk}}), "dmks: \"aes128\" " + not_a_profile},
      {with_dmks({{"TDES", "0001020304050607"}}), "dmks.TDES: must be 32 hex digits, a 16-octet key of profile TDES"},
      {with_dmks({{"AES128", kAes256Dmk}}), aes128},
      {with_dmks({{"AES128", "101112131415161718191a1b1c1d1e1g"}}), aes128},
      {with_dmks({{"AES128", 1234}}), aes128},
      {with_dmks({{"AES256", kAes128Dmk}}), "dmks.AES256: must be 64 hex digits, a 32-octet key of profile AES256"},
      {with_member("transactions", ordered_json::array()), transactions},
      {with_member("transactions", "key"), transactions},
      {with_member("transactions", {"key", "key"}), transactions},
      {with_member("transactions", {"key", "download"}), transactions},
      {with_member("transactions", {"key", "program", "key"}), transactions},
      {with_member("transactions", {"KEY"}), transactions},
      {with_member("transactions", {1}), transactions},
      {with_member("slots", ordered_json::object()), "slots: must be an array"},
      {with_member("slots", ordered_json::array({{{"slot", 0}, {"algorithm", "A"}, {"length", 16}}})),
       "slots[0].slot: 0 is the DSK's slot (REQ-KEY-030)"},
      {with_member("maxChunk", 255), chunk},
      {with_member("maxChunk", 4097), chunk},
      {with_member("maxChunk", "1024"), chunk},
      {with_member("hardwareId", ""), "hardwareId: must be 1 to 32 characters 0x21-0x7E (REQ-MSG-010)"},
      {with_member("firmwareId", std::string(33, 'F')), "firmwareId: must be 1 to 32 characters 0x21-0x7E (REQ-MSG-010)"},
      {with_member("masterApplication", "ACME-MASTER"), "masterApplication: must be an object"},
      {with_member("masterApplication", {{"name", "M"}, {"version", 0}}),
       "masterApplication.version: must be an integer 1-4294967295"},
      {with_member("masterApplication", {{"name", "M"}}), "masterApplication: missing member \"version\""},
      {with_member("sessionSeconds", 4), seconds},
      {with_member("sessionSeconds", 3601), seconds},
      {with_member("sessionSeconds", 60.5), seconds},
      {with_member("sessionSeconds", "60"), seconds},
      {with_member("disabled", ordered_json::array()), "disabled: must be an object of scenario names or globs to reasons"},
      {with_member("disabled", {{"handshake.*", ""}}), "disabled.handshake.*: the reason must be a non-empty string"},
      {with_member("disabled", {{"handshake.*", 1}}), "disabled.handshake.*: the reason must be a non-empty string"},
      {with_member("disabled", {{"Handshake.x", "why"}}), "disabled: \"Handshake.x\"" + pattern},
      {with_member("disabled", {{"handshake x", "why"}}), "disabled: \"handshake x\"" + pattern},
      {with_member("disabled", {{"", "why"}}), "disabled: \"\"" + pattern},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(error_of(text), expected) << text;
  for (const char* member : {"format", "vendorId", "modelId", "serialNo", "dmks", "transactions", "slots", "maxChunk",
                             "hardwareId", "firmwareId"}) {
    EXPECT_EQ(error_of(with_member(member, nullptr, true)), "missing member \"" + std::string(member) + "\"");
  }
}

// Checks REQ-CONF-012: "tpdu" read as the TPDU the terminal sends, each NII four BCD digits in two
// octets (REQ-FRAME-031: NII 3 as 00 03, NII 800 as 08 00); no member, no TPDU.
TEST(TerminalProfile, TpduIsReadAsTheTerminalSendsIt) {
  const auto none = read_terminal_profile(kExample, false);
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_FALSE(none->tpdu.has_value());
  const auto r = read_terminal_profile(with_member("tpdu", "6000030800"), false);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_TRUE(r->tpdu.has_value());
  EXPECT_EQ(r->tpdu->destination, (codec::Nii{0x00, 0x03}));
  EXPECT_EQ(r->tpdu->source, (codec::Nii{0x08, 0x00}));
  const auto edges = read_terminal_profile(with_member("tpdu", "6099990000"), false);
  ASSERT_TRUE(edges.ok()) << edges.error();
  EXPECT_EQ(edges->tpdu->destination, (codec::Nii{0x99, 0x99}));
  EXPECT_EQ(edges->tpdu->source, (codec::Nii{0x00, 0x00}));
}

// Checks REQ-CONF-010: the bounds of the ranges are inside them.
TEST(TerminalProfile, RangeBoundsAreAccepted) {
  for (int s : {5, 3600}) {
    const auto r = read_terminal_profile(with_member("sessionSeconds", s), false);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->session_seconds, s);
  }
  for (int c : {256, 4096}) {
    const auto r = read_terminal_profile(with_member("maxChunk", c), false);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->max_chunk, c);
  }
  const auto key_only = read_terminal_profile(with_member("transactions", {"key"}), false);
  ASSERT_TRUE(key_only.ok()) << key_only.error();
  EXPECT_TRUE(key_only->key_download);
  EXPECT_FALSE(key_only->program_download);
}

// Checks REQ-CONF-010, REQ-CRYPTO-020: LEGACY in "dmks" only with --enable-legacy.
TEST(TerminalProfile, LegacyNeedsTheFlag) {
  const std::string text = with_dmks({{"LEGACY", kLegacyDmk}, {"AES128", kAes128Dmk}});
  EXPECT_EQ(error_of(text, false), "dmks.LEGACY: the LEGACY profile needs --enable-legacy (REQ-CRYPTO-020)");
  const auto r = read_terminal_profile(text, true);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(bytes_of(r->dmks.at(Profile::kLegacy)), counting(0x40, 8));
  EXPECT_EQ(bytes_of(r->dmks.at(Profile::kAes128)), counting(0x10, 16));
  EXPECT_EQ(error_of(with_dmks({{"LEGACY", kTdesDmk}}), true),
            "dmks.LEGACY: must be 16 hex digits, an 8-octet key of profile LEGACY");
  // Without LEGACY the flag changes nothing.
  EXPECT_TRUE(read_terminal_profile(kExample, true).ok());
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Checks REQ-CONF-011: a refusal never carries a DMK, the one at fault or another.
TEST(TerminalProfile, NoDmkValueAppearsInAnyError) {
  const std::string secret = "c0ffeec0ffeec0ffeec0ffeec0ffee";  // 30 digits: one octet short of AES128
  const std::vector<std::string> texts = {
      with_dmks({{"AES128", secret}}),
      with_dmks({{"AES128", secret + "zz"}}),
      with_dmks({{"TDES", secret + "0"}}),
      with_dmks({{"AES256", secret + secret}}),
      with_dmks({{"LEGACY", "c0ffeec0ffeec0ff"}, {"AES128", secret + "00"}}),
      with_dmks({{"DES", secret + "00"}}),
      with_member("colour", secret),
      with_member("vendorId", secret),
      with_member("disabled", {{"a.b", ""}}),
      with_member("sessionSeconds", 1),
      std::string(kExample).substr(0, std::string(kExample).find("AES256")),
  };
  for (const std::string& text : texts) {
    for (bool legacy : {false, true}) {
      const std::string e = lower(error_of(text, legacy));
      EXPECT_EQ(e.find("c0ffee"), std::string::npos) << e;
      for (const char* dmk : {kTdesDmk, kAes128Dmk, kAes256Dmk, kLegacyDmk}) {
        EXPECT_EQ(e.find(lower(dmk).substr(0, 12)), std::string::npos) << e;
      }
    }
  }
}

// Checks REQ-CONF-010: every prefix of a good profile is refused with one line.
TEST(TerminalProfile, TruncatedProfilesGiveOneLineEach) {
  const std::string text = kExample;
  for (std::size_t n = 0; n < text.size(); n += 5) {
    const auto r = read_terminal_profile(text.substr(0, n), false);
    ASSERT_FALSE(r.ok());
    EXPECT_FALSE(r.error().empty());
    EXPECT_EQ(r.error().find('\n'), std::string::npos);
  }
}

void expect_one_line_or_profile(const std::string& text, bool legacy) {
  const auto r = read_terminal_profile(text, legacy);
  if (!r.ok()) {
    RC_ASSERT(!r.error().empty());
    RC_ASSERT(r.error().find('\n') == std::string::npos);
  }
}

// Checks REQ-CONF-010: arbitrary text never throws; a refusal is one non-empty line.
RC_GTEST_PROP(TerminalProfile, ArbitraryTextGivesAProfileOrOneLine, (const std::string& text, bool legacy)) {
  expect_one_line_or_profile(text, legacy);
}

// Checks REQ-CONF-010: the example with octets changed, inserted or removed gives a profile or one line.
RC_GTEST_PROP(TerminalProfile, AMutatedExampleGivesAProfileOrOneLine, (bool legacy)) {
  std::string text = kExample;
  const auto edits = *rc::gen::inRange(1, 6);
  for (int i = 0; i < edits; ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
    const char c = *rc::gen::elementOf(std::string("{}[]\":,0123456789abcdefABCDEF-*? \n\\\x7f\xc3"));
    switch (*rc::gen::inRange(0, 3)) {
      case 0: text[at] = c; break;
      case 1: text.insert(at, 1, c); break;
      default: text.erase(at, 1); break;
    }
  }
  expect_one_line_or_profile(text, legacy);
}

}  // namespace
}  // namespace tmsproto::config
