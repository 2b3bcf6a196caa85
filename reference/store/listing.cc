// What an operator reads back: vendors, models, terminals, operators, reports, the audit log.
// Never a key: terminals show the DMK's check value (REQ-KEY-005).
#include <sstream>

#include "store/key_wrap.h"
#include "store/store_impl.h"
#include "tms/registration.h"

namespace tmsproto::store {
namespace {

template <class T>
Result<std::vector<T>, StoreError> finish(Stmt& s, std::vector<T> rows) {
  if (s.error()) return fail(*s.error());
  return rows;
}

std::optional<ResponseCode> code_at(const Stmt& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return static_cast<ResponseCode>(s.integer(col));
}

std::vector<std::string> strings_at(Stmt& s, int col, char sep) {
  std::vector<std::string> out;
  std::istringstream in(s.text(col));
  for (std::string line; std::getline(in, line, sep);) out.push_back(line);
  return out;
}

}  // namespace

Result<std::vector<VendorRow>, StoreError> TmsStore::vendors() {
  Stmt s(impl_->c.db, "SELECT vendor_id, signing_public_key, adapter FROM vendors ORDER BY vendor_id");
  std::vector<VendorRow> rows;
  while (s.step()) rows.push_back({s.text(0), s.blob(1), s.text(2)});
  return finish(s, std::move(rows));
}

Result<std::vector<ModelRow>, StoreError> TmsStore::models() {
  Stmt s(impl_->c.db, "SELECT vendor_id, model_id FROM models ORDER BY vendor_id, model_id");
  std::vector<ModelRow> rows;
  while (s.step()) rows.push_back({s.text(0), s.text(1)});
  return finish(s, std::move(rows));
}

Result<std::vector<TerminalRow>, StoreError> TmsStore::terminals() {
  StoreContext& c = impl_->c;
  Stmt s(c.db,
         "SELECT t.vendor_id, t.model_id, t.serial_no, t.profile, t.legacy_enabled, t.unattended_allowed,"
         " (SELECT group_concat(key_set_id, ',') FROM (SELECT key_set_id FROM key_sets k WHERE k.vendor_id = t.vendor_id"
         "   AND k.model_id = t.model_id AND k.serial_no = t.serial_no ORDER BY key_set_id)),"
         " (SELECT group_concat(key_set_id, ',') FROM (SELECT key_set_id FROM key_set_deliveries d"
         "   WHERE d.vendor_id = t.vendor_id AND d.model_id = t.model_id AND d.serial_no = t.serial_no ORDER BY seq))"
         " FROM terminals t ORDER BY t.vendor_id, t.model_id, t.serial_no");
  std::vector<TerminalRow> rows;
  while (s.step()) {
    TerminalRow r;
    r.id = {s.text(0), s.text(1), s.text(2)};
    r.profile = profile_from_octet(static_cast<std::uint8_t>(s.integer(3))).value_or(Profile::kAes128);
    r.legacy_enabled = s.integer(4) != 0;
    r.unattended_allowed = s.integer(5) != 0;
    r.key_sets = strings_at(s, 6, ',');
    r.delivered_key_sets = strings_at(s, 7, ',');
    rows.push_back(std::move(r));
  }
  if (s.error()) return fail(*s.error());
  // REQ-KEY-005: the check value, computed from the DMK unwrapped for that moment only.
  for (TerminalRow& r : rows) {
    Stmt k(c.db, "SELECT dmk_block FROM terminals WHERE vendor_id = ? AND model_id = ? AND serial_no = ?");
    k.bind(1, r.id.vendor_id).bind(2, r.id.model_id).bind(3, r.id.serial_no);
    if (!k.step()) return fail(k.error() ? *k.error() : StoreError{"terminal vanished while listing"});
    auto dmk = unwrap_at_rest(c.storage_key.view(), dmk_record(r.id), dmk_header(r.profile), k.text(0));
    if (!dmk.ok()) return fail(dmk.error());
    auto kcv = tms::dmk_check_value(r.profile, dmk->view());
    if (kcv.ok()) r.dmk_check_value = std::move(kcv).value();
  }
  return rows;
}

Result<std::vector<OperatorRow>, StoreError> TmsStore::operators() {
  Stmt s(impl_->c.db,
         "SELECT vendor_id, operator_id, iterations, may_download_keys, consecutive_failures, locked_until_s"
         " FROM operators ORDER BY vendor_id, operator_id");
  std::vector<OperatorRow> rows;
  while (s.step()) {
    rows.push_back({s.text(0), s.text(1), static_cast<std::uint32_t>(s.integer(2)), s.integer(3) != 0,
                    tms::OperatorLock{static_cast<std::uint32_t>(s.integer(4)), s.integer(5)}});
  }
  return finish(s, std::move(rows));
}

Result<std::string, StoreError> TmsStore::key_set_definition(const codec::Identity& id, const std::string& key_set_id) {
  Stmt s(impl_->c.db,
         "SELECT definition FROM key_sets WHERE vendor_id = ? AND model_id = ? AND serial_no = ? AND key_set_id = ?");
  s.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no).bind(4, key_set_id);
  if (s.step()) return s.text(0);
  if (s.error()) return fail(*s.error());
  return fail(StoreError{"key set " + key_set_id + " is not registered for " + id.vendor_id + "/" + id.model_id + "/" +
                         id.serial_no});
}

Result<std::vector<ReportRow>, StoreError> TmsStore::report_history(const codec::Identity& id) {
  Stmt s(impl_->c.db,
         "SELECT received_s, term_info FROM reports WHERE vendor_id = ? AND model_id = ? AND serial_no = ? ORDER BY seq");
  s.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no);
  std::vector<ReportRow> rows;
  while (s.step()) {
    const Bytes body = s.blob(1);
    auto info = codec::parse_terminal_info(body);
    if (!info.ok()) return fail(StoreError{"report of " + id.vendor_id + "/" + id.serial_no + " does not parse"});
    rows.push_back({id, s.integer(0), std::move(info).value()});
  }
  return finish(s, std::move(rows));
}

Result<std::optional<ReportRow>, StoreError> TmsStore::latest_report(const codec::Identity& id) {
  auto history = report_history(id);
  if (!history.ok()) return fail(history.error());
  if (history->empty()) return std::optional<ReportRow>{};
  return std::optional<ReportRow>{std::move(history->back())};
}

Result<std::vector<AuditRow>, StoreError> TmsStore::audit_log() {
  Stmt s(impl_->c.db,
         "SELECT seq, vendor_id, model_id, serial_no, trans, profile, outcome, not_served_reason, offered,"
         " terminal_result, served_by, offers_calls, piece_calls FROM audit ORDER BY seq");
  std::vector<AuditRow> rows;
  while (s.step()) {
    AuditRow a;
    a.seq = s.integer(0);
    tms::AuditRecord& r = a.record;
    r.id = {s.text(1), s.text(2), s.text(3)};
    if (!s.is_null(4)) r.trans = static_cast<TransCode>(s.integer(4));
    if (!s.is_null(5)) r.profile = static_cast<Profile>(s.integer(5));
    r.outcome = code_at(s, 6);
    r.not_served_reason = code_at(s, 7);
    r.offered = strings_at(s, 8, '\n');
    r.terminal_result = code_at(s, 9);
    if (!s.is_null(10)) r.served_by = s.text(10);
    r.offers_calls = static_cast<std::size_t>(s.integer(11));
    r.piece_calls = static_cast<std::size_t>(s.integer(12));
    rows.push_back(std::move(a));
  }
  return finish(s, std::move(rows));
}

}  // namespace tmsproto::store
