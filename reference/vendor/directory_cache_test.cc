// The directory database's listing cache for `piece` (REQ-VND-015): used once its stamps have
// settled, dropped by a publish, a removal or a rewritten manifest, and never the source of a
// piece's octets, which always come from the file (REQ-VND-013).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "session/download_math.h"
#include "vendor/directory_vendor.h"
#include "vendor/piece_range.h"
#include "vendor/test_support.h"

namespace tmsproto::vendor {
namespace {

namespace fs = std::filesystem;
using testing::Catalogue;
using testing::kVendor;
using testing::TempDir;

Bytes file_octets(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every piece of both sections of `p`, compared with the octets of the files `publish` wrote.
void expect_every_piece_is_the_files(DirectoryVendor& v, const SignedPackage& p, const fs::path& folder) {
  for (codec::Section s : {codec::Section::kFit, codec::Section::kData}) {
    const Bytes whole = file_octets(folder / (s == codec::Section::kFit ? "fit" : "content"));
    const std::uint32_t n = session::piece_count(p.offer.manifest, s);
    for (std::uint32_t i = 0; i < n; ++i) {
      const PieceRange r = piece_range(p.offer.manifest, s, i);
      auto got = v.piece({kVendor, p.offer.manifest, s, i});
      ASSERT_TRUE(got.ok()) << p.offer.manifest.name << " piece " << i;
      const auto end = std::min<std::uint64_t>(whole.size(), r.offset + r.length);
      EXPECT_EQ(*got, Bytes(whole.begin() + static_cast<std::ptrdiff_t>(r.offset),
                            whole.begin() + static_cast<std::ptrdiff_t>(end)))
          << p.offer.manifest.name << " piece " << i;
    }
  }
}

// REQ-VND-015, REQ-VND-011, REQ-VND-013: a listing is reused only once settled; a package
// published, a folder removed or a manifest rewritten while the adapter serves is seen at the next
// piece; every piece, from the cache or not, is the file's octets.
TEST(DirectoryCache, ServesTheFilesOctetsAndSeesEveryChange) {
  TempDir t;
  const Catalogue c = testing::make_catalogue();
  const fs::path root = t.path() / "db";
  std::vector<fs::path> folders;
  for (std::size_t i = 0; i < 3; ++i) folders.push_back(*publish_to_directory(root, c.packages[i]));
  auto v = DirectoryVendor::open(root);
  ASSERT_TRUE(v.ok()) << v.error();
  DirectoryVendor& db = **v;

  // Just published: not settled, so every call lists afresh, as without a cache.
  expect_every_piece_is_the_files(db, c.packages[0], folders[0]);
  const std::size_t unsettled = db.piece_listings();
  EXPECT_GE(unsettled, session::piece_count(c.packages[0].offer.manifest, codec::Section::kData));

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_TRUE(db.piece({kVendor, c.packages[0].offer.manifest, codec::Section::kData, 0}).ok());
  const std::size_t settled = db.piece_listings();
  for (std::size_t i = 0; i < 3; ++i) expect_every_piece_is_the_files(db, c.packages[i], folders[i]);
  EXPECT_EQ(db.piece_listings(), settled) << "settled stamps: the listing is reused";

  // A package published while the adapter serves is served at the next piece.
  auto added = publish_to_directory(root, c.packages[3]);
  ASSERT_TRUE(added.ok()) << added.error();
  expect_every_piece_is_the_files(db, c.packages[3], *added);
  EXPECT_GT(db.piece_listings(), settled);

  // A folder removed: its package is no longer found.
  fs::remove_all(folders[1]);
  EXPECT_EQ(db.piece({kVendor, c.packages[1].offer.manifest, codec::Section::kData, 0}).error(),
            tms::VendorError::kNotFound);

  // A manifest rewritten in place (same file, same size: only its times change) with another
  // package's: the old manifest is no longer served from that folder.
  const Bytes other = file_octets(folders[2] / "manifest");
  ASSERT_EQ(other.size(), file_octets(folders[0] / "manifest").size());
  {
    std::ofstream out(folders[0] / "manifest", std::ios::binary | std::ios::in | std::ios::out);
    out.write(reinterpret_cast<const char*>(other.data()), static_cast<std::streamsize>(other.size()));
  }
  EXPECT_EQ(db.piece({kVendor, c.packages[0].offer.manifest, codec::Section::kData, 0}).error(),
            tms::VendorError::kNotFound);
}

}  // namespace
}  // namespace tmsproto::vendor
