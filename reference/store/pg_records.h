// The two append-only records on PostgreSQL: the terminals' reports and the audit log. Internal to
// the store: PgStore hands them out.
#pragma once

#include "store/pg_db.h"
#include "tms/ports.h"

namespace tmsproto::store {

class PgReports final : public tms::TerminalReports {
 public:
  explicit PgReports(PgConn& c) : c_(c) {}
  Result<void, ResponseCode> record(const codec::Identity& id, const codec::TerminalInfo& report,
                                    std::int64_t received_s) override;

 private:
  PgConn& c_;
};

class PgAuditLog final : public tms::AuditLog {
 public:
  explicit PgAuditLog(PgConn& c) : c_(c) {}
  void record(const tms::AuditRecord& r) override;

 private:
  PgConn& c_;
};

}  // namespace tmsproto::store
