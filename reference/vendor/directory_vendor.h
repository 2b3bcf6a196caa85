// The directory database (spec/17-vendor-adapters.md 17.3): a vendor's dynamic database as a folder
// a shell script can fill, one sub-folder per package version, behind tms::VendorInterface.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.h"
#include "tms/ports.h"
#include "vendor/sign_package.h"

namespace tmsproto::vendor {

class DirectoryVendor final : public tms::VendorInterface {
 public:
  // One line naming the defect when `root` is not a vendor directory (no readable VENDOR_ID file).
  static Result<std::unique_ptr<DirectoryVendor>, std::string> open(const std::filesystem::path& root);

  std::uint32_t interface_version() const override { return tms::kVendorInterfaceVersion; }
  Result<std::vector<codec::Offer>, tms::VendorError> offers(const tms::OffersQuery& q) override;
  Result<Bytes, tms::VendorError> piece(const tms::PieceQuery& q) override;
  const std::string& vendor_id() const { return vendor_id_; }

 private:
  DirectoryVendor(std::filesystem::path root, std::string vendor_id)
      : root_(std::move(root)), vendor_id_(std::move(vendor_id)) {}
  std::filesystem::path root_;
  std::string vendor_id_;
};

// Adds `p` to the directory database at `root` as a new package folder (written aside, synced,
// then renamed into place, so a reader sees all of it or nothing), creating the database for the
// package's vendor when `root` holds none. Returns the folder; one line naming the refusal
// otherwise: a defective package, another vendor's database, the same manifest already there.
Result<std::filesystem::path, std::string> publish_to_directory(const std::filesystem::path& root,
                                                                const SignedPackage& p);

}  // namespace tmsproto::vendor
