// What the terminal engine needs from its device, passed in (sans-I/O, REQ-TERM-003): its
// configuration, the secure unit that installs keys, and the package store.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/header.h"
#include "codec/terminal_info.h"
#include "common/result.h"
#include "crypto/digest.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"
#include "terminal/faults.h"

namespace tmsproto::terminal {

// REQ-DL-060: a signer pinned at installation (an acquirer, say), for FORMAT 0x02 manifests.
struct PinnedSigner {
  Bytes public_key;                       // ECDSA P-256, 65 octets (REQ-CRYPTO-013)
  std::vector<codec::PackageKind> kinds;  // the KINDs it may sign (REQ-DL-061), e.g. an acquirer: P only
};

struct Config {
  codec::Identity id;
  Profile profile = Profile::kAes128;   // the algorithm of the DMK (REQ-HS-011)
  crypto::SecretBytes dmk;              // REQ-KEY-002, REQ-KEY-004: never sent, never leaves the engine
  bool legacy_enabled = false;          // REQ-CRYPTO-020
  Bytes vendor_public_key;              // ECDSA P-256, 65 octets: FORMAT 0x01, every KIND (REQ-DL-061)
  std::map<std::string, PinnedSigner> signers;  // SIGNER_ID -> pinned signer, FORMAT 0x02 (REQ-DL-060)
  std::map<std::uint8_t, profile::SlotRule> slots;  // REQ-KEY-025
  std::uint16_t max_chunk = 4096;       // announced in PKG_ANNOUNCE
  // REQ-CONF-043: empty unless the command line names faults; the injection file has no member for
  // them, so no terminal's configuration can switch one on.
  Faults faults;
};

struct StartCommand {
  TransCode trans = TransCode::kProgramDownload;
  std::string key_set_id;     // TRANS_CODE 01
  std::string operator_id;    // empty: unattended
  crypto::SecretBytes operator_password;
};

struct DeliveredKey {
  std::uint8_t slot = 0;
  char algorithm = 'T';  // TR-31 algorithm of the slot (REQ-KEY-025): the secure unit's KCV needs it
  crypto::SecretBytes key;
};

// The secure unit. install() stores all keys or none (REQ-KEY-022), and a key installed again into
// the same slot replaces the old one, so a repeated key download reconciles the two sides
// (REQ-KEY-026).
class KeyStore {
 public:
  virtual ~KeyStore() = default;
  virtual Result<void, ResponseCode> install(const std::vector<DeliveredKey>& keys) = 0;
  // REQ-DL-041: every slot 0x01-0xFE holding a key, with that key's KCV (REQ-CRYPTO-009),
  // computed inside the secure unit; the keys themselves never leave it.
  virtual std::vector<codec::HeldKey> held() = 0;
};

// What the device says of itself in TERM_INFO (REQ-DL-041), beyond its packages and keys.
struct DeviceReport {
  std::string hardware_id;  // HARDWARE_ID
  std::string firmware_id;  // FIRMWARE_ID
  codec::Bearer bearer = codec::Bearer::kEthernet;  // the link of this session
  bool tamper = false;      // a tamper event recorded since installation
  std::vector<std::string> faults;
  std::vector<codec::InfoItem> vendor_items;  // tags 0x8000-0xFFFE
};
class Device {
 public:
  virtual ~Device() = default;
  virtual DeviceReport report() = 0;
};

// Staged pieces are keyed by SHA-256 of the MANIFEST (REQ-DL-020).
using ManifestId = crypto::Sha256Digest;

// Installed versions and staging, persisted by the device (REQ-TERM-004).
class PackageStore {
 public:
  virtual ~PackageStore() = default;
  virtual std::vector<codec::InstalledPackage> installed() = 0;
  virtual std::uint32_t installed_version(codec::PackageKind kind, const std::string& name) = 0;
  // Drops staging of every other manifest of the same (KIND, NAME) (REQ-DL-020).
  virtual void keep_only(const codec::Manifest& m, const ManifestId& id) = 0;
  virtual std::optional<Bytes> staged_fit(const ManifestId& id) = 0;
  virtual void stage_fit(const ManifestId& id, ByteView fit) = 0;
  virtual bool has_piece(const ManifestId& id, std::uint32_t index) = 0;
  virtual void stage_piece(const ManifestId& id, std::uint32_t index, ByteView data) = 0;
  virtual std::optional<Bytes> read_piece(const ManifestId& id, std::uint32_t index) = 0;
  virtual void discard(const ManifestId& id) = 0;
  // Atomically replaces the installed package by the staged one and records its VERSION
  // (REQ-DL-030, REQ-DL-031); on failure the old version stays (REQ-SEC-009).
  virtual Result<void, ResponseCode> apply(const codec::Manifest& m, const ManifestId& id) = 0;
  // REQ-DL-041: the last attempted apply of each (KIND, NAME), as apply() recorded it.
  virtual std::vector<codec::LastApply> last_apply() = 0;
  // REQ-DL-041: an apply that REQ-DL-030's check of PKG_DIGEST refused before apply() (RESULT 18),
  // recorded as the last attempt of its (KIND, NAME); the installed version stays.
  virtual void record_refused_apply(const codec::Manifest& m) = 0;
  // REQ-DL-050 to REQ-DL-053: the master application's two slots, when a KIND M package is
  // installed; apply() of a KIND M package writes the slot that is not running and marks it.
  virtual std::optional<codec::MasterApp> master_app() = 0;
};

}  // namespace tmsproto::terminal
