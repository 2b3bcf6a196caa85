// The client's end of one TCP connection, driven step by step: for an edge that plays a terminal
// itself and must hold each message before it answers, such as the conformance suite against a TMS
// under test (spec/conformance.md C.10). Framing is stream_link's (REQ-FRAME-001, REQ-FRAME-002),
// so a frame announcing a length outside MIN_BODY..MAX_BODY is refused before its body is read.
// Asio stays inside stream_client.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace tmsproto::net {

class StreamClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  enum class Read {
    kBody,       // a whole body
    kClosed,     // the peer closed (a half frame too, REQ-FRAME-004), or the connection failed
    kTimedOut,   // the deadline passed with no whole body
    kMalformed,  // a frame the stream framing refuses (REQ-FRAME-001); the connection is closed
  };

  // Connected to HOST:PORT before `deadline`, or one line saying why not.
  static Result<std::unique_ptr<StreamClient>, std::string> connect(const std::string& host, std::uint16_t port,
                                                                    Deadline deadline);
  ~StreamClient();
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  // One body framed and written whole before `deadline`; false when it could not be.
  bool send(ByteView body, Deadline deadline);
  // The next body, or why there is none.
  Read receive(Bytes& body, Deadline deadline);
  void close();

 private:
  struct Impl;
  explicit StreamClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tmsproto::net
