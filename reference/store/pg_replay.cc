// The replay cache on PostgreSQL (REQ-HS-013, REQ-HS-019, REQ-STORE-018, REQ-STORE-019).
#include "store/pg_replay.h"

namespace tmsproto::store {

tms::ReplayVerdict PgReplayCache::remember(const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand,
                                           std::int64_t expires_s, std::int64_t now_s) {
  auto verdict = remember_in_transaction(id, t_rand, expires_s, now_s);
  // REQ-STORE-019: a database that does not answer cannot promise the request is fresh: 96.
  return verdict.ok() ? *verdict : tms::ReplayVerdict::kFull;
}

Result<tms::ReplayVerdict, StoreError> PgReplayCache::remember_in_transaction(
    const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand, std::int64_t expires_s, std::int64_t now_s) {
  const ByteView rand(t_rand.data(), t_rand.size());
  const std::vector<PgParam> key{id.vendor_id, id.model_id, id.serial_no, rand};
  auto tx = PgTransaction::begin(c_);
  if (!tx.ok()) return fail(tx.error());
  // REQ-HS-019: the capacity, by a count in this transaction (REQ-STORE-018 says by how much
  // instances inserting at once may pass it). Only when full are expired entries deleted, and
  // never one before its expiry.
  auto count = [&]() -> Result<std::int64_t, StoreError> {
    auto n = c_.exec("SELECT count(*) FROM replay");
    if (!n.ok()) return fail(n.error());
    return n->integer(0, 0).value_or(0);
  };
  auto n = count();
  if (!n.ok()) return fail(n.error());
  if (static_cast<std::size_t>(*n) >= capacity_) {
    // One purge at a time across instances: two DELETEs of overlapping expired rows could lock them
    // in opposite orders and deadlock, and the loser would answer 96. Only a full cache gets here.
    if (auto r = c_.exec("SELECT pg_advisory_xact_lock(1414353745)"); !r.ok()) return fail(r.error());
    if (auto r = c_.exec("DELETE FROM replay WHERE expires_s < $1", {now_s}); !r.ok()) return fail(r.error());
    n = count();
    if (!n.ok()) return fail(n.error());
    if (static_cast<std::size_t>(*n) >= capacity_) {
      // Full of entries that may not go yet: a T_RAND already here is "seen", any other refused
      // (its expired entry, if it had one, was just deleted). This branch never answers "fresh".
      auto known = c_.exec("SELECT 1 FROM replay WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 AND t_rand = $4",
                           key);
      if (!known.ok()) return fail(known.error());
      if (auto r = tx->commit(); !r.ok()) return fail(r.error());  // keeps the deletion of expired entries
      return known->size() > 0 ? tms::ReplayVerdict::kSeen : tms::ReplayVerdict::kFull;
    }
  }
  // REQ-STORE-018: the one statement that decides. The primary key makes every other connection
  // that inserts the same T_RAND wait for this transaction and then find the row; only a row
  // inserted here, or an expired one taken over here (REQ-HS-013: now past its expiry), is fresh.
  std::vector<PgParam> put = key;
  put.emplace_back(expires_s);
  put.emplace_back(now_s);
  auto inserted = c_.exec(
      "INSERT INTO replay (vendor_id, model_id, serial_no, t_rand, expires_s) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (vendor_id, model_id, serial_no, t_rand) DO UPDATE SET expires_s = EXCLUDED.expires_s "
      "WHERE replay.expires_s < $6 RETURNING 1",
      put);
  if (!inserted.ok()) return fail(inserted.error());
  // REQ-STORE-008, REQ-STORE-019: committed with synchronous_commit on before the engine goes on.
  if (auto r = tx->commit(); !r.ok()) return fail(r.error());
  return inserted->size() == 1 ? tms::ReplayVerdict::kFresh : tms::ReplayVerdict::kSeen;
}

}  // namespace tmsproto::store
