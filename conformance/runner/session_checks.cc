#include "conformance/runner/session_checks.h"

#include <algorithm>
#include <array>

#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"
#include "common/hex.h"

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


// The keys the suite's KEY_MESSAGE in `wire` delivered (the DSK left out, REQ-KEY-020), as the
// slots and KCVs it sent them with, in slot order; nullopt when there was no KEY_MESSAGE the suite
// could read in the session's profile (taken from its HS_AUTH_REQUEST).
std::optional<std::vector<codec::HeldKey>> delivered_keys(const std::vector<WireMessage>& wire) {
  std::optional<Profile> profile;
  for (const auto& m : wire) {
    if (m.from_terminal || m.body.empty()) continue;
    if (m.body[0] == static_cast<std::uint8_t>(MsgType::kHsAuthRequest)) {
      if (auto a = codec::parse_hs_auth_request(m.body); a.ok()) profile = a->profile;
    }
    if (m.body[0] != static_cast<std::uint8_t>(MsgType::kKeyMessage) || !profile) continue;
    auto k = codec::parse_key_message(m.body, *profile);
    if (!k.ok()) continue;
    std::vector<codec::HeldKey> keys;
    for (const auto& e : k->entries) {
      if (e.slot != codec::kDskSlot) keys.push_back({e.slot, e.kcv});
    }
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.slot < b.slot; });
    return keys;
  }
  return std::nullopt;
}

std::string keys_text(const std::vector<codec::HeldKey>& keys) {
  if (keys.empty()) return "no KEY_SLOT";
  std::string out = "KEY_SLOT";
  for (const auto& k : keys) out += " " + std::to_string(k.slot) + " (KCV " + to_hex(k.kcv) + ")";
  return out;
}

std::string packages_text(const std::vector<codec::InstalledPackage>& packages) {
  if (packages.empty()) return "none";
  std::string out;
  for (const auto& p : packages) {
    out += (out.empty() ? "" : ", ") + std::string(1, static_cast<char>(p.kind)) + " " + p.name + " version " +
           std::to_string(p.version);
  }
  return out;
}

std::string last_apply_text(const codec::LastApply& a) {
  return "LAST_APPLY " + a.package.name + " version " + std::to_string(a.package.version) + " RESULT " +
         digits(a.result);
}

// The T_RAND of the session's HS_REQUEST, or nullopt.
std::optional<std::array<std::uint8_t, 8>> t_rand(const std::vector<WireMessage>& wire) {
  for (const auto& m : wire) {
    if (!m.from_terminal || m.body.empty() || m.body[0] != static_cast<std::uint8_t>(MsgType::kHsRequest)) continue;
    auto r = codec::parse_hs_request(m.body);
    if (r.ok()) return r->t_data.random;
  }
  return std::nullopt;
}

// REQ-CONF-024 with REQ-DL-041: the TERM_INFO checks of `e`.
std::optional<Mismatch> check_term_info(const Expectation& e, const std::vector<WireMessage>& wire,
                                        const std::vector<std::vector<WireMessage>>& earlier) {
  const bool wanted = e.holds_keys_of || e.holds_no_keys_of || e.last_apply || e.packages_as_announced || e.master_app;
  if (!wanted) return std::nullopt;
  const auto infos = payloads(wire, MsgType::kTermInfo);
  if (infos.empty()) return Mismatch{"a TERM_INFO (REQ-DL-040)", "no TERM_INFO the suite could open"};
  auto info = codec::parse_terminal_info(infos.front());
  if (!info.ok()) return Mismatch{"a TERM_INFO of REQ-MSG-120 to REQ-MSG-122", "a TERM_INFO that does not parse"};
  std::vector<codec::HeldKey> held = info->key_slots;
  std::sort(held.begin(), held.end(), [](const auto& a, const auto& b) { return a.slot < b.slot; });
  for (const auto& [session, exact] : {std::pair{e.holds_keys_of, true}, {e.holds_no_keys_of, false}}) {
    if (!session) continue;
    if (*session > earlier.size()) {
      return Mismatch{"the keys of session " + std::to_string(*session + 1), "the scenario has no such session"};
    }
    // This session's own KEY_MESSAGE when it names this session: a key download reports the keys it
    // has just stored (REQ-DL-041).
    const auto delivered = delivered_keys(*session == earlier.size() ? wire : earlier[*session]);
    if (!delivered) {
      return Mismatch{"the keys of session " + std::to_string(*session + 1),
                      "that session has no KEY_MESSAGE the suite could read"};
    }
    if (exact) {
      // REQ-DL-041, REQ-CRYPTO-009: a KEY_SLOT for every slot delivered, with the KCV of the key
      // delivered; other slots (keys its device holds beside the table's) are its own affair.
      for (const auto& d : *delivered) {
        const bool found = std::find(held.begin(), held.end(), d) != held.end();
        if (!found) {
          return Mismatch{"TERM_INFO with " + keys_text(*delivered) + " (the keys of session " +
                              std::to_string(*session + 1) + ")",
                          "TERM_INFO with " + keys_text(held)};
        }
      }
    }
    if (!exact) {
      // REQ-KEY-022, REQ-TERM-002: a KEY_MESSAGE refused leaves none of its keys stored.
      for (const auto& k : held) {
        for (const auto& d : *delivered) {
          if (k.slot == d.slot) {
            return Mismatch{"TERM_INFO without a KEY_SLOT for slot " + std::to_string(d.slot) +
                                " (the refused KEY_MESSAGE of session " + std::to_string(*session + 1) + ")",
                            "TERM_INFO with " + keys_text(held)};
          }
        }
      }
    }
  }
  if (e.last_apply) {
    std::optional<codec::LastApply> seen;
    for (const auto& a : info->last_apply) {
      if (a.package.kind == e.last_apply->package.kind && a.package.name == e.last_apply->package.name) seen = a;
    }
    if (!seen || !(*seen == *e.last_apply)) {
      return Mismatch{"TERM_INFO with " + last_apply_text(*e.last_apply),
                      seen ? "TERM_INFO with " + last_apply_text(*seen)
                           : "TERM_INFO without a LAST_APPLY for " + e.last_apply->package.name};
    }
  }
  if (e.master_app) {
    // REQ-DL-053: the state of the master application's slots, its running slot the terminal's own.
    const auto text = [](const codec::MasterApp& m) {
      return "MASTER_APP RUNNING_VERSION " + std::to_string(m.running_version) + " SWITCH_STATE " +
             std::to_string(static_cast<int>(m.state)) + " OTHER_VERSION " + std::to_string(m.other_version);
    };
    const auto& seen = info->master_app;
    if (!seen || seen->running_version != e.master_app->running_version || seen->state != e.master_app->state ||
        seen->other_version != e.master_app->other_version) {
      return Mismatch{"TERM_INFO with " + text(*e.master_app), seen ? "TERM_INFO with " + text(*seen)
                                                                     : std::string("TERM_INFO without MASTER_APP")};
    }
  }
  if (e.packages_as_announced) {
    const auto announces = payloads(wire, MsgType::kPkgAnnounce);
    if (announces.empty()) return Mismatch{"a PKG_ANNOUNCE", "no PKG_ANNOUNCE the suite could open"};
    auto a = codec::parse_pkg_announce(announces.front());
    if (!a.ok()) return Mismatch{"a PKG_ANNOUNCE", "a PKG_ANNOUNCE that does not parse"};
    if (info->packages != a->installed) {
      return Mismatch{"TERM_INFO's PACKAGE items exactly PKG_ANNOUNCE's entries: " + packages_text(a->installed),
                      "PACKAGE items " + packages_text(info->packages)};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Mismatch> check_requests(const Expectation& e, const std::vector<WireMessage>& wire) {
  return check_requests(e, wire, {});
}

Expectation with_factory_master(Expectation e, std::uint32_t factory_version) {
  const std::uint32_t shift = factory_version > 0 ? factory_version - 1 : 0;
  if (e.master_app) {
    e.master_app->running_version += shift;
    if (e.master_app->other_version != 0) e.master_app->other_version += shift;
  }
  if (e.announces_master && *e.announces_master != 0) *e.announces_master += shift;
  return e;
}

std::optional<Mismatch> check_requests(const Expectation& e, const std::vector<WireMessage>& wire,
                                       const std::vector<std::vector<WireMessage>>& earlier) {
  if (e.fresh_t_rand) {
    // REQ-MSG-033, REQ-CRYPTO-016, REQ-HS-004: T_RAND from the random source, never reused; two
    // sessions of one scenario with the same T_RAND show a constant or repeating source.
    const auto mine = t_rand(wire);
    if (!mine) return Mismatch{"an HS_REQUEST", "no HS_REQUEST that parses"};
    for (std::size_t i = 0; i < earlier.size(); ++i) {
      if (t_rand(earlier[i]) == mine) {
        return Mismatch{"a T_RAND unlike session " + std::to_string(i + 1) + "'s",
                        "T_RAND " + to_hex(*mine) + " again"};
      }
    }
  }
  if (auto m = check_term_info(e, wire, earlier)) return m;
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
  if (e.announces_master) {
    // REQ-DL-051, REQ-DL-050: the version of KIND M announced is the one that runs.
    const auto announces = payloads(wire, MsgType::kPkgAnnounce);
    if (announces.empty()) return Mismatch{"a PKG_ANNOUNCE", "no PKG_ANNOUNCE the suite could open"};
    auto a = codec::parse_pkg_announce(announces.front());
    if (!a.ok()) return Mismatch{"a PKG_ANNOUNCE", "a PKG_ANNOUNCE that does not parse"};
    std::uint32_t listed = 0;
    for (const auto& p : a->installed) {
      if (p.kind == codec::PackageKind::kMaster) listed = p.version;
    }
    if (listed != *e.announces_master) {
      return Mismatch{"PKG_ANNOUNCE listing the master application at version " + std::to_string(*e.announces_master),
                      "version " + std::to_string(listed) + " (0: none)"};
    }
  }
  if (e.first_request || e.requests || e.request_order) {
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
    if (e.request_order && requests != *e.request_order) {
      // REQ-DL-013, REQ-DL-021: FIT then DATA, each piece of each section once, in order.
      const auto text = [](const std::vector<codec::FrameRequest>& rs) {
        std::string out;
        for (const auto& r : rs) out += (out.empty() ? "" : ", ") + piece_text(r);
        return out.empty() ? std::string("none") : out;
      };
      return Mismatch{"FRAME_REQUESTs for " + text(*e.request_order), "FRAME_REQUESTs for " + text(requests)};
    }
    if (e.requests && requests.size() != *e.requests) {
      return Mismatch{std::to_string(*e.requests) + " FRAME_REQUESTs (the pieces it does not hold)",
                      std::to_string(requests.size()) + " FRAME_REQUESTs"};
    }
  }
  return std::nullopt;
}

}  // namespace tmsproto::conformance
