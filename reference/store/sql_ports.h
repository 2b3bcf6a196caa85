// The engine's ports (tms/ports.h) on the store's SQL (sql.h), the same code for tms.db and for
// PostgreSQL (REQ-STORE-022): each call a fresh query, so that rows another process wrote are seen
// at the next session (REQ-STORE-007). Internal to the store: TmsStore hands them out. The replay
// cache is each backend's own (sqlite_replay.h, pg_replay.h): how "fresh" is decided atomically is
// where the two databases differ.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crypto/secret.h"
#include "store/sql.h"
#include "store/tms_store.h"
#include "tms/ports.h"

namespace tmsproto::store {

// What every port shares: the connection and the keys derived from the storage key.
struct StoreContext {
  std::unique_ptr<Sql> sql;
  crypto::RandomSource* rng = nullptr;  // the store's: lease tokens (REQ-SRV-011)
  crypto::SecretBytes storage_key;
  crypto::SecretBytes decoy_key;        // REQ-OPR-007
  crypto::SecretBytes fingerprint_key;  // REQ-KEY-001
  StoreOptions options;
  std::string instance{};  // REQ-SRV-012: the serve instance whose leases these are (claim_instance)
};

// The names that bind a wrapped key to its row (key_wrap.h).
std::string dmk_record(const codec::Identity& id);
std::string key_record(const codec::Identity& id, const std::string& key_set_id, std::uint8_t slot);
std::string opv_record(const std::string& vendor_id, const std::string& operator_id);

class SqlRegistry final : public tms::Registry {
 public:
  explicit SqlRegistry(StoreContext& c) : c_(c) {}
  Result<const tms::TerminalRecord*, ResponseCode> lookup(const codec::Identity& id) override;
  const std::vector<tms::KeySetSlot>* key_set(const codec::Identity& id, const std::string& key_set_id) override;
  tms::OperatorRecord operator_record(const std::string& vendor_id, const std::string& operator_id,
                                      TransCode trans) override;
  tms::OperatorLock operator_checked(const std::string& vendor_id, const std::string& operator_id, bool passed,
                                     std::int64_t now_s) override;
  Result<std::uint64_t, ResponseCode> take_lease(const codec::Identity& id, std::int64_t now_s,
                                                 std::int64_t expires_s) override;
  void release_lease(const codec::Identity& id, std::uint64_t token) override;
  bool unattended_allowed(const codec::Identity& id) override;
  void key_set_delivered(const codec::Identity& id, const std::string& key_set_id) override;

 private:
  tms::OperatorRecord decoy(const std::string& vendor_id, const std::string& operator_id) const;
  Result<tms::OperatorLock, StoreError> count_check(const std::string& vendor_id, const std::string& operator_id,
                                                    bool passed, std::int64_t now_s);
  StoreContext& c_;
  // The port returns pointers: they point here and stay valid until the next call.
  tms::TerminalRecord record_;
  std::vector<tms::KeySetSlot> slots_;
};

class SqlCustody final : public tms::KeyCustody {
 public:
  explicit SqlCustody(StoreContext& c) : c_(c) {}
  Result<tms::IssuedDwk, ResponseCode> issue_dwk(const codec::Identity& id, Profile p,
                                                 const profile::SessionBinding& binding,
                                                 const codec::AuthData& t_data, const codec::AuthData& s_data,
                                                 crypto::RandomSource& rng) override;
  Result<codec::KeyEntry, ResponseCode> wrap_key_set_key(const codec::Identity& id, const std::string& key_set_id,
                                                         const tms::KeySetSlot& slot, Profile p,
                                                         const profile::HandshakeKeys& keys,
                                                         crypto::RandomSource& rng) override;

 private:
  StoreContext& c_;
};

class SqlReports final : public tms::TerminalReports {
 public:
  explicit SqlReports(StoreContext& c) : c_(c) {}
  Result<void, ResponseCode> record(const codec::Identity& id, const codec::TerminalInfo& report,
                                    std::int64_t received_s) override;

 private:
  StoreContext& c_;
};

class SqlAuditLog final : public tms::AuditLog {
 public:
  explicit SqlAuditLog(StoreContext& c) : c_(c) {}
  void record(const tms::AuditRecord& r) override;

 private:
  StoreContext& c_;
};

}  // namespace tmsproto::store
