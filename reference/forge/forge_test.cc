// The forging helpers of key_blocks.cc, each against the reference engines of a lockstep session
// (reference/sim): what they build verifies where it must, carries exactly the change asked for,
// and reaches the check behind the MACs.
#include <gtest/gtest.h>

#include "codec/envelope.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "sim/lockstep.h"
#include "testing/deterministic_random.h"

namespace tmsproto::forge {
namespace {

using sim::EstateOptions;
using sim::Lockstep;

EstateOptions key_download(Profile p) {
  EstateOptions o;
  o.profile = p;
  o.trans = TransCode::kKeyDownload;
  return o;
}

// REQ-CRYPTO-018: every parity bit (the low bit of each octet) inverted.
void invert_parity(keyblock::Tr31Header&, Bytes& key) {
  for (auto& o : key) o ^= 0x01;
}

TEST(ForgeKeyBlocks, RewrappedEntryUnwrapsUnderTheKekWithTheHeaderAsSet) {
  auto estate = sim::make_estate(key_download(Profile::kAes128));
  Lockstep s(*estate);
  auto body = s.until_terminal_gets(MsgType::kKeyMessage);
  ASSERT_TRUE(body);
  auto m = codec::parse_key_message(*body, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  ASSERT_GE(m->entries.size(), 2u);
  auto honest = s.keys.open_entry(m->entries[1]);
  ASSERT_TRUE(honest);
  crypto::DeterministicRandom rng(7);
  const codec::KeyEntry forged = s.keys.rewrap(
      m->entries[1], [](keyblock::Tr31Header& h, Bytes&) { h.key_usage = "P0"; }, rng);
  ASSERT_FALSE(forged.key_block.empty());
  EXPECT_EQ(forged.slot, m->entries[1].slot);
  auto reread = s.keys.open_entry(forged);
  ASSERT_TRUE(reread);
  EXPECT_EQ(reread->header.key_usage, "P0");
  EXPECT_EQ(reread->header.mode_of_use, honest->header.mode_of_use);
  EXPECT_TRUE(std::ranges::equal(reread->key.view(), honest->key.view()));
  EXPECT_EQ(forged.kcv, m->entries[1].kcv);  // the same key, so the same KCV
  // REQ-KEY-032: under a recomputed KEY_MAC the terminal reaches the slot check, 18.
  m->entries[1] = forged;
  EXPECT_EQ(sim::abort_code(s.to_terminal(s.keys.with_key_mac(*m))), ResponseCode::kIntegrityFailed);
}

TEST(ForgeKeyBlocks, KeyMacOverOctetsReproducesTheHonestOne) {
  auto estate = sim::make_estate(key_download(Profile::kTdes));
  Lockstep s(*estate);
  auto body = s.until_terminal_gets(MsgType::kKeyMessage);
  ASSERT_TRUE(body);
  EXPECT_EQ(s.keys.with_key_mac_over(*body), *body);
  Bytes changed = *body;
  changed.back() ^= 0x01;
  EXPECT_EQ(s.keys.with_key_mac_over(changed), *body);
}

TEST(ForgeKeyBlocks, TacOverOctetsReproducesTheHonestOne) {
  auto estate = sim::make_estate(EstateOptions{});
  Lockstep s(*estate);
  auto body = s.until_terminal_gets(MsgType::kHsAuthRequest);
  ASSERT_TRUE(body);
  Bytes changed = *body;
  changed.back() ^= 0x01;
  EXPECT_EQ(s.keys.with_tac_over(changed), *body);
}

TEST(ForgeKeyBlocks, Dwk1RebuiltUnchangedIsAcceptedAndChangedHeaderIsRefused) {
  for (const bool change : {false, true}) {
    auto estate = sim::make_estate(EstateOptions{});
    Lockstep s(*estate);
    auto body = s.until_terminal_gets(MsgType::kHsAuthRequest);
    ASSERT_TRUE(body);
    auto m = codec::parse_hs_auth_request(*body);
    ASSERT_TRUE(m.ok());
    crypto::DeterministicRandom rng(3);
    const Bytes forged = s.keys.with_dwk1(
        *m, [change](keyblock::Tr31Header& h, Bytes&) { if (change) h.exportability = 'E'; }, rng);
    ASSERT_FALSE(forged.empty());
    auto parsed = codec::parse_hs_auth_request(forged);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->dwk1.size(), m->dwk1.size());
    const session::Output out = s.to_terminal(forged);
    if (change) {
      EXPECT_EQ(sim::abort_code(out), ResponseCode::kTmsAuthFailed);  // REQ-CRYPTO-031
    } else {
      ASSERT_EQ(out.send.size(), 1u);  // HS_AUTH_ANSWER: DWK_1 and TAC_1 were accepted
      EXPECT_EQ(codec::peek_type(out.send[0]).value(), MsgType::kHsAuthAnswer);
    }
  }
}

TEST(ForgeKeyBlocks, LegacyKeysWithInvertedParityStillCompleteTheSession) {
  EstateOptions o;
  o.profile = Profile::kLegacy;
  o = sim::runnable(o);
  auto estate = sim::make_estate(o);
  Lockstep s(*estate);
  auto auth = s.until_terminal_gets(MsgType::kHsAuthRequest);
  ASSERT_TRUE(auth);
  auto m = codec::parse_hs_auth_request(*auth);
  ASSERT_TRUE(m.ok());
  crypto::DeterministicRandom rng(5);
  const Bytes forged_auth = s.keys.with_dwk1(*m, invert_parity, rng);
  ASSERT_FALSE(forged_auth.empty());
  EXPECT_NE(forged_auth, *auth);
  s.to_terminal(forged_auth);
  auto key_message = s.until_terminal_gets(MsgType::kKeyMessage);
  ASSERT_TRUE(key_message);
  auto k = codec::parse_key_message(*key_message, Profile::kLegacy);
  ASSERT_TRUE(k.ok());
  k->entries[0] = s.keys.rewrap(k->entries[0], invert_parity, rng);
  ASSERT_FALSE(k->entries[0].key_block.empty());
  s.to_terminal(s.keys.with_key_mac(*k));
  s.drain();
  EXPECT_EQ(s.terminal.state(), terminal::State::T_DONE);
}

TEST(ForgeEnvelopes, OtherPaddingAndCtLengthVerifyButDoNotOpen) {
  auto estate = sim::make_estate(EstateOptions{});
  Lockstep s(*estate);
  auto confirm = s.until_terminal_gets(MsgType::kPkgConfirm);
  ASSERT_TRUE(confirm);
  auto e = s.keys.envelope(false, *confirm);
  auto payload = s.keys.open(false, *confirm);
  ASSERT_TRUE(e && payload);
  const Bytes method_1 = s.keys.seal_padding_method_1(false, MsgType::kPkgConfirm, e->seq, Bytes{0x00});
  EXPECT_TRUE(s.keys.envelope(false, method_1));  // the MAC verifies
  EXPECT_FALSE(s.keys.open(false, method_1));     // the padding does not
  Bytes ct = e->ct;
  const Bytes resealed = s.keys.seal_ciphertext(false, MsgType::kPkgConfirm, e->seq, ct);
  EXPECT_EQ(s.keys.open(false, resealed), payload);  // the same CT resealed opens as before
  ct.push_back(0x00);
  const Bytes odd = s.keys.seal_ciphertext(false, MsgType::kPkgConfirm, e->seq, ct);
  EXPECT_FALSE(s.keys.open(false, odd));
  EXPECT_EQ(sim::abort_code(s.to_terminal(odd)), ResponseCode::kMacFailed);  // REQ-CRYPTO-004: 13
}

}  // namespace
}  // namespace tmsproto::forge
