// The bounds a terminal holds its TMS to, whatever the TMS's MACs say: scenarios in which the suite's
// TMS goes past one.
#include "conformance/runner/catalogue.h"

#include "session/secure_channel.h"

namespace tmsproto::conformance {

void add_bound_scenarios(std::vector<Scenario>& all) {
  // REQ-CRYPTO-026: 2^20 TDES blocks from the TMS under one K_DENC. A FRAME_RESPONSE of a 4096-octet
  // piece is 513 blocks of CT (the piece, its header and the padding), so the 2045th crosses the
  // bound; a package of 2100 such pieces, every envelope sealed under a correct MAC by a TMS that
  // ignores the bound, crosses it within the first session and needs a second to finish.
  Publication big;
  big.chunk_size = 4096;
  big.length = std::size_t{2100} * big.chunk_size;
  SessionPlan past = program({big}, aborts(ResponseCode::kResourceLimit,
                                           "REQ-CRYPTO-026: an envelope that takes the TMS's direction past "
                                           "2^20 TDES blocks is refused with 24"));
  past.tms_tdes_block_limit = 4 * session::kTdesMaxSealedBlocks;
  Expectation resumed = completes();
  resumed.announces = 0;
  all.push_back({"bounds.tdes_volume_from_the_tms",
                 {"REQ-CRYPTO-026"},
                 Level::kMust,
                 "in the TDES profile the suite's TMS serves an 8.2 MiB package in one session, past the 2^20 "
                 "blocks REQ-CRYPTO-026 allows under one K_DENC: the terminal ends the session with ABORT 24 "
                 "at the first envelope past the bound, and in the next session, under new keys, "
                 "completes the download",
                 Profile::kTdes,
                 {std::move(past), program({}, resumed)}});
}

}  // namespace tmsproto::conformance
