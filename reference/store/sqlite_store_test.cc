// What only the SQLite store promises: durability across restarts, keys never in clear in the
// file, migrations from the committed version-1 fixture, two processes on one store, and a clear
// refusal of a file or key that is not the store's.
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
#include "store/store_test_support.h"
#include "store/tms_store.h"
#include "testing/deterministic_random.h"
#include "tms/registration.h"

namespace tmsproto::store {
namespace {

namespace fs = std::filesystem;

const codec::Identity kTerminal{"VEND0001", "POS-X1", "SN1"};
const std::array<std::uint8_t, 8> kRand{8, 7, 6, 5, 4, 3, 2, 1};
const codec::AuthData kTData{{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
const codec::AuthData kSData{{9, 9, 9, 9, 9, 9, 9, 9}, {2026, 11, 26, 16, 0, 5}};

Bytes ascii(const std::string& s) { return Bytes(s.begin(), s.end()); }

StoreOptions fast_options() {
  StoreOptions o;
  o.enrolment_iterations = codec::kMinOpvIterations;
  return o;
}

std::unique_ptr<TmsStore> open_ok(const fs::path& dir, crypto::RandomSource& rng, StoreOptions o = fast_options()) {
  auto s = TmsStore::open(dir, rng, o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : nullptr;
}

std::string open_error(const fs::path& dir, crypto::RandomSource& rng) {
  auto s = TmsStore::open(dir, rng, fast_options());
  EXPECT_FALSE(s.ok());
  return s.ok() ? std::string() : s.error().message;
}

Bytes vendor_key() {
  Bytes k(65, 0x33);
  k[0] = 0x04;
  return k;
}

// A vendor, its model and one terminal; the terminal's DMK.
crypto::SecretBytes provision(TmsStore& s, const codec::Identity& id, Profile p = Profile::kAes128) {
  (void)s.register_vendor(id.vendor_id, vendor_key(), "dir:/srv/" + id.vendor_id);
  (void)s.register_model(id.vendor_id, id.model_id);
  auto dmk = s.register_terminal({id, p, p == Profile::kLegacy, false});
  EXPECT_TRUE(dmk.ok()) << (dmk.ok() ? "" : dmk.error().message);
  return dmk.ok() ? std::move(dmk).value() : crypto::SecretBytes();
}

Bytes read_file(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& f, const std::string& text) { std::ofstream(f, std::ios::binary) << text; }

// Runs SQL on tms.db through SQLite directly, as an intruder or another tool would; its error or "".
std::string raw_sql(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(db_file.c_str(), &db);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string out = rc == SQLITE_OK ? "" : (message ? message : "error");
  sqlite3_free(message);
  sqlite3_close(db);
  return out;
}

int raw_user_version(const fs::path& db_file) {
  auto db = Db::open(db_file);
  Stmt s(*db, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : -1;
}

std::int64_t raw_count(const fs::path& db_file, const std::string& table) {
  auto db = Db::open(db_file);
  Stmt s(*db, "SELECT count(*) FROM " + table);
  return s.step() ? s.integer(0) : -1;
}

bool contains(const Bytes& hay, ByteView needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

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
  const tms::OperatorLock lock{7, 987654321};
  {
    auto s = open_ok(dir.path(), rng);
    provision(*s, kTerminal);
    ASSERT_TRUE(s->enrol_operator("VEND0001", "OPER01", ascii("pw")).ok());
    s->registry().set_operator_lock("VEND0001", "OPER01", lock);
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
  s->registry().set_operator_lock("VEND0001", "OPER01", {5, 777000});
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
  EXPECT_EQ(raw_user_version(dir.path() / "tms.db"), 2);
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
  EXPECT_NE(open_error(dir.path(), rng).find("missing, but tms.db exists"), std::string::npos);
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

// REQ-STORE-010, REQ-STORE-011: a refused provisioning call writes nothing and says why in one line.
TEST(SqliteStore, RefusedProvisioningWritesNothingAndSaysWhyInOneLine) {
  TempDir dir;
  crypto::DeterministicRandom rng(13);
  auto s = open_ok(dir.path(), rng);
  provision(*s, kTerminal, Profile::kLegacy);
  std::vector<std::string> errors;
  auto note = [&](const Result<void, StoreError>& r) {
    EXPECT_FALSE(r.ok());
    if (!r.ok()) errors.push_back(r.error().message);
  };
  // REQ-KEY-014: LEGACY cannot deliver keys, so nothing of the key set is written.
  note(s->add_key_set(kTerminal, sim::key_set_definition_for(Profile::kAes128, 3, "TMK00001")));
  note(s->add_key_set(kTerminal, "{\"format\": 1, \"keySetId\": \"TMK00001\"}"));
  note(s->register_model("VEND0009", "POS-X1"));
  note(s->register_vendor("VEND0001", vendor_key(), "dir:/again"));
  note(s->enrol_operator("VEND0009", "OPER01", ascii("pw")));
  auto terminal = s->register_terminal({{"VEND0001", "POS-Z9", "SN2"}, Profile::kAes128, false, false});
  ASSERT_FALSE(terminal.ok());
  errors.push_back(terminal.error().message);
  for (const auto& e : errors) {
    EXPECT_FALSE(e.empty());
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
  EXPECT_EQ(raw_count(dir.path() / "tms.db", "key_set_slots"), 0);
  EXPECT_EQ(raw_count(dir.path() / "tms.db", "key_sets"), 0);
  EXPECT_EQ(s->terminals()->size(), 1u);
  EXPECT_TRUE(s->terminals()->front().key_sets.empty());
  EXPECT_TRUE(s->operators()->empty());
}

// REQ-STORE-010: a transaction not committed leaves nothing, whatever it had written.
TEST(SqliteStore, UncommittedTransactionLeavesNothing) {
  TempDir dir;
  crypto::DeterministicRandom rng(14);
  auto s = open_ok(dir.path(), rng);
  auto db = Db::open(dir.path() / "tms.db");
  ASSERT_TRUE(db.ok());
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->exec("INSERT INTO vendors VALUES ('VEND0007', x'04', 'dir:/x')").ok());
  }
  EXPECT_TRUE(s->vendors()->empty());
}

// REQ-STORE-013: provisioning refuses what a terminal could never present or the TMS never use.
TEST(SqliteStore, ProvisioningChecksItsInput) {
  TempDir dir;
  crypto::DeterministicRandom rng(15);
  auto s = open_ok(dir.path(), rng);
  EXPECT_FALSE(s->register_vendor("VENDOR-TOO-LONG", vendor_key(), "dir:/x").ok());
  EXPECT_FALSE(s->register_vendor("VEND 01", vendor_key(), "dir:/x").ok());
  EXPECT_FALSE(s->register_vendor("VEND0001", Bytes(64, 4), "dir:/x").ok());
  EXPECT_FALSE(s->register_vendor("VEND0001", vendor_key(), "ftp://x").ok());
  ASSERT_TRUE(s->register_vendor("VEND0001", vendor_key(), "sqlite:/srv/v1.db").ok());
  ASSERT_TRUE(s->register_model("VEND0001", "POS-X1").ok());
  EXPECT_FALSE(s->register_terminal({{"VEND0001", "POS-X1", ""}, Profile::kAes128, false, false}).ok());
  EXPECT_FALSE(s->register_terminal({{"VEND0001", "POS-X1", "SN1"}, Profile::kAes128, true, false}).ok());
  EXPECT_FALSE(s->enrol_operator("VEND0001", "OPER01", ascii("")).ok());
  EXPECT_FALSE(s->enrol_operator("VEND0001", "OPER01", ascii(std::string(65, 'p'))).ok());
  EXPECT_FALSE(s->enrol_operator("VEND0001", "OPER01", Bytes{'p', 0x07}).ok());
  EXPECT_EQ(s->vendors()->size(), 1u);
  EXPECT_EQ(s->vendors()->front().adapter, "sqlite:/srv/v1.db");
  EXPECT_TRUE(s->terminals()->empty());
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

// REQ-KEY-025: the key-set definition is kept as given, for the terminal's slot table.
TEST(SqliteStore, KeySetDefinitionIsKeptAsGiven) {
  TempDir dir;
  crypto::DeterministicRandom rng(20);
  auto s = open_ok(dir.path(), rng);
  provision(*s, kTerminal);
  const std::string json = sim::key_set_definition_for(Profile::kAes128, 4, "TMK00001");
  ASSERT_TRUE(s->add_key_set(kTerminal, json).ok());
  EXPECT_EQ(*s->key_set_definition(kTerminal, "TMK00001"), json);
  EXPECT_FALSE(s->key_set_definition(kTerminal, "OTHER001").ok());
}

// A RandomSource that gives the same octets every time: every DMK it draws is the same key.
class StuckRandom final : public crypto::RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), 0x5c); }
};

// REQ-KEY-001: a drawn DMK equal to another terminal's is refused, and nothing is registered.
TEST(SqliteStore, DuplicateDmkIsRefused) {
  TempDir dir;
  StuckRandom rng;
  auto s = open_ok(dir.path(), rng);
  provision(*s, kTerminal);
  auto second = s->register_terminal({{"VEND0001", "POS-X1", "SN2"}, Profile::kAes128, false, false});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("equals another terminal's"), std::string::npos);
  EXPECT_EQ(s->terminals()->size(), 1u);
}

// REQ-KEY-005: the terminal listing shows the DMK's check value, never the DMK.
TEST(SqliteStore, TerminalListingShowsTheCheckValue) {
  TempDir dir;
  crypto::DeterministicRandom rng(16);
  auto s = open_ok(dir.path(), rng);
  const crypto::SecretBytes dmk = provision(*s, kTerminal, Profile::kTdes);
  auto rows = s->terminals();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().dmk_check_value, *tms::dmk_check_value(Profile::kTdes, dmk.view()));
  EXPECT_EQ(rows->front().profile, Profile::kTdes);
}

}  // namespace
}  // namespace tmsproto::store
