// The master application updates itself (spec/06-download.md section 6.7; patent [0083]): a KIND M
// package is downloaded like any other, written into the slot that is not running, and started at
// the next start; when it does not come up the device falls back, reports it, and is not offered
// the failed version again.
#include <gtest/gtest.h>

#include "codec/terminal_info.h"
#include "sim/estate.h"
#include "sim/loopback.h"

namespace tmsproto::sim {
namespace {

EstateOptions master_update() {
  EstateOptions o;
  o.with_operator = false;
  o.packages = {PackageSpec{codec::PackageKind::kMaster, kMasterApplication, 2, 1500, 512}};
  return o;
}

const codec::TerminalInfo& last_report(const Estate& e) { return e.reports.history.back().report; }

// Checks REQ-DL-050, REQ-DL-051, REQ-DL-053: installed into slot 2 and pending; the running v1 is what
// PKG_ANNOUNCE and TERM_INFO name until the next start; after it the terminal runs v2 from slot 2.
TEST(MasterUpdate, NewVersionGoesToTheOtherSlotAndRunsAfterTheNextStart) {
  auto e = make_estate(master_update());
  ASSERT_EQ(run_session(*e).terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(e->audit.records.back().terminal_result, std::optional(ResponseCode::kSuccess));
  EXPECT_EQ(e->package_store.master_app(), (codec::MasterApp{1, 1, codec::SwitchState::kPending, 2}));
  EXPECT_EQ(e->package_store.installed_version(codec::PackageKind::kMaster, kMasterApplication), 1u);

  // A session before the restart: the pending version is not offered again (REQ-DL-052).
  ASSERT_EQ(run_session(*e).terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(last_report(*e).master_app, (codec::MasterApp{1, 1, codec::SwitchState::kPending, 2}));
  EXPECT_TRUE(e->audit.records.back().offered.empty());

  e->package_store.restart(true);  // it comes up
  ASSERT_EQ(run_session(*e).terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(last_report(*e).master_app, (codec::MasterApp{2, 2, codec::SwitchState::kSettled, 1}));
  EXPECT_EQ(last_report(*e).packages.at(0), (codec::InstalledPackage{codec::PackageKind::kMaster, kMasterApplication, 2}));
  EXPECT_EQ(e->package_store.packages.at({codec::PackageKind::kMaster, kMasterApplication}).content,
            e->vendor().packages.at(0).content);
}

// Checks REQ-DL-051, REQ-DL-052, REQ-DL-053: the new version does not come up; the device falls back
// to v1, reports the fall-back with the failed version, and neither side fetches v2 again — a v3
// is offered and installed.
TEST(MasterUpdate, AVersionThatDoesNotComeUpFallsBackAndIsNotOfferedAgain) {
  auto e = make_estate(master_update());
  ASSERT_EQ(run_session(*e).terminal_state, terminal::State::T_DONE);
  e->package_store.restart(false);  // the "does it start" check fails
  ASSERT_EQ(run_session(*e).terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(last_report(*e).master_app, (codec::MasterApp{1, 1, codec::SwitchState::kFellBack, 2}));
  EXPECT_TRUE(e->audit.records.back().offered.empty());
  EXPECT_EQ(e->package_store.installed_version(codec::PackageKind::kMaster, kMasterApplication), 1u);

  // The vendor publishes v3: it is offered, written to the other slot, and comes up.
  auto& vendor = e->vendor();
  vendor.packages.push_back(make_package(codec::PackageKind::kMaster, kMasterApplication, e->terminal_config.id, 3,
                                         Bytes(700, 0x33), 512, e->vendor_private_key.view(), e->vendor_rng));
  ASSERT_EQ(run_session(*e).terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(e->audit.records.back().offered, (std::vector<std::string>{"M TMSP-MASTER v3"}));
  e->package_store.restart(true);
  EXPECT_EQ(e->package_store.master_app(), (codec::MasterApp{2, 3, codec::SwitchState::kSettled, 1}));
}

// Checks REQ-DL-041: the outcome of each apply is reported in the next session's TERM_INFO.
TEST(MasterUpdate, TheNextReportCarriesTheLastApplyOutcome) {
  EstateOptions o = master_update();
  o.packages.push_back(PackageSpec{codec::PackageKind::kParameters, "PARAMS", 3, 700, 256});
  auto e = make_estate(o);
  e->package_store.fail_apply = true;
  run_session(*e);
  e->package_store.fail_apply = false;
  run_session(*e);
  const auto& applies = e->reports.history.at(1).report.last_apply;
  ASSERT_FALSE(applies.empty());
  EXPECT_EQ(applies.at(0).result, ResponseCode::kApplyFailed);
}

}  // namespace
}  // namespace tmsproto::sim
