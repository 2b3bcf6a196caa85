#include "device/durable_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace tmsproto::device {
namespace {

std::string reason(const std::filesystem::path& path, std::string_view doing, int error) {
  return path.string() + ": " + std::string(doing) + ": " + std::strerror(error);
}

// fsync of a folder makes a rename or removal in it durable (POSIX leaves it to the folder).
Result<void, IoError> sync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(reason(dir, "open folder", errno));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return fail(reason(dir, "fsync folder", error));
  return {};
}

std::filesystem::path parent_of(const std::filesystem::path& p) {
  return p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
}

}  // namespace

void DurableIo::step(std::string_view what, std::string_view point) const {
  if (!observer_) return;  // REQ-DEV-012: none in production
  std::string name(what);
  name += ':';
  name += point;
  observer_(name);
}

Result<void, IoError> DurableIo::replace(const std::filesystem::path& path, ByteView content, std::string_view what,
                                         unsigned mode) {
  // REQ-DEV-005: the temporary file is in the same folder, so rename() is atomic.
  const std::filesystem::path temp = path.string() + std::string(kTempSuffix);
  step(what, "write");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return fail(reason(temp, "create", errno));
  auto abandon = [&](std::string_view doing, int error) -> Result<void, IoError> {
    ::close(fd);
    ::unlink(temp.c_str());  // no partial state: the half-written copy goes
    return fail(reason(temp, doing, error));
  };
  // The mode is set again: open()'s mode passes through the umask, and a key file must be 0600.
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return abandon("chmod", errno);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return abandon("write", errno);  // ENOSPC, EFBIG (RLIMIT_FSIZE), EROFS, EIO
    }
    done += static_cast<std::size_t>(n);
  }
  step(what, "fsync");
  if (::fsync(fd) != 0) return abandon("fsync", errno);
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return fail(reason(temp, "close", error));
  }
  step(what, "rename");
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return fail(reason(path, "rename", error));
  }
  step(what, "fsync-dir");
  return sync_dir(parent_of(path));
}

Result<void, IoError> DurableIo::remove(const std::filesystem::path& path, std::string_view what) {
  step(what, "unlink");
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return fail(reason(path, "unlink", errno));
  step(what, "fsync-dir");
  return sync_dir(parent_of(path));
}

Result<void, IoError> DurableIo::remove_all(const std::filesystem::path& dir, std::string_view what) {
  step(what, "remove-all");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return fail(dir.string() + ": remove: " + ec.message());
  step(what, "fsync-dir");
  return sync_dir(parent_of(dir));
}

Result<void, IoError> DurableIo::make_dir(const std::filesystem::path& dir, std::string_view what) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};
  step(what, "mkdir");
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return fail(reason(dir, "mkdir", errno));
  step(what, "fsync-dir");
  return sync_dir(parent_of(dir));
}

Result<Bytes, IoError> read_file(const std::filesystem::path& path, std::size_t limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(reason(path, "open", errno));
  Bytes out;
  std::uint8_t buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return fail(reason(path, "read", error));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > limit) {
      ::close(fd);
      return fail(path.string() + ": larger than " + std::to_string(limit) + " octets");
    }
    out.insert(out.end(), buffer, buffer + n);
  }
  ::close(fd);
  return out;
}

}  // namespace tmsproto::device
