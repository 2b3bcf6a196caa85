#include "net/frame_link.h"

#include "codec/serial_link.h"
#include "codec/stream_framing.h"

namespace tmsproto::net {
namespace {

class StreamLink final : public FrameLink {
 public:
  explicit StreamLink(std::optional<codec::TpduConfig> tpdu)
      : tpdu_(tpdu), deframer_(tpdu ? codec::LinkHeader::kTpdu : codec::LinkHeader::kNone) {}

  LinkOutput send(ByteView body) override {
    LinkOutput out;
    // REQ-FRAME-034: the TMS answers with the NIIs of the last frame it accepted, swapped.
    out.write = tpdu_ ? codec::frame_for_stream(tpdu_->outgoing(deframer_.last_tpdu()), body)
                      : codec::frame_for_stream(body);
    return out;
  }

  LinkOutput receive(ByteView octets) override {
    LinkOutput out;
    if (failed_) return out;  // REQ-SRV-001, REQ-FRAME-036: nothing more is read after a framing error
    deframer_.feed(octets);
    for (;;) {
      auto next = deframer_.next();  // REQ-FRAME-003
      if (!next.ok()) {
        failed_ = true;
        out.malformed = true;  // REQ-FRAME-001: a bad LEN (or TPDU_ID) before the body is stored
        return out;
      }
      if (!next->has_value()) return out;
      out.bodies.push_back(std::move(**next));
    }
  }

  LinkOutput link_timeout() override { return {}; }
  bool has_partial_frame() const override { return !failed_ && deframer_.has_partial_frame(); }
  bool settled() const override { return true; }
  int link_timer_ms() const override { return 0; }

 private:
  std::optional<codec::TpduConfig> tpdu_;
  codec::StreamDeframer deframer_;
  bool failed_ = false;
};

class SerialFrameLink final : public FrameLink {
 public:
  explicit SerialFrameLink(std::optional<codec::TpduConfig> tpdu) : link_(tpdu) {}

  LinkOutput send(ByteView body) override { return convert(link_.send(body)); }
  LinkOutput receive(ByteView octets) override { return convert(link_.receive(octets)); }
  LinkOutput link_timeout() override { return convert(link_.timeout()); }
  // A serial receiver hunts for STX: a half frame is no message and the line is not lost by it.
  bool has_partial_frame() const override { return false; }
  bool settled() const override { return !link_.awaiting_ack(); }
  int link_timer_ms() const override { return 2000; }  // REQ-FRAME-012

 private:
  static LinkOutput convert(codec::SerialLink::Output o) {
    LinkOutput out;
    out.write = std::move(o.write);
    out.bodies = std::move(o.delivered);
    out.malformed = o.rx_malformed;  // REQ-FRAME-037
    out.lost = o.link_lost;          // REQ-FRAME-012
    out.arm_link_timer = o.arm_ack_timer;
    return out;
  }
  codec::SerialLink link_;
};

}  // namespace

std::unique_ptr<FrameLink> stream_link(std::optional<codec::TpduConfig> tpdu) {
  return std::make_unique<StreamLink>(tpdu);
}
std::unique_ptr<FrameLink> serial_link(std::optional<codec::TpduConfig> tpdu) {
  return std::make_unique<SerialFrameLink>(tpdu);
}

}  // namespace tmsproto::net
