// Stream framing (spec/02-transport.md sections 2.2 and 2.5): LEN (2, big-endian) || BODY, or
// LEN || TPDU || BODY, over a byte stream cut into reads wherever the fuzzer likes. The first input
// octet configures the link (odd: it carries a TPDU, REQ-FRAME-030); the rest is a sequence of
// reads, each one length octet n followed by up to n octets of stream. The StreamDeframer must
// yield exactly what a one-shot model of the framing yields on the whole stream:
//  - REQ-FRAME-003: the same bodies in the same order whatever the split, and never a body before
//    all its octets arrived;
//  - REQ-FRAME-001 / REQ-FRAME-032: a LEN outside MIN_BODY..MAX_BODY (plus 5 with a TPDU) fails
//    (01, "LEN") as soon as the two LEN octets are in, before any later octet is needed, and the
//    deframer stays failed;
//  - REQ-FRAME-036: with a TPDU, a TPDU_ID other than 0x60 fails (01, "TPDU_ID") as soon as that
//    octet is in;
//  - REQ-FRAME-031 / REQ-FRAME-035: any NIIs are accepted, and each body comes out without its
//    TPDU, which the deframer reports as the last one;
//  - REQ-FRAME-002 / REQ-FRAME-030 / REQ-MSG-003: framing each body again (with its TPDU) gives back
//    the octets it came from;
//  - REQ-FRAME-004: a partial frame is reported as such at the end of the stream.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "codec/stream_framing.h"
#include "fuzz_common.h"

namespace {

using namespace tmsproto;
using codec::LinkHeader;
using codec::Tpdu;

// The model: the whole stream at once.
struct Model {
  std::vector<Bytes> bodies;
  std::vector<Tpdu> tpdus;    // with a TPDU, the one of each body
  bool failed = false;
  std::string_view field;     // what failed: "LEN" or "TPDU_ID"
  std::size_t fail_at = 0;    // stream octets needed to detect the failure
  std::size_t consumed = 0;   // octets of complete frames
};

Model model(ByteView stream, LinkHeader header) {
  Model m;
  const std::size_t h = codec::header_length(header);
  std::size_t pos = 0;
  while (stream.size() - pos >= 2) {
    const std::size_t len = (std::size_t{stream[pos]} << 8) | stream[pos + 1];
    if (len < kMinBody + h || len > kMaxBody + h) {
      m.failed = true;
      m.field = "LEN";
      m.fail_at = pos + 2;
      return m;
    }
    if (h != 0 && stream.size() - pos >= 3 && stream[pos + 2] != codec::kTpduId) {
      m.failed = true;
      m.field = "TPDU_ID";
      m.fail_at = pos + 3;
      return m;
    }
    if (stream.size() - pos - 2 < len) break;
    if (h != 0) {
      m.tpdus.push_back(Tpdu{{stream[pos + 3], stream[pos + 4]}, {stream[pos + 5], stream[pos + 6]}});
    }
    m.bodies.emplace_back(stream.begin() + static_cast<std::ptrdiff_t>(pos + 2 + h),
                          stream.begin() + static_cast<std::ptrdiff_t>(pos + 2 + len));
    pos += 2 + len;
  }
  m.consumed = pos;
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const LinkHeader header = (data[0] & 1u) != 0 ? LinkHeader::kTpdu : LinkHeader::kNone;
  const std::size_t h = codec::header_length(header);
  codec::StreamDeframer deframer(header);
  Bytes stream;
  std::vector<Bytes> got;
  std::vector<Tpdu> got_tpdus;
  bool failed = false;
  std::string_view failed_field;
  std::size_t fed_at_failure = 0;     // stream octets when the failure was first reported
  std::size_t fed_before_failure = 0;  // ... and before the read that reported it
  std::size_t pos = 1;
  while (pos < size) {
    // One read: a length octet, then that many octets (fewer at the end of the input). Length 0 is
    // a read of nothing, which must change nothing.
    const std::size_t n = data[pos++];
    const std::size_t take = n < size - pos ? n : size - pos;
    const ByteView read(data + pos, take);
    pos += take;
    const std::size_t before = stream.size();
    stream.insert(stream.end(), read.begin(), read.end());
    deframer.feed(read);
    // The edge calls next() until it yields nothing (stream_framing.h).
    for (;;) {
      auto next = deframer.next();
      if (!next.ok()) {
        FUZZ_CHECK(next.error().code == ResponseCode::kMalformed);  // REQ-FRAME-001, REQ-FRAME-036: 01
        FUZZ_CHECK(next.error().field == "LEN" || (h != 0 && next.error().field == "TPDU_ID"));
        FUZZ_CHECK(!deframer.has_partial_frame());
        if (!failed) {
          fed_at_failure = stream.size();
          fed_before_failure = before;
          failed_field = next.error().field;
        }
        FUZZ_CHECK(next.error().field == failed_field);
        failed = true;
        break;
      }
      FUZZ_CHECK(!failed);  // after an error the deframer stays failed
      if (!next->has_value()) break;
      const Bytes& body = **next;
      FUZZ_CHECK(body.size() >= kMinBody && body.size() <= kMaxBody);
      FUZZ_CHECK(deframer.last_tpdu().has_value() == (h != 0));
      got.push_back(body);
      if (h != 0) got_tpdus.push_back(*deframer.last_tpdu());
    }
    if (failed) {
      // Stays failed whatever else arrives.
      auto again = deframer.next();
      FUZZ_CHECK(!again.ok());
    }
    // REQ-FRAME-003: nothing yielded beyond what has arrived.
    std::size_t yielded = 0;
    for (const Bytes& b : got) yielded += 2 + h + b.size();
    FUZZ_CHECK(yielded <= stream.size());
  }

  const Model m = model(stream, header);
  FUZZ_CHECK(failed == m.failed);
  FUZZ_CHECK(got == m.bodies);
  FUZZ_CHECK(got_tpdus == m.tpdus);
  if (failed) {
    // REQ-FRAME-001, REQ-FRAME-036: detected in the read that completed the bad octet, not later.
    FUZZ_CHECK(failed_field == m.field);
    FUZZ_CHECK(fed_before_failure < m.fail_at && m.fail_at <= fed_at_failure);
  } else {
    // REQ-FRAME-004: octets of an unfinished frame remain exactly when the stream stops mid-frame.
    FUZZ_CHECK(deframer.has_partial_frame() == (m.consumed < stream.size()));
  }
  // REQ-FRAME-002, REQ-FRAME-030, REQ-MSG-003: re-framing the bodies gives back their octets.
  Bytes reframed;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Bytes f = h != 0 ? codec::frame_for_stream(got_tpdus[i], got[i]) : codec::frame_for_stream(got[i]);
    reframed.insert(reframed.end(), f.begin(), f.end());
  }
  FUZZ_CHECK(reframed.size() <= stream.size());
  FUZZ_CHECK(std::equal(reframed.begin(), reframed.end(), stream.begin()));
  return 0;
}
