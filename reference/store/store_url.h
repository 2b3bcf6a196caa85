// REQ-STORE-016: what a store's name on the command line means: `sqlite:PATH` (or a bare PATH)
// for the SQLite store of a directory, `postgresql://…` / `postgres://…` for the PostgreSQL store.
#pragma once

#include <string>

#include "common/result.h"

namespace tmsproto::store {

struct StoreUrl {
  enum class Kind { kSqlite, kPostgresql };
  Kind kind = Kind::kSqlite;
  std::string target;  // the directory, or the whole libpq URI as given
};

// A one-line error for an empty name, an empty sqlite: path, or any other scheme.
Result<StoreUrl, std::string> parse_store_url(const std::string& name);

}  // namespace tmsproto::store
