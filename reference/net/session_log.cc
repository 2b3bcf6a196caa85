#include "net/session_log.h"

#include <chrono>
#include <nlohmann/json.hpp>


namespace tmsproto::net {
std::string format_event(const SessionEvent& e) {
  nlohmann::json j;
  j["time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  j["event"] = e.event;
  if (e.connection != 0) j["connection"] = e.connection;
  if (!e.peer.empty()) j["peer"] = e.peer;
  if (e.audit) {
    // REQ-SRV-006: what the audit record holds (REQ-TMS-005), which holds no key material.
    const tms::AuditRecord& a = *e.audit;
    j["vendor"] = a.id.vendor_id;
    j["model"] = a.id.model_id;
    j["serial"] = a.id.serial_no;
    if (a.trans) j["trans"] = static_cast<int>(*a.trans);
    if (a.profile) j["profile"] = std::string(name(*a.profile));
    j["outcome"] = a.outcome ? nlohmann::json(digits(*a.outcome)) : nlohmann::json("lost");
    if (a.not_served_reason) j["reason"] = digits(*a.not_served_reason);
    if (a.terminal_result) j["terminal_result"] = digits(*a.terminal_result);
    if (!a.offered.empty()) j["offered"] = a.offered;
    if (a.served_by) j["served_by"] = *a.served_by;
  }
  if (e.event == "session") {
    j["bytes_in"] = e.bytes_in;
    j["bytes_out"] = e.bytes_out;
    j["duration_ms"] = e.duration_ms;
  }
  if (!e.cause.empty()) j["cause"] = e.cause;
  if (!e.instance.empty()) j["instance"] = e.instance;
  if (e.count) j["count"] = *e.count;
  return j.dump();
}

void SessionLog::write(const SessionEvent& e) {
  const std::string line = format_event(e);
  std::lock_guard lock(mutex_);
  out_ << line << '\n';
  out_.flush();
}

}  // namespace tmsproto::net
