#include "net/stream_client.h"

#include <array>
#include <asio.hpp>
#include <deque>
#include <optional>

#include "net/frame_link.h"

namespace tmsproto::net {

struct StreamClient::Impl {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  std::unique_ptr<FrameLink> link = stream_link();
  std::deque<Bytes> bodies;  // received whole, not yet handed out
  bool closed = false;
  bool malformed = false;

  // Runs the io_context until `done` or the deadline; cancels what is outstanding at the deadline.
  template <class Done>
  bool run_until(Deadline deadline, const Done& done) {
    io.restart();
    while (!done()) {
      if (io.run_one_until(deadline) == 0) {
        asio::error_code ignored;
        socket.cancel(ignored);
        io.restart();
        io.run();  // lets the cancelled handlers finish
        return done();
      }
    }
    return true;
  }
};

StreamClient::StreamClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamClient::~StreamClient() { close(); }

Result<std::unique_ptr<StreamClient>, std::string> StreamClient::connect(const std::string& host, std::uint16_t port,
                                                                         Deadline deadline) {
  auto impl = std::make_unique<Impl>();
  const std::string where = host + ":" + std::to_string(port);
  asio::error_code ec;
  asio::ip::tcp::resolver resolver(impl->io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return Unexpected("cannot resolve " + host + ": " + ec.message());
  std::optional<asio::error_code> result;
  asio::async_connect(impl->socket, endpoints,
                      [&result](const asio::error_code& e, const asio::ip::tcp::endpoint&) { result = e; });
  if (!impl->run_until(deadline, [&] { return result.has_value(); })) {
    return Unexpected("cannot connect to " + where + ": no answer in time");
  }
  if (*result) return Unexpected("cannot connect to " + where + ": " + result->message());
  impl->socket.set_option(asio::ip::tcp::no_delay(true), ec);
  return std::unique_ptr<StreamClient>(new StreamClient(std::move(impl)));
}

bool StreamClient::send(ByteView body, Deadline deadline) {
  Impl& m = *impl_;
  if (m.closed) return false;
  const Bytes frame = m.link->send(body).write;
  std::optional<asio::error_code> result;
  asio::async_write(m.socket, asio::buffer(frame), [&result](const asio::error_code& e, std::size_t) { result = e; });
  return m.run_until(deadline, [&] { return result.has_value(); }) && !*result;
}

StreamClient::Read StreamClient::receive(Bytes& body, Deadline deadline) {
  Impl& m = *impl_;
  std::array<std::uint8_t, 4096> buf{};
  while (m.bodies.empty()) {
    if (m.malformed) return Read::kMalformed;
    if (m.closed) return Read::kClosed;
    std::optional<std::pair<asio::error_code, std::size_t>> got;
    m.socket.async_read_some(asio::buffer(buf), [&got](const asio::error_code& e, std::size_t n) { got.emplace(e, n); });
    if (!m.run_until(deadline, [&] { return got.has_value(); }) || got->first == asio::error::operation_aborted) {
      return Read::kTimedOut;
    }
    if (got->first) {
      m.closed = true;  // REQ-FRAME-004: the end of the stream, with or without half a frame
      continue;
    }
    LinkOutput out = m.link->receive(ByteView(buf.data(), got->second));
    for (Bytes& b : out.bodies) m.bodies.push_back(std::move(b));
    if (out.malformed) {  // REQ-FRAME-001: refused from its length alone
      m.malformed = true;
      close();
    }
  }
  body = std::move(m.bodies.front());
  m.bodies.pop_front();
  return Read::kBody;
}

void StreamClient::close() {
  if (impl_->closed && !impl_->socket.is_open()) return;
  impl_->closed = true;
  asio::error_code ignored;
  impl_->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  impl_->socket.close(ignored);
}

}  // namespace tmsproto::net
