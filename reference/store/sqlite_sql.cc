#include "store/sqlite_sql.h"

#include <string>

namespace tmsproto::store {
namespace {

class SqliteTransaction final : public SqlTransaction {
 public:
  explicit SqliteTransaction(Transaction t) : t_(std::move(t)) {}
  Result<void, StoreError> commit() override { return t_.commit(); }

 private:
  Transaction t_;
};

}  // namespace

Result<SqlRows, StoreError> SqliteSql::query(std::string_view sql, std::initializer_list<SqlParam> params) {
  Stmt s(db_, sql);
  int n = 0;
  for (const SqlParam& p : params) {
    // "$N" is a named parameter to SQLite; its index is looked up, since SQLite numbers parameters
    // in the order they first appear, which need not be N.
    const std::string name = "$" + std::to_string(++n);
    const int i = s.parameter_index(name.c_str());
    if (i == 0) continue;  // not used by this statement
    if (const auto* v = std::get_if<std::int64_t>(&p)) {
      s.bind(i, *v);
    } else if (const auto* t = std::get_if<std::string_view>(&p)) {
      s.bind(i, *t);
    } else if (const auto* b = std::get_if<ByteView>(&p)) {
      s.bind(i, *b);
    } else {
      s.bind_null(i);
    }
  }
  SqlRows rows;
  while (s.step()) {
    SqlRows::Row row;
    for (int c = 0; c < s.column_count(); ++c) row.push_back(s.cell(c));
    rows.add(std::move(row));
  }
  if (s.error()) return fail(*s.error());
  return rows;
}

Result<std::unique_ptr<SqlTransaction>, StoreError> SqliteSql::begin(Durability durability) {
  auto t = Transaction::begin(db_, durability);
  if (!t.ok()) return fail(t.error());
  return std::unique_ptr<SqlTransaction>(std::make_unique<SqliteTransaction>(std::move(t).value()));
}

}  // namespace tmsproto::store
