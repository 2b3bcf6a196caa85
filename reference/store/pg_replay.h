// The replay cache port on PostgreSQL. Internal to the store: PgStore hands it out.
#pragma once

#include <cstddef>

#include "store/pg_db.h"
#include "tms/ports.h"

namespace tmsproto::store {

class PgReplayCache final : public tms::ReplayCache {
 public:
  PgReplayCache(PgConn& c, std::size_t capacity) : c_(c), capacity_(capacity) {}
  tms::ReplayVerdict remember(const codec::Identity& id, const std::array<std::uint8_t, 8>& t_rand,
                              std::int64_t expires_s, std::int64_t now_s) override;

 private:
  Result<tms::ReplayVerdict, StoreError> remember_in_transaction(const codec::Identity& id,
                                                                 const std::array<std::uint8_t, 8>& t_rand,
                                                                 std::int64_t expires_s, std::int64_t now_s);
  PgConn& c_;
  std::size_t capacity_;
};

}  // namespace tmsproto::store
