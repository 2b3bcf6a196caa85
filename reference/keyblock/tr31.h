// ANSI X9.143 / ASC X9 TR-31 key block wrap and unwrap with the key derivation binding methods
// (REQ-CRYPTO-011): version 'B' (TDEA KBPK, TDES-CMAC, TDES-CBC) and version 'D' (AES KBPK,
// AES-CMAC, AES-CBC).
//
// Construction (TR-31:2018 §5.3.2 and §5.3.3, X9.143-2022 §7):
//   KBEK, KBAK = CMAC-KDF(KBPK)                     (see derive_binding_keys)
//   key data   = key length in bits (2 bytes, big-endian) || key || random padding
//   MAC        = CMAC(KBAK, header text || key data)  (8 bytes for B, 16 for D)
//   block      = header text || HEX(CBC(KBEK, IV = MAC, key data)) || HEX(MAC)
// The MAC is over the clear key data and doubles as the IV, so unwrap has to decrypt before it
// can verify; nothing of the decrypted data is looked at (not even the length field) until the
// MAC has been verified in constant time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "keyblock/tr31_header.h"

namespace tmsproto::keyblock {

struct Unwrapped {
  Tr31Header header;
  crypto::SecretBytes key;
};

struct WrapOptions {
  // X9.143 key length obfuscation: pad the key data as if the key were this many bytes long, so
  // that a 2-key TDES key and a 3-key TDES key give blocks of the same size. 0 (the default) or
  // key.size() means no obfuscation; a value below key.size() is kBadKeyLength.
  std::size_t masked_key_length = 0;
};

// Wraps `key` under `kbpk`. The header's block length is computed; if its optional blocks do not
// end on a cipher block boundary a PB block of '0' characters is appended (add_padding_block).
// The padding bytes of the key data come from `rng`, so a test can make them fixed.
// Errors: the header field that is invalid; kWrongKbpkLength (B: 16 or 24 bytes, D: 16, 24 or
// 32); kBadKeyLength (empty, not a size of the header's algorithm, longer than the KBPK for a key
// of the KBPK's own algorithm, or masked_key_length below the key size); kBadLength (the block
// would exceed 9999 characters).
Result<std::string, Tr31Error> wrap(ByteView kbpk, const Tr31Header& header, ByteView key,
                                    crypto::RandomSource& rng, const WrapOptions& options = {});

// The length in characters of a key block with this header (PB block included) around a key shown
// as `shown_key_length` octets: the unmasked length of a key, or the masked length.
std::size_t block_length(const Tr31Header& header, std::size_t shown_key_length);

// Verifies and opens a key block. Errors, in the order they are checked: the header field that is
// malformed (see parse_header), kWrongKbpkLength, kBadLength (the key data and MAC do not have
// the sizes the version requires), kBadEncoding (not upper-case hex), kMacMismatch, kBadKeyLength
// (the authenticated length field does not fit the algorithm, the KBPK or the decrypted size).
Result<Unwrapped, Tr31Error> unwrap(ByteView kbpk, std::string_view block);

// What the protocol requires of a key block before it uses the key; an empty member accepts
// anything. Checked only on authenticated headers (after unwrap), never on unverified text.
struct Expectation {
  std::optional<Tr31Version> version;
  std::optional<std::string> key_usage;  // exact, e.g. "P0"
  std::optional<char> algorithm;         // exact, e.g. 'A'
  std::string modes_of_use;              // any one of these, e.g. "EB"; empty = any
  std::string exportability;             // any one of these, e.g. "N"; empty = any
};

// Errors: kUnexpectedVersion, kUnexpectedKeyUsage, kUnexpectedAlgorithm, kUnexpectedModeOfUse,
// kUnexpectedExportability, checked in that order.
Result<void, Tr31Error> check_header(const Tr31Header& header, const Expectation& expected);

// unwrap() followed by check_header(); the key is wiped if the header is not the expected one.
Result<Unwrapped, Tr31Error> unwrap_expecting(ByteView kbpk, std::string_view block,
                                              const Expectation& expected);

// The key block encryption and authentication keys (TR-31:2018 §5.3.2.1 for B, §5.3.2.3 for D):
// block i of each is CMAC(KBPK, i || usage || 00 || algorithm || length), with usage 0000 for
// the KBEK and 0001 for the KBAK, algorithm 0000/0001 (2/3-key TDEA) or 0002/0003/0004
// (AES-128/192/256) and length the KBPK size in bits; as many blocks as the KBPK is long,
// truncated to its size. Exposed so that tests can check the standard's intermediate values.
struct BindingKeys {
  crypto::SecretBytes kbek;
  crypto::SecretBytes kbak;
};
Result<BindingKeys, Tr31Error> derive_binding_keys(Tr31Version version, ByteView kbpk);

}  // namespace tmsproto::keyblock
