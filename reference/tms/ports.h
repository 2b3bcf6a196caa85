// What the TMS session engine needs from the TMS around it, passed in (REQ-TMS-002,
// REQ-TMS-003): the terminal registry, the key custody, the replay cache, the vendors' standard
// interfaces and the audit log. These are the only state shared between sessions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/header.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"
#include "common/result.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"
#include "session/secure_channel.h"

namespace tmsproto::tms {

// What the registry knows of a terminal: the algorithm of its DMK (which fixes the profile,
// REQ-HS-011) and its policy. The DMK itself stays in the key custody (REQ-KEY-006).
struct TerminalRecord {
  Profile profile = Profile::kAes128;
  bool legacy_enabled = false;  // REQ-CRYPTO-020
};

// A slot of a key set (REQ-KEY-010, REQ-KEY-025); its key stays in the key custody (REQ-KEY-006).
struct KeySetSlot {
  std::uint8_t slot = 1;
  profile::SlotRule rule;
  bool operator==(const KeySetSlot&) const = default;
};

// REQ-OPR-006: consecutive failed operator checks and the end of the lock they earned.
struct OperatorLock {
  std::uint32_t consecutive_failures = 0;
  std::int64_t locked_until_s = 0;  // seconds since 2000-01-01 UTC, the TMS's clock
  bool operator==(const OperatorLock&) const = default;
};

// REQ-OPR-002, REQ-OPR-007: what the TMS sends for an operator ID and checks the proof against.
// Every operator ID has one: an ID not enrolled for the vendor gets its decoy salt, so that the
// salt tells nobody which IDs exist; `opv` is then empty, as it is for an operator not authorised
// for the transaction (REQ-OPR-004).
struct OperatorRecord {
  codec::OperatorSalt salt{};
  std::uint32_t iterations = 0;
  std::optional<crypto::SecretBytes> opv;
  OperatorLock lock;
};

class Registry {
 public:
  virtual ~Registry() = default;
  // 04 unknown vendor, 05 unknown model, 06 unknown terminal (REQ-HS-010).
  virtual Result<const TerminalRecord*, ResponseCode> lookup(const codec::Identity& id) = 0;
  // nullptr: the key set is not registered for that terminal (REQ-KEY-013).
  virtual const std::vector<KeySetSlot>* key_set(const codec::Identity& id, const std::string& key_set_id) = 0;
  // Never fails: see OperatorRecord (REQ-OPR-007).
  virtual OperatorRecord operator_record(const std::string& vendor_id, const std::string& operator_id,
                                         TransCode trans) = 0;
  // REQ-OPR-006, REQ-STORE-021: records the outcome of one operator check made at `now_s` and
  // returns the lock state after it: a pass clears the count and the lock; a failure adds one to
  // the count as the registry holds it now (not as operator_record read it), so that failures made
  // through several TMS instances at once add up, and sets the lock's end by after_failure
  // (tms/operator_lock.h). An operator ID not enrolled has no state: nothing is recorded.
  virtual OperatorLock operator_checked(const std::string& vendor_id, const std::string& operator_id, bool passed,
                                        std::int64_t now_s) = 0;
  // REQ-SRV-011: the terminal's session lease, one per terminal across every TMS instance on this
  // registry. take_lease takes it until `expires_s` when no other session holds an unexpired one,
  // and answers a token (never 0) for release_lease; 24 when another session holds it; 96 when the
  // registry cannot tell (it fails closed). release_lease ends the lease of that token, and no
  // later one.
  virtual Result<std::uint64_t, ResponseCode> take_lease(const codec::Identity& id, std::int64_t now_s,
                                                         std::int64_t expires_s) = 0;
  virtual void release_lease(const codec::Identity& id, std::uint64_t token) = 0;
  // REQ-OPR-005: whether this terminal may run an unattended program download.
  virtual bool unattended_allowed(const codec::Identity& id) = 0;
  // REQ-KEY-023: the terminal confirmed (SESSION_END 00) that it stored this key set.
  virtual void key_set_delivered(const codec::Identity& id, const std::string& key_set_id) = 0;
};

// REQ-KEY-003, REQ-KEY-006: where the DMKs and the key sets' keys live. The engine asks it for
// what it needs and never sees those keys; a PKCS#11 custody implements the same two calls.
struct IssuedDwk {
  Bytes dwk1;                     // REQ-CRYPTO-022 / REQ-CRYPTO-031, bound to the session (REQ-HS-017)
  profile::HandshakeKeys keys;    // REQ-CRYPTO-030: derived from DWK, for this session only
};
class KeyCustody {
 public:
  virtual ~KeyCustody() = default;
  // Draws DWK (REQ-HS-014), wraps it under the terminal's DMK and derives the handshake keys.
  // 96 when the terminal has no DMK here or the custody fails.
  virtual Result<IssuedDwk, ResponseCode> issue_dwk(const codec::Identity& id, Profile p,
                                                    const profile::SessionBinding& binding,
                                                    const codec::AuthData& t_data,
                                                    const codec::AuthData& s_data,
                                                    crypto::RandomSource& rng) = 0;
  // The key-set key of `slot` wrapped for this session under K_KEK (REQ-CRYPTO-035) with its KCV
  // (REQ-CRYPTO-037); 96 when there is no such key or it does not fit its slot rule.
  virtual Result<codec::KeyEntry, ResponseCode> wrap_key_set_key(const codec::Identity& id,
                                                                 const std::string& key_set_id,
                                                                 const KeySetSlot& slot, Profile p,
                                                                 const profile::HandshakeKeys& keys,
                                                                 crypto::RandomSource& rng) = 0;
};

// REQ-HS-013, REQ-HS-019: remembers (VENDOR_ID, MODEL_ID, SERIAL_NO, T_RAND) until `expires_s`
// (T_TIME + the freshness window, seconds since 2000 on the TMS's clock).
enum class ReplayVerdict { kFresh, kSeen, kFull };
class ReplayCache {
 public:
  virtual ~ReplayCache() = default;
  // kFresh: not seen, now remembered; kSeen: a repeat; kFull: no room without forgetting an entry
  // before its time, so nothing was remembered.
  virtual ReplayVerdict remember(const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand,
                                 std::int64_t expires_s, std::int64_t now_s) = 0;
};

// The standard interface (标准接口) to one vendor's dynamic database: the contract of
// spec/10-tms-states.md section 10.5, interface version 1 (REQ-TMS-020, REQ-TMS-021). A vendor's
// database in another process or language implements the same three operations behind an adapter.
inline constexpr std::uint32_t kVendorInterfaceVersion = 1;  // REQ-TMS-023

enum class VendorError {
  kUnavailable,  // cannot answer now: the session ends 96 (REQ-TMS-022)
  kNotFound,     // offers: the terminal is unknown to this database (06); piece: package gone (96)
};
std::string_view name(VendorError e);

struct OffersQuery {
  std::string vendor_id;  // REQ-TMS-026, REQ-TMS-027: the vendor the call is made for
  std::string model_id;
  std::string serial_no;
  std::vector<codec::InstalledPackage> installed;  // the PKG_ANNOUNCE entries
  codec::TerminalInfo report;                      // the session's TERM_INFO (REQ-DL-044)
};

struct PieceQuery {
  std::string vendor_id;
  codec::Manifest manifest;  // as this database offered it
  codec::Section section = codec::Section::kFit;
  std::uint32_t index = 0;
};

class VendorInterface {
 public:
  virtual ~VendorInterface() = default;
  virtual std::uint32_t interface_version() const = 0;
  // Candidates in the vendor's order of preference; the TMS filters them (REQ-DL-011).
  virtual Result<std::vector<codec::Offer>, VendorError> offers(const OffersQuery& q) = 0;
  // The octets of one piece (REQ-DL-013).
  virtual Result<Bytes, VendorError> piece(const PieceQuery& q) = 0;
};

class VendorDirectory {
 public:
  virtual ~VendorDirectory() = default;
  // One per vendor database (REQ-TMS-020); nullptr when the vendor has none. A directory
  // refuses, when it is configured, a database of another interface version (REQ-TMS-023).
  virtual VendorInterface* find(const std::string& vendor_id) = 0;
};

// REQ-DL-042: the terminals' reports (TERM_INFO), the latest of each terminal and its history.
class TerminalReports {
 public:
  virtual ~TerminalReports() = default;
  // `received_s`: the TMS's time, seconds since 2000-01-01 UTC. 96 when the store fails.
  virtual Result<void, ResponseCode> record(const codec::Identity& id, const codec::TerminalInfo& report,
                                            std::int64_t received_s) = 0;
};

// REQ-TMS-005: one record per session, never key material.
struct AuditRecord {
  codec::Identity id;
  std::optional<TransCode> trans;
  std::optional<Profile> profile;
  std::optional<ResponseCode> outcome;  // nullopt: connection lost
  // REQ-HS-018: what an outcome of 06 stood for (04 vendor, 05 model, 06 serial, 08 profile, 15 key
  // set); the wire carried only 06.
  std::optional<ResponseCode> not_served_reason;
  std::vector<std::string> offered;     // "KIND NAME vVERSION"
  std::optional<ResponseCode> terminal_result;
  // REQ-TMS-026: the vendor database that served the session, and what it was asked.
  std::optional<std::string> served_by;
  std::size_t offers_calls = 0;
  std::size_t piece_calls = 0;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(const AuditRecord& r) = 0;
};

struct Config {
  std::int64_t freshness_window_s = 300;  // REQ-HS-012
  // REQ-SRV-011: how long a session's lease lasts, T_SESSION: a lease its instance never released
  // (the instance was killed) frees the terminal after it.
  std::int64_t lease_s = 600;
  // REQ-CRYPTO-026's bound in the TDES profile, for what this TMS seals and what it accepts. `serve`
  // never changes it; the conformance suite raises it to play a TMS that breaks the bound, which a
  // terminal must refuse (spec/conformance.md).
  std::uint64_t tdes_block_limit = session::kTdesMaxSealedBlocks;
};

}  // namespace tmsproto::tms
