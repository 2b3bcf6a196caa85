// Rows S3-S6 of spec/10-tms-states.md: serving the download through the vendor's standard
// interface (claims 7-10, 17, 18; patent steps 516-520).
#include <map>
#include <utility>

#include "codec/download_payloads.h"
#include "session/download_math.h"
#include "tms/session.h"

namespace tmsproto::tms {

using codec::Section;

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

// Envelope checks in the order of section 9.2 (session::SecureChannel::open).
std::optional<Bytes> Session::open_envelope(ByteView body) {
  auto payload = channel_->open(body);  // REQ-DL-001
  if (!payload.ok()) {
    fail_with(payload.error());
    return std::nullopt;
  }
  return std::move(payload).value();
}

namespace {

// REQ-DL-011: newer than installed, for this vendor and model (and, FORMAT 0x02, this serial and
// not expired), pieces the terminal accepts; the highest version per (KIND, NAME); at most 8, in
// the interface's order. `valid_until_s`: the TMS's clock plus the freshness window (REQ-DL-065).
std::vector<codec::Offer> select_offers(const std::vector<codec::Offer>& candidates,
                                        const codec::PkgAnnounce& announce, const codec::Identity& id,
                                        std::int64_t valid_until_s) {
  std::map<std::pair<codec::PackageKind, std::string>, std::uint32_t> installed;
  for (const auto& p : announce.installed) installed[{p.kind, p.name}] = p.version;
  std::vector<codec::Offer> chosen;
  for (const codec::Offer& o : candidates) {
    const auto& m = o.manifest;
    const auto key = std::make_pair(m.kind, m.name);
    const auto it = installed.find(key);
    if (it != installed.end() && m.version <= it->second) continue;  // REQ-DL-011
    if (m.vendor_id != id.vendor_id || m.model_id != id.model_id) continue;  // REQ-DL-011
    if (m.chunk_size > announce.max_chunk) continue;  // REQ-DL-011
    if (m.scope && !codec::targets(*m.scope, id.serial_no)) continue;  // REQ-DL-011: another terminal's
    if (m.scope && codec::seconds_since_2000(m.scope->not_after) < valid_until_s) continue;  // REQ-DL-065
    bool replaced = false;
    for (auto& c : chosen) {
      if (c.manifest.kind == m.kind && c.manifest.name == m.name) {
        if (m.version > c.manifest.version) c = o;  // REQ-DL-011: the highest version
        replaced = true;
      }
    }
    if (!replaced && chosen.size() < codec::kMaxOffers) chosen.push_back(o);
  }
  return chosen;
}

}  // namespace

// S3 — REQ-DL-011, REQ-TMS-020 to REQ-TMS-022.
void Session::s3_pkg_announce(ByteView body) {
  auto payload = open_envelope(body);
  if (!payload) return;
  auto announce = codec::parse_pkg_announce(*payload);
  if (!announce.ok()) return fail_with(announce.error().code);  // [01] REQ-MSG-071
  vendor_ = ports_.vendors.find(request_.id.vendor_id);  // one interface per vendor database, REQ-TMS-020
  if (vendor_ == nullptr) return fail_with(ResponseCode::kInternalError);  // [96]
  // REQ-DL-066: FORMAT 0x02 files too come only through this vendor's one interface.
  auto candidates = vendor_->offers(request_.id.model_id, request_.id.serial_no, announce->installed);  // REQ-TMS-020, REQ-TMS-021, REQ-DL-066
  if (!candidates.ok()) return fail_with(ResponseCode::kInternalError);  // [96] REQ-TMS-022
  // REQ-DL-065: a terminal that passed REQ-HS-012 has a clock at most one window ahead of ours.
  const std::int64_t valid_until_s = codec::seconds_since_2000(ports_.clock.now_utc()) + config_.freshness_window_s;
  offers_ = select_offers(*candidates, *announce, request_.id, valid_until_s);
  frame_budget_ = 16;  // REQ-SEC-010: the pieces offered, FIT included, plus 16
  for (const auto& o : offers_) {
    frame_budget_ += session::piece_count(o.manifest, Section::kFit) + session::piece_count(o.manifest, Section::kData);
    audit_.offered.push_back(std::string(1, static_cast<char>(o.manifest.kind)) + " " + o.manifest.name + " v" +
                             std::to_string(o.manifest.version));
  }
  if (!send_sealed(MsgType::kPkgConfirm, codec::serialize(codec::PkgConfirm{offers_}))) return;
  state_ = State::S_SERVING;
}

// S4 — REQ-DL-022.
void Session::s4_frame_request(ByteView body) {
  auto payload = open_envelope(body);
  if (!payload) return;
  auto q = codec::parse_frame_request(*payload);
  if (!q.ok()) return fail_with(q.error().code);  // [01] REQ-MSG-071
  if (q->pkg_index >= offers_.size()) return fail_with(ResponseCode::kPackageNotOffered);  // [16], REQ-DL-022
  const codec::Manifest& m = offers_[q->pkg_index].manifest;
  if (q->piece >= session::piece_count(m, q->section)) return fail_with(ResponseCode::kPieceOutOfRange);  // [17], REQ-DL-022
  if (frame_budget_ == 0) return fail_with(ResponseCode::kResourceLimit);  // [24]
  --frame_budget_;
  auto data = vendor_->piece(m, q->section, q->piece);  // through the standard interface, REQ-DL-022, REQ-TMS-021
  if (!data.ok() || data->size() != session::piece_length(m, q->section, q->piece)) {
    return fail_with(ResponseCode::kInternalError);  // [96]
  }
  codec::FrameResponse r{q->pkg_index, q->section, q->piece, std::move(data).value()};  // REQ-DL-022
  if (!send_sealed(MsgType::kFrameResponse, codec::serialize(r))) return;
  ++frames_served_;
}

// S5 / S6 — REQ-DL-032, REQ-KEY-023.
void Session::s5_s6_session_end(ByteView body) {
  auto payload = open_envelope(body);
  if (!payload) return;
  auto end = codec::parse_session_end(*payload);
  if (!end.ok()) return fail_with(end.error().code);  // [01]
  // REQ-DL-035: a program download ends 00, 18 or 22 (REQ-DL-030); a key download 00 (REQ-KEY-022).
  const ResponseCode r = end->result;
  const bool key_download = state_ == State::S_WAIT_SESSION_END;
  const bool allowed = r == ResponseCode::kSuccess ||
                       (!key_download && (r == ResponseCode::kIntegrityFailed || r == ResponseCode::kApplyFailed));
  if (!allowed) return fail_with(ResponseCode::kMalformed);  // [01]
  audit_.terminal_result = r;  // REQ-DL-032
  if (state_ == State::S_WAIT_SESSION_END && end->result == ResponseCode::kSuccess) {
    // S6, REQ-KEY-023; REQ-KEY-026: only on a confirmed 00, so a lost SESSION_END leaves the key
    // set recorded as not delivered and a repeated key download reconciles the two sides.
    ports_.registry.key_set_delivered(request_.id, request_.key_set_id);
  }
  if (!send_sealed(MsgType::kSessionEndAck, codec::serialize(codec::SessionEnd{ResponseCode::kSuccess}))) return;  // REQ-DL-032
  out_.close = true;
  state_ = State::S_DONE;
  finish(ResponseCode::kSuccess);
}

}  // namespace tmsproto::tms
