// The scenarios of the conformance suite (spec/conformance.md C.4), as data: what the suite's TMS
// does in each session of a scenario and what the terminal under test must then show on the wire.
// The catalogue is written from the spec's terminal-side requirements, never from what the
// reference terminal happens to do (REQ-CONF-023).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/terminal_info.h"
#include "common/bytes.h"
#include "forge/session_keys.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

namespace tmsproto::conformance {

enum class Level { kMust, kShould };

// The signer the suite pins in terminal.json (REQ-CONF-003, REQ-DL-060): an acquirer, whose key
// may sign KIND P (parameters) only, and the SERIAL_NO a Scope's target stands for the terminal's.
inline constexpr const char* kPinnedSignerId = "CONFACQ1";
inline constexpr const char* kOwnSerial = "";

// A FORMAT 0x02 manifest (spec/03-messages.md 3.7): its SIGNER_ID (the pinned signer's key signs
// it; any other SIGNER_ID is signed with a key the terminal does not know), its NOT_AFTER as days
// from the suite's UTC clock when it is signed, and its TARGETs (kOwnSerial: the terminal's).
struct Scope {
  std::string signer_id = kPinnedSignerId;
  std::int32_t not_after_days = 30;
  std::vector<std::string> targets{kOwnSerial};
};

// What the vendor's database holds for a session: the suite signs it as the terminal's vendor, or
// with a key the terminal does not know.
struct Publication {
  std::uint32_t version = 2;
  std::size_t length = 6000;
  bool signed_by_stranger = false;  // a key that is neither the vendor's nor pinned (REQ-DL-010: 19)
  std::string model_id;             // empty: the terminal's own model
  std::uint16_t chunk_size = 1024;
  codec::PackageKind kind = codec::PackageKind::kApplication;
  std::optional<Scope> scope;  // FORMAT 0x02 when set, signed as the scope says
  std::string name;            // empty: kPackageName, or for KIND M the terminal's masterApplication
  bool wrong_pkg_digest = false;  // an offer only (sign_offer): PKG_DIGEST changed, MANIFEST signed again
  // A KIND M `version` counts from the factory master as version 1: the suite publishes it as
  // version + (the masterApplication's version - 1).
};

// What a change may use besides the body: the session's keys, as a party holding the terminal's
// DMK derives them from the honest messages so far (reference/forge/), so that a changed message
// still passes every MAC and cryptogram check and reaches the rule behind them; and the suite's
// vendor key, to sign an offer it never published.
struct Forgery {
  const forge::SessionKeys& keys;
  std::function<std::optional<codec::Offer>(const Publication&)> sign;
  // The suite's vendor key's signature (r ‖ s, 64 octets) over any octets: a MANIFEST edited as
  // octets, signed again (REQ-CONF-025). Empty if it cannot sign.
  std::function<Bytes(ByteView)> sign_octets = {};
};

// Below the message layer (spec/02-transport.md): how the suite puts the frame of a message on the
// wire instead of writing it whole, as an honest framing does (REQ-FRAME-001 to REQ-FRAME-004).
struct WireChange {
  std::optional<Bytes> octets = std::nullopt;  // these octets in place of the frame (a LEN and no body, ...)
  enum class Split { kWhole, kHalves, kOctets };
  Split split = Split::kWhole;  // one write, two halves, or one write per octet
  std::int64_t pause_ms = 0;    // before each piece after the first
  std::int64_t delay_ms = 0;    // before the first piece: a slow TMS's late answer (REQ-CONF-037)
  bool first_half_only = false;  // with kHalves: the second half is never written
  bool half_close = false;      // then the suite shuts down its sending side and reads on
  // The link's frame rewritten (a wrong LRC, a missing ETX, noise before STX): serial scenarios.
  std::function<Bytes(const Bytes& frame)> rewrite = nullptr;
  bool twice = false;  // the frame written a second time after `pause_ms`, as after a lost ACK
  // The link's frame rewritten knowing its framing (`serial`): a TPDU changed, added or taken away
  // (REQ-FRAME-031 to REQ-FRAME-038), in either framing. Applied after `rewrite`.
  std::function<Bytes(const Bytes& frame, bool serial)> rewrite_framed = nullptr;
};

// What the suite's TMS sends instead of one message: these bodies (none: it withholds the
// message), and then, with `close`, it closes the connection (a cut). With `wire`, the bodies'
// frame goes on the wire as it says.
struct Replacement {
  std::vector<Bytes> send;
  bool close = false;
  std::optional<WireChange> wire = std::nullopt;
};

// A change to one message the suite's TMS sends: its replacement, or nullopt to send it as the TMS
// engine wrote it. `nth` counts the messages of that type so far in the session (0 first).
using Change =
    std::function<std::optional<Replacement>(MsgType type, std::size_t nth, ByteView body, const Forgery& forgery)>;

// What the suite's vendor database does to the pieces it serves.
struct PieceChange {
  bool corrupt_first_data_piece = false;  // one octet of DATA piece 0 flipped (REQ-DL-023: 18)
};

// What the terminal must show (REQ-CONF-021, REQ-CONF-022).
struct Expectation {
  enum class Kind {
    kCompletes,  // the session ends with the TMS engine in S_DONE, no ABORT from the terminal
    kAborts,     // the terminal's next message after the changed one is ABORT `code`, its last
    kIsCut,      // the suite cuts the session: the terminal sends no ABORT before the cut
    kSilent,     // after the changed message the terminal sends nothing more (an ABORT received)
    kTimesOut,   // the suite withholds a message: the terminal ends the session with ABORT 23 in time
    // The suite answers every FRAME_REQUEST late, each answer in time: the terminal ends the session
    // with ABORT 23 when T_SESSION has passed (REQ-CONF-037).
    kOutlastsSession,
    kRefusedLocally,  // the terminal refuses the command itself and sends nothing (REQ-CONF-029)
    // Serial only: the suite writes nothing (no ACK, no answer): the terminal sends its frame three
    // times about 2 s apart and then nothing (REQ-FRAME-012).
    kResendsUnacked,
  };
  Kind kind = Kind::kCompletes;
  ResponseCode code = ResponseCode::kSuccess;
  std::string because;  // why, in the words of the requirement: printed with a FAIL

  // REQ-CONF-024: what the terminal must ask for in this session, after what the earlier sessions
  // of the scenario did to it. Each is checked in the decrypted envelopes it sends.
  std::optional<std::uint32_t> announces;  // the version of the suite's package its PKG_ANNOUNCE
                                           // lists (0: the package is not listed)
  std::optional<codec::FrameRequest> first_request;  // its first FRAME_REQUEST
  std::optional<std::size_t> requests;               // how many FRAME_REQUESTs it sends in all

  // REQ-FRAME-002 (REQ-FRAME-010 on a serial line): every octet the terminal sent in the session
  // belongs to a whole frame of a message it sent, and nothing follows its last frame.
  bool whole_frames = false;
  // REQ-FRAME-011, REQ-FRAME-013 (serial): the terminal ACKs every good frame the suite wrote,
  // each copy, and NAKs this many times (set: checked).
  std::optional<std::size_t> naks;
  std::optional<std::vector<codec::FrameRequest>> request_order;  // every FRAME_REQUEST, in order

  // REQ-CONF-024 with REQ-DL-041: what its TERM_INFO must report of the earlier sessions (each
  // named by its index in the scenario, 0 the first), and what its HS_REQUEST must not repeat.
  std::optional<std::size_t> holds_keys_of;     // KEY_SLOT items: every slot and KCV that session's
                                                // KEY_MESSAGE delivered (REQ-CRYPTO-009)
  std::optional<std::size_t> holds_no_keys_of;  // no KEY_SLOT for a slot that session's KEY_MESSAGE
                                                // named (REQ-KEY-022, REQ-TERM-002: all or nothing)
  std::optional<codec::LastApply> last_apply;   // its LAST_APPLY item for kPackageName
  bool packages_as_announced = false;           // PACKAGE items exactly its PKG_ANNOUNCE entries
  bool fresh_t_rand = false;  // T_RAND unlike every earlier session's (REQ-MSG-033, REQ-CRYPTO-016)
  // REQ-DL-053: its MASTER_APP's SWITCH_STATE, RUNNING_VERSION and OTHER_VERSION (RUNNING_SLOT is the
  // terminal's to choose), and the version its PKG_ANNOUNCE lists for KIND M (REQ-DL-051: the one
  // that runs); versions written as if the factory master were version 1 (with_factory_master).
  std::optional<codec::MasterApp> master_app;
  std::optional<std::uint32_t> announces_master;
};

// REQ-CONF-028: the window in which a terminal must time out a stalled TMS, measured from the
// terminal's last message before the stall; T_RESPONSE is 30 s (spec/02-transport.md).
inline constexpr std::int64_t kTResponseMs = 30'000;
inline constexpr std::int64_t kStallEarliestMs = kTResponseMs - 1'000;
inline constexpr std::int64_t kStallLatestMs = kTResponseMs + 5'000;
inline constexpr std::int64_t kStallSuiteResponseMs = kTResponseMs + 6'000;  // the suite's own, lengthened
inline constexpr std::int64_t kStallSessionSeconds = kTResponseMs / 1000 + 10;

// REQ-CONF-037: a slow TMS answers each FRAME_REQUEST this late, within T_RESPONSE; the terminal's
// ABORT 23 must come in the window after the connection opened; T_SESSION is 600 s
// (spec/02-transport.md). The scenario runs over ten minutes: a profile needs sessionSeconds of
// kSlowTmsSessionSeconds or more to run it.
inline constexpr std::int64_t kTSessionMs = 600'000;
inline constexpr std::int64_t kSlowAnswerMs = kTResponseMs - 10'000;
inline constexpr std::int64_t kSessionEarliestMs = kTSessionMs - 1'000;
inline constexpr std::int64_t kSessionLatestMs = kTSessionMs + 5'000;
inline constexpr std::int64_t kSlowTmsSuiteSessionMs = kTSessionMs + 11'000;  // the suite's own, lengthened
inline constexpr std::int64_t kSlowTmsSessionSeconds = kTSessionMs / 1000 + 20;
inline constexpr std::size_t kSlowTmsPieces = 48;  // more than T_SESSION / kSlowAnswerMs answers

struct SessionPlan {
  TransCode trans = TransCode::kProgramDownload;
  std::vector<Publication> publish;  // added to the vendor's database before the session
  PieceChange pieces;
  Change change;                     // empty: every message as the engine wrote it
  Expectation expect;
  // REQ-CONF-029: what the shim is asked for besides the transaction: an operator in a program
  // download too, and another password than the enrolled operator's.
  bool attended_program = false;
  std::optional<std::string> operator_password;
  // The suite's TMS holds itself and the terminal to this TDES bound instead of REQ-CRYPTO-026's,
  // to play a TMS that sends past it.
  std::optional<std::uint64_t> tms_tdes_block_limit;
  // REQ-FRAME-038: this session's link carries no TPDU at either end ({tpdu} empty, REQ-CONF-009)
  // whatever the terminal profile declares; a TPDU the suite puts in front of a body is then a
  // change on the wire (WireChange), not the link's.
  bool link_without_tpdu = false;
};

struct Scenario {
  std::string name;               // REQ-CONF-020
  std::vector<std::string> reqs;  // the requirements it checks
  Level level = Level::kMust;
  std::string description;
  std::optional<Profile> profile;  // the profile it runs in; nullopt: the terminal's first declared
  std::vector<SessionPlan> sessions;
  // The framing it is written for (its raw octets are that framing's); another run SKIPs it.
  enum class Framing { kAny, kStream, kSerial };
  Framing framing = Framing::kAny;
  // The slots of the terminal's slot table whose rule it checks: without one of them it is SKIP
  // (REQ-CONF-021), since a key for a slot not in the table is refused whatever its rule.
  // With a rule, the slot must have exactly that rule.
  std::map<std::uint8_t, std::optional<profile::SlotRule>> slots = {};
  // How many slots of the table its profile must be able to deliver (REQ-KEY-014): a KEY_MESSAGE
  // refused at its last entry shows all-or-nothing only with an entry before it. Fewer: SKIP.
  std::size_t deliverable_slots = 0;
  bool needs_master = false;  // SKIP unless the terminal profile declares a masterApplication
  // The link it is written for (REQ-CONF-012): its octets hold only on a link with the terminal
  // profile's TPDU, or only on one without; another run SKIPs it.
  enum class Link { kAny, kTpdu, kPlain };
  Link link = Link::kAny;
};

// Every scenario, in the order --list prints them: the honest sessions of every profile first.
std::vector<Scenario> catalogue();

// The name of the package the suite publishes (KIND application), as PKG_ANNOUNCE lists it.
inline constexpr const char* kPackageName = "CONFAPP";

// Changes the `nth` message of `type` with `edit`, which gets its body to change in place.
Change edit_message(MsgType type, std::size_t nth, std::function<void(Bytes&)> edit);
// The same, for an edit that forges: it gets the body and the forging context and returns the
// body to send; an empty result sends the message unchanged (the keys it needed were not there).
Change forge_message(MsgType type, std::size_t nth, std::function<Bytes(ByteView, const Forgery&)> forge);

// Withholds the `nth` message of `type` and keeps the connection open: a stall (REQ-CONF-028).
Change withhold(MsgType type, std::size_t nth = 0);

// Sends every message of `type` as the engine wrote it, its frame `delay_ms` late: a slow TMS
// (REQ-CONF-037).
Change answer_late(MsgType type, std::int64_t delay_ms);

// Flips the last octet of the `nth` message of `type`: the cryptogram or MAC every message this
// suite changes ends with (TAC_1, KEY_MAC, an envelope's MAC).
Change flip_last_octet(MsgType type, std::size_t nth = 0);

}  // namespace tmsproto::conformance
