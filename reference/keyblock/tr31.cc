// TR-31 / X9.143 key block wrap and unwrap, versions B and D (REQ-CRYPTO-011).
// Every size is checked here before a primitive is called (libtomcrypt aborts on bad arguments),
// and every buffer that holds key material is a SecretBytes or is wiped before it is dropped.
#include "keyblock/tr31.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "common/hex.h"
#include "crypto/block_cipher.h"
#include "crypto/mac.h"

namespace tmsproto::keyblock {
namespace {

using crypto::Cipher;
using crypto::SecretBytes;

constexpr std::size_t kLengthFieldBytes = 2;
// The key length field counts bits in 16 bits.
constexpr std::size_t kMaxKeyBytes = 0xFFFF / 8;

Cipher cipher_of(Tr31Version v) { return v == Tr31Version::kB ? Cipher::kTdes : Cipher::kAes; }

// The MAC on the wire is the whole CMAC block: 8 bytes for TDEA, 16 for AES.
std::size_t mac_length(Tr31Version v) { return cipher_block_size(v); }

// Length field, key and padding, to a whole number of cipher blocks.
std::size_t key_data_length(Tr31Version v, std::size_t shown_key_length) {
  const std::size_t bs = cipher_block_size(v);
  return (kLengthFieldBytes + shown_key_length + bs - 1) / bs * bs;
}

bool kbpk_length_ok(Tr31Version v, std::size_t n) {
  if (v == Tr31Version::kB) return n == 16 || n == 24;  // 2-key or 3-key TDEA; never single DES
  return n == 16 || n == 24 || n == 32;
}

// Key sizes a header's algorithm allows, and the X9.24-1 rule that a key is not protected by a
// weaker key of its own kind (a 3-key TDES key under a 2-key TDES KBPK, AES-256 under AES-128).
Result<void, Tr31Error> check_key_length(const Tr31Header& h, std::size_t key_len, std::size_t kbpk_len) {
  if (key_len == 0 || key_len > kMaxKeyBytes) return fail(Tr31Error::kBadKeyLength);
  switch (h.algorithm) {
    case 'D':
      if (key_len != 8) return fail(Tr31Error::kBadKeyLength);
      break;
    case 'T':
      if (key_len != 16 && key_len != 24) return fail(Tr31Error::kBadKeyLength);
      if (h.version == Tr31Version::kB && key_len > kbpk_len) return fail(Tr31Error::kBadKeyLength);
      break;
    case 'A':
      if (key_len != 16 && key_len != 24 && key_len != 32) return fail(Tr31Error::kBadKeyLength);
      if (h.version == Tr31Version::kD && key_len > kbpk_len) return fail(Tr31Error::kBadKeyLength);
      break;
    default:  // HMAC, RSA, ECC, DSA keys: any non-empty length the field can express
      break;
  }
  return {};
}


int upper_nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Upper case only (TR-31:2018 §4.1): with two spellings per byte a block could be altered without
// changing what the MAC covers.
std::optional<Bytes> decode_upper_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  Bytes out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = upper_nibble(text[2 * i]);
    const int lo = upper_nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

// Moves a primitive's output into a SecretBytes and wipes the plain vector it came in.
SecretBytes into_secret(Bytes& bytes) {
  SecretBytes s(ByteView(bytes.data(), bytes.size()));
  crypto::secure_wipe(std::span<std::uint8_t>(bytes.data(), bytes.size()));
  return s;
}

// One derived key: as many CMAC blocks as needed, truncated to the KBPK size.
Result<SecretBytes, Tr31Error> derive_key(Cipher c, ByteView kbpk, std::uint8_t usage,
                                          std::uint16_t algorithm) {
  const std::size_t out_len = kbpk.size();
  const auto bits = static_cast<std::uint16_t>(out_len * 8);
  SecretBytes out(out_len);
  std::size_t produced = 0;
  for (std::uint8_t counter = 1; produced < out_len; ++counter) {
    // counter || key usage (0000 KBEK, 0001 KBAK) || separator 00 || algorithm || length in bits
    const std::array<std::uint8_t, 8> data = {counter,
                                              0x00,
                                              usage,
                                              0x00,
                                              static_cast<std::uint8_t>(algorithm >> 8),
                                              static_cast<std::uint8_t>(algorithm & 0xFF),
                                              static_cast<std::uint8_t>(bits >> 8),
                                              static_cast<std::uint8_t>(bits & 0xFF)};
    auto block = crypto::cmac(c, kbpk, data);
    if (!block) return fail(Tr31Error::kCryptoFailure);
    const std::size_t n = std::min(block->size(), out_len - produced);
    std::copy_n(block->begin(), n, out.mutable_view().begin() + static_cast<std::ptrdiff_t>(produced));
    crypto::secure_wipe(std::span<std::uint8_t>(block->data(), block->size()));
    produced += n;
  }
  return out;
}

// CMAC over header text || clear key data, in a buffer that is wiped afterwards because it holds
// the key.
Result<Bytes, Tr31Error> key_block_mac(Tr31Version v, ByteView kbak, std::string_view header_text,
                                       ByteView key_data) {
  SecretBytes input(header_text.size() + key_data.size());
  auto dst = input.mutable_view();
  std::copy(header_text.begin(), header_text.end(), dst.begin());
  std::copy(key_data.begin(), key_data.end(), dst.begin() + static_cast<std::ptrdiff_t>(header_text.size()));
  auto mac = crypto::cmac(cipher_of(v), kbak, input.view());
  if (!mac || mac->size() != mac_length(v)) return fail(Tr31Error::kCryptoFailure);
  return std::move(mac.value());
}

}  // namespace

Result<BindingKeys, Tr31Error> derive_binding_keys(Tr31Version version, ByteView kbpk) {
  if (!kbpk_length_ok(version, kbpk.size())) return fail(Tr31Error::kWrongKbpkLength);
  std::uint16_t algorithm = 0;
  if (version == Tr31Version::kB) {
    algorithm = kbpk.size() == 16 ? 0x0000 : 0x0001;  // 2-key / 3-key TDEA
  } else {
    algorithm = kbpk.size() == 16 ? 0x0002 : kbpk.size() == 24 ? 0x0003 : 0x0004;  // AES-128/192/256
  }
  auto kbek = derive_key(cipher_of(version), kbpk, 0x00, algorithm);
  if (!kbek) return fail(kbek.error());
  auto kbak = derive_key(cipher_of(version), kbpk, 0x01, algorithm);
  if (!kbak) return fail(kbak.error());
  return BindingKeys{std::move(kbek.value()), std::move(kbak.value())};
}

std::size_t block_length(const Tr31Header& header, std::size_t shown_key_length) {
  const Tr31Version v = header.version;
  return header_length(header) + 2 * key_data_length(v, shown_key_length) + 2 * mac_length(v);
}

Result<std::string, Tr31Error> wrap(ByteView kbpk, const Tr31Header& header_in, ByteView key,
                                    crypto::RandomSource& rng, const WrapOptions& options) {
  const Tr31Header header = add_padding_block(header_in);
  if (auto r = validate_header(header); !r) return fail(r.error());
  const Tr31Version v = header.version;
  if (!kbpk_length_ok(v, kbpk.size())) return fail(Tr31Error::kWrongKbpkLength);
  if (auto r = check_key_length(header, key.size(), kbpk.size()); !r) return fail(r.error());
  if (options.masked_key_length != 0 && options.masked_key_length < key.size()) {
    return fail(Tr31Error::kBadKeyLength);
  }
  const std::size_t shown_len = std::max(key.size(), options.masked_key_length);
  if (shown_len > kMaxKeyBytes) return fail(Tr31Error::kBadKeyLength);

  const std::size_t data_len = key_data_length(v, shown_len);
  const std::size_t block_len = block_length(header, shown_len);
  auto header_text = serialise_header(header, block_len);
  if (!header_text) return fail(header_text.error());

  SecretBytes key_data(data_len);
  auto kd = key_data.mutable_view();
  const std::size_t bits = key.size() * 8;
  kd[0] = static_cast<std::uint8_t>(bits >> 8);
  kd[1] = static_cast<std::uint8_t>(bits & 0xFF);
  std::copy(key.begin(), key.end(), kd.begin() + kLengthFieldBytes);
  rng.fill(kd.subspan(kLengthFieldBytes + key.size()));

  auto keys = derive_binding_keys(v, kbpk);
  if (!keys) return fail(keys.error());
  auto mac = key_block_mac(v, keys->kbak.view(), *header_text, key_data.view());
  if (!mac) return fail(mac.error());
  auto encrypted = crypto::cbc_encrypt(cipher_of(v), keys->kbek.view(), *mac, key_data.view());
  if (!encrypted) return fail(Tr31Error::kCryptoFailure);
  return *header_text + to_upper_hex(*encrypted) + to_upper_hex(*mac);
}

Result<Unwrapped, Tr31Error> unwrap(ByteView kbpk, std::string_view block) {
  auto parsed = parse_header(block);
  if (!parsed) return fail(parsed.error());
  const Tr31Header& header = parsed->header;
  const Tr31Version v = header.version;
  if (!kbpk_length_ok(v, kbpk.size())) return fail(Tr31Error::kWrongKbpkLength);

  // Body = HEX(encrypted key data) || HEX(MAC); the key data is one or more whole cipher blocks
  // and must at least hold the length field.
  const std::string_view header_text = block.substr(0, parsed->header_length);
  const std::string_view body = block.substr(parsed->header_length);
  const std::size_t mac_hex = 2 * mac_length(v);
  const std::size_t bs = cipher_block_size(v);
  if (body.size() < mac_hex) return fail(Tr31Error::kBadLength);
  const std::string_view data_hex = body.substr(0, body.size() - mac_hex);
  if (data_hex.empty() || data_hex.size() % (2 * bs) != 0) return fail(Tr31Error::kBadLength);
  auto encrypted = decode_upper_hex(data_hex);
  auto mac = decode_upper_hex(body.substr(data_hex.size()));
  if (!encrypted || !mac) return fail(Tr31Error::kBadEncoding);

  auto keys = derive_binding_keys(v, kbpk);
  if (!keys) return fail(keys.error());
  // The received MAC is the IV (TR-31:2018 §5.3.3): decrypt first, then authenticate the clear
  // key data together with the header, and only then read anything out of it.
  auto decrypted = crypto::cbc_decrypt(cipher_of(v), keys->kbek.view(), *mac, *encrypted);
  if (!decrypted) return fail(Tr31Error::kCryptoFailure);
  const SecretBytes key_data = into_secret(decrypted.value());
  auto expected_mac = key_block_mac(v, keys->kbak.view(), header_text, key_data.view());
  if (!expected_mac) return fail(expected_mac.error());
  if (!crypto::ct_equal(*expected_mac, *mac)) return fail(Tr31Error::kMacMismatch);

  const ByteView kd = key_data.view();
  const std::size_t bits = (static_cast<std::size_t>(kd[0]) << 8) | kd[1];
  if (bits % 8 != 0) return fail(Tr31Error::kBadKeyLength);
  const std::size_t key_len = bits / 8;
  if (key_len > kd.size() - kLengthFieldBytes) return fail(Tr31Error::kBadKeyLength);
  if (auto r = check_key_length(header, key_len, kbpk.size()); !r) return fail(r.error());
  return Unwrapped{header, SecretBytes(kd.subspan(kLengthFieldBytes, key_len))};
}

Result<void, Tr31Error> check_header(const Tr31Header& header, const Expectation& expected) {
  if (expected.version && header.version != *expected.version) return fail(Tr31Error::kUnexpectedVersion);
  if (expected.key_usage && header.key_usage != *expected.key_usage) {
    return fail(Tr31Error::kUnexpectedKeyUsage);
  }
  if (expected.algorithm && header.algorithm != *expected.algorithm) {
    return fail(Tr31Error::kUnexpectedAlgorithm);
  }
  if (!expected.modes_of_use.empty() &&
      expected.modes_of_use.find(header.mode_of_use) == std::string::npos) {
    return fail(Tr31Error::kUnexpectedModeOfUse);
  }
  if (!expected.exportability.empty() &&
      expected.exportability.find(header.exportability) == std::string::npos) {
    return fail(Tr31Error::kUnexpectedExportability);
  }
  return {};
}

Result<Unwrapped, Tr31Error> unwrap_expecting(ByteView kbpk, std::string_view block,
                                              const Expectation& expected) {
  auto u = unwrap(kbpk, block);
  if (!u) return u;
  if (auto r = check_header(u->header, expected); !r) return fail(r.error());  // u's key is wiped
  return u;
}

}  // namespace tmsproto::keyblock
