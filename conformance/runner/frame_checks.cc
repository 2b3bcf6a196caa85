#include "conformance/runner/frame_checks.h"

#include <algorithm>
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

Bytes tpdu_octets(const std::optional<codec::Tpdu>& t) {
  if (!t) return {};
  return Bytes{codec::kTpduId, t->destination[0], t->destination[1], t->source[0], t->source[1]};
}

std::optional<Mismatch> check_whole_frames(const std::vector<RawRead>& raw, const std::vector<WireMessage>& wire,
                                           bool serial, const Bytes& tpdu) {
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
    // REQ-FRAME-032: with a TPDU, LEN counts it and the body together.
    if (len < kMinBody + tpdu.size() || len > kMaxBody + tpdu.size()) return Mismatch{expected, "a frame of LEN " + std::to_string(len) + ": " + rest(all, at)};
    const std::size_t tail = serial ? 2 : 0;  // ETX and LRC
    if (at + head + len + tail > all.size()) return Mismatch{expected, "a frame cut short: " + rest(all, at)};
    // REQ-FRAME-030, REQ-FRAME-033: the configured TPDU, never what the suite's frames carried.
    if (!std::equal(tpdu.begin(), tpdu.end(), all.begin() + static_cast<std::ptrdiff_t>(at + head))) {
      return Mismatch{"every frame it sends carries its configured TPDU " + to_hex(tpdu) +
                          " (REQ-FRAME-030, REQ-FRAME-033)",
                      "a frame with " + rest(all, at + head)};
    }
    const Bytes body(all.begin() + static_cast<std::ptrdiff_t>(at + head + tpdu.size()),
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

std::vector<SerialUnit> serial_units(ByteView octets) {
  std::vector<SerialUnit> out;
  std::size_t at = 0;
  while (at < octets.size()) {
    SerialUnit u;
    u.first = at;
    u.last = at;
    const std::uint8_t b = octets[at];
    if (b == codec::kAck || b == codec::kNak) {
      u.kind = b == codec::kAck ? SerialUnit::Kind::kAck : SerialUnit::Kind::kNak;
    } else if (b == codec::kStx && at + 3 <= octets.size()) {
      const int d[4] = {bcd_digit(octets[at + 1] >> 4), bcd_digit(octets[at + 1] & 0x0F), bcd_digit(octets[at + 2] >> 4),
                        bcd_digit(octets[at + 2] & 0x0F)};
      const bool bcd = d[0] >= 0 && d[1] >= 0 && d[2] >= 0 && d[3] >= 0;
      const std::size_t len = bcd ? static_cast<std::size_t>(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]) : 0;
      const std::size_t end = at + 3 + len + 2;  // one past the LRC
      if (bcd && end <= octets.size() && octets[end - 2] == codec::kEtx) {
        std::uint8_t lrc = 0;
        for (std::size_t i = at + 1; i < end - 1; ++i) lrc ^= octets[i];
        if (lrc == octets[end - 1]) {
          u.kind = SerialUnit::Kind::kFrame;
          u.body.assign(octets.begin() + static_cast<std::ptrdiff_t>(at + 3),
                        octets.begin() + static_cast<std::ptrdiff_t>(at + 3 + len));
          u.last = end - 1;
        }
      }
    }
    at = u.last + 1;
    out.push_back(std::move(u));
  }
  return out;
}

std::optional<Mismatch> check_link_replies(const std::vector<RawRead>& raw, std::size_t good_frames_written,
                                           std::size_t naks) {
  Bytes all;
  for (const RawRead& r : raw) all.insert(all.end(), r.octets.begin(), r.octets.end());
  std::size_t acks_seen = 0;
  std::size_t naks_seen = 0;
  for (const SerialUnit& u : serial_units(all)) {
    acks_seen += u.kind == SerialUnit::Kind::kAck ? 1 : 0;
    naks_seen += u.kind == SerialUnit::Kind::kNak ? 1 : 0;
  }
  if (acks_seen == good_frames_written && naks_seen == naks) return std::nullopt;
  return Mismatch{"an ACK for each of the " + std::to_string(good_frames_written) + " good frames the suite wrote and " +
                      std::to_string(naks) + " NAK (REQ-FRAME-011, REQ-FRAME-013)",
                  std::to_string(acks_seen) + " ACK and " + std::to_string(naks_seen) + " NAK"};
}

std::optional<Mismatch> check_resends(const std::vector<RawRead>& raw) {
  Bytes all;
  std::vector<std::int64_t> when;  // the time each octet was read
  for (const RawRead& r : raw) {
    all.insert(all.end(), r.octets.begin(), r.octets.end());
    when.insert(when.end(), r.octets.size(), r.at_ms);
  }
  const std::string expected = "its frame 3 times in all, each resend " + std::to_string(kResendEarliestMs) + "-" +
                               std::to_string(kResendLatestMs) +
                               " ms after the copy before it, then nothing (REQ-FRAME-012)";
  const auto units = serial_units(all);
  std::string seen;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const SerialUnit& u = units[i];
    if (!seen.empty()) seen += ", ";
    seen += u.kind == SerialUnit::Kind::kFrame ? "a frame" : u.kind == SerialUnit::Kind::kAck ? "ACK"
                                                        : u.kind == SerialUnit::Kind::kNak ? "NAK" : "another octet";
    if (i > 0) seen += " " + std::to_string(when[u.first] - when[units[i - 1].last]) + " ms later";
  }
  if (units.size() != 3) return Mismatch{expected, seen.empty() ? "nothing" : seen};
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (units[i].kind != SerialUnit::Kind::kFrame || units[i].body != units[0].body) return Mismatch{expected, seen};
    if (i == 0) continue;
    const std::int64_t gap = when[units[i].first] - when[units[i - 1].last];
    if (gap < kResendEarliestMs || gap > kResendLatestMs) return Mismatch{expected, seen};
  }
  return std::nullopt;
}

}  // namespace tmsproto::conformance
