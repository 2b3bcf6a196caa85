// Rows T5-T9 of spec/09-terminal-states.md: the terminal's side of the download phase (patent
// figure 5, steps 515-521) with breakpoint resume (REQ-DL-020) and atomic apply (REQ-DL-030).
#include <algorithm>
#include <optional>
#include <string>

#include "codec/download_payloads.h"
#include "crypto/digest.h"
#include "crypto/secret.h"
#include "crypto/signature.h"
#include "session/download_math.h"
#include "terminal/session.h"

namespace tmsproto::terminal {

using codec::Section;
using session::data_piece_count;
using session::piece_count;
using session::piece_length;

bool Session::send_sealed(MsgType type, ByteView payload) {
  auto body = channel_->seal(type, payload);  // REQ-DL-001
  if (!body.ok()) {
    fail_with(body.error());  // ABORT with the seal error, 24 at the TDES bound (REQ-CRYPTO-026)
    return false;
  }
  send(std::move(body).value());
  out_.cleartexts.push_back({type, Bytes(payload.begin(), payload.end())});
  return true;
}

// Section 9.2's envelope checks, in order (session::SecureChannel::open); the caller parses the
// payload [01].
std::optional<Bytes> Session::open_envelope(ByteView body) {
  // fault skip-envelope-mac violates REQ-MSG-070, fault accept-any-seq REQ-DL-002 (in
  // SecureChannel::open, where the MAC and the SEQ are checked)
  auto payload = channel_->open(body, !has(Fault::kSkipEnvelopeMac), !has(Fault::kAcceptAnySeq));  // REQ-DL-001
  if (!payload.ok()) {
    fail_with(payload.error());
    return std::nullopt;
  }
  return std::move(payload).value();
}

namespace {

// REQ-DL-061: the key that may verify this manifest — the vendor's for FORMAT 0x01, the pinned key
// SIGNER_ID names for FORMAT 0x02 when that signer may sign the KIND — or nullptr when none may.
const Bytes* signer_key(const Config& config, const codec::Manifest& m) {
  if (!m.scope) return &config.vendor_public_key;
  const auto it = config.signers.find(m.scope->signer_id);  // REQ-DL-060: pinned at installation
  if (it == config.signers.end()) return nullptr;  // REQ-DL-061: SIGNER_ID not pinned
  const auto& kinds = it->second.kinds;
  if (std::find(kinds.begin(), kinds.end(), m.kind) == kinds.end()) return nullptr;  // REQ-DL-061: KIND not allowed
  return &it->second.public_key;
}

}  // namespace

// T5 / T6 — REQ-DL-010, REQ-DL-020, REQ-DL-021; FORMAT 0x02: REQ-DL-061 to REQ-DL-064.
void Session::t5_t6_pkg_confirm(ByteView body) {
  auto payload = open_envelope(body);
  if (!payload) return;
  auto confirm = codec::parse_pkg_confirm(*payload);
  if (!confirm.ok()) return fail_with(confirm.error().code);  // [01] REQ-MSG-071
  std::optional<std::string> offered_master;
  for (const codec::Offer& offer : confirm->offers) {
    // REQ-SEC-006, REQ-SEC-016: packages are authenticated end to end by their signer — the vendor,
    // or a signer pinned for the KIND — whatever the TMS does.
    const auto& m = offer.manifest;
    const Bytes* key = signer_key(config_, m);  // REQ-DL-061
    if (key == nullptr) return fail_with(ResponseCode::kSignatureInvalid);  // [19] unknown signer, or KIND not allowed
    const Bytes manifest = codec::serialize(m);  // REQ-MSG-003: the octets received
    // fault skip-signature-check violates REQ-DL-010
    if (!crypto::ecdsa_p256_verify(*key, manifest, offer.signature).ok() && !has(Fault::kSkipSignatureCheck)) {
      return fail_with(ResponseCode::kSignatureInvalid);  // [19] REQ-DL-010
    }
    // fault skip-model-check violates REQ-DL-010
    if ((m.vendor_id != config_.id.vendor_id || m.model_id != config_.id.model_id) && !has(Fault::kSkipModelCheck)) {
      return fail_with(ResponseCode::kManifestNotForTerminal);  // [27] REQ-DL-010
    }
    if (m.kind == codec::PackageKind::kMaster) {
      // [27] REQ-DL-052: one master application — the installed one's NAME, or with none installed
      // the NAME of this PKG_CONFIRM's first KIND M offer.
      if (!installed_master_named(m.name) || (offered_master && *offered_master != m.name)) {
        return fail_with(ResponseCode::kManifestNotForTerminal);
      }
      offered_master = m.name;
    }
    if (m.scope && !codec::targets(*m.scope, config_.id.serial_no)) {
      return fail_with(ResponseCode::kManifestNotForTerminal);  // [27] REQ-DL-062
    }
    if (m.scope && codec::seconds_since_2000(m.scope->not_after) < codec::seconds_since_2000(ports_.clock.now_utc())) {
      return fail_with(ResponseCode::kManifestExpired);  // [29] REQ-DL-063
    }
    // REQ-DL-064: one version line per (KIND, NAME), whoever signed what is installed; REQ-DL-052:
    // for the master application also a version waiting to start or one that failed to.
    // fault skip-version-check violates REQ-DL-064 (and REQ-DL-010's rollback check)
    if (m.version <= version_floor(m) && !has(Fault::kSkipVersionCheck)) {
      return fail_with(ResponseCode::kRollbackRefused);  // [20] REQ-SEC-007
    }
    if (m.chunk_size > config_.max_chunk) return fail_with(ResponseCode::kMalformed);  // [01]
  }
  offers_.clear();
  for (const codec::Offer& offer : confirm->offers) {
    OfferState s;
    s.manifest = offer.manifest;
    s.id = crypto::sha256(codec::serialize(offer.manifest));  // REQ-DL-064: whole MANIFEST, scope included
    ports_.packages.keep_only(s.manifest, s.id);  // REQ-DL-020
    if (auto fit = ports_.packages.staged_fit(s.id)) {
      // REQ-DL-025: storage may have changed since the FIT was staged; every later piece is
      // checked against it, so it is checked against the signed FIT_DIGEST first.
      if (!crypto::ct_equal(crypto::sha256(*fit), s.manifest.fit_digest)) {
        ports_.packages.discard(s.id);
        return fail_with(ResponseCode::kIntegrityFailed);  // [18]
      }
      s.fit = std::move(*fit);
      s.fit_ready = true;
      s.resumed = true;  // REQ-DL-020
    }
    note("manifest " + s.manifest.name + " v" + std::to_string(s.manifest.version), s.id, "REQ-DL-010");
    offers_.push_back(std::move(s));
  }
  if (auto next = next_request()) {  // T5
    request(*next);
    state_ = State::T_WAIT_FRAME;
  } else {  // T6 (REQ-DL-033: nothing to fetch, COUNT 0 included, ends at once)
    apply_and_end();
  }
}

// REQ-DL-052: whether the installed master application is (KIND M, name).
bool Session::installed_master_named(const std::string& name) {
  for (const codec::InstalledPackage& p : ports_.packages.installed()) {
    if (p.kind == codec::PackageKind::kMaster && p.version != 0) return p.name == name;
  }
  return true;  // none installed: the first master application may have any name
}

// REQ-DL-010: an offer must exceed the installed version; REQ-DL-052: for the master application
// also a version waiting for the next start or one that failed to start.
std::uint32_t Session::version_floor(const codec::Manifest& m) {
  const std::uint32_t installed = ports_.packages.installed_version(m.kind, m.name);
  if (m.kind != codec::PackageKind::kMaster) return installed;
  return codec::master_version_floor(installed, ports_.packages.master_app());
}

// REQ-DL-021: offers in order; the FIT first, then DATA pieces not held, each in increasing order.
// REQ-SEC-008: a resume starts only from pieces staged after verification against the signed FIT.
std::optional<Session::Pending> Session::next_request() {
  for (std::size_t i = 0; i < offers_.size(); ++i) {  // REQ-DL-021: offers in PKG_INDEX order
    OfferState& s = offers_[i];
    const auto pkg = static_cast<std::uint8_t>(i);
    if (!s.fit_ready) {  // REQ-DL-021: the FIT first
      return Pending{pkg, Section::kFit, static_cast<std::uint32_t>(s.fit.size() / s.manifest.chunk_size)};
    }
    const std::uint32_t n = data_piece_count(s.manifest);
    // fault refetch-held-pieces violates REQ-DL-020: the pieces held are not skipped
    while (s.next_data < n && ports_.packages.has_piece(s.id, s.next_data) && !has(Fault::kRefetchHeldPieces)) {
      ++s.next_data;  // resume, REQ-SEC-008
    }
    // fault resume-one-piece-late violates REQ-DL-021: on a resumed manifest the resume offset is
    // one past the first DATA piece not held, which is never requested
    if (s.resumed && s.next_data < n && has(Fault::kResumeOnePieceLate)) ++s.next_data;
    s.resumed = false;
    if (s.next_data < n) return Pending{pkg, Section::kData, s.next_data};  // REQ-DL-021
  }
  return std::nullopt;
}

void Session::request(const Pending& p) {
  pending_ = p;
  if (!send_sealed(MsgType::kFrameRequest, codec::serialize(codec::FrameRequest{p.pkg, p.section, p.piece}))) return;
}

// T7 / T8 — REQ-DL-023, REQ-MSG-100.
void Session::t7_t8_frame_response(ByteView body) {
  auto payload = open_envelope(body);
  if (!payload) return;
  auto r = codec::parse_frame_response(*payload);
  if (!r.ok()) return fail_with(r.error().code);  // [01] REQ-MSG-071
  if (has(Fault::kAcceptOtherPiece)) {  // fault accept-other-piece violates REQ-MSG-100: coordinates not read
    r->pkg_index = pending_.pkg;
    r->section = pending_.section;
    r->piece = pending_.piece;
  }
  if (r->pkg_index != pending_.pkg || r->section != pending_.section || r->piece != pending_.piece) {
    return fail_with(ResponseCode::kMalformed);  // [01] not the outstanding request
  }
  OfferState& s = offers_[pending_.pkg];
  if (r->data.size() != piece_length(s.manifest, r->section, r->piece)) {
    return fail_with(ResponseCode::kMalformed);  // [01] REQ-DL-013
  }
  if (r->section == Section::kFit) {
    s.fit.insert(s.fit.end(), r->data.begin(), r->data.end());
    if (r->piece + 1 == piece_count(s.manifest, Section::kFit)) {
      const auto digest = crypto::sha256(s.fit);
      note("SHA-256(FIT)", digest, "REQ-DL-012");
      if (!crypto::ct_equal(digest, s.manifest.fit_digest)) {
        s.fit.clear();  // REQ-DL-023: an unverified FIT never survives
        return fail_with(ResponseCode::kIntegrityFailed);  // [18]
      }
      ports_.packages.stage_fit(s.id, s.fit);
      s.fit_ready = true;
    }
  } else {
    const auto digest = crypto::sha256(r->data);
    const ByteView expected = ByteView(s.fit).subspan(std::size_t{r->piece} * 32, 32);
    // fault skip-piece-digest violates REQ-DL-023
    if (!crypto::ct_equal(digest, expected) && !has(Fault::kSkipPieceDigest)) {
      return fail_with(ResponseCode::kIntegrityFailed);  // [18]
    }
    ports_.packages.stage_piece(s.id, r->piece, r->data);  // REQ-DL-024, REQ-TERM-004: persisted outside
    s.next_data = r->piece + 1;
  }
  if (auto next = next_request()) {  // T7
    request(*next);
  } else {  // T8
    apply_and_end();
  }
}

// Rows T6 and T8: whole-package digests, then atomic apply in PKG_INDEX order (REQ-DL-030); a
// failure here is reported in SESSION_END, authenticated, not in ABORT (REQ-ERR-002). Packages are
// applied only here, after every check of the rows (REQ-TERM-002).
void Session::apply_and_end() {
  // Every package's digest before any apply: REQ-DL-030 checks them all, then applies, so a bad
  // package later in PKG_INDEX order leaves the earlier ones unapplied too.
  for (const OfferState& s : offers_) {
    crypto::Sha256 hash;
    const std::uint32_t n = data_piece_count(s.manifest);
    bool complete = true;
    for (std::uint32_t i = 0; i < n && complete; ++i) {
      auto piece = ports_.packages.read_piece(s.id, i);
      if (!piece) complete = false;
      else hash.update(*piece);
    }
    const auto digest = hash.finish();
    note("SHA-256(" + s.manifest.name + ")", digest, "REQ-DL-030");
    if (!complete || !crypto::ct_equal(digest, s.manifest.pkg_digest)) {
      ports_.packages.discard(s.id);
      // REQ-DL-041: the refused apply is the last attempt of its (KIND, NAME), LAST_APPLY 18
      ports_.packages.record_refused_apply(s.manifest);
      return end_with(ResponseCode::kIntegrityFailed);
    }
  }
  // REQ-DL-031: apply() records the new VERSION as installed for (KIND, NAME); then SESSION_END
  // carries the outcome, and the connection closes on SESSION_END_ACK (T9).
  for (const OfferState& s : offers_) {
    // REQ-SEC-009, REQ-TERM-004: the package store applies atomically and persists the version.
    if (!ports_.packages.apply(s.manifest, s.id).ok()) return end_with(ResponseCode::kApplyFailed);
    ++packages_applied_;
  }
  end_with(ResponseCode::kSuccess);
}

void Session::end_with(ResponseCode result) {
  end_result_ = result;
  if (!send_sealed(MsgType::kSessionEnd, codec::serialize(codec::SessionEnd{result}))) return;
  state_ = State::T_WAIT_END_ACK;
}

// T9 — REQ-DL-031: close on SESSION_END_ACK.
void Session::t9_end_ack(ByteView body) {
  auto payload = open_envelope(body);
  if (!payload) return;
  auto ack = codec::parse_session_end(*payload);
  if (!ack.ok() || ack->result != ResponseCode::kSuccess) return fail_with(ResponseCode::kMalformed);  // [01]
  out_.close = true;
  channel_.reset();  // REQ-KEY-024
  if (end_result_ == ResponseCode::kSuccess) {
    state_ = State::T_DONE;
  } else {
    state_ = State::T_FAILED;
    failure_ = Failure{end_result_, true};
  }
}

}  // namespace tmsproto::terminal
