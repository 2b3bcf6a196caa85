#include "conformance/runner/frame_checks.h"

#include <string>

#include "codec/serial_link.h"
#include "common/hex.h"
#include "protocol/constants.h"

namespace tmsproto::conformance {
namespace {

// The octets from `at` on, as a FAIL shows them (at most 32).
std::string rest(const Bytes& all, std::size_t at) {
  const std::size_t n = std::min<std::size_t>(all.size() - at, 32);
  return std::to_string(all.size() - at) + " octets (" +
         to_hex(ByteView(all.data() + at, n)) + (all.size() - at > n ? "..." : "") + ")";
}

int bcd_digit(std::uint8_t nibble) { return nibble <= 9 ? nibble : -1; }

}  // namespace

std::optional<Mismatch> check_whole_frames(const std::vector<RawRead>& raw, const std::vector<WireMessage>& wire,
                                           bool serial) {
  Bytes all;
  for (const RawRead& r : raw) all.insert(all.end(), r.octets.begin(), r.octets.end());
  std::vector<const Bytes*> bodies;
  for (const WireMessage& m : wire) {
    if (m.from_terminal) bodies.push_back(&m.body);
  }
  const std::string expected =
      serial ? "every octet it sends is an ACK, a NAK or a whole STX frame of a message it sent (REQ-FRAME-010)"
             : "every octet it sends is in a whole LEN-prefixed frame of a message it sent, nothing after its last "
               "frame (REQ-FRAME-002)";
  std::size_t next = 0;  // the next of its messages a frame must carry
  const Bytes* last = nullptr;
  std::size_t at = 0;
  while (at < all.size()) {
    std::size_t len = 0;
    std::size_t head = 2;
    if (serial) {
      if (all[at] == codec::kAck || all[at] == codec::kNak) {
        ++at;
        continue;
      }
      if (all[at] != codec::kStx || at + 3 > all.size()) return Mismatch{expected, "after its frames: " + rest(all, at)};
      const int d[4] = {bcd_digit(all[at + 1] >> 4), bcd_digit(all[at + 1] & 0x0F), bcd_digit(all[at + 2] >> 4),
                        bcd_digit(all[at + 2] & 0x0F)};
      if (d[0] < 0 || d[1] < 0 || d[2] < 0 || d[3] < 0) return Mismatch{expected, "a non-BCD length: " + rest(all, at)};
      len = static_cast<std::size_t>(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]);
      head = 3;
    } else {
      if (at + 2 > all.size()) return Mismatch{expected, "after its last whole frame: " + rest(all, at)};
      len = static_cast<std::size_t>(all[at] << 8 | all[at + 1]);
    }
    if (len < kMinBody || len > kMaxBody) return Mismatch{expected, "a frame of LEN " + std::to_string(len) + ": " + rest(all, at)};
    const std::size_t tail = serial ? 2 : 0;  // ETX and LRC
    if (at + head + len + tail > all.size()) return Mismatch{expected, "a frame cut short: " + rest(all, at)};
    const Bytes body(all.begin() + static_cast<std::ptrdiff_t>(at + head),
                     all.begin() + static_cast<std::ptrdiff_t>(at + head + len));
    if (serial) {
      std::uint8_t lrc = 0;
      for (std::size_t i = at + 1; i < at + head + len + 1; ++i) lrc ^= all[i];
      if (all[at + head + len] != codec::kEtx || all[at + head + len + 1] != lrc) {
        return Mismatch{expected, "a frame without its ETX or with a wrong LRC: " + rest(all, at)};
      }
    }
    at += head + len + tail;
    // REQ-FRAME-012, REQ-FRAME-013: on a line a frame sent again is a resend of the same message.
    if (serial && last != nullptr && *last == body) continue;
    if (next >= bodies.size() || *bodies[next] != body) {
      return Mismatch{expected, "a frame whose body is none of the messages the suite received in order"};
    }
    last = bodies[next++];
  }
  return std::nullopt;
}

}  // namespace tmsproto::conformance
