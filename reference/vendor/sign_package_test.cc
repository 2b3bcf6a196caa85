// The vendor's signing tool (spec/17 17.1) and its key file (17.2).
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/digest.h"
#include "sim/memory_ports.h"
#include "vendor/test_support.h"
#include "vendor/vendor_key.h"

namespace tmsproto::vendor {
namespace {

using testing::TempDir;

PackageDraft draft() { return {codec::PackageKind::kApplication, "PAYAPP", "ACME", "POS-X1", 3, 256, std::nullopt}; }

TEST(SignPackage, SignsTheManifestOctetsAndComputesTheFit) {
  // REQ-VND-001: SIGNATURE over the MANIFEST as serialised; FIT and digests of REQ-DL-012.
  crypto::DeterministicRandom rng(1);
  auto key = crypto::ecdsa_p256_generate(rng);
  Bytes content(1000, 0x5A);
  auto p = sign_package(draft(), content, key->private_key.view(), rng);
  ASSERT_TRUE(p.ok()) << p.error();
  const codec::Manifest& m = p->offer.manifest;
  EXPECT_EQ(m.format(), codec::kFormatVendor);
  EXPECT_EQ(m.length, 1000u);
  EXPECT_EQ(p->fit.size(), 32u * 4);  // ceil(1000 / 256) pieces
  const auto piece0 = crypto::sha256(ByteView(content).first(256));
  EXPECT_EQ(Bytes(p->fit.begin(), p->fit.begin() + 32), Bytes(piece0.begin(), piece0.end()));
  EXPECT_EQ(m.fit_digest, crypto::sha256(p->fit));
  EXPECT_EQ(m.pkg_digest, crypto::sha256(content));
  EXPECT_TRUE(crypto::ecdsa_p256_verify(key->public_key, codec::serialize(m), p->offer.signature).ok());
  EXPECT_FALSE(package_defect(*p).has_value());
}

TEST(SignPackage, AScopeMakesAFormat02Manifest) {
  // REQ-VND-001: with a scope, FORMAT 0x02 (REQ-MSG-092), signed by whoever holds the key.
  crypto::DeterministicRandom rng(2);
  auto key = crypto::ecdsa_p256_generate(rng);
  PackageDraft d = draft();
  d.scope = codec::ManifestScope{"ACQ1", {2031, 6, 30, 23, 59, 59}, {"S1", "S2"}};
  auto p = sign_package(d, Bytes(10, 1), key->private_key.view(), rng);
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->offer.manifest.format(), codec::kFormatScoped);
  EXPECT_EQ(codec::serialize(p->offer.manifest).size(), codec::kScopedManifestBaseLength + 64);
  EXPECT_TRUE(crypto::ecdsa_p256_verify(key->public_key, codec::serialize(p->offer.manifest), p->offer.signature).ok());
}

TEST(SignPackage, RefusesWhatATerminalWouldRefuse) {
  // REQ-VND-002: every defect named, nothing signed.
  crypto::DeterministicRandom rng(3);
  auto key = crypto::ecdsa_p256_generate(rng);
  auto refused = [&](PackageDraft d, Bytes content, ByteView k) {
    auto p = sign_package(d, std::move(content), k, rng);
    EXPECT_FALSE(p.ok());
    return p.ok() ? std::string() : p.error();
  };
  EXPECT_NE(refused(draft(), {}, key->private_key.view()).find("LENGTH"), std::string::npos);
  PackageDraft chunk = draft();
  chunk.chunk_size = 300;
  EXPECT_NE(refused(chunk, Bytes(10), key->private_key.view()).find("CHUNK_SIZE"), std::string::npos);
  PackageDraft long_name = draft();
  long_name.name = "A-NAME-LONGER-THAN-16";
  EXPECT_NE(refused(long_name, Bytes(10), key->private_key.view()).find("width"), std::string::npos);
  PackageDraft version = draft();
  version.version = 0;
  EXPECT_NE(refused(version, Bytes(10), key->private_key.view()).find("VERSION"), std::string::npos);
  PackageDraft targets = draft();
  targets.scope = codec::ManifestScope{"ACQ1", {2031, 1, 1, 0, 0, 0}, {"S2", "S1"}};  // not ascending
  EXPECT_NE(refused(targets, Bytes(10), key->private_key.view()).find("TARGET"), std::string::npos);
  EXPECT_NE(refused(draft(), Bytes(10), Bytes(32, 0)).find("private key"), std::string::npos);
}

TEST(SignPackage, TheTestEstateSignsWithTheSameTool) {
  // REQ-VND-001: sim::make_package is sign_package_unchecked, draw for draw.
  crypto::DeterministicRandom a(4), b(4);
  auto key = crypto::ecdsa_p256_generate(a);
  (void)crypto::ecdsa_p256_generate(b);
  const codec::Identity id{"ACME", "POS-X1", "S1"};
  auto via_sim = sim::make_package(codec::PackageKind::kDataFile, "LOGO", id, 2, Bytes(700, 9), 512,
                                   key->private_key.view(), a);
  PackageDraft d{codec::PackageKind::kDataFile, "LOGO", "ACME", "POS-X1", 2, 512, std::nullopt};
  auto direct = sign_package(d, Bytes(700, 9), key->private_key.view(), b);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(via_sim.offer, direct->offer);
  EXPECT_EQ(via_sim.fit, direct->fit);
}

TEST(PackageDefect, NamesAContentOrFitThatDoesNotMatch) {
  // REQ-VND-014: what publishing refuses.
  crypto::DeterministicRandom rng(5);
  auto key = crypto::ecdsa_p256_generate(rng);
  auto p = *sign_package(draft(), Bytes(600, 3), key->private_key.view(), rng);
  SignedPackage content = p;
  content.content[5] ^= 1;
  EXPECT_NE(package_defect(content)->find("PKG_DIGEST"), std::string::npos);
  SignedPackage fit = p;
  fit.fit.pop_back();
  EXPECT_NE(package_defect(fit)->find("FIT"), std::string::npos);
  SignedPackage length = p;
  length.content.push_back(0);
  EXPECT_NE(package_defect(length)->find("LENGTH"), std::string::npos);
}

TEST(VendorKey, GeneratedFileIsMode0600AndReadsBack) {
  // REQ-VND-003: created 0600, read back to the same pair, which signs.
  TempDir t;
  crypto::DeterministicRandom rng(6);
  const auto file = t.path() / "vendor.key";
  auto pub = generate_vendor_key(file, rng);
  ASSERT_TRUE(pub.ok()) << pub.error();
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto key = read_vendor_key(file);
  ASSERT_TRUE(key.ok()) << key.error();
  EXPECT_EQ(key->public_key, *pub);
  auto p = sign_package(draft(), Bytes(10, 1), key->private_key.view(), rng);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(crypto::ecdsa_p256_verify(*pub, codec::serialize(p->offer.manifest), p->offer.signature).ok());
}

TEST(VendorKey, NeverReplacesAnExistingFile) {
  // REQ-VND-003: O_EXCL: a second keygen into the same path fails and leaves the first key.
  TempDir t;
  crypto::DeterministicRandom rng(7);
  const auto file = t.path() / "vendor.key";
  auto first = generate_vendor_key(file, rng);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(generate_vendor_key(file, rng).ok());
  EXPECT_EQ(read_vendor_key(file)->public_key, *first);
}

TEST(VendorKey, RefusesAFileOthersCanRead) {
  // REQ-VND-003.
  TempDir t;
  crypto::DeterministicRandom rng(8);
  const auto file = t.path() / "vendor.key";
  ASSERT_TRUE(generate_vendor_key(file, rng).ok());
  ::chmod(file.c_str(), 0644);
  auto key = read_vendor_key(file);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().find("group or others"), std::string::npos);
}

TEST(VendorKey, RefusesEveryMalformedFileWithOneLine) {
  // REQ-VND-003: the format of 17.2 exactly; a public key that is not the private key's.
  TempDir t;
  crypto::DeterministicRandom rng(9);
  auto other = crypto::ecdsa_p256_generate(rng);
  const auto good = t.path() / "good.key";
  ASSERT_TRUE(generate_vendor_key(good, rng).ok());
  std::string text;
  {
    std::ifstream in(good);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::size_t pub_at = text.find("public ");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "first line"},
      {"tmsproto-vendor-key 2\n", "first line"},
      {text.substr(0, text.find("private ")), "private"},
      {text.substr(0, pub_at) + "public 04\n", "public"},
      {text.substr(0, pub_at) + "public " + to_hex(other->public_key) + "\n", "not the public key"},
      {text + "extra\n", "after"},
      {std::string(5000, 'x'), "longer"},
  };
  int n = 0;
  for (const auto& [content, why] : cases) {
    const auto file = t.path() / ("bad" + std::to_string(n++));
    {
      std::ofstream out(file);
      out << content;
    }
    ::chmod(file.c_str(), 0600);
    auto key = read_vendor_key(file);
    ASSERT_FALSE(key.ok()) << content;
    EXPECT_NE(key.error().find(why), std::string::npos) << key.error();
    EXPECT_EQ(key.error().find('\n'), std::string::npos);
  }
  EXPECT_FALSE(read_vendor_key(t.path() / "absent").ok());
}

}  // namespace
}  // namespace tmsproto::vendor
