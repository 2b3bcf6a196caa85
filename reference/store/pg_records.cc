#include "store/pg_records.h"

#include <string>

#include "codec/terminal_info.h"

namespace tmsproto::store {
namespace {

template <class T>
PgParam optional_code(const std::optional<T>& v) {
  return v ? PgParam{static_cast<std::int64_t>(*v)} : PgParam{};
}

}  // namespace

Result<void, ResponseCode> PgReports::record(const codec::Identity& id, const codec::TerminalInfo& report,
                                             std::int64_t received_s) {
  // REQ-DL-042: kept as the codec serialises it, as in tms.db, so one parser reads both.
  const Bytes body = codec::serialize(report);
  auto r = c_.exec("INSERT INTO reports (vendor_id, model_id, serial_no, received_s, term_info) VALUES ($1, $2, $3, $4, $5)",
                   {id.vendor_id, id.model_id, id.serial_no, received_s, ByteView(body)});
  if (!r.ok()) return fail(ResponseCode::kInternalError);
  return {};
}

void PgAuditLog::record(const tms::AuditRecord& r) {
  std::string offered;
  for (const auto& o : r.offered) offered += o + "\n";  // "KIND NAME vVERSION" never holds a newline
  // REQ-TMS-005, REQ-STORE-009: appended, never rewritten; no key material is among the columns.
  (void)c_.exec(
      "INSERT INTO audit (vendor_id, model_id, serial_no, trans, profile, outcome, not_served_reason, offered,"
      " terminal_result, served_by, offers_calls, piece_calls) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {r.id.vendor_id, r.id.model_id, r.id.serial_no, optional_code(r.trans), optional_code(r.profile),
       optional_code(r.outcome), optional_code(r.not_served_reason), offered, optional_code(r.terminal_result),
       r.served_by ? PgParam{*r.served_by} : PgParam{}, static_cast<std::int64_t>(r.offers_calls),
       static_cast<std::int64_t>(r.piece_calls)});
}

}  // namespace tmsproto::store
