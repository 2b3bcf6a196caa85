#include "net/session_listener.h"

#include <termios.h>
#include <unistd.h>

#include <asio.hpp>
#include <functional>
#include <thread>

#include "net/monotonic.h"
#include "net/pump.h"

namespace tmsproto::net {

struct SessionListener::Impl {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io};
  std::optional<asio::serial_port> line;  // set: a serial line instead of the acceptor
  std::string device;

  ServedSession serve_line(Engine& engine, const Timing& timing, const std::optional<codec::TpduConfig>& tpdu,
                           std::int64_t accept_ms, const std::function<bool()>& give_up, const WireHook* hook);
};

SessionListener::SessionListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SessionListener::~SessionListener() = default;

Result<std::unique_ptr<SessionListener>, std::string> SessionListener::open(const std::string& host,
                                                                           std::uint16_t port) {
  auto impl = std::make_unique<Impl>();
  asio::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Unexpected("not an IP address: " + host);
  const asio::ip::tcp::endpoint where(address, port);
  impl->acceptor.open(where.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(where, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Unexpected("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  return std::unique_ptr<SessionListener>(new SessionListener(std::move(impl)));
}

Result<std::unique_ptr<SessionListener>, std::string> SessionListener::open_serial(const std::string& device) {
  auto impl = std::make_unique<Impl>();
  asio::error_code ec;
  impl->line.emplace(impl->io);
  impl->line->open(device, ec);
  if (ec) return Unexpected("cannot open serial line " + device + ": " + ec.message());
  impl->device = device;
  return std::unique_ptr<SessionListener>(new SessionListener(std::move(impl)));
}

std::uint16_t SessionListener::port() const {
  if (impl_->line) return 0;
  asio::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

std::string SessionListener::where() const {
  if (impl_->line) return impl_->device;
  asio::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void SessionListener::discard_pending() {
  if (impl_->line) ::tcflush(impl_->line->native_handle(), TCIFLUSH);
}

ServedSession SessionListener::Impl::serve_line(Engine& engine, const Timing& timing,
                                                const std::optional<codec::TpduConfig>& tpdu, std::int64_t accept_ms,
                                                const std::function<bool()>& give_up, const WireHook* hook) {
  ServedSession served;
  io.restart();
  asio::serial_port port(io);
  asio::error_code ec;
  // The line outlives its sessions: each session reads it through its own handle on the same fd.
  port.assign(::dup(line->native_handle()), ec);
  if (ec) return served;
  Timing t = timing;
  t.clocks_start_with_first_octet = true;  // REQ-CONF-008: a session begins with the first octet
  Connection conn(engine, serial_link(tpdu), t, monotonic_ms());
  bool over = false;
  auto pump = std::make_shared<Pump<asio::serial_port>>(std::move(port), conn, [&over](Bytes) { over = true; }, hook);
  // Nothing yet on the line: the wait ends at `accept_ms` or when `give_up` says so.
  const std::int64_t until = monotonic_ms() + accept_ms;
  asio::steady_timer tick(io);
  std::weak_ptr<Pump<asio::serial_port>> watched = pump;
  std::function<void()> wait;
  wait = [&] {
    tick.expires_after(std::chrono::milliseconds(20));
    tick.async_wait([&](const asio::error_code& e) {
      if (e || over || conn.bytes_in() > 0) return;
      if (monotonic_ms() < until && !(give_up && give_up())) return wait();
      if (auto p = watched.lock()) p->abandon();
    });
  };
  wait();
  pump->start(Step{});
  pump.reset();  // the pump's handlers keep it alive until it closes
  io.run();
  served.connected = conn.bytes_in() > 0;
  served.cause = conn.end_cause();
  served.opened_ms = conn.session_started_ms();
  served.bytes_in = conn.bytes_in();
  served.bytes_out = conn.bytes_out();
  // REQ-CONF-008: a peer's last resends, or its answer to a session already over, must not open the
  // next session: wait a second, then drop what the line holds.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ::tcflush(line->native_handle(), TCIFLUSH);
  return served;
}

ServedSession SessionListener::serve(Engine& engine, const Timing& timing,
                                     const std::optional<codec::TpduConfig>& tpdu, std::int64_t accept_ms,
                                     const std::function<bool()>& give_up, const WireHook* hook) {
  if (impl_->line) return impl_->serve_line(engine, timing, tpdu, accept_ms, give_up, hook);
  ServedSession served;
  asio::io_context& io = impl_->io;
  io.restart();
  std::optional<asio::ip::tcp::socket> accepted;
  const std::int64_t until = monotonic_ms() + accept_ms;
  asio::steady_timer tick(io);
  bool accepting = true;
  std::function<void()> wait;
  wait = [&] {
    tick.expires_after(std::chrono::milliseconds(20));
    tick.async_wait([&](const asio::error_code& ec) {
      // Cancelled, or expired just as a connection came (its handler already queued when the
      // accept cancelled it): the wait is over either way, and must not be armed again.
      if (ec || !accepting) return;
      if (monotonic_ms() < until && !(give_up && give_up())) return wait();
      asio::error_code ignored;
      impl_->acceptor.cancel(ignored);
    });
  };
  wait();
  impl_->acceptor.async_accept([&](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    accepting = false;
    tick.cancel();
    if (!ec) accepted.emplace(std::move(socket));
  });
  io.run();
  if (!accepted) return served;
  served.connected = true;
  asio::error_code ignored;
  accepted->set_option(asio::ip::tcp::no_delay(true), ignored);
  io.restart();
  Connection conn(engine, stream_link(tpdu), timing, monotonic_ms());
  auto pump = std::make_shared<Pump<asio::ip::tcp::socket>>(std::move(*accepted), conn, [](Bytes) {}, hook);
  pump->start(Step{});
  pump.reset();  // the pump's handlers keep it alive until it closes
  io.run();
  served.cause = conn.end_cause();
  served.opened_ms = conn.session_started_ms();
  served.bytes_in = conn.bytes_in();
  served.bytes_out = conn.bytes_out();
  return served;
}

}  // namespace tmsproto::net
