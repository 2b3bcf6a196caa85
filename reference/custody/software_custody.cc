#include "custody/software_custody.h"

#include "custody/custody_session.h"

namespace tmsproto::custody {

Result<void, tms::RegistrationError> SoftwareCustody::add_dmk(const codec::Identity& id, Profile p,
                                                              crypto::SecretBytes dmk) {
  std::vector<tms::DmkFingerprint> registered;
  for (const auto& [terminal, other] : dmks_) {
    if (terminal != key_of(id)) registered.push_back(other.fingerprint);
  }
  auto fingerprint = tms::check_dmk_unique(fingerprint_key_.view(), p, dmk.view(), registered);  // REQ-KEY-001
  if (!fingerprint.ok()) return fail(fingerprint.error());
  dmks_[key_of(id)] = Dmk{p, std::move(dmk), std::move(fingerprint).value()};
  return {};
}

Result<void, tms::RegistrationError> SoftwareCustody::add_key_set_key(const codec::Identity& id,
                                                                      const std::string& key_set_id,
                                                                      const tms::KeySetSlot& slot,
                                                                      crypto::SecretBytes key) {
  if (key.size() != slot.rule.key_length) return fail(tms::RegistrationError::kBadKey);
  key_set_keys_[{key_of(id), key_set_id, slot.slot}] = std::move(key);
  return {};
}

Bytes SoftwareCustody::dmk_check_value(const codec::Identity& id) const {
  const auto it = dmks_.find(key_of(id));
  if (it == dmks_.end()) return {};
  auto kcv = tms::dmk_check_value(it->second.profile, it->second.key.view());  // REQ-KEY-005
  return kcv.ok() ? std::move(kcv).value() : Bytes{};
}

Result<tms::IssuedDwk, ResponseCode> SoftwareCustody::issue_dwk(const codec::Identity& id, Profile p,
                                                                const profile::SessionBinding& binding,
                                                                const codec::AuthData& t_data,
                                                                const codec::AuthData& s_data,
                                                                crypto::RandomSource& rng) {
  const auto it = dmks_.find(key_of(id));
  if (it == dmks_.end()) return fail(ResponseCode::kInternalError);
  return issue_dwk_under(it->second.profile, it->second.key.view(), p, binding, t_data, s_data, rng);
}

Result<codec::KeyEntry, ResponseCode> SoftwareCustody::wrap_key_set_key(const codec::Identity& id,
                                                                        const std::string& key_set_id,
                                                                        const tms::KeySetSlot& slot, Profile p,
                                                                        const profile::HandshakeKeys& keys,
                                                                        crypto::RandomSource& rng) {
  const auto it = key_set_keys_.find({key_of(id), key_set_id, slot.slot});
  if (it == key_set_keys_.end()) return fail(ResponseCode::kInternalError);
  return wrap_held_key(it->second.view(), slot, p, keys, rng);
}

}  // namespace tmsproto::custody
