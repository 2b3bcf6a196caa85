// ECDSA over NIST P-256 with SHA-256 (REQ-CRYPTO-013). Keys and signatures use fixed-size raw
// encodings: public key 04 || X || Y (65 bytes, SEC 1 uncompressed), private key the 32-byte
// big-endian scalar, signature r || s (64 bytes, each 32 bytes big-endian, as in IEEE P1363 and
// RFC 7518). The message is hashed inside with SHA-256.
#pragma once

#include <cstddef>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/error.h"
#include "crypto/random.h"
#include "crypto/secret.h"

namespace tmsproto::crypto {

inline constexpr std::size_t kP256PublicKeySize = 65;
inline constexpr std::size_t kP256PrivateKeySize = 32;
inline constexpr std::size_t kP256SignatureSize = 64;

// Success only for a valid signature. kBadPublicKey: not 65 bytes, not 0x04-prefixed, a coordinate
// not below p, or the point not on the curve. kBadSignature: not 64 bytes, r or s not in [1, n-1],
// or the equation fails.
Result<void, CryptoError> ecdsa_p256_verify(ByteView public_key, ByteView message,
                                            ByteView signature);

// Signs SHA-256(message). The per-signature nonce comes from a ChaCha20 generator seeded with 40
// bytes of `rng`, so a DeterministicRandom gives reproducible signatures (for tests only) and an
// OsRandom gives fresh ones. kBadPrivateKey: not 32 bytes or not in [1, n-1].
Result<Bytes, CryptoError> ecdsa_p256_sign(ByteView private_key, ByteView message,
                                           RandomSource& rng);

// The 65-byte public key of a private key (kBadPrivateKey as for signing).
Result<Bytes, CryptoError> ecdsa_p256_public_key(ByteView private_key);

struct EcdsaP256KeyPair {
  SecretBytes private_key;  // 32 bytes
  Bytes public_key;         // 65 bytes
};

// A fresh key pair: the scalar is drawn from `rng` by rejection sampling until it is in [1, n-1].
Result<EcdsaP256KeyPair, CryptoError> ecdsa_p256_generate(RandomSource& rng);

}  // namespace tmsproto::crypto
