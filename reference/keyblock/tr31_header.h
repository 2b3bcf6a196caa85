// ANSI X9.143 / ASC X9 TR-31 key block header: the clear, authenticated text that starts every key
// block (REQ-CRYPTO-011). Pure parsing and serialising; no cryptography here (see tr31.h).
//
// Header layout (all printable ASCII, the offsets are those of TR-31:2018 Table 2 / X9.143 Table 1):
//   0      version ID            1  'B' (TDEA key derivation binding) or 'D' (AES key derivation binding)
//   1-4    key block length      4  decimal digits, the length of the whole block in characters
//   5-6    key usage             2
//   7      algorithm             1
//   8      mode of use           1
//   9-10   key version number    2
//   11     exportability         1
//   12-13  number of opt. blocks 2  decimal digits
//   14     key context           1  X9.143: '0' storage or exchange, '1' storage only, '2' exchange only
//   15     reserved              1  '0'
//   16-    optional blocks: ID (2) || length (2 hex digits, or "0002" || 4 hex digits) || data
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tmsproto::keyblock {

// Every way a key block can be refused; each names the field or check that failed. Values, not
// exceptions: the protocol maps them to its own response codes.
enum class Tr31Error {
  kBadEncoding = 1,         // a character outside the field's alphabet (e.g. lower-case hex, non-ASCII)
  kBadLength,               // key block length field malformed, not the actual length, or body size wrong
  kBadVersion,              // version ID is not 'B' or 'D' ('A' and 'C' are refused on purpose)
  kBadKeyUsage,
  kBadAlgorithm,
  kBadModeOfUse,
  kBadKeyVersion,
  kBadExportability,
  kBadOptionalBlockCount,   // not two decimal digits (or more than 99 blocks to write)
  kBadKeyContext,           // key context / reserved characters
  kBadOptionalBlock,        // optional block ID, length or data malformed, or a duplicate ID
  kBadPadding,              // PB block misplaced, header not a whole number of cipher blocks
  kBadKeyLength,            // key length not valid for the algorithm, the KBPK or the decrypted size
  kWrongKbpkLength,         // KBPK size does not fit the version (B: 16/24, D: 16/24/32 bytes)
  kMacMismatch,             // the key block MAC does not verify: wrong KBPK or a modified block
  kCryptoFailure,           // a primitive refused its input (should not happen: inputs are pre-checked)
  kUnexpectedVersion,       // check_header(): the block is valid but not what the caller requires
  kUnexpectedKeyUsage,
  kUnexpectedAlgorithm,
  kUnexpectedModeOfUse,
  kUnexpectedExportability,
};

// Stable name for logs and test failure messages, e.g. "kBadKeyUsage".
std::string_view to_string(Tr31Error e);
// Writes to_string(e); declared here, next to the enum, so that every translation unit (and every
// GoogleTest printer instantiation) sees the same one.
std::ostream& operator<<(std::ostream& os, Tr31Error e);

enum class Tr31Version : char {
  kB = 'B',  // TDEA key derivation binding method (TR-31:2018 §5.3.2.1)
  kD = 'D',  // AES key derivation binding method (TR-31:2018 §5.3.2.3)
};

struct OptionalBlock {
  std::string id;    // two characters, [0-9A-Z]
  std::string data;  // printable ASCII (0x20-0x7E)
  bool operator==(const OptionalBlock&) const = default;
};

struct Tr31Header {
  Tr31Version version = Tr31Version::kD;
  std::string key_usage = "00";    // two characters, [0-9A-Z], e.g. "P0", "K0", "B0", "M3"
  char algorithm = 'A';            // one of A D E H R S T
  char mode_of_use = 'N';          // one of B C D E G N S T V X Y
  std::string key_version = "00";  // two characters, [0-9A-Za-z]; "00" = not used
  char exportability = 'N';        // one of E N S
  char key_context = '0';          // '0', '1' or '2'
  // In wire order, including a PB padding block if there is one (it must then be last).
  std::vector<OptionalBlock> optional_blocks;

  bool operator==(const Tr31Header&) const = default;
};

// Cipher block size in bytes for a version: the header length and the key data length are
// multiples of it (8 for TDEA, 16 for AES).
std::size_t cipher_block_size(Tr31Version v);

// Length in characters of the serialised header (fixed part plus optional blocks).
std::size_t header_length(const Tr31Header& h);

// If h's header is not a whole number of cipher blocks and has no PB block, returns h with a PB
// block appended whose data is '0' characters (the fill used in the X9.143-2022 §8.2 example);
// otherwise returns h unchanged.
Tr31Header add_padding_block(Tr31Header h);

// Checks every field of h against the same rules the parser applies, so that nothing we write is
// something we would refuse to read.
Result<void, Tr31Error> validate_header(const Tr31Header& h);

// The header text for a key block whose total length is block_length characters.
Result<std::string, Tr31Error> serialise_header(const Tr31Header& h, std::size_t block_length);

struct ParsedHeader {
  Tr31Header header;
  std::size_t header_length = 0;  // characters consumed; the key data and MAC follow
};

// Parses the header at the start of a complete key block. The declared key block length must
// equal block.size() (so trailing bytes are refused); the header must be a whole number of cipher
// blocks for its version. Never reads outside block.
Result<ParsedHeader, Tr31Error> parse_header(std::string_view block);

}  // namespace tmsproto::keyblock
