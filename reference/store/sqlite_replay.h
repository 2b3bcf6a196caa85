// The replay cache on tms.db (REQ-HS-013, REQ-HS-019, REQ-STORE-008): one BEGIN IMMEDIATE
// transaction per T_RAND, so two processes on one store cannot both find it fresh.
#pragma once

#include <cstddef>

#include "store/sqlite_db.h"
#include "tms/ports.h"

namespace tmsproto::store {

class SqliteReplayCache final : public tms::ReplayCache {
 public:
  SqliteReplayCache(Db& db, std::size_t capacity) : db_(db), capacity_(capacity) {}
  tms::ReplayVerdict remember(const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand,
                              std::int64_t expires_s, std::int64_t now_s) override;

 private:
  Result<tms::ReplayVerdict, StoreError> remember_in_transaction(const codec::Identity& id,
                                                                 const std::array<std::uint8_t, 8>& t_rand,
                                                                 std::int64_t expires_s, std::int64_t now_s);
  Db& db_;
  std::size_t capacity_;
};

}  // namespace tmsproto::store
