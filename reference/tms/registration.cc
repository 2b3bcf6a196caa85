#include "tms/registration.h"

#include "common/hex.h"
#include "crypto/block_cipher.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"

namespace tmsproto::tms {

Result<Bytes, RegistrationError> dmk_check_value(Profile p, ByteView dmk) {
  if (dmk.size() != key_length(p)) return fail(RegistrationError::kBadKey);
  const char algorithm = p == Profile::kLegacy ? 'D' : (p == Profile::kTdes ? 'T' : 'A');
  auto kcv = profile::key_check_value(algorithm, dmk);
  if (!kcv.ok()) return fail(RegistrationError::kBadKey);
  return std::move(kcv).value();
}

Result<Bytes, RegistrationError> check_dmk_unique(Profile p, ByteView dmk,
                                                  const std::vector<Bytes>& registered_check_values) {
  auto kcv = dmk_check_value(p, dmk);
  if (!kcv.ok()) return fail(kcv.error());
  for (const Bytes& other : registered_check_values) {
    // A check value is not secret, but comparing in constant time costs nothing (REQ-CRYPTO-014).
    if (crypto::ct_equal(*kcv, other)) return fail(RegistrationError::kDuplicateDmk);
  }
  return std::move(kcv).value();
}

std::string format_estate_report(const std::vector<EstateLine>& lines) {
  std::string out = "vendor   model            serial                           algorithm  DMK KCV\n";
  for (const EstateLine& l : lines) {
    auto pad = [](const std::string& s, std::size_t w) { return s + std::string(s.size() < w ? w - s.size() : 1, ' '); };
    out += pad(l.id.vendor_id, 9) + pad(l.id.model_id, 17) + pad(l.id.serial_no, 33) +
           pad(std::string(name(l.profile)), 11) + to_hex(l.dmk_check_value) + "\n";
  }
  return out;
}

}  // namespace tmsproto::tms
