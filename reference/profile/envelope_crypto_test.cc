#include "profile/envelope_crypto.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/random.h"
#include "profile/profile_crypto.h"
#include "testing/deterministic_random.h"

namespace tmsproto::profile {
namespace {

const codec::AuthData kT{{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
const codec::AuthData kS{{9, 9, 9, 9, 9, 9, 9, 9}, {2026, 11, 26, 16, 0, 5}};
const codec::Identity kId{"VEND0001", "POS-X1", "SN1"};

rc::Gen<Profile> gen_profile() {
  return rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256);
}

DownloadKeys keys_for(Profile p, std::uint64_t seed) {
  crypto::DeterministicRandom rng(seed);
  const auto dsk = generate_key(p, rng);
  return std::move(derive_download_keys(p, dsk.view(), kT, kS)).value();
}

// Checks REQ-CRYPTO-040, REQ-CRYPTO-041.
RC_GTEST_PROP(Envelope, DecryptOfSealIsThePayload, (const Bytes& payload, std::uint32_t seq)) {
  RC_PRE(payload.size() <= 4200u);
  const Profile p = *gen_profile();
  const DownloadKeys k = keys_for(p, 1);
  const Bytes body = *seal(p, k, Direction::kTmsToTerminal, MsgType::kFrameResponse, kId, seq, payload);
  auto e = verify(p, k, Direction::kTmsToTerminal, body);
  RC_ASSERT(e.ok());
  RC_ASSERT(e->seq == seq);
  RC_ASSERT(*decrypt(p, k, Direction::kTmsToTerminal, *e) == payload);
}

// REQ-MSG-070, REQ-CRYPTO-042: any single-bit change anywhere in the envelope is one code.
// Checks REQ-CRYPTO-042, REQ-MSG-070.
RC_GTEST_PROP(Envelope, AnyBitFlipIsRejected, (const Bytes& payload)) {
  RC_PRE(payload.size() <= 600u);
  const Profile p = *gen_profile();
  const DownloadKeys k = keys_for(p, 2);
  Bytes body = *seal(p, k, Direction::kTerminalToTms, MsgType::kFrameRequest, kId, 3, payload);
  const auto i = *rc::gen::inRange<std::size_t>(0, body.size());
  body[i] ^= static_cast<std::uint8_t>(1u << *rc::gen::inRange(0, 8));
  auto e = verify(p, k, Direction::kTerminalToTms, body);
  RC_ASSERT(!e.ok());
  RC_ASSERT(e.error() == ResponseCode::kMacFailed || e.error() == ResponseCode::kMalformed ||
            e.error() == ResponseCode::kUnsupportedVersion);
}

// REQ-CRYPTO-041: a message cannot be reflected back to its sender.
// Checks REQ-CRYPTO-041, REQ-CRYPTO-042.
TEST(Envelope, ReflectionIsRejected) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    const DownloadKeys k = keys_for(p, 3);
    const Bytes body = *seal(p, k, Direction::kTerminalToTms, MsgType::kSessionEnd, kId, 0, Bytes{'0', '0'});
    EXPECT_EQ(verify(p, k, Direction::kTmsToTerminal, body).error(), ResponseCode::kMacFailed) << name(p);
  }
}

TEST(Envelope, OtherSessionKeysAreRejected) {
  const DownloadKeys a = keys_for(Profile::kAes128, 4);
  const DownloadKeys b = keys_for(Profile::kAes128, 5);
  const Bytes body = *seal(Profile::kAes128, a, Direction::kTerminalToTms, MsgType::kSessionEnd, kId, 0, Bytes{'0', '0'});
  EXPECT_EQ(verify(Profile::kAes128, b, Direction::kTerminalToTms, body).error(), ResponseCode::kMacFailed);
}

}  // namespace
}  // namespace tmsproto::profile
