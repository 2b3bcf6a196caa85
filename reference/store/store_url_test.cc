// REQ-STORE-016: the names a store is given on the command line.
#include <gtest/gtest.h>

#include "store/store_url.h"

namespace tmsproto::store {
namespace {

// Checks REQ-STORE-016: sqlite:PATH and a bare path are the SQLite store of that directory.
TEST(StoreUrl, SqliteSchemeAndBarePathNameADirectory) {
  for (const auto& [name, dir] : std::vector<std::pair<std::string, std::string>>{
           {"sqlite:/srv/tms", "/srv/tms"}, {"sqlite:state", "state"}, {"/srv/tms", "/srv/tms"},
           {"state", "state"}, {"./odd:name", "./odd:name"}}) {
    auto u = parse_store_url(name);
    ASSERT_TRUE(u.ok()) << name << ": " << u.error();
    EXPECT_EQ(u->kind, StoreUrl::Kind::kSqlite) << name;
    EXPECT_EQ(u->target, dir) << name;
  }
}

// Checks REQ-STORE-016: both libpq URI schemes name the PostgreSQL store, passed on whole.
TEST(StoreUrl, PostgresqlUrisArePassedToLibpqWhole) {
  for (const std::string name : {"postgresql://tms@db.example/tms?sslmode=require", "postgres:///tms?host=/run/pg"}) {
    auto u = parse_store_url(name);
    ASSERT_TRUE(u.ok()) << name;
    EXPECT_EQ(u->kind, StoreUrl::Kind::kPostgresql);
    EXPECT_EQ(u->target, name);
  }
}

// Checks REQ-STORE-016: another scheme, an empty name and sqlite: without a path are refused in one
// line that names what was wrong.
TEST(StoreUrl, OtherSchemesAndEmptyNamesAreRefused) {
  auto mysql = parse_store_url("mysql://db/tms");
  ASSERT_FALSE(mysql.ok());
  EXPECT_NE(mysql.error().find("'mysql:'"), std::string::npos) << mysql.error();
  for (const std::string name : {"mysql://db/tms", "", "sqlite:", "file:/srv/tms"}) {
    auto u = parse_store_url(name);
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.error().find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace tmsproto::store
