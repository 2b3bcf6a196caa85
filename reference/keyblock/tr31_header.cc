// TR-31 / X9.143 header codec (REQ-CRYPTO-011). One bounded reader; each field is read with a
// length-checked take() and checked by the same predicate the serialiser uses, so the parser and
// the writer cannot disagree about what a valid header is.
#include "keyblock/tr31_header.h"

#include <optional>
#include <ostream>
#include <set>

namespace tmsproto::keyblock {
namespace {

constexpr std::size_t kFixedHeaderLength = 16;
constexpr std::size_t kMaxBlockLength = 9999;     // four decimal digits
constexpr std::size_t kMaxOptionalBlocks = 99;    // two decimal digits
constexpr std::size_t kShortBlockOverhead = 4;    // ID (2) + length (2)
constexpr std::size_t kLongBlockOverhead = 10;    // ID (2) + "00" + "02" + length (4)
constexpr std::size_t kMaxShortBlockLength = 0xFF;
constexpr std::size_t kMaxLongBlockLength = 0xFFFF;

// A cursor over the input that can only hand out what is there: every read says how much it
// wants and gets nothing if that much is not left.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::optional<std::string_view> take(std::size_t n) {
    if (text_.size() - pos_ < n) return std::nullopt;
    const std::string_view out = text_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  std::size_t position() const { return pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
// Upper-case only: the MAC covers the header text and the binary key data, so accepting two
// spellings of one value would let a block be changed without the MAC noticing.
bool is_upper_hex(char c) { return is_digit(c) || (c >= 'A' && c <= 'F'); }
bool is_printable(char c) { return c >= 0x20 && c <= 0x7E; }

template <class Pred>
bool all_of(std::string_view s, Pred p) {
  for (char c : s) {
    if (!p(c)) return false;
  }
  return true;
}

bool one_of(char c, std::string_view allowed) { return allowed.find(c) != std::string_view::npos; }

// Numbers of a fixed width; the callers have checked the alphabet, so no overflow is possible
// (at most 4 digits).
std::size_t decimal_value(std::string_view s) {
  std::size_t v = 0;
  for (char c : s) v = v * 10 + static_cast<std::size_t>(c - '0');
  return v;
}

std::size_t hex_value(std::string_view s) {
  std::size_t v = 0;
  for (char c : s) v = v * 16 + static_cast<std::size_t>(is_digit(c) ? c - '0' : c - 'A' + 10);
  return v;
}

// Field predicates, shared by parse_header() and validate_header().
bool valid_version(char c) { return c == 'B' || c == 'D'; }
bool valid_key_usage(std::string_view s) {
  return s.size() == 2 && all_of(s, [](char c) { return is_digit(c) || is_upper(c); });
}
// TR-31:2018 Table 4 / X9.143 Table 4.
bool valid_algorithm(char c) { return one_of(c, "ADEHRST"); }
// TR-31:2018 Table 5 / X9.143 Table 5.
bool valid_mode_of_use(char c) { return one_of(c, "BCDEGNSTVXY"); }
// Lower case is allowed here only: 'c' marks a key component ("c1").
bool valid_key_version(std::string_view s) {
  return s.size() == 2 && all_of(s, [](char c) { return is_digit(c) || is_upper(c) || is_lower(c); });
}
bool valid_exportability(char c) { return one_of(c, "ENS"); }
bool valid_key_context(char c) { return one_of(c, "012"); }
bool valid_block_id(std::string_view s) {
  return s.size() == 2 && all_of(s, [](char c) { return is_digit(c) || is_upper(c); });
}
bool valid_block_data(std::string_view s) { return all_of(s, is_printable); }

// Wire length of an optional block: the short form when it fits in two hex digits, else the
// "0002" extended form. One encoding per block keeps parse(serialise(h)) == h exact.
std::size_t encoded_block_length(const OptionalBlock& b) {
  const std::size_t short_len = kShortBlockOverhead + b.data.size();
  return short_len <= kMaxShortBlockLength ? short_len : kLongBlockOverhead + b.data.size();
}

void append_hex(std::string& out, std::size_t value, std::size_t digits) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (std::size_t i = digits; i > 0; --i) out.push_back(kDigits[(value >> (4 * (i - 1))) & 0xF]);
}

void append_decimal(std::string& out, std::size_t value, std::size_t digits) {
  std::string tmp(digits, '0');
  for (std::size_t i = digits; i > 0; --i) {
    tmp[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out += tmp;
}

Result<OptionalBlock, Tr31Error> read_optional_block(Reader& r) {
  const auto id = r.take(2);
  if (!id || !valid_block_id(*id)) return fail(Tr31Error::kBadOptionalBlock);
  const auto len = r.take(2);
  if (!len || !all_of(*len, is_upper_hex)) return fail(Tr31Error::kBadOptionalBlock);
  std::size_t total = hex_value(*len);
  std::size_t overhead = kShortBlockOverhead;
  if (total == 0) {
    // Extended length: "00", then the length of the length in bytes (only "02" is defined and
    // accepted), then four hex digits.
    const auto len_of_len = r.take(2);
    if (!len_of_len || *len_of_len != "02") return fail(Tr31Error::kBadOptionalBlock);
    const auto long_len = r.take(4);
    if (!long_len || !all_of(*long_len, is_upper_hex)) return fail(Tr31Error::kBadOptionalBlock);
    total = hex_value(*long_len);
    overhead = kLongBlockOverhead;
  }
  if (total < overhead) return fail(Tr31Error::kBadOptionalBlock);
  const auto data = r.take(total - overhead);
  if (!data || !valid_block_data(*data)) return fail(Tr31Error::kBadOptionalBlock);
  OptionalBlock block{std::string(*id), std::string(*data)};
  // One spelling per block: the length form must be the one serialise_header writes (an extended
  // form whose data fits the short form is refused), so that parse(serialise(h)) == h exactly.
  if (encoded_block_length(block) != total) return fail(Tr31Error::kBadOptionalBlock);
  return block;
}

// Rules for the list of optional blocks, shared by parser and validator.
Result<void, Tr31Error> check_block_list(const std::vector<OptionalBlock>& blocks) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    // A repeated ID would let two readers act on different values of "the" KS or KP block.
    if (!seen.insert(blocks[i].id).second) return fail(Tr31Error::kBadOptionalBlock);
    // TR-31:2018 §4.2.2: the padding block, when present, is the last optional block.
    if (blocks[i].id == "PB" && i + 1 != blocks.size()) return fail(Tr31Error::kBadPadding);
  }
  return {};
}

}  // namespace

std::string_view to_string(Tr31Error e) {
  switch (e) {
    case Tr31Error::kBadEncoding: return "kBadEncoding";
    case Tr31Error::kBadLength: return "kBadLength";
    case Tr31Error::kBadVersion: return "kBadVersion";
    case Tr31Error::kBadKeyUsage: return "kBadKeyUsage";
    case Tr31Error::kBadAlgorithm: return "kBadAlgorithm";
    case Tr31Error::kBadModeOfUse: return "kBadModeOfUse";
    case Tr31Error::kBadKeyVersion: return "kBadKeyVersion";
    case Tr31Error::kBadExportability: return "kBadExportability";
    case Tr31Error::kBadOptionalBlockCount: return "kBadOptionalBlockCount";
    case Tr31Error::kBadKeyContext: return "kBadKeyContext";
    case Tr31Error::kBadOptionalBlock: return "kBadOptionalBlock";
    case Tr31Error::kBadPadding: return "kBadPadding";
    case Tr31Error::kBadKeyLength: return "kBadKeyLength";
    case Tr31Error::kWrongKbpkLength: return "kWrongKbpkLength";
    case Tr31Error::kMacMismatch: return "kMacMismatch";
    case Tr31Error::kCryptoFailure: return "kCryptoFailure";
    case Tr31Error::kUnexpectedVersion: return "kUnexpectedVersion";
    case Tr31Error::kUnexpectedKeyUsage: return "kUnexpectedKeyUsage";
    case Tr31Error::kUnexpectedAlgorithm: return "kUnexpectedAlgorithm";
    case Tr31Error::kUnexpectedModeOfUse: return "kUnexpectedModeOfUse";
    case Tr31Error::kUnexpectedExportability: return "kUnexpectedExportability";
  }
  return "unknown Tr31Error";
}

std::ostream& operator<<(std::ostream& os, Tr31Error e) { return os << to_string(e); }

std::size_t cipher_block_size(Tr31Version v) { return v == Tr31Version::kB ? 8 : 16; }

std::size_t header_length(const Tr31Header& h) {
  std::size_t n = kFixedHeaderLength;
  for (const auto& b : h.optional_blocks) n += encoded_block_length(b);
  return n;
}

Tr31Header add_padding_block(Tr31Header h) {
  for (const auto& b : h.optional_blocks) {
    if (b.id == "PB") return h;
  }
  const std::size_t bs = cipher_block_size(h.version);
  std::size_t need = (bs - header_length(h) % bs) % bs;
  if (need == 0) return h;
  // The smallest PB block is its ID and length (4 characters); a shortfall below that takes one
  // more cipher block.
  if (need < kShortBlockOverhead) need += bs;
  h.optional_blocks.push_back(OptionalBlock{"PB", std::string(need - kShortBlockOverhead, '0')});
  return h;
}

Result<void, Tr31Error> validate_header(const Tr31Header& h) {
  if (!valid_version(static_cast<char>(h.version))) return fail(Tr31Error::kBadVersion);
  if (!valid_key_usage(h.key_usage)) return fail(Tr31Error::kBadKeyUsage);
  if (!valid_algorithm(h.algorithm)) return fail(Tr31Error::kBadAlgorithm);
  if (!valid_mode_of_use(h.mode_of_use)) return fail(Tr31Error::kBadModeOfUse);
  if (!valid_key_version(h.key_version)) return fail(Tr31Error::kBadKeyVersion);
  if (!valid_exportability(h.exportability)) return fail(Tr31Error::kBadExportability);
  if (h.optional_blocks.size() > kMaxOptionalBlocks) return fail(Tr31Error::kBadOptionalBlockCount);
  if (!valid_key_context(h.key_context)) return fail(Tr31Error::kBadKeyContext);
  for (const auto& b : h.optional_blocks) {
    if (!valid_block_id(b.id) || !valid_block_data(b.data)) return fail(Tr31Error::kBadOptionalBlock);
    if (encoded_block_length(b) > kMaxLongBlockLength) return fail(Tr31Error::kBadOptionalBlock);
  }
  if (auto r = check_block_list(h.optional_blocks); !r) return r;
  if (header_length(h) % cipher_block_size(h.version) != 0) return fail(Tr31Error::kBadPadding);
  return {};
}

Result<std::string, Tr31Error> serialise_header(const Tr31Header& h, std::size_t block_length) {
  if (auto r = validate_header(h); !r) return fail(r.error());
  const std::size_t hlen = header_length(h);
  if (block_length < hlen || block_length > kMaxBlockLength) return fail(Tr31Error::kBadLength);
  std::string out;
  out.reserve(hlen);
  out.push_back(static_cast<char>(h.version));
  append_decimal(out, block_length, 4);
  out += h.key_usage;
  out.push_back(h.algorithm);
  out.push_back(h.mode_of_use);
  out += h.key_version;
  out.push_back(h.exportability);
  append_decimal(out, h.optional_blocks.size(), 2);
  out.push_back(h.key_context);
  out.push_back('0');
  for (const auto& b : h.optional_blocks) {
    out += b.id;
    const std::size_t len = encoded_block_length(b);
    if (len <= kMaxShortBlockLength) {
      append_hex(out, len, 2);
    } else {
      out += "0002";
      append_hex(out, len, 4);
    }
    out += b.data;
  }
  return out;
}

Result<ParsedHeader, Tr31Error> parse_header(std::string_view block) {
  Reader r(block);
  ParsedHeader out;
  Tr31Header& h = out.header;

  const auto version = r.take(1);
  if (!version) return fail(Tr31Error::kBadLength);
  // 'A' and 'C' (key variant binding) are deliberately refused: TR-31:2018 deprecates them and
  // REQ-CRYPTO-011 allows only the key derivation binding methods.
  if (!valid_version((*version)[0])) return fail(Tr31Error::kBadVersion);
  h.version = static_cast<Tr31Version>((*version)[0]);

  const auto length = r.take(4);
  if (!length || !all_of(*length, is_digit)) return fail(Tr31Error::kBadLength);
  if (decimal_value(*length) != block.size()) return fail(Tr31Error::kBadLength);

  const auto usage = r.take(2);
  if (!usage || !valid_key_usage(*usage)) return fail(Tr31Error::kBadKeyUsage);
  h.key_usage = std::string(*usage);

  const auto algorithm = r.take(1);
  if (!algorithm || !valid_algorithm((*algorithm)[0])) return fail(Tr31Error::kBadAlgorithm);
  h.algorithm = (*algorithm)[0];

  const auto mode = r.take(1);
  if (!mode || !valid_mode_of_use((*mode)[0])) return fail(Tr31Error::kBadModeOfUse);
  h.mode_of_use = (*mode)[0];

  const auto key_version = r.take(2);
  if (!key_version || !valid_key_version(*key_version)) return fail(Tr31Error::kBadKeyVersion);
  h.key_version = std::string(*key_version);

  const auto exportability = r.take(1);
  if (!exportability || !valid_exportability((*exportability)[0])) {
    return fail(Tr31Error::kBadExportability);
  }
  h.exportability = (*exportability)[0];

  const auto count = r.take(2);
  if (!count || !all_of(*count, is_digit)) return fail(Tr31Error::kBadOptionalBlockCount);

  const auto context = r.take(2);
  if (!context || !valid_key_context((*context)[0]) || (*context)[1] != '0') {
    return fail(Tr31Error::kBadKeyContext);
  }
  h.key_context = (*context)[0];

  const std::size_t n_blocks = decimal_value(*count);
  for (std::size_t i = 0; i < n_blocks; ++i) {
    auto b = read_optional_block(r);
    if (!b) return fail(b.error());
    h.optional_blocks.push_back(std::move(b.value()));
  }
  if (auto lr = check_block_list(h.optional_blocks); !lr) return fail(lr.error());

  out.header_length = r.position();
  // The encrypted key data starts on a cipher block boundary (TR-31:2018 §4.2.2).
  if (out.header_length % cipher_block_size(h.version) != 0) return fail(Tr31Error::kBadPadding);
  return out;
}

}  // namespace tmsproto::keyblock
