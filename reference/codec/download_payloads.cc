#include "codec/download_payloads.h"

#include <algorithm>

#include "common/try.h"
#include "protocol/constants.h"

namespace tmsproto::codec {
namespace {

Parsed<Section> read_section(Reader& r) {
  TMS_TRY(std::uint8_t s, r.u8("SECTION"));
  if (s == 0x01) return Section::kFit;
  if (s == 0x02) return Section::kData;
  return malformed("SECTION");  // REQ-MSG-100
}

bool power_of_two_chunk(std::uint16_t c) {
  return c >= kMinChunk && c <= kMaxChunk && (c & (c - 1)) == 0;
}

template <class T, class Key>
bool unique_by(const std::vector<T>& items, Key key) {
  for (std::size_t i = 0; i < items.size(); ++i)
    for (std::size_t j = i + 1; j < items.size(); ++j)
      if (key(items[i]) == key(items[j])) return false;
  return true;
}

}  // namespace

// KIND ‖ NAME ‖ VERSION (≥ 1: only installed packages, REQ-MSG-080), as PKG_ANNOUNCE entries and
// TERM_INFO's PACKAGE and LAST_APPLY items carry it.
Parsed<InstalledPackage> read_installed_package(Reader& r) {
  InstalledPackage p;
  TMS_TRY(p.kind, read_package_kind(r));
  TMS_TRY(p.name, read_text(r, kPackageNameWidth, CharSet::kAns, Emptiness::kRequired, "NAME"));
  TMS_TRY(p.version, r.u32("VERSION"));
  if (p.version == 0) return malformed("VERSION");
  return p;
}

void write_installed_package(Writer& w, const InstalledPackage& p) {
  w.u8(static_cast<std::uint8_t>(p.kind));
  write_text(w, p.name, kPackageNameWidth);
  w.u32(p.version);
}

// KIND of PKG_ANNOUNCE, MANIFEST and TERM_INFO (REQ-MSG-080, REQ-MSG-090, REQ-MSG-121).
Parsed<PackageKind> read_package_kind(Reader& r) {
  TMS_TRY(std::uint8_t k, r.u8("KIND"));
  switch (k) {
    case 'A': return PackageKind::kApplication;
    case 'M': return PackageKind::kMaster;
    case 'P': return PackageKind::kParameters;
    case 'D': return PackageKind::kDataFile;
    default: return malformed("KIND");
  }
}

bool announce_order(const InstalledPackage& a, const InstalledPackage& b) {
  const std::string ka = std::string(1, static_cast<char>(a.kind)) + a.name;
  const std::string kb = std::string(1, static_cast<char>(b.kind)) + b.name;
  return ka < kb;  // octet order of KIND, then of NAME as sent (its 0x20 fill sorts first)
}

Parsed<PkgAnnounce> parse_pkg_announce(ByteView payload) {
  Reader r(payload);
  PkgAnnounce m;
  TMS_TRY(m.max_chunk, r.u16("MAX_CHUNK"));
  if (m.max_chunk < kMinChunk || m.max_chunk > kMaxChunk) return malformed("MAX_CHUNK");
  TMS_TRY(std::uint8_t count, r.u8("COUNT"));
  if (count > kMaxAnnounced) return malformed("COUNT");
  for (std::uint8_t i = 0; i < count; ++i) {
    TMS_TRY(InstalledPackage p, read_installed_package(r));
    // REQ-MSG-080: strictly ascending (KIND, NAME) octets, so one entry each and one order.
    if (!m.installed.empty() && !announce_order(m.installed.back(), p)) return malformed("ENTRY");
    m.installed.push_back(std::move(p));
  }
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const PkgAnnounce& m) {
  Writer w;
  w.u16(m.max_chunk);
  w.u8(static_cast<std::uint8_t>(m.installed.size()));
  for (const InstalledPackage& p : m.installed) write_installed_package(w, p);
  return std::move(w).take();
}

namespace {

// REQ-MSG-091, REQ-MSG-092: FORMAT 0x02's fields after FIT_DIGEST, in table order.
Parsed<ManifestScope> read_scope(Reader& r) {
  ManifestScope s;
  TMS_TRY(s.signer_id, read_text(r, kVendorIdWidth, CharSet::kAn, Emptiness::kRequired, "SIGNER_ID"));
  TMS_TRY(s.not_after, read_datetime(r, "NOT_AFTER"));
  TMS_TRY(std::uint8_t count, r.u8("TARGET_COUNT"));
  if (count > kMaxTargets) return malformed("TARGET_COUNT");  // REQ-MSG-092
  for (std::uint8_t i = 0; i < count; ++i) {
    TMS_TRY(std::string serial, read_text(r, kSerialNoWidth, CharSet::kAns, Emptiness::kRequired, "TARGET"));
    // REQ-MSG-092: strictly ascending. ANS characters sort above the 0x20 fill, so the order of the
    // values equals the octet order of the 32-octet fields as sent.
    if (!s.targets.empty() && !(s.targets.back() < serial)) return malformed("TARGET");
    s.targets.push_back(std::move(serial));
  }
  return s;
}

Parsed<Manifest> read_manifest(Reader& r) {
  Manifest m;
  TMS_TRY(std::uint8_t format, r.u8("FORMAT"));
  if (format != kFormatVendor && format != kFormatScoped) return malformed("FORMAT");  // REQ-MSG-090
  TMS_TRY(m.kind, read_package_kind(r));
  TMS_TRY(m.name, read_text(r, kPackageNameWidth, CharSet::kAns, Emptiness::kRequired, "NAME"));
  TMS_TRY(m.vendor_id, read_text(r, kVendorIdWidth, CharSet::kAn, Emptiness::kRequired, "VENDOR_ID"));
  TMS_TRY(m.model_id, read_text(r, kModelIdWidth, CharSet::kAns, Emptiness::kRequired, "MODEL_ID"));
  TMS_TRY(m.version, r.u32("VERSION"));
  if (m.version < 1) return malformed("VERSION");
  TMS_TRY(m.length, r.u32("LENGTH"));
  if (m.length < 1 || m.length > kMaxPackageLength) return malformed("LENGTH");
  TMS_TRY(m.chunk_size, r.u16("CHUNK_SIZE"));
  if (!power_of_two_chunk(m.chunk_size)) return malformed("CHUNK_SIZE");
  TMS_TRY(m.pkg_digest, r.array<32>("PKG_DIGEST"));
  TMS_TRY(m.fit_digest, r.array<32>("FIT_DIGEST"));
  if (format == kFormatScoped) {
    TMS_TRY(m.scope, read_scope(r));
  }
  return m;
}

void write_manifest(Writer& w, const Manifest& m) {
  w.u8(m.format());
  w.u8(static_cast<std::uint8_t>(m.kind));
  write_text(w, m.name, kPackageNameWidth);
  write_text(w, m.vendor_id, kVendorIdWidth);
  write_text(w, m.model_id, kModelIdWidth);
  w.u32(m.version);
  w.u32(m.length);
  w.u16(m.chunk_size);
  w.bytes(m.pkg_digest);
  w.bytes(m.fit_digest);
  if (m.scope) {
    write_text(w, m.scope->signer_id, kVendorIdWidth);
    write_datetime(w, m.scope->not_after);
    w.u8(static_cast<std::uint8_t>(m.scope->targets.size()));
    for (const std::string& serial : m.scope->targets) write_text(w, serial, kSerialNoWidth);
  }
}

std::size_t manifest_length(const Manifest& m) {
  return m.scope ? kScopedManifestBaseLength + 32 * m.scope->targets.size() : kManifestLength;
}

}  // namespace

Parsed<Manifest> parse_manifest(ByteView manifest) {
  Reader r(manifest);
  TMS_TRY(Manifest m, read_manifest(r));
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const Manifest& m) {
  Writer w;
  write_manifest(w, m);
  return std::move(w).take();
}

bool targets(const ManifestScope& scope, const std::string& serial) {
  return scope.targets.empty() ||
         std::find(scope.targets.begin(), scope.targets.end(), serial) != scope.targets.end();
}

// REQ-MSG-090.
Parsed<PkgConfirm> parse_pkg_confirm(ByteView payload) {
  Reader r(payload);
  PkgConfirm m;
  TMS_TRY(std::uint8_t count, r.u8("COUNT"));
  if (count > kMaxOffers) return malformed("COUNT");
  for (std::uint8_t i = 0; i < count; ++i) {
    TMS_TRY(std::uint8_t index, r.u8("PKG_INDEX"));
    if (index != i) return malformed("PKG_INDEX");  // REQ-MSG-090
    // REQ-MSG-090: MANIFEST_LEN's range before MANIFEST is read; REQ-MSG-091: the manifest's fields
    // within exactly MANIFEST_LEN octets.
    TMS_TRY(std::uint16_t manifest_len, r.u16("MANIFEST_LEN"));
    if (manifest_len != kManifestLength &&
        (manifest_len < kScopedManifestBaseLength || manifest_len > kMaxManifestLength)) {
      return malformed("MANIFEST_LEN");
    }
    TMS_TRY(ByteView manifest_octets, r.bytes(manifest_len, "MANIFEST"));
    Reader mr(manifest_octets);
    Offer o;
    TMS_TRY(o.manifest, read_manifest(mr));  // REQ-MSG-090: FORMAT, KIND, text fields, VERSION, LENGTH, CHUNK_SIZE
    if (mr.remaining() != 0) return malformed("MANIFEST_LEN");  // REQ-MSG-091: more octets than the manifest
    TMS_TRY(o.signature, r.array<kSignatureLength>("SIGNATURE"));
    m.offers.push_back(std::move(o));
  }
  if (!unique_by(m.offers, [](const Offer& o) { return std::pair(o.manifest.kind, o.manifest.name); })) {
    return malformed("OFFER");  // REQ-MSG-090: no two offers share (KIND, NAME)
  }
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const PkgConfirm& m) {
  Writer w;
  w.u8(static_cast<std::uint8_t>(m.offers.size()));
  for (std::size_t i = 0; i < m.offers.size(); ++i) {
    w.u8(static_cast<std::uint8_t>(i));
    w.u16(static_cast<std::uint16_t>(manifest_length(m.offers[i].manifest)));  // REQ-MSG-091
    write_manifest(w, m.offers[i].manifest);
    w.bytes(m.offers[i].signature);
  }
  return std::move(w).take();
}

Parsed<FrameRequest> parse_frame_request(ByteView payload) {
  Reader r(payload);
  FrameRequest m;
  TMS_TRY(m.pkg_index, r.u8("PKG_INDEX"));
  TMS_TRY(m.section, read_section(r));
  TMS_TRY(m.piece, r.u32("PIECE"));
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const FrameRequest& m) {
  Writer w;
  w.u8(m.pkg_index);
  w.u8(static_cast<std::uint8_t>(m.section));
  w.u32(m.piece);
  return std::move(w).take();
}

Parsed<FrameResponse> parse_frame_response(ByteView payload) {
  Reader r(payload);
  FrameResponse m;
  TMS_TRY(m.pkg_index, r.u8("PKG_INDEX"));
  TMS_TRY(m.section, read_section(r));
  TMS_TRY(m.piece, r.u32("PIECE"));
  TMS_TRY(std::uint16_t len, r.u16("DATA_LEN"));
  if (len < 1 || len > kMaxChunk) return malformed("DATA_LEN");
  TMS_TRY(ByteView data, r.bytes(len, "DATA"));
  m.data.assign(data.begin(), data.end());
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const FrameResponse& m) {
  Writer w;
  w.u8(m.pkg_index);
  w.u8(static_cast<std::uint8_t>(m.section));
  w.u32(m.piece);
  w.u16(static_cast<std::uint16_t>(m.data.size()));
  w.bytes(m.data);
  return std::move(w).take();
}

Parsed<SessionEnd> parse_session_end(ByteView payload) {
  Reader r(payload);
  SessionEnd m;
  TMS_TRY(m.result, read_response_code(r, "RESULT"));
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const SessionEnd& m) {
  Writer w;
  write_response_code(w, m.result);
  return std::move(w).take();
}

}  // namespace tmsproto::codec
