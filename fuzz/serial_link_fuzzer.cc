// Serial-line framing (spec/02-transport.md section 2.3): the fuzzer drives one SerialLink with a
// sequence of operations read from the input — octets from the line, bodies to send, ACK-timer
// expiries — and checks what the link does:
//  - REQ-FRAME-011: only bodies of MIN_BODY..MAX_BODY octets are ever delivered, and what the link
//    writes is only frames, ACK and NAK;
//  - REQ-FRAME-012: a lost link delivers and writes nothing more;
//  - REQ-FRAME-010 / REQ-FRAME-020: a delivered body framed again and given to a fresh link comes
//    back unchanged and acknowledged.
#include <cstddef>
#include <cstdint>

#include "codec/serial_link.h"
#include "fuzz_common.h"

namespace {

using namespace tmsproto;
using codec::SerialLink;

void check_output(const SerialLink::Output& out, bool was_lost) {
  if (was_lost) {
    FUZZ_CHECK(out.write.empty());
    FUZZ_CHECK(out.delivered.empty());
  }
  for (const Bytes& body : out.delivered) {
    FUZZ_CHECK(body.size() >= kMinBody && body.size() <= kMaxBody);
    SerialLink fresh;
    const auto again = fresh.receive(codec::frame_for_serial(body));
    FUZZ_CHECK(again.delivered.size() == 1 && again.delivered[0] == body);
    FUZZ_CHECK(again.write == Bytes{codec::kAck});
  }
  if (!out.write.empty()) {
    const std::uint8_t first = out.write[0];
    FUZZ_CHECK(first == codec::kStx || first == codec::kAck || first == codec::kNak);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  SerialLink link;
  std::size_t pos = 0;
  while (pos + 2 <= input.size()) {
    const std::uint8_t op = input[pos];
    const std::size_t n = std::min<std::size_t>(input[pos + 1] * 8u + 1u, input.size() - pos - 2);
    const ByteView chunk = input.subspan(pos + 2, n);
    pos += 2 + n;
    const bool was_lost = link.lost();
    switch (op % 3) {
      case 0:
        check_output(link.receive(chunk), was_lost);
        break;
      case 1:
        if (chunk.size() >= kMinBody) check_output(link.send(chunk), was_lost);
        break;
      default:
        check_output(link.timeout(), was_lost);
        break;
    }
  }
  return 0;
}
