#include "store/pg_migrations.h"

#include <array>
#include <string>

namespace tmsproto::store {
namespace {

// Migration N takes version N-1 to N. Versions 1 and 2 hold the replay cache, the reports and the
// audit log; versions 3 and 4 the rest of what tms.db holds (REQ-STORE-022), with the same tables
// and columns, so that the store's one SQL text (sql.h) runs on both.
constexpr std::array<const char*, kPgSchemaVersion> kMigrations = {
    // 1: the metadata and the replay cache (REQ-STORE-018): the primary key is the atomic check,
    // the index on expiry serves the deletion of expired entries (REQ-HS-019).
    "CREATE TABLE tmsp_meta (application text NOT NULL, schema_version integer NOT NULL);"
    "INSERT INTO tmsp_meta VALUES ('TMSP', 0);"
    "CREATE TABLE replay (vendor_id text NOT NULL, model_id text NOT NULL, serial_no text NOT NULL,"
    " t_rand bytea NOT NULL, expires_s bigint NOT NULL,"
    " PRIMARY KEY (vendor_id, model_id, serial_no, t_rand));"
    "CREATE INDEX replay_by_expiry ON replay (expires_s);",
    // 2: the terminals' reports (REQ-DL-042) and the audit log (REQ-TMS-005), append-only by
    // triggers as REQ-STORE-009 requires of tms.db; seq gives the order of appending.
    "CREATE TABLE reports (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " vendor_id text NOT NULL, model_id text NOT NULL, serial_no text NOT NULL,"
    " received_s bigint NOT NULL, term_info bytea NOT NULL);"
    "CREATE INDEX reports_by_terminal ON reports (vendor_id, model_id, serial_no, seq);"
    "CREATE TABLE audit (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " vendor_id text NOT NULL, model_id text NOT NULL, serial_no text NOT NULL,"
    " trans integer, profile integer, outcome integer, not_served_reason integer, offered text NOT NULL,"
    " terminal_result integer, served_by text, offers_calls bigint NOT NULL, piece_calls bigint NOT NULL);"
    "CREATE INDEX audit_by_terminal ON audit (vendor_id, model_id, serial_no, seq);"
    "CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$BEGIN RAISE EXCEPTION 'the audit log is append-only'; END$$;"
    "CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();",
    // 3: the registry, the key custody and the operators (REQ-STORE-020, REQ-STORE-021), and meta
    // for the storage key's check value (REQ-STORE-003). Keys only as TR-31 text (REQ-STORE-004);
    // flags as integers 0/1, as in tms.db.
    "CREATE TABLE meta (name text PRIMARY KEY, value bytea NOT NULL);"
    "CREATE TABLE vendors (vendor_id text PRIMARY KEY, signing_public_key bytea NOT NULL, adapter text NOT NULL);"
    "CREATE TABLE models (vendor_id text NOT NULL REFERENCES vendors (vendor_id), model_id text NOT NULL,"
    " PRIMARY KEY (vendor_id, model_id));"
    "CREATE TABLE terminals (vendor_id text NOT NULL, model_id text NOT NULL, serial_no text NOT NULL,"
    " profile integer NOT NULL, legacy_enabled integer NOT NULL, unattended_allowed integer NOT NULL,"
    " dmk_block text NOT NULL, dmk_fingerprint bytea NOT NULL UNIQUE,"
    " PRIMARY KEY (vendor_id, model_id, serial_no),"
    " FOREIGN KEY (vendor_id, model_id) REFERENCES models (vendor_id, model_id));"
    "CREATE TABLE key_sets (vendor_id text NOT NULL, model_id text NOT NULL, serial_no text NOT NULL,"
    " key_set_id text NOT NULL, definition text NOT NULL,"
    " PRIMARY KEY (vendor_id, model_id, serial_no, key_set_id),"
    " FOREIGN KEY (vendor_id, model_id, serial_no) REFERENCES terminals (vendor_id, model_id, serial_no));"
    "CREATE TABLE key_set_slots (vendor_id text NOT NULL, model_id text NOT NULL, serial_no text NOT NULL,"
    " key_set_id text NOT NULL, slot integer NOT NULL, key_usage text NOT NULL, algorithm text NOT NULL,"
    " mode_of_use text NOT NULL, key_length integer NOT NULL, key_block text NOT NULL,"
    " PRIMARY KEY (vendor_id, model_id, serial_no, key_set_id, slot),"
    " FOREIGN KEY (vendor_id, model_id, serial_no, key_set_id)"
    " REFERENCES key_sets (vendor_id, model_id, serial_no, key_set_id));"
    "CREATE TABLE key_set_deliveries (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " vendor_id text NOT NULL, model_id text NOT NULL, serial_no text NOT NULL, key_set_id text NOT NULL);"
    "CREATE TABLE operators (vendor_id text NOT NULL REFERENCES vendors (vendor_id), operator_id text NOT NULL,"
    " salt bytea NOT NULL, iterations bigint NOT NULL, opv_block text NOT NULL, may_download_keys integer NOT NULL,"
    " consecutive_failures bigint NOT NULL DEFAULT 0, locked_until_s bigint NOT NULL DEFAULT 0,"
    " PRIMARY KEY (vendor_id, operator_id));",
    // 4: one session lease per terminal (REQ-SRV-011), the primary key making taking it atomic, and
    // the instance that took it (REQ-SRV-012), whose restart ends it.
    "CREATE TABLE leases (vendor_id text NOT NULL, model_id text NOT NULL, serial_no text NOT NULL,"
    " token bigint NOT NULL, expires_s bigint NOT NULL, holder text NOT NULL,"
    " PRIMARY KEY (vendor_id, model_id, serial_no));"
    "CREATE INDEX leases_by_holder ON leases (holder);",
};

// 0x544D5350 ("TMSP"), REQ-STORE-017: every instance takes the same lock.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(1414353744)";

}  // namespace

Result<int, StoreError> pg_schema_version(PgConn& c) {
  auto has_meta = c.exec("SELECT to_regclass('tmsp_meta') IS NOT NULL");
  if (!has_meta.ok()) return fail(has_meta.error());
  if (has_meta->text(0, 0) != "t") {
    // REQ-STORE-017: tables but no tmsp_meta is another program's database.
    auto tables = c.exec("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()");
    if (!tables.ok()) return fail(tables.error());
    if (tables->integer(0, 0).value_or(1) != 0) {
      return fail(StoreError{"PostgreSQL store: the database holds tables but no tmsp_meta: not a tmsproto store, not touched"});
    }
    return 0;
  }
  auto meta = c.exec("SELECT application, schema_version FROM tmsp_meta");
  if (!meta.ok()) return fail(meta.error());
  if (meta->size() != 1 || meta->text(0, 0) != "TMSP" || !meta->integer(0, 1)) {
    return fail(StoreError{"PostgreSQL store: tmsp_meta does not name the application TMSP: not a tmsproto store, not touched"});
  }
  return static_cast<int>(*meta->integer(0, 1));
}

Result<void, StoreError> pg_migrate(PgConn& c, int target) {
  if (target == 0) target = kPgSchemaVersion;
  for (;;) {
    auto tx = PgTransaction::begin(c);
    if (!tx.ok()) return fail(tx.error());
    // REQ-STORE-017: the version is read under the lock, so a second instance starting at the same
    // moment waits here and then finds the migration done.
    if (auto r = c.exec(kLock); !r.ok()) return fail(r.error());
    auto version = pg_schema_version(c);
    if (!version.ok()) return fail(version.error());
    if (*version > kPgSchemaVersion) {
      return fail(StoreError{"PostgreSQL store: schema version " + std::to_string(*version) +
                             " is newer than this program's " + std::to_string(kPgSchemaVersion) + ", not touched"});
    }
    if (*version >= target) return tx->commit();
    if (auto r = c.exec_script(kMigrations[static_cast<std::size_t>(*version)]); !r.ok()) return fail(r.error());
    // REQ-STORE-017: the version moves in the same transaction as the migration.
    if (auto r = c.exec("UPDATE tmsp_meta SET schema_version = $1", {std::int64_t{*version + 1}}); !r.ok()) {
      return fail(r.error());
    }
    if (auto r = tx->commit(); !r.ok()) return fail(r.error());
  }
}

}  // namespace tmsproto::store
