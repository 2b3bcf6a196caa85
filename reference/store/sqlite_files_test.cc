// The store's two files: keys never in clear in tms.db, storage.key private and its own, the
// committed schema-1 fixture upgraded, and a file that is not the store's refused.
#include <gtest/gtest.h>

#include "store/migrations.h"

#include <cstdio>
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

// REQ-STORE-004, REQ-STORE-001: with terminals of every profile, key sets and operators
// registered, no DMK, no key-set key, no operator verifier and not the storage key itself appears
// in tms.db (or its WAL) in binary, lower- or upper-case hex.
TEST(SqliteStore, NoKeyIsInTheDatabaseFileInClear) {
  TempDir dir;
  crypto::DeterministicRandom rng(4);
  std::vector<Bytes> secrets;
  Bytes file;
  const auto read_store_files = [&] {
    for (const char* name : {"tms.db", "tms.db-wal", "tms.db-shm"}) {
      if (fs::exists(dir.path() / name)) {
        const Bytes b = read_file(dir.path() / name);
        file.insert(file.end(), b.begin(), b.end());
      }
    }
  };
  {
    auto s = open_ok(dir.path(), rng);
    int n = 0;
    for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
      const codec::Identity id{"VEND0001", "POS-X1", "SN" + std::to_string(++n)};
      const crypto::SecretBytes dmk = provision(*s, id, p);
      secrets.push_back(Bytes(dmk.view().begin(), dmk.view().end()));
    }
    (void)s->register_vendor("VEND0002", vendor_key(), "exec:/bin/true");
    ASSERT_TRUE(s->enrol_operator("VEND0001", "OPER01", ascii("secret-1")).ok());
    ASSERT_TRUE(s->enrol_operator("VEND0002", "OPER02", ascii("secret-2")).ok());
    for (auto [vendor, op] : {std::pair{"VEND0001", "OPER01"}, std::pair{"VEND0002", "OPER02"}}) {
      auto r = s->registry().operator_record(vendor, op, TransCode::kKeyDownload);
      ASSERT_TRUE(r.opv.has_value());
      secrets.push_back(Bytes(r.opv->view().begin(), r.opv->view().end()));
    }
    // The key-set keys, as the terminal recovers them from the entries the custody issues.
    const codec::Identity id{"VEND0001", "POS-X1", "SN3"};
    ASSERT_TRUE(s->add_key_set(id, sim::key_set_definition_for(Profile::kAes128, 5, "TMK00001")).ok());
    auto keys = profile::derive_handshake_keys(Profile::kAes128, profile::generate_key(Profile::kAes128, rng),
                                               kTData, kSData);
    for (const auto& slot : *s->registry().key_set(id, "TMK00001")) {
      auto e = s->custody().wrap_key_set_key(id, "TMK00001", slot, Profile::kAes128, *keys, rng);
      ASSERT_TRUE(e.ok());
      auto clear = profile::unwrap_key(Profile::kAes128, *keys, slot.rule, e->key_block, e->kcv);
      ASSERT_TRUE(clear.ok());
      secrets.push_back(Bytes(clear->view().begin(), clear->view().end()));
    }
    read_store_files();  // while open: the WAL holds the latest pages
  }
  ASSERT_EQ(secrets.size(), 4u + 2u + 5u);
  secrets.push_back(read_file(dir.path() / "storage.key"));
  ASSERT_EQ(secrets.back().size(), 32u);
  read_store_files();  // and after, checkpointed into tms.db
  ASSERT_GT(file.size(), 4096u);
  for (const Bytes& secret : secrets) {
    EXPECT_FALSE(contains(file, secret)) << "a key in binary";
    EXPECT_FALSE(contains(file, ascii(to_hex(secret)))) << "a key in hex";
    EXPECT_FALSE(contains(file, ascii(upper(to_hex(secret))))) << "a key in HEX";
  }
}

// REQ-STORE-004: a key block moved into another terminal's or operator's row does not unwrap: the
// custody answers 96 rather than serve with it, and the operator has no verifier to pass.
TEST(SqliteStore, KeyBlockMovedToAnotherRowDoesNotUnwrap) {
  TempDir dir;
  crypto::DeterministicRandom rng(5);
  auto s = open_ok(dir.path(), rng);
  const codec::Identity other{"VEND0001", "POS-X1", "SN2"};
  provision(*s, kTerminal);
  provision(*s, other);
  ASSERT_EQ(raw_sql(dir.path() / "tms.db",
                    "UPDATE terminals SET dmk_block = (SELECT dmk_block FROM terminals WHERE serial_no = 'SN1')"
                    " WHERE serial_no = 'SN2'"),
            "");
  const auto binding = profile::session_binding(Bytes{1});
  EXPECT_TRUE(s->custody().issue_dwk(kTerminal, Profile::kAes128, binding, kTData, kSData, rng).ok());
  EXPECT_EQ(s->custody().issue_dwk(other, Profile::kAes128, binding, kTData, kSData, rng).error(),
            ResponseCode::kInternalError);
  // The same for an operator's verifier: the moved one is not used, so the check cannot pass.
  ASSERT_TRUE(s->enrol_operator("VEND0001", "OPER01", ascii("pw-1")).ok());
  ASSERT_TRUE(s->enrol_operator("VEND0001", "OPER02", ascii("pw-2")).ok());
  ASSERT_EQ(raw_sql(dir.path() / "tms.db",
                    "UPDATE operators SET opv_block = (SELECT opv_block FROM operators WHERE operator_id = 'OPER01')"
                    " WHERE operator_id = 'OPER02'"),
            "");
  EXPECT_TRUE(s->registry().operator_record("VEND0001", "OPER01", TransCode::kKeyDownload).opv.has_value());
  EXPECT_FALSE(s->registry().operator_record("VEND0001", "OPER02", TransCode::kKeyDownload).opv.has_value());
}

// The DMK the fixture writer drew for VEND0001/POS-X1/SN1 (AES-128); printed when it writes.
constexpr const char* kFixtureDmkHex = "86f990532d222c2c3d20057dabd4c02f";

// Writes testdata/schema-v1/ (run with --gtest_also_run_disabled_tests once, commit the result):
// a store of schema version 1 with one row of every kind.
TEST(SqliteStore, DISABLED_WriteSchemaVersion1Fixture) {
  const fs::path out = fs::path(TMSPROTO_STORE_TESTDATA) / "schema-v1";
  fs::remove_all(out);
  crypto::DeterministicRandom rng(20261202);
  StoreOptions o = fast_options();
  o.schema_version = 1;
  auto s = open_ok(out, rng, o);
  const crypto::SecretBytes dmk = provision(*s, kTerminal);
  ASSERT_TRUE(s->add_key_set(kTerminal, sim::key_set_definition_for(Profile::kAes128, 2, "TMK00001")).ok());
  ASSERT_TRUE(s->enrol_operator("VEND0001", "OPER01", ascii("fixture-pw")).ok());
  for (int i = 0; i < 5; ++i) s->registry().operator_checked("VEND0001", "OPER01", false, 777000 - 15 * 60);
  EXPECT_EQ(s->replay().remember(kTerminal, kRand, 900000000, 800000000), tms::ReplayVerdict::kFresh);
  codec::TerminalInfo info;
  info.hardware_id = "HW-FIXTURE";
  info.firmware_id = "FW-1";
  ASSERT_TRUE(s->reports().record(kTerminal, info, 800000000).ok());
  tms::AuditRecord a;
  a.id = kTerminal;
  a.outcome = ResponseCode::kSuccess;
  s->audit().record(a);
  s.reset();
  std::printf("fixture DMK: %s\n", to_hex(dmk.view()).c_str());
}

// REQ-STORE-005: the committed store of schema version 1 opens, is upgraded to the current
// version, and serves as before: the terminal, its DMK and key set, the operator and its lock, the
// remembered T_RAND, the report and the audit record.
TEST(SqliteStore, SchemaVersion1FixtureOpensUpgraded) {
  TempDir dir;
  for (const char* name : {"tms.db", "storage.key"}) {
    fs::copy_file(fs::path(TMSPROTO_STORE_TESTDATA) / "schema-v1" / name, dir.path() / name);
  }
  fs::permissions(dir.path() / "storage.key", fs::perms::owner_read | fs::perms::owner_write);  // git keeps 0644
  ASSERT_EQ(raw_user_version(dir.path() / "tms.db"), 1);
  crypto::DeterministicRandom rng(6);
  auto s = open_ok(dir.path(), rng);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(raw_user_version(dir.path() / "tms.db"), kSchemaVersion);
  ASSERT_TRUE(s->registry().lookup(kTerminal).ok());
  const auto binding = profile::session_binding(Bytes{7});
  auto issued = s->custody().issue_dwk(kTerminal, Profile::kAes128, binding, kTData, kSData, rng);
  ASSERT_TRUE(issued.ok());
  auto dwk = profile::recover_dwk(Profile::kAes128, *from_hex(kFixtureDmkHex), issued->dwk1, binding);
  ASSERT_TRUE(dwk.ok());
  ASSERT_NE(s->registry().key_set(kTerminal, "TMK00001"), nullptr);
  EXPECT_EQ(s->registry().key_set(kTerminal, "TMK00001")->size(), 2u);
  const auto op = s->registry().operator_record("VEND0001", "OPER01", TransCode::kKeyDownload);
  ASSERT_TRUE(op.opv.has_value());
  auto expected = profile::operator_verifier(ascii("fixture-pw"), "VEND0001", "OPER01", op.salt, op.iterations);
  EXPECT_TRUE(crypto::ct_equal(op.opv->view(), expected->view()));
  EXPECT_EQ(op.lock, (tms::OperatorLock{5, 777000}));
  EXPECT_EQ(s->replay().remember(kTerminal, kRand, 900000000, 800000100), tms::ReplayVerdict::kSeen);
  EXPECT_EQ(s->latest_report(kTerminal)->value().report.hardware_id, "HW-FIXTURE");
  EXPECT_EQ(s->audit_log()->size(), 1u);
  EXPECT_TRUE(s->registry().take_lease(kTerminal, 1000, 1600).ok());  // REQ-SRV-011: version 3's table
}

// REQ-STORE-003: storage.key is created on first open with mode 0600 and 32 octets; a wider mode,
// another length, or a missing key beside an existing tms.db is refused with a line that says so.
TEST(SqliteStore, StorageKeyIsPrivateAndExactlyThirtyTwoOctets) {
  TempDir dir;
  crypto::DeterministicRandom rng(9);
  const fs::path key = dir.path() / "storage.key";
  (void)open_ok(dir.path(), rng);
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  ::chmod(key.c_str(), 0644);
  EXPECT_NE(open_error(dir.path(), rng).find("mode 0644 is wider than 0600"), std::string::npos);
  ::chmod(key.c_str(), 0600);
  const Bytes original = read_file(key);
  write_file(key, std::string(31, 'k'));
  EXPECT_NE(open_error(dir.path(), rng).find("31 octets"), std::string::npos);
  fs::remove(key);
  EXPECT_NE(open_error(dir.path(), rng).find("missing, but the database exists"), std::string::npos);
  EXPECT_FALSE(fs::exists(key));
}

// REQ-STORE-003: another store's storage.key is named at open, not met as failed unwraps later.
TEST(SqliteStore, AnotherStoresKeyIsRefusedAtOpen) {
  TempDir a, b;
  crypto::DeterministicRandom rng(10);
  (void)open_ok(a.path(), rng);
  (void)open_ok(b.path(), rng);
  fs::copy_file(b.path() / "storage.key", a.path() / "storage.key", fs::copy_options::overwrite_existing);
  EXPECT_NE(open_error(a.path(), rng).find("storage.key does not belong to this tms.db"), std::string::npos);
}

// REQ-STORE-006: a file that is not SQLite, another program's SQLite database, or a store newer
// than this program is refused with one line, and left as it was.
TEST(SqliteStore, ForeignOrNewerDatabaseIsRefusedWithAClearError) {
  crypto::DeterministicRandom rng(11);
  {
    TempDir dir;
    (void)open_ok(dir.path(), rng);
    fs::remove(dir.path() / "tms.db");
    write_file(dir.path() / "tms.db", std::string(8192, 'x'));
    const std::string e = open_error(dir.path(), rng);
    EXPECT_NE(e.find("tms.db"), std::string::npos) << e;
    EXPECT_NE(e.find("not a database"), std::string::npos) << e;
    EXPECT_EQ(read_file(dir.path() / "tms.db"), Bytes(8192, 'x'));
  }
  {
    TempDir dir;
    (void)open_ok(dir.path(), rng);
    fs::remove(dir.path() / "tms.db");
    ASSERT_EQ(raw_sql(dir.path() / "tms.db", "CREATE TABLE recipes(name TEXT)"), "");
    const Bytes before = read_file(dir.path() / "tms.db");
    EXPECT_NE(open_error(dir.path(), rng).find("not a tmsproto store"), std::string::npos);
    EXPECT_EQ(read_file(dir.path() / "tms.db"), before);
  }
  {
    TempDir dir;
    (void)open_ok(dir.path(), rng);
    ASSERT_EQ(raw_sql(dir.path() / "tms.db", "PRAGMA user_version = 99"), "");
    EXPECT_NE(open_error(dir.path(), rng).find("schema version 99 is newer"), std::string::npos);
  }
}

// REQ-STORE-003: two processes opening one new directory at once end with one storage.key, and
// both open the store with it.
TEST(SqliteStore, TwoFirstOpensAtOnceShareOneStorageKey) {
  TempDir dir;
  pid_t children[2] = {};
  for (int i = 0; i < 2; ++i) {
    children[i] = ::fork();
    ASSERT_GE(children[i], 0);
    if (children[i] == 0) {
      crypto::DeterministicRandom child_rng(static_cast<std::uint64_t>(100 + i));
      auto s = TmsStore::open(dir.path(), child_rng, fast_options());
      if (!s.ok()) std::fprintf(stderr, "child %d: %s\n", i, s.error().message.c_str());  // why, in the test's log
      bool ok = s.ok() && (*s)->replay().remember(kTerminal, {std::uint8_t(i)}, 2000, 1000) == tms::ReplayVerdict::kFresh;
      ::_exit(ok ? 0 : 1);
    }
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  crypto::DeterministicRandom rng(19);
  auto s = open_ok(dir.path(), rng);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->replay().remember(kTerminal, {0}, 2000, 1001), tms::ReplayVerdict::kSeen);
  EXPECT_EQ(s->replay().remember(kTerminal, {1}, 2000, 1001), tms::ReplayVerdict::kSeen);
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace tmsproto::store
