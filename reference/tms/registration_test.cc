#include "tms/registration.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "sim/estate.h"

namespace tmsproto::tms {
namespace {

Bytes H(std::string_view hex) { return *from_hex(hex); }

// Checks REQ-KEY-001: the KCV of 0123456789abcdef is d5d44f (FIPS 81 key; E(K, 0) = d5d44ff7...,
// the published DES answer used in vectors/kcv.json); a second terminal with that DMK is refused.
TEST(Registration, SecondTerminalWithTheSameDmkIsRefused) {
  const Bytes dmk = H("0123456789abcdef");
  auto first = check_dmk_unique(Profile::kLegacy, dmk, {});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(to_hex(*first), "d5d44f");
  EXPECT_EQ(check_dmk_unique(Profile::kLegacy, dmk, {*first}).error(), RegistrationError::kDuplicateDmk);
  EXPECT_TRUE(check_dmk_unique(Profile::kLegacy, H("fedcba9876543210"), {*first}).ok());
}

TEST(Registration, KeyOfTheWrongLengthIsRefused) {
  EXPECT_EQ(check_dmk_unique(Profile::kAes128, Bytes(8, 1), {}).error(), RegistrationError::kBadKey);
  EXPECT_EQ(check_dmk_unique(Profile::kTdes, Bytes(24, 1), {}).error(), RegistrationError::kBadKey);
}

// Checks REQ-KEY-005: the estate report lists every terminal's KCV and algorithm, never a key.
TEST(Registration, EstateReportListsCheckValuesNotKeys) {
  auto estate = sim::make_estate(sim::EstateOptions{});
  const auto report = estate->registry.estate_report();
  ASSERT_EQ(report.size(), 1u);
  const std::string text = format_estate_report(report);
  EXPECT_NE(text.find(to_hex(report[0].dmk_check_value)), std::string::npos);
  EXPECT_NE(text.find("AES128"), std::string::npos);
  EXPECT_EQ(text.find(to_hex(estate->terminal_config.dmk.view())), std::string::npos);
  EXPECT_EQ(report[0].dmk_check_value.size(), 5u);
}

TEST(Registration, RegistryRefusesASharedDmk) {
  auto estate = sim::make_estate(sim::EstateOptions{});
  TerminalRecord copy;
  copy.profile = estate->terminal_config.profile;
  copy.dmk = estate->terminal_config.dmk.clone();
  EXPECT_EQ(estate->registry.register_terminal({"VEND0001", "POS-X1", "OTHER1"}, std::move(copy)).error(),
            RegistrationError::kDuplicateDmk);
}

}  // namespace
}  // namespace tmsproto::tms
