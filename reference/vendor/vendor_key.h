// The vendor's package-signing key on disk (spec/17-vendor-adapters.md 17.2): an ECDSA P-256 key
// pair in a text file of mode 0600 that only the vendor's signing host holds. The TMS never reads
// it; terminals and the TMS get the public key (the injection file, the store's vendor record).
#pragma once

#include <filesystem>
#include <string>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/random.h"
#include "crypto/secret.h"

namespace tmsproto::vendor {

struct VendorKey {
  crypto::SecretBytes private_key;  // 32 octets, the P-256 scalar
  Bytes public_key;                 // 65 octets, 04 || X || Y
};

// Draws a key pair from `rng` and writes it to `file`, created with mode 0600 and never replacing
// an existing file; returns the public key. One line naming the failure otherwise, and then no file.
Result<Bytes, std::string> generate_vendor_key(const std::filesystem::path& file, crypto::RandomSource& rng);

// Reads a key file generate_vendor_key wrote. One line naming the defect: unreadable, readable by
// group or others, not the format of 17.2, or a public key that is not the private key's.
Result<VendorKey, std::string> read_vendor_key(const std::filesystem::path& file);

}  // namespace tmsproto::vendor
