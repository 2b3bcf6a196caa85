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
    std::map<std::string, std::vector<tms::KeySetEntry>> key_sets;
    bool unattended_allowed = true;
    std::vector<std::string> delivered_key_sets;  // REQ-KEY-023
    Bytes dmk_check_value;
  };
  struct Operator {
    std::string vendor_id;
    std::string operator_id;
    Profile profile{};
    crypto::SecretBytes opv;
    bool may_download_keys = true;
  };
  Result<const tms::TerminalRecord*, ResponseCode> lookup(const codec::Identity& id) override;
  const std::vector<tms::KeySetEntry>* key_set(const codec::Identity& id, const std::string& key_set_id) override;
  const crypto::SecretBytes* operator_verifier(const std::string& vendor_id, const std::string& operator_id,
                                               Profile p, TransCode trans) override;
  bool unattended_allowed(const codec::Identity& id) override;
  // REQ-KEY-001: registers a terminal unless its DMK's check value is already registered.
  Result<void, tms::RegistrationError> register_terminal(const codec::Identity& id, tms::TerminalRecord record);
  std::vector<tms::EstateLine> estate_report() const;  // REQ-KEY-005
  void key_set_delivered(const codec::Identity& id, const std::string& key_set_id) override;

  std::map<std::tuple<std::string, std::string, std::string>, Terminal> terminals;  // vendor, model, serial
  std::vector<Operator> operators;
};

class MemoryReplayCache final : public tms::ReplayCache {
 public:
  bool seen_before(const std::string& serial_no, const std::array<std::uint8_t, 8>& t_rand,
                   std::int64_t now_seconds) override;

 private:
  std::set<std::pair<std::string, std::array<std::uint8_t, 8>>> seen_;
};

// One vendor's dynamic database behind the standard interface.
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

// A package as its vendor publishes it: manifest signed, FIT computed (REQ-DL-012).
MemoryVendor::Package make_package(codec::PackageKind kind, const std::string& name, const codec::Identity& id,
                                   std::uint32_t version, Bytes content, std::uint16_t chunk_size,
                                   ByteView vendor_private_key, crypto::RandomSource& rng);

}  // namespace tmsproto::sim
