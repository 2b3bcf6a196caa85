// Rows S13 and S3-S6 of spec/10-tms-states.md: serving the download through the vendor's standard
// interface (claims 7-10, 17, 18; patent steps 516-520).
#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "codec/download_payloads.h"
#include "codec/terminal_info.h"
#include "crypto/digest.h"
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
// REQ-DL-044, REQ-DL-052: the master application only under its installed name and above its floor.
std::vector<codec::Offer> select_offers(const std::vector<codec::Offer>& candidates,
                                        const codec::PkgAnnounce& announce, const codec::TerminalInfo& report,
                                        const codec::Identity& id, std::int64_t valid_until_s) {
  std::map<std::pair<codec::PackageKind, std::string>, std::uint32_t> installed;
  std::optional<std::string> master_name;
  for (const auto& p : announce.installed) {
    installed[{p.kind, p.name}] = p.version;
    if (p.kind == codec::PackageKind::kMaster) master_name = p.name;
  }
  std::vector<codec::Offer> chosen;
  for (const codec::Offer& o : candidates) {
    const auto& m = o.manifest;
    const auto key = std::make_pair(m.kind, m.name);
    const auto it = installed.find(key);
    std::uint32_t floor = it != installed.end() ? it->second : 0;
    if (m.kind == codec::PackageKind::kMaster) {
      if (master_name && m.name != *master_name) continue;  // REQ-DL-052: one master application
      floor = codec::master_version_floor(floor, report.master_app);  // REQ-DL-052
    }
    if (m.version <= floor) continue;  // REQ-DL-011
    // REQ-DL-011, REQ-TMS-027: another vendor's manifest is never offered, whatever its database says.
    if (m.vendor_id != id.vendor_id || m.model_id != id.model_id) continue;
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
    if (!replaced && chosen.size() < codec::kMaxOffers) {
      chosen.push_back(o);
      // REQ-DL-052: with none installed, the first master application kept fixes the NAME.
      if (m.kind == codec::PackageKind::kMaster) master_name = m.name;
    }
  }
  return chosen;
}

}  // namespace

// S13 — REQ-DL-040, REQ-DL-042: the terminal's information upload; nothing is answered.
void Session::s13_term_info(ByteView body) {
  auto payload = open_envelope(body);
  if (!payload) return;
  auto info = codec::parse_terminal_info(*payload);
  if (!info.ok()) return fail_with(info.error().code);  // [01] REQ-MSG-071, REQ-MSG-120 to REQ-MSG-122
  const auto now = codec::seconds_since_2000(ports_.clock.now_utc());
  // REQ-DL-042: stored before the next message of the session is processed.
  if (!ports_.reports.record(request_.id, *info, now).ok()) return fail_with(ResponseCode::kInternalError);  // [96]
  note("TERM_INFO stored, SHA-256", crypto::sha256(*payload), "REQ-DL-042");
  report_ = std::move(info).value();
  state_ = request_.trans == TransCode::kKeyDownload ? State::S_WAIT_SESSION_END : State::S_WAIT_PKG_ANNOUNCE;
}

// S3 — REQ-DL-011, REQ-DL-043, REQ-TMS-020 to REQ-TMS-024.
void Session::s3_pkg_announce(ByteView body) {
  auto payload = open_envelope(body);
  if (!payload) return;
  auto announce = codec::parse_pkg_announce(*payload);
  if (!announce.ok()) return fail_with(announce.error().code);  // [01] REQ-MSG-071
  // REQ-DL-043: one account of what the terminal has installed.
  if (announce->installed != report_->packages) return fail_with(ResponseCode::kMalformed);  // [01]
  vendor_ = ports_.vendors.find(request_.id.vendor_id);  // one interface per vendor database, REQ-TMS-020
  // REQ-TMS-023: no usable interface of this vendor.
  if (vendor_ == nullptr || vendor_->interface_version() != kVendorInterfaceVersion) {
    return fail_with(ResponseCode::kInternalError);  // [96]
  }
  audit_.served_by = request_.id.vendor_id;  // REQ-TMS-026
  ++audit_.offers_calls;
  // REQ-TMS-024: the session's own VENDOR_ID, model, serial, installed packages and report;
  // REQ-DL-066: FORMAT 0x02 files too come only through this vendor's one interface.
  auto candidates = vendor_->offers(tms::OffersQuery{request_.id.vendor_id, request_.id.model_id,  // REQ-TMS-021
                                                     request_.id.serial_no, announce->installed,
                                                     *report_});  // REQ-DL-044: with the session's report
  if (!candidates.ok()) {
    // REQ-TMS-024: a terminal its vendor does not know is not served; an outage is 96 (REQ-TMS-022).
    return fail_with(candidates.error() == VendorError::kNotFound ? ResponseCode::kTerminalNotServed
                                                                  : ResponseCode::kInternalError);
  }
  // REQ-DL-065: a terminal that passed REQ-HS-012 has a clock at most one window ahead of ours.
  const std::int64_t valid_until_s = codec::seconds_since_2000(ports_.clock.now_utc()) + config_.freshness_window_s;
  offers_ = select_offers(*candidates, *announce, *report_, request_.id, valid_until_s);  // REQ-DL-044, REQ-DL-011
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
  ++audit_.piece_calls;  // REQ-TMS-026: charged to the session's vendor
  // REQ-DL-022, REQ-TMS-025: through the standard interface of the session's own vendor.
  auto data = vendor_->piece(tms::PieceQuery{request_.id.vendor_id, m, q->section, q->piece});
  if (!data.ok() || data->size() != session::piece_length(m, q->section, q->piece)) {
    return fail_with(ResponseCode::kInternalError);  // [96] REQ-TMS-025: none of it is sent
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
