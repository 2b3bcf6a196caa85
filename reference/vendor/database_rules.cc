#include "vendor/database_rules.h"

#include <algorithm>

#include "codec/fields.h"
#include "protocol/constants.h"

namespace tmsproto::vendor {

bool valid_vendor_id(std::string_view id) {
  return codec::valid_text(id, kVendorIdWidth, codec::CharSet::kAn, codec::Emptiness::kRequired);
}

std::optional<codec::Offer> offer_from_octets(ByteView manifest, ByteView signature, const std::string& vendor_id) {
  auto m = codec::parse_manifest(manifest);
  if (!m.ok() || signature.size() != codec::kSignatureLength) return std::nullopt;
  // REQ-TMS-027: a database returns manifests of its own vendor only; one of another vendor is a
  // defect of the database, not a candidate.
  if (m->vendor_id != vendor_id) return std::nullopt;
  codec::Offer o;
  o.manifest = std::move(*m);
  std::copy(signature.begin(), signature.end(), o.signature.begin());
  return o;
}

bool terminal_listed(std::string_view text, std::string_view model_id, std::string_view serial_no) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    // REQ-VND-012: both fields compared exactly; MODEL_ID and SERIAL_NO hold no space (ANS).
    if (line.substr(0, sp) == model_id && line.substr(sp + 1) == serial_no) return true;
  }
  return false;
}

}  // namespace tmsproto::vendor
