#include "crypto/ltc.h"

#include <algorithm>
#include <array>
#include <type_traits>
#include <cstddef>
#include <cstring>

#include "crypto/fuzzing_build_mode.h"

namespace tmsproto::crypto::ltc {

namespace {

struct Indices {
  int des = -1;
  int tdes = -1;
  int aes = -1;
  int chacha = -1;
  int sha256 = -1;
};

const Indices& indices() {
  static const Indices idx = [] {
    // ECDSA needs a bignum provider; libtommath is the one Debian's libtomcrypt is built with.
    ltc_mp = ltm_desc;
    Indices i;
    i.des = register_cipher(&des_desc);
    i.tdes = register_cipher(&des3_desc);
    i.aes = register_cipher(&aes_desc);
    i.chacha = register_prng(&chacha20_prng_desc);
    i.sha256 = register_hash(&sha256_desc);
    return i;
  }();
  return idx;
}

}  // namespace

void ensure_ready() { (void)indices(); }

int cipher_index(Cipher c) {
  switch (c) {
    case Cipher::kDes:
      return indices().des;
    case Cipher::kTdes:
      return indices().tdes;
    case Cipher::kAes:
      return indices().aes;
  }
  return -1;
}

int chacha20_prng_index() { return indices().chacha; }

int sha256_index() { return indices().sha256; }

namespace {

// The octets of the key union that a cipher's setup writes: its own member of the union.
std::size_t schedule_bytes(Cipher c) {
  switch (c) {
    case Cipher::kDes:
      return sizeof(des_key);
    case Cipher::kTdes:
      return sizeof(des3_key);
    case Cipher::kAes:
      return sizeof(rijndael_key);
  }
  return sizeof(symmetric_key);
}

}  // namespace

// REQ-CRYPTO-015
void wipe_schedule(Cipher c, symmetric_key& key) { zeromem(&key, schedule_bytes(c)); }

// REQ-CRYPTO-015: everything in front of the key (chaining block, buffer, the subkeys L·u) and the
// schedule. offsetof: omac_state is a C struct.
void wipe_omac(Cipher c, omac_state& state) {
  static_assert(std::is_standard_layout_v<omac_state>);
  zeromem(&state, offsetof(omac_state, key));
  wipe_schedule(c, state.key);
}

#ifdef TMSPROTO_FUZZING_BUILD_MODE
namespace {

// Fuzzing build mode only (crypto/fuzzing_build_mode.h): DES and TDES key setup was a fifth of the
// session targets' time, each MAC and envelope expanding the same few session keys again, and a
// CMAC's setup (the schedule and the subkeys L·u) a twentieth under ASan. The last 16 states of
// each kind are kept, in clear, for the life of the process: never in a product. DES, TDES and AES,
// whose schedules in libtomcrypt 1.18 are plain arrays that a copy duplicates; what a setup writes
// is a pure function of the cipher and the key.
template <class State>
class KeptStates {
 public:
  static constexpr std::size_t kMaxKey = 32;

  // Copies the kept state of (index, key), its first `bytes` octets, into `out`; false if none.
  bool find(int index, ByteView key, State& out, std::size_t bytes) const {
    for (const Entry& e : entries_) {
      if (e.index == index && e.key_len == key.size() && std::equal(key.begin(), key.end(), e.key)) {
        std::memcpy(&out, &e.state, bytes);
        return true;
      }
    }
    return false;
  }
  void keep(int index, ByteView key, const State& state, std::size_t bytes) {
    Entry& e = entries_[next_++ % entries_.size()];
    e.index = index;
    e.key_len = key.size();
    std::copy(key.begin(), key.end(), e.key);
    std::memcpy(&e.state, &state, bytes);
  }

 private:
  struct Entry {
    int index = -1;
    std::size_t key_len = 0;
    std::uint8_t key[kMaxKey] = {};
    State state;
  };
  std::array<Entry, 16> entries_{};
  std::size_t next_ = 0;
};

bool cached_cipher(int index) {
  return index == cipher_index(Cipher::kDes) || index == cipher_index(Cipher::kTdes) ||
         index == cipher_index(Cipher::kAes);
}

// A started OMAC state up to its schedule, and that schedule (the chaining block and buffer start
// empty).
std::size_t omac_bytes(Cipher c) { return offsetof(omac_state, key) + schedule_bytes(c); }

}  // namespace
#endif

int omac_start(Cipher c, ByteView key, omac_state& state) {
  const int index = cipher_index(c);
#ifdef TMSPROTO_FUZZING_BUILD_MODE
  thread_local KeptStates<omac_state> kept;
  if (key.size() <= KeptStates<omac_state>::kMaxKey) {
    if (kept.find(index, key, state, omac_bytes(c))) return CRYPT_OK;
    const int err = omac_init(&state, index, key.data(), key.size());
    if (err == CRYPT_OK) kept.keep(index, key, state, omac_bytes(c));
    return err;
  }
#endif
  return omac_init(&state, index, key.data(), key.size());
}

KeySchedule::KeySchedule(Cipher c, ByteView key)
    : cipher_(c), index_(cipher_index(c)), status_(CRYPT_ERROR) {
  if (index_ < 0 || key.empty()) return;
#ifdef TMSPROTO_FUZZING_BUILD_MODE
  thread_local KeptStates<symmetric_key> kept;
  if (cached_cipher(index_) && key.size() <= KeptStates<symmetric_key>::kMaxKey) {
    if (kept.find(index_, key, key_, schedule_bytes(c))) {
      status_ = CRYPT_OK;
      return;
    }
    status_ = cipher_descriptor[index_].setup(key.data(), static_cast<int>(key.size()), 0, &key_);
    if (status_ == CRYPT_OK) kept.keep(index_, key, key_, schedule_bytes(c));
    return;
  }
#endif
  status_ = cipher_descriptor[index_].setup(key.data(), static_cast<int>(key.size()), 0, &key_);
}

KeySchedule::~KeySchedule() {
  if (ok()) cipher_descriptor[index_].done(&key_);
#ifdef TMSPROTO_FUZZING_BUILD_MODE
  // The cache above holds the same schedule in clear: wiping this copy would protect nothing.
  if (cached_cipher(index_)) return;
#endif
  wipe_schedule(cipher_, key_);  // REQ-CRYPTO-015
}

bool KeySchedule::encrypt_block(std::span<std::uint8_t> block) {
  return ok() &&
         cipher_descriptor[index_].ecb_encrypt(block.data(), block.data(), &key_) == CRYPT_OK;
}

bool KeySchedule::decrypt_block(std::span<std::uint8_t> block) {
  return ok() &&
         cipher_descriptor[index_].ecb_decrypt(block.data(), block.data(), &key_) == CRYPT_OK;
}

}  // namespace tmsproto::crypto::ltc
