// What the SQLite store keeps across restarts and shares between processes: the replay cache,
// operator locks, decoy salts, terminals registered while a server runs; and how it fails closed.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/hex.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "sim/estate.h"
#include "store/sqlite_db.h"
#include "store/sqlite_test_support.h"
#include "store/tms_store.h"
#include "testing/deterministic_random.h"
#include "tms/registration.h"

namespace tmsproto::store {
namespace {

namespace fs = std::filesystem;

// REQ-STORE-008, REQ-HS-013: a T_RAND remembered before a restart is refused after it.
TEST(SqliteStore, ReplayEntryOutlivesARestart) {
  TempDir dir;
  crypto::DeterministicRandom rng(1);
  {
    auto s = open_ok(dir.path(), rng);
    EXPECT_EQ(s->replay().remember(kTerminal, kRand, 2000, 1000), tms::ReplayVerdict::kFresh);
  }
  auto s = open_ok(dir.path(), rng);
  EXPECT_EQ(s->replay().remember(kTerminal, kRand, 2000, 1500), tms::ReplayVerdict::kSeen);
}

// REQ-STORE-008, REQ-OPR-006: the lock's count and end, on the TMS's clock, survive a restart.
TEST(SqliteStore, OperatorLockOutlivesARestart) {
  TempDir dir;
  crypto::DeterministicRandom rng(2);
  tms::OperatorLock lock;
  {
    auto s = open_ok(dir.path(), rng);
    provision(*s, kTerminal);
    ASSERT_TRUE(s->enrol_operator("VEND0001", "OPER01", ascii("pw")).ok());
    for (int i = 0; i < 7; ++i) lock = s->registry().operator_checked("VEND0001", "OPER01", false, 987654321);
    ASSERT_EQ(lock.consecutive_failures, 7u);
  }
  auto s = open_ok(dir.path(), rng);
  EXPECT_EQ(s->registry().operator_record("VEND0001", "OPER01", TransCode::kKeyDownload).lock, lock);
  EXPECT_EQ(s->operators()->front().lock, lock);
}

// REQ-STORE-012, REQ-OPR-007: the decoy salt of an unknown operator is the same after a restart.
TEST(SqliteStore, DecoySaltIsTheSameAfterARestart) {
  TempDir dir;
  crypto::DeterministicRandom rng(3);
  codec::OperatorSalt before{};
  {
    auto s = open_ok(dir.path(), rng);
    before = s->registry().operator_record("VEND0001", "GHOST1", TransCode::kKeyDownload).salt;
  }
  auto s = open_ok(dir.path(), rng);
  EXPECT_EQ(s->registry().operator_record("VEND0001", "GHOST1", TransCode::kKeyDownload).salt, before);
}

// REQ-STORE-002, REQ-STORE-007: two stores open on one directory at once (as `serve` and a
// provisioning command are): what one registers the other serves at its next call, and a T_RAND
// one remembers the other refuses.
TEST(SqliteStore, TwoStoresOnOneDirectorySeeEachOthersWrites) {
  TempDir dir;
  crypto::DeterministicRandom rng_a(7), rng_b(8);
  auto serve = open_ok(dir.path(), rng_a);
  auto provisioning = open_ok(dir.path(), rng_b);
  EXPECT_EQ(serve->registry().lookup(kTerminal).error(), ResponseCode::kUnknownVendor);
  const crypto::SecretBytes dmk = provision(*provisioning, kTerminal);
  ASSERT_TRUE(serve->registry().lookup(kTerminal).ok());
  const auto binding = profile::session_binding(Bytes{9});
  auto issued = serve->custody().issue_dwk(kTerminal, Profile::kAes128, binding, kTData, kSData, rng_a);
  ASSERT_TRUE(issued.ok());
  EXPECT_TRUE(profile::recover_dwk(Profile::kAes128, dmk.view(), issued->dwk1, binding).ok());
  EXPECT_EQ(serve->replay().remember(kTerminal, kRand, 2000, 1000), tms::ReplayVerdict::kFresh);
  EXPECT_EQ(provisioning->replay().remember(kTerminal, kRand, 2000, 1001), tms::ReplayVerdict::kSeen);
}

// REQ-STORE-002, REQ-STORE-007: another process (a provisioning command) registers a terminal
// while this one holds the store open (as `serve` does); this one serves it at its next call.
TEST(SqliteStore, TerminalRegisteredByAnotherProcessIsServedWithoutRestart) {
  TempDir dir;
  crypto::DeterministicRandom rng(17);
  auto serve = open_ok(dir.path(), rng);
  EXPECT_EQ(serve->replay().remember(kTerminal, kRand, 2000, 1000), tms::ReplayVerdict::kFresh);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    crypto::DeterministicRandom child_rng(18);
    auto s = TmsStore::open(dir.path(), child_rng, fast_options());
    bool ok = s.ok() && (*s)->register_vendor("VEND0001", vendor_key(), "dir:/v").ok() &&
              (*s)->register_model("VEND0001", "POS-X1").ok() &&
              (*s)->register_terminal({kTerminal, Profile::kAes256, false, true}).ok() &&
              (*s)->replay().remember(kTerminal, kRand, 2000, 1001) == tms::ReplayVerdict::kSeen;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto found = serve->registry().lookup(kTerminal);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->profile, Profile::kAes256);
  EXPECT_TRUE(serve->registry().unattended_allowed(kTerminal));
}

// REQ-STORE-008, REQ-HS-019: a store that cannot answer fails closed: the replay cache says
// "full" (96), never "fresh"; the registry and the reports answer 96.
TEST(SqliteStore, BrokenDatabaseFailsClosed) {
  TempDir dir;
  crypto::DeterministicRandom rng(21);
  auto s = open_ok(dir.path(), rng);
  provision(*s, kTerminal);
  ASSERT_EQ(raw_sql(dir.path() / "tms.db", "DROP TABLE replay; DROP TABLE reports; DROP TABLE key_set_slots;"
                                           " DROP TABLE key_sets; DROP TABLE terminals"),
            "");
  EXPECT_EQ(s->replay().remember(kTerminal, kRand, 2000, 1000), tms::ReplayVerdict::kFull);
  EXPECT_EQ(s->reports().record(kTerminal, codec::TerminalInfo{}, 1000).error(), ResponseCode::kInternalError);
  EXPECT_EQ(s->registry().lookup(kTerminal).error(), ResponseCode::kInternalError);
  EXPECT_FALSE(s->registry().unattended_allowed(kTerminal));
  const auto binding = profile::session_binding(Bytes{1});
  EXPECT_EQ(s->custody().issue_dwk(kTerminal, Profile::kAes128, binding, kTData, kSData, rng).error(),
            ResponseCode::kInternalError);
}

// REQ-STORE-009: the database itself refuses to change or remove an audit record.
TEST(SqliteStore, AuditLogRefusesUpdateAndDelete) {
  TempDir dir;
  crypto::DeterministicRandom rng(12);
  auto s = open_ok(dir.path(), rng);
  tms::AuditRecord r;
  r.id = kTerminal;
  r.outcome = ResponseCode::kReplay;
  s->audit().record(r);
  const fs::path db = dir.path() / "tms.db";
  EXPECT_NE(raw_sql(db, "UPDATE audit SET outcome = 0").find("append-only"), std::string::npos);
  EXPECT_NE(raw_sql(db, "DELETE FROM audit").find("append-only"), std::string::npos);
  ASSERT_EQ(s->audit_log()->size(), 1u);
  EXPECT_EQ(s->audit_log()->front().record.outcome, ResponseCode::kReplay);
}

}  // namespace
}  // namespace tmsproto::store
