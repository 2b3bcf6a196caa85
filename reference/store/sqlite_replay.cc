#include "store/sqlite_replay.h"

namespace tmsproto::store {

tms::ReplayVerdict SqliteReplayCache::remember(const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand,
                                            std::int64_t expires_s, std::int64_t now_s) {
  auto verdict = remember_in_transaction(id, t_rand, expires_s, now_s);
  // A store that cannot answer cannot promise the request is fresh: refuse it (96) rather than
  // risk serving a replay (REQ-STORE-008).
  return verdict.ok() ? *verdict : tms::ReplayVerdict::kFull;
}

Result<tms::ReplayVerdict, StoreError> SqliteReplayCache::remember_in_transaction(
    const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand, std::int64_t expires_s, std::int64_t now_s) {
  // One write transaction: two servers on one store cannot both find a T_RAND fresh.
  // REQ-STORE-008: Durability::kFull, set on the connection for this transaction.
  auto tx = Transaction::begin(db_, Durability::kFull);
  if (!tx.ok()) return fail(tx.error());
  const ByteView rand(t_rand.data(), t_rand.size());
  std::optional<std::int64_t> known;
  {
    Stmt s(db_, "SELECT expires_s FROM replay WHERE vendor_id = ? AND model_id = ? AND serial_no = ? AND t_rand = ?");
    s.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no).bind(4, rand);
    if (s.step()) known = s.integer(0);
    if (s.error()) return fail(*s.error());
  }
  if (known && now_s <= *known) return tms::ReplayVerdict::kSeen;  // REQ-HS-013
  auto count = [&]() -> Result<std::int64_t, StoreError> {
    Stmt s(db_, "SELECT count(*) FROM replay");
    if (!s.step()) return fail(s.error() ? *s.error() : db_.error("count"));
    return s.integer(0);
  };
  if (!known) {
    auto n = count();
    if (!n.ok()) return fail(n.error());
    if (static_cast<std::size_t>(*n) >= capacity_) {
      Stmt forget(db_, "DELETE FROM replay WHERE expires_s < ?");  // only what may go: now > expiry
      if (auto r = forget.bind(1, now_s).run(); !r.ok()) return fail(r.error());
      n = count();
      if (!n.ok()) return fail(n.error());
      // REQ-HS-019: never forget early. The transaction is committed for the expiry it did.
      if (static_cast<std::size_t>(*n) >= capacity_) {
        if (auto r = tx->commit(); !r.ok()) return fail(r.error());
        return tms::ReplayVerdict::kFull;
      }
    }
  }
  Stmt put(db_,
           "INSERT OR REPLACE INTO replay(vendor_id, model_id, serial_no, t_rand, expires_s) VALUES (?, ?, ?, ?, ?)");
  put.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no).bind(4, rand).bind(5, expires_s);
  if (auto r = put.run(); !r.ok()) return fail(r.error());
  // REQ-STORE-008: committed (synchronous=FULL) before the engine goes on, so a restart remembers it.
  if (auto r = tx->commit(); !r.ok()) return fail(r.error());
  return tms::ReplayVerdict::kFresh;
}

}  // namespace tmsproto::store
