#include "conformance/runner/shim_path.h"

#include <system_error>

#include "app/child.h"

namespace tmsproto::conformance {

std::filesystem::path reference_shim(const std::filesystem::path& exe, const std::filesystem::path& from_bindir,
                                     const std::filesystem::path& build_tree) {
  // REQ-CONF-051: an installed or unpacked tree finds its own shim first, wherever it was put; the
  // build tree's is the fallback for the program run where it was built.
  if (!exe.empty()) {
    const std::filesystem::path installed = (exe.parent_path() / from_bindir).lexically_normal();
    std::error_code ec;
    if (std::filesystem::is_regular_file(installed, ec)) return installed;
  }
  return build_tree;
}

std::filesystem::path reference_shim() {
  return reference_shim(app::self_exe(), TMSPROTO_SHIM_FROM_BINDIR, TMSPROTO_REFERENCE_SHIM);
}

}  // namespace tmsproto::conformance
