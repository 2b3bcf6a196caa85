// The TMS the suite plays in one scenario (spec/conformance.md C.1): a fresh store in the scenario's
// folder with the terminal under test registered under the DMK it holds (REQ-STORE-014), the
// suite's vendor database and signing key, and terminal.json for the shim (REQ-CONF-003). Each
// session then runs a tms::Session on these ports through a ScenarioEngine, which applies the
// scenario's change to what the TMS sends and records the wire.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/terminal_profile.h"
#include "conformance/runner/scenario.h"
#include "crypto/random.h"
#include "forge/session_keys.h"
#include "net/connection.h"
#include "net/wire_hook.h"
#include "tms/session.h"

namespace tmsproto::conformance {

// The operator the suite enrols for key downloads; its password reaches the shim in the
// environment variable TMSPROTO_OPERATOR_PASSWORD (REQ-CONF-001).
inline constexpr const char* kOperatorId = "OPCONF01";
inline constexpr const char* kOperatorPassword = "conformance test operator";
inline constexpr const char* kKeySetId = "CONFKS01";

class ScenarioTms {
 public:
  static Result<std::unique_ptr<ScenarioTms>, std::string> create(const std::filesystem::path& dir,
                                                                const config::TerminalProfile& iut, Profile profile,
                                                                crypto::RandomSource& rng);
  ~ScenarioTms();

  // Signs and publishes one package version for the terminal's vendor (and its model, unless the
  // publication names another).
  Result<void, std::string> publish(const Publication& p);
  // The offer `p` describes, signed as it says but never published: what a forged PKG_CONFIRM
  // carries (an older version, another model).
  Result<codec::Offer, std::string> sign_offer(const Publication& p);
  // The vendor key's ECDSA P-256 signature over `octets` (REQ-CRYPTO-013); empty on failure.
  Bytes sign_octets(ByteView octets);
  // What a party holding the terminal's DMK starts a session's forging with.
  forge::SessionKeys session_keys() const;
  void set_piece_change(const PieceChange& change);

  tms::Ports ports();
  const tms::Config& config() const;

 private:
  struct Impl;
  explicit ScenarioTms(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One message on the wire, as the suite saw it.
struct WireMessage {
  bool from_terminal = false;
  Bytes body;
  bool changed = false;  // the suite changed it from what its TMS engine wrote
  // An envelope's payload, decrypted with the session's keys when the suite could open it: what
  // --verbose and the reports show of it (REQ-CONF-034).
  std::optional<Bytes> payload;
  std::int64_t at_ms = 0;  // when the suite received or sent it (monotonic): what REQ-CONF-028 times
};

// The terminal's octets as one read delivered them, before any deframing (REQ-FRAME-002).
struct RawRead {
  Bytes octets;
  std::int64_t at_ms = 0;
};

// The TMS engine of one session, with the scenario's change applied to what it sends. It follows
// the session's keys through the honest messages (the terminal's, and the engine's before they
// are changed), so that a change can forge and the judge can read the terminal's envelopes.
class ScenarioEngine final : public net::Engine {
 public:
  ScenarioEngine(ScenarioTms& suite, tms::Session& tms, Change change)
      : suite_(suite), tms_(tms), change_(std::move(change)), keys_(suite.session_keys()) {}
  session::Output receive(ByteView body) override;
  session::Output timeout() override { return outgoing(tms_.timeout()); }
  session::Output connection_lost() override {
    lost_ = true;
    return outgoing(tms_.connection_lost());
  }

  const std::vector<WireMessage>& wire() const { return wire_; }
  bool terminal_closed() const { return lost_; }
  bool cut() const { return cut_; }
  bool withheld() const { return withheld_; }  // REQ-CONF-028: a message held back, the connection open
  const forge::SessionKeys& keys() const { return keys_; }

  // The hook under the framing the listener serves this engine with: a changed message's frame
  // goes on the wire as its WireChange says (REQ-FRAME-001 to REQ-FRAME-004), and every octet the
  // terminal sends is kept as read. `serial`: the session's framing, which sets a frame's length.
  const net::WireHook& wire_hook(bool serial);
  // The link's header (REQ-FRAME-030, REQ-FRAME-032): a TPDU's 5 octets are part of each frame.
  void set_link_header(std::size_t octets) { link_header_ = octets; }
  const std::vector<RawRead>& raw_in() const { return raw_in_; }
  // REQ-FRAME-012: the suite writes nothing at all, and its TMS sends nothing.
  void mute() { muted_ = true; }
  // The good serial frames the suite wrote, each copy counted (REQ-FRAME-011, REQ-FRAME-013).
  std::size_t good_frames_written() const { return good_frames_written_; }

 private:
  session::Output outgoing(session::Output out);
  std::optional<net::WireShape> shape(const Bytes& framed);

  ScenarioTms& suite_;
  tms::Session& tms_;
  Change change_;
  forge::SessionKeys keys_;
  bool cut_ = false;
  bool withheld_ = false;
  std::vector<WireMessage> wire_;
  std::vector<std::size_t> sent_of_type_ = std::vector<std::size_t>(256, 0);
  bool lost_ = false;
  bool serial_ = false;
  std::size_t link_header_ = 0;
  net::WireHook hook_;
  // The change for the next write, and how many of its last octets are the changed bodies' frames.
  std::optional<std::pair<WireChange, std::size_t>> pending_wire_;
  std::vector<RawRead> raw_in_;
  bool muted_ = false;
  std::size_t good_frames_written_ = 0;
};

}  // namespace tmsproto::conformance
