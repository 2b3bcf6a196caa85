// The wipes of crypto/ltc.h (REQ-CRYPTO-015): what a key setup wrote is zero when the schedule or
// the CMAC state is dropped, and the narrower wipe covers every octet the setup wrote.
#include "crypto/ltc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>

#include "crypto/test_util.h"

namespace tmsproto::crypto::ltc {
namespace {

using test::H;

std::size_t nonzero(const unsigned char* p, std::size_t n) {
  return static_cast<std::size_t>(std::count_if(p, p + n, [](unsigned char b) { return b != 0; }));
}

// A schedule's storage after its destructor ran: only the three int fields may be non-zero (the
// cipher, its descriptor index, the status), never a word of the expanded key.
void expect_dropped_schedule_is_wiped(Cipher c, const Bytes& key) {
  ensure_ready();
  alignas(KeySchedule) unsigned char storage[sizeof(KeySchedule)] = {};
  auto* ks = new (storage) KeySchedule(c, key);
  ASSERT_TRUE(ks->ok());
  ASSERT_GT(nonzero(storage, sizeof storage), 3 * sizeof(int) + 32) << "the setup wrote no schedule";
  ks->~KeySchedule();
  EXPECT_LE(nonzero(storage, sizeof storage), 3 * sizeof(int));
}

// Checks REQ-CRYPTO-015.
TEST(KeyScheduleWipe, DesScheduleIsZeroWhenDropped) {
  expect_dropped_schedule_is_wiped(Cipher::kDes, H("0123456789abcdef"));
}

// Checks REQ-CRYPTO-015.
TEST(KeyScheduleWipe, TdesScheduleIsZeroWhenDropped) {
  expect_dropped_schedule_is_wiped(Cipher::kTdes, H("0123456789abcdef 23456789abcdef01 456789abcdef0123"));
}

// Checks REQ-CRYPTO-015.
TEST(KeyScheduleWipe, AesScheduleIsZeroWhenDropped) {
  expect_dropped_schedule_is_wiped(Cipher::kAes, H("603deb1015ca71be2b73aef0857d7781 1f352c073b6108d72d9810a30914dff4"));
}

// A CMAC state after wipe_omac: its buffers, subkeys and AES-256 schedule are all zero. The control
// is the same state before the wipe, which holds the subkeys L·u and the expanded key.
// Checks REQ-CRYPTO-015.
TEST(OmacWipe, SubkeysAndScheduleAreZeroAfterTheWipe) {
  ensure_ready();
  const Bytes key = H("603deb1015ca71be2b73aef0857d7781 1f352c073b6108d72d9810a30914dff4");
  const Bytes msg = H("6bc1bee22e409f96e93d7e117393172a");
  omac_state st;
  std::memset(&st, 0, sizeof st);
  ASSERT_EQ(omac_init(&st, cipher_index(Cipher::kAes), key.data(), key.size()), CRYPT_OK);
  ASSERT_EQ(omac_process(&st, msg.data(), msg.size()), CRYPT_OK);
  const auto* bytes = reinterpret_cast<const unsigned char*>(&st);
  const std::size_t written = offsetof(omac_state, key) + sizeof(rijndael_key);
  ASSERT_GT(nonzero(bytes, written), 200U) << "omac_init wrote no subkeys or schedule";
  wipe_omac(Cipher::kAes, st);
  EXPECT_EQ(nonzero(bytes, sizeof st), 0U);
}

}  // namespace
}  // namespace tmsproto::crypto::ltc
