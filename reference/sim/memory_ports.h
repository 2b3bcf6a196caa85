// In-memory implementations of every port of the two engines: the reference device and estate
// used by tests, the simulator and the fuzzers. Not for production: nothing here persists.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "codec/handshake_messages.h"
#include "crypto/random.h"
#include "terminal/master_slots.h"
#include "terminal/ports.h"
#include "tms/ports.h"
#include "tms/registration.h"

namespace tmsproto::sim {

class MemoryKeyStore final : public terminal::KeyStore {
 public:
  Result<void, ResponseCode> install(const std::vector<terminal::DeliveredKey>& keys) override;
  std::vector<codec::HeldKey> held() override;
  bool fail_next = false;  // to exercise REQ-KEY-022's failure path
  std::map<std::uint8_t, crypto::SecretBytes> slots;
  std::map<std::uint8_t, char> algorithms;  // TR-31 algorithm of each slot's key
};

// The device's own account of itself (REQ-DL-041).
class MemoryDevice final : public terminal::Device {
 public:
  terminal::DeviceReport report() override { return device; }
  terminal::DeviceReport device{"SIM-POS-R1", "SIMOS-1.0", codec::Bearer::kEthernet, false, {}, {}};
};

class MemoryPackageStore final : public terminal::PackageStore {
 public:
  struct Installed {
    std::uint32_t version = 0;
    Bytes content;
  };
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

  // REQ-DL-051: the device starts again; a master application waiting in the other slot runs if it
  // comes up (`comes_up`), else the device falls back.
  void restart(bool comes_up);
  // Installs `version` of the master application `name` in slot 1, as the factory would.
  void install_master(const std::string& name, std::uint32_t version);

  bool fail_apply = false;
  std::map<std::pair<codec::PackageKind, std::string>, Installed> packages;
  std::size_t pieces_staged = 0;  // every stage_piece call, across sessions
  std::map<std::pair<codec::PackageKind, std::string>, codec::LastApply> applies;  // the last attempt of each
  std::optional<terminal::MasterSlots> master;  // with a KIND M package installed
  std::string master_name;
  Bytes master_pending;  // the content waiting in the other slot

 private:
  struct Staging {
    codec::PackageKind kind{};
    std::string name;
    std::optional<Bytes> fit;
    std::map<std::uint32_t, Bytes> pieces;
  };
  std::map<terminal::ManifestId, Staging> staging_;
};

class MemoryRegistry final : public tms::Registry {
 public:
  struct Terminal {
    tms::TerminalRecord record;
    std::map<std::string, std::vector<tms::KeySetSlot>> key_sets;
    bool unattended_allowed = true;
    std::vector<std::string> delivered_key_sets;  // REQ-KEY-023
  };
  struct Operator {
    std::string vendor_id;
    std::string operator_id;
    codec::OperatorSalt salt{};
    std::uint32_t iterations = 0;
    crypto::SecretBytes password;
    bool may_download_keys = true;
    tms::OperatorLock lock;
    // The verifier a TMS stores (REQ-OPR-002), derived from `password` at its first use and kept.
    // A simulated estate enrols an operator for every neighbour vendor too, and 100000 PBKDF2
    // iterations apiece were most of what a property test spent; the salt is still drawn at
    // enrolment, so every estate draws the same random octets as before.
    const crypto::SecretBytes& opv() const;
    mutable crypto::SecretBytes derived_opv;
  };
  // `decoy_key`: the estate's 32-octet AES key for decoy salts (REQ-OPR-007).
  explicit MemoryRegistry(crypto::SecretBytes decoy_key) : decoy_key_(std::move(decoy_key)) {}

  Result<const tms::TerminalRecord*, ResponseCode> lookup(const codec::Identity& id) override;
  const std::vector<tms::KeySetSlot>* key_set(const codec::Identity& id, const std::string& key_set_id) override;
  tms::OperatorRecord operator_record(const std::string& vendor_id, const std::string& operator_id,
                                     TransCode trans) override;
  Result<std::uint64_t, ResponseCode> take_lease(const codec::Identity& id, std::int64_t now_s,
                                                 std::int64_t expires_s) override;
  void release_lease(const codec::Identity& id, std::uint64_t token) override;
  // What a restarted instance does to its previous run's leases (REQ-SRV-012): every lease ends.
  // For a harness that drops sessions without ending them (a fuzz input that stops mid-session).
  void end_all_leases() { leases_.clear(); }
  tms::OperatorLock operator_checked(const std::string& vendor_id, const std::string& operator_id, bool passed,
                                     std::int64_t now_s) override;
  bool unattended_allowed(const codec::Identity& id) override;
  void key_set_delivered(const codec::Identity& id, const std::string& key_set_id) override;
  // REQ-KEY-014: registers a key set only when the terminal's profile can deliver every slot.
  Result<void, tms::RegistrationError> register_key_set(const codec::Identity& id, const std::string& key_set_id,
                                                        std::vector<tms::KeySetSlot> slots);
  // REQ-OPR-002: enrols an operator with a fresh salt from `rng` and the estate's iteration count.
  void enrol_operator(const std::string& vendor_id, const std::string& operator_id, ByteView password,
                      crypto::RandomSource& rng, bool may_download_keys = true);

  std::map<std::tuple<std::string, std::string, std::string>, Terminal> terminals;  // vendor, model, serial
  std::vector<Operator> operators;
  std::uint32_t enrolment_iterations = codec::kMinOpvIterations;  // REQ-OPR-002

 private:
  struct Lease {
    std::uint64_t token = 0;
    std::int64_t expires_s = 0;
  };
  crypto::SecretBytes decoy_key_;
  std::map<std::tuple<std::string, std::string, std::string>, Lease> leases_;  // REQ-SRV-011
  std::uint64_t last_token_ = 0;
};

// REQ-HS-013, REQ-HS-019: expires entries at T_TIME + window and holds at most `capacity`.
class MemoryReplayCache final : public tms::ReplayCache {
 public:
  explicit MemoryReplayCache(std::size_t capacity = 100000) : capacity_(capacity) {}
  tms::ReplayVerdict remember(const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand,
                              std::int64_t expires_s, std::int64_t now_s) override;
  std::size_t size() const { return seen_.size(); }

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::array<std::uint8_t, 8>>;
  std::size_t capacity_;
  std::map<Key, std::int64_t> seen_;  // -> expiry
};

// One vendor's dynamic database behind the standard interface (spec/10-tms-states.md 10.5): it
// knows only its own vendor's terminals (REQ-TMS-027) and records every call made to it, so that
// tests can show which database served, and was charged for, which terminal. It may hold FORMAT
// 0x02 packages of any terminal or signer and returns all as candidates: the TMS filters (REQ-DL-011).
class MemoryVendor final : public tms::VendorInterface {
 public:
  struct Package {
    codec::Offer offer;
    Bytes content;
    Bytes fit;
  };
  explicit MemoryVendor(std::string own_vendor_id = {}) : vendor_id(std::move(own_vendor_id)) {}
  std::uint32_t interface_version() const override { return version; }
  Result<std::vector<codec::Offer>, tms::VendorError> offers(const tms::OffersQuery& q) override;
  Result<Bytes, tms::VendorError> piece(const tms::PieceQuery& q) override;

  std::string vendor_id;
  std::vector<Package> packages;
  bool fail = false;                    // UNAVAILABLE
  std::set<std::string> unknown_serials;  // offers: NOT_FOUND for these
  std::uint32_t version = tms::kVendorInterfaceVersion;
  std::vector<tms::OffersQuery> offers_calls;
  std::vector<tms::PieceQuery> piece_calls;
};

class MemoryVendorDirectory final : public tms::VendorDirectory {
 public:
  tms::VendorInterface* find(const std::string& vendor_id) override;
  std::map<std::string, MemoryVendor> vendors;
};

// REQ-DL-042: every report, oldest first; the latest of a terminal is its last entry.
class MemoryReports final : public tms::TerminalReports {
 public:
  struct Entry {
    codec::Identity id;
    codec::TerminalInfo report;
    std::int64_t received_s = 0;
  };
  Result<void, ResponseCode> record(const codec::Identity& id, const codec::TerminalInfo& report,
                                    std::int64_t received_s) override;
  const codec::TerminalInfo* latest(const codec::Identity& id) const;
  std::vector<Entry> history;
  bool fail = false;
};

class MemoryAuditLog final : public tms::AuditLog {
 public:
  void record(const tms::AuditRecord& r) override { records.push_back(r); }
  std::vector<tms::AuditRecord> records;
};

// A package as its signer publishes it: manifest signed, FIT computed (REQ-DL-012). Without `scope`
// a FORMAT 0x01 manifest signed by the vendor; with it a FORMAT 0x02 manifest (REQ-MSG-092) signed
// by the pinned signer scope->signer_id names, e.g. an acquirer's per-terminal parameter file,
// which the vendor's database holds like any other (REQ-DL-066).
MemoryVendor::Package make_package(codec::PackageKind kind, const std::string& name, const codec::Identity& id,
                                   std::uint32_t version, Bytes content, std::uint16_t chunk_size,
                                   ByteView signer_private_key, crypto::RandomSource& rng,
                                   std::optional<codec::ManifestScope> scope = std::nullopt);

}  // namespace tmsproto::sim
