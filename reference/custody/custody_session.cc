#include "custody/custody_session.h"

namespace tmsproto::custody {

Result<tms::IssuedDwk, ResponseCode> issue_dwk_under(Profile dmk_profile, ByteView dmk, Profile p,
                                                     const profile::SessionBinding& binding,
                                                     const codec::AuthData& t_data, const codec::AuthData& s_data,
                                                     crypto::RandomSource& rng) {
  if (dmk_profile != p) return fail(ResponseCode::kInternalError);
  crypto::SecretBytes dwk = profile::generate_key(p, rng);  // REQ-HS-014
  // REQ-HS-017: DWK_1 carries the binding; REQ-SEC-002: DWK leaves only wrapped under the DMK.
  auto dwk1 = profile::wrap_dwk(p, dmk, dwk.view(), binding, rng);
  if (!dwk1.ok()) return fail(dwk1.error());
  auto keys = profile::derive_handshake_keys(p, std::move(dwk), t_data, s_data);  // REQ-CRYPTO-030
  if (!keys.ok()) return fail(keys.error());
  return tms::IssuedDwk{std::move(dwk1).value(), std::move(keys).value()};
}

Result<codec::KeyEntry, ResponseCode> wrap_held_key(ByteView key, const tms::KeySetSlot& slot, Profile p,
                                                    const profile::HandshakeKeys& keys, crypto::RandomSource& rng) {
  auto block = profile::wrap_key(p, keys, slot.rule, key, rng);         // REQ-CRYPTO-035
  auto kcv = profile::key_check_value(slot.rule.algorithm, key);        // REQ-CRYPTO-037
  if (!block.ok() || !kcv.ok()) return fail(ResponseCode::kInternalError);
  return codec::KeyEntry{slot.slot, std::move(kcv).value(), std::move(block).value()};
}

}  // namespace tmsproto::custody
