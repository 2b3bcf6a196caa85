// The schema of tms.db and its history (REQ-STORE-005): migration N takes a database of version
// N-1 to version N; PRAGMA user_version records where a file stands and PRAGMA application_id
// that it is a tmsproto store at all.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "store/sqlite_db.h"

namespace tmsproto::store {

inline constexpr int kSchemaVersion = 3;
inline constexpr std::int64_t kApplicationId = 0x544D5350;  // "TMSP"

// Whether `db` is a new, empty file (true) or a tmsproto store this program can open (false);
// otherwise the one-line reason it is neither. Only reads.
Result<bool, StoreError> inspect(Db& db);

// Brings `db` to `target` (1..kSchemaVersion) in one transaction, or refuses a file that is not a
// tmsproto store or is newer than this program. A fresh, empty file is version 0.
Result<void, StoreError> migrate(Db& db, int target = kSchemaVersion);

// The file's schema version, 0 for an empty file.
Result<int, StoreError> schema_version(Db& db);

}  // namespace tmsproto::store
