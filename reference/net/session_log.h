// One JSON line per session event on the server's log (REQ-SRV-006): connections accepted and
// refused, and each session's end with identity, transaction, profile, outcome, bytes and duration.
// What reaches it is the audit record and counters: never key material, a password or a verifier.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>

#include "tms/ports.h"

namespace tmsproto::net {

struct SessionEvent {
  std::string event{};  // "listening", "accepted", "refused", "session", "shutdown", "leases-released", …
  std::uint64_t connection = 0;
  std::string peer{};
  std::optional<tms::AuditRecord> audit{};
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::int64_t duration_ms = 0;
  std::string cause{};  // why the engine saw TIMEOUT or CONN_LOST, or why a connection was refused
  // "leases-released" (REQ-SRV-012): the instance's name and how many leases its previous run held.
  std::string instance{};
  std::optional<std::int64_t> count{};
};

std::string format_event(const SessionEvent& e);

class SessionLog {
 public:
  explicit SessionLog(std::ostream& out) : out_(out) {}
  void write(const SessionEvent& e);

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

}  // namespace tmsproto::net
