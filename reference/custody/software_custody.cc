#include "custody/software_custody.h"

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
  if (it == dmks_.end() || it->second.profile != p) return fail(ResponseCode::kInternalError);
  crypto::SecretBytes dwk = profile::generate_key(p, rng);  // REQ-HS-014
  // REQ-HS-017: DWK_1 carries the binding; REQ-SEC-002: DWK leaves only wrapped under the DMK.
  auto dwk1 = profile::wrap_dwk(p, it->second.key.view(), dwk.view(), binding, rng);
  if (!dwk1.ok()) return fail(dwk1.error());
  auto keys = profile::derive_handshake_keys(p, std::move(dwk), t_data, s_data);  // REQ-CRYPTO-030
  if (!keys.ok()) return fail(keys.error());
  return tms::IssuedDwk{std::move(dwk1).value(), std::move(keys).value()};
}

Result<codec::KeyEntry, ResponseCode> SoftwareCustody::wrap_key_set_key(const codec::Identity& id,
                                                                        const std::string& key_set_id,
                                                                        const tms::KeySetSlot& slot, Profile p,
                                                                        const profile::HandshakeKeys& keys,
                                                                        crypto::RandomSource& rng) {
  const auto it = key_set_keys_.find({key_of(id), key_set_id, slot.slot});
  if (it == key_set_keys_.end()) return fail(ResponseCode::kInternalError);
  auto block = profile::wrap_key(p, keys, slot.rule, it->second.view(), rng);  // REQ-CRYPTO-035
  auto kcv = profile::key_check_value(slot.rule.algorithm, it->second.view());  // REQ-CRYPTO-037
  if (!block.ok() || !kcv.ok()) return fail(ResponseCode::kInternalError);
  return codec::KeyEntry{slot.slot, std::move(kcv).value(), std::move(block).value()};
}

}  // namespace tmsproto::custody
