// What an operator reads back: vendors, models, terminals, operators, reports, the audit log.
// Never a key: terminals show the DMK's check value (REQ-KEY-005).
#include <sstream>

#include "store/key_wrap.h"
#include "store/store_impl.h"
#include "tms/registration.h"

namespace tmsproto::store {
namespace {

std::optional<ResponseCode> code_at(const SqlRows& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return static_cast<ResponseCode>(r.integer(row, col));
}

std::vector<std::string> strings_at(const SqlRows& r, int row, int col, char sep) {
  std::vector<std::string> out;
  std::istringstream in(r.text(row, col));
  for (std::string line; std::getline(in, line, sep);) out.push_back(line);
  return out;
}

std::vector<std::string> column(const SqlRows& r, int col) {
  std::vector<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.text(i, col));
  return out;
}

}  // namespace

Result<std::vector<VendorRow>, StoreError> TmsStore::vendors() {
  auto r = impl_->c.sql->query("SELECT vendor_id, signing_public_key, adapter FROM vendors ORDER BY vendor_id");
  if (!r.ok()) return fail(r.error());
  std::vector<VendorRow> rows;
  for (int i = 0; i < r->size(); ++i) rows.push_back({r->text(i, 0), r->blob(i, 1), r->text(i, 2)});
  return rows;
}

Result<std::vector<ModelRow>, StoreError> TmsStore::models() {
  auto r = impl_->c.sql->query("SELECT vendor_id, model_id FROM models ORDER BY vendor_id, model_id");
  if (!r.ok()) return fail(r.error());
  std::vector<ModelRow> rows;
  for (int i = 0; i < r->size(); ++i) rows.push_back({r->text(i, 0), r->text(i, 1)});
  return rows;
}

Result<std::vector<TerminalRow>, StoreError> TmsStore::terminals() {
  StoreContext& c = impl_->c;
  Sql& db = *c.sql;
  auto r = db.query(
      "SELECT vendor_id, model_id, serial_no, profile, legacy_enabled, unattended_allowed, dmk_block FROM terminals"
      " ORDER BY vendor_id, model_id, serial_no");
  if (!r.ok()) return fail(r.error());
  std::vector<TerminalRow> rows;
  for (int i = 0; i < r->size(); ++i) {
    TerminalRow t;
    t.id = {r->text(i, 0), r->text(i, 1), r->text(i, 2)};
    t.profile = profile_from_octet(static_cast<std::uint8_t>(r->integer(i, 3))).value_or(Profile::kAes128);
    t.legacy_enabled = r->integer(i, 4) != 0;
    t.unattended_allowed = r->integer(i, 5) != 0;
    // One query per terminal rather than an aggregate: SQLite's group_concat and PostgreSQL's
    // string_agg differ, and the store's SQL is one text for both (sql.h).
    auto sets = db.query(
        "SELECT key_set_id FROM key_sets WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 ORDER BY key_set_id",
        {t.id.vendor_id, t.id.model_id, t.id.serial_no});
    auto delivered = db.query(
        "SELECT key_set_id FROM key_set_deliveries WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 ORDER BY seq",
        {t.id.vendor_id, t.id.model_id, t.id.serial_no});
    if (!sets.ok()) return fail(sets.error());
    if (!delivered.ok()) return fail(delivered.error());
    t.key_sets = column(*sets, 0);
    t.delivered_key_sets = column(*delivered, 0);
    // REQ-KEY-005: the check value, computed from the DMK unwrapped for that moment only.
    auto dmk = unwrap_at_rest(c.storage_key.view(), dmk_record(t.id), dmk_header(t.profile), r->text(i, 6));
    if (!dmk.ok()) return fail(dmk.error());
    auto kcv = tms::dmk_check_value(t.profile, dmk->view());
    if (kcv.ok()) t.dmk_check_value = std::move(kcv).value();
    rows.push_back(std::move(t));
  }
  return rows;
}

Result<std::vector<OperatorRow>, StoreError> TmsStore::operators() {
  auto r = impl_->c.sql->query(
      "SELECT vendor_id, operator_id, iterations, may_download_keys, consecutive_failures, locked_until_s"
      " FROM operators ORDER BY vendor_id, operator_id");
  if (!r.ok()) return fail(r.error());
  std::vector<OperatorRow> rows;
  for (int i = 0; i < r->size(); ++i) {
    rows.push_back({r->text(i, 0), r->text(i, 1), static_cast<std::uint32_t>(r->integer(i, 2)), r->integer(i, 3) != 0,
                    tms::OperatorLock{static_cast<std::uint32_t>(r->integer(i, 4)), r->integer(i, 5)}});
  }
  return rows;
}

Result<std::string, StoreError> TmsStore::key_set_definition(const codec::Identity& id, const std::string& key_set_id) {
  auto r = impl_->c.sql->query(
      "SELECT definition FROM key_sets WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 AND key_set_id = $4",
      {id.vendor_id, id.model_id, id.serial_no, key_set_id});
  if (!r.ok()) return fail(r.error());
  if (!r->empty()) return r->text(0, 0);
  return fail(StoreError{"key set " + key_set_id + " is not registered for " + id.vendor_id + "/" + id.model_id + "/" +
                         id.serial_no});
}

Result<std::vector<ReportRow>, StoreError> TmsStore::report_history(const codec::Identity& id) {
  auto r = impl_->c.sql->query(
      "SELECT received_s, term_info FROM reports WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 ORDER BY seq",
      {id.vendor_id, id.model_id, id.serial_no});
  if (!r.ok()) return fail(r.error());
  std::vector<ReportRow> rows;
  for (int i = 0; i < r->size(); ++i) {
    const Bytes body = r->blob(i, 1);
    auto info = codec::parse_terminal_info(body);
    if (!info.ok()) return fail(StoreError{"report of " + id.vendor_id + "/" + id.serial_no + " does not parse"});
    rows.push_back({id, r->integer(i, 0), std::move(info).value()});
  }
  return rows;
}

Result<std::optional<ReportRow>, StoreError> TmsStore::latest_report(const codec::Identity& id) {
  auto history = report_history(id);
  if (!history.ok()) return fail(history.error());
  if (history->empty()) return std::optional<ReportRow>{};
  return std::optional<ReportRow>{std::move(history->back())};
}

Result<std::vector<AuditRow>, StoreError> TmsStore::audit_log() {
  auto r = impl_->c.sql->query(
      "SELECT seq, vendor_id, model_id, serial_no, trans, profile, outcome, not_served_reason, offered,"
      " terminal_result, served_by, offers_calls, piece_calls FROM audit ORDER BY seq");
  if (!r.ok()) return fail(r.error());
  std::vector<AuditRow> rows;
  for (int i = 0; i < r->size(); ++i) {
    AuditRow a;
    a.seq = r->integer(i, 0);
    tms::AuditRecord& e = a.record;
    e.id = {r->text(i, 1), r->text(i, 2), r->text(i, 3)};
    if (!r->is_null(i, 4)) e.trans = static_cast<TransCode>(r->integer(i, 4));
    if (!r->is_null(i, 5)) e.profile = static_cast<Profile>(r->integer(i, 5));
    e.outcome = code_at(*r, i, 6);
    e.not_served_reason = code_at(*r, i, 7);
    e.offered = strings_at(*r, i, 8, '\n');
    e.terminal_result = code_at(*r, i, 9);
    if (!r->is_null(i, 10)) e.served_by = r->text(i, 10);
    e.offers_calls = static_cast<std::size_t>(r->integer(i, 11));
    e.piece_calls = static_cast<std::size_t>(r->integer(i, 12));
    rows.push_back(std::move(a));
  }
  return rows;
}

}  // namespace tmsproto::store
