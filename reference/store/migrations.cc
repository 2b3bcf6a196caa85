#include "store/migrations.h"

#include <array>
#include <string>

namespace tmsproto::store {
namespace {

// Version 1: the whole store. A terminal's keys are TR-31 text (REQ-STORE-004); no column holds a
// key in clear. The audit log refuses UPDATE and DELETE in the database itself (REQ-STORE-009).
constexpr const char* kVersion1 = R"sql(
CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE vendors(
  vendor_id TEXT PRIMARY KEY,
  signing_public_key BLOB NOT NULL,
  adapter TEXT NOT NULL);
CREATE TABLE models(
  vendor_id TEXT NOT NULL REFERENCES vendors(vendor_id),
  model_id TEXT NOT NULL,
  PRIMARY KEY(vendor_id, model_id));
CREATE TABLE terminals(
  vendor_id TEXT NOT NULL, model_id TEXT NOT NULL, serial_no TEXT NOT NULL,
  profile INTEGER NOT NULL,
  legacy_enabled INTEGER NOT NULL,
  unattended_allowed INTEGER NOT NULL,
  dmk_block TEXT NOT NULL,
  dmk_fingerprint BLOB NOT NULL UNIQUE,
  PRIMARY KEY(vendor_id, model_id, serial_no),
  FOREIGN KEY(vendor_id, model_id) REFERENCES models(vendor_id, model_id));
CREATE TABLE key_sets(
  vendor_id TEXT NOT NULL, model_id TEXT NOT NULL, serial_no TEXT NOT NULL,
  key_set_id TEXT NOT NULL,
  definition TEXT NOT NULL,
  PRIMARY KEY(vendor_id, model_id, serial_no, key_set_id),
  FOREIGN KEY(vendor_id, model_id, serial_no) REFERENCES terminals(vendor_id, model_id, serial_no));
CREATE TABLE key_set_slots(
  vendor_id TEXT NOT NULL, model_id TEXT NOT NULL, serial_no TEXT NOT NULL,
  key_set_id TEXT NOT NULL,
  slot INTEGER NOT NULL,
  key_usage TEXT NOT NULL, algorithm TEXT NOT NULL, mode_of_use TEXT NOT NULL, key_length INTEGER NOT NULL,
  key_block TEXT NOT NULL,
  PRIMARY KEY(vendor_id, model_id, serial_no, key_set_id, slot),
  FOREIGN KEY(vendor_id, model_id, serial_no, key_set_id)
    REFERENCES key_sets(vendor_id, model_id, serial_no, key_set_id));
CREATE TABLE key_set_deliveries(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  vendor_id TEXT NOT NULL, model_id TEXT NOT NULL, serial_no TEXT NOT NULL,
  key_set_id TEXT NOT NULL);
CREATE TABLE operators(
  vendor_id TEXT NOT NULL REFERENCES vendors(vendor_id),
  operator_id TEXT NOT NULL,
  salt BLOB NOT NULL,
  iterations INTEGER NOT NULL,
  opv_block TEXT NOT NULL,
  may_download_keys INTEGER NOT NULL,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  locked_until_s INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(vendor_id, operator_id));
CREATE TABLE replay(
  vendor_id TEXT NOT NULL, model_id TEXT NOT NULL, serial_no TEXT NOT NULL,
  t_rand BLOB NOT NULL,
  expires_s INTEGER NOT NULL,
  PRIMARY KEY(vendor_id, model_id, serial_no, t_rand)) WITHOUT ROWID;
CREATE TABLE reports(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  vendor_id TEXT NOT NULL, model_id TEXT NOT NULL, serial_no TEXT NOT NULL,
  received_s INTEGER NOT NULL,
  term_info BLOB NOT NULL);
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  vendor_id TEXT NOT NULL, model_id TEXT NOT NULL, serial_no TEXT NOT NULL,
  trans INTEGER, profile INTEGER, outcome INTEGER, not_served_reason INTEGER,
  offered TEXT NOT NULL,
  terminal_result INTEGER,
  served_by TEXT,
  offers_calls INTEGER NOT NULL, piece_calls INTEGER NOT NULL);
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// Version 2: what a busy server looks up by, so that expiring replay entries (REQ-HS-019) and
// reading a terminal's report history do not scan whole tables.
constexpr const char* kVersion2 = R"sql(
CREATE INDEX replay_by_expiry ON replay(expires_s);
CREATE INDEX reports_by_terminal ON reports(vendor_id, model_id, serial_no, seq);
CREATE INDEX audit_by_terminal ON audit(vendor_id, model_id, serial_no, seq);
)sql";

// Version 3: the session lease of each terminal (REQ-SRV-011), so that two `serve` instances on
// one store never run two sessions of one terminal at once, with the instance that took it
// (REQ-SRV-012), whose restart ends it.
constexpr const char* kVersion3 = R"sql(
CREATE TABLE leases(
  vendor_id TEXT NOT NULL, model_id TEXT NOT NULL, serial_no TEXT NOT NULL,
  token INTEGER NOT NULL,
  expires_s INTEGER NOT NULL,
  holder TEXT NOT NULL,
  PRIMARY KEY(vendor_id, model_id, serial_no)) WITHOUT ROWID;
CREATE INDEX leases_by_holder ON leases(holder);
)sql";

constexpr std::array<const char*, kSchemaVersion> kMigrations = {kVersion1, kVersion2, kVersion3};

Result<std::int64_t, StoreError> pragma(Db& db, const char* name) {
  Stmt s(db, std::string("PRAGMA ") + name);
  if (!s.step()) return fail(s.error() ? *s.error() : db.error(name));
  return s.integer(0);
}

}  // namespace

Result<int, StoreError> schema_version(Db& db) {
  auto v = pragma(db, "user_version");
  if (!v.ok()) return fail(v.error());
  return static_cast<int>(*v);
}

Result<bool, StoreError> inspect(Db& db) {
  auto app = pragma(db, "application_id");
  auto version = pragma(db, "user_version");
  auto objects = [&]() -> Result<std::int64_t, StoreError> {
    Stmt s(db, "SELECT count(*) FROM sqlite_master");
    if (!s.step()) return fail(s.error() ? *s.error() : db.error("schema"));
    return s.integer(0);
  }();
  if (!app.ok()) return fail(app.error());
  if (!version.ok()) return fail(version.error());
  if (!objects.ok()) return fail(objects.error());
  // REQ-STORE-006: another program's database is refused, never "migrated" into ours.
  const bool fresh = *app == 0 && *version == 0 && *objects == 0;
  if (!fresh && *app != kApplicationId) {
    return fail(StoreError{"tms.db: not a tmsproto store (application_id " + std::to_string(*app) + ")"});
  }
  if (*version > kSchemaVersion) {
    return fail(StoreError{"tms.db: schema version " + std::to_string(*version) + " is newer than this program's " +
                           std::to_string(kSchemaVersion) + "; upgrade tmsproto"});
  }
  return fresh;
}

Result<void, StoreError> migrate(Db& db, int target) {
  auto tx = Transaction::begin(db);  // one process migrates; the other then sees the new version
  if (!tx.ok()) return fail(tx.error());
  auto fresh = inspect(db);  // again, under the write lock: another process may have migrated
  if (!fresh.ok()) return fail(fresh.error());
  auto version = schema_version(db);
  if (!version.ok()) return fail(version.error());
  if (*fresh) {
    auto r = db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    if (!r.ok()) return r;
  }
  // REQ-STORE-005: each step once, in order, recorded in the same transaction as its effect.
  for (int v = *version; v < target; ++v) {
    auto r = db.exec(kMigrations[static_cast<std::size_t>(v)]);
    if (!r.ok()) return r;
    r = db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (!r.ok()) return r;
  }
  return tx->commit();
}

}  // namespace tmsproto::store
