#include "store/pg_store.h"

#include "store/pg_db.h"
#include "store/pg_migrations.h"
#include "store/pg_replay.h"

namespace tmsproto::store {

struct PgStore::Impl {
  Impl(PgConn conn, std::size_t capacity) : c(std::move(conn)), replay(c, capacity) {}
  PgConn c;
  PgReplayCache replay;
};

PgStore::PgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgStore::~PgStore() = default;

Result<std::unique_ptr<PgStore>, StoreError> PgStore::open(const std::string& url, const StoreOptions& options) {
  auto conn = PgConn::connect(url);
  if (!conn.ok()) return fail(conn.error());
  if (options.schema_version < 0 || options.schema_version > kPgSchemaVersion) {
    return fail(StoreError{"PostgreSQL store: no schema version " + std::to_string(options.schema_version)});
  }
  if (auto r = pg_migrate(*conn, options.schema_version); !r.ok()) return fail(r.error());
  return std::unique_ptr<PgStore>(
      new PgStore(std::make_unique<Impl>(std::move(conn).value(), options.replay_capacity)));
}

tms::ReplayCache& PgStore::replay() { return impl_->replay; }

Result<int, StoreError> PgStore::schema_version() { return pg_schema_version(impl_->c); }

}  // namespace tmsproto::store
