#include "session/secure_channel.h"

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "profile/profile_crypto.h"
#include "testing/deterministic_random.h"

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

Pair make_pair_of_channels(Profile p, std::uint64_t tdes_block_limit = kTdesMaxSealedBlocks) {
  crypto::DeterministicRandom rng(11);
  const auto dsk = profile::generate_key(p, rng);
  auto a = profile::derive_download_keys(p, dsk.view(), kT, kS);
  auto b = profile::derive_download_keys(p, dsk.view(), kT, kS);
  return {SecureChannel(p, std::move(a).value(), kId, Direction::kTerminalToTms, tdes_block_limit),
          SecureChannel(p, std::move(b).value(), kId, Direction::kTmsToTerminal, tdes_block_limit)};
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

// REQ-CRYPTO-026: the bound is 2^20 cipher blocks of 8 octets, i.e. 8 MiB of CT per direction.
TEST(SecureChannel, TdesDefaultBoundIsEightMebibytesOfCiphertext) {
  EXPECT_EQ(kTdesMaxSealedBlocks * 8, std::uint64_t{8} * 1024 * 1024);
}

// REQ-CRYPTO-026: in TDES a sender counts the CT blocks it sealed (padding included) and answers
// 24 for the envelope that would take it past the bound; the other direction keeps its own count.
TEST(SecureChannel, TdesSenderStopsAtTheCiphertextBlockBound) {
  auto [terminal, tms] = make_pair_of_channels(Profile::kTdes, 5);
  // 15 octets pad to 16: two blocks of CT. 16 octets pad to 24: three blocks.
  const Bytes fifteen(15, 0xA5), sixteen(16, 0x5A);
  auto first = terminal.seal(MsgType::kFrameRequest, fifteen);
  ASSERT_TRUE(first.ok());
  crypto::DeterministicRandom rng(11);  // the key make_pair_of_channels draws
  const auto dsk = profile::generate_key(Profile::kTdes, rng);
  auto keys = profile::derive_download_keys(Profile::kTdes, dsk.view(), kT, kS);
  ASSERT_TRUE(keys.ok());
  auto env = profile::verify(Profile::kTdes, *keys, Direction::kTerminalToTms, *first);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->ct.size(), 16u);
  ASSERT_TRUE(tms.open(*first).ok());
  // 2 sealed + 3 would be 5 = the bound: allowed.
  auto second = terminal.seal(MsgType::kFrameRequest, sixteen);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(tms.open(*second).ok());
  // Even an empty payload is one more block of CT: refused with 24, and nothing is sealed.
  auto third = terminal.seal(MsgType::kFrameRequest, Bytes{});
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error(), ResponseCode::kResourceLimit);
  // The TMS's direction has its own count: it has sealed nothing yet.
  auto down = tms.seal(MsgType::kFrameResponse, fifteen);
  ASSERT_TRUE(down.ok());
  EXPECT_TRUE(terminal.open(*down).ok());
}

// REQ-CRYPTO-026: a receiver holds its peer to the bound: an envelope that takes the sender's
// direction past it is refused with 24 after its MAC and SEQ verified, though its MAC is good (the
// sender here counts to a larger bound, as a TMS that ignores the requirement would); one within
// the bound before it opens.
TEST(SecureChannel, TdesReceiverRefusesAnEnvelopePastThePeersBound) {
  // Every pair draws the same keys from the same seed, so a terminal of one opens what the TMS of
  // another seals: the terminals hold the bound 3, the TMS counts to 100.
  auto strict = make_pair_of_channels(Profile::kTdes, 3);
  auto strict_again = make_pair_of_channels(Profile::kTdes, 3);
  auto lax = make_pair_of_channels(Profile::kTdes, 100);
  auto first = lax.tms.seal(MsgType::kFrameResponse, Bytes(15, 1));   // 2 blocks
  auto second = lax.tms.seal(MsgType::kFrameResponse, Bytes(15, 2));  // 2 more: 4, past 3
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(strict.terminal.open(*first).ok());
  auto refused = strict.terminal.open(*second);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), ResponseCode::kResourceLimit);
  // The same envelope with its MAC broken is 13: only what verified counts against the bound.
  Bytes tampered = *second;
  tampered.back() ^= 0x01;
  ASSERT_TRUE(strict_again.terminal.open(*first).ok());
  EXPECT_EQ(strict_again.terminal.open(tampered).error(), ResponseCode::kMacFailed);
}

// REQ-CRYPTO-026: an envelope alone larger than the bound is refused before it is sealed.
TEST(SecureChannel, TdesRefusesAnEnvelopeLargerThanTheBound) {
  auto [terminal, tms] = make_pair_of_channels(Profile::kTdes, 2);
  EXPECT_EQ(terminal.seal(MsgType::kFrameRequest, Bytes(16, 1)).error(), ResponseCode::kResourceLimit);
  EXPECT_TRUE(terminal.seal(MsgType::kFrameRequest, Bytes(15, 1)).ok());
  (void)tms;
}

// REQ-CRYPTO-026 bounds the TDES profile only: the AES profiles (128-bit blocks) seal on past it.
TEST(SecureChannel, AesProfilesHaveNoBlockBound) {
  for (Profile p : {Profile::kAes128, Profile::kAes256}) {
    auto [terminal, tms] = make_pair_of_channels(p, 2);
    for (int i = 0; i < 10; ++i) {
      auto sealed = terminal.seal(MsgType::kFrameRequest, Bytes(40, static_cast<std::uint8_t>(i)));
      ASSERT_TRUE(sealed.ok()) << "profile " << static_cast<int>(p) << " envelope " << i;
      EXPECT_TRUE(tms.open(*sealed).ok());
    }
  }
}

}  // namespace
}  // namespace tmsproto::session
