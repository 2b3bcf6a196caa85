#include "conformance/runner/session_checks.h"

#include "codec/download_payloads.h"

namespace tmsproto::conformance {
namespace {

std::string piece_text(const codec::FrameRequest& r) {
  return std::string(r.section == codec::Section::kFit ? "FIT" : "DATA") + " piece " + std::to_string(r.piece) +
         " of package " + std::to_string(r.pkg_index);
}

// The terminal's enveloped messages of `type`, as the suite decrypted them when they came; a body
// that did not open is left out (the envelope checks are the TMS engine's, which ends such a
// session itself).
std::vector<Bytes> payloads(const std::vector<WireMessage>& wire, MsgType type) {
  std::vector<Bytes> out;
  for (const auto& m : wire) {
    if (!m.from_terminal || m.body.empty() || m.body[0] != static_cast<std::uint8_t>(type)) continue;
    if (m.payload) out.push_back(*m.payload);
  }
  return out;
}

}  // namespace

std::optional<Mismatch> check_requests(const Expectation& e, const std::vector<WireMessage>& wire) {
  if (e.announces) {
    // REQ-CONF-024 with REQ-DL-031 (an applied version is recorded as installed) and REQ-DL-023,
    // REQ-DL-034 (a refused or interrupted package leaves the installed version as it was).
    const auto announces = payloads(wire, MsgType::kPkgAnnounce);
    const std::string expected = *e.announces == 0
                                     ? std::string("PKG_ANNOUNCE without ") + kPackageName
                                     : std::string("PKG_ANNOUNCE listing ") + kPackageName + " version " +
                                           std::to_string(*e.announces);
    if (announces.empty()) return Mismatch{expected, "no PKG_ANNOUNCE the suite could open"};
    auto a = codec::parse_pkg_announce(announces.front());
    if (!a.ok()) return Mismatch{expected, "a PKG_ANNOUNCE that does not parse"};
    std::uint32_t listed = 0;
    for (const auto& p : a->installed) {
      if (p.kind == codec::PackageKind::kApplication && p.name == kPackageName) listed = p.version;
    }
    if (listed != *e.announces) {
      return Mismatch{expected, listed == 0 ? std::string("PKG_ANNOUNCE without ") + kPackageName
                                            : std::string("PKG_ANNOUNCE listing ") + kPackageName + " version " +
                                                  std::to_string(listed)};
    }
  }
  if (e.first_request || e.requests) {
    // REQ-CONF-024 with REQ-DL-020 and REQ-DL-021: after a cut, only the pieces not yet held, in
    // order, so the first request names the first piece the earlier session did not stage.
    std::vector<codec::FrameRequest> requests;
    for (const auto& p : payloads(wire, MsgType::kFrameRequest)) {
      auto r = codec::parse_frame_request(p);
      if (r.ok()) requests.push_back(*r);
    }
    if (e.first_request) {
      const std::string expected = "the first FRAME_REQUEST asks for " + piece_text(*e.first_request);
      if (requests.empty()) return Mismatch{expected, "no FRAME_REQUEST"};
      if (!(requests.front() == *e.first_request)) return Mismatch{expected, "it asks for " + piece_text(requests.front())};
    }
    if (e.requests && requests.size() != *e.requests) {
      return Mismatch{std::to_string(*e.requests) + " FRAME_REQUESTs (the pieces it does not hold)",
                      std::to_string(requests.size()) + " FRAME_REQUESTs"};
    }
  }
  return std::nullopt;
}

}  // namespace tmsproto::conformance
