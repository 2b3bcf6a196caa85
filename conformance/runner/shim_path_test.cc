#include "conformance/runner/shim_path.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tmsproto::conformance {
namespace {

namespace fs = std::filesystem;

struct TempRoot {
  fs::path path = fs::temp_directory_path() / ("tmsproto-shim-path-" + std::to_string(::getpid()));
  TempRoot() { fs::create_directories(path); }
  ~TempRoot() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "#!/bin/sh\n";
}

// REQ-CONF-051: an installed tree, wherever it was unpacked, runs its own shim, not the build tree's.
TEST(ReferenceShimPath, AnInstalledTreeFindsTheShimBesideItsOwnExecutable) {
  TempRoot root;
  const fs::path exe = root.path / "usr/bin/tmsproto";
  touch(exe);
  touch(root.path / "usr/libexec/tmsproto/reference-shim");
  EXPECT_EQ(reference_shim(exe, "../libexec/tmsproto/reference-shim", "/src/conformance/shim/reference-shim"),
            root.path / "usr/libexec/tmsproto/reference-shim");
}

// REQ-CONF-051: where nothing was installed beside the program (the build tree), the build tree's shim.
TEST(ReferenceShimPath, WithoutAnInstalledShimTheBuildTreesIsUsed) {
  TempRoot root;
  const fs::path exe = root.path / "build/tmsproto";
  touch(exe);
  EXPECT_EQ(reference_shim(exe, "../libexec/tmsproto/reference-shim", "/src/conformance/shim/reference-shim"),
            "/src/conformance/shim/reference-shim");
  // A folder where the shim should be is no shim.
  fs::create_directories(root.path / "libexec/tmsproto/reference-shim");
  EXPECT_EQ(reference_shim(exe, "../libexec/tmsproto/reference-shim", "/src/shim"), "/src/shim");
  EXPECT_EQ(reference_shim("", "../libexec/tmsproto/reference-shim", "/src/shim"), "/src/shim");
}

// This program, run from its build tree, uses the shim of the source tree it was built from.
TEST(ReferenceShimPath, TheTestProgramInItsBuildTreeUsesTheSourceTreesShim) {
  EXPECT_EQ(reference_shim(), fs::path(TMSPROTO_REFERENCE_SHIM));
}

}  // namespace
}  // namespace tmsproto::conformance
