// Test-only: a SQLite VFS that forwards every call to the default VFS and counts the xSync calls
// SQLite makes (the fsyncs it asks for), so that a test sees whether a write was committed synced
// (REQ-STORE-008) or relaxed (REQ-STORE-015). It counts SQLite's requests, on any OS, rather than
// the system calls an OS happens to make for them.
#pragma once

#include <sqlite3.h>

#include <atomic>

namespace tmsproto::store {

class SyncCounter {
 public:
  // Registers the counting VFS as SQLite's default for the lifetime of this object: every store
  // opened meanwhile uses it. One at a time.
  SyncCounter() {
    real_ = sqlite3_vfs_find(nullptr);
    vfs_ = *real_;
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.zName = "tmsproto-sync-counter";
    vfs_.pAppData = this;
    vfs_.xOpen = &open;
    methods_ = {};
    instance() = this;
    sqlite3_vfs_register(&vfs_, 1);
  }
  ~SyncCounter() {
    sqlite3_vfs_unregister(&vfs_);
    sqlite3_vfs_register(real_, 1);
    instance() = nullptr;
  }
  SyncCounter(const SyncCounter&) = delete;
  SyncCounter& operator=(const SyncCounter&) = delete;

  long syncs() const { return syncs_.load(); }

 private:
  struct File {
    sqlite3_file base;
    sqlite3_file* real;  // points just past this struct, where the default VFS keeps its file
  };
  static SyncCounter*& instance() {
    static SyncCounter* p = nullptr;
    return p;
  }
  static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    auto* self = static_cast<SyncCounter*>(vfs->pAppData);
    auto* file = reinterpret_cast<File*>(f);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    const int rc = self->real_->xOpen(self->real_, name, file->real, flags, out_flags);
    if (rc != SQLITE_OK || file->real->pMethods == nullptr) {
      file->base.pMethods = nullptr;
      return rc;
    }
    self->methods_ = *file->real->pMethods;  // the same for every file of the default VFS
    self->methods_.xClose = [](sqlite3_file* x) {
      const int r = real(x)->pMethods->xClose(real(x));
      x->pMethods = nullptr;
      return r;
    };
    self->methods_.xRead = [](sqlite3_file* x, void* b, int n, sqlite3_int64 o) {
      return real(x)->pMethods->xRead(real(x), b, n, o);
    };
    self->methods_.xWrite = [](sqlite3_file* x, const void* b, int n, sqlite3_int64 o) {
      return real(x)->pMethods->xWrite(real(x), b, n, o);
    };
    self->methods_.xTruncate = [](sqlite3_file* x, sqlite3_int64 n) {
      return real(x)->pMethods->xTruncate(real(x), n);
    };
    self->methods_.xSync = [](sqlite3_file* x, int sync_flags) {
      ++instance()->syncs_;
      return real(x)->pMethods->xSync(real(x), sync_flags);
    };
    self->methods_.xFileSize = [](sqlite3_file* x, sqlite3_int64* n) {
      return real(x)->pMethods->xFileSize(real(x), n);
    };
    self->methods_.xLock = [](sqlite3_file* x, int l) { return real(x)->pMethods->xLock(real(x), l); };
    self->methods_.xUnlock = [](sqlite3_file* x, int l) { return real(x)->pMethods->xUnlock(real(x), l); };
    self->methods_.xCheckReservedLock = [](sqlite3_file* x, int* r) {
      return real(x)->pMethods->xCheckReservedLock(real(x), r);
    };
    self->methods_.xFileControl = [](sqlite3_file* x, int op, void* a) {
      return real(x)->pMethods->xFileControl(real(x), op, a);
    };
    self->methods_.xSectorSize = [](sqlite3_file* x) { return real(x)->pMethods->xSectorSize(real(x)); };
    self->methods_.xDeviceCharacteristics = [](sqlite3_file* x) {
      return real(x)->pMethods->xDeviceCharacteristics(real(x));
    };
    // Version 2 and 3: shared memory (WAL's index) and memory mapping, forwarded as they are.
    self->methods_.xShmMap = [](sqlite3_file* x, int p, int s, int e, void volatile** m) {
      return real(x)->pMethods->xShmMap(real(x), p, s, e, m);
    };
    self->methods_.xShmLock = [](sqlite3_file* x, int o, int n, int lock_flags) {
      return real(x)->pMethods->xShmLock(real(x), o, n, lock_flags);
    };
    self->methods_.xShmBarrier = [](sqlite3_file* x) { real(x)->pMethods->xShmBarrier(real(x)); };
    self->methods_.xShmUnmap = [](sqlite3_file* x, int d) { return real(x)->pMethods->xShmUnmap(real(x), d); };
    self->methods_.xFetch = [](sqlite3_file* x, sqlite3_int64 o, int n, void** p) {
      return real(x)->pMethods->xFetch(real(x), o, n, p);
    };
    self->methods_.xUnfetch = [](sqlite3_file* x, sqlite3_int64 o, void* p) {
      return real(x)->pMethods->xUnfetch(real(x), o, p);
    };
    self->methods_.iVersion = file->real->pMethods->iVersion < 3 ? file->real->pMethods->iVersion : 3;
    file->base.pMethods = &self->methods_;
    return rc;
  }

  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  sqlite3_io_methods methods_{};
  std::atomic<long> syncs_{0};
};

}  // namespace tmsproto::store
