#include "terminal/faults.h"

#include <array>

namespace tmsproto::terminal {
namespace {

// REQ-CONF-040: each fault names the requirement it violates; the scenario that catches it today
// is in the comment, so that a scenario removed from the catalogue shows which fault loses its
// witness (the ctest conformance.mutation_score fails first).
constexpr std::array<FaultInfo, 24> kFaults{{
    // handshake.tac_mismatch
    {Fault::kSkipTacCheck, "skip-tac-check", "REQ-HS-024",
     "goes on with the handshake when TAC_0 differs from TAC_1: any TMS is taken for its own"},
    // handshake.tac_mismatch (its change is in TAC_1's last octet)
    {Fault::kTacFirstHalf, "tac-first-half", "REQ-HS-022",
     "compares only the first half of TAC_1 with TAC_0 (a comparison over the wrong length)"},
    // handshake.profile_not_offered
    {Fault::kAcceptUnofferedProfile, "accept-unoffered-profile", "REQ-MSG-040",
     "takes the PROFILE of HS_AUTH_REQUEST without checking it offered it: a downgrade is not refused"},
    // handshake.identity_mismatch
    {Fault::kSkipIdentityCheck, "skip-identity-check", "REQ-HS-020",
     "does not compare the header identity of HS_AUTH_REQUEST with its own"},
    // key.key_mac_mismatch
    {Fault::kSkipKeyMac, "skip-key-mac", "REQ-KEY-020",
     "unwraps and stores the keys of KEY_MESSAGE without verifying KEY_MAC"},
    // key.key_mac_mismatch
    {Fault::kKeyMacAnswered01, "key-mac-answered-01", "REQ-KEY-020",
     "answers a KEY_MAC mismatch with ABORT 01 (malformed) instead of 13"},
    // download.signature_of_a_stranger
    {Fault::kSkipSignatureCheck, "skip-signature-check", "REQ-DL-010",
     "downloads a package whose SIGNATURE over MANIFEST does not verify"},
    // download.corrupt_piece
    {Fault::kSkipPieceDigest, "skip-piece-digest", "REQ-DL-023",
     "stages a DATA piece without checking it against its FIT entry, trusting the package digest at the end"},
    // envelope.pkg_confirm_mac, envelope.frame_response_mac
    {Fault::kSkipEnvelopeMac, "skip-envelope-mac", "REQ-MSG-070",
     "decrypts and takes the download phase's envelopes without verifying their MAC"},
    // handshake.opv_iterations_without_operator
    {Fault::kSkipOpvIterationsCheck, "skip-opv-iterations-check", "REQ-HS-026",
     "takes an unattended HS_AUTH_REQUEST whose OPV_ITERATIONS is not 0 (or an attended one with 0): the operator's cost is not checked against the session"},
    // download.package_for_another_model
    {Fault::kSkipModelCheck, "skip-model-check", "REQ-DL-010",
     "does not compare the manifest's VENDOR_ID and MODEL_ID with its own: a package for another model is downloaded"},
    // download.rollback, download.same_version_again
    {Fault::kSkipVersionCheck, "skip-version-check", "REQ-DL-064",
     "installs any VERSION offered: no rollback check against the installed version line (code 20)"},
    // download.frame_response_other_piece
    {Fault::kAcceptOtherPiece, "accept-other-piece", "REQ-MSG-100",
     "takes a FRAME_RESPONSE for the piece it asked for whatever PKG_INDEX, SECTION and PIECE it names"},
    // message.tms_abort
    {Fault::kAnswersTmsAbort, "answers-tms-abort", "REQ-ERR-003",
     "answers an ABORT from the TMS with an ABORT of its own carrying the code received"},
    // resume.cut_before_data_piece_*
    {Fault::kRefetchHeldPieces, "refetch-held-pieces", "REQ-DL-020",
     "on a resumed manifest requests every DATA piece again instead of only those it does not hold"},
    // envelope.frame_response_seq, envelope.frame_response_replayed
    {Fault::kAcceptAnySeq, "accept-any-seq", "REQ-DL-002",
     "does not check an envelope's SEQ against the next expected: a replayed or skipped envelope is opened"},
    // key.kcv_mismatch
    {Fault::kSkipKcvCheck, "skip-kcv-check", "REQ-KEY-021",
     "stores a delivered key without comparing its KCV with the key check value of the key unwrapped"},
    // key.slot_not_in_table
    {Fault::kSkipSlotCheck, "skip-slot-check", "REQ-KEY-025",
     "stores a key for a slot its slot table does not hold, under the table's first rule (a default where the lookup failed)"},
    // timeout.stall_before_frame_response
    {Fault::kNeverTimesOut, "never-times-out", "REQ-HS-033",
     "arms no T_RESPONSE or T_SESSION timer: a TMS that stalls holds the terminal until the TMS gives up itself"},
    // resume.cut_before_data_piece_*
    {Fault::kResumeOnePieceLate, "resume-one-piece-late", "REQ-DL-021",
     "on a resumed manifest starts after the first DATA piece it does not hold (an off-by-one in the resume offset): that piece is never requested"},
    // message.hs_auth_request_truncated
    {Fault::kReadsPastShortField, "reads-past-short-field", "REQ-MSG-042",
     "reads past the end of an HS_AUTH_REQUEST a few octets short (zeros here): a TAC_1 cut short reaches the TAC check, 11, not ABORT 01"},
    // honest.* (the suite's check of every terminal message, REQ-CONF-035)
    {Fault::kTermInfoUnsorted, "term-info-unsorted", "REQ-MSG-120",
     "writes TERM_INFO's items in the order its report gathers them, the last one first, not ascending by TAG"},
    // state.keys_after_a_refused_key_message
    {Fault::kStoresKeysBeforeChecks, "stores-keys-before-checks", "REQ-TERM-002",
     "stores each delivered key as soon as it unwraps, before the later entries' checks: a KEY_MESSAGE refused at its last entry leaves the earlier keys stored"},
    // state.dwk1_of_an_earlier_session
    {Fault::kTakesBindingFromKeyBlock, "takes-binding-from-key-block", "REQ-HS-025",
     "checks DWK_1's session-binding block against the hash the key block itself carries, not against its own HS_REQUEST: another session's DWK_1 is accepted when TAC_1 matches"},
}};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < kFaults.size(); ++i) {
    if (static_cast<std::size_t>(kFaults[i].fault) != i) return false;
  }
  return true;
}
static_assert(in_enum_order(), "info() indexes kFaults by the enum");

}  // namespace

std::span<const FaultInfo> all_faults() { return kFaults; }

const FaultInfo& info(Fault f) { return kFaults[static_cast<std::size_t>(f)]; }

std::optional<Fault> fault_named(std::string_view name) {
  // REQ-CONF-040: exactly the names listed, spelled as listed.
  for (const FaultInfo& f : kFaults) {
    if (f.name == name) return f.fault;
  }
  return std::nullopt;
}

}  // namespace tmsproto::terminal
