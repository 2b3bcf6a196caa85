// The reference terminal's state directory (spec/16-reference-terminal.md): its secure unit and
// its flash, on disk. One object gives the terminal engine all three device ports and its
// configuration, so that `tmsproto terminal` survives a kill, a power loss or a full disk at any
// instant with each package old or new, its keys all or none, and no verified piece lost.
//
// Layout (section 16.3):
//   injection.json                 the injection file, written once (REQ-DEV-001), mode 0600
//   keys                           delivered keys (REQ-DEV-006), mode 0600: a stand-in for a secure element
//   applies                        the last apply of each (KIND, NAME) (REQ-DEV-009)
//   master                         the master application's two slots (REQ-DEV-010)
//   master-slot-<1|2>-v<VERSION>   a slot's content
//   installed/<KIND>-<NAME hex>    an installed package: header with VERSION, length, SHA-256; content
//   staging/<SHA-256(MANIFEST) hex>/manifest, fit, piece-<N>   (REQ-DEV-007)
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "config/terminal_injection.h"
#include "device/durable_io.h"
#include "terminal/master_slots.h"
#include "terminal/ports.h"
#include "terminal/session.h"

namespace tmsproto::device {

// REQ-DEV-014: the FAULT items of TERM_INFO (1-32 characters ANS, spec/03-messages.md section 3.8).
inline constexpr std::string_view kFaultWriteFailed = "STATE-WRITE-FAILED";
inline constexpr std::string_view kFaultStagingDiscarded = "STAGING-DISCARDED";

// REQ-DEV-001: initialises `dir` (created if absent) from `injection`, once; a directory already
// injected is refused with one line, and nothing in it changes.
Result<void, std::string> inject(const std::filesystem::path& dir, const config::TerminalInjection& injection,
                                 StepObserver observer = {});

// The injection file at `file` (at most 65536 octets, REQ-DEV-002), read and injected into `dir`;
// one line naming the file and the defect otherwise. What `tmsproto terminal` calls at installation.
Result<void, std::string> inject_file(const std::filesystem::path& dir, const std::filesystem::path& file,
                                      StepObserver observer = {});

// Not thread-safe: one terminal session at a time uses it, as one terminal runs one session.
class StateDirectory final : public terminal::KeyStore, public terminal::PackageStore, public terminal::Device {
 public:
  // REQ-DEV-011: the directory, checked; or one line naming the file at fault and its defect.
  static Result<std::unique_ptr<StateDirectory>, std::string> open(const std::filesystem::path& dir,
                                                                  StepObserver observer = {});

  // The configuration the engine runs with (from the injection file).
  const terminal::Config& config() const { return injection_.config; }
  const config::TerminalInjection& injection() const { return injection_; }
  terminal::Ports ports(session::Clock& clock, crypto::RandomSource& rng) {
    return terminal::Ports{clock, rng, *this, *this, *this};
  }
  const std::filesystem::path& path() const { return dir_; }

  // terminal::KeyStore (REQ-DEV-006).
  Result<void, ResponseCode> install(const std::vector<terminal::DeliveredKey>& keys) override;
  std::vector<codec::HeldKey> held() override;

  // terminal::Device: HARDWARE_ID and FIRMWARE_ID from the injection file; the bearer the edge set;
  // the faults of REQ-DEV-014.
  terminal::DeviceReport report() override;
  void set_bearer(codec::Bearer bearer) { bearer_ = bearer; }
  // REQ-CONF-043: the fault switches of `terminal run --fault`; the injection file never sets them.
  void set_faults(terminal::Faults faults) { injection_.config.faults = faults; }

  // terminal::PackageStore (REQ-DEV-007 to REQ-DEV-010).
  std::vector<codec::InstalledPackage> installed() override;
  std::uint32_t installed_version(codec::PackageKind kind, const std::string& name) override;
  void keep_only(const codec::Manifest& m, const terminal::ManifestId& id) override;
  std::optional<Bytes> staged_fit(const terminal::ManifestId& id) override;
  void stage_fit(const terminal::ManifestId& id, ByteView fit) override;
  bool has_piece(const terminal::ManifestId& id, std::uint32_t index) override;
  void stage_piece(const terminal::ManifestId& id, std::uint32_t index, ByteView data) override;
  std::optional<Bytes> read_piece(const terminal::ManifestId& id, std::uint32_t index) override;
  void discard(const terminal::ManifestId& id) override;
  Result<void, ResponseCode> apply(const codec::Manifest& m, const terminal::ManifestId& id) override;
  std::vector<codec::LastApply> last_apply() override;
  void record_refused_apply(const codec::Manifest& m) override;
  std::optional<codec::MasterApp> master_app() override;

  // REQ-DL-051, REQ-DEV-010: the terminal starts; a marked master application slot runs if it
  // comes up, else the device falls back. The outcome is recorded before it is reported.
  Result<void, std::string> start_master(bool comes_up);

  // The installed content of (KIND, NAME): for the edge and for tests; for KIND M the running slot's.
  std::optional<Bytes> installed_content(codec::PackageKind kind, const std::string& name);
  // Pieces staged in memory only because writing them failed (REQ-DEV-013); 0 normally.
  std::size_t volatile_pieces() const;
  // The last write that failed, as one line; empty when none did since open.
  const std::string& last_error() const { return last_error_; }

 private:
  struct Staging {
    std::optional<codec::Manifest> manifest;
    std::optional<Bytes> fit;
    std::set<std::uint32_t> pieces;               // durable, verified when written (REQ-DEV-007)
    std::map<std::uint32_t, Bytes> volatile_pieces;  // REQ-DEV-013
  };
  struct Installed {
    std::uint32_t version = 0;
  };
  struct Master {
    std::string name;
    terminal::MasterSlots slots;
  };

  StateDirectory(std::filesystem::path dir, config::TerminalInjection injection, StepObserver observer);

  // Open, one part each (state_directory.cc, key_file.cc, package_files.cc, staging.cc).
  Result<void, std::string> load_keys();
  Result<void, std::string> load_installed();
  Result<void, std::string> load_applies();
  Result<void, std::string> load_master();
  void load_staging();
  void remove_temporaries(const std::filesystem::path& folder);

  Result<void, std::string> write_keys(const std::map<std::uint8_t, std::pair<char, crypto::SecretBytes>>& keys);
  Result<void, std::string> write_applies(const std::map<std::pair<codec::PackageKind, std::string>, codec::LastApply>& a);
  Result<void, std::string> write_master(const std::optional<Master>& m);
  std::filesystem::path staging_dir(const terminal::ManifestId& id) const;
  std::filesystem::path installed_file(codec::PackageKind kind, const std::string& name) const;
  std::filesystem::path master_slot_file(std::uint8_t slot, std::uint32_t version) const;
  Result<void, ResponseCode> switch_package(const codec::Manifest& m, const Bytes& content);
  Result<void, ResponseCode> switch_master(const codec::Manifest& m, const Bytes& content);
  void note_error(std::string e);

  std::filesystem::path dir_;
  config::TerminalInjection injection_;
  DurableIo io_;
  codec::Bearer bearer_ = codec::Bearer::kEthernet;
  std::map<std::uint8_t, std::pair<char, crypto::SecretBytes>> keys_;  // slot -> (TR-31 algorithm, key)
  std::map<std::pair<codec::PackageKind, std::string>, Installed> installed_;
  std::map<std::pair<codec::PackageKind, std::string>, codec::LastApply> applies_;
  std::optional<Master> master_;
  std::map<terminal::ManifestId, Staging> staging_;
  std::string last_error_;
  bool write_failed_ = false;       // REQ-DEV-014
  bool staging_discarded_ = false;  // REQ-DEV-014
};

}  // namespace tmsproto::device
