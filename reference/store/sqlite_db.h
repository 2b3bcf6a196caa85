// A thin RAII layer over the SQLite C API: one connection, prepared statements, transactions.
// Only the store includes <sqlite3.h>; everything above sees Db, Stmt and StoreError.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "store/sql.h"
#include "store/store_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tmsproto::store {

class Db;

// A prepared statement. Binds are 1-based as in SQLite; columns 0-based. A failed bind or step is
// remembered, so a sequence of calls can be checked once at the end with done()/error().
class Stmt {
 public:
  Stmt(Db& db, std::string_view sql);
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, ByteView v);
  Stmt& bind_null(int i);
  template <class T>
  Stmt& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, static_cast<std::int64_t>(*v)) : bind_null(i);
  }

  // true: a row is ready; false: done or failed (see error()).
  bool step();
  // Runs a statement that returns no rows.
  Result<void, StoreError> run();
  Stmt& reset();

  // The index of a named parameter ("$1"); 0 when the statement has none of that name.
  int parameter_index(const char* name) const;
  int column_count() const;
  // A column of the current row, typed as SQLite stored it.
  SqlRows::Cell cell(int col) const;

  bool is_null(int col) const;
  std::int64_t integer(int col) const;
  std::string text(int col) const;
  Bytes blob(int col) const;

  const std::optional<StoreError>& error() const { return error_; }

 private:
  void note(int rc);
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::optional<StoreError> error_;
};

class Db {
 public:
  // Opens (creating if absent) the database file, with the busy timeout and pragmas every
  // connection of the store uses (REQ-STORE-002).
  static Result<Db, StoreError> open(const std::filesystem::path& file);
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  Result<void, StoreError> exec(std::string_view sql);
  StoreError error(std::string_view what) const;
  sqlite3* handle() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};


// One write transaction, BEGIN IMMEDIATE so that two processes never deadlock upgrading a read
// lock; rolled back unless commit() succeeded (REQ-STORE-010). Every transaction states its
// durability and sets it on the connection before BEGIN (SQLite refuses the change inside one), so
// a relaxed write can never leave a later replay entry or lock committing under NORMAL.
class Transaction {
 public:
  static Result<Transaction, StoreError> begin(Db& db, Durability durability = Durability::kFull);
  Transaction(Transaction&& other) noexcept : db_(other.db_), durability_(other.durability_) { other.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void, StoreError> commit();

 private:
  Transaction(Db& db, Durability durability) : db_(&db), durability_(durability) {}
  // After a relaxed transaction the connection goes back to FULL, so that a write outside any
  // Transaction (none on the session's path today) could not inherit NORMAL.
  void end(const char* sql);
  Db* db_;
  Durability durability_;
};

}  // namespace tmsproto::store
