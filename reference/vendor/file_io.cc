#include "vendor/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tmsproto::vendor {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

bool pread_all(int fd, std::uint8_t* out, std::size_t n, std::uint64_t offset) {
  while (n > 0) {
    const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

}  // namespace

std::optional<Bytes> read_file_bounded(const std::filesystem::path& file, std::size_t max_size) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  if (static_cast<std::uint64_t>(st.st_size) > max_size) return std::nullopt;
  Bytes out(static_cast<std::size_t>(st.st_size));
  if (!pread_all(fd.get(), out.data(), out.size(), 0)) return std::nullopt;
  return out;
}

std::optional<Bytes> read_file_range(const std::filesystem::path& file, std::uint64_t offset, std::uint64_t length,
                                     bool& past_end) {
  past_end = false;
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (offset >= size) {
    past_end = true;
    return std::nullopt;
  }
  Bytes out(static_cast<std::size_t>(std::min(length, size - offset)));
  if (!pread_all(fd.get(), out.data(), out.size(), offset)) return std::nullopt;
  return out;
}

std::optional<std::string> write_new_file_synced(const std::filesystem::path& file, ByteView data) {
  Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (fd.get() < 0) return file.string() + ": " + std::strerror(errno);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return file.string() + ": " + std::strerror(n < 0 ? errno : ENOSPC);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return file.string() + ": " + std::strerror(errno);
  return std::nullopt;
}

std::optional<std::string> sync_directory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return dir.string() + ": " + std::strerror(errno);
  return std::nullopt;
}

}  // namespace tmsproto::vendor
