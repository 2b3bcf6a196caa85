// The reference terminal's fault switches (spec/conformance.md section C.6): each makes the engine
// ship one bug a terminal vendor could ship, at the check it breaks, so that a run of the
// conformance suite against the reference terminal with that switch on shows the suite catches it
// (REQ-CONF-040 to REQ-CONF-043). All are off unless `tmsproto terminal run --fault NAME` names
// them; no injection file or other configuration reaches them (REQ-CONF-043).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tmsproto::terminal {

// Only faults the catalogue catches today are here (REQ-CONF-041); one waiting for its scenario
// is added with that scenario.
enum class Fault : std::uint8_t {
  kSkipTacCheck,
  kTacFirstHalf,
  kAcceptUnofferedProfile,
  kSkipIdentityCheck,
  kSkipKeyMac,
  kKeyMacAnswered01,
  kSkipSignatureCheck,
  kSkipPieceDigest,
  kSkipEnvelopeMac,
  kSkipOpvIterationsCheck,
  kSkipModelCheck,
  kSkipVersionCheck,
  kAcceptOtherPiece,
  kAnswersTmsAbort,
  kRefetchHeldPieces,
  kAcceptAnySeq,
  kSkipKcvCheck,
  kSkipSlotCheck,
  kNeverTimesOut,
  kResumeOnePieceLate,
  kReadsPastShortField,
  kTermInfoUnsorted,
  kStoresKeysBeforeChecks,
  kTakesBindingFromKeyBlock,
};

struct FaultInfo {
  Fault fault;
  std::string_view name;         // kebab-case, as `--fault` takes it
  std::string_view requirement;  // the REQ ID it violates (REQ-CONF-040)
  std::string_view description;  // one line: the bug, as a vendor would ship it
};

// Every fault, in the enum's order.
std::span<const FaultInfo> all_faults();
const FaultInfo& info(Fault f);
std::optional<Fault> fault_named(std::string_view name);

// A set of faults; empty, the engine is the honest one.
class Faults {
 public:
  void add(Fault f) { bits_ |= bit(f); }
  bool has(Fault f) const { return (bits_ & bit(f)) != 0; }
  bool empty() const { return bits_ == 0; }

 private:
  static std::uint32_t bit(Fault f) { return std::uint32_t{1} << static_cast<unsigned>(f); }
  std::uint32_t bits_ = 0;
};

}  // namespace tmsproto::terminal
