// Test-only helpers of the SQLite store's tests: a store opened or refused, a provisioned terminal,
// the files read raw, and SQLite reached directly, as another tool or an intruder would.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "codec/handshake_messages.h"
#include "store/sqlite_db.h"
#include "store/store_test_support.h"
#include "store/tms_store.h"

namespace tmsproto::store {

inline const codec::Identity kTerminal{"VEND0001", "POS-X1", "SN1"};
inline const std::array<std::uint8_t, 8> kRand{8, 7, 6, 5, 4, 3, 2, 1};
inline const codec::AuthData kTData{{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
inline const codec::AuthData kSData{{9, 9, 9, 9, 9, 9, 9, 9}, {2026, 11, 26, 16, 0, 5}};

inline Bytes ascii(const std::string& s) { return Bytes(s.begin(), s.end()); }

inline StoreOptions fast_options() {
  StoreOptions o;
  o.enrolment_iterations = codec::kMinOpvIterations;
  return o;
}

inline std::unique_ptr<TmsStore> open_ok(const std::filesystem::path& dir, crypto::RandomSource& rng,
                                         StoreOptions o = fast_options()) {
  auto s = TmsStore::open(dir, rng, o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : nullptr;
}

inline std::string open_error(const std::filesystem::path& dir, crypto::RandomSource& rng) {
  auto s = TmsStore::open(dir, rng, fast_options());
  EXPECT_FALSE(s.ok());
  return s.ok() ? std::string() : s.error().message;
}

inline Bytes vendor_key() {
  Bytes k(65, 0x33);
  k[0] = 0x04;
  return k;
}

// A vendor, its model and one terminal; the terminal's DMK.
inline crypto::SecretBytes provision(TmsStore& s, const codec::Identity& id, Profile p = Profile::kAes128) {
  (void)s.register_vendor(id.vendor_id, vendor_key(), "dir:/srv/" + id.vendor_id);
  (void)s.register_model(id.vendor_id, id.model_id);
  auto dmk = s.register_terminal({id, p, p == Profile::kLegacy, false});
  EXPECT_TRUE(dmk.ok()) << (dmk.ok() ? "" : dmk.error().message);
  return dmk.ok() ? std::move(dmk).value() : crypto::SecretBytes();
}

inline Bytes read_file(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const std::filesystem::path& f, const std::string& text) {
  std::ofstream(f, std::ios::binary) << text;
}

// Runs SQL on tms.db through SQLite directly, as an intruder or another tool would; its error or "".
inline std::string raw_sql(const std::filesystem::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(db_file.c_str(), &db);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string out = rc == SQLITE_OK ? "" : (message ? message : "error");
  sqlite3_free(message);
  sqlite3_close(db);
  return out;
}

inline int raw_user_version(const std::filesystem::path& db_file) {
  auto db = Db::open(db_file);
  Stmt s(*db, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : -1;
}

inline std::int64_t raw_count(const std::filesystem::path& db_file, const std::string& table) {
  auto db = Db::open(db_file);
  Stmt s(*db, "SELECT count(*) FROM " + table);
  return s.step() ? s.integer(0) : -1;
}

inline bool contains(const Bytes& hay, ByteView needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

inline std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace tmsproto::store
