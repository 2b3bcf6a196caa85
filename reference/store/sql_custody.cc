#include "custody/custody_session.h"
#include "store/key_wrap.h"
#include "store/sql_ports.h"

namespace tmsproto::store {

Result<tms::IssuedDwk, ResponseCode> SqlCustody::issue_dwk(const codec::Identity& id, Profile p,
                                                           const profile::SessionBinding& binding,
                                                           const codec::AuthData& t_data, const codec::AuthData& s_data,
                                                           crypto::RandomSource& rng) {
  auto r = c_.sql->query("SELECT profile, dmk_block FROM terminals WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3",
                         {id.vendor_id, id.model_id, id.serial_no});
  if (!r.ok() || r->empty()) return fail(ResponseCode::kInternalError);
  const auto registered = profile_from_octet(static_cast<std::uint8_t>(r->integer(0, 0)));
  if (!registered) return fail(ResponseCode::kInternalError);
  // REQ-STORE-004: the DMK is in clear only in this SecretBytes, for this one session.
  auto dmk = unwrap_at_rest(c_.storage_key.view(), dmk_record(id), dmk_header(*registered), r->text(0, 1));
  if (!dmk.ok()) return fail(ResponseCode::kInternalError);
  return custody::issue_dwk_under(*registered, dmk->view(), p, binding, t_data, s_data, rng);
}

Result<codec::KeyEntry, ResponseCode> SqlCustody::wrap_key_set_key(const codec::Identity& id,
                                                                   const std::string& key_set_id,
                                                                   const tms::KeySetSlot& slot, Profile p,
                                                                   const profile::HandshakeKeys& keys,
                                                                   crypto::RandomSource& rng) {
  auto r = c_.sql->query(
      "SELECT key_usage, algorithm, mode_of_use, key_length, key_block FROM key_set_slots"
      " WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 AND key_set_id = $4 AND slot = $5",
      {id.vendor_id, id.model_id, id.serial_no, key_set_id, std::int64_t{slot.slot}});
  if (!r.ok() || r->empty()) return fail(ResponseCode::kInternalError);
  const std::string algorithm = r->text(0, 1), mode = r->text(0, 2);
  if (algorithm.size() != 1 || mode.size() != 1) return fail(ResponseCode::kInternalError);
  const profile::SlotRule stored{r->text(0, 0), algorithm[0], mode[0], static_cast<std::size_t>(r->integer(0, 3))};
  auto key = unwrap_at_rest(c_.storage_key.view(), key_record(id, key_set_id, slot.slot), slot_header(stored), r->text(0, 4));
  if (!key.ok()) return fail(ResponseCode::kInternalError);
  return custody::wrap_held_key(key->view(), slot, p, keys, rng);
}

}  // namespace tmsproto::store
