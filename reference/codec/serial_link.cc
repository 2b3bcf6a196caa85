#include "codec/serial_link.h"

#include "codec/reader.h"
#include "codec/writer.h"
#include "protocol/constants.h"

namespace tmsproto::codec {
namespace {

std::uint8_t bcd(unsigned v) { return static_cast<std::uint8_t>(((v / 10) << 4) | (v % 10)); }

// A packed-BCD octet's value, or -1 for a nibble above 9.
int from_bcd(std::uint8_t b) {
  const int hi = b >> 4, lo = b & 0x0f;
  return hi > 9 || lo > 9 ? -1 : hi * 10 + lo;
}

// LEN (BCD) || content || ETX || LRC behind STX, content being the TPDU (if any) and the body.
Bytes frame_content(ByteView tpdu, ByteView body) {
  const auto n = static_cast<unsigned>(tpdu.size() + body.size());
  Bytes f;
  f.reserve(n + 5);
  f.push_back(kStx);
  f.push_back(bcd(n / 100));
  f.push_back(bcd(n % 100));
  f.insert(f.end(), tpdu.begin(), tpdu.end());
  f.insert(f.end(), body.begin(), body.end());
  f.push_back(kEtx);
  std::uint8_t lrc = 0;
  for (std::size_t i = 1; i < f.size(); ++i) lrc ^= f[i];  // LEN .. ETX, REQ-FRAME-010
  f.push_back(lrc);
  return f;
}

}  // namespace

Bytes frame_for_serial(ByteView body) { return frame_content({}, body); }

Bytes frame_for_serial(const Tpdu& tpdu, ByteView body) {
  Writer w;
  write_tpdu(w, tpdu);  // REQ-FRAME-030: inside the frame, so the LRC covers it; LEN counts it (REQ-FRAME-032)
  return frame_content(w.view(), body);
}

SerialLink::Output SerialLink::send(ByteView body) {
  Output out;
  if (lost_) {
    out.link_lost = true;
    return out;
  }
  queued_.emplace_back(body.begin(), body.end());
  if (!outstanding_) transmit(out);
  return out;
}

void SerialLink::transmit(Output& out) {
  if (queued_.empty()) return;
  // REQ-FRAME-033, REQ-FRAME-034: the TPDU is chosen when the frame first goes out; a resend
  // repeats these very octets.
  outstanding_ = tpdu_ ? frame_for_serial(tpdu_->outgoing(last_tpdu_), queued_.front())
                       : frame_for_serial(queued_.front());
  queued_.erase(queued_.begin());
  sends_ = 1;
  out.write.insert(out.write.end(), outstanding_->begin(), outstanding_->end());
  out.arm_ack_timer = true;
}

// REQ-FRAME-012: resend on NAK or silence, at most three sends in all.
void SerialLink::resend_or_lose(Output& out) {
  if (!outstanding_) return;
  if (sends_ >= kSerialMaxSends) {  // REQ-FRAME-012
    lost_ = true;
    outstanding_.reset();
    queued_.clear();
    out.link_lost = true;
    return;
  }
  ++sends_;
  out.write.insert(out.write.end(), outstanding_->begin(), outstanding_->end());
  out.arm_ack_timer = true;
}

SerialLink::Output SerialLink::timeout() {
  Output out;
  resend_or_lose(out);
  return out;
}

// REQ-FRAME-011: a good frame is acknowledged and delivered; a repeat of the last one is
// acknowledged again but not delivered (or reported) twice (REQ-FRAME-013).
void SerialLink::on_frame(Output& out) {
  // REQ-FRAME-037: the LRC vouched for the frame, so it is acknowledged whatever its TPDU holds.
  out.write.push_back(kAck);
  if (last_acked_ && *last_acked_ == content_) return;  // REQ-FRAME-013: TPDU and body alike
  last_acked_ = content_;
  if (rx_refused_) return;  // REQ-FRAME-037: after RX_MALFORMED no further body
  Reader r(content_);
  if (tpdu_) {
    auto tpdu = parse_tpdu(r);
    if (!tpdu.ok()) {  // REQ-FRAME-037: a wrong TPDU_ID is RX_MALFORMED, not a NAK
      rx_refused_ = true;
      out.rx_malformed = true;
      return;
    }
    last_tpdu_ = *tpdu;  // REQ-FRAME-034: what the TMS's end answers to
  }
  // REQ-FRAME-035: the TPDU stays here; REQ-FRAME-038: without one configured, it is body.
  auto body = r.bytes(r.remaining(), "BODY");
  if (body.ok()) out.delivered.emplace_back(body->begin(), body->end());
}

SerialLink::Output SerialLink::receive(ByteView octets) {
  Output out;
  if (lost_) {
    out.link_lost = true;
    return out;
  }
  for (std::uint8_t b : octets) {
    switch (rx_) {
      case Rx::kHunt:
        // Between frames, the only meaningful octets are STX and the peer's ACK/NAK; anything
        // else is line noise and is discarded.
        if (b == kStx) {
          rx_ = Rx::kLenHi;
          lrc_ = 0;
          content_.clear();
        } else if (b == kAck && outstanding_) {
          outstanding_.reset();
          transmit(out);
        } else if (b == kNak && outstanding_) {
          resend_or_lose(out);
          if (lost_) return out;
        }
        break;
      case Rx::kLenHi: {
        lrc_ ^= b;
        const int v = from_bcd(b);
        if (v < 0) {
          out.write.push_back(kNak);
          rx_ = Rx::kHunt;
          break;
        }
        len_ = static_cast<std::size_t>(v) * 100;
        rx_ = Rx::kLenLo;
        break;
      }
      case Rx::kLenLo: {
        lrc_ ^= b;
        const int v = from_bcd(b);
        len_ += static_cast<std::size_t>(v < 0 ? 0 : v);
        // REQ-FRAME-011: a length that is not BCD or outside the bounds is refused before any
        // body octet is stored.
        // REQ-FRAME-032: with a TPDU the bounds shift by five, so a frame too short for one is
        // refused here.
        if (v < 0 || len_ < min_frame_len(header()) || len_ > max_frame_len(header())) {
          out.write.push_back(kNak);
          rx_ = Rx::kHunt;
          break;
        }
        content_.reserve(len_);
        rx_ = Rx::kBody;
        break;
      }
      case Rx::kBody:
        lrc_ ^= b;
        content_.push_back(b);
        if (content_.size() == len_) rx_ = Rx::kEndOfText;
        break;
      case Rx::kEndOfText:
        lrc_ ^= b;
        if (b != kEtx) {
          out.write.push_back(kNak);
          rx_ = Rx::kHunt;
          break;
        }
        rx_ = Rx::kLrc;
        break;
      case Rx::kLrc:
        if (b == lrc_) on_frame(out);
        else out.write.push_back(kNak);
        rx_ = Rx::kHunt;
        break;
    }
  }
  return out;
}

}  // namespace tmsproto::codec
