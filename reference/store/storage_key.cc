#include "store/storage_key.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace tmsproto::store {
namespace {

StoreError os_error(const std::filesystem::path& file, const std::string& what) {
  return StoreError{file.string() + ": " + what + ": " + std::strerror(errno)};
}

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

bool write_all(int fd, ByteView data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Writes a fresh key under a private temporary name and links it into place: link() fails if the
// name exists, so of two processes opening a new store at once exactly one key wins, and nobody
// ever reads a half-written key file.
Result<void, StoreError> create(const std::filesystem::path& file, crypto::RandomSource& rng) {
  // mkostemp: a name of this call's own (mode 0600, O_EXCL), so that two stores opening one new
  // database at once in one process, as instances in one test do, never share a temporary file.
  std::string tmp_name = file.string() + ".tmp.XXXXXX";
  crypto::SecretBytes key(kStorageKeyLength);
  rng.fill(key.mutable_view());
  const int tmp_fd = ::mkostemp(tmp_name.data(), O_CLOEXEC);
  const std::filesystem::path tmp = tmp_name;
  {
    Fd fd(tmp_fd);
    if (fd.get() < 0) return fail(os_error(tmp, "cannot create"));
    if (!write_all(fd.get(), key.view()) || ::fsync(fd.get()) != 0) {
      const StoreError e = os_error(tmp, "cannot write");
      ::unlink(tmp.c_str());
      return fail(e);
    }
  }
  const int linked = ::link(tmp.c_str(), file.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    errno = link_errno;
    return fail(os_error(file, "cannot create"));
  }
  Fd dir(::open(file.parent_path().empty() ? "." : file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) (void)::fsync(dir.get());  // the new name survives a crash
  return {};
}

}  // namespace

Result<crypto::SecretBytes, StoreError> load_storage_key(const std::filesystem::path& file, bool may_create,
                                                         crypto::RandomSource& rng) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) {
    if (errno != ENOENT) return fail(os_error(file, "cannot read"));
    // REQ-STORE-003: a database without its key would hold keys nobody can unwrap; a new key
    // would not unwrap them either, so only a new store gets one.
    if (!may_create) {
      return fail(StoreError{file.string() + ": missing, but the database exists and holds keys under it (restore the key file)"});
    }
    auto created = create(file, rng);
    if (!created.ok()) return fail(created.error());
  }
  Fd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return fail(os_error(file, "cannot open"));
  if (::fstat(fd.get(), &st) != 0) return fail(os_error(file, "cannot stat"));
  // REQ-STORE-003: a key others may read is a key others may have.
  if (!S_ISREG(st.st_mode)) return fail(StoreError{file.string() + ": not a regular file"});
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(StoreError{file.string() + ": mode " + mode + " is wider than 0600 (chmod 600 it)"});
  }
  if (st.st_size != static_cast<off_t>(kStorageKeyLength)) {
    return fail(StoreError{file.string() + ": " + std::to_string(st.st_size) + " octets, a storage key has 32"});
  }
  crypto::SecretBytes key(kStorageKeyLength);
  std::size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = ::read(fd.get(), key.mutable_view().data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(os_error(file, "cannot read"));
    got += static_cast<std::size_t>(n);
  }
  return key;
}

}  // namespace tmsproto::store
