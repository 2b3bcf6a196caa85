#include "store/pg_store.h"

#include "store/pg_db.h"
#include "store/pg_migrations.h"
#include "store/pg_records.h"
#include "store/pg_replay.h"
#include "codec/terminal_info.h"

namespace tmsproto::store {

struct PgStore::Impl {
  Impl(PgConn conn, std::size_t capacity) : c(std::move(conn)), replay(c, capacity), reports(c), audit(c) {}
  PgConn c;
  PgReplayCache replay;
  PgReports reports;
  PgAuditLog audit;
};

PgStore::PgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgStore::~PgStore() = default;

Result<std::unique_ptr<PgStore>, StoreError> PgStore::open(const std::string& url, const StoreOptions& options) {
  auto conn = PgConn::connect(url);
  if (!conn.ok()) return fail(conn.error());
  if (options.schema_version < 0 || options.schema_version > kPgSchemaVersion) {
    return fail(StoreError{"PostgreSQL store: no schema version " + std::to_string(options.schema_version)});
  }
  if (auto r = pg_migrate(*conn, options.schema_version); !r.ok()) return fail(r.error());
  return std::unique_ptr<PgStore>(
      new PgStore(std::make_unique<Impl>(std::move(conn).value(), options.replay_capacity)));
}

tms::ReplayCache& PgStore::replay() { return impl_->replay; }
tms::TerminalReports& PgStore::reports() { return impl_->reports; }
tms::AuditLog& PgStore::audit() { return impl_->audit; }

Result<std::vector<ReportRow>, StoreError> PgStore::report_history(const codec::Identity& id) {
  auto rows = impl_->c.exec(
      "SELECT received_s, term_info FROM reports WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 ORDER BY seq",
      {id.vendor_id, id.model_id, id.serial_no});
  if (!rows.ok()) return fail(rows.error());
  std::vector<ReportRow> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto body = rows->bytes(i, 1);
    auto info = body ? codec::parse_terminal_info(*body) : codec::parse_terminal_info(ByteView());
    if (!body || !info.ok()) {
      return fail(StoreError{"PostgreSQL store: report of " + id.vendor_id + "/" + id.serial_no + " does not parse"});
    }
    out.push_back({id, rows->integer(i, 0).value_or(0), std::move(info).value()});
  }
  return out;
}

Result<std::vector<AuditRow>, StoreError> PgStore::audit_log() {
  auto rows = impl_->c.exec(
      "SELECT seq, vendor_id, model_id, serial_no, trans, profile, outcome, not_served_reason, offered,"
      " terminal_result, served_by, offers_calls, piece_calls FROM audit ORDER BY seq");
  if (!rows.ok()) return fail(rows.error());
  std::vector<AuditRow> out;
  for (int i = 0; i < rows->size(); ++i) {
    AuditRow a;
    a.seq = rows->integer(i, 0).value_or(0);
    tms::AuditRecord& r = a.record;
    r.id = {rows->text(i, 1).value_or(""), rows->text(i, 2).value_or(""), rows->text(i, 3).value_or("")};
    const auto code = [&](int col) -> std::optional<ResponseCode> {
      auto v = rows->integer(i, col);
      return v ? std::optional<ResponseCode>(static_cast<ResponseCode>(*v)) : std::nullopt;
    };
    if (auto v = rows->integer(i, 4)) r.trans = static_cast<TransCode>(*v);
    if (auto v = rows->integer(i, 5)) r.profile = static_cast<Profile>(*v);
    r.outcome = code(6);
    r.not_served_reason = code(7);
    const std::string offered = rows->text(i, 8).value_or("");
    for (std::size_t start = 0, end; (end = offered.find('\n', start)) != std::string::npos; start = end + 1) {
      r.offered.push_back(offered.substr(start, end - start));
    }
    r.terminal_result = code(9);
    r.served_by = rows->text(i, 10);
    r.offers_calls = static_cast<std::size_t>(rows->integer(i, 11).value_or(0));
    r.piece_calls = static_cast<std::size_t>(rows->integer(i, 12).value_or(0));
    out.push_back(std::move(a));
  }
  return out;
}

Result<int, StoreError> PgStore::schema_version() { return pg_schema_version(impl_->c); }

}  // namespace tmsproto::store
