#include "config/tms_profile.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

namespace tmsproto::config {
namespace {

using nlohmann::ordered_json;

// Clearly fake test DMKs: counting octets, each profile's length.
constexpr const char* kTdesDmk = "000102030405060708090A0B0C0D0E0F";
constexpr const char* kAes128Dmk = "101112131415161718191a1b1c1d1e1f";
constexpr const char* kPublicKey =
    "04"
    "1111111111111111111111111111111111111111111111111111111111111111"
    "2222222222222222222222222222222222222222222222222222222222222222";

// A full TMS profile as section C.10.1 describes it, every member present.
ordered_json example() {
  return ordered_json::parse(std::string(R"({
    "format": 1,
    "vendorId": "ACME0001",
    "modelId": "POS-9000",
    "terminals": {
      "TDES": {"serialNo": "SN-T-1", "dmk": ")") + kTdesDmk + R"("},
      "AES128": {"serialNo": "SN-A-1", "dmk": ")" + kAes128Dmk + R"("}
    },
    "operatorId": "OP01",
    "keySetId": "TMK00001",
    "slots": [{"slot": "TMK", "algorithm": "T", "length": 16}],
    "vendorPublicKey": ")" + kPublicKey + R"(",
    "maxChunk": 1024,
    "unattended": true,
    "sessionSeconds": 30,
    "disabled": {"download.resume": "no second package slot on this TMS"}
  })");
}

std::string error_of(const ordered_json& doc) {
  const auto r = read_tms_profile(doc.dump());
  return r.ok() ? std::string("(accepted)") : r.error();
}

// REQ-CONF-060: every member of the table read into its field.
TEST(TmsProfile, ReadsEveryMemberOfTheTable) {
  const auto r = read_tms_profile(example().dump(2));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->vendor_id, "ACME0001");
  EXPECT_EQ(r->model_id, "POS-9000");
  ASSERT_EQ(r->terminals.size(), 2u);
  EXPECT_EQ(r->terminals.at(Profile::kTdes).serial_no, "SN-T-1");
  EXPECT_EQ(r->terminals.at(Profile::kAes128).dmk.size(), 16u);
  EXPECT_EQ(r->operator_id, "OP01");
  EXPECT_EQ(r->key_set_id, "TMK00001");
  EXPECT_EQ(r->slots.size(), 1u);
  EXPECT_EQ(r->vendor_public_key.size(), 65u);
  EXPECT_EQ(r->max_chunk, 1024);
  EXPECT_TRUE(r->unattended);
  EXPECT_EQ(r->session_seconds, 30);
  ASSERT_EQ(r->disabled.size(), 1u);
  EXPECT_EQ(r->disabled[0].pattern, "download.resume");
}

// REQ-CONF-060: the optional members take their defaults.
TEST(TmsProfile, OptionalMembersDefault) {
  auto doc = example();
  doc.erase("unattended");
  doc.erase("sessionSeconds");
  doc.erase("disabled");
  const auto r = read_tms_profile(doc.dump());
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_FALSE(r->unattended);
  EXPECT_EQ(r->session_seconds, 60);
  EXPECT_TRUE(r->disabled.empty());
}

// REQ-CONF-060: one line per defect, naming the member at fault, and never a DMK.
TEST(TmsProfile, RefusesEachDefectWithOneLineNamingTheMember) {
  struct Case {
    const char* what;
    void (*edit)(ordered_json&);
    const char* names;
  };
  const Case cases[] = {
      {"format 2", [](ordered_json& d) { d["format"] = 2; }, "format"},
      {"unknown member", [](ordered_json& d) { d["tpdu"] = "6000030000"; }, "tpdu"},
      {"missing keySetId", [](ordered_json& d) { d.erase("keySetId"); }, "keySetId"},
      {"vendorId too long", [](ordered_json& d) { d["vendorId"] = "ACME00012"; }, "vendorId"},
      {"LEGACY terminal", [](ordered_json& d) { d["terminals"]["LEGACY"] = {{"serialNo", "S"}, {"dmk", "0001020304050607"}}; },
       "LEGACY"},
      {"no terminal", [](ordered_json& d) { d["terminals"] = ordered_json::object(); }, "terminals"},
      {"short DMK", [](ordered_json& d) { d["terminals"]["TDES"]["dmk"] = "0001020304050607"; }, "terminals.TDES.dmk"},
      {"terminal member unknown", [](ordered_json& d) { d["terminals"]["AES128"]["pin"] = "1"; }, "terminals.AES128"},
      {"terminal without serial", [](ordered_json& d) { d["terminals"]["AES128"].erase("serialNo"); }, "serialNo"},
      {"operator of nine", [](ordered_json& d) { d["operatorId"] = "OPERATOR9"; }, "operatorId"},
      {"compressed key", [](ordered_json& d) { d["vendorPublicKey"] = "02" + std::string(64, '1'); }, "vendorPublicKey"},
      {"chunk 100", [](ordered_json& d) { d["maxChunk"] = 100; }, "maxChunk"},
      {"unattended string", [](ordered_json& d) { d["unattended"] = "yes"; }, "unattended"},
      {"sessionSeconds 4", [](ordered_json& d) { d["sessionSeconds"] = 4; }, "sessionSeconds"},
      {"empty reason", [](ordered_json& d) { d["disabled"]["honest.*"] = ""; }, "disabled"},
  };
  for (const Case& c : cases) {
    auto doc = example();
    c.edit(doc);
    const std::string e = error_of(doc);
    EXPECT_NE(e, "(accepted)") << c.what;
    EXPECT_NE(e.find(c.names), std::string::npos) << c.what << ": " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << c.what;
    EXPECT_EQ(e.find(kTdesDmk), std::string::npos) << c.what;
    EXPECT_EQ(e.find(kAes128Dmk), std::string::npos) << c.what;
  }
}

// REQ-CONF-060: not JSON by the strict rules, a member twice, or too long.
TEST(TmsProfile, RefusesWhatIsNotAStrictDocument) {
  EXPECT_FALSE(read_tms_profile("{").ok());
  EXPECT_FALSE(read_tms_profile("[]").ok());
  EXPECT_FALSE(read_tms_profile(R"({"format": 1, "format": 1})").ok());
  EXPECT_FALSE(read_tms_profile(std::string(kMaxTmsProfileSize + 1, ' ')).ok());
}

}  // namespace
}  // namespace tmsproto::config
