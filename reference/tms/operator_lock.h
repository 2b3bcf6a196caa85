// REQ-OPR-006: the operator lockout with back-off, as pure arithmetic on the TMS's clock. The
// registry persists the state; the engine decides with these two functions.
#pragma once

#include <cstdint>

#include "tms/ports.h"

namespace tmsproto::tms {

inline constexpr std::uint32_t kFailuresBeforeLock = 5;
inline constexpr std::int64_t kFirstLockSeconds = 15 * 60;
inline constexpr std::int64_t kLongestLockSeconds = 24 * 60 * 60;

// Whether the operator is refused at `now_s` (seconds since 2000, the TMS's clock).
bool is_locked(const OperatorLock& lock, std::int64_t now_s);

// The state after one more failed check at `now_s`: from the 5th consecutive failure on, locked
// for 15 minutes, doubled with each further failure, at most 24 hours.
OperatorLock after_failure(const OperatorLock& lock, std::int64_t now_s);

}  // namespace tmsproto::tms
