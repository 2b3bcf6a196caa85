#include "app/args.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tmsproto::app {

int fail(std::string_view command, std::string_view message, int status) {
  std::fprintf(stderr, "tmsproto %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(message.size()), message.data());
  return status;
}

Result<std::string, std::string> read_text(const std::filesystem::path& file, std::size_t limit) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return Unexpected("cannot read " + file.string() + ": " + ec.message());
  if (size > limit) return Unexpected(file.string() + " is larger than " + std::to_string(limit) + " octets");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Unexpected("cannot read " + file.string());
  return text.str();
}

Result<void, std::string> write_text(const std::filesystem::path& file, std::string_view text, unsigned mode) {
  const std::string tmp = file.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Unexpected("cannot write " + file.string());
  std::size_t at = 0;
  while (at < text.size()) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return Unexpected("cannot write " + file.string() + " (disk full?)");
    }
    at += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), file.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Unexpected("cannot write " + file.string());
  }
  return {};
}

std::optional<Profile> parse_profile(std::string_view s) {
  return s == "aes" ? Profile::kAes128 : profile_from_word(s);  // "aes": the default's short name
}

std::optional<HostPort> parse_host_port(std::string_view s) {
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return std::nullopt;
  const std::string_view digits = s.substr(colon + 1);
  if (digits.size() > 5) return std::nullopt;
  unsigned port = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) return std::nullopt;
  return HostPort{std::string(s.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

namespace {

std::optional<codec::Nii> nii_of(std::string_view digits) {
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  unsigned n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  return codec::nii_from_number(n);
}

}  // namespace

std::optional<codec::Tpdu> parse_tpdu_option(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto destination = nii_of(s.substr(0, colon));
  const auto source = nii_of(s.substr(colon + 1));
  if (!destination || !source) return std::nullopt;
  return codec::Tpdu{*destination, *source};
}

Result<std::string, std::string> password_from_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') return Unexpected("the environment variable " + name + " holds no password");
  return std::string(v);
}

std::string describe(ResponseCode code) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%02u", static_cast<unsigned>(code));
  return std::string(digits) + " (" + std::string(name(code)) + ")";
}

}  // namespace tmsproto::app
