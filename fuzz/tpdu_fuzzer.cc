// The TPDU of a link that carries one (spec/02-transport.md section 2.5): parse_tpdu on arbitrary
// octets, as the framings call it on what LEN counts.
//  - REQ-FRAME-032: fewer than five octets fail (01, "TPDU") and nothing is read;
//  - REQ-FRAME-036 / REQ-FRAME-037: a first octet other than 0x60 fails (01, "TPDU_ID");
//  - REQ-FRAME-031: every other input succeeds whatever the NII octets hold, reads exactly five
//    octets, and writing the TPDU gives them back (REQ-FRAME-030);
//  - REQ-FRAME-034: the answer's addresses are the request's swapped.
#include <cstddef>
#include <cstdint>

#include "codec/tpdu.h"
#include "fuzz_common.h"

using namespace tmsproto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  codec::Reader r(input);
  const auto t = codec::parse_tpdu(r);
  if (size < codec::kTpduLength) {
    FUZZ_CHECK(!t.ok());
    FUZZ_CHECK(t.error().field == "TPDU");
    FUZZ_CHECK(r.offset() == 0);
    return 0;
  }
  if (input[0] != codec::kTpduId) {
    FUZZ_CHECK(!t.ok());
    FUZZ_CHECK(t.error().field == "TPDU_ID");
    fuzz::check_error(t.error(), {ResponseCode::kMalformed});
    return 0;
  }
  FUZZ_CHECK(t.ok());
  FUZZ_CHECK(r.offset() == codec::kTpduLength);
  codec::Writer w;
  codec::write_tpdu(w, *t);
  FUZZ_CHECK(std::equal(w.view().begin(), w.view().end(), input.begin()));
  const codec::Tpdu answer = t->swapped();
  FUZZ_CHECK(answer.destination == t->source && answer.source == t->destination);
  FUZZ_CHECK(codec::TpduConfig::tms(codec::Tpdu{}).outgoing(*t) == answer);
  return 0;
}
