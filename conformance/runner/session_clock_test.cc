// ctest conformance.session_clock (label `clock`; over ten minutes, so CI runs it beside the
// sanitize build): REQ-CONF-037 against the bundled reference terminal through its shim. The one
// scenario that waits out T_SESSION runs twice at once, with a sessionSeconds that lets it run: the
// honest terminal passes it, and with fault never-times-out (no T_RESPONSE or T_SESSION timer) the
// suite fails it on REQ-SEC-010, so the scenario can fail.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "conformance/runner/run.h"
#include "conformance/runner/scenario.h"
#include "crypto/random.h"

namespace tmsproto::conformance {
namespace {

struct Ran {
  int status = -1;
  std::string out;
};

RunOptions slow_tms_run(const std::string& faults) {
  crypto::OsRandom rng;
  RunOptions o;
  o.terminal = reference_terminal_profile(false, rng);
  o.terminal.session_seconds = kSlowTmsSessionSeconds;  // REQ-CONF-037: below it the scenario is SKIP
  o.terminal_command = {TMSPROTO_REFERENCE_SHIM, "--tmsproto", TMSPROTO_EXE, "--tpdu", "{tpdu}", "{host}", "{port}",
                        "{dir}", "{transaction}", "{profile}", "{key_set}", "{operator}", "{session}"};
  o.only = {"timeout.session_outlasts_t_session"};
  o.environment["TMSPROTO_REFERENCE_FAULTS"] = faults;  // REQ-CONF-042: what the reference shim hands on
  return o;
}

TEST(SessionClock, TheReferenceTerminalEndsASlowedSessionAtTSessionAndOneWithoutTimersFails) {
  Ran honest, faulty;
  auto go = [](const RunOptions& o, Ran& r) {
    std::ostringstream out, err;
    r.status = run(o, out, err);
    r.out = out.str() + err.str();
  };
  const RunOptions honest_options = slow_tms_run("");
  const RunOptions faulty_options = slow_tms_run("never-times-out");
  std::thread first([&] { go(honest_options, honest); });
  std::thread second([&] { go(faulty_options, faulty); });
  first.join();
  second.join();

  EXPECT_EQ(honest.status, 0) << honest.out;
  EXPECT_NE(honest.out.find("PASS timeout.session_outlasts_t_session "), std::string::npos) << honest.out;
  EXPECT_NE(honest.out.find("1 passed, 0 failed in "), std::string::npos) << honest.out;

  EXPECT_EQ(faulty.status, 1) << faulty.out;
  EXPECT_NE(faulty.out.find("FAIL timeout.session_outlasts_t_session "), std::string::npos) << faulty.out;
  // What was expected names the requirement, and what was seen is the suite's own timer ending it.
  EXPECT_NE(faulty.out.find("ABORT 23 599-605 s after it connected (REQ-SEC-010"), std::string::npos) << faulty.out;
  EXPECT_NE(faulty.out.find("no ABORT before the suite's own timer ended the session after 611 s"), std::string::npos)
      << faulty.out;
}

}  // namespace
}  // namespace tmsproto::conformance
