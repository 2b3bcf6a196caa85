#include "crypto/signature.h"

#include <strings.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

#include "crypto/digest.h"
#include "crypto/fuzzing_build_mode.h"  // the fuzz targets' hash stand-in, below
#include "crypto/ltc.h"

namespace tmsproto::crypto {

namespace {

constexpr std::size_t kCoord = 32;
// SEC 2 / FIPS 186-4 prime of P-256, used to pick the right entry of ltc_ecc_sets rather than
// trusting its position in the table.
constexpr const char* kP256Prime =
    "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF";

// ltc_math_descriptor::unsigned_read takes a non-const pointer although it only reads.
unsigned char* in_ptr(const std::uint8_t* p) { return const_cast<unsigned char*>(p); }

int p256_index() {
  static const int idx = [] {
    for (int i = 0; ltc_ecc_sets[i].size != 0; ++i) {
      if (ltc_ecc_sets[i].size == static_cast<int>(kCoord) &&
          strcasecmp(ltc_ecc_sets[i].prime, kP256Prime) == 0) {
        return i;
      }
    }
    return -1;
  }();
  return idx;
}

// <tomcrypt.h> defines its mp_* macros only when building libtomcrypt itself, so bignum calls go
// through the ltc_mp descriptor directly.

// One bignum, freed (and, by libtommath, zeroed) on scope exit.
class Mp {
 public:
  Mp() {
    if (ltc_mp.init(&v_) != CRYPT_OK) v_ = nullptr;
  }
  Mp(const Mp&) = delete;
  Mp& operator=(const Mp&) = delete;
  ~Mp() {
    if (v_ != nullptr) ltc_mp.deinit(v_);
  }
  void* get() const { return v_; }
  bool ok() const { return v_ != nullptr; }
  bool read_hex(const char* hex) { return ltc_mp.read_radix(v_, hex, 16) == CRYPT_OK; }

 private:
  void* v_ = nullptr;
};

// An ecc_key whose four bignums are allocated up front, so ecc_free() is always safe.
class EccKey {
 public:
  EccKey() {
    ok_ = ltc_init_multi(&key_.pubkey.x, &key_.pubkey.y, &key_.pubkey.z, &key_.k, nullptr) ==
          CRYPT_OK;
    key_.idx = p256_index();
    key_.dp = key_.idx >= 0 ? &ltc_ecc_sets[key_.idx] : nullptr;
    key_.type = PK_PUBLIC;
  }
  EccKey(const EccKey&) = delete;
  EccKey& operator=(const EccKey&) = delete;
  ~EccKey() {
    if (ok_) ecc_free(&key_);
  }
  bool ok() const { return ok_ && key_.dp != nullptr; }
  ecc_key* get() { return &key_; }

 private:
  ecc_key key_{};
  bool ok_ = false;
};

enum class Check { kValid, kInvalid, kLibraryError };

// y^2 == x^3 - 3x + b (mod p), with 0 <= x, y < p. libtomcrypt 1.18's own import does not check
// this, and an off-curve point would turn verification into arithmetic on some other curve.
Check on_curve(void* x, void* y, const ltc_ecc_set_type& dp) {
  Mp p, b, lhs, rhs, t;
  if (!p.ok() || !b.ok() || !lhs.ok() || !rhs.ok() || !t.ok()) return Check::kLibraryError;
  if (!p.read_hex(dp.prime) || !b.read_hex(dp.B)) return Check::kLibraryError;
  if (ltc_mp.compare(x, p.get()) != LTC_MP_LT || ltc_mp.compare(y, p.get()) != LTC_MP_LT) {
    return Check::kInvalid;
  }
  if (ltc_mp.sqrmod(y, p.get(), lhs.get()) != CRYPT_OK ||
      ltc_mp.sqrmod(x, p.get(), rhs.get()) != CRYPT_OK ||
      ltc_mp.mulmod(rhs.get(), x, p.get(), rhs.get()) != CRYPT_OK ||
      ltc_mp.muli(x, 3, t.get()) != CRYPT_OK ||
      ltc_mp.mpdiv(t.get(), p.get(), nullptr, t.get()) != CRYPT_OK ||
      ltc_mp.submod(rhs.get(), t.get(), p.get(), rhs.get()) != CRYPT_OK ||
      ltc_mp.addmod(rhs.get(), b.get(), p.get(), rhs.get()) != CRYPT_OK) {
    return Check::kLibraryError;
  }
  return ltc_mp.compare(lhs.get(), rhs.get()) == LTC_MP_EQ ? Check::kValid : Check::kInvalid;
}

Result<void, CryptoError> load_public(EccKey& key, ByteView public_key) {
  if (public_key.size() != kP256PublicKeySize || public_key[0] != 0x04) {
    return fail(CryptoError::kBadPublicKey);
  }
  if (!key.ok()) return fail(CryptoError::kLibraryError);
  ecc_key* k = key.get();
  if (ltc_mp.unsigned_read(k->pubkey.x, in_ptr(public_key.data() + 1), kCoord) != CRYPT_OK ||
      ltc_mp.unsigned_read(k->pubkey.y, in_ptr(public_key.data() + 1 + kCoord), kCoord) !=
          CRYPT_OK ||
      ltc_mp.set_int(k->pubkey.z, 1) != CRYPT_OK) {
    return fail(CryptoError::kLibraryError);
  }
  switch (on_curve(k->pubkey.x, k->pubkey.y, *k->dp)) {
    case Check::kValid:
      return {};
    case Check::kInvalid:
      return fail(CryptoError::kBadPublicKey);
    case Check::kLibraryError:
      break;
  }
  return fail(CryptoError::kLibraryError);
}

// Fills key.k with the scalar and key.pubkey with k*G, as ecc_make_key_ex() does for a random k.
Result<void, CryptoError> load_private(EccKey& key, ByteView private_key) {
  if (private_key.size() != kP256PrivateKeySize) return fail(CryptoError::kBadPrivateKey);
  if (!key.ok()) return fail(CryptoError::kLibraryError);
  ecc_key* k = key.get();
  Mp order, prime;
  if (!order.ok() || !prime.ok() || !order.read_hex(k->dp->order) ||
      !prime.read_hex(k->dp->prime) ||
      ltc_mp.unsigned_read(k->k, in_ptr(private_key.data()), kCoord) != CRYPT_OK) {
    return fail(CryptoError::kLibraryError);
  }
  if (ltc_mp.compare_d(k->k, 0) == LTC_MP_EQ || ltc_mp.compare(k->k, order.get()) != LTC_MP_LT) {
    return fail(CryptoError::kBadPrivateKey);
  }
  ecc_point* g = ltc_ecc_new_point();
  if (g == nullptr) return fail(CryptoError::kLibraryError);
  const bool ok = ltc_mp.read_radix(g->x, k->dp->Gx, 16) == CRYPT_OK &&
                  ltc_mp.read_radix(g->y, k->dp->Gy, 16) == CRYPT_OK &&
                  ltc_mp.set_int(g->z, 1) == CRYPT_OK &&
                  ltc_ecc_mulmod(k->k, g, &k->pubkey, prime.get(), 1) == CRYPT_OK;
  ltc_ecc_del_point(g);
  if (!ok) return fail(CryptoError::kLibraryError);
  k->type = PK_PRIVATE;
  return {};
}

bool write_coord(void* v, std::uint8_t* out) {
  const unsigned long n = ltc_mp.unsigned_size(v);
  if (n > kCoord) return false;
  std::memset(out, 0, kCoord - n);
  return ltc_mp.unsigned_write(v, out + (kCoord - n)) == CRYPT_OK;
}

Result<Bytes, CryptoError> export_public(EccKey& key) {
  Bytes out(kP256PublicKeySize);
  out[0] = 0x04;
  if (!write_coord(key.get()->pubkey.x, out.data() + 1) ||
      !write_coord(key.get()->pubkey.y, out.data() + 1 + kCoord)) {
    return fail(CryptoError::kLibraryError);
  }
  return out;
}

#ifdef TMSPROTO_FUZZING_BUILD_MODE
// Fuzzing build mode only (fuzzing_build_mode.h). The "signature" of a message under a public key
// is SHA-256("r" || key || message) || SHA-256("s" || key || message): two hashes instead of two
// scalar multiplications, still refused for any other key, message or octet, and computable by the
// fuzzers' mutator, which re-signs what it edits.
Bytes stand_in_signature(ByteView public_key, ByteView message) {
  Bytes out;
  for (const std::uint8_t half : {std::uint8_t{'r'}, std::uint8_t{'s'}}) {
    Sha256 h;
    h.update(ByteView(&half, 1));
    h.update(public_key);
    h.update(message);
    const Sha256Digest d = h.finish();
    out.insert(out.end(), d.begin(), d.end());
  }
  return out;
}

// The public keys of the private keys signed with so far: one scalar multiplication per key, not
// one per signature (a fuzz target signs with its estate's few vendor keys).
Result<Bytes, CryptoError> cached_public_key(ByteView private_key) {
  static std::vector<std::pair<Bytes, Bytes>> cache;
  for (const auto& [priv, pub] : cache) {
    if (std::equal(priv.begin(), priv.end(), private_key.begin(), private_key.end())) return pub;
  }
  auto pub = ecdsa_p256_public_key(private_key);
  if (!pub) return fail(pub.error());
  if (cache.size() >= 64) cache.clear();
  cache.emplace_back(Bytes(private_key.begin(), private_key.end()), *pub);
  return pub;
}
#endif

}  // namespace

// REQ-CRYPTO-013
Result<void, CryptoError> ecdsa_p256_verify(ByteView public_key, ByteView message,
                                            ByteView signature) {
  ltc::ensure_ready();
  EccKey key;
  if (auto r = load_public(key, public_key); !r) return r;
  if (signature.size() != kP256SignatureSize) return fail(CryptoError::kBadSignature);
#ifdef TMSPROTO_FUZZING_BUILD_MODE
  const Bytes expected = stand_in_signature(public_key, message);
  if (!std::equal(expected.begin(), expected.end(), signature.begin(), signature.end())) {
    return fail(CryptoError::kBadSignature);
  }
  return {};
#else
  const Sha256Digest hash = sha256(message);
  int stat = 0;
  // libtomcrypt rejects r or s outside [1, n-1] with CRYPT_INVALID_PACKET before any arithmetic.
  const int err = ecc_verify_hash_rfc7518(signature.data(), signature.size(), hash.data(),  // REQ-CRYPTO-013
                                          hash.size(), &stat, key.get());
  if (err == CRYPT_OK) {
    return stat == 1 ? Result<void, CryptoError>{} : fail(CryptoError::kBadSignature);
  }
  return fail(err == CRYPT_INVALID_PACKET ? CryptoError::kBadSignature
                                          : CryptoError::kLibraryError);
#endif
}

// REQ-CRYPTO-013
Result<Bytes, CryptoError> ecdsa_p256_sign(ByteView private_key, ByteView message,
                                           RandomSource& rng) {
#ifdef TMSPROTO_FUZZING_BUILD_MODE
  std::array<std::uint8_t, 40> drawn{};
  rng.fill(drawn);  // what the real signature draws, so that the stream after it is the same
  auto pub = cached_public_key(private_key);
  if (!pub) return fail(pub.error());
  return stand_in_signature(*pub, message);
#else
  ltc::ensure_ready();
  EccKey key;
  if (auto r = load_private(key, private_key); !r) return fail(r.error());
  const Sha256Digest hash = sha256(message);

  // REQ-CRYPTO-016: the nonce's entropy comes from the injected source, not from libtomcrypt.
  std::array<std::uint8_t, 40> seed{};
  rng.fill(seed);
  prng_state prng;
  const int wprng = ltc::chacha20_prng_index();
  int err = chacha20_prng_start(&prng);
  if (err == CRYPT_OK) err = chacha20_prng_add_entropy(seed.data(), seed.size(), &prng);
  if (err == CRYPT_OK) err = chacha20_prng_ready(&prng);
  secure_wipe(seed);

  Bytes sig(kP256SignatureSize);
  unsigned long sig_len = sig.size();
  if (err == CRYPT_OK) {
    err = ecc_sign_hash_rfc7518(hash.data(), hash.size(), sig.data(), &sig_len, &prng, wprng,  // REQ-CRYPTO-013
                                key.get());
  }
  chacha20_prng_done(&prng);
  zeromem(&prng, sizeof prng);  // REQ-CRYPTO-015: knowing the generator state reveals the nonce
  if (err != CRYPT_OK || sig_len != kP256SignatureSize) return fail(CryptoError::kLibraryError);
  return sig;
#endif
}

Result<Bytes, CryptoError> ecdsa_p256_public_key(ByteView private_key) {
  ltc::ensure_ready();
  EccKey key;
  if (auto r = load_private(key, private_key); !r) return fail(r.error());
  return export_public(key);
}

Result<EcdsaP256KeyPair, CryptoError> ecdsa_p256_generate(RandomSource& rng) {
  SecretBytes d(kP256PrivateKeySize);
  // A candidate is out of range with probability about 2^-32, so this loop practically never
  // repeats; the bound only keeps a broken RandomSource (say, all 0xff) from looping forever.
  for (int attempt = 0; attempt < 64; ++attempt) {
    rng.fill(d.mutable_view());
    auto pub = ecdsa_p256_public_key(d.view());
    if (pub) return EcdsaP256KeyPair{std::move(d), std::move(pub).value()};
    if (pub.error() != CryptoError::kBadPrivateKey) return fail(pub.error());
  }
  return fail(CryptoError::kBadPrivateKey);
}

}  // namespace tmsproto::crypto
