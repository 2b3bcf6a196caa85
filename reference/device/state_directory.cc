// Injection and open of the state directory: the files are checked here, once, so that the ports
// answer from memory and write through (REQ-DEV-011).
#include "device/state_directory.h"

#include <system_error>

#include "common/hex.h"
#include "crypto/secret.h"
#include "device/state_record.h"

namespace tmsproto::device {
namespace {

constexpr const char* kInjectionFile = "injection.json";

}  // namespace

Result<void, std::string> inject(const std::filesystem::path& dir, const config::TerminalInjection& injection,
                                 StepObserver observer) {
  DurableIo io(std::move(observer));
  std::error_code ec;
  // REQ-DEV-001, patent [0081]: injected once, never changed online; a second injection would
  // replace the DMK, so it is refused whatever it holds.
  if (std::filesystem::exists(dir / kInjectionFile, ec)) {
    return fail(dir.string() + ": already injected (" + kInjectionFile + " exists); a DMK is injected once");
  }
  // REQ-DEV-001: a fresh directory; state of another terminal (or of a lost injection) is not adopted.
  for (const char* held : {"keys", "applies", "installed", "staging"}) {
    if (std::filesystem::exists(dir / held, ec)) {
      return fail(dir.string() + ": holds " + held + " but no " + kInjectionFile + "; inject into an empty directory");
    }
  }
  if (auto made = io.make_dir(dir, "inject"); !made.ok()) return fail(made.error());
  // The file is read back before anything is written: what the terminal will run with is exactly
  // what the reader accepts (REQ-DEV-002).
  std::string text = config::write_terminal_injection(injection);
  auto checked = config::read_terminal_injection(text);
  if (!checked.ok()) {
    wipe(text);
    return fail("the injection is not valid: " + checked.error());
  }
  if (injection.master) {
    // The factory's master application in slot 1 (REQ-DL-053: other slot never written).
    const std::string line = to_hex(ByteView(reinterpret_cast<const std::uint8_t*>(injection.master->name.data()),
                                             injection.master->name.size())) +
                             " 1 " + std::to_string(injection.master->version) + " 0 0";
    const std::string record = encode_record("master", {line});
    auto w = io.replace(dir / "master", ByteView(reinterpret_cast<const std::uint8_t*>(record.data()), record.size()),
                        "inject-master");
    if (!w.ok()) {
      wipe(text);
      return fail(w.error());
    }
  } else if (auto r = io.remove(dir / "master", "inject-master"); !r.ok()) {
    wipe(text);
    return fail(r.error());  // a master record of an earlier, interrupted injection
  }
  // REQ-DEV-005: the injection file is written last; it is what makes the directory injected, so a
  // kill before it leaves a directory that may be injected again.
  auto w = io.replace(dir / kInjectionFile, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                      "inject", 0600);
  wipe(text);
  if (!w.ok()) return fail(w.error());
  return {};
}

Result<void, std::string> inject_file(const std::filesystem::path& dir, const std::filesystem::path& file,
                                      StepObserver observer) {
  auto text = read_file(file, config::kMaxTerminalInjectionSize);  // REQ-DEV-002: bounded before parsing
  if (!text.ok()) return fail(text.error());
  auto injection = config::read_terminal_injection(
      std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));
  crypto::secure_wipe(*text);  // it held the DMK
  if (!injection.ok()) return fail(file.string() + ": " + injection.error());
  return inject(dir, *injection, std::move(observer));
}

StateDirectory::StateDirectory(std::filesystem::path dir, config::TerminalInjection injection, StepObserver observer)
    : dir_(std::move(dir)), injection_(std::move(injection)), io_(std::move(observer)) {}

Result<std::unique_ptr<StateDirectory>, std::string> StateDirectory::open(const std::filesystem::path& dir,
                                                                          StepObserver observer) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return fail(dir.string() + ": not a directory");
  if (!std::filesystem::exists(dir / kInjectionFile, ec)) {
    return fail(dir.string() + ": not injected (no " + kInjectionFile + "); run the injection first");
  }
  auto text = read_file(dir / kInjectionFile, config::kMaxTerminalInjectionSize);
  if (!text.ok()) return fail(text.error());
  auto injection = config::read_terminal_injection(
      std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));
  crypto::secure_wipe(*text);  // it held the DMK
  if (!injection.ok()) return fail((dir / kInjectionFile).string() + ": " + injection.error());  // REQ-DEV-011

  std::unique_ptr<StateDirectory> d(new StateDirectory(dir, std::move(injection).value(), std::move(observer)));
  d->remove_temporaries(dir);  // REQ-DEV-005: a kill's half-written copies
  // REQ-DEV-011: every record that states what the terminal holds is checked, or open fails.
  if (auto r = d->load_keys(); !r.ok()) return fail(r.error());
  if (auto r = d->load_master(); !r.ok()) return fail(r.error());
  if (auto r = d->load_installed(); !r.ok()) return fail(r.error());
  if (auto r = d->load_applies(); !r.ok()) return fail(r.error());
  d->load_staging();  // REQ-DEV-008: staging is checked too, but what fails is discarded
  return d;
}

void StateDirectory::remove_temporaries(const std::filesystem::path& folder) {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > kTempSuffix.size() && name.ends_with(kTempSuffix)) {
      std::error_code ignored;  // a read-only directory keeps them; they are never read
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

terminal::DeviceReport StateDirectory::report() {
  terminal::DeviceReport r;
  r.hardware_id = injection_.hardware_id;  // REQ-DL-041
  r.firmware_id = injection_.firmware_id;
  r.bearer = bearer_;
  // REQ-DEV-014: what the estate operator needs to know without a site visit.
  if (write_failed_) r.faults.emplace_back(kFaultWriteFailed);
  if (staging_discarded_) r.faults.emplace_back(kFaultStagingDiscarded);
  return r;
}

void StateDirectory::note_error(std::string e) {
  last_error_ = std::move(e);
  write_failed_ = true;  // REQ-DEV-014
}

std::filesystem::path StateDirectory::staging_dir(const terminal::ManifestId& id) const {
  return dir_ / "staging" / to_hex(id);  // REQ-DEV-007: keyed by SHA-256(MANIFEST), REQ-DL-020
}

std::filesystem::path StateDirectory::installed_file(codec::PackageKind kind, const std::string& name) const {
  return dir_ / "installed" /
         (std::string(1, static_cast<char>(kind)) + "-" +
          to_hex(ByteView(reinterpret_cast<const std::uint8_t*>(name.data()), name.size())));
}

std::filesystem::path StateDirectory::master_slot_file(std::uint8_t slot, std::uint32_t version) const {
  return dir_ / ("master-slot-" + std::to_string(slot) + "-v" + std::to_string(version));
}

}  // namespace tmsproto::device
