// The PostgreSQL database (spec/17-vendor-adapters.md 17.7): a vendor's dynamic database as a
// PostgreSQL database of the vendor's own, with the tables of 17.4, read-only to the TMS, behind
// tms::VendorInterface. Built when libpq is (TMSPROTO_HAVE_POSTGRESQL); it talks through the
// store's libpq layer (store/pg_db.h), the one place that includes <libpq-fe.h>.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"
#include "store/pg_db.h"
#include "tms/ports.h"
#include "vendor/sign_package.h"

namespace tmsproto::vendor {

// The layout version of 17.7, the one row of vendor_layout.
inline constexpr int kPgLayoutVersion = 1;

class PgVendor final : public tms::VendorInterface {
 public:
  // Connects to `url` read-only. One line naming the defect when it cannot connect, or the database
  // is not a vendor database of layout version 1 with its vendor row and the tables of 17.4.
  static Result<std::unique_ptr<PgVendor>, std::string> open(const std::string& url);

  std::uint32_t interface_version() const override { return tms::kVendorInterfaceVersion; }
  Result<std::vector<codec::Offer>, tms::VendorError> offers(const tms::OffersQuery& q) override;
  Result<Bytes, tms::VendorError> piece(const tms::PieceQuery& q) override;
  const std::string& vendor_id() const { return vendor_id_; }

 private:
  PgVendor(std::string url, store::PgConn c, std::string vendor_id)
      : url_(std::move(url)), conn_(std::move(c)), vendor_id_(std::move(vendor_id)) {}
  // The connection, made again when the last call lost it (REQ-VND-051); nullptr when it cannot be.
  store::PgConn* connection();
  std::mutex mutex_;  // one connection, one statement at a time, whichever thread asks
  std::string url_;
  std::optional<store::PgConn> conn_;
  std::string vendor_id_;
};

// Adds `p` to the PostgreSQL database at `url` in one transaction, after the packages already
// there; creates the tables for the package's vendor in a database that has none. One line naming
// the refusal otherwise (as publish_to_sqlite).
Result<void, std::string> publish_to_postgresql(const std::string& url, const SignedPackage& p);

}  // namespace tmsproto::vendor
