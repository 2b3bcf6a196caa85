// Algorithm TMS-HANDSHAKE of vectors/README.md: the handshake cryptograms of one session, formula
// by formula (spec/07-crypto.md sections 7.2-7.4), with the transcripts of spec/04-handshake.md
// section 4.1 given as input. One call into the profile layer per formula, so that a failing case
// names the formula that disagrees.
#pragma once

#include "vectors/document.h"
#include "vectors/runner.h"

namespace tmsproto::vectors {

// Fields: profile ("legacy" | "tdes" | "aes128" | "aes256"), dmk, dwk, tData, sData, dwk1, tac1,
// sac1; for TDES and AES also kMac, kKek, hsRequest, hsAuthRequestPrefix, hsAuthAnswerPrefix.
Verdict check_tms_handshake(const Json& test);

}  // namespace tmsproto::vectors
