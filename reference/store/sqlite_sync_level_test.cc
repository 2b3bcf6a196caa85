// Which writes of a session wait for a sync and which do not (REQ-STORE-008, REQ-STORE-015), seen
// as the xSync calls SQLite makes on a real tms.db; and that a killed process forgets nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "crypto/secret.h"
#include "store/sqlite_sync_counter.h"
#include "store/sqlite_test_support.h"
#include "testing/deterministic_random.h"

namespace tmsproto::store {
namespace {

tms::AuditRecord audit_record() {
  tms::AuditRecord r;
  r.id = kTerminal;
  r.outcome = ResponseCode::kSuccess;
  return r;
}

std::array<std::uint8_t, 8> rand_of(std::uint32_t i) {
  return {static_cast<std::uint8_t>(i >> 24), static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
          static_cast<std::uint8_t>(i), 0xA5, 0x5A, 0, 1};
}

// REQ-STORE-008, REQ-STORE-015: per write, whether COMMIT asked SQLite's VFS for a sync: the
// replay entry and the lock do, the audit record, the report and the delivery record do not; and
// a relaxed write leaves no NORMAL behind for the next replay entry or lock.
TEST(SqliteSyncLevel, SecurityWritesSyncTheOthersDoNot) {
  TempDir dir;
  crypto::DeterministicRandom rng(41);
  SyncCounter counter;
  auto s = open_ok(dir.path(), rng);
  ASSERT_NE(s, nullptr);
  provision(*s, kTerminal);
  ASSERT_TRUE(s->enrol_operator("VEND0001", "OPER01", ascii("pw")).ok());
  auto syncs_of = [&](auto&& write) {
    const long before = counter.syncs();
    write();
    return counter.syncs() - before;
  };
  EXPECT_EQ(syncs_of([&] { s->audit().record(audit_record()); }), 0);
  EXPECT_GE(syncs_of([&] { EXPECT_EQ(s->replay().remember(kTerminal, kRand, 2000, 1000), tms::ReplayVerdict::kFresh); }),
            1);
  EXPECT_EQ(syncs_of([&] { EXPECT_TRUE(s->reports().record(kTerminal, codec::TerminalInfo{}, 1000).ok()); }), 0);
  EXPECT_GE(syncs_of([&] { s->registry().operator_checked("VEND0001", "OPER01", false, 1000); }), 1);
  EXPECT_EQ(syncs_of([&] { s->registry().key_set_delivered(kTerminal, "TMK00001"); }), 0);
  EXPECT_GE(syncs_of([&] { s->replay().remember(kTerminal, rand_of(2), 2000, 1000); }), 1);
  // Each relaxed write was committed (another connection sees it), not merely left pending.
  const auto db = dir.path() / "tms.db";
  EXPECT_EQ(raw_count(db, "audit"), 1);
  EXPECT_EQ(raw_count(db, "reports"), 1);
  EXPECT_EQ(raw_count(db, "key_set_deliveries"), 1);
  EXPECT_EQ(raw_count(db, "replay"), 2);
}

// REQ-STORE-008, REQ-STORE-015: a store process killed with SIGKILL in the middle of its writes
// forgets no T_RAND it answered "fresh" for, and no audit record it wrote before it (the relaxed
// frames are in the OS's cache, not in the process).
TEST(SqliteSyncLevel, KilledProcessForgetsNoTRandAndNoRelaxedWrite) {
  TempDir dir;
  crypto::DeterministicRandom rng(42);
  { ASSERT_NE(open_ok(dir.path(), rng), nullptr); }
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    crypto::DeterministicRandom child_rng(43);
    auto s = TmsStore::open(dir.path(), child_rng, fast_options());
    if (!s.ok()) ::_exit(1);
    for (std::uint32_t i = 0;; ++i) {  // until killed: a session's two writes, then "i answered"
      (*s)->audit().record(audit_record());
      if ((*s)->replay().remember(kTerminal, rand_of(i), 2000, 1000) != tms::ReplayVerdict::kFresh) ::_exit(2);
      if (::write(fds[1], &i, sizeof i) != sizeof i) ::_exit(3);
    }
  }
  ::close(fds[1]);
  std::vector<std::uint32_t> answered;
  std::uint32_t i = 0;
  while (answered.size() < 40 && ::read(fds[0], &i, sizeof i) == sizeof i) answered.push_back(i);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  while (::read(fds[0], &i, sizeof i) == sizeof i) answered.push_back(i);  // answered before the kill
  ::close(fds[0]);
  ASSERT_GE(answered.size(), 40u);
  auto s = open_ok(dir.path(), rng);
  ASSERT_NE(s, nullptr);
  for (std::uint32_t n : answered) {
    EXPECT_EQ(s->replay().remember(kTerminal, rand_of(n), 2000, 1500), tms::ReplayVerdict::kSeen) << n;
  }
  EXPECT_GE(s->audit_log()->size(), answered.size());
}

}  // namespace
}  // namespace tmsproto::store
