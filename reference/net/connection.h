// The one place where bytes, timers and a session engine meet (spec/14-server.md): a connection
// driver that feeds what the wire delivered through a framing into an engine, hands back the octets
// to write, and keeps the deadlines of T_RESPONSE, T_SESSION and the serial ACK timer. Pure: time is
// an input (milliseconds on the edge's monotonic clock), so the driver is tested and fuzzed without
// sockets; the Asio server and the terminal program are thin loops around it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "common/bytes.h"
#include "net/frame_link.h"
#include "session/output.h"

namespace tmsproto::net {

// What a driver needs of an engine; both roles' sessions fit it through EngineOf.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual session::Output receive(ByteView body) = 0;
  virtual session::Output timeout() = 0;
  virtual session::Output connection_lost() = 0;
};

template <class Session>
class EngineOf final : public Engine {
 public:
  explicit EngineOf(Session& s) : s_(s) {}
  session::Output receive(ByteView body) override { return s_.receive(body); }
  session::Output timeout() override { return s_.timeout(); }
  session::Output connection_lost() override { return s_.connection_lost(); }

 private:
  Session& s_;
};

// spec/02-transport.md section 2.1.
struct Timing {
  std::int64_t response_ms = 30'000;  // T_RESPONSE
  std::int64_t session_ms = 600'000;  // T_SESSION
  // A TMS on a serial line waits for its next terminal without bound: its clocks start with the
  // first octet (REQ-SRV-008).
  bool clocks_start_with_first_octet = false;
};

struct Step {
  Bytes write;         // octets for the wire, in order
  bool close = false;  // close once `write` is on the wire: the session is over
};

class Connection {
 public:
  Connection(Engine& engine, std::unique_ptr<FrameLink> link, Timing timing, std::int64_t now_ms);

  // What the engine sent on its own (the terminal's START); the TMS has nothing to pass.
  Step start(const session::Output& first);
  // On a serial line the octets after the session's last ACK belong to the next session on the
  // line: on_read stops there, and consumed() says how many of `octets` it used (REQ-SRV-008).
  Step on_read(ByteView octets, std::int64_t now_ms);
  std::size_t consumed() const { return consumed_; }
  Step on_eof();
  // Call at or after next_deadline(); a call before it changes nothing.
  Step on_timer(std::int64_t now_ms);
  // A session cut short by the edge (shutdown): the engine's TIMEOUT (REQ-SRV-005).
  Step expire();

  std::optional<std::int64_t> next_deadline() const;
  bool finished() const { return finished_; }
  bool engine_ended() const { return engine_ended_; }
  // Why the engine was told TIMEOUT or CONN_LOST, when it was: for the log.
  const char* end_cause() const { return end_cause_; }
  std::uint64_t bytes_in() const { return bytes_in_; }
  std::uint64_t bytes_out() const { return bytes_out_; }
  // When T_SESSION started (REQ-SRV-003, REQ-SRV-008), on the edge's clock.
  std::int64_t session_started_ms() const { return session_deadline_ - timing_.session_ms; }

 private:
  void take(const session::Output& out, Step& step);
  void take_link(LinkOutput out, Step& step);
  void settle(Step& step);

  Engine& engine_;
  std::unique_ptr<FrameLink> link_;
  Timing timing_;
  std::int64_t now_ms_;  // the edge's clock at the last input
  std::int64_t response_deadline_;
  std::int64_t session_deadline_;
  std::optional<std::int64_t> link_deadline_;
  bool clocks_running_;
  bool engine_ended_ = false;
  bool finished_ = false;
  const char* end_cause_ = nullptr;
  std::uint64_t bytes_in_ = 0;
  std::size_t consumed_ = 0;
  std::uint64_t bytes_out_ = 0;
};

}  // namespace tmsproto::net
