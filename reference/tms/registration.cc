#include "tms/registration.h"

#include <algorithm>

#include "codec/writer.h"
#include "common/hex.h"
#include "crypto/kdf.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "profile/standard_slots.h"

namespace tmsproto::tms {
namespace {

constexpr std::size_t kEstateKeyLength = 32;  // an AES-256 key

Result<Bytes, RegistrationError> estate_kdf(ByteView estate_key, std::string_view label, ByteView context,
                                            std::size_t out_len) {
  if (estate_key.size() != kEstateKeyLength) return fail(RegistrationError::kBadEstateKey);
  const Bytes label_octets(label.begin(), label.end());
  auto out = crypto::kdf_ctr_cmac(crypto::Cipher::kAes, estate_key, label_octets, context, out_len);
  if (!out.ok()) return fail(RegistrationError::kBadEstateKey);
  return Bytes(out->view().begin(), out->view().end());
}

}  // namespace

char dmk_algorithm(Profile p) { return p == Profile::kLegacy ? 'D' : (p == Profile::kTdes ? 'T' : 'A'); }

Result<Bytes, RegistrationError> dmk_check_value(Profile p, ByteView dmk) {
  if (dmk.size() != key_length(p)) return fail(RegistrationError::kBadKey);
  auto kcv = profile::key_check_value(dmk_algorithm(p), dmk);
  if (!kcv.ok()) return fail(RegistrationError::kBadKey);
  return std::move(kcv).value();
}

Result<DmkFingerprint, RegistrationError> dmk_fingerprint(ByteView estate_key, Profile p, ByteView dmk) {
  if (dmk.size() != key_length(p)) return fail(RegistrationError::kBadKey);
  crypto::SecretBytes context(1 + dmk.size());  // it holds the DMK, so it is wiped when dropped
  context.mutable_view()[0] = static_cast<std::uint8_t>(dmk_algorithm(p));
  std::copy(dmk.begin(), dmk.end(), context.mutable_view().begin() + 1);
  return estate_kdf(estate_key, "TMSP DMK FINGERPRINT", context.view(), 32);  // REQ-KEY-001
}

Result<DmkFingerprint, RegistrationError> check_dmk_unique(ByteView estate_key, Profile p, ByteView dmk,
                                                           const std::vector<DmkFingerprint>& registered) {
  auto fingerprint = dmk_fingerprint(estate_key, p, dmk);
  if (!fingerprint.ok()) return fail(fingerprint.error());
  for (const DmkFingerprint& other : registered) {
    // REQ-KEY-001: a full-length fingerprint, so an equal one is the same key, not a collision.
    if (crypto::ct_equal(*fingerprint, other)) return fail(RegistrationError::kDuplicateDmk);
  }
  return std::move(fingerprint).value();
}

Result<void, RegistrationError> check_key_set(Profile p, const std::vector<KeySetSlot>& slots) {
  // REQ-MSG-060: KEY_COUNT 2-8 for a key download, the DSK and 1-7 keys of the set.
  if (slots.empty() || slots.size() > codec::kMaxKeyEntries - 1) return fail(RegistrationError::kKeySetSize);
  const KeySetSlot* tmk = nullptr;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const KeySetSlot& s = slots[i];
    // REQ-KEY-040, REQ-MSG-060: the KEY_MESSAGE carries the slots strictly ascending.
    if (i > 0 && s.slot <= slots[i - 1].slot) return fail(RegistrationError::kSlotsNotAscending);
    if (profile::check_slot_rule(s.slot, s.rule) != profile::SlotRuleCheck::kAllowed) {
      return fail(RegistrationError::kSlotNotAllowed);  // REQ-KEY-030, REQ-KEY-031, REQ-KEY-038
    }
    if (!profile::can_deliver(p, s.rule)) return fail(RegistrationError::kUndeliverableKey);  // REQ-KEY-014, REQ-KEY-036
    if (s.slot == profile::kTmkSlot) tmk = &s;
  }
  if (tmk != nullptr) {
    const unsigned tmk_strength = profile::security_strength(tmk->rule.algorithm, tmk->rule.key_length);
    for (const KeySetSlot& s : slots) {
      const bool working = profile::slot_range(s.slot) == profile::SlotRange::kStandard && s.slot != profile::kTmkSlot;
      if (working && profile::security_strength(s.rule.algorithm, s.rule.key_length) > tmk_strength) {
        return fail(RegistrationError::kStrongerThanTmk);  // REQ-KEY-037
      }
    }
  }
  return {};
}

Result<codec::OperatorSalt, RegistrationError> decoy_operator_salt(ByteView estate_key, std::string_view vendor_id,
                                                                   std::string_view operator_id) {
  codec::Writer context;
  codec::write_text(context, vendor_id, kVendorIdWidth);
  codec::write_text(context, operator_id, kOperatorIdWidth);
  codec::OperatorSalt salt{};
  auto out = estate_kdf(estate_key, "TMSP OPV DECOY", context.view(), salt.size());  // REQ-OPR-007
  if (!out.ok()) return fail(out.error());
  std::copy(out->begin(), out->end(), salt.begin());
  return salt;
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
