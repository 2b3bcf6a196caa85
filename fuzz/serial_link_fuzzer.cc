// Serial-line framing (spec/02-transport.md sections 2.3 and 2.5): the first input octet configures
// the link (bit 0: it carries a TPDU, REQ-FRAME-030; bit 1: the TMS's end, else the terminal's);
// then the fuzzer drives one SerialLink with a sequence of operations read from the input — octets
// from the line, bodies to send, ACK-timer expiries — and checks what the link does:
//  - REQ-FRAME-011: only bodies of MIN_BODY..MAX_BODY octets are ever delivered, and what the link
//    writes is only frames, ACK and NAK;
//  - REQ-FRAME-012: a lost link delivers and writes nothing more;
//  - REQ-FRAME-010 / REQ-FRAME-020 / REQ-FRAME-035: a delivered body framed again (with a TPDU
//    when the link carries one) and given to a fresh link comes back unchanged and acknowledged;
//  - REQ-FRAME-033 / REQ-FRAME-034: a frame sent carries the terminal's configured TPDU, or the
//    TMS's answer to the last TPDU it accepted;
//  - REQ-FRAME-037: RX_MALFORMED only on a link that carries a TPDU, at most once, always with an
//    ACK, and no body is delivered after it.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "codec/serial_link.h"
#include "fuzz_common.h"

namespace {

using namespace tmsproto;
using codec::SerialLink;
using codec::Tpdu;
using codec::TpduConfig;

const Tpdu kConfigured{{0x00, 0x03}, {0x00, 0x00}};

struct State {
  std::optional<TpduConfig> config;
  bool refused = false;  // RX_MALFORMED was reported
};

void check_output(const SerialLink::Output& out, bool was_lost, State& s) {
  if (was_lost) {
    FUZZ_CHECK(out.write.empty());
    FUZZ_CHECK(out.delivered.empty());
    FUZZ_CHECK(!out.rx_malformed);
  }
  if (out.rx_malformed) {
    FUZZ_CHECK(s.config.has_value());  // REQ-FRAME-038: without a TPDU there is nothing to refuse
    FUZZ_CHECK(!s.refused);            // REQ-FRAME-037: once
    FUZZ_CHECK(std::find(out.write.begin(), out.write.end(), codec::kAck) != out.write.end());
  }
  if (s.refused) FUZZ_CHECK(out.delivered.empty());  // REQ-FRAME-037: no body after it
  for (const Bytes& body : out.delivered) {
    FUZZ_CHECK(body.size() >= kMinBody && body.size() <= kMaxBody);
    SerialLink fresh(s.config);
    const Bytes framed = s.config ? codec::frame_for_serial(kConfigured, body) : codec::frame_for_serial(body);
    const auto again = fresh.receive(framed);
    FUZZ_CHECK(again.delivered.size() == 1 && again.delivered[0] == body);
    FUZZ_CHECK(again.write == Bytes{codec::kAck});
    FUZZ_CHECK(!again.rx_malformed);
  }
  if (out.rx_malformed) s.refused = true;
  if (!out.write.empty()) {
    const std::uint8_t first = out.write[0];
    FUZZ_CHECK(first == codec::kStx || first == codec::kAck || first == codec::kNak);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ByteView input(data, size);
  State s;
  if ((input[0] & 1u) != 0) s.config = (input[0] & 2u) != 0 ? TpduConfig::tms(kConfigured.swapped()) : TpduConfig::terminal(kConfigured);
  SerialLink link(s.config);
  std::size_t pos = 1;
  while (pos + 2 <= input.size()) {
    const std::uint8_t op = input[pos];
    const std::size_t n = std::min<std::size_t>(input[pos + 1] * 8u + 1u, input.size() - pos - 2);
    const ByteView chunk = input.subspan(pos + 2, n);
    pos += 2 + n;
    const bool was_lost = link.lost();
    switch (op % 3) {
      case 0:
        check_output(link.receive(chunk), was_lost, s);
        break;
      case 1:
        if (chunk.size() >= kMinBody && chunk.size() <= kMaxBody) {
          const bool sends_now = !link.awaiting_ack() && !was_lost;
          const std::optional<Tpdu> last = link.last_tpdu();
          const auto out = link.send(chunk);
          check_output(out, was_lost, s);
          if (sends_now) {
            // REQ-FRAME-033, REQ-FRAME-034: the frame goes out with the TPDU this end owes.
            const Bytes expected = s.config ? codec::frame_for_serial(s.config->outgoing(last), chunk)
                                            : codec::frame_for_serial(chunk);
            FUZZ_CHECK(out.write == expected);
          }
        }
        break;
      default:
        check_output(link.timeout(), was_lost, s);
        break;
    }
  }
  return 0;
}
