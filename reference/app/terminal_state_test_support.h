// Test-only: what the edge tests read from a reference terminal's state directory beside its
// commands (spec/16-reference-terminal.md).
#pragma once

#include <cstddef>
#include <filesystem>
#include <system_error>

namespace tmsproto::app {

// Pieces a terminal holds verified in its staging area (REQ-DL-030): its recorded progress.
inline std::size_t staged_pieces(const std::filesystem::path& state) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(state / "staging", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().rfind("piece-", 0) == 0) ++n;
  }
  return n;
}

}  // namespace tmsproto::app
