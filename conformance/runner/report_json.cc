// The JSON report (REQ-CONF-033): what a vendor's tracking reads, one record per scenario run, its
// members as spec/conformance.md C.5 lists them (every member always present, of one JSON type).
#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "conformance/runner/report.h"
#include "conformance/runner/report_text.h"

namespace tmsproto::conformance {

std::string json_report(const RunResult& r) {
  using nlohmann::json;
  json scenarios = json::array();
  for (const auto& s : r.scenarios) {
    scenarios.push_back({
        {"name", s.name},
        {"reqs", s.reqs},
        {"level", s.level == Level::kMust ? "MUST" : "SHOULD"},
        {"description", s.description},
        {"verdict", word(s.verdict)},
        {"decides", decides(s, r.strict)},
        {"profile", s.profile ? std::string(profile_word(*s.profile)) : ""},
        {"expected", s.expected},
        {"seen", s.seen},
        {"octets", to_hex(s.offending)},
        {"reason", s.reason},
        {"session", s.session},
        {"seconds", s.seconds},
    });
  }
  json unobservable = json::array();
  for (const auto& u : r.not_observable) unobservable.push_back({{"id", u.id}, {"reason", u.reason}});  // REQ-CONF-023
  const auto& t = r.terminal;
  const json report = {
      {"format", 2},
      {"suite", std::string("tmsproto ") + TMSPROTO_VERSION},
      {"started", utc_timestamp(r.started)},
      {"seconds", r.seconds},
      // REQ-CONF-011: said to be test keys, and only the profiles' words: never a DMK.
      {"terminal", {{"vendorId", t.vendor_id}, {"modelId", t.model_id}, {"serialNo", t.serial_no},
                    {"profiles", t.profiles}, {"testKeysOnly", true}}},
      {"tms", r.tms},
      {"strict", r.strict},
      {"allowUnimplemented", r.allow_unimplemented},
      {"counts", {{"passed", r.counts.passed}, {"failed", r.counts.failed}, {"skipped", r.counts.skipped},
                  {"disabled", r.counts.disabled}, {"shouldFailed", r.counts.should_failed}}},
      {"scenarios", std::move(scenarios)},
      {"notObservable", std::move(unobservable)},
  };
  // A terminal's bytes can reach a reason; the file stays JSON (RFC 8259 wants UTF-8) whatever they are.
  return report.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace tmsproto::conformance
