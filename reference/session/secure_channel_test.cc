#include "session/secure_channel.h"

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "profile/profile_crypto.h"

namespace tmsproto::session {
namespace {

using profile::Direction;

const codec::AuthData kT{{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
const codec::AuthData kS{{9, 9, 9, 9, 9, 9, 9, 9}, {2026, 11, 26, 16, 0, 5}};
const codec::Identity kId{"VEND0001", "POS-X1", "SN1"};

struct Pair {
  SecureChannel terminal;
  SecureChannel tms;
};

Pair make_pair_of_channels(Profile p) {
  crypto::DeterministicRandom rng(11);
  const auto dsk = profile::generate_key(p, rng);
  auto a = profile::derive_download_keys(p, dsk.view(), kT, kS);
  auto b = profile::derive_download_keys(p, dsk.view(), kT, kS);
  return {SecureChannel(p, std::move(a).value(), kId, Direction::kTerminalToTms),
          SecureChannel(p, std::move(b).value(), kId, Direction::kTmsToTerminal)};
}

TEST(SecureChannel, CarriesPayloadsBothWaysInOrder) {
  auto [terminal, tms] = make_pair_of_channels(Profile::kAes128);
  for (int i = 0; i < 3; ++i) {
    const Bytes up{static_cast<std::uint8_t>(i), 1, 2};
    EXPECT_EQ(*tms.open(*terminal.seal(MsgType::kFrameRequest, up)), up);
    const Bytes down{static_cast<std::uint8_t>(i), 3, 4};
    EXPECT_EQ(*terminal.open(*tms.seal(MsgType::kFrameResponse, down)), down);
  }
}

// REQ-DL-002: a replayed or skipped envelope is a sequence error, after its MAC verified.
TEST(SecureChannel, ReplayAndReorderAreSequenceErrors) {
  auto [terminal, tms] = make_pair_of_channels(Profile::kTdes);
  const Bytes first = *terminal.seal(MsgType::kFrameRequest, Bytes{1});
  const Bytes second = *terminal.seal(MsgType::kFrameRequest, Bytes{2});
  EXPECT_EQ(tms.open(second).error(), ResponseCode::kSequenceError);
  auto [terminal2, tms2] = make_pair_of_channels(Profile::kTdes);
  const Bytes once = *terminal2.seal(MsgType::kFrameRequest, Bytes{1});
  ASSERT_TRUE(tms2.open(once).ok());
  EXPECT_EQ(tms2.open(once).error(), ResponseCode::kSequenceError);
  (void)first;
}

// REQ-SEC-011: an envelope from another identity fails the MAC first only when forged; a genuine
// envelope of another session (other keys) is a MAC failure, never an identity oracle.
TEST(SecureChannel, ForeignEnvelopeIsAMacFailure) {
  auto [terminal, tms] = make_pair_of_channels(Profile::kAes256);
  crypto::DeterministicRandom rng(12);
  const auto other = profile::generate_key(Profile::kAes256, rng);
  SecureChannel stranger(Profile::kAes256,
                         std::move(profile::derive_download_keys(Profile::kAes256, other.view(), kT, kS)).value(),
                         codec::Identity{"VEND0002", "POS-X1", "SN9"}, Direction::kTerminalToTms);
  EXPECT_EQ(tms.open(*stranger.seal(MsgType::kFrameRequest, Bytes{1})).error(), ResponseCode::kMacFailed);
}

}  // namespace
}  // namespace tmsproto::session
