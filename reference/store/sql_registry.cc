#include "store/sql_ports.h"

#include "store/key_wrap.h"
#include "tms/operator_lock.h"
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
  auto r = c_.sql->query(
      "SELECT (SELECT count(*) FROM vendors WHERE vendor_id = $1),"
      " (SELECT count(*) FROM models WHERE vendor_id = $1 AND model_id = $2),"
      " (SELECT profile FROM terminals WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3),"
      " (SELECT legacy_enabled FROM terminals WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3)",
      {id.vendor_id, id.model_id, id.serial_no});
  if (!r.ok() || r->empty()) return fail(ResponseCode::kInternalError);
  if (r->integer(0, 0) == 0) return fail(ResponseCode::kUnknownVendor);
  if (r->integer(0, 1) == 0) return fail(ResponseCode::kUnknownModel);
  if (r->is_null(0, 2)) return fail(ResponseCode::kTerminalNotServed);
  const auto profile = profile_from_octet(static_cast<std::uint8_t>(r->integer(0, 2)));
  if (!profile) return fail(ResponseCode::kInternalError);
  record_ = tms::TerminalRecord{*profile, r->integer(0, 3) != 0};
  return &record_;
}

const std::vector<tms::KeySetSlot>* SqlRegistry::key_set(const codec::Identity& id, const std::string& key_set_id) {
  auto r = c_.sql->query(
      "SELECT slot, key_usage, algorithm, mode_of_use, key_length FROM key_set_slots"
      " WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 AND key_set_id = $4 ORDER BY slot",
      {id.vendor_id, id.model_id, id.serial_no, key_set_id});
  slots_.clear();
  // REQ-KEY-013: no rows (or a failed read) is "not registered".
  if (!r.ok()) return nullptr;
  for (int i = 0; i < r->size(); ++i) {
    const std::string algorithm = r->text(i, 2), mode = r->text(i, 3);
    if (algorithm.size() != 1 || mode.size() != 1) return nullptr;
    slots_.push_back({static_cast<std::uint8_t>(r->integer(i, 0)),
                      profile::SlotRule{r->text(i, 1), algorithm[0], mode[0], static_cast<std::size_t>(r->integer(i, 4))}});
  }
  if (slots_.empty()) return nullptr;
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
  auto r = c_.sql->query(
      "SELECT salt, iterations, opv_block, may_download_keys, consecutive_failures, locked_until_s"
      " FROM operators WHERE vendor_id = $1 AND operator_id = $2",
      {vendor_id, operator_id});
  if (!r.ok() || r->empty()) return decoy(vendor_id, operator_id);
  const Bytes salt = r->blob(0, 0);
  tms::OperatorRecord o = decoy(vendor_id, operator_id);
  if (salt.size() != o.salt.size()) return o;
  std::copy(salt.begin(), salt.end(), o.salt.begin());
  o.iterations = static_cast<std::uint32_t>(r->integer(0, 1));
  o.lock = tms::OperatorLock{static_cast<std::uint32_t>(r->integer(0, 4)), r->integer(0, 5)};  // REQ-OPR-006
  if (trans != TransCode::kKeyDownload || r->integer(0, 3) != 0) {  // REQ-OPR-004
    // REQ-STORE-004: the verifier is unwrapped only for the check that needs it. One that does not
    // unwrap leaves opv empty, which the engine answers as a failed check (25).
    auto opv = unwrap_at_rest(c_.storage_key.view(), opv_record(vendor_id, operator_id), opv_header(), r->text(0, 2));
    if (opv.ok()) o.opv = std::move(opv).value();
  }
  return o;
}

Result<tms::OperatorLock, StoreError> SqlRegistry::count_check(const std::string& vendor_id,
                                                               const std::string& operator_id, bool passed,
                                                               std::int64_t now_s) {
  // REQ-STORE-008: the count and the lock's end are durable the moment the check ends.
  auto tx = c_.sql->begin(Durability::kFull);
  if (!tx.ok()) return fail(tx.error());
  if (passed) {
    auto r = c_.sql->query(
        "UPDATE operators SET consecutive_failures = 0, locked_until_s = 0 WHERE vendor_id = $1 AND operator_id = $2",
        {vendor_id, operator_id});
    if (!r.ok()) return fail(r.error());
    if (auto done = (*tx)->commit(); !done.ok()) return fail(done.error());
    return tms::OperatorLock{};
  }
  // REQ-STORE-021: the failure is added to the count the database holds now, in the statement
  // that takes the row's write lock; a count read earlier is never written back.
  auto counted = c_.sql->query(
      "UPDATE operators SET consecutive_failures = consecutive_failures + 1 WHERE vendor_id = $1 AND operator_id = $2"
      " RETURNING consecutive_failures, locked_until_s",
      {vendor_id, operator_id});
  if (!counted.ok()) return fail(counted.error());
  if (counted->empty()) return tms::OperatorLock{};  // not enrolled: no state to keep (REQ-OPR-007)
  const auto failures = static_cast<std::uint32_t>(counted->integer(0, 0));
  // REQ-OPR-006: the lock's end follows from the count the database returned.
  const tms::OperatorLock next = tms::after_failure({failures - 1, counted->integer(0, 1)}, now_s);
  if (next.locked_until_s != counted->integer(0, 1)) {
    auto r = c_.sql->query("UPDATE operators SET locked_until_s = $3 WHERE vendor_id = $1 AND operator_id = $2",
                           {vendor_id, operator_id, next.locked_until_s});
    if (!r.ok()) return fail(r.error());
  }
  if (auto done = (*tx)->commit(); !done.ok()) return fail(done.error());
  return next;
}

tms::OperatorLock SqlRegistry::operator_checked(const std::string& vendor_id, const std::string& operator_id,
                                                bool passed, std::int64_t now_s) {
  auto r = count_check(vendor_id, operator_id, passed, now_s);
  // A store that cannot record the check reports no lock; the engine has already decided this
  // check (REQ-OPR-004), and the next one reads the count the database does hold.
  return r.ok() ? *r : tms::OperatorLock{};
}

bool SqlRegistry::unattended_allowed(const codec::Identity& id) {
  auto r = c_.sql->query("SELECT unattended_allowed FROM terminals WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3",
                         {id.vendor_id, id.model_id, id.serial_no});
  return r.ok() && !r->empty() && r->integer(0, 0) != 0;  // REQ-OPR-005: unknown or unreadable is "no"
}

void SqlRegistry::key_set_delivered(const codec::Identity& id, const std::string& key_set_id) {
  // REQ-STORE-015: relaxed; a delivery lost to an OS crash is a repeated download (REQ-KEY-026).
  auto tx = c_.sql->begin(Durability::kRelaxed);
  if (!tx.ok()) return;
  auto r = c_.sql->query(
      "INSERT INTO key_set_deliveries(vendor_id, model_id, serial_no, key_set_id)"
      " SELECT vendor_id, model_id, serial_no, $1 FROM terminals"
      " WHERE vendor_id = $2 AND model_id = $3 AND serial_no = $4",
      {key_set_id, id.vendor_id, id.model_id, id.serial_no});
  if (r.ok()) (void)(*tx)->commit();  // REQ-KEY-023
}

}  // namespace tmsproto::store
