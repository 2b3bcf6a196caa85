#include "conformance/runner/judgement.h"

#include "codec/abort_message.h"
#include "common/hex.h"

namespace tmsproto::conformance {

bool is_abort(const WireMessage& m) {
  return !m.body.empty() && m.body[0] == static_cast<std::uint8_t>(MsgType::kAbort);
}

std::string describe(const WireMessage& m) {
  if (m.body.empty()) return "an empty body";
  if (is_abort(m)) {
    auto a = codec::parse_abort(m.body);
    return a.ok() ? "ABORT " + digits(a->code) : "a malformed ABORT";
  }
  const auto type = msg_type_from_octet(m.body[0]);
  return type ? std::string(name(*type)) : "a body of unknown type 0x" + to_hex(ByteView(m.body).first(1));
}

}  // namespace tmsproto::conformance
