// Provisioning on the SQLite store: all or nothing, one-line errors, input checked, DMKs unique,
// listings that show check values and keep definitions.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/hex.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "sim/estate.h"
#include "store/sqlite_db.h"
#include "store/sqlite_test_support.h"
#include "store/tms_store.h"
#include "testing/deterministic_random.h"
#include "tms/registration.h"

namespace tmsproto::store {
namespace {

namespace fs = std::filesystem;

// REQ-STORE-010, REQ-STORE-011: a refused provisioning call writes nothing and says why in one line.
TEST(SqliteStore, RefusedProvisioningWritesNothingAndSaysWhyInOneLine) {
  TempDir dir;
  crypto::DeterministicRandom rng(13);
  auto s = open_ok(dir.path(), rng);
  provision(*s, kTerminal, Profile::kLegacy);
  std::vector<std::string> errors;
  auto note = [&](const Result<void, StoreError>& r) {
    EXPECT_FALSE(r.ok());
    if (!r.ok()) errors.push_back(r.error().message);
  };
  // REQ-KEY-014: LEGACY cannot deliver keys, so nothing of the key set is written.
  note(s->add_key_set(kTerminal, sim::key_set_definition_for(Profile::kAes128, 3, "TMK00001")));
  note(s->add_key_set(kTerminal, "{\"format\": 1, \"keySetId\": \"TMK00001\"}"));
  note(s->register_model("VEND0009", "POS-X1"));
  note(s->register_vendor("VEND0001", vendor_key(), "dir:/again"));
  note(s->enrol_operator("VEND0009", "OPER01", ascii("pw")));
  auto terminal = s->register_terminal({{"VEND0001", "POS-Z9", "SN2"}, Profile::kAes128, false, false});
  ASSERT_FALSE(terminal.ok());
  errors.push_back(terminal.error().message);
  for (const auto& e : errors) {
    EXPECT_FALSE(e.empty());
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
  EXPECT_EQ(raw_count(dir.path() / "tms.db", "key_set_slots"), 0);
  EXPECT_EQ(raw_count(dir.path() / "tms.db", "key_sets"), 0);
  EXPECT_EQ(s->terminals()->size(), 1u);
  EXPECT_TRUE(s->terminals()->front().key_sets.empty());
  EXPECT_TRUE(s->operators()->empty());
}

// REQ-STORE-014: a DMK the terminal already holds is kept, wrapped, under the same rules as a drawn
// one: its profile's length, unique in the estate (REQ-KEY-001), never in an error or in the file.
TEST(SqliteStore, AnImportedDmkIsKeptWrappedAndRefusedForASecondTerminal) {
  TempDir dir;
  crypto::DeterministicRandom rng(17);
  auto s = open_ok(dir.path(), rng);
  ASSERT_TRUE(s->register_vendor("VEND0001", vendor_key(), "dir:/srv/v").ok());
  ASSERT_TRUE(s->register_model("VEND0001", "POS-X1").ok());
  const Bytes dmk = *from_hex("00112233445566778899aabbccddeeff");
  ASSERT_TRUE(s->import_terminal({{"VEND0001", "POS-X1", "SN1"}, Profile::kAes128, false, false}, dmk).ok());
  std::vector<std::string> errors;
  // The same key for another terminal: one DMK per terminal.
  auto twice = s->import_terminal({{"VEND0001", "POS-X1", "SN2"}, Profile::kAes128, false, false}, dmk);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("equals another terminal's"), std::string::npos) << twice.error().message;
  errors.push_back(twice.error().message);
  // A key of another length than the profile's.
  auto short_key = s->import_terminal({{"VEND0001", "POS-X1", "SN3"}, Profile::kAes256, false, false}, dmk);
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.error().message.find("32 octets, not 16"), std::string::npos) << short_key.error().message;
  errors.push_back(short_key.error().message);
  for (const auto& e : errors) {
    EXPECT_EQ(e.find("00112233"), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
  EXPECT_EQ(s->terminals()->size(), 1u);
  s.reset();
  for (const char* f : {"tms.db", "tms.db-wal"}) EXPECT_FALSE(contains(read_file(dir.path() / f), dmk)) << f;
}

// REQ-STORE-010: a transaction not committed leaves nothing, whatever it had written.
TEST(SqliteStore, UncommittedTransactionLeavesNothing) {
  TempDir dir;
  crypto::DeterministicRandom rng(14);
  auto s = open_ok(dir.path(), rng);
  auto db = Db::open(dir.path() / "tms.db");
  ASSERT_TRUE(db.ok());
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->exec("INSERT INTO vendors VALUES ('VEND0007', x'04', 'dir:/x')").ok());
  }
  EXPECT_TRUE(s->vendors()->empty());
}

// REQ-STORE-013: provisioning refuses what a terminal could never present or the TMS never use.
TEST(SqliteStore, ProvisioningChecksItsInput) {
  TempDir dir;
  crypto::DeterministicRandom rng(15);
  auto s = open_ok(dir.path(), rng);
  EXPECT_FALSE(s->register_vendor("VENDOR-TOO-LONG", vendor_key(), "dir:/x").ok());
  EXPECT_FALSE(s->register_vendor("VEND 01", vendor_key(), "dir:/x").ok());
  EXPECT_FALSE(s->register_vendor("VEND0001", Bytes(64, 4), "dir:/x").ok());
  EXPECT_FALSE(s->register_vendor("VEND0001", vendor_key(), "ftp://x").ok());
  ASSERT_TRUE(s->register_vendor("VEND0001", vendor_key(), "sqlite:/srv/v1.db").ok());
  ASSERT_TRUE(s->register_model("VEND0001", "POS-X1").ok());
  EXPECT_FALSE(s->register_terminal({{"VEND0001", "POS-X1", ""}, Profile::kAes128, false, false}).ok());
  EXPECT_FALSE(s->register_terminal({{"VEND0001", "POS-X1", "SN1"}, Profile::kAes128, true, false}).ok());
  EXPECT_FALSE(s->enrol_operator("VEND0001", "OPER01", ascii("")).ok());
  EXPECT_FALSE(s->enrol_operator("VEND0001", "OPER01", ascii(std::string(65, 'p'))).ok());
  EXPECT_FALSE(s->enrol_operator("VEND0001", "OPER01", Bytes{'p', 0x07}).ok());
  EXPECT_EQ(s->vendors()->size(), 1u);
  EXPECT_EQ(s->vendors()->front().adapter, "sqlite:/srv/v1.db");
  EXPECT_TRUE(s->terminals()->empty());
}

// REQ-KEY-025: the key-set definition is kept as given, for the terminal's slot table.
TEST(SqliteStore, KeySetDefinitionIsKeptAsGiven) {
  TempDir dir;
  crypto::DeterministicRandom rng(20);
  auto s = open_ok(dir.path(), rng);
  provision(*s, kTerminal);
  const std::string json = sim::key_set_definition_for(Profile::kAes128, 4, "TMK00001");
  ASSERT_TRUE(s->add_key_set(kTerminal, json).ok());
  EXPECT_EQ(*s->key_set_definition(kTerminal, "TMK00001"), json);
  EXPECT_FALSE(s->key_set_definition(kTerminal, "OTHER001").ok());
}

// A RandomSource that gives the same octets every time: every DMK it draws is the same key.
class StuckRandom final : public crypto::RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), 0x5c); }
};

// REQ-KEY-001: a drawn DMK equal to another terminal's is refused, and nothing is registered.
TEST(SqliteStore, DuplicateDmkIsRefused) {
  TempDir dir;
  StuckRandom rng;
  auto s = open_ok(dir.path(), rng);
  provision(*s, kTerminal);
  auto second = s->register_terminal({{"VEND0001", "POS-X1", "SN2"}, Profile::kAes128, false, false});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("equals another terminal's"), std::string::npos);
  EXPECT_EQ(s->terminals()->size(), 1u);
}

// REQ-KEY-005: the terminal listing shows the DMK's check value, never the DMK.
TEST(SqliteStore, TerminalListingShowsTheCheckValue) {
  TempDir dir;
  crypto::DeterministicRandom rng(16);
  auto s = open_ok(dir.path(), rng);
  const crypto::SecretBytes dmk = provision(*s, kTerminal, Profile::kTdes);
  auto rows = s->terminals();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().dmk_check_value, *tms::dmk_check_value(Profile::kTdes, dmk.view()));
  EXPECT_EQ(rows->front().profile, Profile::kTdes);
}

}  // namespace
}  // namespace tmsproto::store
