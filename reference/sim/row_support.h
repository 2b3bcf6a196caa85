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

inline constexpr std::array<MsgType, 11> kAllTypes = {
    MsgType::kHsRequest,     MsgType::kHsAuthRequest, MsgType::kHsAuthAnswer, MsgType::kKeyMessage,
    MsgType::kPkgAnnounce,   MsgType::kPkgConfirm,    MsgType::kFrameRequest, MsgType::kFrameResponse,
    MsgType::kSessionEnd,    MsgType::kSessionEndAck, MsgType::kAbort};

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

// An offer as the estate's vendor signs it (REQ-DL-010), whatever the manifest says.
inline codec::Offer signed_offer(const Estate& estate, const codec::Manifest& m) {
  crypto::DeterministicRandom rng(m.version);
  codec::Offer o;
  o.manifest = m;
  auto sig = crypto::ecdsa_p256_sign(estate.vendor_private_key.view(), codec::serialize(m), rng);
  if (sig.ok()) std::copy(sig->begin(), sig->end(), o.signature.begin());
  return o;
}

inline const codec::Manifest& first_manifest(Estate& estate) { return estate.vendor().packages.at(0).offer.manifest; }

}  // namespace tmsproto::sim::rows
