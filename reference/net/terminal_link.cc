#include "net/terminal_link.h"

#include <asio.hpp>

#include "net/monotonic.h"
#include "net/pump.h"

namespace tmsproto::net {
namespace {

template <class Stream>
void drive(asio::io_context& io, Stream stream, std::unique_ptr<FrameLink> link, const Timing& timing,
           terminal::Session& session, terminal::StartCommand command, TerminalRun& run) {
  EngineOf<terminal::Session> engine(session);
  Connection conn(engine, std::move(link), timing, monotonic_ms());
  auto pump = std::make_shared<Pump<Stream>>(std::move(stream), conn, [](Bytes) {});
  pump->start(conn.start(session.start(std::move(command))));
  pump.reset();  // the pump's handlers keep it alive until it closes
  io.run();
  run.cause = conn.end_cause();
  run.bytes_in = conn.bytes_in();
  run.bytes_out = conn.bytes_out();
}

}  // namespace

TerminalRun run_terminal(const TerminalEndpoint& where, terminal::Session& session, terminal::StartCommand command) {
  TerminalRun run;
  asio::io_context io;
  asio::error_code ec;
  if (!where.serial_device.empty()) {
    asio::serial_port port(io);
    port.open(where.serial_device, ec);
    if (ec) {
      run.error = "cannot open serial line " + where.serial_device + ": " + ec.message();
      return run;
    }
    run.connected = true;
    drive(io, std::move(port), serial_link(where.tpdu), where.timing, session, std::move(command), run);
    return run;
  }
  asio::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(where.host, std::to_string(where.port), ec);
  asio::ip::tcp::socket socket(io);
  if (!ec) asio::connect(socket, endpoints, ec);
  if (ec) {
    run.error = "cannot connect to " + where.host + ":" + std::to_string(where.port) + ": " + ec.message();
    return run;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  run.connected = true;
  drive(io, std::move(socket), stream_link(where.tpdu), where.timing, session, std::move(command), run);
  return run;
}

}  // namespace tmsproto::net
