// The building blocks of the scenario catalogue (conformance/runner/scenario.h) and its parts, one
// file each, so that a group of scenarios reads as the requirements it checks and not as the
// plumbing that sends them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/key_message.h"
#include "conformance/runner/scenario.h"

namespace tmsproto::conformance {

Expectation expect(Expectation::Kind kind, ResponseCode code, std::string because);
// The session ends with SESSION_END_ACK 00 and no ABORT from the terminal.
Expectation completes();
// REQ-CONF-022: the terminal refuses the changed message with ABORT `code`.
Expectation aborts(ResponseCode code, std::string because);
// REQ-CONF-026: the suite cuts the session; the terminal sends no ABORT before the cut.
Expectation is_cut();
// REQ-ERR-003: after the TMS's ABORT the terminal sends nothing.
Expectation silent(std::string because);
// REQ-CONF-028: the terminal ends a stalled session with ABORT 23 in time.
Expectation times_out(std::string because);
// REQ-CONF-037: the terminal ends a session slowed past T_SESSION with ABORT 23 in time.
Expectation outlasts_session(std::string because);

SessionPlan program(std::vector<Publication> publish, Expectation expect, Change change = {});
SessionPlan key(Expectation expect, Change change = {});

// Changes the first HS_AUTH_REQUEST with `edit`.
Change on_hs_auth_request(std::function<void(Bytes&)> edit);
// The suite withholds the `nth` message of `type` and closes the connection instead: a cut.
Change cut_before(MsgType type, std::size_t nth);
// An envelope the TMS sends with its payload changed by `edit`, resealed under the session's
// download keys with its own SEQ: a correct MAC over a broken field (REQ-CONF-025).
Change reseal_payload(MsgType type, std::size_t nth, std::function<void(Bytes&)> edit);
// The FRAME_RESPONSE `nth` with its payload changed by `edit` after it was parsed.
Change reseal_frame(std::size_t nth, std::function<void(codec::FrameResponse&)> edit);
// KEY_MESSAGE with its parsed fields changed by `edit` and KEY_MAC recomputed (REQ-CRYPTO-036).
Change reseal_key_message(std::function<void(codec::KeyMessage&)> edit);
// PKG_CONFIRM replaced by one offering `offered`, each signed by the suite's vendor key (or as the
// publication says) but never published: what only a TMS that lies about its database sends.
Change confirm_instead(std::vector<Publication> offered);
// The number of data pieces of a publication: what a resumed session still requests.
std::uint32_t data_pieces(const Publication& p);

// The parts of the catalogue, each appending its group of scenarios in the order --list prints.
void add_field_scenarios(std::vector<Scenario>& all);  // catalogue_fields.cc
void add_key_scenarios(std::vector<Scenario>& all);    // catalogue_keys.cc
void add_local_scenarios(std::vector<Scenario>& all);  // catalogue_local.cc: refused before sending
void add_bound_scenarios(std::vector<Scenario>& all);  // catalogue_bounds.cc: a TMS past a bound
void add_frame_scenarios(std::vector<Scenario>& all);  // catalogue_frames.cc: below the bodies
void add_state_scenarios(std::vector<Scenario>& all);  // catalogue_state.cc: what a terminal keeps
void add_tpdu_scenarios(std::vector<Scenario>& all);   // catalogue_tpdu.cc: the TPDU of section 2.5

}  // namespace tmsproto::conformance
