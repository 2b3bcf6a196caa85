// The SQLite database (spec/17-vendor-adapters.md 17.4): a vendor's dynamic database as one SQLite
// file of the vendor's own, read-only to the TMS, behind tms::VendorInterface.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "tms/ports.h"
#include "vendor/sign_package.h"

struct sqlite3;

namespace tmsproto::vendor {

// The layout version of 17.4, kept in PRAGMA user_version.
inline constexpr int kSqliteLayoutVersion = 1;

class SqliteVendor final : public tms::VendorInterface {
 public:
  // Opens `file` read-only. One line naming the defect when it is missing, not a SQLite database,
  // of another layout version, or without its vendor row.
  static Result<std::unique_ptr<SqliteVendor>, std::string> open(const std::filesystem::path& file);
  ~SqliteVendor() override;
  SqliteVendor(const SqliteVendor&) = delete;
  SqliteVendor& operator=(const SqliteVendor&) = delete;

  std::uint32_t interface_version() const override { return tms::kVendorInterfaceVersion; }
  Result<std::vector<codec::Offer>, tms::VendorError> offers(const tms::OffersQuery& q) override;
  Result<Bytes, tms::VendorError> piece(const tms::PieceQuery& q) override;
  const std::string& vendor_id() const { return vendor_id_; }

 private:
  SqliteVendor(sqlite3* db, std::string vendor_id) : db_(db), vendor_id_(std::move(vendor_id)) {}
  std::mutex mutex_;  // one connection, one statement at a time, whichever thread asks
  sqlite3* db_;
  std::string vendor_id_;
};

// Adds `p` to the SQLite database `file` in one transaction, after the packages already there in
// the order of preference; creates the file and its schema for the package's vendor when absent.
// One line naming the refusal otherwise: a defective package, another vendor's database, another
// layout version, the same manifest already there.
Result<void, std::string> publish_to_sqlite(const std::filesystem::path& file, const SignedPackage& p);

}  // namespace tmsproto::vendor
