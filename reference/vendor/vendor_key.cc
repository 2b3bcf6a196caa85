#include "vendor/vendor_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/hex.h"
#include "crypto/signature.h"

namespace tmsproto::vendor {

namespace {

constexpr std::string_view kFirstLine = "tmsproto-vendor-key 1\n";
constexpr std::string_view kNotice = "# ECDSA P-256 package-signing key of a vendor. Keep it secret: mode 0600.\n";
constexpr std::size_t kMaxKeyFile = 4096;

std::string errno_text() { return std::strerror(errno); }

// Hex of key material is itself key material: wiped when the text is dropped.
struct WipedText {
  std::string text;
  ~WipedText() { crypto::secure_wipe({reinterpret_cast<std::uint8_t*>(text.data()), text.size()}); }
};

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Result<Bytes, std::string> generate_vendor_key(const std::filesystem::path& file, crypto::RandomSource& rng) {
  auto pair = crypto::ecdsa_p256_generate(rng);
  if (!pair.ok()) return fail(std::string("key generation failed"));
  WipedText text;
  text.text.reserve(512);  // no reallocation leaves an unwiped copy behind
  text.text += kFirstLine;
  text.text += kNotice;
  text.text += "private " + to_hex(pair->private_key.view()) + "\n";
  text.text += "public " + to_hex(pair->public_key) + "\n";
  // REQ-VND-003: created 0600 in one step (O_EXCL: never over another key, never through a link
  // someone else left there), written and synced before it is reported made.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail(file.string() + ": cannot create the key file: " + errno_text());
  const bool written = ::fchmod(fd, 0600) == 0 && write_all(fd, text.text) && ::fsync(fd) == 0;
  const std::string why = errno_text();
  ::close(fd);
  if (!written) {
    ::unlink(file.c_str());
    return fail(file.string() + ": cannot write the key file: " + why);
  }
  return std::move(pair->public_key);
}

Result<VendorKey, std::string> read_vendor_key(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return fail(file.string() + ": cannot open the key file: " + errno_text());
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(file.string() + ": not a regular file");
  }
  // REQ-VND-003: a key others could have read is no longer the vendor's alone.
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return fail(file.string() + ": readable or writable by group or others (chmod 600 it, or make a new key)");
  }
  WipedText text;
  text.text.resize(kMaxKeyFile + 1);
  std::size_t got = 0;
  while (got < text.text.size()) {
    const ssize_t n = ::read(fd, text.text.data() + got, text.text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = errno_text();
      ::close(fd);
      return fail(file.string() + ": cannot read the key file: " + why);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got > kMaxKeyFile) return fail(file.string() + ": longer than a key file");
  std::string_view rest(text.text.data(), got);
  auto take_line = [&rest]() -> std::optional<std::string_view> {
    const std::size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return line;
  };
  // REQ-VND-003: the format of 17.2 exactly: the first line, comment lines, "private", "public".
  auto first = take_line();
  if (!first || std::string(*first) + "\n" != kFirstLine) return fail(file.string() + ": not a tmsproto vendor key file (first line)");
  std::optional<std::string_view> line = take_line();
  while (line && line->starts_with("#")) line = take_line();
  if (!line || !line->starts_with("private ")) return fail(file.string() + ": the line 'private <64 hex>' is missing");
  auto priv = from_hex(line->substr(8));
  if (!priv || priv->size() != crypto::kP256PrivateKeySize) return fail(file.string() + ": 'private' is not 64 hex digits");
  VendorKey key{crypto::SecretBytes(*priv), {}};
  crypto::secure_wipe(*priv);
  line = take_line();
  if (!line || !line->starts_with("public ")) return fail(file.string() + ": the line 'public <130 hex>' is missing");
  auto pub = from_hex(line->substr(7));
  if (!pub || pub->size() != crypto::kP256PublicKeySize) return fail(file.string() + ": 'public' is not 130 hex digits");
  if (!rest.empty()) return fail(file.string() + ": text after the 'public' line");
  auto derived = crypto::ecdsa_p256_public_key(key.private_key.view());
  if (!derived.ok()) return fail(file.string() + ": 'private' is not a P-256 private key");
  if (*derived != *pub) return fail(file.string() + ": 'public' is not the public key of 'private'");
  key.public_key = std::move(*pub);
  return key;
}

}  // namespace tmsproto::vendor
