#include "sim/memory_ports.h"

#include <algorithm>

#include "crypto/kcv.h"
#include "tms/operator_lock.h"
#include "session/download_math.h"
#include "vendor/sign_package.h"

namespace tmsproto::sim {

Result<void, ResponseCode> MemoryKeyStore::install(const std::vector<terminal::DeliveredKey>& keys) {
  if (fail_next) {
    fail_next = false;
    return fail(ResponseCode::kKeyStorageFailed);
  }
  // All or none: nothing can fail here; a slot installed again is replaced (REQ-KEY-026).
  for (const auto& k : keys) {
    slots[k.slot] = k.key.clone();
    algorithms[k.slot] = k.algorithm;
  }
  return {};
}

// REQ-DL-041: the KCV of each key held (REQ-CRYPTO-009: 3 octets for TDES, 5 for AES).
std::vector<codec::HeldKey> MemoryKeyStore::held() {
  std::vector<codec::HeldKey> out;
  for (const auto& [slot, key] : slots) {
    const bool aes = algorithms[slot] == 'A';
    auto full = crypto::kcv(aes ? crypto::Cipher::kAes : crypto::Cipher::kTdes, key.view());
    if (!full.ok()) continue;  // a key the secure unit cannot check is not reported as held
    out.push_back({slot, Bytes(full->begin(), full->begin() + (aes ? 5 : 3))});
  }
  return out;
}

std::vector<codec::InstalledPackage> MemoryPackageStore::installed() {
  std::vector<codec::InstalledPackage> out;
  for (const auto& [key, p] : packages) out.push_back({key.first, key.second, p.version});
  return out;
}

std::uint32_t MemoryPackageStore::installed_version(codec::PackageKind kind, const std::string& name) {
  auto it = packages.find({kind, name});
  return it == packages.end() ? 0 : it->second.version;
}

void MemoryPackageStore::keep_only(const codec::Manifest& m, const terminal::ManifestId& id) {
  for (auto it = staging_.begin(); it != staging_.end();) {
    if (it->first != id && it->second.kind == m.kind && it->second.name == m.name) it = staging_.erase(it);
    else ++it;
  }
  auto& s = staging_[id];
  s.kind = m.kind;
  s.name = m.name;
}

std::optional<Bytes> MemoryPackageStore::staged_fit(const terminal::ManifestId& id) {
  auto it = staging_.find(id);
  if (it == staging_.end()) return std::nullopt;
  return it->second.fit;
}

void MemoryPackageStore::stage_fit(const terminal::ManifestId& id, ByteView fit) {
  staging_[id].fit = Bytes(fit.begin(), fit.end());
}

bool MemoryPackageStore::has_piece(const terminal::ManifestId& id, std::uint32_t index) {
  auto it = staging_.find(id);
  return it != staging_.end() && it->second.pieces.count(index) != 0;
}

void MemoryPackageStore::stage_piece(const terminal::ManifestId& id, std::uint32_t index, ByteView data) {
  staging_[id].pieces[index] = Bytes(data.begin(), data.end());
  ++pieces_staged;
}

std::optional<Bytes> MemoryPackageStore::read_piece(const terminal::ManifestId& id, std::uint32_t index) {
  auto it = staging_.find(id);
  if (it == staging_.end()) return std::nullopt;
  auto p = it->second.pieces.find(index);
  if (p == it->second.pieces.end()) return std::nullopt;
  return p->second;
}

void MemoryPackageStore::discard(const terminal::ManifestId& id) { staging_.erase(id); }

void MemoryPackageStore::record_refused_apply(const codec::Manifest& m) {
  applies[{m.kind, m.name}] = {{m.kind, m.name, m.version}, ResponseCode::kIntegrityFailed};  // REQ-DL-041
}

Result<void, ResponseCode> MemoryPackageStore::apply(const codec::Manifest& m, const terminal::ManifestId& id) {
  codec::LastApply& attempt = applies[{m.kind, m.name}];  // REQ-DL-041: the last attempt, whatever its outcome
  attempt = {{m.kind, m.name, m.version}, ResponseCode::kApplyFailed};
  if (fail_apply) return fail(ResponseCode::kApplyFailed);
  auto it = staging_.find(id);
  if (it == staging_.end()) return fail(ResponseCode::kApplyFailed);
  Installed next{m.version, {}};
  for (const auto& [index, piece] : it->second.pieces) next.content.insert(next.content.end(), piece.begin(), piece.end());
  if (m.kind == codec::PackageKind::kMaster) {
    // REQ-DL-050: into the slot that is not running, to start at the next start.
    if (!master) master.emplace();
    master->install(m.version);
    master_name = m.name;
    master_pending = std::move(next.content);
  } else {
    packages[{m.kind, m.name}] = std::move(next);  // one assignment: old or new, never a mix (REQ-SEC-009)
  }
  staging_.erase(it);
  attempt.result = ResponseCode::kSuccess;
  return {};
}

std::vector<codec::LastApply> MemoryPackageStore::last_apply() {
  std::vector<codec::LastApply> out;
  for (const auto& [key, a] : applies) out.push_back(a);
  return out;
}

std::optional<codec::MasterApp> MemoryPackageStore::master_app() {
  if (!master || master->running_version() == 0) return std::nullopt;
  return master->report();
}

void MemoryPackageStore::install_master(const std::string& name, std::uint32_t version) {
  master.emplace();
  master->version = {version, 0};
  master_name = name;
  packages[{codec::PackageKind::kMaster, name}] = Installed{version, {}};
}

void MemoryPackageStore::restart(bool comes_up) {
  if (!master) return;
  if (master->start(comes_up)) {  // REQ-DL-051: the installed version is the one that runs
    packages[{codec::PackageKind::kMaster, master_name}] = Installed{master->running_version(), std::move(master_pending)};
    master_pending.clear();
  }
}

Result<const tms::TerminalRecord*, ResponseCode> MemoryRegistry::lookup(const codec::Identity& id) {
  bool vendor = false, model = false;
  for (const auto& [key, t] : terminals) {
    if (std::get<0>(key) != id.vendor_id) continue;
    vendor = true;
    if (std::get<1>(key) != id.model_id) continue;
    model = true;
    if (std::get<2>(key) == id.serial_no) return &t.record;
  }
  if (!vendor) return fail(ResponseCode::kUnknownVendor);
  if (!model) return fail(ResponseCode::kUnknownModel);
  return fail(ResponseCode::kTerminalNotServed);
}

const std::vector<tms::KeySetSlot>* MemoryRegistry::key_set(const codec::Identity& id, const std::string& key_set_id) {
  auto t = terminals.find({id.vendor_id, id.model_id, id.serial_no});
  if (t == terminals.end()) return nullptr;
  auto k = t->second.key_sets.find(key_set_id);
  return k == t->second.key_sets.end() ? nullptr : &k->second;
}

tms::OperatorRecord MemoryRegistry::operator_record(const std::string& vendor_id, const std::string& operator_id,
                                                    TransCode trans) {
  for (const auto& o : operators) {
    if (o.vendor_id != vendor_id || o.operator_id != operator_id) continue;
    tms::OperatorRecord r{o.salt, o.iterations, std::nullopt, o.lock};
    if (trans != TransCode::kKeyDownload || o.may_download_keys) r.opv = o.opv().clone();  // REQ-OPR-004
    return r;
  }
  // REQ-OPR-007: an ID nobody enrolled gets a salt of the same shape as an enrolled one's.
  auto decoy = tms::decoy_operator_salt(decoy_key_.view(), vendor_id, operator_id);
  return tms::OperatorRecord{decoy.ok() ? *decoy : codec::OperatorSalt{}, enrolment_iterations, std::nullopt, {}};
}

Result<std::uint64_t, ResponseCode> MemoryRegistry::take_lease(const codec::Identity& id, std::int64_t now_s,
                                                               std::int64_t expires_s) {
  Lease& lease = leases_[{id.vendor_id, id.model_id, id.serial_no}];
  if (lease.token != 0 && now_s <= lease.expires_s) return fail(ResponseCode::kResourceLimit);  // REQ-SRV-011
  lease = Lease{++last_token_, expires_s};
  return lease.token;
}

void MemoryRegistry::release_lease(const codec::Identity& id, std::uint64_t token) {
  auto it = leases_.find({id.vendor_id, id.model_id, id.serial_no});
  if (it != leases_.end() && it->second.token == token) leases_.erase(it);
}

tms::OperatorLock MemoryRegistry::operator_checked(const std::string& vendor_id, const std::string& operator_id,
                                                   bool passed, std::int64_t now_s) {
  for (auto& o : operators) {
    if (o.vendor_id != vendor_id || o.operator_id != operator_id) continue;
    o.lock = passed ? tms::OperatorLock{} : tms::after_failure(o.lock, now_s);  // REQ-OPR-006
    return o.lock;
  }
  return {};
}

Result<void, tms::RegistrationError> MemoryRegistry::register_key_set(const codec::Identity& id,
                                                                    const std::string& key_set_id,
                                                                    std::vector<tms::KeySetSlot> slots) {
  Terminal& t = terminals.at({id.vendor_id, id.model_id, id.serial_no});
  auto ok = tms::check_key_set(t.record.profile, slots);  // REQ-KEY-014
  if (!ok.ok()) return ok;
  t.key_sets[key_set_id] = std::move(slots);
  return {};
}

void MemoryRegistry::enrol_operator(const std::string& vendor_id, const std::string& operator_id, ByteView password,
                                    crypto::RandomSource& rng, bool may_download_keys) {
  Operator o{vendor_id, operator_id, {}, enrolment_iterations, crypto::SecretBytes(password), may_download_keys, {}, {}};
  rng.fill(o.salt);  // REQ-OPR-002: a fresh salt per operator
  operators.push_back(std::move(o));
}

const crypto::SecretBytes& MemoryRegistry::Operator::opv() const {
  if (derived_opv.empty()) {
    derived_opv =
        std::move(profile::operator_verifier(password.view(), vendor_id, operator_id, salt, iterations)).value();
  }
  return derived_opv;
}

void MemoryRegistry::key_set_delivered(const codec::Identity& id, const std::string& key_set_id) {
  auto t = terminals.find({id.vendor_id, id.model_id, id.serial_no});
  if (t != terminals.end()) t->second.delivered_key_sets.push_back(key_set_id);
}

bool MemoryRegistry::unattended_allowed(const codec::Identity& id) {
  auto t = terminals.find({id.vendor_id, id.model_id, id.serial_no});
  return t != terminals.end() && t->second.unattended_allowed;
}

tms::ReplayVerdict MemoryReplayCache::remember(const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand,
                                               std::int64_t expires_s, std::int64_t now_s) {
  const Key key{id.vendor_id, id.model_id, id.serial_no, t_rand};
  const auto found = seen_.find(key);
  if (found != seen_.end() && now_s <= found->second) return tms::ReplayVerdict::kSeen;  // REQ-HS-013
  if (found == seen_.end() && seen_.size() >= capacity_) {
    std::erase_if(seen_, [now_s](const auto& entry) { return now_s > entry.second; });  // only what may go
    if (seen_.size() >= capacity_) return tms::ReplayVerdict::kFull;  // REQ-HS-019: never forget early
  }
  seen_[key] = expires_s;
  return tms::ReplayVerdict::kFresh;
}

Result<std::vector<codec::Offer>, tms::VendorError> MemoryVendor::offers(const tms::OffersQuery& q) {
  offers_calls.push_back(q);
  if (fail) return tmsproto::fail(tms::VendorError::kUnavailable);
  // REQ-TMS-027: only its own vendor's terminals.
  if (q.vendor_id != vendor_id || unknown_serials.count(q.serial_no) != 0) {
    return tmsproto::fail(tms::VendorError::kNotFound);
  }
  std::vector<codec::Offer> out;
  for (const auto& p : packages) out.push_back(p.offer);
  return out;
}

Result<Bytes, tms::VendorError> MemoryVendor::piece(const tms::PieceQuery& q) {
  piece_calls.push_back(q);
  if (fail) return tmsproto::fail(tms::VendorError::kUnavailable);
  if (q.vendor_id != vendor_id) return tmsproto::fail(tms::VendorError::kNotFound);  // REQ-TMS-027
  const codec::Manifest& m = q.manifest;
  for (const auto& p : packages) {
    if (!(p.offer.manifest == m)) continue;
    const Bytes& src = q.section == codec::Section::kFit ? p.fit : p.content;
    const std::size_t start = std::size_t{q.index} * m.chunk_size;
    if (start >= src.size()) return tmsproto::fail(tms::VendorError::kNotFound);
    // A database whose content is shorter than its manifest says returns what it has; the engine
    // then refuses the piece (96, REQ-TMS-025) rather than this reading past the end.
    const std::size_t len =
        std::min<std::size_t>(session::piece_length(m, q.section, q.index), src.size() - start);
    return Bytes(src.begin() + static_cast<std::ptrdiff_t>(start),
                 src.begin() + static_cast<std::ptrdiff_t>(start + len));
  }
  return tmsproto::fail(tms::VendorError::kNotFound);
}

Result<void, ResponseCode> MemoryReports::record(const codec::Identity& id, const codec::TerminalInfo& report,
                                                 std::int64_t received_s) {
  if (fail) return tmsproto::fail(ResponseCode::kInternalError);
  history.push_back({id, report, received_s});
  return {};
}

const codec::TerminalInfo* MemoryReports::latest(const codec::Identity& id) const {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->id == id) return &it->report;
  }
  return nullptr;
}

tms::VendorInterface* MemoryVendorDirectory::find(const std::string& vendor_id) {
  auto it = vendors.find(vendor_id);
  return it == vendors.end() ? nullptr : &it->second;
}

MemoryVendor::Package make_package(codec::PackageKind kind, const std::string& name, const codec::Identity& id,
                                   std::uint32_t version, Bytes content, std::uint16_t chunk_size,
                                   ByteView signer_private_key, crypto::RandomSource& rng,
                                   std::optional<codec::ManifestScope> scope) {
  // The vendor's own tool, unchecked: tests also need packages the protocol must refuse.
  const vendor::PackageDraft draft{kind, name, id.vendor_id, id.model_id, version, chunk_size, std::move(scope)};
  vendor::SignedPackage s = vendor::sign_package_unchecked(draft, std::move(content), signer_private_key, rng);
  return {std::move(s.offer), std::move(s.content), std::move(s.fit)};
}

}  // namespace tmsproto::sim
