#include "config/terminal_injection.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/estate.h"

namespace tmsproto::config {
namespace {

// An estate's terminal as its injection; estates are made once per profile (each costs PBKDF2 runs).
TerminalInjection estate_injection(Profile p = Profile::kAes128) {
  static std::map<Profile, std::unique_ptr<sim::Estate>> estates;
  auto& e = estates[p];
  if (!e) {
    sim::EstateOptions o;
    o.profile = p;
    o.with_operator = false;
    e = sim::make_estate(o);
  }
  return TerminalInjection{clone(e->terminal_config), "SIM-POS-R1", "SIMOS-1.0", FactoryMaster{"TMSP-MASTER", 1}};
}

std::string error_of(const std::string& text) {
  const auto r = read_terminal_injection(text);
  return r.ok() ? std::string("(accepted)") : r.error();
}

// The written file with one member changed (or removed, with a null `value` and `remove`).
std::string with_member(const std::string& member, const nlohmann::json& value, bool remove = false) {
  auto doc = nlohmann::ordered_json::parse(write_terminal_injection(estate_injection()));
  if (remove) doc.erase(member);
  else doc[member] = value;
  return doc.dump(2);
}

void expect_same(const terminal::Config& a, const terminal::Config& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.profile, b.profile);
  EXPECT_EQ(Bytes(a.dmk.view().begin(), a.dmk.view().end()), Bytes(b.dmk.view().begin(), b.dmk.view().end()));
  EXPECT_EQ(a.legacy_enabled, b.legacy_enabled);
  EXPECT_EQ(a.vendor_public_key, b.vendor_public_key);
  ASSERT_EQ(a.signers.size(), b.signers.size());
  for (const auto& [id, s] : a.signers) {
    EXPECT_EQ(s.public_key, b.signers.at(id).public_key);
    EXPECT_EQ(s.kinds, b.signers.at(id).kinds);
  }
  EXPECT_EQ(a.slots, b.slots);
  EXPECT_EQ(a.max_chunk, b.max_chunk);
}

// Checks REQ-DEV-001, REQ-DEV-004: what the TMS side writes, the terminal reads back unchanged, in
// every profile, the slot table and pinned signers included.
TEST(TerminalInjection, WrittenFileReadsBackTheSameConfigInEveryProfile) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    const TerminalInjection in = estate_injection(p);
    const auto out = read_terminal_injection(write_terminal_injection(in));
    ASSERT_TRUE(out.ok()) << out.error();
    expect_same(in.config, out->config);
    EXPECT_EQ(out->hardware_id, "SIM-POS-R1");
    EXPECT_EQ(out->firmware_id, "SIMOS-1.0");
    EXPECT_EQ(out->master, in.master);
  }
}

// Checks REQ-CONF-043: no member of the injection file reaches the reference terminal's fault
// switches: a `faults` member is refused as any member the table does not list, and a file read
// has none on.
TEST(TerminalInjection, NoMemberSwitchesAFaultOn) {
  EXPECT_EQ(error_of(with_member("faults", nlohmann::json::array({"skip-tac-check"}))), "unknown member \"faults\"");
  const auto read = read_terminal_injection(write_terminal_injection(estate_injection()));
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_TRUE(read->config.faults.empty());
}

// Checks REQ-DEV-003: the file says what it is, and one without the notice is refused.
TEST(TerminalInjection, FileCarriesTheTestKeyNoticeAndOneWithoutItIsRefused) {
  const std::string text = write_terminal_injection(estate_injection());
  EXPECT_NE(text.find("\"notice\": \"TEST KEY FILE"), std::string::npos);
  EXPECT_EQ(error_of(with_member("notice", "", true)), "missing member \"notice\"");
  EXPECT_EQ(error_of(with_member("notice", "production keys")).substr(0, 26), "notice: must be exactly \"T");
}

// Checks REQ-DEV-002: text that is not JSON, too long, not an object, or with a member twice.
TEST(TerminalInjection, NotJsonTooLongOrDuplicateMemberIsRefused) {
  EXPECT_EQ(error_of(""), "not JSON: syntax error at octet 1");
  EXPECT_EQ(error_of("[1]"), "the injection file must be a JSON object");
  EXPECT_EQ(error_of(std::string(kMaxTerminalInjectionSize + 1, ' ')), "the injection file is 65537 octets, more than 65536");
  std::string twice = write_terminal_injection(estate_injection());
  twice.insert(twice.find("\"format\""), "\"dmk\": \"00\",\n  ");
  EXPECT_EQ(error_of(twice), "member \"dmk\" appears twice in one object");
  EXPECT_EQ(error_of(with_member("colour", "red")), "unknown member \"colour\"");
}

// Checks REQ-DEV-002, REQ-DEV-004: one clear line per defective member.
TEST(TerminalInjection, EachDefectiveMemberIsNamed) {
  EXPECT_EQ(error_of(with_member("format", 2)), "format: must be 1");
  EXPECT_EQ(error_of(with_member("vendorId", "ACME 01")), "vendorId: must be 1 to 8 characters 0-9 A-Z a-z (REQ-MSG-010)");
  EXPECT_EQ(error_of(with_member("serialNo", "")), "serialNo: must be 1 to 32 characters 0x21-0x7E (REQ-MSG-010)");
  EXPECT_EQ(error_of(with_member("profile", "DES")),
            "profile: must be one of \"LEGACY\", \"TDES\", \"AES128\", \"AES256\"");
  EXPECT_EQ(error_of(with_member("dmk", "00112233")),
            "dmk: must be 32 hex digits, a 16-octet key of profile AES128");
  EXPECT_EQ(error_of(with_member("legacy", "no")), "legacy: must be true or false");
  EXPECT_EQ(error_of(with_member("vendorPublicKey", "04")),
            "vendorPublicKey: must be 130 hex digits, an uncompressed P-256 point starting 04");
  EXPECT_EQ(error_of(with_member("maxChunk", 100000)), "maxChunk: must be an integer 256-4096 (REQ-MSG-080)");
  EXPECT_EQ(error_of(with_member("hardwareId", std::string(33, 'H'))),
            "hardwareId: must be 1 to 32 characters 0x21-0x7E (REQ-MSG-010)");
  EXPECT_EQ(error_of(with_member("masterApplication", {{"name", "M"}, {"version", 0}})),
            "masterApplication.version: must be an integer 1-4294967295");
  EXPECT_EQ(error_of(with_member("signers", nlohmann::json::array({{{"signerId", "ACQ00001"}, {"publicKey", "04"}, {"kinds", "P"}}}))),
            "signers[0].publicKey: must be 130 hex digits, an uncompressed P-256 point starting 04");
  const auto good_key = nlohmann::json::parse(write_terminal_injection(estate_injection()))["vendorPublicKey"];
  EXPECT_EQ(error_of(with_member("signers", nlohmann::json::array({{{"signerId", "ACQ00001"}, {"publicKey", good_key}, {"kinds", "PX"}}}))),
            "signers[0].kinds: must be 1 to 4 distinct letters of A M P D");
}

// Checks REQ-DEV-004, REQ-KEY-025: a slot is read as a key-set definition reads it, so a standard
// slot takes the registry's rule and a wrong slot is named with its index.
TEST(TerminalInjection, SlotsAreReadAsKeySetDefinitionSlots) {
  const auto ok = read_terminal_injection(with_member("slots", nlohmann::json::array({{{"slot", "PIN"}, {"algorithm", "A"}, {"length", 16}}})));
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->config.slots.at(0x02), (profile::SlotRule{"P0", 'A', 'E', 16}));
  EXPECT_EQ(error_of(with_member("slots", nlohmann::json::array({{{"slot", "PIN"}, {"algorithm", "A"}, {"length", 16}},
                                                                  {{"slot", 0}, {"algorithm", "A"}, {"length", 16}}}))),
            "slots[1].slot: 0 is the DSK's slot (REQ-KEY-030)");
  EXPECT_EQ(error_of(with_member("slots", nlohmann::json::array({{{"slot", "PIN"}, {"algorithm", "A"}, {"length", 16}},
                                                                  {{"slot", 2}, {"algorithm", "A"}, {"length", 16}}}))),
            "slots[1].slot: 2 is the standard slot \"PIN\"; write its name");
}

// Checks REQ-DEV-002: no input crashes the reader; each gives a value or one line.
TEST(TerminalInjection, TruncatedFilesGiveOneLineEach) {
  const std::string text = write_terminal_injection(estate_injection());
  for (std::size_t n = 0; n < text.size(); n += 7) {
    const auto r = read_terminal_injection(text.substr(0, n));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace tmsproto::config
