#include "codec/download_payloads.h"

#include <gtest/gtest.h>

#include "common/hex.h"

namespace tmsproto::codec {
namespace {

Manifest sample_manifest() {
  Manifest m;
  m.kind = PackageKind::kApplication;
  m.name = "PAYAPP";
  m.vendor_id = "VEND0001";
  m.model_id = "POS-X1";
  m.version = 7;
  m.length = 10000;
  m.chunk_size = 1024;
  m.pkg_digest.fill(0x11);
  m.fit_digest.fill(0x22);
  return m;
}

// spec/03-messages.md: MANIFEST is 116 octets with VERSION at 42, LENGTH at 46, CHUNK_SIZE at 50.
TEST(Manifest, LayoutMatchesTheSpecTable) {
  const Bytes b = serialize(sample_manifest());
  ASSERT_EQ(b.size(), kManifestLength);
  EXPECT_EQ(b[0], 0x01);
  EXPECT_EQ(b[1], 'A');
  EXPECT_EQ(to_hex(ByteView(b).subspan(42, 4)), "00000007");
  EXPECT_EQ(to_hex(ByteView(b).subspan(46, 4)), "00002710");
  EXPECT_EQ(to_hex(ByteView(b).subspan(50, 2)), "0400");
  EXPECT_EQ(b[52], 0x11);
  EXPECT_EQ(b[84], 0x22);
  EXPECT_EQ(*parse_manifest(b), sample_manifest());
}

TEST(Manifest, ChunkSizeMustBeAPowerOfTwoInRange) {
  Manifest m = sample_manifest();
  for (std::uint16_t bad : {std::uint16_t{0}, std::uint16_t{128}, std::uint16_t{1000}, std::uint16_t{8192}}) {
    m.chunk_size = bad;
    EXPECT_EQ(parse_manifest(serialize(m)).error().field, "CHUNK_SIZE") << bad;
  }
  m = sample_manifest();
  m.version = 0;
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "VERSION");
  m = sample_manifest();
  m.length = kMaxPackageLength + 1;
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "LENGTH");
}

// REQ-MSG-090: each offer is 181 octets and PKG_INDEX is its position.
// Checks REQ-MSG-090.
TEST(PkgConfirm, OffersAreIndexedByPosition) {
  PkgConfirm c;
  c.offers.push_back({sample_manifest(), {}});
  Manifest second = sample_manifest();
  second.name = "PARAMS";
  second.kind = PackageKind::kParameters;
  c.offers.push_back({second, {}});
  Bytes b = serialize(c);
  ASSERT_EQ(b.size(), 1u + 2u * 181u);
  EXPECT_EQ(*parse_pkg_confirm(b), c);
  b[1 + 181] = 0x00;  // second offer claims index 0
  EXPECT_EQ(parse_pkg_confirm(b).error().field, "PKG_INDEX");
}

TEST(PkgConfirm, DuplicateKindAndNameIsMalformed) {
  PkgConfirm c;
  c.offers = {{sample_manifest(), {}}, {sample_manifest(), {}}};
  EXPECT_EQ(parse_pkg_confirm(serialize(c)).error().field, "OFFER");
}

// REQ-MSG-080
// Checks REQ-MSG-080.
// Checks REQ-MSG-080: installed packages only, each once, in ascending (KIND, NAME) order.
TEST(PkgAnnounce, EntriesAreInstalledUniqueOrderedAndKindsKnown) {
  PkgAnnounce a{1024, {{PackageKind::kApplication, "PAYAPP", 6}, {PackageKind::kApplication, "PAYAPP2", 1},
                       {PackageKind::kDataFile, "BINS", 1}}};
  Bytes b = serialize(a);
  ASSERT_EQ(b.size(), 3u + 3u * 21u);
  EXPECT_EQ(*parse_pkg_announce(b), a);
  b[3] = 'X';
  EXPECT_EQ(parse_pkg_announce(b).error().field, "KIND");
  PkgAnnounce twice = a;
  twice.installed[1] = twice.installed[0];
  EXPECT_EQ(parse_pkg_announce(serialize(twice)).error().field, "ENTRY");
  PkgAnnounce swapped = a;
  std::swap(swapped.installed[0], swapped.installed[2]);  // D before A
  EXPECT_EQ(parse_pkg_announce(serialize(swapped)).error().field, "ENTRY");
  PkgAnnounce none = a;
  none.installed[2].version = 0;  // not installed: not announced
  EXPECT_EQ(parse_pkg_announce(serialize(none)).error().field, "VERSION");
  a = PkgAnnounce{255, {}};
  EXPECT_EQ(parse_pkg_announce(serialize(a)).error().field, "MAX_CHUNK");
}

// Checks REQ-MSG-100.
TEST(FrameMessages, RoundTripAndFieldChecks) {
  const FrameRequest q{2, Section::kData, 41};
  EXPECT_EQ(serialize(q), (Bytes{0x02, 0x02, 0x00, 0x00, 0x00, 0x29}));
  EXPECT_EQ(*parse_frame_request(serialize(q)), q);
  EXPECT_EQ(parse_frame_request(Bytes{0x02, 0x03, 0, 0, 0, 0}).error().field, "SECTION");
  const FrameResponse r{2, Section::kFit, 0, Bytes(32, 0x77)};
  EXPECT_EQ(*parse_frame_response(serialize(r)), r);
  EXPECT_EQ(parse_frame_response(Bytes{0x02, 0x01, 0, 0, 0, 0, 0x00, 0x00}).error().field, "DATA_LEN");
}

TEST(SessionEnd, CarriesAResponseCode) {
  EXPECT_EQ(serialize(SessionEnd{ResponseCode::kApplyFailed}), (Bytes{'2', '2'}));
  EXPECT_EQ(parse_session_end(Bytes{'0', '0'})->result, ResponseCode::kSuccess);
  EXPECT_FALSE(parse_session_end(Bytes{'0', '0', '0'}).ok());
}

}  // namespace
}  // namespace tmsproto::codec
