#include "crypto/pbkdf2.h"

#include <algorithm>
#include <array>
#include <span>

#include <tomcrypt.h>

#include "crypto/fuzzing_build_mode.h"  // the fuzz targets' one-iteration stand-in, below

namespace tmsproto::crypto {

// PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA-256 (RFC 2104) written here over libtomcrypt's
// SHA-256, rather than its pkcs_5_alg2 and hmac_*: Debian builds libtomcrypt without
// LTC_CLEAN_STACK, so those free or leave behind, unwiped, the padded key, the HMAC states and
// U_i / T_i. Here every one of them is in a Workspace that is wiped on every return path.

namespace {

constexpr std::size_t kBlockLen = 64;   // SHA-256 block size: B of RFC 2104
constexpr std::size_t kDigestLen = 32;  // SHA-256 output size: L of RFC 2104, hLen of RFC 8018
constexpr std::uint8_t kIpad = 0x36;
constexpr std::uint8_t kOpad = 0x5c;

using Digest = std::array<std::uint8_t, kDigestLen>;

// Everything secret one derivation holds (REQ-CRYPTO-015). The HMAC key is fixed for the whole
// derivation, so SHA-256 over K xor ipad and over K xor opad is computed once; each PRF call copies
// those states instead of hashing the padded key again (two compressions per iteration, not four).
struct Workspace {
  Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  ~Workspace() { secure_wipe({reinterpret_cast<std::uint8_t*>(this), sizeof *this}); }

  std::array<std::uint8_t, kBlockLen> key_block{};  // K, zero-padded, then xored with a pad
  hash_state inner{};  // SHA-256 having absorbed K xor ipad
  hash_state outer{};  // SHA-256 having absorbed K xor opad
  hash_state work{};   // the hash being computed
  Digest u{};          // U_j of RFC 8018
  Digest t{};          // T_i of RFC 8018
};

// Starts `w.work` from a precomputed state. Only the SHA-256 member is copied: hash_state is a
// union sized for the largest hash libtomcrypt offers.
void restart_from(Workspace& w, const hash_state& from) { w.work.sha256 = from.sha256; }

// sha256_process aborts on a null pointer, which an empty span may carry; nothing to absorb then.
bool absorb(hash_state& md, ByteView data) {
  return data.empty() || sha256_process(&md, data.data(), data.size()) == CRYPT_OK;
}

// RFC 2104: K is the password if it fits in a block, else SHA-256 of it; zero-padded to B bytes.
// Leaves SHA-256(K xor ipad) in w.inner and SHA-256(K xor opad) in w.outer.
bool precompute_hmac_states(Workspace& w, ByteView password) {
  if (password.size() > kBlockLen) {
    sha256_init(&w.work);
    if (!absorb(w.work, password) || sha256_done(&w.work, w.key_block.data()) != CRYPT_OK) {
      return false;
    }
  } else {
    std::copy(password.begin(), password.end(), w.key_block.begin());
  }
  for (auto& b : w.key_block) b ^= kIpad;
  sha256_init(&w.inner);
  if (!absorb(w.inner, w.key_block)) return false;
  for (auto& b : w.key_block) b ^= kIpad ^ kOpad;  // undoes ipad, applies opad
  sha256_init(&w.outer);
  return absorb(w.outer, w.key_block);
}

// w.u = HMAC-SHA-256(K, a || b) = SHA-256(K xor opad || SHA-256(K xor ipad || a || b)). `a` may be
// w.u itself: it is absorbed before w.u is written.
bool prf(Workspace& w, ByteView a, ByteView b) {
  restart_from(w, w.inner);
  if (!absorb(w.work, a) || !absorb(w.work, b) || sha256_done(&w.work, w.u.data()) != CRYPT_OK) {
    return false;
  }
  restart_from(w, w.outer);
  return absorb(w.work, w.u) && sha256_done(&w.work, w.u.data()) == CRYPT_OK;
}

// RFC 8018 section 5.2 step 3: T_i = U_1 xor U_2 xor ... xor U_c, U_1 = PRF(P, S || INT(i)),
// U_j = PRF(P, U_{j-1}). Leaves T_i in w.t.
bool block_f(Workspace& w, ByteView salt, std::uint32_t iterations, std::uint32_t i) {
  const std::array<std::uint8_t, 4> int_i = {
      static_cast<std::uint8_t>(i >> 24), static_cast<std::uint8_t>(i >> 16),
      static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
  if (!prf(w, salt, int_i)) return false;
  w.t = w.u;
  for (std::uint32_t j = 2; j <= iterations; ++j) {
    if (!prf(w, w.u, {})) return false;
    for (std::size_t k = 0; k < kDigestLen; ++k) w.t[k] ^= w.u[k];
  }
  return true;
}

// libtomcrypt's SHA-256 compression leaves its message schedule on the stack (for the inner key
// block: the password xor ipad), because without LTC_CLEAN_STACK it never clears it. Called from
// pbkdf2_hmac_sha256 once the helpers above have returned, this overwrites the stack they and
// libtomcrypt used below it. Best effort, the language guarantees no stack layout: 2 KiB is well
// over what they take (on x86-64 the compression's frame is about 420 bytes).
[[gnu::noinline]] void wipe_stack_below_caller() {
  std::array<std::uint8_t, 2048> scratch;
  secure_wipe(scratch);  // zeromem writes through a volatile pointer: not elided
}

}  // namespace

// REQ-OPR-002 (the operator verifier); REQ-CRYPTO-015 (every intermediate is wiped).
Result<SecretBytes, CryptoError> pbkdf2_hmac_sha256(ByteView password, ByteView salt,
                                                    std::uint32_t iterations, std::size_t out_len) {
  // An empty password is no secret to derive a key from.
  if (password.empty() || iterations < 1) return fail(CryptoError::kBadDataLength);
  if (out_len < 1 || out_len > 64) return fail(CryptoError::kBadOutputLength);
#ifdef TMSPROTO_FUZZING_BUILD_MODE
  // Fuzzing build mode only (fuzzing_build_mode.h): one iteration over salt || iterations
  // (big-endian) instead of `iterations` (REQ-OPR-002 asks 100,000 or more, about a tenth of a
  // second under the sanitizers): the verifier still depends on every input, so an edited
  // OPV_ITERATIONS or salt still yields another verifier, but the attended session costs no more
  // than an unattended one.
  Bytes salted(salt.begin(), salt.end());
  for (int shift = 24; shift >= 0; shift -= 8) salted.push_back(static_cast<std::uint8_t>(iterations >> shift));
  salt = salted;
  iterations = 1;
#endif
  SecretBytes out(out_len);
  bool ok = true;
  {
    Workspace w;
    ok = precompute_hmac_states(w, password);
    // DK = T_1 || T_2 || ... || T_l, the last one cut to what is left.
    std::span<std::uint8_t> rest = out.mutable_view();
    for (std::uint32_t i = 1; ok && !rest.empty(); ++i) {
      ok = block_f(w, salt, iterations, i);
      const std::size_t n = std::min(rest.size(), kDigestLen);
      std::copy_n(w.t.begin(), n, rest.begin());
      rest = rest.subspan(n);
    }
  }  // w is wiped here, on success and on failure alike
  wipe_stack_below_caller();
  if (!ok) return fail(CryptoError::kLibraryError);
  return out;
}

}  // namespace tmsproto::crypto
