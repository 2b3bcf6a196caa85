#include "store/sqlite_sql.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/hex.h"
#include "crypto/digest.h"

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

SqliteSql::~SqliteSql() {
  for (int fd : held_names_) ::close(fd);
}

Result<bool, StoreError> SqliteSql::hold_instance_name(std::string_view instance) {
  // REQ-SRV-012: the lock is the file's, held by this descriptor until it is closed (with this
  // connection, or by the kernel when the process dies, SIGKILL included).
  const char* file = sqlite3_db_filename(db_.handle(), "main");
  if (file == nullptr || *file == '\0') return fail(StoreError{"tms.db: an in-memory database holds no instance name"});
  const Bytes name(instance.begin(), instance.end());
  const std::string lock = std::string(file) + ".instance-" + to_hex(crypto::sha256(name));
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(StoreError{"cannot open " + lock + ": " + std::strerror(errno)});
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return false;
    return fail(StoreError{"cannot lock " + lock + ": " + std::strerror(error)});
  }
  held_names_.push_back(fd);
  return true;
}

}  // namespace tmsproto::store
