// Small helpers shared by the row tests of both engines (terminal/*_test.cc, tms/*_test.cc): small
// estates, bodies of every message type, vendor-signed manifests. Test code only.
#pragma once

#include <array>
#include <memory>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "crypto/signature.h"
#include "sim/estate.h"
#include "sim/lockstep.h"

namespace tmsproto::sim::rows {

inline constexpr std::array<Profile, 4> kAllProfiles = {Profile::kLegacy, Profile::kTdes, Profile::kAes128,
                                                        Profile::kAes256};
// REQ-CRYPTO-025: LEGACY cannot run a key download (or any attended session).
inline constexpr std::array<Profile, 3> kKeyDownloadProfiles = {Profile::kTdes, Profile::kAes128, Profile::kAes256};

inline constexpr std::array<MsgType, 12> kAllTypes = {
    MsgType::kHsRequest,     MsgType::kHsAuthRequest, MsgType::kHsAuthAnswer, MsgType::kKeyMessage,
    MsgType::kPkgAnnounce,   MsgType::kPkgConfirm,    MsgType::kFrameRequest, MsgType::kFrameResponse,
    MsgType::kSessionEnd,    MsgType::kSessionEndAck, MsgType::kTermInfo,     MsgType::kAbort};

// A program download of one package of 3 DATA pieces and 1 FIT piece, unattended (no PBKDF2 in
// the loop); a key download of two keys with its operator (REQ-OPR-005).
inline EstateOptions program_download(Profile p = Profile::kAes128) {
  EstateOptions o;
  o.profile = p;
  o.trans = TransCode::kProgramDownload;
  o.with_operator = false;
  o.packages = {PackageSpec{codec::PackageKind::kApplication, "PAYAPP", 2, 2500, 1024}};
  return o;
}

// HS_AUTH_REQUEST `m` answering the terminal's `hs_request`, with TAC_1 recomputed under `dwk`
// over the transcript (REQ-CRYPTO-032): what a TMS — or whoever holds that DWK — can send, so that
// a test can break one rule behind a valid TAC_1.
inline Bytes with_tac_under(Profile p, ByteView hs_request, codec::HsAuthRequest m, ByteView dwk) {
  const codec::HsRequest request = *codec::parse_hs_request(hs_request);
  m.tac1.assign(mac_length(p), 0x00);
  Bytes out = codec::serialize(m);
  auto keys = profile::derive_handshake_keys(p, crypto::SecretBytes(dwk), request.t_data, m.s_data);
  const ByteView prefix = ByteView(out).first(out.size() - mac_length(p));
  const Bytes tac = *profile::tac(p, *keys, request.t_data, concat(hs_request, prefix));
  std::copy(tac.begin(), tac.end(), out.end() - static_cast<std::ptrdiff_t>(tac.size()));
  return out;
}

inline EstateOptions key_download(Profile p = Profile::kAes128) {
  EstateOptions o;
  o.profile = p;
  o.trans = TransCode::kKeyDownload;
  o.with_operator = true;
  o.packages = {};
  o.delivered_keys = 2;
  return o;
}

// A body whose type octet is `type` and whose content no parser accepts: enough for the rows
// that look at the type alone (T14, S10).
inline Bytes body_of_type(MsgType type) {
  return Bytes{static_cast<std::uint8_t>(type), kProtocolVersion, 0x30, 0x39, 0x00, 0x00};
}

inline Bytes abort_body(ResponseCode code) { return codec::serialize(codec::Abort{code}); }

// ABORTs that REQ-ERR-005 says count as 01: wrong VERSION, RC 00, RC not in the table, wrong length.
inline std::array<Bytes, 5> defective_aborts() {
  return {Bytes{0x7f, 0x02, '1', '8'}, Bytes{0x7f, 0x01, '0', '0'}, Bytes{0x7f, 0x01, '9', '9'},
          Bytes{0x7f, 0x01, '1', '8', 0x00}, Bytes{0x7f, 0x01, '1'}};
}

// An offer signed with `private_key` (P-256), whatever the manifest says: the estate's vendor key
// gives an offer that passes REQ-DL-010, any other key one that fails it with a well-formed
// signature.
inline codec::Offer signed_offer(ByteView private_key, const codec::Manifest& m) {
  crypto::DeterministicRandom rng(m.version);
  codec::Offer o;
  o.manifest = m;
  auto sig = crypto::ecdsa_p256_sign(private_key, codec::serialize(m), rng);
  if (sig.ok()) std::copy(sig->begin(), sig->end(), o.signature.begin());
  return o;
}

// An offer as the estate's vendor signs it (REQ-DL-010), whatever the manifest says.
inline codec::Offer signed_offer(const Estate& estate, const codec::Manifest& m) {
  return signed_offer(estate.vendor_private_key.view(), m);
}

// An offer signed by a P-256 key that is not the vendor's (REQ-DL-010 fails, nothing else).
inline codec::Offer offer_signed_by_another_key(const codec::Manifest& m) {
  crypto::DeterministicRandom rng(0x0bad);
  auto other = crypto::ecdsa_p256_generate(rng);
  return signed_offer(other->private_key.view(), m);
}

// The TR-31 header REQ-CRYPTO-035 requires of a key delivered under `rule` (spec/13-tr31-appendix.md):
// version by profile, usage / algorithm / mode from the slot rule, key version "00", exportability
// 'N', key context '0', no optional block. Tests change one field of it.
inline keyblock::Tr31Header delivered_header(Profile p, const profile::SlotRule& rule) {
  keyblock::Tr31Header h;
  h.version = p == Profile::kTdes ? keyblock::Tr31Version::kB : keyblock::Tr31Version::kD;
  h.key_usage = rule.key_usage;
  h.algorithm = rule.algorithm;
  h.mode_of_use = rule.mode_of_use;
  return h;
}

// The honest FRAME_RESPONSE for any piece of the estate's vendor database (package `pkg_index`
// in the order of vendor().packages, which is the order the honest TMS offers them in).
inline codec::FrameResponse honest_piece(Estate& estate, std::uint8_t pkg_index, codec::Section section,
                                         std::uint32_t piece) {
  const codec::Manifest& m = estate.vendor().packages.at(pkg_index).offer.manifest;
  auto data = estate.vendor().piece(tms::PieceQuery{estate.vendor().vendor_id, m, section, piece});
  return codec::FrameResponse{pkg_index, section, piece, data.ok() ? std::move(data).value() : Bytes{}};
}

inline const codec::Manifest& first_manifest(Estate& estate) { return estate.vendor().packages.at(0).offer.manifest; }

}  // namespace tmsproto::sim::rows
