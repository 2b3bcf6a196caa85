// TmsStore's insides, shared by its source files (open, provisioning, listing) and by the
// backends that assemble one (tms_store.cc for SQLite, pg_store.cc for PostgreSQL).
#pragma once

#include <memory>

#include "store/sql_ports.h"
#include "store/tms_store.h"

namespace tmsproto::store {

struct TmsStore::Impl {
  // `replay` is the backend's own replay cache (sql_ports.h says why), on the connection in `context`.
  Impl(StoreContext context, crypto::RandomSource& r, std::unique_ptr<tms::ReplayCache> replay_cache)
      : c(std::move(context)), rng(r), registry(c), custody(c), replay(std::move(replay_cache)), reports(c), audit(c) {}
  StoreContext c;
  crypto::RandomSource& rng;
  SqlRegistry registry;
  SqlCustody custody;
  std::unique_ptr<tms::ReplayCache> replay;
  SqlReports reports;
  SqlAuditLog audit;
};

// REQ-STORE-003, REQ-STORE-012: the steps every backend takes once its schema is current — the
// storage key checked against the one this database recorded (or recorded, on a new database),
// the estate's two derived keys — and the store assembled around the connection.
// `key_file` names the key in errors.
Result<std::unique_ptr<TmsStore>, StoreError> assemble_store(std::unique_ptr<Sql> sql, crypto::SecretBytes storage_key,
                                                             const std::string& key_file, const StoreOptions& options,
                                                             crypto::RandomSource& rng,
                                                             std::unique_ptr<tms::ReplayCache> replay);

}  // namespace tmsproto::store
