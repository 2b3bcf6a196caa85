// The store's shared SQL (sql.h) on one SQLite connection to tms.db.
#pragma once

#include "store/sql.h"
#include "store/sqlite_db.h"

namespace tmsproto::store {

class SqliteSql final : public Sql {
 public:
  explicit SqliteSql(Db db) : db_(std::move(db)) {}
  Result<SqlRows, StoreError> query(std::string_view sql, std::initializer_list<SqlParam> params = {}) override;
  Result<std::unique_ptr<SqlTransaction>, StoreError> begin(Durability durability) override;
  std::string_view name() const override { return "tms.db"; }
  // The connection itself, for what only SQLite does (its replay cache, its pragmas).
  Db& db() { return db_; }

 private:
  Db db_;
};

}  // namespace tmsproto::store
