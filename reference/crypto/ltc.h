// Internal to crypto/: the one place that registers algorithms with libtomcrypt and holds a key
// schedule. Not for other layers: it pulls in <tomcrypt.h> and its macros.
#pragma once

#include <cstdint>
#include <span>

#include <tomcrypt.h>

#include "common/bytes.h"
#include "crypto/block_cipher.h"
#include "crypto/error.h"

namespace tmsproto::crypto::ltc {

// Registers DES, TDES, AES and the ChaCha20 PRNG and installs libtommath as ltc_mp, once per
// process (thread-safe). Every entry point that uses a descriptor index calls it first.
void ensure_ready();

// Descriptor index for a cipher (after ensure_ready()).
int cipher_index(Cipher c);
int chacha20_prng_index();
int sha256_index();

// Wipes the part of a libtomcrypt key union that `c`'s setup writes (REQ-CRYPTO-015). The union is
// sized for libtomcrypt's largest cipher (4,256 octets), a DES, TDES or AES schedule uses at most
// 768 of them, and zeromem writes octet by octet through a volatile pointer: wiping the whole union
// after every MAC was a tenth of a fuzz target's time for octets no setup wrote.
void wipe_schedule(Cipher c, symmetric_key& key);
// omac_init of cipher `c` under `key` (its length already checked by valid_key_length()). In the
// fuzzing build mode the started states of the last 16 keys are kept, as KeySchedule keeps
// schedules: a CMAC's setup (the TDES schedule and the subkeys L·u) was a twentieth of a session
// target's time under ASan.
int omac_start(Cipher c, ByteView key, omac_state& state);
// Wipes an OMAC (CMAC) state of cipher `c`: its chaining values and subkeys, and its key schedule.
void wipe_omac(Cipher c, omac_state& state);

// An expanded key, wiped when it goes out of scope (REQ-CRYPTO-015: the schedule is as secret as
// the key). Construct only with a key length already checked by valid_key_length().
class KeySchedule {
 public:
  KeySchedule(Cipher c, ByteView key);
  KeySchedule(const KeySchedule&) = delete;
  KeySchedule& operator=(const KeySchedule&) = delete;
  ~KeySchedule();

  bool ok() const { return status_ == CRYPT_OK; }
  // One block in place; the caller guarantees `block` is exactly block_size().
  bool encrypt_block(std::span<std::uint8_t> block);
  bool decrypt_block(std::span<std::uint8_t> block);

 private:
  Cipher cipher_;
  int index_;
  int status_;
  symmetric_key key_;
};

}  // namespace tmsproto::crypto::ltc
