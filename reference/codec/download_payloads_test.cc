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

// REQ-MSG-090: a FORMAT 0x01 offer is 1 + 2 + 116 + 64 = 183 octets and PKG_INDEX is its position.
// Checks REQ-MSG-090.
TEST(PkgConfirm, OffersAreIndexedByPosition) {
  PkgConfirm c;
  c.offers.push_back({sample_manifest(), {}});
  Manifest second = sample_manifest();
  second.name = "PARAMS";
  second.kind = PackageKind::kParameters;
  c.offers.push_back({second, {}});
  Bytes b = serialize(c);
  ASSERT_EQ(b.size(), 1u + 2u * 183u);
  EXPECT_EQ(to_hex(ByteView(b).subspan(2, 2)), "0074");  // MANIFEST_LEN 116
  EXPECT_EQ(*parse_pkg_confirm(b), c);
  b[1 + 183] = 0x00;  // second offer claims index 0
  EXPECT_EQ(parse_pkg_confirm(b).error().field, "PKG_INDEX");
}

Manifest sample_scoped_manifest() {
  Manifest m = sample_manifest();
  m.kind = PackageKind::kParameters;
  m.name = "MERCHANT";
  m.scope = ManifestScope{"ACQ00001", DateTime{2026, 12, 31, 23, 59, 59}, {"SN0001", "SN0002"}};
  return m;
}

// Checks REQ-MSG-091, REQ-MSG-092: FORMAT 0x02 is the 116-octet layout with FORMAT 0x02, then
// SIGNER_ID at 116, NOT_AFTER at 124, TARGET_COUNT at 131 and the targets from 132, 32 octets each.
TEST(Manifest, Format02LayoutMatchesTheSpecTable) {
  const Bytes b = serialize(sample_scoped_manifest());
  ASSERT_EQ(b.size(), kScopedManifestBaseLength + 2 * 32);
  EXPECT_EQ(b[0], 0x02);
  EXPECT_EQ(b[1], 'P');
  EXPECT_EQ(std::string(b.begin() + 116, b.begin() + 124), "ACQ00001");
  EXPECT_EQ(to_hex(ByteView(b).subspan(124, 7)), "20261231235959");
  EXPECT_EQ(b[131], 2);
  EXPECT_EQ(std::string(b.begin() + 132, b.begin() + 164), "SN0001" + std::string(26, ' '));
  EXPECT_EQ(std::string(b.begin() + 164, b.begin() + 170), "SN0002");
  EXPECT_EQ(*parse_manifest(b), sample_scoped_manifest());
  Manifest any = sample_scoped_manifest();
  any.scope->targets.clear();
  EXPECT_EQ(serialize(any).size(), kScopedManifestBaseLength);
  EXPECT_EQ(*parse_manifest(serialize(any)), any);
}

// Checks REQ-MSG-090, REQ-MSG-092, REQ-MSG-004: each FORMAT 0x02 field is checked, and the first
// failing field names the error.
TEST(Manifest, Format02FieldsAreCheckedInTableOrder) {
  Bytes b = serialize(sample_scoped_manifest());
  b[0] = 0x03;
  EXPECT_EQ(parse_manifest(b).error().field, "FORMAT");
  Manifest m = sample_scoped_manifest();
  m.scope->signer_id = "";
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "SIGNER_ID");
  m = sample_scoped_manifest();
  m.scope->signer_id = "ACQ-01";  // AN only
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "SIGNER_ID");
  m = sample_scoped_manifest();
  m.scope->not_after.month = 13;
  m.scope->targets = {"B", "A"};  // a later field wrong too: NOT_AFTER comes first
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "NOT_AFTER");
  m = sample_scoped_manifest();
  m.scope->targets = {"B", "A"};
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "TARGET");
  m.scope->targets = {"A", "A"};
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "TARGET");
  m.scope->targets = {"A", "A B"};
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "TARGET");
  m.scope->targets.clear();
  for (int i = 0; i < 17; ++i) m.scope->targets.push_back("SN" + std::to_string(100 + i));
  EXPECT_EQ(parse_manifest(serialize(m)).error().field, "TARGET_COUNT");
  m.scope->targets.pop_back();  // 16: the bound
  EXPECT_EQ(serialize(m).size(), kMaxManifestLength);
  EXPECT_EQ(*parse_manifest(serialize(m)), m);
  Bytes short_by_one = serialize(sample_scoped_manifest());
  short_by_one.pop_back();
  EXPECT_EQ(parse_manifest(short_by_one).error().field, "TARGET");
  Bytes trailing = serialize(sample_scoped_manifest());
  trailing.push_back(0x20);
  EXPECT_FALSE(parse_manifest(trailing).ok());
}

// Checks REQ-MSG-090, REQ-MSG-091: MANIFEST_LEN is checked against its range before MANIFEST is
// read, and must frame exactly the manifest its FORMAT and TARGET_COUNT describe.
TEST(PkgConfirm, ManifestLenFramesEachManifestOfEitherFormat) {
  PkgConfirm c;
  c.offers = {{sample_manifest(), {}}, {sample_scoped_manifest(), {}}};
  const Bytes b = serialize(c);
  ASSERT_EQ(b.size(), 1u + 183u + (1u + 2u + 196u + 64u));
  EXPECT_EQ(to_hex(ByteView(b).subspan(1 + 183 + 1, 2)), "00c4");  // 132 + 2 x 32
  EXPECT_EQ(*parse_pkg_confirm(b), c);
  auto with_len = [&b](std::size_t at, std::uint16_t len) {
    Bytes x = b;
    x[at] = static_cast<std::uint8_t>(len >> 8);
    x[at + 1] = static_cast<std::uint8_t>(len);
    return parse_pkg_confirm(x);
  };
  for (std::uint16_t bad : {std::uint16_t{0}, std::uint16_t{115}, std::uint16_t{117}, std::uint16_t{131},
                            std::uint16_t{645}, std::uint16_t{0xffff}}) {
    EXPECT_EQ(with_len(2, bad).error().field, "MANIFEST_LEN") << bad;
  }
  EXPECT_EQ(with_len(2, 132).error().field, "MANIFEST_LEN");  // a 116-octet manifest in 132 octets
  EXPECT_EQ(with_len(1 + 183 + 1, 116).error().field, "SIGNER_ID");  // FORMAT 0x02 cut at 116
  EXPECT_EQ(with_len(1 + 183 + 1, 164).error().field, "TARGET");     // one target short
  Bytes cut = b;
  cut.resize(1 + 183 + 1 + 2 + 100);
  EXPECT_EQ(parse_pkg_confirm(cut).error().field, "MANIFEST");
  PkgConfirm same_name;
  same_name.offers = {{sample_scoped_manifest(), {}}, {sample_scoped_manifest(), {}}};
  same_name.offers[1].manifest.scope.reset();  // another FORMAT, the same (KIND, NAME)
  EXPECT_EQ(parse_pkg_confirm(serialize(same_name)).error().field, "OFFER");
}

// Checks REQ-MSG-092: TARGET_COUNT 0 targets every terminal; otherwise only those listed.
TEST(Manifest, TargetsListsTheTerminalsOrEveryone) {
  const ManifestScope s = *sample_scoped_manifest().scope;
  EXPECT_TRUE(targets(s, "SN0002"));
  EXPECT_FALSE(targets(s, "SN0003"));
  EXPECT_TRUE(targets(ManifestScope{"ACQ00001", {}, {}}, "SN0003"));
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
  // KIND M, the master application, is a KIND like the others (sorted between D and P).
  const PkgAnnounce master{1024, {{PackageKind::kDataFile, "BINS", 1}, {PackageKind::kMaster, "MAIN", 3},
                                  {PackageKind::kParameters, "PARAMS", 1}}};
  EXPECT_EQ(*parse_pkg_announce(serialize(master)), master);
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
