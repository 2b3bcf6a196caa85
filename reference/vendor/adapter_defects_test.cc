// Defective databases and bad configuration (spec/17 17.3, 17.4, 17.6): a clear error when the
// TMS is configured, UNAVAILABLE during a session, never a crash and never another vendor's data.
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "vendor/adapter_directory.h"
#include "vendor/directory_vendor.h"
#include "vendor/publish.h"
#include "vendor/sqlite_vendor.h"
#include "vendor/test_support.h"

namespace tmsproto::vendor {
namespace {

namespace fs = std::filesystem;
using testing::Catalogue;
using testing::kModel;
using testing::kVendor;
using testing::TempDir;

tms::OffersQuery query() {
  tms::OffersQuery q;
  q.vendor_id = kVendor;
  q.model_id = kModel;
  q.serial_no = "S0001";
  return q;
}

void write(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }

fs::path first_folder(const fs::path& root) {
  std::vector<fs::path> all;
  for (const auto& e : fs::directory_iterator(root / "packages")) all.push_back(e.path());
  std::sort(all.begin(), all.end());
  return all.front();
}

class DirectoryDefects : public ::testing::Test {
 protected:
  void SetUp() override {
    catalogue_ = testing::make_catalogue();
    for (const SignedPackage& p : catalogue_.packages) ASSERT_TRUE(publish_to_directory(root(), p).ok());
    auto v = DirectoryVendor::open(root());
    ASSERT_TRUE(v.ok());
    vendor_ = std::move(*v);
    ASSERT_TRUE(vendor_->offers(query()).ok());
  }
  fs::path root() const { return t_.path() / "db"; }
  TempDir t_;
  Catalogue catalogue_;
  std::unique_ptr<DirectoryVendor> vendor_;
};

TEST_F(DirectoryDefects, AGarbledManifestMakesTheDatabaseUnavailable) {
  // REQ-VND-011: a folder that does not hold a well-formed package.
  write(first_folder(root()) / "manifest", "garbage");
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
  tms::PieceQuery pq{kVendor, catalogue_.packages[1].offer.manifest, codec::Section::kFit, 0};
  EXPECT_EQ(vendor_->piece(pq).error(), tms::VendorError::kUnavailable);
}

TEST_F(DirectoryDefects, AMissingOrShortSignatureMakesTheDatabaseUnavailable) {
  // REQ-VND-011.
  fs::remove(first_folder(root()) / "signature");
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
  write(first_folder(root()) / "signature", std::string(63, 'x'));
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
}

TEST_F(DirectoryDefects, AStrayFileAmongThePackagesMakesTheDatabaseUnavailable) {
  // REQ-VND-011: anything not starting with '.' is a package folder or a defect.
  write(root() / "packages" / "README", "notes");
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
}

TEST_F(DirectoryDefects, AFolderBeingPublishedIsNotSeen) {
  // REQ-VND-011: names starting with '.' are not yet part of the database.
  fs::create_directory(root() / "packages" / ".publishing-1-1");
  write(root() / "packages" / ".publishing-1-1" / "manifest", "half");
  auto offers = vendor_->offers(query());
  ASSERT_TRUE(offers.ok());
  EXPECT_EQ(offers->size(), catalogue_.packages.size());
}

TEST_F(DirectoryDefects, AnotherVendorsManifestIsNeverOffered) {
  // REQ-TMS-027, REQ-VND-011: a manifest naming another vendor is a defect, not a candidate.
  crypto::DeterministicRandom rng(11);
  PackageDraft d{codec::PackageKind::kApplication, "INTRUDER", "EVIL", kModel, 9, 256, std::nullopt};
  auto p = sign_package(d, Bytes(10, 1), catalogue_.vendor_key.view(), rng);
  ASSERT_TRUE(p.ok());
  const fs::path f = root() / "packages" / "999999-intruder";
  fs::create_directory(f);
  const Bytes m = codec::serialize(p->offer.manifest);
  write(f / "manifest", std::string(m.begin(), m.end()));
  write(f / "signature", std::string(p->offer.signature.begin(), p->offer.signature.end()));
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
  // Publishing refuses it outright.
  auto published = publish_to_directory(root(), *p);
  ASSERT_FALSE(published.ok());
}

TEST_F(DirectoryDefects, AnUnreadableTerminalsListMakesTheDatabaseUnavailable) {
  // REQ-VND-012: the list is read for every call; one that cannot be read is no answer.
  fs::create_directory(root() / "terminals");
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
}

TEST_F(DirectoryDefects, AShortContentFileGivesWhatItHas) {
  // REQ-VND-013: the piece as the file holds it; the engine refuses a short piece (REQ-TMS-025).
  const fs::path content = first_folder(root()) / "content";
  fs::resize_file(content, 300);
  const codec::Manifest& m = catalogue_.packages[0].offer.manifest;
  auto piece = vendor_->piece({kVendor, m, codec::Section::kData, 1});
  ASSERT_TRUE(piece.ok());
  EXPECT_EQ(piece->size(), 44u);
  EXPECT_EQ(vendor_->piece({kVendor, m, codec::Section::kData, 2}).error(), tms::VendorError::kNotFound);
  fs::remove(content);
  EXPECT_EQ(vendor_->piece({kVendor, m, codec::Section::kData, 0}).error(), tms::VendorError::kUnavailable);
}

TEST_F(DirectoryDefects, PublishingRefusesDuplicatesAndDefectsAndLeavesNothingBehind) {
  // REQ-VND-014.
  auto again = publish_to_directory(root(), catalogue_.packages[0]);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("already published"), std::string::npos);
  SignedPackage broken = catalogue_.packages[0];
  broken.content[0] ^= 1;
  EXPECT_FALSE(publish_to_directory(root(), broken).ok());
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(root() / "packages")) {
    EXPECT_NE(e.path().filename().string()[0], '.');
    ++entries;
  }
  EXPECT_EQ(entries, catalogue_.packages.size());
}

TEST(DirectoryVendorOpen, RefusesAFolderWithoutAVendorId) {
  // REQ-VND-010.
  TempDir t;
  auto none = DirectoryVendor::open(t.path());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("vendor_id"), std::string::npos);
  write(t.path() / "vendor_id", "NOT A VENDOR ID\n");
  EXPECT_FALSE(DirectoryVendor::open(t.path()).ok());
  write(t.path() / "vendor_id", "ACME\n");
  auto ok = DirectoryVendor::open(t.path());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->vendor_id(), "ACME");
  auto empty = (*ok)->offers(query());  // no packages folder yet: no candidates
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_FALSE(DirectoryVendor::open(t.path() / "absent").ok());
}

// --- SQLite ---

void sql(const fs::path& file, const std::string& statement) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

class SqliteDefects : public ::testing::Test {
 protected:
  void SetUp() override {
    catalogue_ = testing::make_catalogue();
    for (const SignedPackage& p : catalogue_.packages) ASSERT_TRUE(publish_to_sqlite(file(), p).ok());
    auto v = SqliteVendor::open(file());
    ASSERT_TRUE(v.ok()) << v.error();
    vendor_ = std::move(*v);
    ASSERT_TRUE(vendor_->offers(query()).ok());
  }
  fs::path file() const { return t_.path() / "vendor.db"; }
  TempDir t_;
  Catalogue catalogue_;
  std::unique_ptr<SqliteVendor> vendor_;
};

TEST_F(SqliteDefects, ARowThatIsNotAPackageMakesTheDatabaseUnavailable) {
  // REQ-VND-022: a manifest that does not parse, or stored as text.
  sql(file(), "UPDATE packages SET manifest = x'00' WHERE position = 1");
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
  sql(file(), "UPDATE packages SET manifest = 'text' WHERE position = 1");
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
}

TEST_F(SqliteDefects, AFileOverwrittenWithGarbageWhileOpenIsUnavailable) {
  // REQ-VND-022: the open connection notices; no crash, no stale answer.
  const auto size = fs::file_size(file());
  {
    std::ofstream out(file(), std::ios::binary | std::ios::trunc);
    for (std::uintmax_t i = 0; i < size; ++i) out.put(static_cast<char>(i * 131 % 251));
  }
  EXPECT_EQ(vendor_->offers(query()).error(), tms::VendorError::kUnavailable);
  tms::PieceQuery pq{kVendor, catalogue_.packages[0].offer.manifest, codec::Section::kFit, 0};
  EXPECT_EQ(vendor_->piece(pq).error(), tms::VendorError::kUnavailable);
}

TEST_F(SqliteDefects, AContentStoredAsTextIsUnavailable) {
  // REQ-VND-013: only blobs are pieces.
  sql(file(), "UPDATE packages SET content = 'abc' WHERE position = 1");
  tms::PieceQuery pq{kVendor, catalogue_.packages[0].offer.manifest, codec::Section::kData, 0};
  EXPECT_EQ(vendor_->piece(pq).error(), tms::VendorError::kUnavailable);
}

TEST_F(SqliteDefects, PublishingRefusesDuplicatesAndAnotherVendor) {
  // REQ-VND-023, REQ-TMS-027.
  auto again = publish_to_sqlite(file(), catalogue_.packages[0]);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("already published"), std::string::npos);
  crypto::DeterministicRandom rng(12);
  PackageDraft d{codec::PackageKind::kApplication, "X", "EVIL", kModel, 1, 256, std::nullopt};
  auto other = sign_package(d, Bytes(10, 1), catalogue_.vendor_key.view(), rng);
  auto refused = publish_to_sqlite(file(), *other);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("vendor"), std::string::npos);
  EXPECT_EQ(vendor_->offers(query())->size(), catalogue_.packages.size());
}

TEST(SqlitePublish, CreatesTheSchemaOfVersionOneInAnEmptyFile) {
  // REQ-VND-020: user_version 1 and exactly the three tables of 17.4.
  TempDir t;
  const auto file = t.path() / "new.db";
  auto c = testing::make_catalogue();
  ASSERT_TRUE(publish_to_sqlite(file, c.packages[0]).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  std::vector<std::string> rows;
  auto collect = [](void* out, int n, char** values, char**) {
    for (int i = 0; i < n; ++i) static_cast<std::vector<std::string>*>(out)->push_back(values[i] ? values[i] : "");
    return 0;
  };
  sqlite3_exec(db, "PRAGMA user_version", collect, &rows, nullptr);
  sqlite3_exec(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", collect, &rows, nullptr);
  sqlite3_exec(db, "SELECT vendor_id, terminals_listed FROM vendor", collect, &rows, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(rows, (std::vector<std::string>{"1", "packages", "terminals", "vendor", kVendor, "0"}));
}

TEST(SqliteVendorOpen, RefusesWhatIsNotAVendorDatabase) {
  // REQ-VND-021: a clear error when configured, naming the defect.
  TempDir t;
  const auto garbage = t.path() / "garbage.db";
  write(garbage, std::string(4096, 'g'));
  auto a = SqliteVendor::open(garbage);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().find("not a SQLite database"), std::string::npos) << a.error();
  EXPECT_FALSE(SqliteVendor::open(t.path() / "absent.db").ok());
  const auto other = t.path() / "other.db";
  sql(other, "CREATE TABLE t (x); PRAGMA user_version = 7");
  auto b = SqliteVendor::open(other);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().find("layout version 7"), std::string::npos) << b.error();
  const auto empty = t.path() / "empty.db";
  sql(empty, "PRAGMA user_version = 1");
  EXPECT_FALSE(SqliteVendor::open(empty).ok());
  // REQ-VND-020: publishing refuses to turn someone else's database into a vendor database.
  const auto foreign = t.path() / "foreign.db";
  sql(foreign, "CREATE TABLE accounts (x)");
  auto c = testing::make_catalogue();
  EXPECT_FALSE(publish_to_sqlite(foreign, c.packages[0]).ok());
}

// --- publishing while the TMS reads ---

std::vector<SignedPackage> many_packages(std::size_t n) {
  crypto::DeterministicRandom rng(21);
  auto key = crypto::ecdsa_p256_generate(rng);
  std::vector<SignedPackage> out;
  for (std::size_t i = 0; i < n; ++i) {
    PackageDraft d{codec::PackageKind::kDataFile, "FILE" + std::to_string(i), kVendor, kModel, 1, 256, std::nullopt};
    out.push_back(*sign_package(d, Bytes(600 + i, static_cast<std::uint8_t>(i)), key->private_key.view(), rng));
  }
  return out;
}

// Reads offers until the publisher is done: every read must succeed and see a whole prefix of
// what was published, never a half-written package.
void read_while_publishing(tms::VendorInterface& reader, const std::function<void(const SignedPackage&)>& publish_one,
                           const std::vector<SignedPackage>& packages) {
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (const SignedPackage& p : packages) publish_one(p);
    done = true;
  });
  std::size_t seen = 0;
  std::size_t reads = 0;
  while (!done || reads == 0) {
    auto offers = reader.offers(query());
    ASSERT_TRUE(offers.ok());
    ASSERT_GE(offers->size(), seen);
    seen = offers->size();
    for (std::size_t i = 0; i < seen; ++i) EXPECT_EQ((*offers)[i], packages[i].offer);
    ++reads;
  }
  writer.join();
  EXPECT_EQ(reader.offers(query())->size(), packages.size());
}

TEST(PublishWhileReading, TheDirectoryReaderSeesWholePackagesOnly) {
  // REQ-VND-014: a package appears whole or not at all (built under a '.' name, then renamed).
  TempDir t;
  const auto packages = many_packages(12);
  ASSERT_TRUE(publish_to_directory(t.path() / "db", packages[0]).ok());
  auto reader = open_adapter("dir:" + (t.path() / "db").string()).value();
  read_while_publishing(*reader, [&](const SignedPackage& p) {
    if (p.offer == packages[0].offer) return;
    EXPECT_TRUE(publish_to_directory(t.path() / "db", p).ok());
  }, packages);
}

TEST(PublishWhileReading, TheSqliteReaderSeesWholeTransactionsOnly) {
  // REQ-VND-022, REQ-VND-023: one transaction per package, one read transaction per offers call.
  TempDir t;
  const auto packages = many_packages(12);
  const auto file = t.path() / "vendor.db";
  ASSERT_TRUE(publish_to_sqlite(file, packages[0]).ok());
  auto reader = open_adapter("sqlite:" + file.string()).value();
  read_while_publishing(*reader, [&](const SignedPackage& p) {
    if (p.offer == packages[0].offer) return;
    EXPECT_TRUE(publish_to_sqlite(file, p).ok());
  }, packages);
}

// --- configuration ---

TEST(OpenAdapter, OneClearErrorPerBadSpec) {
  // REQ-VND-040.
  TempDir t;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected dir:PATH"},
      {"/srv/vendor", "expected dir:PATH"},
      {"ftp:host", "unknown kind 'ftp'"},
      {"dir:", "nothing after"},
      {"exec: \t ", "no command"},
      {"dir:" + (t.path() / "absent").string(), "not a folder"},
      {"sqlite:" + (t.path() / "absent.db").string(), "cannot open"},
      {"exec:/nonexistent/adapter --flag", "cannot start"},
  };
  for (const auto& [spec, why] : cases) {
    auto a = open_adapter(spec);
    ASSERT_FALSE(a.ok()) << spec;
    EXPECT_NE(a.error().find(why), std::string::npos) << spec << ": " << a.error();
    EXPECT_EQ(a.error().find('\n'), std::string::npos);
  }
}

TEST(OpenAdapter, ExecWordsAreNeverInterpretedByAShell) {
  // REQ-VND-031, REQ-VND-040: ';', '$' and quotes reach the program as they are; nothing is run
  // by a shell (the marker file is never created).
  TempDir t;
  const auto marker = t.path() / "pwned";
  auto a = open_adapter("exec:/nonexistent;touch " + marker.string());
  EXPECT_FALSE(a.ok());
  auto b = open_adapter("exec:true;touch " + marker.string() + " $(touch " + marker.string() + ")");
  EXPECT_FALSE(b.ok());
  EXPECT_FALSE(fs::exists(marker));
}

TEST(AdapterDirectory, RefusesASecondDatabaseABadIdAndAnotherVendorsDatabase) {
  // REQ-VND-041.
  TempDir t;
  auto c = testing::make_catalogue();
  ASSERT_TRUE(publish_to_directory(t.path() / "db", c.packages[0]).ok());
  AdapterDirectory d;
  const std::string spec = "dir:" + (t.path() / "db").string();
  auto other = d.configure("OTHER", spec);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().find("vendor ACME's"), std::string::npos) << other.error();
  ASSERT_TRUE(d.configure(kVendor, spec).ok());
  EXPECT_FALSE(d.configure(kVendor, spec).ok());
  EXPECT_FALSE(d.add("NOT VALID", testing::memory_vendor(c)).ok());
  EXPECT_FALSE(d.add("NOBODY", nullptr).ok());
  EXPECT_EQ(d.size(), 1u);
  EXPECT_NE(d.find(kVendor), nullptr);
}

TEST(Publish, BySpecIntoEitherDatabaseAndNowhereElse) {
  // REQ-VND-014: the databases' own refusals, and one line for a target that is neither.
  TempDir t;
  auto c = testing::make_catalogue();
  const std::string dir = "dir:" + (t.path() / "db").string();
  const std::string db = "sqlite:" + (t.path() / "vendor.db").string();
  ASSERT_TRUE(publish(dir, c.packages[0]).ok());
  ASSERT_TRUE(publish(db, c.packages[0]).ok());
  EXPECT_NE(publish(dir, c.packages[0]).error().find("already published"), std::string::npos);
  EXPECT_NE(publish(db, c.packages[0]).error().find("already published"), std::string::npos);
  for (const char* bad : {"exec:adapter", "dir:", "sqlite:", "", "/srv/db"}) {
    auto r = publish(bad, c.packages[1]);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().find("expected dir:PATH, sqlite:PATH or postgresql://..."), std::string::npos) << bad;
  }
  EXPECT_EQ(open_adapter(dir).value()->offers(query())->size(), 1u);
  EXPECT_EQ(open_adapter(db).value()->offers(query())->size(), 1u);
}

TEST(AdapterDirectory, RefusesAnotherInterfaceVersionWhenConfigured) {
  // REQ-TMS-023: refused when configured, so no session ever reaches it.
  auto c = testing::make_catalogue();
  auto v = testing::memory_vendor(c);
  v->version = 2;
  AdapterDirectory d;
  auto r = d.add(kVendor, std::move(v));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("interface version 2"), std::string::npos);
  EXPECT_EQ(d.find(kVendor), nullptr);
}

}  // namespace
}  // namespace tmsproto::vendor
