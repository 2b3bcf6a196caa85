#include "store/pg_sql.h"

namespace tmsproto::store {
namespace {

// Type OIDs of PostgreSQL's catalog (src/include/catalog/pg_type.dat), fixed since 7.x.
constexpr std::uint32_t kByteaOid = 17;
constexpr std::uint32_t kInt8Oid = 20;
constexpr std::uint32_t kInt2Oid = 21;
constexpr std::uint32_t kInt4Oid = 23;

class PgSqlTransaction final : public SqlTransaction {
 public:
  explicit PgSqlTransaction(PgTransaction t) : t_(std::move(t)) {}
  Result<void, StoreError> commit() override { return t_.commit(); }

 private:
  PgTransaction t_;
};

}  // namespace

Result<SqlRows, StoreError> PgSql::query(std::string_view sql, std::initializer_list<SqlParam> params) {
  std::vector<PgParam> bound;
  bound.reserve(params.size());
  for (const SqlParam& p : params) {
    if (const auto* v = std::get_if<std::int64_t>(&p)) {
      bound.emplace_back(*v);
    } else if (const auto* t = std::get_if<std::string_view>(&p)) {
      bound.emplace_back(std::string(*t));  // libpq reads text up to a NUL: a copy that has one
    } else if (const auto* b = std::get_if<ByteView>(&p)) {
      bound.emplace_back(*b);
    } else {
      bound.emplace_back(std::monostate{});
    }
  }
  auto r = c_.exec(sql, bound);
  if (!r.ok()) return fail(r.error());
  SqlRows rows;
  for (int i = 0; i < r->size(); ++i) {
    SqlRows::Row row;
    for (int c = 0; c < r->columns(); ++c) {
      const std::uint32_t type = r->type(c);
      if (!r->text(i, c)) {
        row.emplace_back(std::monostate{});
      } else if (type == kByteaOid) {
        auto b = r->bytes(i, c);
        if (!b) return fail(StoreError{"PostgreSQL store: a bytea value that does not decode"});
        row.emplace_back(std::move(*b));
      } else if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid) {
        row.emplace_back(r->integer(i, c).value_or(0));
      } else {
        row.emplace_back(*r->text(i, c));
      }
    }
    rows.add(std::move(row));
  }
  return rows;
}

Result<std::unique_ptr<SqlTransaction>, StoreError> PgSql::begin(Durability) {
  auto t = PgTransaction::begin(c_);
  if (!t.ok()) return fail(t.error());
  return std::unique_ptr<SqlTransaction>(std::make_unique<PgSqlTransaction>(std::move(t).value()));
}

Result<bool, StoreError> PgSql::hold_instance_name(std::string_view instance) {
  // REQ-SRV-012: session-level, so held until this connection closes, the process's end included;
  // the first key is 0x544D5352 ("TMSR"), apart from the migrations' lock (REQ-STORE-017).
  auto r = c_.exec("SELECT pg_try_advisory_lock(1414353746, hashtext($1))", {std::string(instance)});
  if (!r.ok()) return fail(r.error());
  return r->text(0, 0) && *r->text(0, 0) == "t";
}

}  // namespace tmsproto::store
