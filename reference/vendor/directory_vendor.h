// The directory database (spec/17-vendor-adapters.md 17.3): a vendor's dynamic database as a folder
// a shell script can fill, one sub-folder per package version, behind tms::VendorInterface.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "tms/ports.h"
#include "vendor/sign_package.h"

namespace tmsproto::vendor {

// A file's identity as stat(2) gives it: what `piece`'s listing cache compares (REQ-VND-015).
struct FileStamp {
  std::uint64_t dev = 0, ino = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

class DirectoryVendor final : public tms::VendorInterface {
 public:
  // One line naming the defect when `root` is not a vendor directory (no readable VENDOR_ID file).
  static Result<std::unique_ptr<DirectoryVendor>, std::string> open(const std::filesystem::path& root);

  std::uint32_t interface_version() const override { return tms::kVendorInterfaceVersion; }
  Result<std::vector<codec::Offer>, tms::VendorError> offers(const tms::OffersQuery& q) override;
  Result<Bytes, tms::VendorError> piece(const tms::PieceQuery& q) override;
  const std::string& vendor_id() const { return vendor_id_; }
  // How many times `piece` has listed ROOT/packages and read its manifests (REQ-VND-015): the
  // tests and the bench see whether the cache was used.
  std::size_t piece_listings() const { return listings_; }

 private:
  DirectoryVendor(std::filesystem::path root, std::string vendor_id)
      : root_(std::move(root)), vendor_id_(std::move(vendor_id)) {}

  struct CachedPackage {
    std::filesystem::path folder;
    Bytes manifest_octets;
    FileStamp folder_stamp, manifest_stamp;
  };
  bool cache_holds() const;
  void refill_cache();

  std::filesystem::path root_;
  std::string vendor_id_;
  bool cache_valid_ = false;
  FileStamp packages_stamp_;
  std::int64_t listed_at_ns_ = 0;
  std::vector<CachedPackage> cache_;
  std::size_t listings_ = 0;
};

// Adds `p` to the directory database at `root` as a new package folder (written aside, synced,
// then renamed into place, so a reader sees all of it or nothing), creating the database for the
// package's vendor when `root` holds none. Returns the folder; one line naming the refusal
// otherwise: a defective package, another vendor's database, the same manifest already there.
Result<std::filesystem::path, std::string> publish_to_directory(const std::filesystem::path& root,
                                                                const SignedPackage& p);

}  // namespace tmsproto::vendor
