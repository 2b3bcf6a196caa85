// Framing over a serial line (RS232, asynchronous modem): spec/02-transport.md section 2.3.
//   STX (0x02) | LEN (2, packed BCD, 0004..8192) | BODY | ETX (0x03) | LRC (XOR of LEN..ETX)
// and single-octet ACK (0x06) / NAK (0x15); on a link configured with a TPDU (section 2.5) the
// TPDU stands between LEN and BODY and LEN counts both (0009..8197). It hands the protocol layer the
// same bodies as the stream framing (REQ-FRAME-020, REQ-FRAME-035). Pure: the edge writes `write`
// to the line, passes what it reads to receive(), and calls timeout() when the 2-second ACK timer
// it armed expires.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "codec/tpdu.h"
#include "common/bytes.h"

namespace tmsproto::codec {

inline constexpr std::uint8_t kStx = 0x02;
inline constexpr std::uint8_t kEtx = 0x03;
inline constexpr std::uint8_t kAck = 0x06;
inline constexpr std::uint8_t kNak = 0x15;
inline constexpr int kSerialMaxSends = 3;  // REQ-FRAME-012

// REQ-FRAME-010. Precondition: kMinBody <= body.size() <= kMaxBody.
Bytes frame_for_serial(ByteView body);
// REQ-FRAME-030, REQ-FRAME-032: the TPDU in front of the body, LEN counting both. Same precondition.
Bytes frame_for_serial(const Tpdu& tpdu, ByteView body);

class SerialLink {
 public:
  struct Output {
    Bytes write;                   // octets for the line: frames, ACK, NAK
    std::vector<Bytes> delivered;  // whole bodies for the protocol layer, in order
    bool arm_ack_timer = false;    // a frame was (re)sent: wait up to 2 s for ACK
    bool link_lost = false;        // REQ-FRAME-012: CONN_LOST for the protocol layer
    // REQ-FRAME-037: an acknowledged frame whose TPDU_ID is not 0x60, after the bodies in
    // `delivered`: RX_MALFORMED for the protocol layer (ABORT 01). Reported once; no body follows.
    bool rx_malformed = false;
  };

  // Without a TPDU, or with one configured for this end (REQ-FRAME-030): the terminal's
  // (TpduConfig::terminal, REQ-FRAME-033) or the TMS's (TpduConfig::tms, REQ-FRAME-034).
  explicit SerialLink(std::optional<TpduConfig> tpdu = std::nullopt) : tpdu_(tpdu) {}

  // Sends a body, or queues it behind the frame still waiting for its ACK.
  Output send(ByteView body);
  Output receive(ByteView octets);
  Output timeout();

  bool awaiting_ack() const { return outstanding_.has_value(); }
  bool lost() const { return lost_; }
  // The TPDU of the last frame delivered, on a link that carries one (REQ-FRAME-034).
  const std::optional<Tpdu>& last_tpdu() const { return last_tpdu_; }

 private:
  enum class Rx { kHunt, kLenHi, kLenLo, kBody, kEndOfText, kLrc };

  LinkHeader header() const { return tpdu_ ? LinkHeader::kTpdu : LinkHeader::kNone; }
  void transmit(Output& out);
  void resend_or_lose(Output& out);
  void on_frame(Output& out);

  std::optional<TpduConfig> tpdu_;

  // Sending side.
  std::optional<Bytes> outstanding_;  // the framed octets waiting for ACK
  std::vector<Bytes> queued_;         // bodies behind it
  int sends_ = 0;
  bool lost_ = false;

  // Receiving side.
  Rx rx_ = Rx::kHunt;
  std::size_t len_ = 0;
  std::uint8_t lrc_ = 0;
  Bytes content_;                    // the octets LEN counts: TPDU (if any) and body
  std::optional<Bytes> last_acked_;  // REQ-FRAME-013
  std::optional<Tpdu> last_tpdu_;
  bool rx_refused_ = false;          // REQ-FRAME-037: a wrong TPDU_ID was reported
};

}  // namespace tmsproto::codec
