// What the TMS session engine needs from the TMS around it, passed in (REQ-TMS-002,
// REQ-TMS-003): the terminal registry, the replay cache, the vendors' standard interfaces and the
// audit log. These are the only state shared between sessions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/header.h"
#include "common/result.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

namespace tmsproto::tms {

// REQ-KEY-001: one DMK per device, with its algorithm (which fixes the profile, REQ-HS-011).
struct TerminalRecord {
  Profile profile = Profile::kAes128;
  crypto::SecretBytes dmk;
  bool legacy_enabled = false;  // REQ-CRYPTO-020
};

// A key of a key set, delivered into its slot (REQ-KEY-010, REQ-KEY-025).
struct KeySetEntry {
  std::uint8_t slot = 1;
  profile::SlotRule rule;
  crypto::SecretBytes key;
};

class Registry {
 public:
  virtual ~Registry() = default;
  // 04 unknown vendor, 05 unknown model, 06 unknown terminal (REQ-HS-010).
  virtual Result<const TerminalRecord*, ResponseCode> lookup(const codec::Identity& id) = 0;
  // nullptr: the key set is not registered for that terminal (REQ-KEY-013).
  virtual const std::vector<KeySetEntry>* key_set(const codec::Identity& id, const std::string& key_set_id) = 0;
  // The OPV of an operator authorised for that vendor, profile and transaction; nullptr for
  // unknown or unauthorised, which the engine does not tell apart (REQ-OPR-004).
  virtual const crypto::SecretBytes* operator_verifier(const std::string& vendor_id,
                                                       const std::string& operator_id, Profile p,
                                                       TransCode trans) = 0;
  // REQ-OPR-005: whether this terminal may run an unattended program download.
  virtual bool unattended_allowed(const codec::Identity& id) = 0;
  // REQ-KEY-023: the terminal confirmed (SESSION_END 00) that it stored this key set.
  virtual void key_set_delivered(const codec::Identity& id, const std::string& key_set_id) = 0;
};

// REQ-HS-013: remembers (SERIAL_NO, T_RAND); true when already seen.
class ReplayCache {
 public:
  virtual ~ReplayCache() = default;
  virtual bool seen_before(const std::string& serial_no, const std::array<std::uint8_t, 8>& t_rand,
                           std::int64_t now_seconds) = 0;
};

// The standard interface (标准接口) to one vendor's dynamic database (REQ-TMS-020, REQ-TMS-021).
class VendorInterface {
 public:
  virtual ~VendorInterface() = default;
  virtual Result<std::vector<codec::Offer>, ResponseCode> offers(
      const std::string& model_id, const std::string& serial_no,
      const std::vector<codec::InstalledPackage>& installed) = 0;
  virtual Result<Bytes, ResponseCode> piece(const codec::Manifest& m, codec::Section section,
                                            std::uint32_t index) = 0;
};

class VendorDirectory {
 public:
  virtual ~VendorDirectory() = default;
  virtual VendorInterface* find(const std::string& vendor_id) = 0;  // one per vendor database
};

// REQ-TMS-005: one record per session, never key material.
struct AuditRecord {
  codec::Identity id;
  std::optional<TransCode> trans;
  std::optional<Profile> profile;
  std::optional<ResponseCode> outcome;  // nullopt: connection lost
  std::vector<std::string> offered;     // "KIND NAME vVERSION"
  std::optional<ResponseCode> terminal_result;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(const AuditRecord& r) = 0;
};

struct Config {
  std::int64_t freshness_window_s = 300;  // REQ-HS-012
};

}  // namespace tmsproto::tms
