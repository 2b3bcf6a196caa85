#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace tmsproto::store {
namespace {

// How long a connection waits for another process's write lock before it reports "busy": long
// enough for a provisioning command beside `serve`, whose transactions are a few statements.
constexpr int kBusyTimeoutMs = 10000;

}  // namespace

Stmt::Stmt(Db& db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) error_ = db.error("prepare");
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

void Stmt::note(int rc) {
  if (rc != SQLITE_OK && !error_) error_ = db_.error("bind");
}

Stmt& Stmt::bind(int i, std::int64_t v) {
  if (stmt_) note(sqlite3_bind_int64(stmt_, i, v));
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  if (stmt_) note(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  return *this;
}

Stmt& Stmt::bind(int i, ByteView v) {
  // A zero-length blob is bound as an empty blob, not NULL: SQLite reads a null pointer as NULL.
  static const std::uint8_t kEmpty = 0;
  const void* data = v.empty() ? &kEmpty : v.data();
  if (stmt_) note(sqlite3_bind_blob(stmt_, i, data, static_cast<int>(v.size()), SQLITE_TRANSIENT));
  return *this;
}

Stmt& Stmt::bind_null(int i) {
  if (stmt_) note(sqlite3_bind_null(stmt_, i));
  return *this;
}

bool Stmt::step() {
  if (!stmt_ || error_) return false;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) error_ = db_.error("step");
  return false;
}

Result<void, StoreError> Stmt::run() {
  while (step()) {
  }
  if (error_) return fail(*error_);
  return {};
}

Stmt& Stmt::reset() {
  if (stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  return *this;
}

int Stmt::parameter_index(const char* name) const { return stmt_ ? sqlite3_bind_parameter_index(stmt_, name) : 0; }

int Stmt::column_count() const { return stmt_ ? sqlite3_column_count(stmt_) : 0; }

SqlRows::Cell Stmt::cell(int col) const {
  switch (sqlite3_column_type(stmt_, col)) {
    case SQLITE_INTEGER: return integer(col);
    case SQLITE_BLOB: return blob(col);
    case SQLITE_NULL: return std::monostate{};
    default: return text(col);
  }
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::int64_t Stmt::integer(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

Bytes Stmt::blob(int col) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? Bytes(p, p + n) : Bytes();
}

Result<Db, StoreError> Db::open(const std::filesystem::path& file) {
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  Db db(handle);
  if (rc != SQLITE_OK) return fail(db.error("cannot open " + file.string()));
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);  // REQ-STORE-002
  return db;
}

Db::Db(Db&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Db::~Db() { sqlite3_close_v2(db_); }

Result<void, StoreError> Db::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return fail(error("exec"));
  return {};
}

StoreError Db::error(std::string_view what) const {
  // REQ-STORE-011: one line; SQLite's messages name tables and constraints, never bound values.
  std::string message = "tms.db: " + std::string(what) + ": ";
  message += db_ ? sqlite3_errmsg(db_) : "out of memory";
  return StoreError{std::move(message)};
}

Result<Transaction, StoreError> Transaction::begin(Db& db, Durability durability) {
  // REQ-STORE-008, REQ-STORE-015: the level is set for this transaction, never inherited from the
  // last one; a pragma that fails fails the write rather than letting it commit at another level.
  auto level = db.exec(durability == Durability::kFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  if (!level.ok()) return fail(level.error());
  auto r = db.exec("BEGIN IMMEDIATE");  // REQ-STORE-002: take the write lock now, or wait for it
  if (!r.ok()) return fail(r.error());
  return Transaction(db, durability);
}

void Transaction::end(const char* sql) {
  if (sql) (void)db_->exec(sql);
  if (durability_ == Durability::kRelaxed) (void)db_->exec("PRAGMA synchronous = FULL");
  db_ = nullptr;
}

Transaction::~Transaction() {
  if (db_) end("ROLLBACK");
}

Result<void, StoreError> Transaction::commit() {
  auto r = db_->exec("COMMIT");
  if (r.ok()) end(nullptr);  // committed: nothing to end
  return r;
}

}  // namespace tmsproto::store
