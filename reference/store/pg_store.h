// The TMS's store on PostgreSQL (spec/15-storage.md section 15.6), for estates of several `serve`
// instances on one database. Built so far: the connection, the versioned schema, and the replay
// cache, reports and audit log ports with their read-back; the registry and custody follow (spec/deferred.md, REQ-STORE-022), and `serve` uses this store
// only once they are all there (REQ-STORE-016).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/store_error.h"
#include "store/tms_store.h"
#include "tms/ports.h"

namespace tmsproto::store {

class PgStore {
 public:
  // Connects to a libpq URI, migrates the schema (REQ-STORE-017) and returns the store.
  // options.replay_capacity bounds the replay cache (REQ-HS-019); options.schema_version, when not
  // 0, stops the migration at that version (to write test fixtures).
  static Result<std::unique_ptr<PgStore>, StoreError> open(const std::string& url, const StoreOptions& options = {});
  ~PgStore();
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  // The engine's replay cache (tms/ports.h). One caller at a time: each instance (or thread) opens
  // its own store, as each holds one connection.
  tms::ReplayCache& replay();
  tms::TerminalReports& reports();
  tms::AuditLog& audit();

  // What an operator reads back, as TmsStore gives it for tms.db: oldest first.
  Result<std::vector<ReportRow>, StoreError> report_history(const codec::Identity& id);
  Result<std::vector<AuditRow>, StoreError> audit_log();
  // The schema version recorded in the database.
  Result<int, StoreError> schema_version();

  struct Impl;

 private:
  explicit PgStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tmsproto::store
