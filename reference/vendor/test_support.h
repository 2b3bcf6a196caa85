// Shared by the vendor tests: a temporary folder, one vendor's packages signed by the vendor's
// tool, and the same packages in every kind of database.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crypto/signature.h"
#include "sim/memory_ports.h"
#include "testing/deterministic_random.h"
#include "vendor/sign_package.h"

namespace tmsproto::vendor::testing {

inline constexpr const char* kVendor = "ACME";
inline constexpr const char* kModel = "POS-X1";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tmsproto-vendor-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Four packages of one vendor: FORMAT 0x01 in three piece sizes (one a single short piece) and a
// FORMAT 0x02 per-terminal file signed by another key, published in this order.
struct Catalogue {
  crypto::SecretBytes vendor_key;
  Bytes vendor_public_key;
  std::vector<SignedPackage> packages;
};

inline Catalogue make_catalogue(std::uint64_t seed = 7) {
  crypto::DeterministicRandom rng(seed);
  Catalogue c;
  auto key = crypto::ecdsa_p256_generate(rng);
  auto acquirer = crypto::ecdsa_p256_generate(rng);
  c.vendor_key = key->private_key.clone();
  c.vendor_public_key = key->public_key;
  auto add = [&](codec::PackageKind kind, const char* name, std::uint32_t version, std::uint16_t chunk,
                 std::size_t length, const crypto::SecretBytes& signer, std::optional<codec::ManifestScope> scope) {
    Bytes content(length);
    rng.fill(content);
    PackageDraft d{kind, name, kVendor, kModel, version, chunk, std::move(scope)};
    c.packages.push_back(*sign_package(d, std::move(content), signer.view(), rng));
  };
  add(codec::PackageKind::kApplication, "PAYAPP", 3, 256, 1000, c.vendor_key, std::nullopt);
  add(codec::PackageKind::kParameters, "PARAMS/2", 1, 512, 300, c.vendor_key, std::nullopt);
  add(codec::PackageKind::kDataFile, "LOGO", 2, 4096, 9000, c.vendor_key, std::nullopt);
  codec::ManifestScope scope{"ACQ1", {2030, 1, 1, 0, 0, 0}, {"S0001", "S0002"}};
  add(codec::PackageKind::kParameters, "TERMCFG", 5, 256, 700, acquirer->private_key, scope);
  return c;
}

inline std::unique_ptr<sim::MemoryVendor> memory_vendor(const Catalogue& c) {
  auto v = std::make_unique<sim::MemoryVendor>(kVendor);
  for (const SignedPackage& p : c.packages) v->packages.push_back({p.offer, p.content, p.fit});
  v->unknown_serials = {"GHOST"};
  return v;
}

}  // namespace tmsproto::vendor::testing
