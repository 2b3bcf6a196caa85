// The store's shared SQL (sql.h) on one SQLite connection to tms.db.
#pragma once

#include <vector>

#include "store/sql.h"
#include "store/sqlite_db.h"

namespace tmsproto::store {

class SqliteSql final : public Sql {
 public:
  explicit SqliteSql(Db db) : db_(std::move(db)) {}
  ~SqliteSql() override;
  SqliteSql(const SqliteSql&) = delete;
  SqliteSql& operator=(const SqliteSql&) = delete;
  Result<SqlRows, StoreError> query(std::string_view sql, std::initializer_list<SqlParam> params = {}) override;
  Result<std::unique_ptr<SqlTransaction>, StoreError> begin(Durability durability) override;
  std::string_view name() const override { return "tms.db"; }
  // An exclusive flock on tms.db.instance-<SHA-256 of the name, hex> beside tms.db.
  Result<bool, StoreError> hold_instance_name(std::string_view instance) override;
  // The connection itself, for what only SQLite does (its replay cache, its pragmas).
  Db& db() { return db_; }

 private:
  Db db_;
  std::vector<int> held_names_;  // the lock files' descriptors, closed with the connection
};

}  // namespace tmsproto::store
