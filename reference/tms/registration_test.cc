#include "tms/registration.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "sim/estate.h"

namespace tmsproto::tms {
namespace {

Bytes H(std::string_view hex) { return *from_hex(hex); }
const Bytes kEstateKey(32, 0x42);

// Checks REQ-KEY-001: the fingerprint is KDF(estate key, "TMSP DMK FINGERPRINT", 'D' || DMK, 256),
// here recomputed independently with `openssl kdf -keylen 32 -kdfopt mac:CMAC -kdfopt
// cipher:AES-256-CBC -kdfopt hexkey:4242...42 -kdfopt hexsalt:<label> -kdfopt
// hexinfo:440123456789abcdef KBKDF`; a second terminal with the same DMK is refused, another is not.
TEST(Registration, SecondTerminalWithTheSameDmkIsRefusedOnItsFingerprint) {
  const Bytes dmk = H("0123456789abcdef");
  auto first = check_dmk_unique(kEstateKey, Profile::kLegacy, dmk, {});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(to_hex(*first), "31c7dbfda667dec5b6481a8598358250da5ae2fa52f345f54187ddaadeedb711");
  EXPECT_EQ(check_dmk_unique(kEstateKey, Profile::kLegacy, dmk, {*first}).error(), RegistrationError::kDuplicateDmk);
  EXPECT_TRUE(check_dmk_unique(kEstateKey, Profile::kLegacy, H("fedcba9876543210"), {*first}).ok());
  // The check value stays for people: the published d5d44f (FIPS 81 key, as in vectors/kcv.json).
  EXPECT_EQ(to_hex(*dmk_check_value(Profile::kLegacy, dmk)), "d5d44f");
}

TEST(Registration, KeyOfTheWrongLengthOrAShortEstateKeyIsRefused) {
  EXPECT_EQ(check_dmk_unique(kEstateKey, Profile::kAes128, Bytes(8, 1), {}).error(), RegistrationError::kBadKey);
  EXPECT_EQ(check_dmk_unique(kEstateKey, Profile::kTdes, Bytes(24, 1), {}).error(), RegistrationError::kBadKey);
  EXPECT_EQ(check_dmk_unique(Bytes(16, 1), Profile::kTdes, Bytes(16, 1), {}).error(), RegistrationError::kBadEstateKey);
}

// Checks REQ-OPR-007: the decoy salt is KDF(estate key, "TMSP OPV DECOY", VENDOR_ID || OPERATOR_ID,
// 128), recomputed with the openssl command above (hexinfo: "VEND0001OP09    "); the same ID gets
// the same salt every time, another ID another.
TEST(Registration, DecoySaltIsStablePerOperatorAndMatchesAnIndependentKdf) {
  auto salt = decoy_operator_salt(kEstateKey, "VEND0001", "OP09");
  ASSERT_TRUE(salt.ok());
  EXPECT_EQ(to_hex(*salt), "21f178328ec46553b20be05ada373398");
  EXPECT_EQ(*decoy_operator_salt(kEstateKey, "VEND0001", "OP09"), *salt);
  EXPECT_NE(*decoy_operator_salt(kEstateKey, "VEND0001", "OP10"), *salt);
}

// Checks REQ-KEY-014, REQ-KEY-036: a key set with a key the profile cannot deliver is not registered.
TEST(Registration, KeySetWithAKeyTooStrongForTheProfileIsRefused) {
  const std::vector<KeySetSlot> tdes3 = {{1, profile::SlotRule{"K0", 'T', 'D', 24}}};
  EXPECT_EQ(check_key_set(Profile::kTdes, tdes3).error(), RegistrationError::kUndeliverableKey);
  EXPECT_TRUE(check_key_set(Profile::kAes128, tdes3).ok());
  EXPECT_EQ(check_key_set(Profile::kLegacy, {{1, profile::SlotRule{"K0", 'T', 'D', 16}}}).error(),
            RegistrationError::kUndeliverableKey);
  EXPECT_EQ(check_key_set(Profile::kAes128, {}).error(), RegistrationError::kKeySetSize);  // REQ-MSG-060
}

// Checks REQ-KEY-030, REQ-KEY-031, REQ-KEY-038: a slot rule the registry does not allow is not
// registered, however deliverable its key: single DES, a standard slot with another mode of use, a
// reserved slot, a vendor usage TR-31 cannot express.
TEST(Registration, KeySetWithASlotRuleTheRegistryDoesNotAllowIsRefused) {
  const std::vector<std::vector<KeySetSlot>> refused = {
      {{1, profile::SlotRule{"K0", 'D', 'D', 8}}},
      {{2, profile::SlotRule{"P0", 'A', 'B', 16}}},
      {{0x05, profile::SlotRule{"P0", 'A', 'E', 16}}},
      {{0x80, profile::SlotRule{"k1", 'A', 'D', 16}}}};
  for (const auto& set : refused) {
    EXPECT_EQ(check_key_set(Profile::kAes256, set).error(), RegistrationError::kSlotNotAllowed);
  }
  EXPECT_TRUE(check_key_set(Profile::kAes256, {{0x80, profile::SlotRule{"K1", 'A', 'D', 16}}}).ok());
}

// Checks REQ-KEY-040 with REQ-MSG-060: the slots of a registered key set are strictly ascending.
TEST(Registration, KeySetWithSlotsOutOfOrderOrTwiceIsRefused) {
  const KeySetSlot tmk{1, profile::SlotRule{"K0", 'A', 'D', 16}}, pin{2, profile::SlotRule{"P0", 'A', 'E', 16}};
  EXPECT_TRUE(check_key_set(Profile::kAes128, {tmk, pin}).ok());
  EXPECT_EQ(check_key_set(Profile::kAes128, {pin, tmk}).error(), RegistrationError::kSlotsNotAscending);
  EXPECT_EQ(check_key_set(Profile::kAes128, {tmk, tmk}).error(), RegistrationError::kSlotsNotAscending);
}

// Checks REQ-KEY-037: no PIN, MAC or DATA key stronger than the set's TMK; vendor keys are not held
// to it, and a set without a TMK has no such bound.
TEST(Registration, WorkingKeyStrongerThanTheTmkIsRefused) {
  const KeySetSlot tmk_tdes{1, profile::SlotRule{"K0", 'T', 'D', 16}};
  const KeySetSlot mac_aes{3, profile::SlotRule{"M6", 'A', 'C', 16}};
  EXPECT_EQ(check_key_set(Profile::kAes128, {tmk_tdes, mac_aes}).error(), RegistrationError::kStrongerThanTmk);
  EXPECT_TRUE(check_key_set(Profile::kAes128, {tmk_tdes, {0x80, profile::SlotRule{"K1", 'A', 'D', 16}}}).ok());
  EXPECT_TRUE(check_key_set(Profile::kAes128, {mac_aes}).ok());
}

// Checks REQ-KEY-005: the estate report lists every terminal's KCV and algorithm, never a key.
TEST(Registration, EstateReportListsCheckValuesNotKeys) {
  auto estate = sim::make_estate(sim::EstateOptions{});
  const auto report = estate->estate_report();
  ASSERT_EQ(report.size(), 3u);  // the terminal and its two neighbours of other vendors (REQ-TMS-026)
  const std::string text = format_estate_report(report);
  for (const auto& line : report) {
    EXPECT_NE(text.find(to_hex(line.dmk_check_value)), std::string::npos);
    EXPECT_EQ(line.dmk_check_value.size(), 5u);
  }
  EXPECT_NE(text.find("AES128"), std::string::npos);
  EXPECT_EQ(text.find(to_hex(estate->terminal_config.dmk.view())), std::string::npos);
}

}  // namespace
}  // namespace tmsproto::tms
