// The TMS's store on PostgreSQL (spec/15-storage.md section 15.6), for estates of several `serve`
// instances on one database: the same TmsStore, with the same ports, provisioning and listing as on
// tms.db, run by the same SQL (sql.h); only the connection, the schema's migrations and the replay
// cache are PostgreSQL's own.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.h"
#include "crypto/random.h"
#include "store/store_error.h"
#include "store/tms_store.h"

namespace tmsproto::store {

// Connects to a libpq URI, migrates the schema (REQ-STORE-017), reads the storage key from
// `key_file` (REQ-STORE-020: checked as REQ-STORE-003 checks storage.key, and created there, from
// `rng`, only for a database that has never recorded a key) and returns the store. Each instance
// (or thread) opens its own: a store holds one connection and serves one caller at a time.
Result<std::unique_ptr<TmsStore>, StoreError> open_postgresql_store(const std::string& url,
                                                                    const std::filesystem::path& key_file,
                                                                    crypto::RandomSource& rng,
                                                                    const StoreOptions& options = {});

}  // namespace tmsproto::store
