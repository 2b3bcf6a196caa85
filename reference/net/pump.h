// Moves octets between an Asio stream (a TCP socket or a serial port) and a connection driver: one
// read outstanding at a time and none while a write is in flight, so a peer that does not read
// makes this end stop reading rather than buffer (REQ-SRV-004); one timer at the driver's next
// deadline. Only reference/net/ includes Asio.
// With a hook (the conformance suite only), a write may wait before a piece; while it waits no
// octet is in flight, so the pump reads: what the peer sends meanwhile (an ABORT when its timer
// ran out) is seen when it comes, and a session the driver ends then is closed without the
// piece still waiting.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include <asio.hpp>

#include "net/connection.h"
#include "net/monotonic.h"
#include "net/wire_hook.h"

namespace tmsproto::net {

template <class Stream>
class Pump : public std::enable_shared_from_this<Pump<Stream>> {
 public:
  // `done` runs once, after the stream is closed, with the octets read after the session's end (on a
  // serial line, the start of the next session's; REQ-SRV-008).
  // `hook`, when given, reshapes each write and watches each read (the conformance suite only).
  Pump(Stream stream, Connection& conn, std::function<void(Bytes)> done, const WireHook* hook = nullptr)
      : stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        pause_(stream_.get_executor()),
        conn_(conn),
        done_(std::move(done)),
        hook_(hook) {}

  void start(Step first) { handle(std::move(first)); }

  // Octets the previous session on this line read but did not use.
  void feed(const Bytes& carried) {
    if (!carried.empty()) handle(conn_.on_read(carried, monotonic_ms()));
  }

  // Shutdown after the grace period: the driver ends the session as a timeout (REQ-SRV-005).
  void expire() { handle(conn_.expire()); }

  // Closes at once, whatever the session's state (the server is stopping for good).
  void abandon() { close(); }

  Stream& stream() { return stream_; }

 private:
  void handle(Step step) {
    if (closed_) return;
    if (step.close) closing_ = true;
    if (!step.write.empty()) {
      out_.insert(out_.end(), step.write.begin(), step.write.end());
      if (!writing_) write();
    }
    if (closing_ && paused_) return drop_paused_write();
    if (closing_ && !writing_) return close();
    arm_timer();
    // REQ-SRV-004: never read while a write is in flight; a hooked write waiting to start is not.
    if ((!writing_ || paused_) && !reading_ && !closing_) read();
  }

  void read() {
    reading_ = true;
    auto self = this->shared_from_this();
    stream_.async_read_some(asio::buffer(buf_), [self](const asio::error_code& ec, std::size_t n) {
      self->reading_ = false;
      if (self->closed_) return;
      if (ec) return self->handle(self->conn_.on_eof());  // REQ-FRAME-004
      const ByteView got(self->buf_.data(), n);
      if (self->hook_ && self->hook_->seen) self->hook_->seen(got, monotonic_ms());
      Step step = self->conn_.on_read(got, monotonic_ms());
      if (self->conn_.consumed() < n) self->leftover_.assign(got.begin() + static_cast<std::ptrdiff_t>(self->conn_.consumed()), got.end());
      self->handle(std::move(step));
    });
  }

  void write() {
    writing_ = true;
    in_flight_ = std::move(out_);
    out_.clear();
    auto self = this->shared_from_this();
    if (hook_ && hook_->shape) {
      if (auto shape = hook_->shape(in_flight_)) return write_piece(std::make_shared<WireShape>(std::move(*shape)), 0);
    }
    asio::async_write(stream_, asio::buffer(in_flight_),
                      [self](const asio::error_code& ec, std::size_t) { self->wrote(ec); });
  }

  // A write has ended, whole or reshaped: the next one, or the session's next step.
  void wrote(const asio::error_code& ec) {
    writing_ = false;
    if (closed_) return;
    if (ec) return handle(conn_.on_eof());
    if (!out_.empty()) return write();
    handle(Step{});
  }

  // One piece of a reshaped write after its pause, then the next: a frame written in pieces is one
  // write to the driver, and whatever the driver asks to write meanwhile waits for its end. During
  // a pause the pump reads (see the top of this file).
  void write_piece(std::shared_ptr<WireShape> shape, std::size_t i) {
    auto self = this->shared_from_this();
    if (i == shape->pieces.size()) {
      if (shape->half_close) {
        asio::error_code ignored;
        if constexpr (requires { stream_.shutdown(asio::socket_base::shutdown_send, ignored); }) {
          stream_.shutdown(asio::socket_base::shutdown_send, ignored);  // a FIN; reading goes on
        }
      }
      return wrote({});
    }
    auto go = [self, shape, i] {
      asio::async_write(self->stream_, asio::buffer(shape->pieces[i].octets),
                        [self, shape, i](const asio::error_code& ec, std::size_t) {
                          if (ec || self->closed_) return self->wrote(ec);
                          self->write_piece(shape, i + 1);
                        });
    };
    if (shape->pieces[i].pause_before_ms <= 0) return go();
    const std::uint64_t pause = ++pauses_;
    pause_.expires_after(std::chrono::milliseconds(shape->pieces[i].pause_before_ms));
    pause_.async_wait([self, go, pause](const asio::error_code& ec) {
      if (ec || self->closed_ || pause != self->pauses_) return;  // cancelled, or its write dropped
      self->paused_ = false;
      go();
    });
    // Reads only while the session goes on: a write the driver closes the session after goes out whole.
    paused_ = !closing_;
    if (paused_ && !reading_) read();
  }

  // The driver ended the session while a hooked write waited: that write is stale and dropped, and
  // what the driver wrote last (an ABORT) goes out before the close.
  void drop_paused_write() {
    ++pauses_;
    paused_ = false;
    pause_.cancel();
    writing_ = false;
    if (out_.empty()) return close();
    write();
  }

  void arm_timer() {
    auto deadline = conn_.next_deadline();
    if (!deadline) return;
    const std::int64_t wait = *deadline - monotonic_ms();
    timer_.expires_after(std::chrono::milliseconds(wait > 0 ? wait : 0));
    auto self = this->shared_from_this();
    timer_.async_wait([self](const asio::error_code& ec) {
      if (ec || self->closed_) return;  // cancelled: re-armed by the next step
      self->handle(self->conn_.on_timer(monotonic_ms()));
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    asio::error_code ignored;
    timer_.cancel();
    pause_.cancel();
    stream_.close(ignored);
    if (done_) done_(std::move(leftover_));
  }

  Stream stream_;
  asio::steady_timer timer_;
  asio::steady_timer pause_;  // between the pieces of a reshaped write
  Connection& conn_;
  std::function<void(Bytes)> done_;
  const WireHook* hook_;
  Bytes leftover_;
  std::array<std::uint8_t, 4096> buf_{};
  Bytes out_;
  Bytes in_flight_;
  bool reading_ = false;
  bool writing_ = false;
  bool paused_ = false;      // a hooked write waits before its next piece; nothing is in flight
  std::uint64_t pauses_ = 0;  // counts pauses, so that a dropped write's pause cannot resume it
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace tmsproto::net
