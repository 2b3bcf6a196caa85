// A thin RAII layer over libpq: one connection, statements with parameters only (never SQL built
// from values), and results read as text. With sqlite_db.h the only place that includes a database
// client's header; everything above sees PgConn, PgRows and StoreError.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "store/store_error.h"

struct pg_conn;
struct pg_result;

namespace tmsproto::store {

// One statement parameter: text, an integer (sent as its decimal text), octets (sent in binary, for
// `bytea`) or SQL NULL.
using PgParam = std::variant<std::monostate, std::string, std::int64_t, ByteView>;

// The rows a statement returned, as text (NULL as nullopt).
class PgRows {
 public:
  explicit PgRows(pg_result* r);
  PgRows(PgRows&&) noexcept;
  PgRows& operator=(PgRows&&) noexcept;
  ~PgRows();
  int size() const;
  std::optional<std::string> text(int row, int col) const;
  // A column read as an integer; nullopt for NULL or a value that is not one.
  std::optional<std::int64_t> integer(int row, int col) const;
  // A bytea column's octets; nullopt for NULL or a value libpq cannot decode.
  std::optional<Bytes> bytes(int row, int col) const;
  int columns() const;
  // The column's type OID (pg_type.h): 17 bytea, 20/21/23 integers, ...
  std::uint32_t type(int col) const;
  // The command tag ("INSERT 0 1", "COMMIT", "ROLLBACK", ...).
  std::string command() const;
  // Whether the statement succeeded.
  bool ok_status() const;

 private:
  pg_result* r_;
};

class PgConn {
 public:
  // Connects to a libpq URI and sets the session as REQ-STORE-019 requires.
  static Result<PgConn, StoreError> connect(const std::string& url);
  PgConn(PgConn&&) noexcept;
  PgConn& operator=(PgConn&&) noexcept;
  ~PgConn();

  // Runs one statement with $1.. bound to `params`.
  Result<PgRows, StoreError> exec(std::string_view sql, const std::vector<PgParam>& params = {});
  // Runs a fixed script of several statements (the migrations): program text only, never values.
  Result<void, StoreError> exec_script(const char* sql);

 private:
  explicit PgConn(pg_conn* c) : c_(c) {}
  pg_conn* c_;
};

// BEGIN now, ROLLBACK unless commit() succeeded.
class PgTransaction {
 public:
  static Result<PgTransaction, StoreError> begin(PgConn& c);
  PgTransaction(PgTransaction&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  PgTransaction& operator=(PgTransaction&&) = delete;
  ~PgTransaction();
  Result<void, StoreError> commit();

 private:
  explicit PgTransaction(PgConn* c) : c_(c) {}
  PgConn* c_;
};

}  // namespace tmsproto::store
