// The contract of the TMS engine's ports (tms/ports.h), written once against the interfaces and run
// against every backend: the in-memory ports of the simulator, the SQLite store and (in
// tmsproto_pgstore_tests, against a real server) the PostgreSQL store (REQ-STORE-022).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/key_set_definition.h"
#include "custody/software_custody.h"
#include "profile/profile_crypto.h"
#include "sim/estate.h"
#include "sim/memory_ports.h"
#include "store/store_test_support.h"
#include "store/tms_store.h"
#include "testing/deterministic_random.h"
#ifdef TMSPROTO_CONTRACT_POSTGRESQL
#include "store/pg_store.h"
#include "store/pg_test_support.h"
#endif

namespace tmsproto::store {
namespace {

const codec::Identity kTerminal{"VEND0001", "POS-X1", "SN1"};
const codec::AuthData kTData{{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
const codec::AuthData kSData{{9, 9, 9, 9, 9, 9, 9, 9}, {2026, 11, 26, 16, 0, 5}};

Bytes ascii(const std::string& s) { return Bytes(s.begin(), s.end()); }

// A backend as the contract sees it: the five ports, and provisioning done the backend's own way.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual tms::Registry& registry() = 0;
  virtual tms::KeyCustody& custody() = 0;
  virtual tms::ReplayCache& replay() = 0;
  virtual tms::TerminalReports& reports() = 0;
  virtual tms::AuditLog& audit() = 0;
  // Registers the terminal (and its vendor and model where the backend keeps them); its DMK.
  virtual crypto::SecretBytes add_terminal(const codec::Identity& id, Profile p, bool unattended) = 0;
  virtual void add_key_set(const codec::Identity& id, const std::string& definition_json) = 0;
  virtual void enrol(const std::string& vendor_id, const std::string& operator_id, const std::string& password,
                     bool may_download_keys) = 0;
  virtual std::vector<tms::AuditRecord> audit_records() = 0;
  virtual std::vector<codec::TerminalInfo> report_history(const codec::Identity& id) = 0;
  virtual std::vector<std::string> delivered(const codec::Identity& id) = 0;
  crypto::DeterministicRandom rng{42};
};

class MemoryBackend final : public Backend {
 public:
  explicit MemoryBackend(std::size_t capacity)
      : registry_(crypto::SecretBytes(Bytes(32, 0x11))), custody_(crypto::SecretBytes(Bytes(32, 0x22))), replay_(capacity) {}
  tms::Registry& registry() override { return registry_; }
  tms::KeyCustody& custody() override { return custody_; }
  tms::ReplayCache& replay() override { return replay_; }
  tms::TerminalReports& reports() override { return reports_; }
  tms::AuditLog& audit() override { return audit_; }
  crypto::SecretBytes add_terminal(const codec::Identity& id, Profile p, bool unattended) override {
    crypto::SecretBytes dmk = profile::generate_key(p, rng);
    EXPECT_TRUE(custody_.add_dmk(id, p, dmk.clone()).ok());
    auto& t = registry_.terminals[{id.vendor_id, id.model_id, id.serial_no}];
    t.record = tms::TerminalRecord{p, p == Profile::kLegacy};
    t.unattended_allowed = unattended;
    return dmk;
  }
  void add_key_set(const codec::Identity& id, const std::string& definition_json) override {
    auto d = config::parse_key_set_definition(definition_json);
    ASSERT_TRUE(d.ok());
    for (const auto& s : d->slots) {
      crypto::SecretBytes k(s.rule.key_length);
      rng.fill(k.mutable_view());
      ASSERT_TRUE(custody_.add_key_set_key(id, d->key_set_id, s, std::move(k)).ok());
    }
    ASSERT_TRUE(registry_.register_key_set(id, d->key_set_id, d->slots).ok());
  }
  void enrol(const std::string& vendor_id, const std::string& operator_id, const std::string& password,
             bool may_download_keys) override {
    registry_.enrol_operator(vendor_id, operator_id, ascii(password), rng, may_download_keys);
  }
  std::vector<tms::AuditRecord> audit_records() override { return audit_.records; }
  std::vector<codec::TerminalInfo> report_history(const codec::Identity& id) override {
    std::vector<codec::TerminalInfo> out;
    for (const auto& e : reports_.history) {
      if (e.id == id) out.push_back(e.report);
    }
    return out;
  }
  std::vector<std::string> delivered(const codec::Identity& id) override {
    return registry_.terminals.at({id.vendor_id, id.model_id, id.serial_no}).delivered_key_sets;
  }

 private:
  sim::MemoryRegistry registry_;
  custody::SoftwareCustody custody_;
  sim::MemoryReplayCache replay_;
  sim::MemoryReports reports_;
  sim::MemoryAuditLog audit_;
};

// A TmsStore on either database: the same class, opened by the backend's own function.
StoreOptions contract_options(std::size_t capacity) {
  StoreOptions options;
  options.replay_capacity = capacity;
  options.enrolment_iterations = codec::kMinOpvIterations;
  return options;
}

class StoreBackend final : public Backend {
 public:
  explicit StoreBackend(std::function<Result<std::unique_ptr<TmsStore>, StoreError>(crypto::RandomSource&)> open) {
    auto s = open(rng);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    if (s.ok()) store_ = std::move(s).value();
  }
  // The store's files (a temporary directory) live as long as the backend.
  void keep(std::shared_ptr<TempDir> dir) { dir_ = std::move(dir); }
  tms::Registry& registry() override { return store_->registry(); }
  tms::KeyCustody& custody() override { return store_->custody(); }
  tms::ReplayCache& replay() override { return store_->replay(); }
  tms::TerminalReports& reports() override { return store_->reports(); }
  tms::AuditLog& audit() override { return store_->audit(); }
  crypto::SecretBytes add_terminal(const codec::Identity& id, Profile p, bool unattended) override {
    Bytes key(65, 0x5a);
    key[0] = 0x04;
    (void)store_->register_vendor(id.vendor_id, key, "dir:/nowhere");  // the second time: already there
    (void)store_->register_model(id.vendor_id, id.model_id);
    auto dmk = store_->register_terminal({id, p, p == Profile::kLegacy, unattended});
    EXPECT_TRUE(dmk.ok()) << (dmk.ok() ? "" : dmk.error().message);
    return dmk.ok() ? std::move(dmk).value() : crypto::SecretBytes();
  }
  void add_key_set(const codec::Identity& id, const std::string& definition_json) override {
    auto r = store_->add_key_set(id, definition_json);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void enrol(const std::string& vendor_id, const std::string& operator_id, const std::string& password,
             bool may_download_keys) override {
    auto r = store_->enrol_operator(vendor_id, operator_id, ascii(password), may_download_keys);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  std::vector<tms::AuditRecord> audit_records() override {
    std::vector<tms::AuditRecord> out;
    auto rows = store_->audit_log();
    EXPECT_TRUE(rows.ok());
    if (rows.ok()) {
      for (auto& row : *rows) out.push_back(std::move(row.record));
    }
    return out;
  }
  std::vector<codec::TerminalInfo> report_history(const codec::Identity& id) override {
    std::vector<codec::TerminalInfo> out;
    auto rows = store_->report_history(id);
    EXPECT_TRUE(rows.ok());
    if (rows.ok()) {
      for (auto& row : *rows) out.push_back(std::move(row.report));
    }
    return out;
  }
  std::vector<std::string> delivered(const codec::Identity& id) override {
    auto rows = store_->terminals();
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return {};
    for (auto& t : *rows) {
      if (t.id == id) return t.delivered_key_sets;
    }
    return {};
  }

 private:
  std::shared_ptr<TempDir> dir_;
  std::unique_ptr<TmsStore> store_;
};

std::unique_ptr<Backend> sqlite_backend(std::size_t capacity) {
  auto dir = std::make_shared<TempDir>();
  auto b = std::make_unique<StoreBackend>([&](crypto::RandomSource& rng) {
    return TmsStore::open(dir->path(), rng, contract_options(capacity));
  });
  b->keep(std::move(dir));
  return b;
}

#ifdef TMSPROTO_CONTRACT_POSTGRESQL
std::unique_ptr<Backend> postgresql_backend(std::size_t capacity) {
  auto dir = std::make_shared<TempDir>();
  auto b = std::make_unique<StoreBackend>([&](crypto::RandomSource& rng) {
    return open_postgresql_store(fresh_database(), dir->path() / "storage.key", rng, contract_options(capacity));
  });
  b->keep(std::move(dir));
  return b;
}
#endif

struct BackendKind {
  std::string name;
  std::function<std::unique_ptr<Backend>(std::size_t capacity)> make;
};
// What ctest and gtest show for a parameter: the backend's name, not its octets.
void PrintTo(const BackendKind& b, std::ostream* os) { *os << b.name; }

const BackendKind kBackends[] = {
    {"Memory", [](std::size_t c) -> std::unique_ptr<Backend> { return std::make_unique<MemoryBackend>(c); }},
    {"Sqlite", sqlite_backend},
#ifdef TMSPROTO_CONTRACT_POSTGRESQL
    {"Postgresql", postgresql_backend},
#endif
};

class PortContract : public ::testing::TestWithParam<BackendKind> {
 protected:
  std::unique_ptr<Backend> make(std::size_t capacity = 100) { return GetParam().make(capacity); }
};

// Checks REQ-HS-010, REQ-STORE-007, REQ-STORE-022: 04 for an unknown vendor, 05 for an unknown model of a known
// vendor, 06 for an unknown serial number, and the registered terminal's profile and legacy flag.
TEST_P(PortContract, LookupNamesTheFirstUnknownFieldAndFindsTheTerminal) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  EXPECT_EQ(b->registry().lookup({"VEND0009", "POS-X1", "SN1"}).error(), ResponseCode::kUnknownVendor);
  EXPECT_EQ(b->registry().lookup({"VEND0001", "POS-Z9", "SN1"}).error(), ResponseCode::kUnknownModel);
  EXPECT_EQ(b->registry().lookup({"VEND0001", "POS-X1", "SN9"}).error(), ResponseCode::kTerminalNotServed);
  auto found = b->registry().lookup(kTerminal);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->profile, Profile::kAes128);
  EXPECT_FALSE((*found)->legacy_enabled);
  (void)b->add_terminal({"VEND0001", "POS-X1", "SN2"}, Profile::kLegacy, true);
  auto legacy = b->registry().lookup({"VEND0001", "POS-X1", "SN2"});
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ((*legacy)->profile, Profile::kLegacy);
  EXPECT_TRUE((*legacy)->legacy_enabled);
}

// Checks REQ-KEY-013, REQ-KEY-040: the key set is exactly the definition's slots in ascending
// order; a key set not registered for the terminal is nullptr.
TEST_P(PortContract, KeySetIsTheDefinitionsSlotsInOrder) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  const std::string json = sim::key_set_definition_for(Profile::kAes128, 5, "TMK00001");
  b->add_key_set(kTerminal, json);
  const auto* slots = b->registry().key_set(kTerminal, "TMK00001");
  ASSERT_NE(slots, nullptr);
  EXPECT_EQ(*slots, config::parse_key_set_definition(json)->slots);
  EXPECT_EQ(b->registry().key_set(kTerminal, "OTHER001"), nullptr);
  EXPECT_EQ(b->registry().key_set({"VEND0001", "POS-X1", "SN9"}, "TMK00001"), nullptr);
}

// Checks REQ-OPR-002, REQ-OPR-004: an enrolled operator's salt and count give the verifier the
// password derives; an operator not allowed key download has no verifier for TRANS_CODE 01.
TEST_P(PortContract, EnrolledOperatorHasTheVerifierItsPasswordDerives) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  b->enrol("VEND0001", "OPER01", "correct horse", true);
  b->enrol("VEND0001", "OPER02", "battery staple", false);
  const tms::OperatorRecord r = b->registry().operator_record("VEND0001", "OPER01", TransCode::kKeyDownload);
  EXPECT_EQ(r.iterations, codec::kMinOpvIterations);
  ASSERT_TRUE(r.opv.has_value());
  auto expected = profile::operator_verifier(ascii("correct horse"), "VEND0001", "OPER01", r.salt, r.iterations);
  EXPECT_TRUE(crypto::ct_equal(r.opv->view(), expected->view()));
  EXPECT_FALSE(b->registry().operator_record("VEND0001", "OPER02", TransCode::kKeyDownload).opv.has_value());
  EXPECT_TRUE(b->registry().operator_record("VEND0001", "OPER02", TransCode::kProgramDownload).opv.has_value());
  EXPECT_NE(r.salt, b->registry().operator_record("VEND0001", "OPER02", TransCode::kProgramDownload).salt);
}

// Checks REQ-OPR-007: an ID nobody enrolled gets the same salt every time, a different one per ID,
// the enrolment count, and no verifier.
TEST_P(PortContract, UnknownOperatorGetsAStableDecoySalt) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  const auto first = b->registry().operator_record("VEND0001", "GHOST1", TransCode::kKeyDownload);
  const auto again = b->registry().operator_record("VEND0001", "GHOST1", TransCode::kProgramDownload);
  const auto other = b->registry().operator_record("VEND0001", "GHOST2", TransCode::kKeyDownload);
  EXPECT_EQ(first.salt, again.salt);
  EXPECT_NE(first.salt, other.salt);
  EXPECT_NE(first.salt, codec::OperatorSalt{});
  EXPECT_EQ(first.iterations, codec::kMinOpvIterations);
  EXPECT_FALSE(first.opv.has_value());
}

// Checks REQ-OPR-006, REQ-STORE-021: each failed check adds one to the count the registry holds,
// the fifth sets the lock's end 15 minutes on and the sixth 30, a pass clears both, and the next
// session reads what the last check left.
TEST_P(PortContract, FailuresCountUpToTheLockAndAPassClearsThem) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  b->enrol("VEND0001", "OPER01", "pw", true);
  auto& r = b->registry();
  const auto stored = [&] { return r.operator_record("VEND0001", "OPER01", TransCode::kKeyDownload).lock; };
  // REQ-OPR-006: four failures count, the fifth locks for 15 minutes from it, the sixth for 30.
  for (std::uint32_t n = 1; n <= 4; ++n) {
    EXPECT_EQ(r.operator_checked("VEND0001", "OPER01", false, 1000), (tms::OperatorLock{n, 0}));
  }
  EXPECT_EQ(r.operator_checked("VEND0001", "OPER01", false, 5000), (tms::OperatorLock{5, 5000 + 15 * 60}));
  EXPECT_EQ(stored(), (tms::OperatorLock{5, 5000 + 15 * 60}));
  EXPECT_EQ(r.operator_checked("VEND0001", "OPER01", false, 7000), (tms::OperatorLock{6, 7000 + 30 * 60}));
  EXPECT_EQ(stored(), (tms::OperatorLock{6, 7000 + 30 * 60}));
  EXPECT_EQ(r.operator_checked("VEND0001", "OPER01", true, 9000), tms::OperatorLock{});
  EXPECT_EQ(stored(), tms::OperatorLock{});
  // An ID nobody enrolled keeps no state (REQ-OPR-007).
  EXPECT_EQ(r.operator_checked("VEND0001", "GHOST1", false, 1000), tms::OperatorLock{});
  EXPECT_EQ(r.operator_record("VEND0001", "GHOST1", TransCode::kKeyDownload).lock, tms::OperatorLock{});
}

// Checks REQ-OPR-005: unattended program download only where the terminal's policy allows it.
TEST_P(PortContract, UnattendedOnlyWhereAllowed) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  (void)b->add_terminal({"VEND0001", "POS-X1", "SN2"}, Profile::kAes128, true);
  EXPECT_FALSE(b->registry().unattended_allowed(kTerminal));
  EXPECT_TRUE(b->registry().unattended_allowed({"VEND0001", "POS-X1", "SN2"}));
  EXPECT_FALSE(b->registry().unattended_allowed({"VEND0001", "POS-X1", "SN9"}));
}

// Checks REQ-KEY-006, REQ-HS-017: DWK_1 unwraps at the terminal under its DMK with this session's
// binding; no DMK, or another profile than the DMK's, is 96.
TEST_P(PortContract, IssuedDwkUnwrapsUnderTheTerminalsDmk) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    auto b = make();
    const crypto::SecretBytes dmk = b->add_terminal(kTerminal, p, false);
    const auto binding = profile::session_binding(Bytes{0x01, 0x02});
    auto issued = b->custody().issue_dwk(kTerminal, p, binding, kTData, kSData, b->rng);
    ASSERT_TRUE(issued.ok());
    auto dwk = profile::recover_dwk(p, dmk.view(), issued->dwk1, binding);
    ASSERT_TRUE(dwk.ok());
    EXPECT_TRUE(crypto::ct_equal(dwk->view(), issued->keys.dwk.view()));
    const Profile other = p == Profile::kAes256 ? Profile::kAes128 : Profile::kAes256;
    EXPECT_EQ(b->custody().issue_dwk(kTerminal, other, binding, kTData, kSData, b->rng).error(),
              ResponseCode::kInternalError);
    EXPECT_EQ(b->custody().issue_dwk({"VEND0001", "POS-X1", "SN9"}, p, binding, kTData, kSData, b->rng).error(),
              ResponseCode::kInternalError);
  }
}

// Checks REQ-KEY-006, REQ-CRYPTO-037: each key of a registered set leaves wrapped for the session
// and unwraps at the terminal with its KCV, the same key every session; no such key is 96.
TEST_P(PortContract, KeySetKeyLeavesWrappedForTheSession) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  b->add_key_set(kTerminal, sim::key_set_definition_for(Profile::kAes128, 3, "TMK00001"));
  auto keys = profile::derive_handshake_keys(Profile::kAes128, profile::generate_key(Profile::kAes128, b->rng),
                                             kTData, kSData);
  ASSERT_TRUE(keys.ok());
  for (const tms::KeySetSlot& slot : *b->registry().key_set(kTerminal, "TMK00001")) {
    auto first = b->custody().wrap_key_set_key(kTerminal, "TMK00001", slot, Profile::kAes128, *keys, b->rng);
    auto second = b->custody().wrap_key_set_key(kTerminal, "TMK00001", slot, Profile::kAes128, *keys, b->rng);
    ASSERT_TRUE(first.ok() && second.ok());
    auto clear = profile::unwrap_key(Profile::kAes128, *keys, slot.rule, first->key_block, first->kcv);
    ASSERT_TRUE(clear.ok());
    EXPECT_EQ(clear->size(), slot.rule.key_length);
    EXPECT_EQ(first->kcv, second->kcv);
  }
  const tms::KeySetSlot slot{1, b->registry().key_set(kTerminal, "TMK00001")->front().rule};
  EXPECT_EQ(b->custody().wrap_key_set_key(kTerminal, "OTHER001", slot, Profile::kAes128, *keys, b->rng).error(),
            ResponseCode::kInternalError);
}

// Checks REQ-HS-013: a T_RAND is refused until the clock passes its expiry, then may be taken
// again; vendor, model and serial are part of the key.
TEST_P(PortContract, ReplayCacheRefusesARepeatUntilItsExpiry) {
  auto b = make();
  const std::array<std::uint8_t, 8> r{1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(b->replay().remember(kTerminal, r, 1300, 1000), tms::ReplayVerdict::kFresh);
  EXPECT_EQ(b->replay().remember(kTerminal, r, 1300, 1100), tms::ReplayVerdict::kSeen);
  EXPECT_EQ(b->replay().remember(kTerminal, r, 1400, 1300), tms::ReplayVerdict::kSeen);
  EXPECT_EQ(b->replay().remember({"VEND0001", "POS-X1", "SN2"}, r, 1300, 1100), tms::ReplayVerdict::kFresh);
  EXPECT_EQ(b->replay().remember(kTerminal, r, 1601, 1301), tms::ReplayVerdict::kFresh);
  EXPECT_EQ(b->replay().remember(kTerminal, r, 1601, 1400), tms::ReplayVerdict::kSeen);
}

// Checks REQ-HS-019: full of entries that may not yet go, the cache refuses (kFull) and remembers
// nothing; once one has expired it makes room by forgetting only that one.
TEST_P(PortContract, FullReplayCacheRefusesRatherThanForgetEarly) {
  auto b = make(2);
  const std::array<std::uint8_t, 8> r1{1}, r2{2}, r3{3};
  EXPECT_EQ(b->replay().remember(kTerminal, r1, 1100, 1000), tms::ReplayVerdict::kFresh);
  EXPECT_EQ(b->replay().remember(kTerminal, r2, 1300, 1000), tms::ReplayVerdict::kFresh);
  EXPECT_EQ(b->replay().remember(kTerminal, r3, 1300, 1050), tms::ReplayVerdict::kFull);
  EXPECT_EQ(b->replay().remember(kTerminal, r1, 1100, 1050), tms::ReplayVerdict::kSeen);
  EXPECT_EQ(b->replay().remember(kTerminal, r3, 1400, 1101), tms::ReplayVerdict::kFresh);  // r1 expired
  EXPECT_EQ(b->replay().remember(kTerminal, r2, 1300, 1102), tms::ReplayVerdict::kSeen);
  EXPECT_EQ(b->replay().remember(kTerminal, r3, 1400, 1103), tms::ReplayVerdict::kSeen);
}

// Checks REQ-DL-042: every report kept, oldest first, per terminal.
TEST_P(PortContract, ReportsKeepEachTerminalsHistory) {
  auto b = make();
  codec::TerminalInfo first;
  first.hardware_id = "HW-1";
  first.firmware_id = "FW-1";
  first.packages.push_back({codec::PackageKind::kApplication, "PAY", 3});
  first.faults = {"PRINTER"};
  codec::TerminalInfo second = first;
  second.firmware_id = "FW-2";
  second.key_slots.push_back({1, Bytes{1, 2, 3, 4, 5}});
  ASSERT_TRUE(b->reports().record(kTerminal, first, 100).ok());
  ASSERT_TRUE(b->reports().record({"VEND0001", "POS-X1", "SN2"}, second, 150).ok());
  ASSERT_TRUE(b->reports().record(kTerminal, second, 200).ok());
  EXPECT_EQ(b->report_history(kTerminal), (std::vector<codec::TerminalInfo>{first, second}));
  EXPECT_EQ(b->report_history({"VEND0001", "POS-X1", "SN2"}), std::vector<codec::TerminalInfo>{second});
}

// Checks REQ-TMS-005, REQ-HS-018, REQ-TMS-026: an audit record reads back as it was written, every
// field, in order of appending.
TEST_P(PortContract, AuditRecordsReadBackAsWritten) {
  auto b = make();
  tms::AuditRecord full;
  full.id = kTerminal;
  full.trans = TransCode::kProgramDownload;
  full.profile = Profile::kAes256;
  full.outcome = ResponseCode::kSuccess;
  full.offered = {"A PAY v3", "P PARAMS v7"};
  full.terminal_result = ResponseCode::kApplyFailed;
  full.served_by = "VEND0001";
  full.offers_calls = 1;
  full.piece_calls = 17;
  tms::AuditRecord refused;
  refused.id = {"VEND0009", "POS-X1", "SN1"};
  refused.outcome = ResponseCode::kTerminalNotServed;
  refused.not_served_reason = ResponseCode::kUnknownVendor;
  b->audit().record(full);
  b->audit().record(refused);
  const auto records = b->audit_records();
  ASSERT_EQ(records.size(), 2u);
  const auto same = [](const tms::AuditRecord& a, const tms::AuditRecord& e) {
    EXPECT_EQ(a.id, e.id);
    EXPECT_EQ(a.trans, e.trans);
    EXPECT_EQ(a.profile, e.profile);
    EXPECT_EQ(a.outcome, e.outcome);
    EXPECT_EQ(a.not_served_reason, e.not_served_reason);
    EXPECT_EQ(a.offered, e.offered);
    EXPECT_EQ(a.terminal_result, e.terminal_result);
    EXPECT_EQ(a.served_by, e.served_by);
    EXPECT_EQ(a.offers_calls, e.offers_calls);
    EXPECT_EQ(a.piece_calls, e.piece_calls);
  };
  same(records[0], full);
  same(records[1], refused);
}

// Checks REQ-SRV-011: a terminal's lease is one session's until it is released or expires: a
// second take before then is 24, a release with another token changes nothing, and an expired
// lease is taken over.
TEST_P(PortContract, LeaseIsOneSessionsUntilReleasedOrExpired) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  auto& r = b->registry();
  const codec::Identity other{"VEND0001", "POS-X1", "SN2"};
  auto first = r.take_lease(kTerminal, 1000, 1600);
  ASSERT_TRUE(first.ok());
  EXPECT_NE(*first, 0u);
  EXPECT_EQ(r.take_lease(kTerminal, 1001, 1601).error(), ResponseCode::kResourceLimit);
  EXPECT_TRUE(r.take_lease(other, 1001, 1601).ok()) << "each terminal has its own lease";
  r.release_lease(kTerminal, *first + 1);
  EXPECT_EQ(r.take_lease(kTerminal, 1002, 1602).error(), ResponseCode::kResourceLimit);
  r.release_lease(kTerminal, *first);
  auto second = r.take_lease(kTerminal, 1003, 1603);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  EXPECT_EQ(r.take_lease(kTerminal, 1603, 2203).error(), ResponseCode::kResourceLimit) << "held to its last second";
  auto taken_over = r.take_lease(kTerminal, 1604, 2204);
  ASSERT_TRUE(taken_over.ok());
  r.release_lease(kTerminal, *second);  // the expired session ends late: the new lease stays
  EXPECT_EQ(r.take_lease(kTerminal, 1605, 2205).error(), ResponseCode::kResourceLimit);
}

// Checks REQ-KEY-023: each confirmed delivery of a key set is recorded for its terminal.
TEST_P(PortContract, KeySetDeliveryIsRecorded) {
  auto b = make();
  (void)b->add_terminal(kTerminal, Profile::kAes128, false);
  b->add_key_set(kTerminal, sim::key_set_definition_for(Profile::kAes128, 1, "TMK00001"));
  b->registry().key_set_delivered(kTerminal, "TMK00001");
  b->registry().key_set_delivered(kTerminal, "TMK00001");
  EXPECT_EQ(b->delivered(kTerminal), (std::vector<std::string>{"TMK00001", "TMK00001"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, PortContract, ::testing::ValuesIn(kBackends),
                         [](const auto& test_info) { return test_info.param.name; });

// REQ-SRV-012 on both databases: a database and a way to open another instance's store on it.
struct StoreKind {
  std::string name;
  // Returns a function that opens one more store (an instance) on one new database.
  std::function<std::function<std::unique_ptr<TmsStore>()>()> database;
};
void PrintTo(const StoreKind& k, std::ostream* os) { *os << k.name; }

std::function<std::unique_ptr<TmsStore>()> sqlite_database() {
  auto dir = std::make_shared<TempDir>();
  auto rng = std::make_shared<crypto::DeterministicRandom>(7);
  return [dir, rng] {
    auto s = TmsStore::open(dir->path(), *rng, contract_options(100));
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(s).value() : nullptr;
  };
}

#ifdef TMSPROTO_CONTRACT_POSTGRESQL
std::function<std::unique_ptr<TmsStore>()> postgresql_database() {
  const std::string url = fresh_database();
  return [url] {
    auto s = open_pg(url, contract_options(100));
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(s).value() : nullptr;
  };
}
#endif

const StoreKind kStores[] = {
    {"Sqlite", sqlite_database},
#ifdef TMSPROTO_CONTRACT_POSTGRESQL
    {"Postgresql", postgresql_database},
#endif
};

class InstanceNames : public ::testing::TestWithParam<StoreKind> {};

// Checks REQ-SRV-012 with REQ-SRV-011: an instance that claims its name again (its restart) ends
// the leases its previous run held, and no other instance's.
TEST_P(InstanceNames, ClaimingANameEndsThatNamesLeasesAndNoOthers) {
  auto open = GetParam().database();
  const codec::Identity other{"VEND0001", "POS-X1", "SN2"};
  auto a = open();
  auto b = open();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->claim_instance("host-a:7700").ok());
  ASSERT_TRUE(b->claim_instance("host-b:7700").ok());
  ASSERT_TRUE(a->registry().take_lease(kTerminal, 1000, 1600).ok());
  ASSERT_TRUE(b->registry().take_lease(other, 1000, 1600).ok());
  a.reset();  // killed: its lease stays in the database

  EXPECT_EQ(b->registry().take_lease(kTerminal, 1001, 1601).error(), ResponseCode::kResourceLimit);
  auto restarted = open();
  ASSERT_TRUE(restarted);
  auto released = restarted->claim_instance("host-a:7700");
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_EQ(*released, 1);
  EXPECT_TRUE(b->registry().take_lease(kTerminal, 1002, 1602).ok()) << "the killed run's lease ended";
  EXPECT_EQ(restarted->registry().take_lease(other, 1002, 1602).error(), ResponseCode::kResourceLimit)
      << "the other instance's lease is its own";
  EXPECT_EQ(*restarted->claim_instance("host-a:7700"), 0) << "a second claim by the holder finds none";
}

// Checks REQ-SRV-012: a name a running instance holds is refused to another instance until the
// holder closes its store; other names are not affected.
TEST_P(InstanceNames, ANameHeldByARunningInstanceIsRefusedUntilItsStoreCloses) {
  auto open = GetParam().database();
  auto first = open();
  auto second = open();
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->claim_instance("pos-tms-1").ok());
  auto refused = second->claim_instance("pos-tms-1");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("'pos-tms-1'"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(second->claim_instance("pos-tms-2").ok());
  first.reset();
  auto third = open();
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->claim_instance("pos-tms-1").ok()) << "a closed store's name is free";
}

INSTANTIATE_TEST_SUITE_P(Stores, InstanceNames, ::testing::ValuesIn(kStores),
                         [](const auto& test_info) { return test_info.param.name; });

}  // namespace
}  // namespace tmsproto::store
