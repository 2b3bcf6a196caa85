// Test support for the state directory: a temporary folder, an estate's terminal injected into it,
// and one session of the real terminal engine on the directory against the estate's in-memory TMS.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "config/terminal_injection.h"
#include "device/state_directory.h"
#include "sim/estate.h"
#include "sim/loopback.h"
#include "terminal/session.h"
#include "tms/session.h"

namespace tmsproto::device::testing {

// A fresh folder under the system's temporary directory, removed with its content at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tmsproto-device-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline config::TerminalInjection injection_of(const sim::Estate& e) {
  config::TerminalInjection i{config::clone(e.terminal_config), "SIM-POS-R1", "SIMOS-1.0", std::nullopt};
  if (e.options.master_app) i.master = config::FactoryMaster{sim::kMasterApplication, 1};
  return i;
}

// The estate's terminal injected into `dir` and opened; fails the test when either fails.
inline std::unique_ptr<StateDirectory> injected(const sim::Estate& e, const std::filesystem::path& dir,
                                                StepObserver observer = {}) {
  if (!inject(dir, injection_of(e)).ok()) return nullptr;
  auto d = StateDirectory::open(dir, std::move(observer));
  return d.ok() ? std::move(d).value() : nullptr;
}

struct DeviceRun {
  terminal::State state = terminal::State::T_IDLE;
  std::optional<terminal::Failure> failure;
  std::size_t packages_applied = 0;
  bool keys_installed = false;
};


// One session: the real terminal engine with the state directory as its device, the estate's TMS.
inline DeviceRun run_device_session(sim::Estate& e, StateDirectory& d) {
  const sim::RunResult r = sim::run_session(e, d.config(), d.ports(e.clock, e.terminal_rng));
  return DeviceRun{r.terminal_state, r.terminal_failure, r.packages_applied, r.keys_installed};
}

// Files under `dir` whose name starts with `prefix`, at any depth.
inline std::size_t count_files(const std::filesystem::path& dir, const std::string& prefix) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) == 0 && !name.ends_with(kTempSuffix)) ++n;
  }
  return n;
}

inline unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace tmsproto::device::testing
