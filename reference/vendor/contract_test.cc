// The contract of spec/10-tms-states.md 10.5, run against the in-memory database of the tests and
// the three adapters of spec/17, each holding the same packages: every adapter must answer every
// call exactly as MemoryVendor does.
#include <sqlite3.h>

#include <fstream>
#include <functional>

#include <gtest/gtest.h>

#include "session/download_math.h"
#include "vendor/adapter_directory.h"
#include "vendor/directory_vendor.h"
#include "vendor/sqlite_vendor.h"
#include "vendor/test_support.h"
#ifdef TMSPROTO_CONTRACT_POSTGRESQL
#include "store/pg_test_support.h"
#include "vendor/pg_vendor.h"
#endif

namespace tmsproto::vendor {
namespace {

using testing::Catalogue;
using testing::kModel;
using testing::kVendor;
using testing::TempDir;

using Factory = std::function<std::unique_ptr<tms::VendorInterface>(const Catalogue&, const TempDir&)>;

std::unique_ptr<tms::VendorInterface> memory(const Catalogue& c, const TempDir&) { return testing::memory_vendor(c); }

void publish_directory(const Catalogue& c, const std::filesystem::path& root) {
  for (const SignedPackage& p : c.packages) EXPECT_TRUE(publish_to_directory(root, p).ok());
  std::ofstream(root / "terminals") << kModel << " S0001\n" << kModel << " S0002\n";
}

std::unique_ptr<tms::VendorInterface> directory(const Catalogue& c, const TempDir& t) {
  publish_directory(c, t.path() / "db");
  return open_adapter("dir:" + (t.path() / "db").string()).value();
}

std::unique_ptr<tms::VendorInterface> sqlite(const Catalogue& c, const TempDir& t) {
  const auto file = t.path() / "vendor.db";
  for (const SignedPackage& p : c.packages) EXPECT_TRUE(publish_to_sqlite(file, p).ok());
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  const std::string sql = std::string("UPDATE vendor SET terminals_listed = 1;") +
                          "INSERT INTO terminals VALUES ('" + kModel + "', 'S0001'), ('" + kModel + "', 'S0002');";
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  return open_adapter("sqlite:" + file.string()).value();
}

std::unique_ptr<tms::VendorInterface> python_example(const Catalogue& c, const TempDir& t) {
  publish_directory(c, t.path() / "db");
  auto a = open_adapter(std::string("exec:") + TMSPROTO_PYTHON + " " + TMSPROTO_VENDOR_EXAMPLES + "/dir_adapter.py " +
                        (t.path() / "db").string());
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error());
  return a.ok() ? std::move(*a) : nullptr;
}

#ifdef TMSPROTO_CONTRACT_POSTGRESQL
// 17.7 on a real server (store/pg_test_support.h): published through publish_to_postgresql into a
// new database, its terminals listed as the other databases list them.
std::unique_ptr<tms::VendorInterface> postgresql(const Catalogue& c, const TempDir&) {
  const std::string url = store::fresh_database();
  if (url.empty()) return nullptr;
  for (const SignedPackage& p : c.packages) {
    auto r = publish_to_postgresql(url, p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  }
  auto db = store::PgConn::connect(url);
  if (!db.ok()) return nullptr;
  EXPECT_TRUE(db->exec("UPDATE vendor SET terminals_listed = 1").ok());
  EXPECT_TRUE(db->exec("INSERT INTO terminals VALUES ($1, 'S0001'), ($1, 'S0002')", {std::string(kModel)}).ok());
  auto a = open_adapter(url);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error());
  return a.ok() ? std::move(*a) : nullptr;
}
#endif

struct Backend {
  const char* name;
  Factory make;
};

class VendorContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    catalogue_ = testing::make_catalogue();
    reference_ = testing::memory_vendor(catalogue_);
    adapter_ = GetParam().make(catalogue_, dir_);
    ASSERT_NE(adapter_, nullptr);
  }

  tms::OffersQuery query(std::string serial = "S0001", std::string vendor = kVendor) const {
    tms::OffersQuery q;
    q.vendor_id = std::move(vendor);
    q.model_id = kModel;
    q.serial_no = std::move(serial);
    q.installed = {{codec::PackageKind::kApplication, "PAYAPP", 2}};
    return q;
  }

  template <class T>
  static void expect_same(const Result<T, tms::VendorError>& got, const Result<T, tms::VendorError>& want) {
    ASSERT_EQ(got.ok(), want.ok());
    if (want.ok()) {
      EXPECT_EQ(*got, *want);
    } else {
      EXPECT_EQ(got.error(), want.error());
    }
  }

  TempDir dir_;
  Catalogue catalogue_;
  std::unique_ptr<sim::MemoryVendor> reference_;
  std::unique_ptr<tms::VendorInterface> adapter_;
};

TEST_P(VendorContract, SpeaksInterfaceVersionOne) {
  // REQ-TMS-021, REQ-TMS-023: the version of the contract it implements.
  EXPECT_EQ(adapter_->interface_version(), tms::kVendorInterfaceVersion);
}

TEST_P(VendorContract, OffersEveryPackageInPublishingOrder) {
  // REQ-VND-011: the folders' order, REQ-VND-022: the positions' order, both the publishing order;
  // REQ-VND-030: the exchange carries every candidate exactly as signed.
  auto got = adapter_->offers(query());
  expect_same(got, reference_->offers(query()));
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), catalogue_.packages.size());
  for (std::size_t i = 0; i < got->size(); ++i) {
    EXPECT_EQ((*got)[i], catalogue_.packages[i].offer);
    EXPECT_TRUE(crypto::ecdsa_p256_verify(catalogue_.vendor_public_key, codec::serialize((*got)[i].manifest),
                                          (*got)[i].signature)
                    .ok() ||
                (*got)[i].manifest.scope.has_value());
  }
}

TEST_P(VendorContract, AnotherVendorsCallIsNotFound) {
  // REQ-TMS-027: a call naming another VENDOR_ID is NOT_FOUND, for offers and for piece.
  expect_same(adapter_->offers(query("S0001", "OTHER")), reference_->offers(query("S0001", "OTHER")));
  tms::PieceQuery pq{"OTHER", catalogue_.packages[0].offer.manifest, codec::Section::kFit, 0};
  expect_same(adapter_->piece(pq), reference_->piece(pq));
  EXPECT_EQ(adapter_->piece(pq).error(), tms::VendorError::kNotFound);
}

TEST_P(VendorContract, UnknownTerminalIsNotFound) {
  // REQ-VND-012: a terminal the database does not list is NOT_FOUND (the session ends 06).
  expect_same(adapter_->offers(query("GHOST")), reference_->offers(query("GHOST")));
  EXPECT_EQ(adapter_->offers(query("GHOST")).error(), tms::VendorError::kNotFound);
  expect_same(adapter_->offers(query("S0002")), reference_->offers(query("S0002")));
}

TEST_P(VendorContract, EveryPieceOfEverySectionAsTheMemoryDatabase) {
  // REQ-VND-013, REQ-DL-013: piece i is the octets [i * CHUNK_SIZE, ...) of its section; the index
  // one past the last piece is NOT_FOUND.
  for (const SignedPackage& p : catalogue_.packages) {
    for (codec::Section s : {codec::Section::kFit, codec::Section::kData}) {
      const std::uint32_t n = session::piece_count(p.offer.manifest, s);
      for (std::uint32_t i = 0; i <= n; ++i) {
        tms::PieceQuery pq{kVendor, p.offer.manifest, s, i};
        SCOPED_TRACE(p.offer.manifest.name + " section " + std::to_string(static_cast<int>(s)) + " piece " +
                     std::to_string(i));
        expect_same(adapter_->piece(pq), reference_->piece(pq));
      }
      tms::PieceQuery last{kVendor, p.offer.manifest, s, n};
      EXPECT_EQ(adapter_->piece(last).error(), tms::VendorError::kNotFound);
    }
  }
}

TEST_P(VendorContract, AManifestItDoesNotHoldIsNotFound) {
  // REQ-VND-013: piece for a manifest the database does not hold (here: another VERSION).
  codec::Manifest m = catalogue_.packages[0].offer.manifest;
  m.version += 1;
  tms::PieceQuery pq{kVendor, m, codec::Section::kData, 0};
  expect_same(adapter_->piece(pq), reference_->piece(pq));
  EXPECT_EQ(adapter_->piece(pq).error(), tms::VendorError::kNotFound);
}

TEST_P(VendorContract, WorksFromTheVendorDirectory) {
  // REQ-TMS-020: the engine finds the database by VENDOR_ID; REQ-VND-041: one per vendor.
  AdapterDirectory directory;
  tms::VendorInterface* raw = adapter_.get();
  ASSERT_TRUE(directory.add(kVendor, std::move(adapter_)).ok());
  EXPECT_EQ(directory.find(kVendor), raw);
  EXPECT_EQ(directory.find("OTHER"), nullptr);
  expect_same(directory.find(kVendor)->offers(query()), reference_->offers(query()));
}

const Backend kBackends[] = {
    {"Memory", memory}, {"Directory", directory}, {"Sqlite", sqlite}, {"PythonExample", python_example},
#ifdef TMSPROTO_CONTRACT_POSTGRESQL
    {"Postgresql", postgresql},
#endif
};

INSTANTIATE_TEST_SUITE_P(AllDatabases, VendorContract, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace tmsproto::vendor
