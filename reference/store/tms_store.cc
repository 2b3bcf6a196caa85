#include "store/tms_store.h"

#include <system_error>

#include "crypto/secret.h"
#include "store/key_wrap.h"
#include "store/migrations.h"
#include "store/storage_key.h"
#include "store/sqlite_replay.h"
#include "store/sqlite_sql.h"
#include "store/store_impl.h"

namespace tmsproto::store {
namespace {

constexpr std::size_t kKeyCheckLength = 16;

// The pragmas of every connection: WAL so that `serve` reads while a provisioning command writes
// (REQ-STORE-002); FULL sync so that a committed replay entry or lock survives a power cut, not
// only a crash of the process (REQ-STORE-008); foreign keys so that no row names what is not there.
Result<void, StoreError> configure(Db& db) {
  auto wal = db.exec("PRAGMA journal_mode = WAL");
  if (!wal.ok()) return wal;
  if (auto r = db.exec("PRAGMA synchronous = FULL"); !r.ok()) return r;
  return db.exec("PRAGMA foreign_keys = ON");
}

// REQ-STORE-006 when two processes first open one directory at once (REQ-STORE-003): inspect()'s
// three reads from one snapshot. Read one by one, the other process's migration could commit
// between them, and a fresh application_id beside its new tables reads as another program's file.
Result<bool, StoreError> inspect_at_once(Db& db) {
  if (auto begun = db.exec("BEGIN"); !begun.ok()) return fail(begun.error());
  auto r = inspect(db);
  (void)db.exec("COMMIT");  // nothing was written: ending the read cannot fail in a way that matters
  return r;
}

}  // namespace

Result<std::unique_ptr<TmsStore>, StoreError> TmsStore::open(const std::filesystem::path& dir,
                                                             crypto::RandomSource& rng, const StoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(StoreError{dir.string() + ": cannot create: " + ec.message()});
  const std::filesystem::path db_file = dir / "tms.db";  // REQ-STORE-001: all state here, the key beside it
  const bool db_existed = std::filesystem::exists(db_file, ec);
  // REQ-STORE-003: the key first, so a database is never created without one.
  auto key = load_storage_key(dir / "storage.key", !db_existed, rng);
  if (!key.ok()) return fail(key.error());
  auto db = Db::open(db_file);
  if (!db.ok()) return fail(db.error());
  // REQ-STORE-006: look before touching: switching a foreign file to WAL would already change it.
  if (auto r = inspect_at_once(*db); !r.ok()) {
    return fail(StoreError{r.error().message + (r.error().message.find("not a database") != std::string::npos
                                                    ? " (tms.db is not a SQLite database)"
                                                    : "")});
  }
  if (auto r = configure(*db); !r.ok()) return fail(r.error());
  const int target = options.schema_version == 0 ? kSchemaVersion : options.schema_version;
  if (target < 1 || target > kSchemaVersion) return fail(StoreError{"schema version out of range"});
  if (auto r = migrate(*db, target); !r.ok()) return fail(r.error());  // REQ-STORE-005
  auto sql = std::make_unique<SqliteSql>(std::move(db).value());
  auto replay = std::make_unique<SqliteReplayCache>(sql->db(), options.replay_capacity);
  return assemble_store(std::move(sql), std::move(key).value(), "storage.key", options, rng, std::move(replay));
}

// REQ-STORE-003: a storage key that is not this database's (restored from another host, swapped)
// is named at open, not discovered as a failed unwrap in the middle of a terminal's session. Two
// instances opening a new database at once both insert the check; the one that loses compares.
namespace {

Result<void, StoreError> check_storage_key(Sql& sql, ByteView storage_key, const std::string& key_file) {
  auto check = derive_store_key(storage_key, "KEY CHECK", "");
  if (!check.ok()) return fail(check.error());
  const ByteView expected = check->view().first(kKeyCheckLength);
  auto tx = sql.begin(Durability::kFull);
  if (!tx.ok()) return fail(tx.error());
  auto put = sql.query("INSERT INTO meta(name, value) VALUES ('storage_key_check', $1) ON CONFLICT (name) DO NOTHING",
                       {expected});
  if (!put.ok()) return fail(put.error());
  auto kept = sql.query("SELECT value FROM meta WHERE name = 'storage_key_check'");
  if (!kept.ok()) return fail(kept.error());
  if (kept->empty() || !crypto::ct_equal(kept->blob(0, 0), expected)) {
    return fail(StoreError{key_file + " does not belong to this " + std::string(sql.name()) + " (its key check differs)"});
  }
  return (*tx)->commit();
}

}  // namespace

Result<std::unique_ptr<TmsStore>, StoreError> assemble_store(std::unique_ptr<Sql> sql, crypto::SecretBytes storage_key,
                                                             const std::string& key_file, const StoreOptions& options,
                                                             crypto::RandomSource& rng,
                                                             std::unique_ptr<tms::ReplayCache> replay) {
  if (auto r = check_storage_key(*sql, storage_key.view(), key_file); !r.ok()) return fail(r.error());
  StoreContext c{std::move(sql), &rng, std::move(storage_key), {}, {}, options};
  // REQ-STORE-012, REQ-OPR-007, REQ-KEY-001: the estate's two keys follow from the storage key, so the store has
  // one secret to keep and the decoy salts stay the same across restarts.
  auto decoy = derive_store_key(c.storage_key.view(), "OPV DECOY", "");
  auto fingerprint = derive_store_key(c.storage_key.view(), "DMK FINGERPRINT", "");
  if (!decoy.ok()) return fail(decoy.error());
  if (!fingerprint.ok()) return fail(fingerprint.error());
  c.decoy_key = std::move(decoy).value();
  c.fingerprint_key = std::move(fingerprint).value();
  return TmsStore::adopt(std::make_unique<TmsStore::Impl>(std::move(c), rng, std::move(replay)));
}

TmsStore::TmsStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
std::unique_ptr<TmsStore> TmsStore::adopt(std::unique_ptr<Impl> impl) { return std::unique_ptr<TmsStore>(new TmsStore(std::move(impl))); }
TmsStore::~TmsStore() = default;

tms::Registry& TmsStore::registry() { return impl_->registry; }
tms::KeyCustody& TmsStore::custody() { return impl_->custody; }
tms::ReplayCache& TmsStore::replay() { return *impl_->replay; }
tms::TerminalReports& TmsStore::reports() { return impl_->reports; }
tms::AuditLog& TmsStore::audit() { return impl_->audit; }

}  // namespace tmsproto::store
