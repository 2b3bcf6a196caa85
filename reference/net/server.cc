#include "net/server.h"

#include <atomic>
#include <map>

#include <asio.hpp>

#include "net/monotonic.h"
#include "net/pump.h"

namespace tmsproto::net {
namespace {

// Keeps the session's audit record for the log line, and forwards it to the TMS's audit log.
class AuditTap final : public tms::AuditLog {
 public:
  explicit AuditTap(tms::AuditLog& next) : next_(next) {}
  void record(const tms::AuditRecord& r) override {
    last = r;
    next_.record(r);
  }
  std::optional<tms::AuditRecord> last;

 private:
  tms::AuditLog& next_;
};

// One connection's engine, driver and audit tap: everything a session owns (REQ-TMS-002).
struct Hosted {
  Hosted(const tms::Config& config, tms::Ports shared, std::unique_ptr<FrameLink> link, Timing timing)
      : tap(shared.audit),
        engine(config, tms::Ports{shared.clock, shared.rng, shared.registry, shared.custody, shared.replay,
                                  shared.vendors, tap, shared.reports}),
        adapter(engine),
        conn(adapter, std::move(link), timing, monotonic_ms()),
        started_ms(monotonic_ms()) {}
  AuditTap tap;
  tms::Session engine;
  EngineOf<tms::Session> adapter;
  Connection conn;
  std::int64_t started_ms;
};

}  // namespace

struct Server::Impl {
  Impl(const tms::Config& c, tms::Ports p, SessionLog& l, ServerOptions o)
      : config(c), shared(p), log(l), options(std::move(o)), acceptor(io), signals(io), grace(io) {}

  const tms::Config& config;
  tms::Ports shared;
  SessionLog& log;
  ServerOptions options;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor;
  std::optional<asio::serial_port> serial;
  asio::signal_set signals;
  asio::steady_timer grace;
  bool stopping = false;
  std::uint64_t next_id = 1;
  std::atomic<std::uint64_t> served{0};
  struct Live {
    std::unique_ptr<Hosted> hosted;
    std::shared_ptr<Pump<asio::ip::tcp::socket>> tcp;
    std::shared_ptr<Pump<asio::serial_port>> line;
    std::string peer;
  };
  std::map<std::uint64_t, Live> live;

  std::unique_ptr<FrameLink> new_link() const {
    return options.serial_device.empty() ? stream_link(options.tpdu) : serial_link(options.tpdu);
  }

  void accept() {
    acceptor.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
      if (stopping) return;
      if (!ec) admit(std::move(socket));
      accept();
    });
  }

  void admit(asio::ip::tcp::socket socket) {
    asio::error_code ignored;
    const auto remote = socket.remote_endpoint(ignored);
    const std::string peer = remote.address().to_string() + ":" + std::to_string(remote.port());
    if (live.size() >= options.max_connections) {
      // REQ-SRV-004: over the limit a connection is closed at once, before the engine sees a byte.
      socket.close(ignored);
      log.write(SessionEvent{"refused", 0, peer, std::nullopt, 0, 0, 0, "connection-limit"});
      return;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    const std::uint64_t id = next_id++;
    Live& l = live[id];
    l.peer = peer;
    l.hosted = std::make_unique<Hosted>(config, shared, new_link(), options.timing);
    l.tcp = std::make_shared<Pump<asio::ip::tcp::socket>>(std::move(socket), l.hosted->conn, [this, id](Bytes) { ended(id, {}); });
    log.write(SessionEvent{"accepted", id, peer, std::nullopt, 0, 0, 0, {}});
    l.tcp->start(Step{});
  }

  void serve_line(Bytes carried = {}) {
    const std::uint64_t id = next_id++;
    Live& l = live[id];
    l.peer = options.serial_device;
    Timing timing = options.timing;
    timing.clocks_start_with_first_octet = true;  // REQ-SRV-008
    l.hosted = std::make_unique<Hosted>(config, shared, new_link(), timing);
    // The line outlives its sessions: each session reads it through its own handle on the same fd.
    asio::serial_port port(io);
    asio::error_code ec;
    port.assign(::dup(serial->native_handle()), ec);
    l.line = std::make_shared<Pump<asio::serial_port>>(std::move(port), l.hosted->conn,
                                                       [this, id](Bytes rest) { ended(id, std::move(rest)); });
    l.line->start(Step{});
    l.line->feed(carried);  // REQ-SRV-008: what the last session read of this one
  }

  void ended(std::uint64_t id, Bytes carried) {
    // Called from inside the pump's handler: the pump lives on through its own shared_ptr.
    asio::post(io, [this, id, carried = std::move(carried)]() mutable {
      auto it = live.find(id);
      if (it == live.end()) return;
      Hosted& h = *it->second.hosted;
      // REQ-SRV-006: one line per session, from its audit record (none when the peer said nothing).
      log.write(SessionEvent{"session", id, it->second.peer, h.tap.last, h.conn.bytes_in(), h.conn.bytes_out(),
                             monotonic_ms() - h.started_ms, h.conn.end_cause() ? h.conn.end_cause() : ""});
      if (h.tap.last) ++served;
      live.erase(it);
      if (stopping) {
        if (live.empty()) finish();
      } else if (serial) {
        serve_line(std::move(carried));  // the next terminal on the line
      }
    });
  }

  void begin_stop() {
    if (stopping) return;
    stopping = true;
    log.write(SessionEvent{"shutdown", 0, {}, std::nullopt, 0, 0, 0, "stop-accepting"});
    asio::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    if (live.empty()) return finish();
    // REQ-SRV-005: open sessions may end on their own within the grace period; then each is ended
    // as a timeout (ABORT 23), and a peer that still does not settle is closed.
    grace.expires_after(std::chrono::milliseconds(options.grace_ms));
    grace.async_wait([this](const asio::error_code& ec) {
      if (ec) return;
      for (auto& [id, l] : live) {
        if (l.tcp) l.tcp->expire();
        if (l.line) l.line->expire();
      }
      grace.expires_after(std::chrono::milliseconds(3 * 2000 + 100));  // a serial link's last resends
      grace.async_wait([this](const asio::error_code& ec2) {
        if (ec2) return;
        for (auto& [id, l] : live) {
          if (l.tcp) l.tcp->abandon();
          if (l.line) l.line->abandon();
        }
      });
    });
  }

  void finish() {
    asio::error_code ignored;
    grace.cancel();
    if (serial) serial->close(ignored);
    io.stop();
  }
};

Server::Server(const tms::Config& config, tms::Ports shared, SessionLog& log, ServerOptions options)
    : impl_(std::make_unique<Impl>(config, shared, log, std::move(options))) {}

Server::~Server() = default;

Result<std::uint16_t, std::string> Server::open() {
  Impl& m = *impl_;
  asio::error_code ec;
  if (!m.options.serial_device.empty()) {
    m.serial.emplace(m.io);
    m.serial->open(m.options.serial_device, ec);
    if (ec) return Unexpected(std::string("cannot open serial line ") + m.options.serial_device + ": " + ec.message());
    return std::uint16_t{0};
  }
  const auto address = asio::ip::make_address(m.options.address, ec);
  if (ec) return Unexpected("not an IP address: " + m.options.address);
  const asio::ip::tcp::endpoint endpoint(address, m.options.port);
  m.acceptor.open(endpoint.protocol(), ec);
  if (!ec) m.acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(endpoint, ec);  // REQ-FRAME-005: the configured port, 7700 by default
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unexpected("cannot listen on " + m.options.address + ":" + std::to_string(m.options.port) + ": " +
                      ec.message());
  }
  return m.acceptor.local_endpoint().port();
}

void Server::run() {
  Impl& m = *impl_;
  if (m.options.handle_signals) {
    m.signals.add(SIGTERM);
    m.signals.add(SIGINT);
    m.signals.async_wait([&m](const asio::error_code& ec, int) {
      if (!ec) m.begin_stop();
    });
  }
  if (m.serial) {
    m.serve_line();
  } else {
    m.log.write(SessionEvent{"listening", 0, m.options.address + ":" + std::to_string(m.acceptor.local_endpoint().port()),
                             std::nullopt, 0, 0, 0, {}});
    m.accept();
  }
  m.io.run();
}

void Server::stop() {
  Impl& m = *impl_;
  asio::post(m.io, [&m] { m.begin_stop(); });
}

std::uint64_t Server::sessions_served() const { return impl_->served; }

}  // namespace tmsproto::net
