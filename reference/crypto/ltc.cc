#include "crypto/ltc.h"

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

KeySchedule::KeySchedule(Cipher c, ByteView key) : index_(cipher_index(c)), status_(CRYPT_ERROR) {
  if (index_ < 0 || key.empty()) return;
  status_ = cipher_descriptor[index_].setup(key.data(), static_cast<int>(key.size()), 0, &key_);
}

KeySchedule::~KeySchedule() {
  if (ok()) cipher_descriptor[index_].done(&key_);
  zeromem(&key_, sizeof key_);
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
