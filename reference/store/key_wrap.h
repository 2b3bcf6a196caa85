// Keys at rest (REQ-STORE-004): every DMK, key-set key and operator verifier is written to tms.db
// only as a TR-31 version D key block (AES-256 CBC + CMAC, authenticated) under a key derived from
// storage.key for that one record. Deriving per record binds a block to its row: a block copied
// into another terminal's row fails its MAC instead of serving that terminal with a stranger's DMK.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "keyblock/tr31.h"
#include "profile/profile_crypto.h"
#include "protocol/constants.h"
#include "store/store_error.h"

namespace tmsproto::store {

// KDF(storage key, "TMSP STORE " || purpose, context, 256) (REQ-CRYPTO-010's KDF).
Result<crypto::SecretBytes, StoreError> derive_store_key(ByteView storage_key, std::string_view purpose,
                                                         std::string_view context);

// What a stored key is, which the block's authenticated header states and unwrap checks.
keyblock::Tr31Header dmk_header(Profile p);
keyblock::Tr31Header slot_header(const profile::SlotRule& rule);
keyblock::Tr31Header opv_header();

// `record` names the row, e.g. "DMK VEND0001/POS-X1/SN1".
Result<std::string, StoreError> wrap_at_rest(ByteView storage_key, std::string_view record,
                                             const keyblock::Tr31Header& header, ByteView key,
                                             crypto::RandomSource& rng);
Result<crypto::SecretBytes, StoreError> unwrap_at_rest(ByteView storage_key, std::string_view record,
                                                       const keyblock::Tr31Header& expected, std::string_view block);

}  // namespace tmsproto::store
