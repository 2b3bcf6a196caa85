// The PostgreSQL store's schema and its versioned migrations (REQ-STORE-017).
#pragma once

#include "store/pg_db.h"

namespace tmsproto::store {

// The schema version this program writes.
inline constexpr int kPgSchemaVersion = 4;

// Brings the database to `target` (0: kPgSchemaVersion), each migration one transaction under the
// store's advisory lock; refuses a foreign database or a newer schema without changing anything.
Result<void, StoreError> pg_migrate(PgConn& c, int target = 0);

// The version recorded in tmsp_meta (0 for an empty database).
Result<int, StoreError> pg_schema_version(PgConn& c);

}  // namespace tmsproto::store
