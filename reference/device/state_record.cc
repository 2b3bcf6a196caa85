#include "device/state_record.h"

#include <span>

#include "common/hex.h"
#include "crypto/digest.h"
#include "crypto/secret.h"

namespace tmsproto::device {
namespace {

constexpr std::string_view kMagic = "tmsproto-state 1 ";
constexpr std::string_view kSum = "sha256 ";

std::vector<std::string> tokens(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= line.size()) {
    const std::size_t end = line.find(' ', start);
    out.emplace_back(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string encode_record(std::string_view type, const std::vector<std::string>& lines) {
  std::string out(kMagic);
  out += type;
  out += '\n';
  for (const std::string& l : lines) out += l + '\n';
  const auto sum = crypto::sha256(ByteView(reinterpret_cast<const std::uint8_t*>(out.data()), out.size()));
  return out + std::string(kSum) + to_hex(sum) + "\n";
}

Result<std::vector<std::vector<std::string>>, std::string> decode_record(std::string_view type, ByteView file) {
  const std::string_view text(reinterpret_cast<const char*>(file.data()), file.size());
  const std::string header = std::string(kMagic) + std::string(type) + "\n";
  if (text.substr(0, header.size()) != header) return fail(std::string("not a record of type ") + std::string(type));
  // REQ-DEV-011: the last line is the checksum of all before it; a truncated file has none.
  if (text.empty() || text.back() != '\n') return fail(std::string("truncated (no final line)"));
  const std::size_t last = text.rfind('\n', text.size() - 2);
  if (last == std::string_view::npos || last + 1 < header.size()) return fail(std::string("truncated (no checksum)"));
  const std::string_view body = text.substr(0, last + 1);
  const std::string_view sum_line = text.substr(last + 1, text.size() - last - 2);
  if (sum_line.substr(0, kSum.size()) != kSum) return fail(std::string("truncated (no checksum)"));
  const auto sum = crypto::sha256(ByteView(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
  if (sum_line.substr(kSum.size()) != to_hex(sum)) return fail(std::string("checksum does not match its content"));
  std::vector<std::vector<std::string>> out;
  std::string_view rest = body.substr(header.size());
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    out.push_back(tokens(rest.substr(0, nl)));
    rest.remove_prefix(nl + 1);
  }
  return out;
}

void wipe(std::string& s) {
  crypto::secure_wipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(s.data()), s.size()));
  s.clear();
}

}  // namespace tmsproto::device
