// Helpers shared by the crypto tests only.
#pragma once

#include <string_view>

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "common/bytes.h"
#include "common/hex.h"
#include "crypto/block_cipher.h"

namespace tmsproto::crypto::test {

// Hex of a published vector; spaces allowed for readability. A typo fails the test loudly.
inline Bytes H(std::string_view text) {
  std::string compact;
  for (char ch : text) {
    if (ch != ' ') compact.push_back(ch);
  }
  auto bytes = from_hex(compact);
  EXPECT_TRUE(bytes.has_value()) << "bad hex in test vector: " << text;
  return bytes.value_or(Bytes{});
}

inline Bytes ascii(std::string_view text) { return Bytes(text.begin(), text.end()); }

inline rc::Gen<Bytes> gen_bytes(std::size_t n) {
  return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>());
}

inline rc::Gen<Bytes> gen_bytes_up_to(std::size_t max) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, max + 1),
                         [](std::size_t n) { return gen_bytes(n); });
}

inline rc::Gen<Cipher> gen_cipher() {
  return rc::gen::element(Cipher::kDes, Cipher::kTdes, Cipher::kAes);
}

// A valid key length for the cipher, every allowed length equally likely.
inline rc::Gen<std::size_t> gen_key_length(Cipher c) {
  switch (c) {
    case Cipher::kDes: return rc::gen::just<std::size_t>(8);
    case Cipher::kTdes: return rc::gen::element<std::size_t>(16, 24);
    case Cipher::kAes: return rc::gen::element<std::size_t>(16, 24, 32);
  }
  return rc::gen::just<std::size_t>(0);
}

inline void flip_bit(Bytes& b, std::size_t bit) {
  b[bit / 8] = static_cast<std::uint8_t>(b[bit / 8] ^ (1u << (bit % 8)));
}

}  // namespace tmsproto::crypto::test
