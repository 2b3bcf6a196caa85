// What a key custody does with a key it holds, once per session (REQ-HS-014, REQ-CRYPTO-035): the
// one copy of that logic, shared by every custody whatever keeps its keys (memory, a database under
// a storage key), so that a custody differs only in where it looks a key up.
#pragma once

#include "codec/key_message.h"
#include "common/result.h"
#include "crypto/random.h"
#include "profile/profile_crypto.h"
#include "protocol/response_code.h"
#include "tms/ports.h"

namespace tmsproto::custody {

// DWK drawn, wrapped under `dmk` (registered for `dmk_profile`) and the handshake keys derived;
// 96 when the session's profile is not the DMK's or a primitive fails.
Result<tms::IssuedDwk, ResponseCode> issue_dwk_under(Profile dmk_profile, ByteView dmk, Profile p,
                                                     const profile::SessionBinding& binding,
                                                     const codec::AuthData& t_data, const codec::AuthData& s_data,
                                                     crypto::RandomSource& rng);

// `key` of `slot` wrapped for this session under K_KEK, with its KCV; 96 when it does not fit.
Result<codec::KeyEntry, ResponseCode> wrap_held_key(ByteView key, const tms::KeySetSlot& slot, Profile p,
                                                    const profile::HandshakeKeys& keys, crypto::RandomSource& rng);

}  // namespace tmsproto::custody
