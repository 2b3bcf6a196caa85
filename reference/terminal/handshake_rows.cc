// Rows T1-T4 of spec/09-terminal-states.md: the terminal's side of the handshake and the key
// message (patent figure 5, steps 501-511).
#include <algorithm>

#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"
#include "common/hex.h"
#include "crypto/secret.h"
#include "profile/standard_slots.h"
#include "terminal/session.h"

namespace tmsproto::terminal {

constexpr std::size_t kMaxPasswordLength = 64;  // REQ-OPR-002

namespace {

// Fault reads-past-short-field: HS_AUTH_REQUEST as a reader that trusts its profile's fixed length
// sees it. A body short of that length by fewer octets than TAC_1 has is read past its end (zeros
// here, whatever memory follows on a device); any other body is read as it is (empty).
Bytes read_past_the_end(ByteView body) {
  if (body.size() <= kHeaderLength) return {};
  const auto p = profile_from_octet(body[kHeaderLength]);  // PROFILE, the first field after the header
  if (!p) return {};
  const std::size_t fixed = codec::kHsAuthRequestDwk1Offset + dwk1_length(*p) + mac_length(*p);
  if (body.size() >= fixed || fixed - body.size() >= mac_length(*p)) return {};
  Bytes padded(body.begin(), body.end());
  padded.resize(fixed, 0x00);
  return padded;
}

}  // namespace

// T1 — REQ-HS-002, REQ-HS-004, REQ-MSG-033.
void Session::t1_start(StartCommand command) {
  codec::HsRequest m;
  m.id = config_.id;
  m.trans = command.trans;
  // One DMK, one profile (REQ-HS-011); an AES terminal offers AES (REQ-CRYPTO-019), and an offer
  // of exactly one profile leaves nothing to strip (REQ-SEC-005).
  m.offered_profiles = offer_bit(config_.profile);  // REQ-MSG-034
  m.operator_id = command.operator_id;
  m.key_set_id = command.trans == TransCode::kKeyDownload ? command.key_set_id : std::string();
  // REQ-HS-004, REQ-MSG-033, REQ-SEC-003: a fresh T_RAND per session from the injected source, so
  // the engine stays deterministic given its inputs (REQ-TERM-003).
  ports_.rng.fill(m.t_data.random);
  m.t_data.time = ports_.clock.now_utc();  // REQ-MSG-033
  // The engine refuses locally what it may not send: a LEGACY DMK not enabled (REQ-CRYPTO-020),
  // or a command whose fields break the message rules.
  // REQ-CRYPTO-025: a LEGACY session is an unattended program download, nothing else.
  const bool legacy_ok = config_.profile != Profile::kLegacy ||
                         (config_.legacy_enabled && command.trans == TransCode::kProgramDownload &&
                          command.operator_id.empty());
  const bool key_set_ok = command.trans != TransCode::kKeyDownload ||
                          codec::valid_text(command.key_set_id, kKeySetIdWidth, codec::CharSet::kAn,
                                            codec::Emptiness::kRequired);
  const bool operator_ok = codec::valid_text(command.operator_id, kOperatorIdWidth, codec::CharSet::kAn,
                                             codec::Emptiness::kMayBeEmpty);
  // REQ-OPR-002: 1-64 octets of printable ASCII, refused locally before anything is derived from it.
  const ByteView password = command.operator_password.view();
  const bool password_ok =
      command.operator_id.empty() ||
      (!password.empty() && password.size() <= kMaxPasswordLength &&
       std::all_of(password.begin(), password.end(), [](std::uint8_t c) { return c >= 0x20 && c <= 0x7e; }));
  if (!legacy_ok || !key_set_ok || !operator_ok || !password_ok || !codec::valid_identity(config_.id)) {
    state_ = State::T_FAILED;
    failure_ = Failure{ResponseCode::kInternalError, false};
    // Nothing is sent (row T1); an edge that dialled before START closes its link empty
    // (REQ-CONF-029), instead of holding it open until the peer's T_RESPONSE.
    out_.close = true;
    return;
  }
  t_data_ = m.t_data;
  offered_ = m.offered_profiles;
  transcript_.hs_request = codec::serialize(m);
  command_ = std::move(command);
  send(transcript_.hs_request);  // REQ-HS-002: the first message of the session
  state_ = State::T_WAIT_AUTH_REQUEST;
}

// T2 — REQ-HS-020, REQ-HS-021, REQ-HS-022, REQ-HS-023, REQ-HS-024, REQ-OPR-003.
void Session::t2_auth_request(ByteView body) {
  // fault reads-past-short-field violates REQ-MSG-042: a TAC_1 cut short is read past the body's
  // end, so the body of another length goes on to the TAC check [11] instead of [01]
  Bytes read_past;
  if (has(Fault::kReadsPastShortField)) read_past = read_past_the_end(body);
  if (!read_past.empty()) body = read_past;
  auto m = codec::parse_hs_auth_request(body);  // REQ-MSG-042: a body of another length is [01]
  if (!m.ok()) return fail_with(m.error().code);                       // [03/08/01]
  // REQ-HS-020 in its order; REQ-SEC-004: the session's identity on every message (REQ-MSG-020).
  // fault skip-identity-check violates REQ-HS-020
  if (m->id != config_.id && !has(Fault::kSkipIdentityCheck)) {
    return fail_with(ResponseCode::kIdentityMismatch);  // [26]
  }
  // fault accept-unoffered-profile violates REQ-MSG-040
  if ((offered_ & offer_bit(m->profile)) == 0 && !has(Fault::kAcceptUnofferedProfile)) {
    return fail_with(ResponseCode::kNoAcceptableProfile);  // [08]
  }
  const Profile p = m->profile;
  // REQ-HS-025: DWK_1 must be bound to the HS_REQUEST this terminal sent in this session.
  // REQ-KEY-002, REQ-KEY-004: the DMK is used here, to unwrap, and nowhere else; it is never sent.
  profile::SessionBinding binding = profile::session_binding(transcript_.hs_request);
  // fault takes-binding-from-key-block violates REQ-HS-025: the hash compared is the one the key
  // block's own binding block carries (its 64 hex digits after "1044", spec/13-tr31-appendix.md),
  // so any session's DWK_1 validly MACed under the DMK binds "this" session
  if (has(Fault::kTakesBindingFromKeyBlock) && p != Profile::kLegacy && m->dwk1.size() >= 20 + 2 * binding.size()) {
    if (auto h = from_hex(std::string_view(reinterpret_cast<const char*>(m->dwk1.data()), m->dwk1.size())
                              .substr(20, 2 * binding.size()));
        h && h->size() == binding.size()) {
      std::copy(h->begin(), h->end(), binding.begin());
    }
  }
  auto dwk = profile::recover_dwk(p, config_.dmk.view(), m->dwk1, binding);  // [11]
  if (!dwk.ok()) return fail_with(dwk.error());
  s_data_ = m->s_data;
  auto keys = profile::derive_handshake_keys(p, std::move(dwk).value(), t_data_, s_data_);
  if (!keys.ok()) return fail_with(keys.error());
  const ByteView tac_prefix = body.first(codec::kHsAuthRequestDwk1Offset + m->dwk1.size());
  auto tac0 = profile::tac(p, *keys, t_data_, transcript_.th_tac(tac_prefix));
  if (!tac0.ok()) return fail_with(tac0.error());
  note("TAC_0", *tac0, "REQ-HS-021");
  if (has(Fault::kTacFirstHalf)) {  // fault tac-first-half violates REQ-HS-022: a compare over half the length
    tac0->resize(tac0->size() / 2);
    m->tac1.resize(m->tac1.size() / 2);
  }
  // REQ-HS-022, REQ-SEC-001: the TMS is authenticated only by a TAC over this session's own T_DATA.
  // REQ-HS-024: on a mismatch ABORT 11 is all that is sent; no SAC_1 is computed, nothing stored.
  // fault skip-tac-check violates REQ-HS-024
  if (!crypto::ct_equal(*tac0, m->tac1) && !has(Fault::kSkipTacCheck)) {
    return fail_with(ResponseCode::kTmsAuthFailed);  // [11]
  }
  // REQ-HS-026: the operator's cost is zero exactly when this session has no operator.
  const bool attended = !command_->operator_id.empty();
  // fault skip-opv-iterations-check violates REQ-HS-026
  if ((m->opv_iterations != 0) != attended && !has(Fault::kSkipOpvIterationsCheck)) {
    return fail_with(ResponseCode::kMalformed);  // [01]
  }
  transcript_.hs_auth_request.assign(body.begin(), body.end());  // REQ-HS-001: the octets as received

  codec::HsAuthAnswer answer;
  answer.id = config_.id;
  answer.operator_proof.assign(mac_length(p), 0x00);  // REQ-OPR-001: zero when unattended
  if (attended) {
    // REQ-OPR-002: the salt and cost the TMS sent, authenticated by TAC_1 just now.
    auto opv = profile::operator_verifier(command_->operator_password.view(), config_.id.vendor_id,
                                          command_->operator_id, m->opv_salt, m->opv_iterations);
    command_->operator_password = crypto::SecretBytes();  // REQ-KEY-024: the password is used up
    if (!opv.ok()) return fail_with(opv.error());
    auto proof = profile::operator_proof(p, *keys, opv->view(), t_data_, s_data_);  // REQ-OPR-003
    if (!proof.ok()) return fail_with(proof.error());
    answer.operator_proof = std::move(proof).value();
  }
  answer.sac1.assign(mac_length(p), 0x00);
  Bytes out = codec::serialize(answer);
  const ByteView sac_prefix = ByteView(out).first(out.size() - mac_length(p));
  auto sac1 = profile::sac(p, *keys, s_data_, transcript_.th_sac(sac_prefix));  // REQ-HS-023
  if (!sac1.ok()) return fail_with(sac1.error());
  note("SAC_1", *sac1, "REQ-HS-023");
  std::copy(sac1->begin(), sac1->end(), out.end() - static_cast<std::ptrdiff_t>(mac_length(p)));
  hs_keys_ = std::move(keys).value();
  transcript_.hs_auth_answer = out;
  send(std::move(out));
  state_ = State::T_WAIT_KEY_MESSAGE;
}

// T3 (key download) and T4 (program download) — REQ-KEY-020 to REQ-KEY-022.
void Session::t3_t4_key_message(ByteView body) {
  const Profile p = config_.profile;
  auto m = codec::parse_key_message(body, p);
  if (!m.ok()) return fail_with(m.error().code);                                  // [03/01]
  if (m->id != config_.id) return fail_with(ResponseCode::kIdentityMismatch);     // [26]
  if (m->trans != command_->trans) return fail_with(ResponseCode::kMalformed);    // [01]
  const ByteView prefix = body.first(body.size() - m->key_mac.size());
  auto mac = profile::key_mac(p, *hs_keys_, prefix, transcript_.th_key(prefix));
  if (!mac.ok()) return fail_with(mac.error());
  // REQ-KEY-020: KEY_MAC, in constant time, before any entry is unwrapped.
  // fault skip-key-mac violates REQ-KEY-020
  if (!crypto::ct_equal(*mac, m->key_mac) && !has(Fault::kSkipKeyMac)) {
    // fault key-mac-answered-01 violates REQ-KEY-020: the right check, the wrong code
    if (has(Fault::kKeyMacAnswered01)) return fail_with(ResponseCode::kMalformed);
    return fail_with(ResponseCode::kMacFailed);  // [13]
  }

  // Every entry unwraps and matches its slot and KCV [18] before anything is stored.
  auto dsk = profile::unwrap_key(p, *hs_keys_, profile::dsk_rule(p), m->entries[0].key_block,
                                 m->entries[0].kcv);
  if (!dsk.ok()) return fail_with(dsk.error());
  note("KCV(DSK)", m->entries[0].kcv, "REQ-CRYPTO-037");
  std::vector<DeliveredKey> delivered;
  for (std::size_t i = 1; i < m->entries.size(); ++i) {
    const auto& e = m->entries[i];
    auto rule = config_.slots.find(e.slot);
    // fault skip-slot-check violates REQ-KEY-025: a slot not in the table falls back to its first rule
    if (rule == config_.slots.end() && has(Fault::kSkipSlotCheck)) rule = config_.slots.begin();
    if (rule == config_.slots.end()) return fail_with(ResponseCode::kIntegrityFailed);  // REQ-KEY-025
    // REQ-KEY-039: the slot table's rule must be one the registry allows (REQ-KEY-030: no reserved
    // slot; REQ-KEY-031: a standard slot's usage and mode of use), else the key is refused.
    if (profile::check_slot_rule(e.slot, rule->second) != profile::SlotRuleCheck::kAllowed) {
      return fail_with(ResponseCode::kIntegrityFailed);  // [18]
    }
    // REQ-KEY-014: a key stronger than the K_KEK it came under is refused, whatever its MAC says.
    if (!profile::can_deliver(p, rule->second)) return fail_with(ResponseCode::kIntegrityFailed);  // [18]
    // fault skip-kcv-check violates REQ-KEY-021 (in profile::unwrap_key, where the KCV is compared)
    auto key = profile::unwrap_key(p, *hs_keys_, rule->second, e.key_block, e.kcv, !has(Fault::kSkipKcvCheck));
    if (!key.ok()) return fail_with(key.error());
    note("KCV(slot " + std::to_string(e.slot) + ")", e.kcv, "REQ-KEY-021");
    delivered.push_back({e.slot, rule->second.algorithm, std::move(key).value()});
    // fault stores-keys-before-checks violates REQ-TERM-002: each key stored as it unwraps, before
    // the later entries' checks, so a KEY_MESSAGE refused at a later entry leaves this one stored
    if (has(Fault::kStoresKeysBeforeChecks) && command_->trans == TransCode::kKeyDownload) {
      std::vector<DeliveredKey> one;
      one.push_back({e.slot, rule->second.algorithm, delivered.back().key.clone()});
      (void)ports_.keys.install(one);
    }
  }
  if (command_->trans == TransCode::kKeyDownload) {
    // REQ-TERM-002: keys are stored only here, after every check of T3.
    auto stored = ports_.keys.install(delivered);  // all or none (REQ-KEY-022)
    if (!stored.ok()) return fail_with(ResponseCode::kKeyStorageFailed);  // [21]
    keys_installed_ = true;
  }
  auto dl = profile::derive_download_keys(p, dsk->view(), t_data_, s_data_);  // REQ-CRYPTO-040
  if (!dl.ok()) return fail_with(dl.error());
  channel_.emplace(p, std::move(dl).value(), config_.id, profile::Direction::kTerminalToTms);
  hs_keys_.reset();  // the handshake keys have done their job (REQ-KEY-024)

  codec::PkgAnnounce announce;
  announce.max_chunk = config_.max_chunk;
  // REQ-MSG-080: every installed package (VERSION >= 1) in ascending (KIND, NAME) order, whatever
  // order the store keeps them in; TERM_INFO's PACKAGE items are the same list (REQ-DL-041).
  for (codec::InstalledPackage& installed : ports_.packages.installed()) {
    if (installed.version != 0) announce.installed.push_back(std::move(installed));
  }
  std::sort(announce.installed.begin(), announce.installed.end(), codec::announce_order);
  auto info = report(announce.installed);
  if (!info) return fail_with(ResponseCode::kInternalError);  // [96] REQ-DL-041: the report does not fit
  // REQ-DL-040: TERM_INFO first (SEQ 0), then at once SESSION_END or PKG_ANNOUNCE (SEQ 1).
  if (!send_sealed(MsgType::kTermInfo, *info)) return;
  if (command_->trans == TransCode::kKeyDownload) {  // T3
    end_with(ResponseCode::kSuccess);
    return;
  }
  // T4. REQ-MSG-080: more than 255 installed packages are outside this version of the protocol.
  if (announce.installed.size() > codec::kMaxAnnounced) return fail_with(ResponseCode::kInternalError);  // [96]
  if (!send_sealed(MsgType::kPkgAnnounce, codec::serialize(announce))) return;
  state_ = State::T_WAIT_PKG_CONFIRM;
}

// REQ-DL-041: the terminal as it is now — its device's account of itself, the packages it
// announces, the master application's slots, the outcome of its last applies and the KCVs of the
// keys its secure unit holds. nullopt when that does not make a valid TERM_INFO of at most 8000
// octets (a defect or an excess of the device, not of the peer).
std::optional<Bytes> Session::report(const std::vector<codec::InstalledPackage>& installed) {
  const DeviceReport device = ports_.device.report();
  codec::TerminalInfo info;
  info.hardware_id = device.hardware_id;
  info.firmware_id = device.firmware_id;
  info.bearer = device.bearer;
  info.tamper = device.tamper;
  info.faults = device.faults;
  info.other = device.vendor_items;
  info.packages = installed;
  info.master_app = ports_.packages.master_app();
  info.last_apply = ports_.packages.last_apply();
  info.key_slots = ports_.keys.held();
  Bytes payload = codec::serialize(info);
  // REQ-MSG-120 to REQ-MSG-122: send only what a receiver accepts.
  if (payload.size() > codec::kMaxTermInfo || !codec::parse_terminal_info(payload).ok()) return std::nullopt;
  if (has(Fault::kTermInfoUnsorted)) {
    // The fault term-info-unsorted (REQ-MSG-120 broken): the last item moved in front of the others.
    std::size_t last = 0;
    for (std::size_t at = 0; at + 4 <= payload.size(); at += 4 + (payload[at + 2] << 8 | payload[at + 3])) last = at;
    std::rotate(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(last), payload.end());
  }
  return payload;
}

}  // namespace tmsproto::terminal
