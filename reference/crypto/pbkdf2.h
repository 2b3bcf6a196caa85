// PBKDF2 with HMAC-SHA-256 (RFC 8018 section 5.2): the operator verifier of REQ-OPR-002.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/error.h"
#include "crypto/secret.h"

namespace tmsproto::crypto {

// A non-empty password, iterations >= 1 and 1 <= out_len <= 64, else kBadDataLength /
// kBadOutputLength.
Result<SecretBytes, CryptoError> pbkdf2_hmac_sha256(ByteView password, ByteView salt,
                                                    std::uint32_t iterations, std::size_t out_len);

}  // namespace tmsproto::crypto
