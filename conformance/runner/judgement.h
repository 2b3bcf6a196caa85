// A session's verdict as both directions of the suite state it (spec/conformance.md REQ-CONF-021,
// REQ-CONF-062): expected, seen and the offending octets for a FAIL, the reason for any other
// verdict but PASS; and a message on the wire in the words a FAIL uses for it.
#pragma once

#include <string>

#include "common/bytes.h"
#include "conformance/runner/result.h"

namespace tmsproto::conformance {

struct Judgement {
  Verdict verdict = Verdict::kPass;
  std::string expected, seen;
  Bytes offending;
  std::string reason;
};

inline Judgement fail(std::string expected, std::string seen, Bytes offending = {}) {
  return {Verdict::kFail, std::move(expected), std::move(seen), std::move(offending), {}};
}
inline Judgement not_judged(Verdict v, std::string reason) { return {v, {}, {}, {}, std::move(reason)}; }

// A session's judgement that is no PASS, kept as its scenario's: `session` is 1, 2, … in a scenario
// of several sessions, 0 in a scenario of one.
inline void record(Judgement j, std::size_t session, ScenarioResult& r) {
  r.verdict = j.verdict;
  r.expected = std::move(j.expected);
  r.seen = std::move(j.seen);
  r.offending = std::move(j.offending);
  r.reason = std::move(j.reason);
  r.session = session;
}

bool is_abort(const WireMessage& m);
// "ABORT 13", "FRAME_RESPONSE", "an empty body", "a body of unknown type 0x7f".
std::string describe(const WireMessage& m);

}  // namespace tmsproto::conformance
