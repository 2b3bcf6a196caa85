// The TMS's durable store (spec/15-storage.md): a directory holding tms.db (SQLite, WAL) and
// storage.key. It gives the TMS engine its ports, each answered by a fresh query, so that what a
// provisioning command writes while `serve` runs is served without a restart; and the provisioning
// calls themselves, each one transaction, all or nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/header.h"
#include "codec/handshake_messages.h"
#include "codec/terminal_info.h"
#include "common/result.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "protocol/constants.h"
#include "store/store_error.h"
#include "tms/ports.h"

namespace tmsproto::store {

struct StoreOptions {
  std::size_t replay_capacity = 100000;                    // REQ-HS-019
  std::uint32_t enrolment_iterations = 600000;             // REQ-OPR-002: at least 100000, 600000 advised
  int schema_version = 0;                                  // 0: the newest; an older one only to write test fixtures
};

struct TerminalRegistration {
  codec::Identity id;
  Profile profile = Profile::kAes128;
  bool legacy_enabled = false;      // REQ-CRYPTO-020
  bool unattended_allowed = false;  // REQ-OPR-005: program download without an operator
};

struct VendorRow {
  std::string vendor_id;
  Bytes signing_public_key;  // uncompressed P-256, 65 octets
  std::string adapter;       // e.g. "dir:/srv/vendor1", read by vendor::open_adapter
};

struct ModelRow {
  std::string vendor_id;
  std::string model_id;
};

struct TerminalRow {
  codec::Identity id;
  Profile profile = Profile::kAes128;
  bool legacy_enabled = false;
  bool unattended_allowed = false;
  Bytes dmk_check_value;                         // REQ-KEY-005: never the key
  std::vector<std::string> key_sets;             // registered
  std::vector<std::string> delivered_key_sets;   // REQ-KEY-023, in order of delivery
};

struct OperatorRow {
  std::string vendor_id;
  std::string operator_id;
  std::uint32_t iterations = 0;
  bool may_download_keys = true;
  tms::OperatorLock lock;  // REQ-OPR-006
};

struct ReportRow {
  codec::Identity id;
  std::int64_t received_s = 0;
  codec::TerminalInfo report;
};

struct AuditRow {
  std::int64_t seq = 0;  // the order of appending, from 1
  tms::AuditRecord record;
};

// One connection to tms.db: use a TmsStore (and its ports) from one thread at a time. Processes
// share a store by each opening it.
class TmsStore {
 public:
  // Opens or creates the store in `dir` (created if absent). `rng` draws storage.key, DMKs, key-set
  // keys and operator salts, and must outlive the store.
  static Result<std::unique_ptr<TmsStore>, StoreError> open(const std::filesystem::path& dir,
                                                            crypto::RandomSource& rng,
                                                            const StoreOptions& options = {});
  ~TmsStore();
  TmsStore(const TmsStore&) = delete;
  TmsStore& operator=(const TmsStore&) = delete;

  // The engine's ports (tms/ports.h). Valid as long as the store; one session at a time each.
  tms::Registry& registry();
  tms::KeyCustody& custody();
  tms::ReplayCache& replay();
  tms::TerminalReports& reports();
  tms::AuditLog& audit();

  // Provisioning: each call one transaction; on error nothing was written.
  Result<void, StoreError> register_vendor(const std::string& vendor_id, ByteView signing_public_key,
                                           const std::string& adapter);
  Result<void, StoreError> register_model(const std::string& vendor_id, const std::string& model_id);
  // Draws the terminal's DMK (REQ-KEY-001: unique in the estate) and returns it, the one time it
  // leaves the store in clear, for the terminal's injection file.
  Result<crypto::SecretBytes, StoreError> register_terminal(const TerminalRegistration& t);
  // REQ-STORE-014: the same with the DMK the terminal already holds (injected at the factory by a
  // key-loading device, or a test terminal's DMK from a conformance terminal profile), which the
  // store checks and keeps instead of drawing one.
  Result<void, StoreError> import_terminal(const TerminalRegistration& t, ByteView dmk);
  // Registers the key set a key-set definition (spec/05 section 5.5) describes for the terminal,
  // with a key drawn for each slot.
  Result<void, StoreError> add_key_set(const codec::Identity& id, std::string_view definition_json);
  Result<void, StoreError> enrol_operator(const std::string& vendor_id, const std::string& operator_id,
                                          ByteView password, bool may_download_keys = true);

  Result<std::vector<VendorRow>, StoreError> vendors();
  Result<std::vector<ModelRow>, StoreError> models();
  Result<std::vector<TerminalRow>, StoreError> terminals();
  Result<std::vector<OperatorRow>, StoreError> operators();
  // The key-set definition a key set was registered from, as it was given (REQ-KEY-025: the
  // terminal's slot table comes from the same text).
  Result<std::string, StoreError> key_set_definition(const codec::Identity& id, const std::string& key_set_id);
  Result<std::optional<ReportRow>, StoreError> latest_report(const codec::Identity& id);
  Result<std::vector<ReportRow>, StoreError> report_history(const codec::Identity& id);  // oldest first
  Result<std::vector<AuditRow>, StoreError> audit_log();                                // oldest first

  // REQ-SRV-012: makes this store's sessions take their leases (REQ-SRV-011) under `instance`, and
  // ends every lease that name held, answering how many; an error when another running instance
  // holds the name (PostgreSQL). `serve` calls it before accepting a connection; a store on which
  // it was never called takes its leases under the empty name.
  Result<std::int64_t, StoreError> claim_instance(const std::string& instance);

  struct Impl;
  // For the backends (store_impl.h): a store around its insides.
  static std::unique_ptr<TmsStore> adopt(std::unique_ptr<Impl> impl);

 private:
  explicit TmsStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tmsproto::store
