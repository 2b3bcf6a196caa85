// The two append-only records of the TMS: the terminals' reports and the audit log.
#include <string>

#include "codec/terminal_info.h"
#include "store/sql_ports.h"

namespace tmsproto::store {
namespace {

template <class T>
SqlParam code_or_null(const std::optional<T>& v) {
  return v ? SqlParam{static_cast<std::int64_t>(*v)} : SqlParam{};
}

}  // namespace

Result<void, ResponseCode> SqlReports::record(const codec::Identity& id, const codec::TerminalInfo& report,
                                              std::int64_t received_s) {
  // REQ-STORE-015: a report may commit relaxed; the session's replay entry was committed FULL.
  auto tx = c_.sql->begin(Durability::kRelaxed);
  if (!tx.ok()) return fail(ResponseCode::kInternalError);
  // REQ-DL-042: kept as the codec serialises it, so a later reader parses it with the same code.
  const Bytes body = codec::serialize(report);
  auto r = c_.sql->query(
      "INSERT INTO reports(vendor_id, model_id, serial_no, received_s, term_info) VALUES ($1, $2, $3, $4, $5)",
      {id.vendor_id, id.model_id, id.serial_no, received_s, ByteView(body)});
  if (!r.ok() || !(*tx)->commit().ok()) return fail(ResponseCode::kInternalError);
  return {};
}

void SqlAuditLog::record(const tms::AuditRecord& r) {
  std::string offered;
  for (const auto& o : r.offered) offered += o + "\n";  // "KIND NAME vVERSION" never holds a newline
  // REQ-STORE-015: the audit record commits relaxed (synchronous = NORMAL on tms.db): a killed
  // process loses none of it, an OS crash at most the records since the last FULL commit or checkpoint.
  auto tx = c_.sql->begin(Durability::kRelaxed);
  if (!tx.ok()) return;
  // REQ-TMS-005, REQ-STORE-009: appended, never rewritten; no key material is among the columns.
  auto done = c_.sql->query(
      "INSERT INTO audit(vendor_id, model_id, serial_no, trans, profile, outcome, not_served_reason, offered,"
      " terminal_result, served_by, offers_calls, piece_calls) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {r.id.vendor_id, r.id.model_id, r.id.serial_no, code_or_null(r.trans), code_or_null(r.profile),
       code_or_null(r.outcome), code_or_null(r.not_served_reason), offered, code_or_null(r.terminal_result),
       r.served_by ? SqlParam{std::string_view(*r.served_by)} : SqlParam{}, static_cast<std::int64_t>(r.offers_calls),
       static_cast<std::int64_t>(r.piece_calls)});
  if (done.ok()) (void)(*tx)->commit();
}

}  // namespace tmsproto::store
