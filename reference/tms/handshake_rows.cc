// Rows S1-S2 of spec/10-tms-states.md: the TMS's side of the handshake and the key message
// (patent figure 5, steps 504-506 and 512-515; claims 5, 6, 11, 15, 16).
#include <algorithm>
#include <cstdlib>

#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "crypto/secret.h"
#include "profile/standard_slots.h"
#include "tms/operator_lock.h"
#include "tms/session.h"

namespace tmsproto::tms {

// REQ-HS-018: before SAC_1 has matched every identity failure is 06 on the wire; the audit
// record keeps what it stood for.
void Session::not_served(ResponseCode reason) {
  audit_.not_served_reason = reason;  // REQ-HS-018, REQ-SEC-015: the reason stays in the audit log
  fail_with(ResponseCode::kTerminalNotServed);
}

// S1 — REQ-HS-010 in its order, then REQ-HS-014 to REQ-HS-017.
void Session::s1_hs_request(ByteView body) {
  // REQ-ERR-001: the checks below run in the order of row S1, so the first failing one gives the code.
  auto m = codec::parse_hs_request(body);
  if (!m.ok()) return fail_with(m.error().code);  // [03/07/01]
  request_ = *m;
  audit_.id = m->id;
  audit_.trans = m->trans;
  auto record = ports_.registry.lookup(m->id);
  if (!record.ok()) {
    // [06] for 04/05/06; a registry that answers any other code is a fault of the TMS, not of
    // the terminal: REQ-HS-010 allows only these three codes here, and REQ-MSG-110 no 00.
    const ResponseCode c = record.error();
    const bool allowed = c == ResponseCode::kUnknownVendor || c == ResponseCode::kUnknownModel ||
                         c == ResponseCode::kTerminalNotServed;
    return allowed ? not_served(c) : fail_with(ResponseCode::kInternalError);
  }
  const TerminalRecord& terminal = **record;
  // REQ-HS-011, REQ-SEC-005: the DMK's algorithm fixes the profile, so there is nothing to
  // negotiate down; it must be offered, and LEGACY enabled and only for an unattended program
  // download (REQ-CRYPTO-025).
  const Profile p = terminal.profile;
  const bool legacy_ok = terminal.legacy_enabled && m->trans == TransCode::kProgramDownload && m->operator_id.empty();
  if ((m->offered_profiles & offer_bit(p)) == 0 || (p == Profile::kLegacy && !legacy_ok)) {
    return not_served(ResponseCode::kNoAcceptableProfile);  // [06] REQ-HS-018
  }
  if (m->trans == TransCode::kKeyDownload && ports_.registry.key_set(m->id, m->key_set_id) == nullptr) {
    return not_served(ResponseCode::kUnknownKeySet);  // [06] REQ-KEY-013, REQ-HS-018
  }
  profile_ = p;
  audit_.profile = p;
  const codec::DateTime now = ports_.clock.now_utc();
  const std::int64_t now_s = codec::seconds_since_2000(now);
  const std::int64_t t_time_s = codec::seconds_since_2000(m->t_data.time);
  // REQ-HS-012: the freshness window, against the TMS's own clock.
  if (std::llabs(t_time_s - now_s) > config_.freshness_window_s) return fail_with(ResponseCode::kStaleDatetime);  // [09]
  // REQ-SEC-003: a replayed HS_REQUEST fails before any key is made; after T_TIME + window the
  // freshness check above refuses it, so that is when the cache may forget it (REQ-HS-013).
  switch (ports_.replay.remember(m->id, m->t_data.random, t_time_s + config_.freshness_window_s, now_s)) {
    case ReplayVerdict::kFresh: break;
    case ReplayVerdict::kSeen: return fail_with(ResponseCode::kReplay);        // [10] REQ-HS-013
    case ReplayVerdict::kFull: return fail_with(ResponseCode::kInternalError);  // [96] REQ-HS-019
  }
  // REQ-SRV-011: one session per terminal across the instances of one store, decided before any
  // key is derived; [24] while another session holds the lease, [96] when the registry cannot tell.
  auto lease = ports_.registry.take_lease(m->id, now_s, now_s + config_.lease_s);
  if (!lease.ok()) return fail_with(lease.error());
  lease_ = *lease;

  codec::HsAuthRequest answer;
  if (!m->operator_id.empty()) {  // REQ-OPR-002, REQ-OPR-007: the salt, enrolled or decoy
    operator_ = ports_.registry.operator_record(m->id.vendor_id, m->operator_id, m->trans);
    answer.opv_salt = operator_->salt;
    answer.opv_iterations = operator_->iterations;
  }
  ports_.rng.fill(s_data_.random);  // REQ-HS-015; REQ-TMS-003: randomness only from the port
  s_data_.time = now;
  // REQ-KEY-006: DWK, DWK_1 and the handshake keys come from the custody, which keeps the DMK;
  // REQ-HS-017: DWK_1 is bound to this HS_REQUEST as received.
  auto issued = ports_.custody.issue_dwk(m->id, p, profile::session_binding(body), m->t_data, s_data_, ports_.rng);
  if (!issued.ok()) return fail_with(ResponseCode::kInternalError);  // [96]

  answer.id = m->id;
  answer.profile = p;
  answer.s_data = s_data_;
  answer.dwk1 = std::move(issued->dwk1);
  answer.tac1.assign(mac_length(p), 0x00);
  Bytes out = codec::serialize(answer);
  transcript_.hs_request.assign(body.begin(), body.end());  // REQ-HS-001: the octets as received
  const ByteView tac_prefix = ByteView(out).first(out.size() - mac_length(p));
  const profile::HandshakeKeys& keys = issued->keys;
  auto tac1 = profile::tac(p, keys, m->t_data, transcript_.th_tac(tac_prefix));  // REQ-HS-016
  if (!tac1.ok()) return fail_with(tac1.error());
  note("TAC_1", *tac1, "REQ-HS-016");
  std::copy(tac1->begin(), tac1->end(), out.end() - static_cast<std::ptrdiff_t>(mac_length(p)));
  if (p == Profile::kLegacy) {  // LEGACY computes SAC_0 now, as the patent's step 505 does
    auto sac0 = profile::sac(p, keys, s_data_, {});
    if (!sac0.ok()) return fail_with(sac0.error());
    sac0_legacy_ = std::move(sac0).value();
  }
  hs_keys_ = std::move(issued->keys);
  transcript_.hs_auth_request = out;
  send(std::move(out));
  state_ = State::S_WAIT_AUTH_ANSWER;
}

// REQ-OPR-004, REQ-OPR-006: one path for an unknown, unauthorised, locked or wrong operator —
// a proof is computed and compared on every one of them, and only then is the outcome decided.
bool Session::operator_check_passes(ByteView proof) {
  static const crypto::SecretBytes kDummyOpv(Bytes(32, 0x00));  // never accepted, see `enrolled`
  const bool enrolled = operator_->opv.has_value();
  const crypto::SecretBytes& opv = enrolled ? *operator_->opv : kDummyOpv;
  auto expected = profile::operator_proof(profile_, *hs_keys_, opv.view(), request_.t_data, s_data_);
  const bool proof_ok = expected.ok() && crypto::ct_equal(*expected, proof);
  const std::int64_t now_s = codec::seconds_since_2000(ports_.clock.now_utc());
  const bool passes = enrolled && proof_ok && !is_locked(operator_->lock, now_s);
  // Only sessions whose SAC_1 matched get here, so a network attacker cannot lock anyone out.
  // REQ-OPR-006, REQ-STORE-021: the registry counts the failure on what it holds now; a pass is
  // recorded only where there is a count to clear.
  if (!passes || operator_->lock != OperatorLock{}) {
    (void)ports_.registry.operator_checked(request_.id.vendor_id, request_.operator_id, passes, now_s);
  }
  return passes;
}

// S2 — REQ-HS-030 to REQ-HS-032, REQ-OPR-004 to REQ-OPR-006, REQ-KEY-010 to REQ-KEY-014.
void Session::s2_auth_answer(ByteView body) {
  const Profile p = profile_;
  auto m = codec::parse_hs_auth_answer(body, p);
  if (!m.ok()) return fail_with(m.error().code);                               // [03/01]
  // REQ-OPR-001, spec/03-messages.md 3.6: without an operator the proof is all 0x00; this is a
  // rule of the body, so it fails as 01 before any check of the state table's later columns.
  const bool unattended = request_.operator_id.empty();
  if (unattended && !std::all_of(m->operator_proof.begin(), m->operator_proof.end(),
                                 [](std::uint8_t b) { return b == 0; })) {
    return fail_with(ResponseCode::kMalformed);  // [01]
  }
  // REQ-HS-030: body first (above), then identity, both before SAC; REQ-SEC-004: the session's identity.
  if (m->id != request_.id) return fail_with(ResponseCode::kIdentityMismatch);  // [26]
  const ByteView sac_prefix = body.first(body.size() - mac_length(p));
  Bytes sac0;
  if (p == Profile::kLegacy) {
    sac0 = *sac0_legacy_;
  } else {  // SAC_0 covers the answer, so it is computed now (REQ-CRYPTO-033, errata E-5)
    auto computed = profile::sac(p, *hs_keys_, s_data_, transcript_.th_sac(sac_prefix));
    if (!computed.ok()) return fail_with(computed.error());
    sac0 = std::move(computed).value();
  }
  note("SAC_0", sac0, "REQ-HS-031");
  // REQ-SEC-001: the terminal is authenticated only by a SAC over this session's own S_DATA.
  if (!crypto::ct_equal(sac0, m->sac1)) return fail_with(ResponseCode::kTerminalAuthFailed);  // [12]

  // [25] REQ-OPR-004, REQ-OPR-005: every operator failure is the same code.
  if (unattended) {
    if (request_.trans == TransCode::kKeyDownload || !ports_.registry.unattended_allowed(request_.id)) {
      return fail_with(ResponseCode::kOperatorAuthFailed);
    }
  } else if (!operator_check_passes(m->operator_proof)) {
    return fail_with(ResponseCode::kOperatorAuthFailed);
  }
  transcript_.hs_auth_answer.assign(body.begin(), body.end());

  // REQ-KEY-013: the key set may have been withdrawn since S1; checked before any key is wrapped.
  const std::vector<KeySetSlot>* set = nullptr;
  if (request_.trans == TransCode::kKeyDownload) {
    set = ports_.registry.key_set(request_.id, request_.key_set_id);
    if (set == nullptr) return fail_with(ResponseCode::kUnknownKeySet);  // [15]
    // REQ-KEY-014: no key leaves wrapped under a weaker one, whatever the registry holds.
    for (const KeySetSlot& s : *set) {
      if (!profile::can_deliver(p, s.rule)) return fail_with(ResponseCode::kInternalError);  // [96]
      // REQ-KEY-039: nor a key of a slot whose rule the registry does not allow.
      if (profile::check_slot_rule(s.slot, s.rule) != profile::SlotRuleCheck::kAllowed) {
        return fail_with(ResponseCode::kInternalError);  // [96]
      }
    }
  }

  // REQ-KEY-010: the DSK in slot 0, then the key set for a key download.
  const crypto::SecretBytes dsk = profile::generate_key(p, ports_.rng);
  codec::KeyMessage km;
  km.id = request_.id;
  km.trans = request_.trans;
  const profile::SlotRule dsk_rule = profile::dsk_rule(p);
  auto dsk_block = profile::wrap_key(p, *hs_keys_, dsk_rule, dsk.view(), ports_.rng);
  auto dsk_kcv = profile::key_check_value(dsk_rule.algorithm, dsk.view());
  if (!dsk_block.ok() || !dsk_kcv.ok()) return fail_with(ResponseCode::kInternalError);
  km.entries.push_back({codec::kDskSlot, std::move(dsk_kcv).value(), std::move(dsk_block).value()});
  if (set != nullptr) {
    for (const KeySetSlot& s : *set) {
      // REQ-KEY-006, REQ-KEY-011: the custody wraps the key; the engine never holds it in clear.
      auto entry = ports_.custody.wrap_key_set_key(request_.id, request_.key_set_id, s, p, *hs_keys_, ports_.rng);
      if (!entry.ok()) return fail_with(ResponseCode::kInternalError);  // [96]
      km.entries.push_back(std::move(entry).value());
    }
  }
  km.key_mac.assign(mac_length(p), 0x00);
  Bytes out = codec::serialize(km);
  const ByteView prefix = ByteView(out).first(out.size() - mac_length(p));
  auto mac = profile::key_mac(p, *hs_keys_, prefix, transcript_.th_key(prefix));  // REQ-KEY-012
  if (!mac.ok()) return fail_with(mac.error());
  std::copy(mac->begin(), mac->end(), out.end() - static_cast<std::ptrdiff_t>(mac_length(p)));
  auto dl = profile::derive_download_keys(p, dsk.view(), request_.t_data, s_data_);
  if (!dl.ok()) return fail_with(dl.error());
  channel_.emplace(p, std::move(dl).value(), request_.id, profile::Direction::kTmsToTerminal, config_.tdes_block_limit);
  hs_keys_.reset();
  operator_.reset();  // REQ-KEY-024: the OPV goes with the handshake
  send(std::move(out));
  key_message_sent_ = true;  // REQ-TMS-004: only here, after every check of S2
  // REQ-HS-003: the transaction code alone decides the flow.
  state_ = State::S_WAIT_TERM_INFO;  // REQ-DL-040: the terminal's report comes first
}

}  // namespace tmsproto::tms
