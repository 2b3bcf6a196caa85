// The TMS engine served from the SQLite store: whole sessions between the reference terminal and
// tms::Session whose registry, custody, replay cache, reports and audit log are the store's,
// provisioned the way `tmsproto` provisions a real estate.
#include <gtest/gtest.h>

#include <deque>

#include "sim/estate.h"
#include "store/sqlite_sync_counter.h"
#include "store/store_test_support.h"
#include "store/tms_store.h"
#include "terminal/session.h"
#include "testing/deterministic_random.h"
#include "tms/session.h"

namespace tmsproto::store {
namespace {

bool ended(terminal::State s) { return s == terminal::State::T_DONE || s == terminal::State::T_FAILED; }
bool ended(tms::State s) { return s == tms::State::S_DONE || s == tms::State::S_FAILED; }

struct Outcome {
  terminal::State terminal_state{};
  tms::State tms_state{};
  bool keys_installed = false;
};

// One session, every message delivered in order, on the estate's terminal and the store's ports.
Outcome run(sim::Estate& e, TmsStore& store, crypto::RandomSource& tms_rng) {
  terminal::Session term(e.terminal_config, e.terminal_ports());
  tms::Session server(e.tms_config, tms::Ports{e.clock, tms_rng, store.registry(), store.custody(), store.replay(),
                                               e.vendors, store.audit(), store.reports()});
  std::deque<std::pair<bool, Bytes>> queue;  // (from terminal, body)
  auto take = [&](session::Output out, bool from_terminal) {
    for (auto& b : out.send) queue.emplace_back(from_terminal, std::move(b));
  };
  take(term.start(e.command()), true);
  for (std::size_t guard = 0; guard < 100000 && !queue.empty(); ++guard) {
    auto [from_terminal, body] = std::move(queue.front());
    queue.pop_front();
    if (from_terminal && !ended(server.state())) take(server.receive(body), false);
    if (!from_terminal && !ended(term.state())) take(term.receive(body), true);
  }
  return {term.state(), server.state(), term.keys_installed()};
}

// Provisions the estate's terminal, key set and operator in `store`; the terminal gets the DMK the
// store drew, as its injection file would give it.
void provision(sim::Estate& e, TmsStore& store) {
  const codec::Identity& id = e.terminal_config.id;
  ASSERT_TRUE(store.register_vendor(id.vendor_id, e.terminal_config.vendor_public_key, "dir:/unused").ok());
  ASSERT_TRUE(store.register_model(id.vendor_id, id.model_id).ok());
  auto dmk = store.register_terminal({id, e.options.profile, false, false});
  ASSERT_TRUE(dmk.ok()) << dmk.error().message;
  e.terminal_config.dmk = std::move(dmk).value();
  auto ks = store.add_key_set(id, e.key_set_definition);
  ASSERT_TRUE(ks.ok()) << ks.error().message;
  const Bytes pw(e.operator_password.begin(), e.operator_password.end());
  ASSERT_TRUE(store.enrol_operator(id.vendor_id, e.operator_id, pw).ok());
}

// REQ-STORE-007, REQ-KEY-023, REQ-TMS-005: a key download served entirely from the store installs
// the key set at the terminal, records the delivery and the session's audit record and report, and
// a restarted store serves the next session the same way.
TEST(StoreSession, KeyDownloadIsServedFromTheStoreBeforeAndAfterARestart) {
  TempDir dir;
  sim::EstateOptions options;
  options.trans = TransCode::kKeyDownload;
  options.profile = Profile::kAes128;
  auto e = sim::make_estate(options);
  crypto::DeterministicRandom store_rng(31);
  StoreOptions store_options;
  store_options.enrolment_iterations = codec::kMinOpvIterations;
  {
    auto store = TmsStore::open(dir.path(), store_rng, store_options);
    ASSERT_TRUE(store.ok()) << store.error().message;
    provision(*e, **store);
    const Outcome first = run(*e, **store, e->tms_rng);
    EXPECT_EQ(first.tms_state, tms::State::S_DONE);
    EXPECT_EQ(first.terminal_state, terminal::State::T_DONE);
    EXPECT_TRUE(first.keys_installed);
  }
  auto store = TmsStore::open(dir.path(), store_rng, store_options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  e->clock.set(codec::DateTime{2026, 11, 26, 16, 1, 0});
  const Outcome second = run(*e, **store, e->tms_rng);
  EXPECT_EQ(second.tms_state, tms::State::S_DONE);
  EXPECT_TRUE(second.keys_installed);
  auto terminals = (*store)->terminals();
  ASSERT_TRUE(terminals.ok());
  EXPECT_EQ(terminals->front().delivered_key_sets, (std::vector<std::string>{"TMK00001", "TMK00001"}));
  auto audit = (*store)->audit_log();
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ(audit->back().record.outcome, ResponseCode::kSuccess);
  EXPECT_EQ(audit->back().record.trans, TransCode::kKeyDownload);
}

// REQ-DL-042, REQ-STORE-007: a program download served from the store keeps the terminal's report
// (TERM_INFO) as its latest, and the audit record names the vendor database that served it.
TEST(StoreSession, ProgramDownloadKeepsTheTerminalsReport) {
  TempDir dir;
  sim::EstateOptions options;
  options.trans = TransCode::kProgramDownload;
  auto e = sim::make_estate(options);
  crypto::DeterministicRandom store_rng(32);
  StoreOptions store_options;
  store_options.enrolment_iterations = codec::kMinOpvIterations;
  auto store = TmsStore::open(dir.path(), store_rng, store_options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  provision(*e, **store);
  const Outcome outcome = run(*e, **store, e->tms_rng);
  EXPECT_EQ(outcome.tms_state, tms::State::S_DONE);
  EXPECT_EQ(outcome.terminal_state, terminal::State::T_DONE);
  auto latest = (*store)->latest_report(e->terminal_config.id);
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->report.hardware_id, e->device.device.hardware_id);
  auto audit = (*store)->audit_log();
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().record.served_by, e->terminal_config.id.vendor_id);
  EXPECT_FALSE(audit->front().record.offered.empty());
}

// REQ-STORE-008, REQ-STORE-015: a whole program download served from the store asks for one sync
// (its replay entry); the report and the audit record commit relaxed. The count is SQLite's xSync
// requests (sqlite_sync_counter.h), each an fsync on a POSIX system.
TEST(StoreSession, AProgramDownloadSyncsOnceForItsReplayEntry) {
  TempDir dir;
  sim::EstateOptions options;
  options.trans = TransCode::kProgramDownload;
  auto e = sim::make_estate(options);
  crypto::DeterministicRandom store_rng(33);
  StoreOptions store_options;
  store_options.enrolment_iterations = codec::kMinOpvIterations;
  SyncCounter counter;
  auto store = TmsStore::open(dir.path(), store_rng, store_options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  provision(*e, **store);
  const long before = counter.syncs();
  const Outcome outcome = run(*e, **store, e->tms_rng);
  const long syncs = counter.syncs() - before;
  EXPECT_EQ(outcome.tms_state, tms::State::S_DONE);
  RecordProperty("syncs_per_session", std::to_string(syncs));
  EXPECT_EQ(syncs, 1);
  auto audit = (*store)->audit_log();
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->size(), 1u);
  EXPECT_TRUE((*store)->latest_report(e->terminal_config.id)->has_value());
}

}  // namespace
}  // namespace tmsproto::store
