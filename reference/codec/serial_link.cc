#include "codec/serial_link.h"

#include "protocol/constants.h"

namespace tmsproto::codec {
namespace {

std::uint8_t bcd(unsigned v) { return static_cast<std::uint8_t>(((v / 10) << 4) | (v % 10)); }

// A packed-BCD octet's value, or -1 for a nibble above 9.
int from_bcd(std::uint8_t b) {
  const int hi = b >> 4, lo = b & 0x0f;
  return hi > 9 || lo > 9 ? -1 : hi * 10 + lo;
}

}  // namespace

Bytes frame_for_serial(ByteView body) {
  const auto n = static_cast<unsigned>(body.size());
  Bytes f;
  f.reserve(body.size() + 5);
  f.push_back(kStx);
  f.push_back(bcd(n / 100));
  f.push_back(bcd(n % 100));
  f.insert(f.end(), body.begin(), body.end());
  f.push_back(kEtx);
  std::uint8_t lrc = 0;
  for (std::size_t i = 1; i < f.size(); ++i) lrc ^= f[i];  // LEN .. ETX, REQ-FRAME-010
  f.push_back(lrc);
  return f;
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
  outstanding_ = frame_for_serial(queued_.front());
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
// acknowledged again but not delivered twice (REQ-FRAME-013).
void SerialLink::on_frame(Output& out) {
  out.write.push_back(kAck);
  if (last_acked_ && *last_acked_ == body_) return;  // REQ-FRAME-013
  last_acked_ = body_;
  out.delivered.push_back(body_);
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
          body_.clear();
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
        if (v < 0 || len_ < kMinBody || len_ > kMaxBody) {
          out.write.push_back(kNak);
          rx_ = Rx::kHunt;
          break;
        }
        body_.reserve(len_);
        rx_ = Rx::kBody;
        break;
      }
      case Rx::kBody:
        lrc_ ^= b;
        body_.push_back(b);
        if (body_.size() == len_) rx_ = Rx::kEndOfText;
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
