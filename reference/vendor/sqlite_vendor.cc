#include "vendor/sqlite_vendor.h"

#include <sqlite3.h>

#include <optional>

#include "vendor/database_rules.h"
#include "vendor/piece_range.h"

namespace tmsproto::vendor {

namespace {

// REQ-VND-020: the schema of 17.4, version 1.
constexpr const char* kSchema = R"sql(
CREATE TABLE vendor (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  vendor_id TEXT NOT NULL,
  terminals_listed INTEGER NOT NULL DEFAULT 0 CHECK (terminals_listed IN (0, 1))
);
CREATE TABLE terminals (
  model_id TEXT NOT NULL,
  serial_no TEXT NOT NULL,
  PRIMARY KEY (model_id, serial_no)
);
CREATE TABLE packages (
  position INTEGER PRIMARY KEY,
  manifest BLOB NOT NULL UNIQUE,
  signature BLOB NOT NULL,
  fit BLOB NOT NULL,
  content BLOB NOT NULL
);
PRAGMA user_version = 1;
)sql";

// A database that is being written waits this long for the writer before the call gives up.
constexpr int kBusyTimeoutMs = 2000;

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }
  bool ok() const { return ok_; }
  sqlite3_stmt* get() const { return stmt_; }
  bool bind_text(int i, const std::string& s) {
    return sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT) == SQLITE_OK;
  }
  bool bind_blob(int i, ByteView b) {
    // A zero-length blob is still a blob, never NULL.
    return sqlite3_bind_blob64(stmt_, i, b.empty() ? "" : static_cast<const void*>(b.data()), b.size(),
                               SQLITE_TRANSIENT) == SQLITE_OK;
  }
  bool bind_int64(int i, std::int64_t v) { return sqlite3_bind_int64(stmt_, i, v) == SQLITE_OK; }
  int step() { return sqlite3_step(stmt_); }
  Bytes blob(int col) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
    const int n = sqlite3_column_bytes(stmt_, col);
    return p == nullptr || n <= 0 ? Bytes{} : Bytes(p, p + n);
  }
  bool is_blob(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_BLOB; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

bool exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

// Ends a read transaction whatever path leaves the function.
struct ReadTransaction {
  explicit ReadTransaction(sqlite3* d) : db(d), open(exec(d, "BEGIN")) {}
  ~ReadTransaction() {
    if (open) exec(db, "COMMIT");
  }
  sqlite3* db;
  bool open;
};

std::optional<int> user_version(sqlite3* db) {
  Statement s(db, "PRAGMA user_version");
  if (!s.ok() || s.step() != SQLITE_ROW) return std::nullopt;
  return sqlite3_column_int(s.get(), 0);
}

std::optional<std::string> stored_vendor_id(sqlite3* db) {
  Statement s(db, "SELECT vendor_id FROM vendor WHERE one = 1");
  if (!s.ok() || s.step() != SQLITE_ROW) return std::nullopt;
  const auto* text = sqlite3_column_text(s.get(), 0);
  if (text == nullptr) return std::nullopt;
  std::string id(reinterpret_cast<const char*>(text));
  if (!valid_vendor_id(id)) return std::nullopt;
  return id;
}

std::string message(sqlite3* db) { return db == nullptr ? "out of memory" : sqlite3_errmsg(db); }

}  // namespace

Result<std::unique_ptr<SqliteVendor>, std::string> SqliteVendor::open(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  // REQ-VND-021: read-only: the TMS never writes into a vendor's database.
  const int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(db, sqlite3_close_v2);
  if (rc != SQLITE_OK) return fail(file.string() + ": cannot open: " + message(db));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  auto version = user_version(db);
  if (!version) return fail(file.string() + ": not a SQLite database: " + message(db));
  if (*version != kSqliteLayoutVersion) {
    return fail(file.string() + ": layout version " + std::to_string(*version) + ", this TMS reads version " +
                std::to_string(kSqliteLayoutVersion) + " (spec/17 17.4)");
  }
  auto id = stored_vendor_id(db);
  if (!id) return fail(file.string() + ": no vendor row with a VENDOR_ID (1-8 letters and digits)");
  Statement probe(db, "SELECT position, manifest, signature, fit, content FROM packages LIMIT 0");
  Statement probe_terminals(db, "SELECT model_id, serial_no FROM terminals LIMIT 0");
  if (!probe.ok() || !probe_terminals.ok()) return fail(file.string() + ": not the schema of spec/17 17.4: " + message(db));
  return std::unique_ptr<SqliteVendor>(new SqliteVendor(guard.release(), std::move(*id)));
}

SqliteVendor::~SqliteVendor() { sqlite3_close_v2(db_); }

Result<std::vector<codec::Offer>, tms::VendorError> SqliteVendor::offers(const tms::OffersQuery& q) {
  if (q.vendor_id != vendor_id_) return fail(tms::VendorError::kNotFound);  // REQ-TMS-027
  std::lock_guard lock(mutex_);
  // REQ-VND-022: one read transaction, so a publisher's commit is seen whole or not at all.
  ReadTransaction tx(db_);
  if (!tx.open) return fail(tms::VendorError::kUnavailable);
  Statement listed(db_, "SELECT terminals_listed FROM vendor WHERE one = 1");
  if (!listed.ok() || listed.step() != SQLITE_ROW) return fail(tms::VendorError::kUnavailable);
  if (sqlite3_column_int(listed.get(), 0) != 0) {  // REQ-VND-012
    Statement known(db_, "SELECT 1 FROM terminals WHERE model_id = ?1 AND serial_no = ?2");
    if (!known.ok() || !known.bind_text(1, q.model_id) || !known.bind_text(2, q.serial_no)) {
      return fail(tms::VendorError::kUnavailable);
    }
    const int rc = known.step();
    if (rc == SQLITE_DONE) return fail(tms::VendorError::kNotFound);
    if (rc != SQLITE_ROW) return fail(tms::VendorError::kUnavailable);
  }
  Statement s(db_, "SELECT manifest, signature FROM packages ORDER BY position");
  if (!s.ok()) return fail(tms::VendorError::kUnavailable);
  std::vector<codec::Offer> out;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW) {
    // REQ-VND-022: a row that is not a package of this vendor makes the database unavailable.
    if (!s.is_blob(0) || !s.is_blob(1)) return fail(tms::VendorError::kUnavailable);
    auto offer = offer_from_octets(s.blob(0), s.blob(1), vendor_id_);
    if (!offer) return fail(tms::VendorError::kUnavailable);
    out.push_back(std::move(*offer));
  }
  if (rc != SQLITE_DONE) return fail(tms::VendorError::kUnavailable);
  return out;
}

Result<Bytes, tms::VendorError> SqliteVendor::piece(const tms::PieceQuery& q) {
  if (q.vendor_id != vendor_id_) return fail(tms::VendorError::kNotFound);  // REQ-TMS-027
  std::lock_guard lock(mutex_);
  // REQ-VND-013: only the piece's octets leave the database, never the whole package.
  const char* sql = q.section == codec::Section::kFit
                        ? "SELECT typeof(fit), length(fit), substr(fit, ?2, ?3) FROM packages WHERE manifest = ?1"
                        : "SELECT typeof(content), length(content), substr(content, ?2, ?3) FROM packages "
                          "WHERE manifest = ?1";
  Statement s(db_, sql);
  const PieceRange r = piece_range(q.manifest, q.section, q.index);
  if (!s.ok() || !s.bind_blob(1, codec::serialize(q.manifest)) ||
      !s.bind_int64(2, static_cast<std::int64_t>(r.offset) + 1) || !s.bind_int64(3, static_cast<std::int64_t>(r.length))) {
    return fail(tms::VendorError::kUnavailable);
  }
  const int rc = s.step();
  if (rc == SQLITE_DONE) return fail(tms::VendorError::kNotFound);
  if (rc != SQLITE_ROW) return fail(tms::VendorError::kUnavailable);
  const auto* type = sqlite3_column_text(s.get(), 0);
  if (type == nullptr || std::string_view(reinterpret_cast<const char*>(type)) != "blob") {
    return fail(tms::VendorError::kUnavailable);
  }
  if (static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 1)) <= r.offset) return fail(tms::VendorError::kNotFound);
  return s.blob(2);
}

Result<void, std::string> publish_to_sqlite(const std::filesystem::path& file, const SignedPackage& p) {
  if (auto defect = package_defect(p)) return fail(std::move(*defect));  // REQ-VND-014
  const codec::Manifest& m = p.offer.manifest;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) return fail(file.string() + ": cannot open: " + message(raw));
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // REQ-VND-023: all or nothing; IMMEDIATE so that two publishers never pick the same position.
  if (!exec(raw, "BEGIN IMMEDIATE")) return fail(file.string() + ": " + message(raw));
  auto rollback = [&](std::string why) {
    exec(raw, "ROLLBACK");
    return fail(std::move(why));
  };
  auto version = user_version(raw);
  if (!version) return rollback(file.string() + ": not a SQLite database: " + message(raw));
  if (*version == 0) {
    // REQ-VND-020: a schema only in a file with no tables: never someone else's database.
    Statement tables(raw, "SELECT count(*) FROM sqlite_master");
    if (!tables.ok() || tables.step() != SQLITE_ROW || sqlite3_column_int(tables.get(), 0) != 0) {
      return rollback(file.string() + ": a SQLite database, but not a vendor database (user_version 0)");
    }
    if (!exec(raw, kSchema)) return rollback(file.string() + ": cannot create the schema: " + message(raw));
    Statement row(raw, "INSERT INTO vendor (one, vendor_id) VALUES (1, ?1)");
    if (!row.ok() || !row.bind_text(1, m.vendor_id) || row.step() != SQLITE_DONE) {
      return rollback(file.string() + ": " + message(raw));
    }
  } else if (*version != kSqliteLayoutVersion) {  // REQ-VND-020
    return rollback(file.string() + ": layout version " + std::to_string(*version) + ", not " +
                    std::to_string(kSqliteLayoutVersion));
  }
  auto id = stored_vendor_id(raw);
  if (!id) return rollback(file.string() + ": no vendor row with a VENDOR_ID");
  if (*id != m.vendor_id) return rollback("the package is of vendor " + m.vendor_id + ", the database of vendor " + *id);
  Statement ins(raw,
                "INSERT INTO packages (position, manifest, signature, fit, content) "
                "VALUES ((SELECT coalesce(max(position), 0) + 1 FROM packages), ?1, ?2, ?3, ?4)");
  if (!ins.ok() || !ins.bind_blob(1, codec::serialize(m)) || !ins.bind_blob(2, p.offer.signature) ||
      !ins.bind_blob(3, p.fit) || !ins.bind_blob(4, p.content)) {
    return rollback(file.string() + ": " + message(raw));
  }
  const int step = ins.step();
  if (step == SQLITE_CONSTRAINT) return rollback("already published in " + file.string() + " (the same manifest)");
  if (step != SQLITE_DONE) return rollback(file.string() + ": " + message(raw));
  if (!exec(raw, "COMMIT")) return rollback(file.string() + ": cannot commit: " + message(raw));
  return {};
}

}  // namespace tmsproto::vendor
