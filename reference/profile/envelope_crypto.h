// The protection of download-phase messages "with the key ciphertext" (claims 3 and 7):
// spec/07-crypto.md section 7.6 and the secure envelope of spec/03-messages.md section 3.8.
#pragma once

#include <cstdint>

#include "codec/envelope.h"
#include "codec/fields.h"
#include "codec/header.h"
#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

namespace tmsproto::profile {

// REQ-CRYPTO-041: the direction octet, in the IV and in the MAC (it stops reflection).
enum class Direction : std::uint8_t { kTerminalToTms = 0x54, kTmsToTerminal = 0x53 };

struct DownloadKeys {
  crypto::SecretBytes enc;  // K_DENC
  crypto::SecretBytes mac;  // K_DMAC
};

// REQ-CRYPTO-040
Result<DownloadKeys, ResponseCode> derive_download_keys(Profile p, ByteView dsk,
                                                        const codec::AuthData& t_data,
                                                        const codec::AuthData& s_data);

// The whole envelope body for `payload` (REQ-CRYPTO-041, REQ-CRYPTO-042).
Result<Bytes, ResponseCode> seal(Profile p, const DownloadKeys& k, Direction dir, MsgType type,
                                 const codec::Identity& id, std::uint32_t seq, ByteView payload);

// Parses the envelope and verifies its MAC; every failure is one code, 13, except a wrong VERSION
// (03) or a body that does not parse (01) (REQ-MSG-070, REQ-MSG-004). Nothing is decrypted.
Result<codec::Envelope, ResponseCode> verify(Profile p, const DownloadKeys& k, Direction dir,
                                             ByteView body);

// Decrypts a verified envelope and removes the padding; bad padding is 13 (REQ-MSG-070).
Result<Bytes, ResponseCode> decrypt(Profile p, const DownloadKeys& k, Direction dir,
                                    const codec::Envelope& e);

}  // namespace tmsproto::profile
