// Where `conformance run` finds the reference terminal's shim (spec/conformance.md C.11).
#pragma once

#include <filesystem>

namespace tmsproto::conformance {

// REQ-CONF-051: the shim installed beside `exe` (exe's folder, then `from_bindir`, the install's
// path from its bindir to the shim, e.g. ../libexec/tmsproto/reference-shim) when it is there, else
// `build_tree`, the shim of the source tree the program was built from.
std::filesystem::path reference_shim(const std::filesystem::path& exe, const std::filesystem::path& from_bindir,
                                     const std::filesystem::path& build_tree);

// The same for this program: /proc/self/exe and the paths the build compiled in.
std::filesystem::path reference_shim();

}  // namespace tmsproto::conformance
