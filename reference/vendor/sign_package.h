// The vendor's signing tool (spec/17-vendor-adapters.md 17.1): from a package's content, its
// piece size and the signer's private key, the MANIFEST (FORMAT 0x01, or 0x02 with a scope), its
// SIGNATURE and its FIT, as a vendor's dynamic database then holds them. Written once: the test
// estate's sim::make_package calls sign_package_unchecked, the `tmsproto vendor sign` command
// calls sign_package.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "codec/download_payloads.h"
#include "common/bytes.h"
#include "common/result.h"
#include "crypto/random.h"

namespace tmsproto::vendor {

// What the signer decides; the digests and LENGTH follow from the content.
struct PackageDraft {
  codec::PackageKind kind = codec::PackageKind::kApplication;
  std::string name;
  std::string vendor_id;
  std::string model_id;
  std::uint32_t version = 1;
  std::uint16_t chunk_size = codec::kMaxChunk;
  std::optional<codec::ManifestScope> scope;  // nullopt: FORMAT 0x01, signed by the vendor
};

// One package version as a vendor's database holds it (spec/10-tms-states.md 10.5).
struct SignedPackage {
  codec::Offer offer;  // MANIFEST and SIGNATURE
  Bytes content;       // the DATA section, LENGTH octets
  Bytes fit;           // the FIT section, 32 octets per data piece (REQ-DL-012)
};

// The package, or one line naming what is wrong: a manifest field the protocol would refuse
// (REQ-MSG-090..092), an empty or oversized content, a private key that is not a P-256 scalar.
Result<SignedPackage, std::string> sign_package(const PackageDraft& draft, Bytes content,
                                                ByteView signer_private_key, crypto::RandomSource& rng);

// The same computation without the checks, for tests and simulations that need packages the
// protocol must refuse; a private key that cannot sign leaves SIGNATURE all zero. Draws from `rng`
// exactly as sign_package does, so that recorded simulations stay the same.
SignedPackage sign_package_unchecked(const PackageDraft& draft, Bytes content, ByteView signer_private_key,
                                     crypto::RandomSource& rng);

// REQ-DL-012: SHA-256(piece 0) || ... || SHA-256(piece N-1) of `content` cut in `chunk_size` pieces.
Bytes compute_fit(ByteView content, std::uint16_t chunk_size);

// One line naming the first defect of a package as a database would hold it: the manifest does
// not parse back to itself (REQ-MSG-091), LENGTH, PKG_DIGEST or FIT_DIGEST does not match the
// content and FIT (REQ-DL-012). The signature is not checked: that needs the signer's public key.
std::optional<std::string> package_defect(const SignedPackage& p);

}  // namespace tmsproto::vendor
