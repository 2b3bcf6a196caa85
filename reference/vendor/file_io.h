// The few file operations the directory database and publishing need, each a bounded read or a
// durable write (write, fsync, and fsync of the folder that names it), none throwing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/bytes.h"

namespace tmsproto::vendor {

// The whole file when it has at most `max_size` octets; nullopt when it cannot be read or is longer.
std::optional<Bytes> read_file_bounded(const std::filesystem::path& file, std::size_t max_size);

// Octets [offset, offset + length) of `file`, fewer when the file ends before (as many as it has);
// nullopt when it cannot be opened or read, or `offset` is not before its end (`past_end` then true).
std::optional<Bytes> read_file_range(const std::filesystem::path& file, std::uint64_t offset, std::uint64_t length,
                                     bool& past_end);

// Creates `file` (which must not exist) holding `data`, synced to disk. An error line otherwise.
std::optional<std::string> write_new_file_synced(const std::filesystem::path& file, ByteView data);

// fsync of a folder, so that a name created or renamed in it survives a crash.
std::optional<std::string> sync_directory(const std::filesystem::path& dir);

}  // namespace tmsproto::vendor
