// storage.key: the 32 random octets every key the store holds is wrapped under (REQ-STORE-003). It
// lives beside tms.db, never inside it, so a copy of the database alone reveals no key.
#pragma once

#include <filesystem>

#include "common/result.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "store/store_error.h"

namespace tmsproto::store {

inline constexpr std::size_t kStorageKeyLength = 32;

// Reads `file`, or creates it (mode 0600, from `rng`, atomically) when `may_create`. Refuses a
// file whose mode lets anyone but its owner read or write it, or whose length is not 32 octets.
Result<crypto::SecretBytes, StoreError> load_storage_key(const std::filesystem::path& file, bool may_create,
                                                         crypto::RandomSource& rng);

}  // namespace tmsproto::store
