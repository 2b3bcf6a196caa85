// The PostgreSQL store against a real server (testing/postgres_server.h): what holds across
// connections — several `serve` instances on one database — beyond the port contract that
// store_contract_test.cc runs on every backend.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "store/pg_db.h"
#include "store/pg_migrations.h"
#include "store/pg_store.h"
#include "store/pg_test_support.h"

namespace tmsproto::store {
namespace {

const codec::Identity kTerminal{"VEND0001", "POS-X1", "SN1"};

// `n` stores on one database, as n instances hold them; fewer (and a test failure) when one does
// not open.
std::vector<std::unique_ptr<TmsStore>> instances(const std::string& url, int n, const StoreOptions& options = {}) {
  std::vector<std::unique_ptr<TmsStore>> stores;
  for (int i = 0; i < n; ++i) {
    auto s = open_pg(url, options);
    EXPECT_TRUE(s.ok()) << s.error().message;
    if (!s.ok()) break;
    stores.push_back(std::move(s).value());
  }
  return stores;
}

// call(i) for every store, each on a thread of its own, all released at the same moment.
template <class Call>
void all_at_once(std::size_t n, Call call) {
  std::atomic<std::size_t> ready{0};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < n) std::this_thread::yield();
      call(i);
    });
  }
  for (auto& t : threads) t.join();
}

// Checks REQ-STORE-018, REQ-HS-013: 16 connections (as 16 instances would hold) offer the same
// T_RAND at the same moment, for 10 T_RANDs in turn: each time exactly one is told "fresh", the
// others "seen".
TEST(PgStore, OneTRandOfferedByManyInstancesAtOnceIsFreshForExactlyOne) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  constexpr int kInstances = 16, kRounds = 10;
  const auto stores = instances(url, kInstances);
  ASSERT_EQ(stores.size(), std::size_t{kInstances});
  for (int round = 0; round < kRounds; ++round) {
    const std::array<std::uint8_t, 8> r{7, 7, 7, 7, 0, 0, 0, static_cast<std::uint8_t>(round)};
    std::atomic<int> fresh{0}, seen{0};
    all_at_once(stores.size(), [&](std::size_t i) {
      switch (stores[i]->replay().remember(kTerminal, r, 2000, 1000)) {
        case tms::ReplayVerdict::kFresh: fresh.fetch_add(1); break;
        case tms::ReplayVerdict::kSeen: seen.fetch_add(1); break;
        case tms::ReplayVerdict::kFull: break;
      }
    });
    EXPECT_EQ(fresh.load(), 1) << "round " << round;
    EXPECT_EQ(seen.load(), kInstances - 1) << "round " << round;
  }
}

// Checks REQ-SRV-011: sixteen instances take one terminal's lease at the same moment, ten times;
// each time exactly one gets it, and the others are told 24.
TEST(PgStore, OneTerminalsLeaseTakenByManyInstancesAtOnceGoesToExactlyOne) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  constexpr int kInstances = 16, kRounds = 10;
  const auto stores = instances(url, kInstances);
  ASSERT_EQ(stores.size(), std::size_t{kInstances});
  for (int round = 0; round < kRounds; ++round) {
    const std::int64_t now = 1000 + 1000 * round;  // past the last round's lease
    std::atomic<int> taken{0}, busy{0};
    all_at_once(stores.size(), [&](std::size_t i) {
      auto lease = stores[i]->registry().take_lease(kTerminal, now, now + 600);
      if (lease.ok()) taken.fetch_add(1);
      if (!lease.ok() && lease.error() == ResponseCode::kResourceLimit) busy.fetch_add(1);
    });
    EXPECT_EQ(taken.load(), 1) << "round " << round;
    EXPECT_EQ(busy.load(), kInstances - 1) << "round " << round;
  }
}

// Checks REQ-STORE-021, REQ-OPR-006: four instances each record five failed checks of one operator
// at the same moment; the database counts all twenty, and the lock's end is the one the twentieth
// failure sets, whichever instance made it.
TEST(PgStore, OperatorFailuresThroughSeveralInstancesAddUp) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  constexpr int kInstances = 4, kFailuresEach = 5;
  StoreOptions options;
  options.enrolment_iterations = codec::kMinOpvIterations;
  const auto stores = instances(url, kInstances, options);
  ASSERT_EQ(stores.size(), std::size_t{kInstances});
  Bytes key(65, 0x5a);
  key[0] = 0x04;
  ASSERT_TRUE(stores[0]->register_vendor("VEND0001", key, "dir:/nowhere").ok());
  ASSERT_TRUE(stores[0]->enrol_operator("VEND0001", "OPER01", Bytes{'p', 'w'}).ok());
  all_at_once(stores.size(), [&](std::size_t i) {
    for (int n = 0; n < kFailuresEach; ++n) (void)stores[i]->registry().operator_checked("VEND0001", "OPER01", false, 100000);
  });
  const auto lock = stores[1]->registry().operator_record("VEND0001", "OPER01", TransCode::kKeyDownload).lock;
  EXPECT_EQ(lock.consecutive_failures, static_cast<std::uint32_t>(kInstances * kFailuresEach));
  // REQ-OPR-006: 15 minutes doubled for each failure after the fifth, at most 24 hours.
  EXPECT_EQ(lock.locked_until_s, 100000 + 24 * 60 * 60);
}

// Checks REQ-STORE-020, REQ-STORE-004: after a terminal of each profile, a key set and an operator
// are registered on PostgreSQL, no DMK, key-set key or verifier appears in any row of any table, as
// PostgreSQL's own text of the row shows it (bytea as hex), in lower- or upper-case hex.
TEST(PgStore, NoKeyIsInTheDatabaseInClear) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  StoreOptions options;
  options.enrolment_iterations = codec::kMinOpvIterations;
  auto s = open_pg(url, options);
  ASSERT_TRUE(s.ok()) << s.error().message;
  Bytes key(65, 0x5a);
  key[0] = 0x04;
  ASSERT_TRUE((*s)->register_vendor("VEND0001", key, "dir:/nowhere").ok());
  ASSERT_TRUE((*s)->register_model("VEND0001", "POS-X1").ok());
  std::vector<Bytes> secrets;
  int n = 0;
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    const codec::Identity id{"VEND0001", "POS-X1", "SN" + std::to_string(++n)};
    auto dmk = (*s)->register_terminal({id, p, p == Profile::kLegacy, false});
    ASSERT_TRUE(dmk.ok()) << dmk.error().message;
    secrets.emplace_back(dmk->view().begin(), dmk->view().end());
  }
  ASSERT_TRUE((*s)->enrol_operator("VEND0001", "OPER01", Bytes{'s', 'e', 'c', 'r', 'e', 't'}).ok());
  auto opv = (*s)->registry().operator_record("VEND0001", "OPER01", TransCode::kKeyDownload).opv;
  ASSERT_TRUE(opv.has_value());
  secrets.emplace_back(opv->view().begin(), opv->view().end());
  auto c = PgConn::connect(url);
  ASSERT_TRUE(c.ok());
  auto tables = c->exec("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
  ASSERT_TRUE(tables.ok());
  std::string everything;
  for (int t = 0; t < tables->size(); ++t) {
    // The table names come from the catalog, never from input.
    auto rows = c->exec("SELECT r::text FROM " + *tables->text(t, 0) + " r");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    for (int i = 0; i < rows->size(); ++i) everything += *rows->text(i, 0) + "\n";
  }
  // The keys are there, as TR-31 blocks of version D (REQ-STORE-004), one per terminal.
  auto blocks = c->exec("SELECT dmk_block FROM terminals");
  ASSERT_TRUE(blocks.ok());
  ASSERT_EQ(blocks->size(), 4);
  for (int i = 0; i < blocks->size(); ++i) EXPECT_EQ(blocks->text(i, 0)->substr(0, 1), "D");
  for (const Bytes& secret : secrets) {
    std::string lower, upper;
    for (std::uint8_t b : secret) {
      static const char* kLower = "0123456789abcdef";
      static const char* kUpper = "0123456789ABCDEF";
      lower += kLower[b >> 4];
      lower += kLower[b & 15];
      upper += kUpper[b >> 4];
      upper += kUpper[b & 15];
    }
    EXPECT_EQ(everything.find(lower), std::string::npos);
    EXPECT_EQ(everything.find(upper), std::string::npos);
  }
}

// Checks REQ-STORE-020, REQ-STORE-003: the key file is checked as storage.key is: another
// database's key is refused at open, a key file others may read is refused, and a database that
// holds keys does not get a new key file in place of a missing one.
TEST(PgStore, StorageKeyFileIsCheckedAtOpen) {
  const std::string url = fresh_database();
  const std::string other = fresh_database();
  ASSERT_FALSE(url.empty());
  ASSERT_FALSE(other.empty());
  ASSERT_TRUE(open_pg(url).ok());
  ASSERT_TRUE(open_pg(other).ok());
  crypto::OsRandom rng;
  auto wrong = open_postgresql_store(url, key_file_for(other), rng);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("does not belong to this PostgreSQL store"), std::string::npos)
      << wrong.error().message;
  TempDir dir;
  auto missing = open_postgresql_store(url, dir.path() / "absent.key", rng);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "absent.key"));
  std::filesystem::permissions(key_file_for(url), std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  auto wide = open_pg(url);
  std::filesystem::permissions(key_file_for(url), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::remove);
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.error().message.find("wider than 0600"), std::string::npos) << wide.error().message;
  EXPECT_TRUE(open_pg(url).ok());
}

// Checks REQ-STORE-019: the server's default is synchronous_commit off (the shared test server is
// started so), yet every store connection commits with it on.
TEST(PgStore, StoreSessionsCommitSynchronouslyWhateverTheServerDefault) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  auto c = PgConn::connect(url);
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto d = c->exec("SELECT boot_val, reset_val FROM pg_settings WHERE name = 'synchronous_commit'");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->text(0, 1), "off");  // the server's configuration, as this test started it
  auto now = c->exec("SHOW synchronous_commit");
  ASSERT_TRUE(now.ok()) << now.error().message;
  EXPECT_EQ(now->text(0, 0), "on");
}

// Checks REQ-STORE-019, REQ-STORE-008: when the store's connection is gone, the replay cache
// answers "full" (the session ends 96), never "fresh".
TEST(PgStore, ReplayCacheThatLostItsDatabaseAnswersFull) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  auto s = open_pg(url);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const std::array<std::uint8_t, 8> r1{1}, r2{2};
  EXPECT_EQ((*s)->replay().remember(kTerminal, r1, 2000, 1000), tms::ReplayVerdict::kFresh);
  auto admin = PgConn::connect(url);
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  auto killed = admin->exec(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  ASSERT_EQ(killed->integer(0, 0), 1);
  EXPECT_EQ((*s)->replay().remember(kTerminal, r2, 2000, 1000), tms::ReplayVerdict::kFull);
}

// Checks REQ-STORE-017: an empty database is migrated to the program's version, opening again
// applies nothing twice, and eight instances opening an empty database at once all succeed.
TEST(PgStore, SchemaIsMigratedOnceEvenByInstancesStartingTogether) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  constexpr int kInstances = 8;
  std::vector<std::string> errors(kInstances);
  all_at_once(errors.size(), [&](std::size_t i) {
    auto s = open_pg(url);
    if (!s.ok()) errors[i] = s.error().message;
  });
  for (const auto& e : errors) EXPECT_EQ(e, "");
  auto s = open_pg(url);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto c = PgConn::connect(url);
  ASSERT_TRUE(c.ok());
  auto v = pg_schema_version(*c);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, kPgSchemaVersion);
  auto meta = c->exec("SELECT count(*) FROM tmsp_meta");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->integer(0, 0), 1);
}

// Checks REQ-STORE-017: a newer schema and another program's database are refused with one line,
// and neither is changed.
TEST(PgStore, NewerSchemaAndForeignDatabaseAreRefusedUntouched) {
  {
    const std::string url = fresh_database();
    ASSERT_FALSE(url.empty());
    ASSERT_TRUE(open_pg(url).ok());
    auto c = PgConn::connect(url);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->exec("UPDATE tmsp_meta SET schema_version = 99").ok());
    auto s = open_pg(url);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("newer"), std::string::npos) << s.error().message;
    EXPECT_EQ(s.error().message.find('\n'), std::string::npos);
    EXPECT_EQ(c->exec("SELECT schema_version FROM tmsp_meta")->integer(0, 0), 99);
  }
  {
    const std::string url = fresh_database();
    ASSERT_FALSE(url.empty());
    auto c = PgConn::connect(url);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->exec("CREATE TABLE invoices (n integer)").ok());
    auto s = open_pg(url);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("not a tmsproto store"), std::string::npos) << s.error().message;
    EXPECT_EQ(c->exec("SELECT to_regclass('tmsp_meta') IS NULL")->text(0, 0), "t");
    EXPECT_EQ(c->exec("SELECT to_regclass('replay') IS NULL")->text(0, 0), "t");
  }
}

// Checks REQ-STORE-017: a database left at schema version 1 (migrated to 1 as the code of that
// version did, with a replay entry its replay cache wrote) is migrated to the program's version on
// open, keeping its replay cache, and then serves every port.
TEST(PgStore, VersionOneDatabaseIsMigratedKeepingItsReplayCache) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  const std::array<std::uint8_t, 8> r{5};
  {
    auto c = PgConn::connect(url);
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_TRUE(pg_migrate(*c, 1).ok());
    EXPECT_EQ(*pg_schema_version(*c), 1);
    ASSERT_TRUE(c->exec("INSERT INTO replay VALUES ($1, $2, $3, $4, 2000)",
                        {kTerminal.vendor_id, kTerminal.model_id, kTerminal.serial_no, ByteView(r.data(), r.size())})
                    .ok());
    EXPECT_EQ(c->exec("SELECT to_regclass('audit') IS NULL")->text(0, 0), "t");
  }
  auto s = open_pg(url);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto c = PgConn::connect(url);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*pg_schema_version(*c), kPgSchemaVersion);
  EXPECT_EQ((*s)->replay().remember(kTerminal, r, 2000, 1500), tms::ReplayVerdict::kSeen);
  (*s)->audit().record(tms::AuditRecord{kTerminal, {}, {}, ResponseCode::kSuccess, {}, {}, {}, {}, 0, 0});
  EXPECT_EQ((*s)->audit_log()->size(), 1u);
  Bytes key(65, 0x5a);
  key[0] = 0x04;
  EXPECT_TRUE((*s)->register_vendor("VEND0001", key, "dir:/nowhere").ok());
  EXPECT_EQ((*s)->vendors()->size(), 1u);
}

// Checks REQ-STORE-009: on PostgreSQL too the database itself refuses to change or remove an audit
// record, whichever program asks.
TEST(PgStore, AuditLogRefusesUpdateDeleteAndTruncate) {
  const std::string url = fresh_database();
  ASSERT_FALSE(url.empty());
  auto s = open_pg(url);
  ASSERT_TRUE(s.ok()) << s.error().message;
  (*s)->audit().record(tms::AuditRecord{kTerminal, {}, {}, ResponseCode::kSuccess, {}, {}, {}, {}, 0, 0});
  auto c = PgConn::connect(url);
  ASSERT_TRUE(c.ok());
  for (const char* sql : {"UPDATE audit SET outcome = 96", "DELETE FROM audit", "TRUNCATE audit"}) {
    auto r = c->exec(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_NE(r.error().message.find("append-only"), std::string::npos) << r.error().message;
  }
  auto rows = (*s)->audit_log();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].record.outcome, ResponseCode::kSuccess);
}

// Checks REQ-STORE-011: a database that cannot be reached is one line naming the cause.
TEST(PgStore, UnreachableDatabaseIsOneLineError) {
  auto s = open_pg("postgresql://tmsproto@/postgres?host=/nonexistent-tmsproto-dir");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cannot connect"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.find('\n'), std::string::npos) << s.error().message;
}

// The fixture itself: a test process that dies by SIGKILL, running no destructor, still leaves no
// server behind — its watchdog stops the server and removes the directory.
TEST(PostgresFixture, ServerIsStoppedWhenTheTestProcessIsKilled) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    testing::PostgresServer server;
    const std::string dir = server.ok() ? server.directory() : "";
    (void)!::write(fds[1], dir.data(), dir.size());
    ::close(fds[1]);
    ::raise(SIGKILL);
  }
  ::close(fds[1]);
  std::string dir;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) dir.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ASSERT_FALSE(dir.empty()) << "the server did not start in the child";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::filesystem::exists(dir) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir << " is still there: the server was not stopped";
}

}  // namespace
}  // namespace tmsproto::store
