#include "store/pg_store.h"

#include "store/pg_migrations.h"
#include "store/pg_replay.h"
#include "store/pg_sql.h"
#include "store/storage_key.h"
#include "store/store_impl.h"

namespace tmsproto::store {

Result<std::unique_ptr<TmsStore>, StoreError> open_postgresql_store(const std::string& url,
                                                                    const std::filesystem::path& key_file,
                                                                    crypto::RandomSource& rng,
                                                                    const StoreOptions& options) {
  // A store needs every table: older versions are written by pg_migrate alone, for the tests.
  if (options.schema_version != 0 && options.schema_version != kPgSchemaVersion) {
    return fail(StoreError{"PostgreSQL store: opens at schema version " + std::to_string(kPgSchemaVersion) + " only"});
  }
  auto conn = PgConn::connect(url);
  if (!conn.ok()) return fail(conn.error());
  if (auto r = pg_migrate(*conn, options.schema_version); !r.ok()) return fail(r.error());
  auto sql = std::make_unique<PgSql>(std::move(conn).value());
  // REQ-STORE-020, REQ-STORE-003: a key is created only for a database that has recorded none; a
  // database that has one needs its own key, and a missing file is an operator's error.
  auto recorded = sql->query("SELECT 1 FROM meta WHERE name = 'storage_key_check'");
  if (!recorded.ok()) return fail(recorded.error());
  auto key = load_storage_key(key_file, recorded->empty(), rng);
  if (!key.ok()) return fail(key.error());
  // REQ-STORE-022: every port, provisioning call and listing of TmsStore, on the same SQL as tms.db;
  // only the replay cache is PostgreSQL's own (REQ-STORE-018).
  auto replay = std::make_unique<PgReplayCache>(sql->conn(), options.replay_capacity);
  return assemble_store(std::move(sql), std::move(key).value(), key_file.string(), options, rng, std::move(replay));
}

}  // namespace tmsproto::store
