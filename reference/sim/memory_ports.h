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
#include "terminal/ports.h"
#include "tms/ports.h"
#include "tms/registration.h"

namespace tmsproto::sim {

class MemoryKeyStore final : public terminal::KeyStore {
 public:
  Result<void, ResponseCode> install(const std::vector<terminal::DeliveredKey>& keys) override;
  bool fail_next = false;  // to exercise REQ-KEY-022's failure path
  std::map<std::uint8_t, crypto::SecretBytes> slots;
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

  bool fail_apply = false;
  std::map<std::pair<codec::PackageKind, std::string>, Installed> packages;
  std::size_t pieces_staged = 0;  // every stage_piece call, across sessions

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
    crypto::SecretBytes opv;
    bool may_download_keys = true;
    tms::OperatorLock lock;
  };
  // `decoy_key`: the estate's 32-octet AES key for decoy salts (REQ-OPR-007).
  explicit MemoryRegistry(crypto::SecretBytes decoy_key) : decoy_key_(std::move(decoy_key)) {}

  Result<const tms::TerminalRecord*, ResponseCode> lookup(const codec::Identity& id) override;
  const std::vector<tms::KeySetSlot>* key_set(const codec::Identity& id, const std::string& key_set_id) override;
  tms::OperatorRecord operator_record(const std::string& vendor_id, const std::string& operator_id,
                                     TransCode trans) override;
  void set_operator_lock(const std::string& vendor_id, const std::string& operator_id,
                         const tms::OperatorLock& lock) override;
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
  crypto::SecretBytes decoy_key_;
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

// One vendor's dynamic database behind the standard interface. It may hold FORMAT 0x02 packages
// of any terminal or signer and returns every package as a candidate: the TMS filters (REQ-DL-011).
class MemoryVendor final : public tms::VendorInterface {
 public:
  struct Package {
    codec::Offer offer;
    Bytes content;
    Bytes fit;
  };
  Result<std::vector<codec::Offer>, ResponseCode> offers(const std::string& model_id, const std::string& serial_no,
                                                         const std::vector<codec::InstalledPackage>& installed) override;
  Result<Bytes, ResponseCode> piece(const codec::Manifest& m, codec::Section section, std::uint32_t index) override;

  std::vector<Package> packages;
  bool fail = false;
};

class MemoryVendorDirectory final : public tms::VendorDirectory {
 public:
  tms::VendorInterface* find(const std::string& vendor_id) override;
  std::map<std::string, MemoryVendor> vendors;
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
