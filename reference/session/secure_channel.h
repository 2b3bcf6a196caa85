// One side of the download phase's secure envelope (REQ-DL-001, REQ-DL-002): seals what this
// side sends and opens what it receives, with the checks of spec/09-terminal-states.md section
// 9.2 in their order. Shared by both engines; only the direction differs.
#pragma once

#include <cstdint>

#include "codec/header.h"
#include "common/bytes.h"
#include "common/result.h"
#include "profile/envelope_crypto.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

namespace tmsproto::session {

// The most ciphertext blocks one side may seal in the TDES profile in one session, 2^20 blocks
// (8 MiB), spec/07-crypto.md REQ-CRYPTO-026; a receiver holds its peer to the same bound.
inline constexpr std::uint64_t kTdesMaxSealedBlocks = std::uint64_t{1} << 20;

class SecureChannel {
 public:
  // `tdes_block_limit` is the bound of REQ-CRYPTO-026; only tests pass anything but the default.
  SecureChannel(Profile p, profile::DownloadKeys keys, codec::Identity id, profile::Direction sending,
                std::uint64_t tdes_block_limit = kTdesMaxSealedBlocks);

  // The envelope body for `payload`, with this side's next SEQ; in the TDES profile 24
  // (RESOURCE_LIMIT) instead when its ciphertext would take this side past the block limit.
  Result<Bytes, ResponseCode> seal(MsgType type, ByteView payload);
  // The payload of a received envelope: body [03/13/01], MAC [13], identity [26], SEQ [14],
  // TDES volume [24], padding [13] — the MAC before anything an unauthenticated sender could learn from
  // (REQ-SEC-011). `verify_mac` false is the reference terminal's fault switch skip-envelope-mac
  // (terminal/faults.h), which the conformance suite must catch; no engine passes it otherwise;
  // nor `check_seq` false, the fault switch accept-any-seq.
  Result<Bytes, ResponseCode> open(ByteView body, bool verify_mac = true, bool check_seq = true);

 private:
  Profile profile_;
  profile::DownloadKeys keys_;
  codec::Identity id_;
  profile::Direction sending_;
  profile::Direction receiving_;
  std::uint32_t tx_seq_ = 0;
  std::uint32_t rx_seq_ = 0;
  std::uint64_t tdes_block_limit_;
  std::uint64_t sealed_blocks_ = 0;    // ciphertext blocks this side has sealed so far
  std::uint64_t received_blocks_ = 0;  // and opened from the other side
};

}  // namespace tmsproto::session
