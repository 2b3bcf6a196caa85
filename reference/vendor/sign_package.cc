#include "vendor/sign_package.h"

#include <algorithm>

#include "crypto/digest.h"
#include "crypto/signature.h"

namespace tmsproto::vendor {

Bytes compute_fit(ByteView content, std::uint16_t chunk_size) {
  Bytes fit;
  if (chunk_size == 0) return fit;
  for (std::size_t start = 0; start < content.size(); start += chunk_size) {  // REQ-DL-012
    const std::size_t end = std::min(content.size(), start + chunk_size);
    const auto d = crypto::sha256(content.subspan(start, end - start));
    fit.insert(fit.end(), d.begin(), d.end());
  }
  return fit;
}

namespace {

codec::Manifest manifest_of(const PackageDraft& draft, ByteView content, ByteView fit) {
  codec::Manifest m;
  m.scope = draft.scope;  // REQ-MSG-092
  m.kind = draft.kind;
  m.name = draft.name;
  m.vendor_id = draft.vendor_id;
  m.model_id = draft.model_id;
  m.version = draft.version;
  m.length = static_cast<std::uint32_t>(content.size());
  m.chunk_size = draft.chunk_size;
  m.pkg_digest = crypto::sha256(content);
  m.fit_digest = crypto::sha256(fit);
  return m;
}

}  // namespace

SignedPackage sign_package_unchecked(const PackageDraft& draft, Bytes content, ByteView signer_private_key,
                                     crypto::RandomSource& rng) {
  SignedPackage p;
  p.fit = compute_fit(content, draft.chunk_size);
  p.offer.manifest = manifest_of(draft, content, p.fit);
  // REQ-VND-001: the signature covers the MANIFEST octets exactly as they are sent (REQ-MSG-091).
  auto sig = crypto::ecdsa_p256_sign(signer_private_key, codec::serialize(p.offer.manifest), rng);
  if (sig.ok()) std::copy(sig->begin(), sig->end(), p.offer.signature.begin());
  p.content = std::move(content);
  return p;
}

Result<SignedPackage, std::string> sign_package(const PackageDraft& draft, Bytes content,
                                                ByteView signer_private_key, crypto::RandomSource& rng) {
  // REQ-VND-002: refuse before signing anything a terminal would refuse as malformed.
  if (content.empty() || content.size() > codec::kMaxPackageLength) {
    return fail("content: " + std::to_string(content.size()) + " octets, not 1-67108864 (LENGTH, REQ-MSG-090)");
  }
  if (!crypto::ecdsa_p256_public_key(signer_private_key).ok()) {
    return fail(std::string("private key: not a P-256 private key (REQ-CRYPTO-013)"));
  }
  SignedPackage p = sign_package_unchecked(draft, std::move(content), signer_private_key, rng);
  if (auto defect = package_defect(p)) return fail(std::move(*defect));
  return p;
}

std::optional<std::string> package_defect(const SignedPackage& p) {
  const codec::Manifest& m = p.offer.manifest;
  // REQ-VND-002: the manifest must read back as itself, so every field follows REQ-MSG-090..092
  // (a text field too long for its width, a CHUNK_SIZE off the list, unsorted TARGETs...).
  auto parsed = codec::parse_manifest(codec::serialize(m));
  if (!parsed.ok()) return "manifest: " + std::string(parsed.error().field) + " is not valid (REQ-MSG-090..092)";
  if (!(*parsed == m)) return std::string("manifest: a text field does not fit its width (REQ-MSG-010)");
  if (p.content.size() != m.length) return std::string("content: its length is not LENGTH (REQ-DL-012)");
  if (crypto::sha256(p.content) != m.pkg_digest) return std::string("content: PKG_DIGEST does not match");
  if (p.fit != compute_fit(p.content, m.chunk_size)) return std::string("FIT: not the pieces' digests (REQ-DL-012)");
  if (crypto::sha256(p.fit) != m.fit_digest) return std::string("FIT: FIT_DIGEST does not match (REQ-DL-012)");
  return std::nullopt;
}

}  // namespace tmsproto::vendor
