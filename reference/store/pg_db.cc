#include "store/pg_db.h"

#include <libpq-fe.h>

#include <charconv>

namespace tmsproto::store {
namespace {

// libpq's messages end with a newline and may span lines; REQ-STORE-011 wants one line.
std::string one_line(std::string_view what, const char* message) {
  std::string m = message ? message : "";
  for (char& ch : m) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return "PostgreSQL store: " + std::string(what) + ": " + m;
}

}  // namespace

PgRows::PgRows(pg_result* r) : r_(r) {}
PgRows::PgRows(PgRows&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
PgRows& PgRows::operator=(PgRows&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}
PgRows::~PgRows() {
  if (r_) PQclear(r_);
}
int PgRows::size() const { return r_ ? PQntuples(r_) : 0; }
int PgRows::columns() const { return r_ ? PQnfields(r_) : 0; }
std::uint32_t PgRows::type(int col) const { return r_ ? PQftype(r_, col) : 0; }
std::optional<std::string> PgRows::text(int row, int col) const {
  if (!r_ || row >= PQntuples(r_) || col >= PQnfields(r_) || PQgetisnull(r_, row, col)) return std::nullopt;
  return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}
std::optional<std::int64_t> PgRows::integer(int row, int col) const {
  auto t = text(row, col);
  if (!t) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
  if (ec != std::errc() || end != t->data() + t->size()) return std::nullopt;
  return v;
}

std::optional<Bytes> PgRows::bytes(int row, int col) const {
  auto t = text(row, col);
  if (!t) return std::nullopt;
  std::size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(t->c_str()), &n);
  if (!raw) return std::nullopt;
  Bytes out(raw, raw + n);
  PQfreemem(raw);
  return out;
}

bool PgRows::ok_status() const {
  const ExecStatusType st = r_ ? PQresultStatus(r_) : PGRES_FATAL_ERROR;
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}
std::string PgRows::command() const { return r_ ? PQcmdStatus(r_) : ""; }

Result<PgConn, StoreError> PgConn::connect(const std::string& url) {
  pg_conn* c = PQconnectdb(url.c_str());
  if (!c) return fail(StoreError{"PostgreSQL store: out of memory connecting"});
  PgConn conn(c);
  if (PQstatus(c) != CONNECTION_OK) return fail(StoreError{one_line("cannot connect", PQerrorMessage(c))});
  // REQ-STORE-019: the writes REQ-STORE-008 names are on the server's disk before a port returns,
  // whatever the server's own default; client_min_messages keeps notices out of our stderr.
  if (auto r = conn.exec("SET synchronous_commit = on"); !r.ok()) return fail(r.error());
  if (auto r = conn.exec("SET client_min_messages = warning"); !r.ok()) return fail(r.error());
  return conn;
}

PgConn::PgConn(PgConn&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
PgConn& PgConn::operator=(PgConn&& o) noexcept {
  if (this != &o) {
    if (c_) PQfinish(c_);
    c_ = o.c_;
    o.c_ = nullptr;
  }
  return *this;
}
PgConn::~PgConn() {
  if (c_) PQfinish(c_);
}

Result<PgRows, StoreError> PgConn::exec(std::string_view sql, const std::vector<PgParam>& params) {
  if (!c_) return fail(StoreError{"PostgreSQL store: no connection"});
  // Parameters only (the values never become SQL text): integers as decimal text, octets binary.
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const PgParam& p = params[i];
    if (const auto* s = std::get_if<std::string>(&p)) {
      values[i] = s->c_str();
    } else if (const auto* n = std::get_if<std::int64_t>(&p)) {
      texts[i] = std::to_string(*n);
      values[i] = texts[i].c_str();
    } else if (const auto* b = std::get_if<ByteView>(&p)) {
      values[i] = reinterpret_cast<const char*>(b->data());
      lengths[i] = static_cast<int>(b->size());
      formats[i] = 1;
    }
  }
  const std::string text(sql);
  pg_result* r = PQexecParams(c_, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                              lengths.data(), formats.data(), 0);
  PgRows rows(r);
  if (!rows.ok_status()) {
    return fail(StoreError{one_line("statement failed", r ? PQresultErrorMessage(r) : PQerrorMessage(c_))});
  }
  return rows;
}

Result<void, StoreError> PgConn::exec_script(const char* sql) {
  if (!c_) return fail(StoreError{"PostgreSQL store: no connection"});
  PgRows rows(PQexec(c_, sql));
  // PQexec returns the last statement's result; an earlier failure stops the script and is returned.
  if (!rows.ok_status()) return fail(StoreError{one_line("statement failed", PQerrorMessage(c_))});
  return {};
}

Result<PgTransaction, StoreError> PgTransaction::begin(PgConn& c) {
  if (auto r = c.exec("BEGIN"); !r.ok()) return fail(r.error());
  return PgTransaction(&c);
}

PgTransaction::~PgTransaction() {
  if (c_) (void)c_->exec("ROLLBACK");
}

Result<void, StoreError> PgTransaction::commit() {
  PgConn* c = c_;
  c_ = nullptr;
  auto r = c->exec("COMMIT");
  if (!r.ok()) return fail(r.error());
  // A transaction a statement already aborted answers COMMIT with "ROLLBACK", not with an error.
  if (r->command() != "COMMIT") return fail(StoreError{"PostgreSQL store: the transaction was rolled back"});
  return {};
}

}  // namespace tmsproto::store
