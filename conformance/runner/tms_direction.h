// The other direction of the conformance suite (spec/conformance.md C.10): the suite plays the
// terminal — the reference terminal engine on a fresh state directory — against a TMS under test at
// HOST:PORT, changing, withholding or repeating one message per scenario, and judges what the TMS
// sends back. Verdicts, console and reports are those of the terminal direction (result.h, report.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "config/tms_profile.h"
#include "conformance/runner/scenario.h"
#include "conformance/runner/scenario_tms.h"
#include "forge/session_keys.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

namespace tmsproto::conformance {

struct TmsRunOptions {
  std::string host;
  std::uint16_t port = 0;
  config::TmsProfile tms;
  std::string operator_password;  // TMSPROTO_OPERATOR_PASSWORD (REQ-CONF-060)
  std::vector<std::string> only;  // names, globs or REQ IDs (REQ-CONF-030)
  std::vector<std::string> skip;
  bool list = false;
  bool strict = false;
  std::filesystem::path report_dir;
};

// Exit status of REQ-CONF-031: 0 every scenario that decides passed, 1 some failed, 2 unusable.
int run_tms(const TmsRunOptions& options, std::ostream& out, std::ostream& err);

// `conformance run --tms HOST:PORT --tms-profile FILE` as the command line gave it: checked
// (REQ-CONF-060: one line and exit status 2 for an unusable one), then run_tms.
struct TmsCommandLine {
  std::string tms;          // HOST:PORT
  std::string tms_profile;  // FILE
  bool list = false;
  std::vector<std::string> only, skip;
  bool strict = false;
  std::string report_dir;
};
int run_tms_command(const TmsCommandLine& c, std::ostream& out, std::ostream& err);

// What a change may use: the session's keys as the terminal holding the DMK derives them from the
// honest messages so far, the messages of the session so far, and the suite's clock.
struct TmsChangeContext {
  const forge::SessionKeys& keys;
  const std::vector<WireMessage>& wire;
  Profile profile;
};

// A change to the `nth` (0 first) message of `type` the suite's terminal sends: the body to send
// instead, nullopt to send it as the engine wrote it, or an empty body when it cannot be made (a
// key or an offer it needs is missing): the scenario is then an ERROR (REQ-CONF-061).
using TmsChange =
    std::function<std::optional<Bytes>(MsgType type, std::size_t nth, ByteView body, const TmsChangeContext& c)>;

struct TmsSessionPlan {
  TransCode trans = TransCode::kProgramDownload;
  std::string key_set;            // a key download's KEY_SET_ID; empty: the profile's keySetId
  TmsChange change;               // empty: every message as the engine writes it
  bool replay_hs_request = false;  // send the octets of session 1's HS_REQUEST instead of a fresh one
  // Close the connection once the `second`+1-th message of type `first` from the TMS has been given
  // to the terminal engine, instead of sending what it answers (a cut).
  std::optional<std::pair<MsgType, std::size_t>> cut_after;
  enum class Expect { kCompletes, kAborts, kCut };
  Expect expect = Expect::kCompletes;
  ResponseCode code = ResponseCode::kSuccess;  // kAborts: the RC the TMS must send
  std::string because;                         // printed with a FAIL
  bool resumes = false;  // the session must resume what the earlier one staged (else ERROR)
};

struct TmsScenario {
  std::string name;  // REQ-CONF-020
  std::vector<std::string> reqs;
  Level level = Level::kMust;
  std::string description;
  std::optional<Profile> profile;  // nullopt: the first of AES128, AES256, TDES in the profile
  std::vector<TmsSessionPlan> sessions;
};

// The catalogue of section C.10.3, in the order --list prints it (tms_scenarios.cc).
std::vector<TmsScenario> tms_catalogue();

}  // namespace tmsproto::conformance
