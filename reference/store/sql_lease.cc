// REQ-SRV-011, REQ-SRV-012: the session lease, one row per terminal in `leases`, on both databases,
// under the name of the instance that took it.
#include "store/sql_ports.h"
#include "store/store_impl.h"

namespace tmsproto::store {
namespace {

// A token nobody else's session has: 63 random bits (the column is a signed 64-bit integer), never 0.
std::int64_t draw_token(crypto::RandomSource& rng) {
  std::array<std::uint8_t, 8> b{};
  rng.fill(b);
  std::uint64_t v = 0;
  for (std::uint8_t x : b) v = (v << 8) | x;
  v &= 0x7FFFFFFFFFFFFFFFULL;
  return static_cast<std::int64_t>(v == 0 ? 1 : v);
}

}  // namespace

Result<std::uint64_t, ResponseCode> SqlRegistry::take_lease(const codec::Identity& id, std::int64_t now_s,
                                                            std::int64_t expires_s) {
  const std::int64_t token = draw_token(*c_.rng);
  // REQ-STORE-015: relaxed on tms.db: a lease matters only while its session lives, and an OS crash
  // that could lose the commit ends every session of the machine with it.
  auto tx = c_.sql->begin(Durability::kRelaxed);
  if (!tx.ok()) return fail(ResponseCode::kInternalError);
  // REQ-SRV-011: one statement decides, on the primary key: a row inserted, or an expired lease
  // taken over, is this session's; a row another session holds unexpired returns nothing.
  auto taken = c_.sql->query(
      "INSERT INTO leases(vendor_id, model_id, serial_no, token, expires_s, holder) VALUES ($1, $2, $3, $4, $5, $7)"
      " ON CONFLICT (vendor_id, model_id, serial_no) DO UPDATE"
      " SET token = excluded.token, expires_s = excluded.expires_s, holder = excluded.holder"
      " WHERE leases.expires_s < $6 RETURNING token",
      {id.vendor_id, id.model_id, id.serial_no, token, expires_s, now_s, c_.instance});
  if (!taken.ok()) return fail(ResponseCode::kInternalError);
  if (!(*tx)->commit().ok()) return fail(ResponseCode::kInternalError);
  if (taken->empty()) return fail(ResponseCode::kResourceLimit);  // [24]
  return static_cast<std::uint64_t>(token);
}

void SqlRegistry::release_lease(const codec::Identity& id, std::uint64_t token) {
  auto tx = c_.sql->begin(Durability::kRelaxed);
  if (!tx.ok()) return;  // the lease then ends at its expiry (REQ-SRV-011)
  auto r = c_.sql->query("DELETE FROM leases WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 AND token = $4",
                         {id.vendor_id, id.model_id, id.serial_no, static_cast<std::int64_t>(token)});
  if (r.ok()) (void)(*tx)->commit();
}

Result<std::int64_t, StoreError> TmsStore::claim_instance(const std::string& instance) {
  StoreContext& c = impl_->c;
  // REQ-SRV-012: a name another running instance holds is refused before any lease is touched;
  // this store holds a name it claimed until it closes.
  if (c.instance != instance) {
    auto held = c.sql->hold_instance_name(instance);
    if (!held.ok()) return fail(held.error());
    if (!*held) {
      return fail(StoreError{"instance name '" + instance + "' is held by another running instance of this store"});
    }
    c.instance = instance;
  }
  // The leases under this name belong to sessions that ended with the process that last held it.
  auto tx = c.sql->begin(Durability::kRelaxed);  // REQ-STORE-015: a lease's writes are relaxed
  if (!tx.ok()) return fail(tx.error());
  auto released = c.sql->query("DELETE FROM leases WHERE holder = $1 RETURNING token", {c.instance});
  if (!released.ok()) return fail(released.error());
  if (auto r = (*tx)->commit(); !r.ok()) return fail(r.error());
  return std::int64_t{released->size()};
}

}  // namespace tmsproto::store
