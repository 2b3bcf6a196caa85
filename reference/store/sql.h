// The one interface the store's shared code (registry, custody, records, provisioning, listing)
// writes its SQL against, so that the SQLite store and the PostgreSQL store run the same statements
// (spec/15-storage.md, REQ-STORE-022): parameters are `$1`, `$2`, … in both dialects, values are
// bound (never spliced into SQL text), and every row is copied out before the call returns.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "store/store_error.h"

namespace tmsproto::store {

// How a write transaction commits (REQ-STORE-008, REQ-STORE-015). kFull: durable before COMMIT
// returns. kRelaxed: a SQLite store may leave the commit unsynced (REQ-STORE-015 names the only
// writes allowed to); the PostgreSQL store commits every transaction durably (REQ-STORE-019).
enum class Durability { kFull, kRelaxed };

// One bound value: SQL NULL, an integer, text, or octets (BLOB / bytea).
using SqlParam = std::variant<std::monostate, std::int64_t, std::string_view, ByteView>;

// What a statement returned, copied out of the driver. Reading a column as another type than it
// holds converts (an integer read as text gives its decimal digits); NULL reads as 0, "" or no octets.
class SqlRows {
 public:
  using Cell = std::variant<std::monostate, std::int64_t, std::string, Bytes>;
  using Row = std::vector<Cell>;

  int size() const { return static_cast<int>(rows_.size()); }
  bool empty() const { return rows_.empty(); }
  bool is_null(int row, int col) const;
  std::int64_t integer(int row, int col) const;
  std::string text(int row, int col) const;
  Bytes blob(int row, int col) const;
  void add(Row row) { rows_.push_back(std::move(row)); }

 private:
  const Cell* cell(int row, int col) const;
  std::vector<Row> rows_;
};

class SqlTransaction {
 public:
  virtual ~SqlTransaction() = default;  // rolls back unless commit() succeeded (REQ-STORE-010)
  virtual Result<void, StoreError> commit() = 0;
};

class Sql {
 public:
  virtual ~Sql() = default;
  // Runs one statement with $1.. bound to `params`; its rows, or none.
  virtual Result<SqlRows, StoreError> query(std::string_view sql, std::initializer_list<SqlParam> params = {}) = 0;
  // Begins a write transaction: SQLite's BEGIN IMMEDIATE at the level `durability` asks
  // (REQ-STORE-002, REQ-STORE-015), PostgreSQL's BEGIN.
  virtual Result<std::unique_ptr<SqlTransaction>, StoreError> begin(Durability durability) = 0;
  // Where the store lives, for errors: "tms.db" or "PostgreSQL store".
  virtual std::string_view name() const = 0;
  // REQ-SRV-012: holds a serve instance's name for as long as this connection lives; false when
  // another connection holds it. PostgreSQL: a session-level advisory lock. SQLite: always true (a
  // SQLite store is one host's files, where the default names are unique among running instances).
  virtual Result<bool, StoreError> hold_instance_name(std::string_view instance) = 0;
};

}  // namespace tmsproto::store
