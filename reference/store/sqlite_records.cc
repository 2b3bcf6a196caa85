// The two append-only records of the TMS: the terminals' reports and the audit log.
#include <string>

#include "codec/terminal_info.h"
#include "store/sqlite_ports.h"

namespace tmsproto::store {

Result<void, ResponseCode> SqlReports::record(const codec::Identity& id, const codec::TerminalInfo& report,
                                              std::int64_t received_s) {
  // REQ-STORE-015: a report may commit relaxed; the session's replay entry was committed FULL.
  auto tx = Transaction::begin(c_.db, Durability::kRelaxed);
  if (!tx.ok()) return fail(ResponseCode::kInternalError);
  // REQ-DL-042: kept as the codec serialises it, so a later reader parses it with the same code.
  Stmt s(c_.db,
         "INSERT INTO reports(vendor_id, model_id, serial_no, received_s, term_info) VALUES (?, ?, ?, ?, ?)");
  const Bytes body = codec::serialize(report);
  s.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no).bind(4, received_s).bind(5, ByteView(body));
  if (!s.run().ok() || !tx->commit().ok()) return fail(ResponseCode::kInternalError);
  return {};
}

void SqlAuditLog::record(const tms::AuditRecord& r) {
  std::string offered;
  for (const auto& o : r.offered) offered += o + "\n";  // "KIND NAME vVERSION" never holds a newline
  // REQ-STORE-015: the audit record commits relaxed (synchronous = NORMAL): a killed process loses
  // none of it, an OS crash at most the records since the last FULL commit or checkpoint.
  auto tx = Transaction::begin(c_.db, Durability::kRelaxed);
  if (!tx.ok()) return;
  // REQ-TMS-005, REQ-STORE-009: appended, never rewritten; no key material is among the columns.
  Stmt s(c_.db,
         "INSERT INTO audit(vendor_id, model_id, serial_no, trans, profile, outcome, not_served_reason, offered,"
         " terminal_result, served_by, offers_calls, piece_calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.id.vendor_id).bind(2, r.id.model_id).bind(3, r.id.serial_no);
  s.bind(4, r.trans).bind(5, r.profile).bind(6, r.outcome).bind(7, r.not_served_reason);
  s.bind(8, offered).bind(9, r.terminal_result);
  if (r.served_by) {
    s.bind(10, *r.served_by);
  } else {
    s.bind_null(10);
  }
  s.bind(11, static_cast<std::int64_t>(r.offers_calls)).bind(12, static_cast<std::int64_t>(r.piece_calls));
  if (s.run().ok()) (void)tx->commit();
}

}  // namespace tmsproto::store
