// Payloads carried inside the secure envelope (spec/03-messages.md section 3.8): what the
// download phase says once decrypted.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/fields.h"
#include "codec/reader.h"
#include "common/bytes.h"
#include "protocol/response_code.h"

namespace tmsproto::codec {

// KIND: application program (应用程序), master application (主控应用, the program that runs this
// protocol; spec/06-download.md 6.6), parameters (参数), data file (数据文件).
enum class PackageKind : char { kApplication = 'A', kMaster = 'M', kParameters = 'P', kDataFile = 'D' };
enum class Section : std::uint8_t { kFit = 0x01, kData = 0x02 };

inline constexpr std::size_t kMaxAnnounced = 255;  // REQ-MSG-080: COUNT is one octet
inline constexpr std::size_t kMaxOffers = 8;
inline constexpr std::size_t kManifestLength = 116;          // FORMAT 0x01
inline constexpr std::size_t kScopedManifestBaseLength = 132;  // FORMAT 0x02 with TARGET_COUNT 0
inline constexpr std::size_t kMaxTargets = 16;                 // REQ-MSG-092
inline constexpr std::size_t kMaxManifestLength = kScopedManifestBaseLength + 32 * kMaxTargets;  // 644
inline constexpr std::uint8_t kFormatVendor = 0x01;
inline constexpr std::uint8_t kFormatScoped = 0x02;
inline constexpr std::size_t kSignatureLength = 64;
inline constexpr std::uint32_t kMaxPackageLength = 64u * 1024u * 1024u;
inline constexpr std::uint16_t kMinChunk = 256;
inline constexpr std::uint16_t kMaxChunk = 4096;

struct InstalledPackage {
  PackageKind kind = PackageKind::kApplication;
  std::string name;
  std::uint32_t version = 0;  // 0: none installed
  bool operator==(const InstalledPackage&) const = default;
};

// PKG_ANNOUNCE (现有程序包, step 515).
struct PkgAnnounce {
  std::uint16_t max_chunk = kMaxChunk;
  std::vector<InstalledPackage> installed;
  bool operator==(const PkgAnnounce&) const = default;
};

// What a FORMAT 0x02 manifest adds (REQ-MSG-092): which pinned key signed it, until when it may be
// installed, and for which terminals.
struct ManifestScope {
  std::string signer_id;
  DateTime not_after;
  std::vector<std::string> targets;  // SERIAL_NO values, strictly ascending; empty: every terminal of the model
  bool operator==(const ManifestScope&) const = default;
};

// MANIFEST, signed by the vendor (FORMAT 0x01) or a pinned signer (FORMAT 0x02) (REQ-DL-010).
struct Manifest {
  PackageKind kind = PackageKind::kApplication;
  std::string name;
  std::string vendor_id;
  std::string model_id;
  std::uint32_t version = 1;
  std::uint32_t length = 1;
  std::uint16_t chunk_size = kMaxChunk;
  std::array<std::uint8_t, 32> pkg_digest{};
  std::array<std::uint8_t, 32> fit_digest{};
  std::optional<ManifestScope> scope;  // nullopt: FORMAT 0x01
  std::uint8_t format() const { return scope ? kFormatScoped : kFormatVendor; }
  bool operator==(const Manifest&) const = default;
};

struct Offer {
  Manifest manifest;
  std::array<std::uint8_t, kSignatureLength> signature{};
  bool operator==(const Offer&) const = default;
};

// PKG_CONFIRM (确认下载包, step 517). PKG_INDEX is the position in `offers`.
struct PkgConfirm {
  std::vector<Offer> offers;
  bool operator==(const PkgConfirm&) const = default;
};

// FRAME_REQUEST (帧下载请求, step 518).
struct FrameRequest {
  std::uint8_t pkg_index = 0;
  Section section = Section::kFit;
  std::uint32_t piece = 0;
  bool operator==(const FrameRequest&) const = default;
};

// FRAME_RESPONSE (帧响应数据, step 520).
struct FrameResponse {
  std::uint8_t pkg_index = 0;
  Section section = Section::kFit;
  std::uint32_t piece = 0;
  Bytes data;
  bool operator==(const FrameResponse&) const = default;
};

// SESSION_END and SESSION_END_ACK.
struct SessionEnd {
  ResponseCode result = ResponseCode::kSuccess;
  bool operator==(const SessionEnd&) const = default;
};

// KIND: `A`, `M`, `P` or `D`, else malformed (01).
Parsed<PackageKind> read_package_kind(Reader& r);
Parsed<InstalledPackage> read_installed_package(Reader& r);
void write_installed_package(Writer& w, const InstalledPackage& p);

// REQ-MSG-080: whether `a` comes before `b` in PKG_ANNOUNCE: (KIND, NAME) in octet order.
bool announce_order(const InstalledPackage& a, const InstalledPackage& b);
Parsed<PkgAnnounce> parse_pkg_announce(ByteView payload);
Bytes serialize(const PkgAnnounce& m);

// REQ-MSG-091: a standalone MANIFEST (the octets SIGNATURE covers and REQ-DL-020 hashes).
Parsed<Manifest> parse_manifest(ByteView manifest);
Bytes serialize(const Manifest& m);
// REQ-MSG-092: whether SERIAL_NO `serial` is among the targets (TARGET_COUNT 0: every terminal).
bool targets(const ManifestScope& scope, const std::string& serial);

Parsed<PkgConfirm> parse_pkg_confirm(ByteView payload);
Bytes serialize(const PkgConfirm& m);

Parsed<FrameRequest> parse_frame_request(ByteView payload);
Bytes serialize(const FrameRequest& m);

Parsed<FrameResponse> parse_frame_response(ByteView payload);
Bytes serialize(const FrameResponse& m);

Parsed<SessionEnd> parse_session_end(ByteView payload);
Bytes serialize(const SessionEnd& m);

}  // namespace tmsproto::codec
