// Commands the terminal must refuse itself, before it sends anything (row T1 of
// spec/09-terminal-states.md, `96` kept locally): judged as REQ-CONF-029 says, by nothing on the wire.
#include "conformance/runner/catalogue.h"

namespace tmsproto::conformance {
namespace {

Expectation refused_locally(std::string because) {
  return expect(Expectation::Kind::kRefusedLocally, ResponseCode::kInternalError, std::move(because));
}

SessionPlan with_password(SessionPlan plan, std::string password) {
  plan.operator_password = std::move(password);
  return plan;
}

}  // namespace

void add_local_scenarios(std::vector<Scenario>& all) {
  all.push_back({"local.legacy_key_download",
                 {"REQ-CRYPTO-025"},
                 Level::kMust,
                 "the shim asks a LEGACY terminal for a key download: it refuses the command itself and sends "
                 "nothing, since LEGACY delivers no keys",
                 Profile::kLegacy,
                 {key(refused_locally("REQ-CRYPTO-025: LEGACY is for unattended program downloads only"))}});
  {
    SessionPlan attended = program({Publication{}},
                                   refused_locally("REQ-CRYPTO-025: LEGACY is for unattended program downloads only"));
    attended.attended_program = true;
    all.push_back({"local.legacy_attended_program_download",
                   {"REQ-CRYPTO-025"},
                   Level::kMust,
                   "the shim asks a LEGACY terminal for a program download with an operator: it refuses the "
                   "command itself and sends nothing, since LEGACY sessions are unattended",
                   Profile::kLegacy,
                   {std::move(attended)}});
  }
  all.push_back({"local.operator_password_too_long",
                 {"REQ-OPR-002"},
                 Level::kMust,
                 "the operator's password is 65 printable characters, one more than REQ-OPR-002 allows: the "
                 "terminal refuses the key download itself and sends nothing",
                 std::nullopt,
                 {with_password(key(refused_locally("REQ-OPR-002: a password is 1-64 octets of printable ASCII")),
                                std::string(65, 'p'))}});
  all.push_back({"local.operator_password_not_printable",
                 {"REQ-OPR-002"},
                 Level::kMust,
                 "the operator's password holds the octet 0x7F (DEL), which is not printable ASCII: the terminal "
                 "refuses the key download itself and sends nothing",
                 std::nullopt,
                 {with_password(key(refused_locally("REQ-OPR-002: a password is 1-64 octets of printable ASCII")),
                                "conformance\x7Foperator")}});
}

}  // namespace tmsproto::conformance
