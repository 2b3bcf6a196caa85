// Test-only: the one PostgreSQL server of a test process (testing/postgres_server.h), started at
// first use and stopped at exit, and a fresh, empty database on it for each test.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "crypto/random.h"
#include "store/pg_db.h"
#include "store/pg_store.h"
#include "store/store_test_support.h"
#include "testing/postgres_server.h"

namespace tmsproto::store {

// synchronous_commit off as the server's default, so that a store that did not set it on for its
// own sessions (REQ-STORE-019) is seen; fsync off because no test here crashes the machine.
inline testing::PostgresServer& shared_postgres() {
  static testing::PostgresServer server("-c synchronous_commit=off -c fsync=off -c max_connections=100");
  return server;
}

// A libpq URI of a new, empty database; "" (and a test failure naming the cause) when there is no
// server: the PostgreSQL tests fail rather than skip when PostgreSQL is missing.
inline std::string fresh_database() {
  static int n = 0;
  auto& server = shared_postgres();
  if (!server.ok()) {
    ADD_FAILURE() << "no PostgreSQL server for this test: " << server.error();
    return "";
  }
  auto admin = PgConn::connect(server.url());
  if (!admin.ok()) {
    ADD_FAILURE() << admin.error().message;
    return "";
  }
  const std::string name = "t" + std::to_string(++n);  // a name the test makes, never input
  // FILE_COPY: with fsync off, copying the small template is faster than WAL-logging it.
  if (auto r = admin->exec("CREATE DATABASE " + name + " STRATEGY = FILE_COPY"); !r.ok()) {
    ADD_FAILURE() << r.error().message;
    return "";
  }
  return server.url(name);
}

// The storage key file of a test database: one per database URL, in a directory of the test
// process, so that every store a test opens on one database shares its key as instances do.
inline std::filesystem::path key_file_for(const std::string& url) {
  static TempDir dir;
  static std::mutex m;
  static std::map<std::string, std::filesystem::path> files;
  std::lock_guard<std::mutex> lock(m);
  auto [it, added] = files.emplace(url, std::filesystem::path());
  if (added) it->second = dir.path() / ("storage-" + std::to_string(files.size()) + ".key");
  return it->second;
}

// Opens a store on a test database as `serve` would, with the OS's generator (which any number of
// threads may share).
inline Result<std::unique_ptr<TmsStore>, StoreError> open_pg(const std::string& url, const StoreOptions& options = {}) {
  static crypto::OsRandom rng;
  return open_postgresql_store(url, key_file_for(url), rng, options);
}

}  // namespace tmsproto::store
