// Durable files on POSIX (spec/16-reference-terminal.md section 16.3): the one way the reference
// terminal's state directory changes a file, so that a kill or a power loss at any instant leaves
// the old file or the new one, never a mix (REQ-DEV-005).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace tmsproto::device {

// Called with a named point ("piece:rename", "apply:fsync-dir", ...) before each durable step
// (REQ-DEV-012). Empty in production; a test kills the process from it.
using StepObserver = std::function<void(std::string_view point)>;

// What went wrong, as one line (the path and the system's reason).
using IoError = std::string;

class DurableIo {
 public:
  explicit DurableIo(StepObserver observer = {}) : observer_(std::move(observer)) {}

  // REQ-DEV-005: `path`.tmp written, fsynced, renamed over `path`, the folder fsynced. On any
  // failure the temporary file is removed and `path` is as it was. `mode` applies to the new file.
  Result<void, IoError> replace(const std::filesystem::path& path, ByteView content, std::string_view what,
                                unsigned mode = 0600);
  // Removes `path` (absent is fine) and fsyncs its directory.
  Result<void, IoError> remove(const std::filesystem::path& path, std::string_view what);
  // Removes a folder and what it holds, then fsyncs the folder it was in.
  Result<void, IoError> remove_all(const std::filesystem::path& dir, std::string_view what);
  // Creates a folder (mode 0700) if absent, fsyncing its parent.
  Result<void, IoError> make_dir(const std::filesystem::path& dir, std::string_view what);

  void step(std::string_view what, std::string_view point) const;

 private:
  StepObserver observer_;
};

// The whole file, at most `limit` octets; an error if absent, unreadable or larger.
Result<Bytes, IoError> read_file(const std::filesystem::path& path, std::size_t limit);

// The suffix of the temporary files replace() writes; open removes those a kill left (REQ-DEV-005).
inline constexpr std::string_view kTempSuffix = ".tmp";

}  // namespace tmsproto::device
