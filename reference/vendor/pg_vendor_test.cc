// The PostgreSQL vendor database (spec/17-vendor-adapters.md 17.7) against a real server: what
// publishing creates and refuses, what the adapter refuses when configured, and that it serves
// again after its connection was cut. The answers themselves are
// the contract's (contract_test.cc, VendorContract.*/Postgresql).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/pg_test_support.h"
#include "vendor/adapter_directory.h"
#include "vendor/pg_vendor.h"
#include "vendor/test_support.h"

namespace tmsproto::vendor {
namespace {

using testing::kModel;
using testing::kVendor;

tms::OffersQuery query() {
  tms::OffersQuery q;
  q.vendor_id = kVendor;
  q.model_id = kModel;
  q.serial_no = "S0001";
  return q;
}

std::vector<std::string> column(store::PgConn& c, const char* sql) {
  std::vector<std::string> out;
  auto r = c.exec(sql);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  for (int i = 0; r.ok() && i < r->size(); ++i) out.push_back(r->text(i, 0).value_or("NULL"));
  return out;
}

TEST(PgVendorPublish, CreatesTheTablesOfLayoutOneInAnEmptyDatabaseAndRefusesAForeignOne) {
  // REQ-VND-050: the four tables, layout 1, the vendor row; a database with other tables is not
  // touched, and a second copy of a manifest is refused.
  const std::string url = store::fresh_database();
  ASSERT_FALSE(url.empty());
  auto c = testing::make_catalogue();
  ASSERT_TRUE(publish_to_postgresql(url, c.packages[0]).ok());
  ASSERT_TRUE(publish_to_postgresql(url, c.packages[1]).ok());
  auto again = publish_to_postgresql(url, c.packages[0]);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("already published"), std::string::npos) << again.error();
  auto db = store::PgConn::connect(url);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(column(*db, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"),
            (std::vector<std::string>{"packages", "terminals", "vendor", "vendor_layout"}));
  EXPECT_EQ(column(*db, "SELECT version FROM vendor_layout"), std::vector<std::string>{"1"});
  EXPECT_EQ(column(*db, "SELECT vendor_id || ' ' || terminals_listed FROM vendor"),
            std::vector<std::string>{std::string(kVendor) + " 0"});
  EXPECT_EQ(column(*db, "SELECT position FROM packages ORDER BY position"), (std::vector<std::string>{"1", "2"}));

  const std::string foreign = store::fresh_database();
  auto f = store::PgConn::connect(foreign);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->exec("CREATE TABLE accounts (x integer)").ok());
  auto refused = publish_to_postgresql(foreign, c.packages[0]);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("not a vendor database"), std::string::npos) << refused.error();
  EXPECT_EQ(column(*f, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"),
            std::vector<std::string>{"accounts"});
}

TEST(PgVendorOpen, RefusesWhatIsNotAVendorDatabase) {
  // REQ-VND-051: one line naming the defect when configured.
  const std::string empty = store::fresh_database();
  ASSERT_FALSE(empty.empty());
  auto a = open_adapter(empty);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().find("layout version 0"), std::string::npos) << a.error();
  EXPECT_FALSE(open_adapter("postgresql://127.0.0.1:1/none?connect_timeout=2").ok());

  const std::string url = store::fresh_database();
  auto c = testing::make_catalogue();
  ASSERT_TRUE(publish_to_postgresql(url, c.packages[0]).ok());
  auto db = store::PgConn::connect(url);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("UPDATE vendor_layout SET version = 2").ok());
  auto b = PgVendor::open(url);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().find("layout version 2"), std::string::npos) << b.error();
  ASSERT_TRUE(db->exec("UPDATE vendor_layout SET version = 1").ok());
  ASSERT_TRUE(db->exec("UPDATE vendor SET vendor_id = 'not a vendor'").ok());
  EXPECT_FALSE(PgVendor::open(url).ok());
  ASSERT_TRUE(db->exec("UPDATE vendor SET vendor_id = $1", {std::string(kVendor)}).ok());
  EXPECT_TRUE(PgVendor::open(url).ok()) << "the same database, mended, opens";
}

TEST(PgVendorConnection, ACutConnectionCostsOneCallAndTheNextConnectsAgain) {
  // REQ-VND-051: the server ends the adapter's session (as a restart would); the adapter answers
  // UNAVAILABLE (REQ-TMS-022: 96) at most once, then serves from a new connection.
  const std::string url = store::fresh_database();
  ASSERT_FALSE(url.empty());
  auto c = testing::make_catalogue();
  for (const SignedPackage& p : c.packages) ASSERT_TRUE(publish_to_postgresql(url, p).ok());
  auto adapter = open_adapter(url);
  ASSERT_TRUE(adapter.ok()) << adapter.error();
  ASSERT_TRUE((*adapter)->offers(query()).ok());
  auto admin = store::PgConn::connect(url);
  ASSERT_TRUE(admin.ok());
  auto cut = admin->exec(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_TRUE(cut.ok());
  ASSERT_EQ(cut->integer(0, 0), 1);
  auto first = (*adapter)->offers(query());
  if (!first.ok()) {
    EXPECT_EQ(first.error(), tms::VendorError::kUnavailable);
  }
  auto second = (*adapter)->offers(query());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), c.packages.size());
  tms::PieceQuery piece{kVendor, c.packages[0].offer.manifest, codec::Section::kData, 0};
  auto octets = (*adapter)->piece(piece);
  ASSERT_TRUE(octets.ok());
  EXPECT_FALSE(octets->empty());
}

}  // namespace
}  // namespace tmsproto::vendor
