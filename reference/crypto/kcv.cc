#include "crypto/kcv.h"

#include "crypto/mac.h"

namespace tmsproto::crypto {

// REQ-CRYPTO-009
Result<Bytes, CryptoError> kcv(Cipher c, ByteView key) {
  const Bytes zeros(block_size(c), 0x00);
  if (c == Cipher::kAes) return cmac(c, key, zeros);
  return ecb_encrypt(c, key, zeros);  // REQ-CRYPTO-009
}

}  // namespace tmsproto::crypto
