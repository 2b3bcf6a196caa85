// RapidCheck generators of valid messages (field rules of spec/03-messages.md), for tests only.
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/envelope.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"

namespace tmsproto::codec::testing {

inline rc::Gen<std::string> gen_text(std::size_t width, CharSet set, std::size_t min_len = 1) {
  const auto chars = set == CharSet::kAn
                         ? rc::gen::oneOf(rc::gen::inRange('0', static_cast<char>('9' + 1)),
                                          rc::gen::inRange('A', static_cast<char>('Z' + 1)),
                                          rc::gen::inRange('a', static_cast<char>('z' + 1)))
                         : rc::gen::inRange(static_cast<char>(0x21), static_cast<char>(0x7f));
  return rc::gen::mapcat(rc::gen::inRange(min_len, width + 1), [chars](std::size_t n) {
    return rc::gen::container<std::string>(n, chars);
  });
}

inline rc::Gen<Bytes> gen_bytes(std::size_t n) {
  return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>());
}

inline rc::Gen<Identity> gen_identity() {
  return rc::gen::build<Identity>(
      rc::gen::set(&Identity::vendor_id, gen_text(kVendorIdWidth, CharSet::kAn)),
      rc::gen::set(&Identity::model_id, gen_text(kModelIdWidth, CharSet::kAns)),
      rc::gen::set(&Identity::serial_no, gen_text(kSerialNoWidth, CharSet::kAns)));
}

inline rc::Gen<DateTime> gen_datetime() {
  return rc::gen::map(rc::gen::tuple(rc::gen::inRange(2000, 2100), rc::gen::inRange(1, 13),
                                     rc::gen::inRange(1, 29), rc::gen::inRange(0, 24),
                                     rc::gen::inRange(0, 60), rc::gen::inRange(0, 60)),
                      [](const auto& t) {
                        return DateTime{static_cast<std::uint16_t>(std::get<0>(t)),
                                        static_cast<std::uint8_t>(std::get<1>(t)),
                                        static_cast<std::uint8_t>(std::get<2>(t)),
                                        static_cast<std::uint8_t>(std::get<3>(t)),
                                        static_cast<std::uint8_t>(std::get<4>(t)),
                                        static_cast<std::uint8_t>(std::get<5>(t))};
                      });
}

inline rc::Gen<AuthData> gen_auth_data() {
  return rc::gen::build<AuthData>(rc::gen::set(&AuthData::random),
                                  rc::gen::set(&AuthData::time, gen_datetime()));
}

inline rc::Gen<Profile> gen_profile() {
  return rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256);
}

inline rc::Gen<std::uint8_t> gen_offer() {
  return rc::gen::oneOf(rc::gen::just<std::uint8_t>(0x01),
                        rc::gen::map(rc::gen::inRange<int>(1, 8), [](int v) {
                          return static_cast<std::uint8_t>(v << 1);
                        }));
}

inline rc::Gen<HsRequest> gen_hs_request() {
  return rc::gen::mapcat(rc::gen::element(TransCode::kKeyDownload, TransCode::kProgramDownload),
                         [](TransCode trans) {
                           return rc::gen::build<HsRequest>(
                               rc::gen::set(&HsRequest::id, gen_identity()),
                               rc::gen::set(&HsRequest::trans, rc::gen::just(trans)),
                               rc::gen::set(&HsRequest::offered_profiles, gen_offer()),
                               rc::gen::set(&HsRequest::operator_id,
                                            gen_text(kOperatorIdWidth, CharSet::kAn, 0)),
                               rc::gen::set(&HsRequest::key_set_id,
                                            trans == TransCode::kKeyDownload
                                                ? gen_text(kKeySetIdWidth, CharSet::kAn)
                                                : rc::gen::just(std::string())),
                               rc::gen::set(&HsRequest::t_data, gen_auth_data()));
                         });
}

inline rc::Gen<HsAuthRequest> gen_hs_auth_request() {
  return rc::gen::mapcat(gen_profile(), [](Profile p) {
    return rc::gen::build<HsAuthRequest>(
        rc::gen::set(&HsAuthRequest::id, gen_identity()),
        rc::gen::set(&HsAuthRequest::profile, rc::gen::just(p)),
        rc::gen::set(&HsAuthRequest::s_data, gen_auth_data()),
        rc::gen::set(&HsAuthRequest::dwk1, gen_bytes(dwk1_length(p))),
        rc::gen::set(&HsAuthRequest::tac1, gen_bytes(mac_length(p))));
  });
}

inline rc::Gen<HsAuthAnswer> gen_hs_auth_answer(Profile p) {
  return rc::gen::build<HsAuthAnswer>(rc::gen::set(&HsAuthAnswer::id, gen_identity()),
                                      rc::gen::set(&HsAuthAnswer::operator_proof, gen_bytes(mac_length(p))),
                                      rc::gen::set(&HsAuthAnswer::sac1, gen_bytes(mac_length(p))));
}

inline rc::Gen<KeyEntry> gen_key_entry(Profile p, std::uint8_t slot) {
  const auto block_len = p == Profile::kLegacy
                             ? rc::gen::map(rc::gen::inRange(1, 65), [](int n) { return std::size_t(n) * 8; })
                             : rc::gen::inRange<std::size_t>(8, 513);
  return rc::gen::build<KeyEntry>(
      rc::gen::set(&KeyEntry::slot, rc::gen::just(slot)),
      rc::gen::set(&KeyEntry::kcv, rc::gen::mapcat(rc::gen::element<std::size_t>(3, 5), gen_bytes)),
      rc::gen::set(&KeyEntry::key_block, rc::gen::mapcat(block_len, gen_bytes)));
}

inline rc::Gen<KeyMessage> gen_key_message(Profile p) {
  return rc::gen::mapcat(rc::gen::element(TransCode::kKeyDownload, TransCode::kProgramDownload),
                         [p](TransCode trans) {
    // REQ-MSG-060: a key download delivers 1-7 keys beside the DSK, a program download none.
    const std::size_t extra_min = trans == TransCode::kKeyDownload ? 1 : 0;
    const std::size_t extra_max = trans == TransCode::kKeyDownload ? 7 : 0;
    return rc::gen::mapcat(rc::gen::inRange<std::size_t>(extra_min, extra_max + 1), [p, trans](std::size_t extra) {
      return rc::gen::mapcat(rc::gen::unique<std::vector<std::uint8_t>>(
                                 extra, rc::gen::inRange<std::uint8_t>(1, 0xff)),
                             [p, trans](std::vector<std::uint8_t> slots) {
        std::sort(slots.begin(), slots.end());
        std::vector<rc::Gen<KeyEntry>> entry_gens{gen_key_entry(p, kDskSlot)};
        for (std::uint8_t s : slots) entry_gens.push_back(gen_key_entry(p, s));
        return rc::gen::build<KeyMessage>(
            rc::gen::set(&KeyMessage::id, gen_identity()),
            rc::gen::set(&KeyMessage::trans, rc::gen::just(trans)),
            rc::gen::set(&KeyMessage::entries,
                         rc::gen::exec([entry_gens] {
                           std::vector<KeyEntry> out;
                           for (const auto& g : entry_gens) out.push_back(*g);
                           return out;
                         })),
            rc::gen::set(&KeyMessage::key_mac, gen_bytes(mac_length(p))));
      });
    });
  });
}

inline rc::Gen<Envelope> gen_envelope(Profile p) {
  const std::size_t b = block_length(p);
  const std::size_t max_blocks = (kMaxBody - kEnvelopeCtOffset - mac_length(p)) / b;
  return rc::gen::build<Envelope>(
      rc::gen::set(&Envelope::type,
                   rc::gen::element(MsgType::kPkgAnnounce, MsgType::kPkgConfirm, MsgType::kFrameRequest,
                                    MsgType::kFrameResponse, MsgType::kSessionEnd, MsgType::kSessionEndAck)),
      rc::gen::set(&Envelope::id, gen_identity()), rc::gen::set(&Envelope::seq),
      rc::gen::set(&Envelope::ct, rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, max_blocks + 1),
                                                  [b](std::size_t n) { return gen_bytes(n * b); })),
      rc::gen::set(&Envelope::mac, gen_bytes(mac_length(p))));
}

inline rc::Gen<PackageKind> gen_kind() {
  return rc::gen::element(PackageKind::kApplication, PackageKind::kMaster, PackageKind::kParameters,
                          PackageKind::kDataFile);
}

// REQ-MSG-080: installed packages only (VERSION >= 1), each once, in (KIND, NAME) order.
inline rc::Gen<PkgAnnounce> gen_pkg_announce() {
  return rc::gen::build<PkgAnnounce>(
      rc::gen::set(&PkgAnnounce::max_chunk, rc::gen::inRange<std::uint16_t>(kMinChunk, kMaxChunk + 1)),
      rc::gen::set(&PkgAnnounce::installed,
                   rc::gen::map(rc::gen::resize(64, rc::gen::uniqueBy<std::vector<InstalledPackage>>(
                                    rc::gen::build<InstalledPackage>(
                                        rc::gen::set(&InstalledPackage::kind, gen_kind()),
                                        rc::gen::set(&InstalledPackage::name, gen_text(kPackageNameWidth, CharSet::kAns)),
                                        rc::gen::set(&InstalledPackage::version,
                                                     rc::gen::inRange<std::uint32_t>(1, 0xffffffffu))),
                                    [](const InstalledPackage& p) { return std::pair(p.kind, p.name); })),
                                [](std::vector<InstalledPackage> v) {
                                  std::sort(v.begin(), v.end(), announce_order);
                                  return v;
                                })));
}

// REQ-MSG-092: FORMAT 0x02's signer, expiry and 0-16 targets in strictly ascending order.
inline rc::Gen<ManifestScope> gen_manifest_scope() {
  return rc::gen::build<ManifestScope>(
      rc::gen::set(&ManifestScope::signer_id, gen_text(kVendorIdWidth, CharSet::kAn)),
      rc::gen::set(&ManifestScope::not_after, gen_datetime()),
      rc::gen::set(&ManifestScope::targets,
                   rc::gen::map(rc::gen::resize(kMaxTargets, rc::gen::container<std::set<std::string>>(
                                                                 gen_text(kSerialNoWidth, CharSet::kAns))),
                                [](const std::set<std::string>& s) { return std::vector<std::string>(s.begin(), s.end()); })));
}

// Both FORMATs: FORMAT 0x01 (scope nullopt) and FORMAT 0x02.
inline rc::Gen<Manifest> gen_manifest() {
  return rc::gen::build<Manifest>(
      rc::gen::set(&Manifest::scope,
                   rc::gen::oneOf(rc::gen::just(std::optional<ManifestScope>{}),
                                  rc::gen::map(gen_manifest_scope(), [](ManifestScope x) {
                                    return std::optional<ManifestScope>(std::move(x));
                                  }))),
      rc::gen::set(&Manifest::kind, gen_kind()),
      rc::gen::set(&Manifest::name, gen_text(kPackageNameWidth, CharSet::kAns)),
      rc::gen::set(&Manifest::vendor_id, gen_text(kVendorIdWidth, CharSet::kAn)),
      rc::gen::set(&Manifest::model_id, gen_text(kModelIdWidth, CharSet::kAns)),
      rc::gen::set(&Manifest::version, rc::gen::inRange<std::uint32_t>(1, 0xffffffffu)),
      rc::gen::set(&Manifest::length, rc::gen::inRange<std::uint32_t>(1, kMaxPackageLength + 1)),
      rc::gen::set(&Manifest::chunk_size, rc::gen::element<std::uint16_t>(256, 512, 1024, 2048, 4096)),
      rc::gen::set(&Manifest::pkg_digest), rc::gen::set(&Manifest::fit_digest));
}

inline rc::Gen<PkgConfirm> gen_pkg_confirm() {
  return rc::gen::build<PkgConfirm>(rc::gen::set(
      &PkgConfirm::offers,
      rc::gen::resize(kMaxOffers, rc::gen::uniqueBy<std::vector<Offer>>(
          rc::gen::build<Offer>(rc::gen::set(&Offer::manifest, gen_manifest()), rc::gen::set(&Offer::signature)),
          [](const Offer& o) { return std::pair(o.manifest.kind, o.manifest.name); }))));
}

inline rc::Gen<Section> gen_section() { return rc::gen::element(Section::kFit, Section::kData); }

inline rc::Gen<FrameRequest> gen_frame_request() {
  return rc::gen::build<FrameRequest>(rc::gen::set(&FrameRequest::pkg_index),
                                      rc::gen::set(&FrameRequest::section, gen_section()),
                                      rc::gen::set(&FrameRequest::piece));
}

inline rc::Gen<FrameResponse> gen_frame_response() {
  return rc::gen::build<FrameResponse>(
      rc::gen::set(&FrameResponse::pkg_index), rc::gen::set(&FrameResponse::section, gen_section()),
      rc::gen::set(&FrameResponse::piece),
      rc::gen::set(&FrameResponse::data, rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, kMaxChunk + 1), gen_bytes)));
}

inline rc::Gen<ResponseCode> gen_response_code() {
  return rc::gen::elementOf(kAllResponseCodes);
}

}  // namespace tmsproto::codec::testing
