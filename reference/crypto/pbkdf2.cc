#include "crypto/pbkdf2.h"

#include <climits>

#include "crypto/ltc.h"

namespace tmsproto::crypto {

Result<SecretBytes, CryptoError> pbkdf2_hmac_sha256(ByteView password, ByteView salt,
                                                    std::uint32_t iterations, std::size_t out_len) {
  // An empty password is no secret, and libtomcrypt's HMAC refuses an empty key.
  if (password.empty() || iterations < 1 || iterations > INT_MAX) return fail(CryptoError::kBadDataLength);
  if (out_len < 1 || out_len > 64) return fail(CryptoError::kBadOutputLength);
  ltc::ensure_ready();
  // libtomcrypt's argument checks abort on null pointers, which empty spans may carry.
  static const std::uint8_t kEmpty[1] = {0};
  const std::uint8_t* pw = password.data();
  const std::uint8_t* st = salt.empty() ? kEmpty : salt.data();
  SecretBytes out(out_len);
  unsigned long len = out_len;
  const int err = pkcs_5_alg2(pw, password.size(), st, salt.size(), static_cast<int>(iterations),
                              ltc::sha256_index(), out.mutable_view().data(), &len);
  if (err != CRYPT_OK || len != out_len) return fail(CryptoError::kLibraryError);
  return out;
}

}  // namespace tmsproto::crypto
