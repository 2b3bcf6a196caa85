// Stream framing (spec/02-transport.md section 2.2): LEN (2, big-endian) || BODY over a byte stream
// cut into reads wherever the fuzzer likes. The input is a sequence of reads, each one length octet
// n followed by up to n octets of stream; the StreamDeframer must yield exactly what a one-shot
// model of the framing yields on the whole stream:
//  - REQ-FRAME-003: the same bodies in the same order whatever the split, and never a body before
//    all its octets arrived;
//  - REQ-FRAME-001: a LEN outside MIN_BODY..MAX_BODY fails (01) as soon as the two LEN octets are
//    in, before any body octet is needed, and the deframer stays failed;
//  - REQ-FRAME-002 / REQ-MSG-003: frame_for_stream() of each body gives back the octets it came from;
//  - REQ-FRAME-004: a partial frame is reported as such at the end of the stream.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "codec/stream_framing.h"
#include "fuzz_common.h"

namespace {

using namespace tmsproto;

// The model: the whole stream at once.
struct Model {
  std::vector<Bytes> bodies;
  bool failed = false;
  std::size_t fail_at = 0;  // stream octets needed to detect the failure: the two LEN octets
  std::size_t consumed = 0;  // octets of complete frames
};

Model model(ByteView stream) {
  Model m;
  std::size_t pos = 0;
  while (stream.size() - pos >= 2) {
    const std::size_t len = (std::size_t{stream[pos]} << 8) | stream[pos + 1];
    if (len < kMinBody || len > kMaxBody) {
      m.failed = true;
      m.fail_at = pos + 2;
      return m;
    }
    if (stream.size() - pos - 2 < len) break;
    m.bodies.emplace_back(stream.begin() + static_cast<std::ptrdiff_t>(pos + 2),
                          stream.begin() + static_cast<std::ptrdiff_t>(pos + 2 + len));
    pos += 2 + len;
  }
  m.consumed = pos;
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  codec::StreamDeframer deframer;
  Bytes stream;
  std::vector<Bytes> got;
  bool failed = false;
  std::size_t fed_at_failure = 0;     // stream octets when the failure was first reported
  std::size_t fed_before_failure = 0;  // ... and before the read that reported it
  std::size_t pos = 0;
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
        FUZZ_CHECK(next.error().code == ResponseCode::kMalformed);  // REQ-FRAME-001: 01
        FUZZ_CHECK(next.error().field == "LEN");
        FUZZ_CHECK(!deframer.has_partial_frame());
        if (!failed) {
          fed_at_failure = stream.size();
          fed_before_failure = before;
        }
        failed = true;
        break;
      }
      FUZZ_CHECK(!failed);  // after an error the deframer stays failed
      if (!next->has_value()) break;
      const Bytes& body = **next;
      FUZZ_CHECK(body.size() >= kMinBody && body.size() <= kMaxBody);
      got.push_back(body);
    }
    if (failed) {
      // Stays failed whatever else arrives.
      auto again = deframer.next();
      FUZZ_CHECK(!again.ok());
    }
    // REQ-FRAME-003: nothing yielded beyond what has arrived.
    std::size_t yielded = 0;
    for (const Bytes& b : got) yielded += 2 + b.size();
    FUZZ_CHECK(yielded <= stream.size());
  }

  const Model m = model(stream);
  FUZZ_CHECK(failed == m.failed);
  FUZZ_CHECK(got == m.bodies);
  if (failed) {
    // REQ-FRAME-001: detected in the read that completed the bad LEN, not later (before the body).
    FUZZ_CHECK(fed_before_failure < m.fail_at && m.fail_at <= fed_at_failure);
  } else {
    // REQ-FRAME-004: octets of an unfinished frame remain exactly when the stream stops mid-frame.
    FUZZ_CHECK(deframer.has_partial_frame() == (m.consumed < stream.size()));
  }
  // REQ-FRAME-002, REQ-MSG-003: re-framing the bodies gives back the octets they came from.
  Bytes reframed;
  for (const Bytes& b : got) {
    const Bytes f = codec::frame_for_stream(b);
    reframed.insert(reframed.end(), f.begin(), f.end());
  }
  FUZZ_CHECK(reframed.size() <= stream.size());
  FUZZ_CHECK(std::equal(reframed.begin(), reframed.end(), stream.begin()));
  return 0;
}
