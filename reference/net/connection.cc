#include "net/connection.h"

#include <algorithm>

namespace tmsproto::net {

Connection::Connection(Engine& engine, std::unique_ptr<FrameLink> link, Timing timing, std::int64_t now_ms)
    : engine_(engine),
      link_(std::move(link)),
      timing_(timing),
      now_ms_(now_ms),
      response_deadline_(now_ms + timing.response_ms),  // REQ-SRV-002: the first message is awaited too
      session_deadline_(now_ms + timing.session_ms),  // REQ-SRV-003
      clocks_running_(!timing.clocks_start_with_first_octet) {}

Step Connection::start(const session::Output& first) {
  Step step;
  take(first, step);
  settle(step);
  return step;
}

Step Connection::on_read(ByteView octets, std::int64_t now_ms) {
  Step step;
  consumed_ = 0;  // a finished connection uses none of them: they are the next session's
  if (finished_) return step;
  now_ms_ = now_ms;
  if (!clocks_running_ && !octets.empty()) {
    clocks_running_ = true;  // REQ-SRV-008
    response_deadline_ = now_ms + timing_.response_ms;
    session_deadline_ = now_ms + timing_.session_ms;
  }
  // A stream is read whole; a serial line an octet at a time, so that it stops at the session's end.
  const std::size_t unit = link_->link_timer_ms() > 0 ? 1 : std::max<std::size_t>(octets.size(), 1);
  while (consumed_ < octets.size() && !finished_) {
    const std::size_t n = std::min(unit, octets.size() - consumed_);
    LinkOutput in = link_->receive(octets.subspan(consumed_, n));
    consumed_ += n;
    // REQ-SRV-002: only a whole message restarts T_RESPONSE; octets of a frame trickling in do not.
    if (!in.bodies.empty()) response_deadline_ = now_ms + timing_.response_ms;
    take_link(std::move(in), step);
    if (engine_ended_ && (link_->settled() || !link_deadline_)) {
      finished_ = true;
      step.close = true;
    }
  }
  bytes_in_ += consumed_;
  settle(step);
  return step;
}

Step Connection::on_eof() {
  Step step;
  if (finished_) return step;
  if (!engine_ended_) {
    // REQ-FRAME-004: a stream that ends, with or without a partial frame, is CONN_LOST, never a message.
    end_cause_ = link_->has_partial_frame() ? "eof-in-frame" : "eof";
    take(engine_.connection_lost(), step);
  }
  finished_ = true;
  step.close = true;
  return step;
}

Step Connection::on_timer(std::int64_t now_ms) {
  Step step;
  if (finished_) return step;
  now_ms_ = now_ms;
  if (link_deadline_ && now_ms >= *link_deadline_) {
    link_deadline_.reset();
    take_link(link_->link_timeout(), step);  // REQ-FRAME-012: resend, or the link is lost
  }
  if (clocks_running_ && !engine_ended_ && (now_ms >= response_deadline_ || now_ms >= session_deadline_)) {
    // REQ-SRV-002, REQ-SRV-003, REQ-HS-033: the engine ends the session with ABORT 23.
    end_cause_ = now_ms >= session_deadline_ ? "t-session" : "t-response";
    take(engine_.timeout(), step);
  }
  settle(step);
  return step;
}

Step Connection::expire() {
  Step step;
  if (finished_) return step;
  if (!clocks_running_) {
    // A serial line on which no terminal has spoken: there is no session to end (REQ-SRV-008).
    finished_ = true;
    step.close = true;
    return step;
  }
  if (!engine_ended_) {
    end_cause_ = "shutdown";
    take(engine_.timeout(), step);  // REQ-SRV-005
  }
  settle(step);
  return step;
}

std::optional<std::int64_t> Connection::next_deadline() const {
  if (finished_) return std::nullopt;
  std::optional<std::int64_t> d = link_deadline_;
  if (clocks_running_ && !engine_ended_) {
    std::int64_t e = std::min(response_deadline_, session_deadline_);
    d = d ? std::min(*d, e) : e;
  }
  return d;
}

void Connection::take(const session::Output& out, Step& step) {
  for (const Bytes& body : out.send) {
    LinkOutput o = link_->send(body);
    step.write.insert(step.write.end(), o.write.begin(), o.write.end());
    if (o.arm_link_timer) link_deadline_ = now_ms_ + link_->link_timer_ms();  // REQ-FRAME-012
  }
  if (out.close) engine_ended_ = true;
}

void Connection::take_link(LinkOutput in, Step& step) {
  step.write.insert(step.write.end(), in.write.begin(), in.write.end());
  if (in.arm_link_timer) link_deadline_ = now_ms_ + link_->link_timer_ms();
  if (engine_ended_) {
    if (in.lost) link_deadline_.reset();
    return;  // after the engine's last word the link only settles (ACKs); bodies are dropped
  }
  for (const Bytes& body : in.bodies) {
    take(engine_.receive(body), step);
    if (engine_ended_) return;
  }
  if (in.malformed) {
    // REQ-SRV-001, REQ-FRAME-001, REQ-FRAME-036, REQ-FRAME-037: a framing error is RX_MALFORMED, which is what
    // the engine makes of a body shorter than 2 octets (REQ-MSG-001): ABORT 01.
    take(engine_.receive(ByteView{}), step);
    return;
  }
  if (in.lost) {
    end_cause_ = "link-lost";
    take(engine_.connection_lost(), step);  // REQ-FRAME-012
    link_deadline_.reset();
  }
}

void Connection::settle(Step& step) {
  bytes_out_ += step.write.size();
  if (finished_) return;
  // A stream is settled once its octets are written; a serial line once the last frame was
  // acknowledged or the link gave up on it.
  if (engine_ended_ && (link_->settled() || !link_deadline_)) {
    finished_ = true;
    step.close = true;
  }
}

}  // namespace tmsproto::net
