#include "store/sqlite_ports.h"

#include "store/key_wrap.h"
#include "tms/registration.h"

namespace tmsproto::store {

std::string dmk_record(const codec::Identity& id) {
  return "DMK " + id.vendor_id + "/" + id.model_id + "/" + id.serial_no;
}

std::string key_record(const codec::Identity& id, const std::string& key_set_id, std::uint8_t slot) {
  return "KEY " + id.vendor_id + "/" + id.model_id + "/" + id.serial_no + "/" + key_set_id + "/" + std::to_string(slot);
}

std::string opv_record(const std::string& vendor_id, const std::string& operator_id) {
  return "OPV " + vendor_id + "/" + operator_id;
}

Result<const tms::TerminalRecord*, ResponseCode> SqlRegistry::lookup(const codec::Identity& id) {
  // REQ-STORE-007: asked afresh each session. REQ-HS-010: 04, 05, 06 in that order.
  Stmt s(c_.db,
         "SELECT (SELECT count(*) FROM vendors WHERE vendor_id = ?1),"
         " (SELECT count(*) FROM models WHERE vendor_id = ?1 AND model_id = ?2),"
         " (SELECT profile FROM terminals WHERE vendor_id = ?1 AND model_id = ?2 AND serial_no = ?3),"
         " (SELECT legacy_enabled FROM terminals WHERE vendor_id = ?1 AND model_id = ?2 AND serial_no = ?3)");
  s.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no);
  if (!s.step()) return fail(ResponseCode::kInternalError);
  if (s.integer(0) == 0) return fail(ResponseCode::kUnknownVendor);
  if (s.integer(1) == 0) return fail(ResponseCode::kUnknownModel);
  if (s.is_null(2)) return fail(ResponseCode::kTerminalNotServed);
  const auto profile = profile_from_octet(static_cast<std::uint8_t>(s.integer(2)));
  if (!profile) return fail(ResponseCode::kInternalError);
  record_ = tms::TerminalRecord{*profile, s.integer(3) != 0};
  return &record_;
}

const std::vector<tms::KeySetSlot>* SqlRegistry::key_set(const codec::Identity& id, const std::string& key_set_id) {
  Stmt s(c_.db,
         "SELECT slot, key_usage, algorithm, mode_of_use, key_length FROM key_set_slots"
         " WHERE vendor_id = ? AND model_id = ? AND serial_no = ? AND key_set_id = ? ORDER BY slot");
  s.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no).bind(4, key_set_id);
  slots_.clear();
  while (s.step()) {
    const std::string algorithm = s.text(2), mode = s.text(3);
    if (algorithm.size() != 1 || mode.size() != 1) return nullptr;
    slots_.push_back({static_cast<std::uint8_t>(s.integer(0)),
                      profile::SlotRule{s.text(1), algorithm[0], mode[0], static_cast<std::size_t>(s.integer(4))}});
  }
  // REQ-KEY-013: no rows (or a failed read) is "not registered".
  if (s.error() || slots_.empty()) return nullptr;
  return &slots_;
}

tms::OperatorRecord SqlRegistry::decoy(const std::string& vendor_id, const std::string& operator_id) const {
  // REQ-OPR-007: the same salt every session, derived rather than stored, so that it survives a
  // restart and costs no row per guessed ID.
  auto salt = tms::decoy_operator_salt(c_.decoy_key.view(), vendor_id, operator_id);
  return tms::OperatorRecord{salt.ok() ? *salt : codec::OperatorSalt{}, c_.options.enrolment_iterations,
                             std::nullopt, {}};
}

tms::OperatorRecord SqlRegistry::operator_record(const std::string& vendor_id, const std::string& operator_id,
                                                 TransCode trans) {
  Stmt s(c_.db,
         "SELECT salt, iterations, opv_block, may_download_keys, consecutive_failures, locked_until_s"
         " FROM operators WHERE vendor_id = ? AND operator_id = ?");
  s.bind(1, vendor_id).bind(2, operator_id);
  if (!s.step()) return decoy(vendor_id, operator_id);
  const Bytes salt = s.blob(0);
  tms::OperatorRecord r = decoy(vendor_id, operator_id);
  if (salt.size() != r.salt.size()) return r;
  std::copy(salt.begin(), salt.end(), r.salt.begin());
  r.iterations = static_cast<std::uint32_t>(s.integer(1));
  r.lock = tms::OperatorLock{static_cast<std::uint32_t>(s.integer(4)), s.integer(5)};  // REQ-OPR-006
  if (trans != TransCode::kKeyDownload || s.integer(3) != 0) {  // REQ-OPR-004
    // REQ-STORE-004: the verifier is unwrapped only for the check that needs it. One that does not
    // unwrap leaves opv empty, which the engine answers as a failed check (25).
    auto opv = unwrap_at_rest(c_.storage_key.view(), opv_record(vendor_id, operator_id), opv_header(), s.text(2));
    if (opv.ok()) r.opv = std::move(opv).value();
  }
  return r;
}

void SqlRegistry::set_operator_lock(const std::string& vendor_id, const std::string& operator_id,
                                    const tms::OperatorLock& lock) {
  // REQ-STORE-008: the count and the lock's end are in the database the moment the check ends:
  // a FULL transaction of its own, whatever the connection's last write was.
  auto tx = Transaction::begin(c_.db, Durability::kFull);
  if (!tx.ok()) return;
  Stmt s(c_.db,
         "UPDATE operators SET consecutive_failures = ?, locked_until_s = ? WHERE vendor_id = ? AND operator_id = ?");
  s.bind(1, std::int64_t{lock.consecutive_failures}).bind(2, lock.locked_until_s).bind(3, vendor_id).bind(4, operator_id);
  if (s.run().ok()) (void)tx->commit();
}

bool SqlRegistry::unattended_allowed(const codec::Identity& id) {
  Stmt s(c_.db, "SELECT unattended_allowed FROM terminals WHERE vendor_id = ? AND model_id = ? AND serial_no = ?");
  s.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no);
  return s.step() && s.integer(0) != 0;  // REQ-OPR-005: unknown or unreadable is "no"
}

void SqlRegistry::key_set_delivered(const codec::Identity& id, const std::string& key_set_id) {
  // REQ-STORE-015: relaxed; a delivery lost to an OS crash is a repeated download (REQ-KEY-026).
  auto tx = Transaction::begin(c_.db, Durability::kRelaxed);
  if (!tx.ok()) return;
  Stmt s(c_.db,
         "INSERT INTO key_set_deliveries(vendor_id, model_id, serial_no, key_set_id)"
         " SELECT vendor_id, model_id, serial_no, ? FROM terminals"
         " WHERE vendor_id = ? AND model_id = ? AND serial_no = ?");
  s.bind(1, key_set_id).bind(2, id.vendor_id).bind(3, id.model_id).bind(4, id.serial_no);
  if (s.run().ok()) (void)tx->commit();  // REQ-KEY-023
}

}  // namespace tmsproto::store
