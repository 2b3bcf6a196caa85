// What a terminal keeps from one session to the next, judged in what it reports in a later session
// of the same scenario (REQ-CONF-024): the KEY_SLOT items, PACKAGE items and LAST_APPLY of its
// TERM_INFO (REQ-DL-041), a fresh T_RAND in every HS_REQUEST, the order of its requests, and a
// DWK_1 of another session refused even under a TAC_1 that verifies.
#include <functional>
#include <memory>
#include <string>

#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "conformance/runner/catalogue.h"

namespace tmsproto::conformance {
namespace {

// Every FRAME_REQUEST of a whole download of `p` from nothing held: the FIT's pieces, then the
// DATA's, each section of S octets in ceil(S / CHUNK_SIZE) pieces (REQ-DL-012, REQ-DL-013).
std::vector<codec::FrameRequest> whole_download(const Publication& p) {
  std::vector<codec::FrameRequest> order;
  const std::uint32_t data = data_pieces(p);
  const std::uint32_t fit = static_cast<std::uint32_t>((32 * std::size_t{data} + p.chunk_size - 1) / p.chunk_size);
  for (std::uint32_t i = 0; i < fit; ++i) order.push_back({0, codec::Section::kFit, i});
  for (std::uint32_t i = 0; i < data; ++i) order.push_back({0, codec::Section::kData, i});
  return order;
}

// A small package of KIND P, FORMAT 0x02, signed by the pinned acquirer for this terminal alone,
// valid for 30 more days: what REQ-DL-061 to REQ-DL-063 accept.
Publication per_terminal(std::uint32_t version = 2) {
  Publication p;
  p.kind = codec::PackageKind::kParameters;
  p.version = version;
  p.length = 2000;
  p.scope = Scope{};
  return p;
}

// PKG_CONFIRM replaced by one offer of `p` (signed by the suite but never published) whose payload
// `edit` then breaks, sealed under the session's keys: a manifest the terminal must refuse as it
// parses PKG_CONFIRM, before any signature (REQ-MSG-091, REQ-MSG-092).
Change confirm_broken(Publication p, std::function<void(Bytes&)> edit) {
  return forge_message(MsgType::kPkgConfirm, 0, [p, edit](ByteView body, const Forgery& f) -> Bytes {
    auto e = f.keys.envelope(false, body);
    auto offer = f.sign(p);
    if (!e || !offer) return {};
    Bytes payload = codec::serialize(codec::PkgConfirm{{*offer}});
    edit(payload);
    return f.keys.seal(false, MsgType::kPkgConfirm, e->seq, payload);
  });
}

// Offsets in a PKG_CONFIRM payload of one offer (spec/03-messages.md 3.7): MANIFEST_LEN, and the
// MANIFEST's NOT_AFTER month, TARGET_COUNT and end of its first TARGET.
constexpr std::size_t kManifestLenAt = 2;
constexpr std::size_t kManifestAt = 4;
constexpr std::size_t kNotAfterMonthAt = kManifestAt + 124 + 2;
constexpr std::size_t kTargetCountAt = kManifestAt + 131;
constexpr std::size_t kFirstTargetEnd = kManifestAt + 132 + 32;

// A second TARGET after the first, TARGET_COUNT and MANIFEST_LEN made to match.
void add_target(Bytes& payload, std::string target) {
  if (payload.size() < kFirstTargetEnd) return;
  target.resize(32, ' ');
  payload.insert(payload.begin() + static_cast<std::ptrdiff_t>(kFirstTargetEnd), target.begin(), target.end());
  payload[kTargetCountAt] = 2;
  payload[kManifestLenAt] = 0;
  payload[kManifestLenAt + 1] = 132 + 2 * 32;
}

}  // namespace

void add_state_scenarios(std::vector<Scenario>& all) {
  {
    Expectation reported = completes();
    reported.holds_keys_of = 0;
    reported.packages_as_announced = true;
    reported.fresh_t_rand = true;
    all.push_back({"state.keys_reported_after_key_download",
                   {"REQ-DL-041", "REQ-CRYPTO-009", "REQ-KEY-002", "REQ-MSG-033", "REQ-CRYPTO-016"},
                   Level::kMust,
                   "after an honest key download of every slot of the table, a program download under the "
                   "factory DMK completes (the DMK was not replaced), its TERM_INFO carries a KEY_SLOT with the "
                   "delivered key's KCV for each slot and PACKAGE items exactly as its PKG_ANNOUNCE, and its "
                   "T_RAND is not the first session's",
                   std::nullopt,
                   {key(completes()), program({}, reported)}});
  }
  {
    Expectation reported = completes();
    reported.announces = Publication{}.version;
    reported.packages_as_announced = true;
    reported.last_apply =
        codec::LastApply{{codec::PackageKind::kApplication, kPackageName, Publication{}.version}, ResponseCode::kSuccess};
    reported.fresh_t_rand = true;
    all.push_back({"state.apply_reported",
                   {"REQ-DL-041", "REQ-CONF-024"},
                   Level::kMust,
                   "after an honest session installs version 2, the next session's TERM_INFO carries the package "
                   "as a PACKAGE item, exactly as its PKG_ANNOUNCE lists it, and LAST_APPLY version 2 RESULT 00",
                   std::nullopt,
                   {program({Publication{}}, completes()), program({}, reported)}});
  }
  {
    // REQ-DL-041: the outcome of the last attempted apply, a failed one too. The TMS serves the
    // honest package's pieces, which match the forged manifest's FIT; only PKG_DIGEST is wrong.
    Publication wrong;
    wrong.wrong_pkg_digest = true;
    Expectation reported = completes();
    reported.announces = 0;
    reported.last_apply = codec::LastApply{{codec::PackageKind::kApplication, kPackageName, Publication{}.version},
                                           ResponseCode::kIntegrityFailed};
    all.push_back({"state.failed_apply_reported",
                   {"REQ-DL-041"},
                   Level::kMust,
                   "PKG_CONFIRM offers the published package under a manifest whose PKG_DIGEST is changed, signed "
                   "again by the vendor: every piece verifies, the apply's digest does not (SESSION_END 18); the next "
                   "session announces no version of it and reports LAST_APPLY version 2 RESULT 18",
                   std::nullopt,
                   {program({Publication{}}, completes(), confirm_instead({wrong})), program({}, reported)}});
  }
  {
    // REQ-TERM-002, REQ-KEY-022: the last entry fails its KCV, so a terminal that stored an earlier
    // entry before that check shows it in the next session's TERM_INFO.
    Expectation none = completes();
    none.holds_no_keys_of = 0;
    all.push_back({"state.keys_after_a_refused_key_message",
                   {"REQ-TERM-002", "REQ-KEY-022"},
                   Level::kMust,
                   "KEY_MESSAGE delivers every slot of the table, its last entry with one octet of its KCV changed "
                   "under a correct KEY_MAC: ABORT 18; the next session's TERM_INFO holds no KEY_SLOT for any slot "
                   "of that message, the entries before the bad one included (the table needs two slots or more)",
                   std::nullopt,
                   {key(aborts(ResponseCode::kIntegrityFailed, "REQ-KEY-021: a key check value that does not match is 18"),
                        reseal_key_message([](codec::KeyMessage& m) {
                          if (m.entries.size() > 2 && !m.entries.back().kcv.empty()) m.entries.back().kcv[0] ^= 0x01;
                        })),
                    program({}, none)}});
    all.back().deliverable_slots = 2;
  }
  {
    Expectation again = completes();
    again.holds_keys_of = 1;  // its own KEY_MESSAGE: the keys it stored again
    all.push_back({"state.key_download_repeated_after_cut",
                   {"REQ-KEY-026", "REQ-DL-041"},
                   Level::kMust,
                   "the suite cuts a key download instead of sending SESSION_END_ACK (the keys stored, the TMS "
                   "recording them as not delivered); the repeated key download of the same key set completes and "
                   "its TERM_INFO carries every slot with the KCV of the key delivered again",
                   std::nullopt,
                   {key(is_cut(), cut_before(MsgType::kSessionEndAck, 0)), key(again)}});
  }
  {
    // A package whose DATA ends in a short piece and whose FIT (32 octets per DATA piece) is longer
    // than one piece: 3000 octets in pieces of 256 are 12 DATA pieces, the last of 184 octets, and
    // a FIT of 384 octets in 2 pieces.
    Publication p;
    p.length = 3000;
    p.chunk_size = 256;
    Expectation in_order = completes();
    in_order.request_order = whole_download(p);
    all.push_back({"download.sections_in_order",
                   {"REQ-DL-013", "REQ-DL-021"},
                   Level::kMust,
                   "an honest download of a package of 3000 octets in pieces of 256 (the last DATA piece short, the "
                   "FIT two pieces long): the terminal requests FIT pieces 0-1 then DATA pieces 0-11, each once, "
                   "in order, and completes",
                   std::nullopt,
                   {program({p}, in_order)}});
  }
  {
    // Session 1's S_DATA and DWK_1 (bound to session 1's HS_REQUEST) in session 2's HS_AUTH_REQUEST,
    // with TAC_1 recomputed over session 2's messages with session 1's DWK (REQ-CRYPTO-032): TAC_1
    // verifies, and only the binding of REQ-HS-025 can refuse the key block.
    struct Earlier {
      Bytes hs_request;
      codec::AuthData s_data;
      Bytes dwk1;
    };
    auto earlier = std::make_shared<Earlier>();
    Change record = [earlier](MsgType t, std::size_t n, ByteView body, const Forgery& f) -> std::optional<Replacement> {
      if (t != MsgType::kHsAuthRequest || n != 0) return std::nullopt;
      auto m = codec::parse_hs_auth_request(body);
      if (!m.ok()) return std::nullopt;
      *earlier = {f.keys.hs_request(), m->s_data, m->dwk1};
      return std::nullopt;
    };
    Change replay = forge_message(MsgType::kHsAuthRequest, 0, [earlier](ByteView body, const Forgery& f) -> Bytes {
      auto m = codec::parse_hs_auth_request(body);
      if (!m.ok() || earlier->hs_request.empty()) return {};
      m->s_data = earlier->s_data;
      m->dwk1 = earlier->dwk1;
      return f.keys.with_tac_bound_to(*m, earlier->hs_request);
    });
    all.push_back({"state.dwk1_of_an_earlier_session",
                   {"REQ-HS-025", "REQ-CRYPTO-031"},
                   Level::kMust,
                   "a new session's HS_AUTH_REQUEST carries an earlier session's S_DATA and DWK_1 (bound to that "
                   "session's HS_REQUEST) under a TAC_1 recomputed over the new session with that DWK: the "
                   "terminal refuses the binding with ABORT 11 and sends no SAC_1",
                   std::nullopt,
                   {program({}, completes(), std::move(record)),
                    program({}, aborts(ResponseCode::kTmsAuthFailed,
                                       "REQ-HS-025: a DWK_1 bound to another session's HS_REQUEST is ABORT 11"),
                            std::move(replay))}});
  }
  // FORMAT 0x02: per-terminal packages from a pinned signer (REQ-DL-060 to REQ-DL-063, REQ-SEC-016).
  {
    Expectation downloaded = completes();
    downloaded.requests = 1 + data_pieces(per_terminal());
    all.push_back({"signer.pinned_package_accepted",
                   {"REQ-DL-061", "REQ-DL-062", "REQ-DL-063", "REQ-SEC-016"},
                   Level::kMust,
                   "a KIND P package of FORMAT 0x02 signed by the signer terminal.json pins for KIND P, targeted at "
                   "the terminal's SERIAL_NO, NOT_AFTER 30 days ahead: the terminal downloads every piece and completes",
                   std::nullopt,
                   {program({per_terminal()}, downloaded)}});
    Publication application = per_terminal();
    application.kind = codec::PackageKind::kApplication;
    all.push_back({"signer.kind_not_pinned",
                   {"REQ-DL-061", "REQ-SEC-016"},
                   Level::kMust,
                   "PKG_CONFIRM offers a KIND A package of FORMAT 0x02 correctly signed by the pinned signer, which "
                   "may sign KIND P only: the terminal requests no piece and ends with ABORT 19",
                   std::nullopt,
                   {program({Publication{}},
                            aborts(ResponseCode::kSignatureInvalid,
                                   "REQ-DL-061: a KIND the signer may not sign is ABORT 19"),
                            confirm_instead({application}))}});
    Publication unknown = per_terminal();
    unknown.scope->signer_id = "NOTPINND";
    all.push_back({"signer.signer_not_pinned",
                   {"REQ-DL-061"},
                   Level::kMust,
                   "PKG_CONFIRM offers a FORMAT 0x02 package whose SIGNER_ID names no pinned signer, signed with "
                   "that signer's key: ABORT 19",
                   std::nullopt,
                   {program({Publication{}},
                            aborts(ResponseCode::kSignatureInvalid,
                                   "REQ-DL-061: a SIGNER_ID that names no pinned signer is ABORT 19"),
                            confirm_instead({unknown}))}});
    Publication elsewhere = per_terminal();
    elsewhere.scope->targets = {"SN-SOMEONE-ELSE"};
    all.push_back({"signer.target_another_terminal",
                   {"REQ-DL-062", "REQ-SEC-016"},
                   Level::kMust,
                   "PKG_CONFIRM offers a FORMAT 0x02 package of the pinned signer whose only TARGET is another "
                   "SERIAL_NO: the terminal requests no piece and ends with ABORT 27",
                   std::nullopt,
                   {program({Publication{}},
                            aborts(ResponseCode::kManifestNotForTerminal,
                                   "REQ-DL-062: a target without the terminal's SERIAL_NO is ABORT 27"),
                            confirm_instead({elsewhere}))}});
    Publication expired = per_terminal();
    expired.scope->not_after_days = -1;
    all.push_back({"signer.not_after_passed",
                   {"REQ-DL-063", "REQ-SEC-016"},
                   Level::kMust,
                   "PKG_CONFIRM offers a FORMAT 0x02 package of the pinned signer for this terminal whose NOT_AFTER "
                   "is one day before the suite's clock: the terminal requests no piece and ends with ABORT 29",
                   std::nullopt,
                   {program({Publication{}},
                            aborts(ResponseCode::kManifestExpired, "REQ-DL-063: a NOT_AFTER already passed is ABORT 29"),
                            confirm_instead({expired}))}});
  }
  {
    // REQ-DL-060: no message changes the signer set, whatever was installed before.
    Publication application;
    application.length = 2000;
    Publication data = application;
    data.kind = codec::PackageKind::kDataFile;
    Publication stranger;
    stranger.version = 3;
    stranger.signed_by_stranger = true;
    Expectation again = completes();
    again.requests = 1 + data_pieces(per_terminal(3));
    all.push_back({"signer.set_unchanged_by_installs",
                   {"REQ-DL-060"},
                   Level::kMust,
                   "after packages of KIND A, D (vendor) and P (pinned signer) install, an offer signed by a key "
                   "neither the vendor's nor pinned is still refused with ABORT 19, and a later FORMAT 0x02 package "
                   "of the pinned signer is still downloaded",
                   std::nullopt,
                   {program({application, data, per_terminal()}, completes()),
                    program({}, aborts(ResponseCode::kSignatureInvalid,
                                       "REQ-DL-060: a key neither the vendor's nor pinned is ABORT 19"),
                            confirm_instead({stranger})),
                    program({per_terminal(3)}, again)}});
  }
  // REQ-MSG-091, REQ-MSG-092: FORMAT 0x02 manifests broken in one encoding rule, refused with 01 as
  // PKG_CONFIRM is parsed.
  {
    struct Broken {
      std::string name, req, what;
      std::function<void(Bytes&)> edit;
    };
    const std::vector<Broken> broken = {
        {"manifest.target_count_beyond_length", "REQ-MSG-091",
         "MANIFEST_LEN 164 (one TARGET) but TARGET_COUNT 2",
         [](Bytes& b) {
           if (b.size() > kTargetCountAt) b[kTargetCountAt] = 2;
         }},
        {"manifest.targets_equal", "REQ-MSG-092", "two TARGETs, both the terminal's SERIAL_NO",
         [](Bytes& b) {
           if (b.size() < kFirstTargetEnd) return;
           add_target(b, std::string(b.begin() + kFirstTargetEnd - 32, b.begin() + kFirstTargetEnd));
         }},
        {"manifest.targets_descending", "REQ-MSG-092",
         "two TARGETs, the terminal's SERIAL_NO then \"!\" (below every SERIAL_NO that does not start with it)",
         [](Bytes& b) { add_target(b, "!"); }},
        {"manifest.not_after_month_13", "REQ-MSG-092", "NOT_AFTER in month 13",
         [](Bytes& b) {
           if (b.size() > kNotAfterMonthAt) b[kNotAfterMonthAt] = 0x13;
         }},
    };
    for (const Broken& c : broken) {
      all.push_back({c.name,
                     {c.req},
                     Level::kMust,
                     "PKG_CONFIRM offers a FORMAT 0x02 package of the pinned signer with " + c.what +
                         ", under a correct envelope: the terminal refuses it with ABORT 01",
                     std::nullopt,
                     {program({Publication{}},
                              aborts(ResponseCode::kMalformed, c.req + ": a FORMAT 0x02 manifest that breaks it is 01"),
                              confirm_broken(per_terminal(), c.edit))}});
    }
  }
  // KIND M: the master application, written into the slot that does not run and marked to start
  // at the next start, never switched during a session (REQ-DL-050, REQ-DL-052, REQ-DL-053). The
  // start itself (REQ-DL-051) needs a restart the shim contract does not have.
  {
    Publication master;
    master.kind = codec::PackageKind::kMaster;
    master.length = 2000;
    Expectation before = completes();
    before.master_app = codec::MasterApp{1, 1, codec::SwitchState::kSettled, 0};
    before.announces_master = 1;
    Expectation pending = completes();
    pending.master_app = codec::MasterApp{1, 1, codec::SwitchState::kPending, master.version};
    pending.announces_master = 1;
    Scenario s{"master.apply_pending_until_start",
               {"REQ-DL-050", "REQ-DL-053"},
               Level::kMust,
               "with the factory master application at version 1 (MASTER_APP SWITCH_STATE 0x00, OTHER_VERSION 0), "
               "an honest download of its version 2 completes; the next session still announces version 1 and "
               "reports SWITCH_STATE 0x01 with OTHER_VERSION 2: written, checked and marked, not switched",
               std::nullopt,
               {program({master}, before), program({}, pending)}};
    s.needs_master = true;
    all.push_back(std::move(s));

    Publication other_name = master;
    other_name.name = "OTHERMASTER";
    other_name.version = 5;
    Scenario named{"master.another_name",
                   {"REQ-DL-052"},
                   Level::kMust,
                   "with a master application installed, PKG_CONFIRM offers a KIND M package under another NAME, "
                   "correctly signed by the vendor: not for this terminal, ABORT 27",
                   std::nullopt,
                   {program({Publication{}},
                            aborts(ResponseCode::kManifestNotForTerminal,
                                   "REQ-DL-052: a KIND M under another NAME than the installed one is ABORT 27"),
                            confirm_instead({other_name}))}};
    named.needs_master = true;
    all.push_back(std::move(named));

    Scenario again{"master.pending_version_again",
                   {"REQ-DL-052"},
                   Level::kMust,
                   "after version 2 of the master application is applied and waits for the next start, PKG_CONFIRM "
                   "offers version 2 again (a new signature): not above the version waiting, ABORT 20",
                   std::nullopt,
                   {program({master}, completes()),
                    program({}, aborts(ResponseCode::kRollbackRefused,
                                       "REQ-DL-052: a KIND M version not above OTHER_VERSION while a switch is pending is 20"),
                            confirm_instead({master}))}};
    again.needs_master = true;
    all.push_back(std::move(again));
  }
}

}  // namespace tmsproto::conformance
