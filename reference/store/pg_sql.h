// The store's shared SQL (sql.h) on one PostgreSQL connection.
#pragma once

#include "store/pg_db.h"
#include "store/sql.h"

namespace tmsproto::store {

class PgSql final : public Sql {
 public:
  explicit PgSql(PgConn c) : c_(std::move(c)) {}
  Result<SqlRows, StoreError> query(std::string_view sql, std::initializer_list<SqlParam> params = {}) override;
  // BEGIN; every PostgreSQL commit is durable (REQ-STORE-019), whatever `durability` says.
  Result<std::unique_ptr<SqlTransaction>, StoreError> begin(Durability durability) override;
  std::string_view name() const override { return "PostgreSQL store"; }
  Result<bool, StoreError> hold_instance_name(std::string_view instance) override;
  // The connection itself, for what only PostgreSQL does (its replay cache, its migrations).
  PgConn& conn() { return c_; }

 private:
  PgConn c_;
};

}  // namespace tmsproto::store
