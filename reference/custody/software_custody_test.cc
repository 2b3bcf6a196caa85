#include "custody/software_custody.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/random.h"
#include "testing/deterministic_random.h"

namespace tmsproto::custody {
namespace {

const codec::Identity kTerminal{"VEND0001", "POS-X1", "SN1"};
const codec::AuthData kTData{{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
const codec::AuthData kSData{{9, 9, 9, 9, 9, 9, 9, 9}, {2026, 11, 26, 16, 0, 5}};

SoftwareCustody make_custody() { return SoftwareCustody(crypto::SecretBytes(Bytes(32, 0x42))); }

// Checks REQ-KEY-006, REQ-HS-017: the DWK_1 the custody issues unwraps at the terminal only with
// this session's binding, and the handshake keys it returns are those derived from that DWK.
TEST(SoftwareCustody, IssuedDwk1RecoversOnlyWithItsOwnBinding) {
  for (Profile p : {Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    SoftwareCustody custody = make_custody();
    crypto::DeterministicRandom rng(7);
    crypto::SecretBytes dmk = profile::generate_key(p, rng);
    ASSERT_TRUE(custody.add_dmk(kTerminal, p, dmk.clone()).ok());
    const auto binding = profile::session_binding(Bytes{0x01, 0x02});
    auto issued = custody.issue_dwk(kTerminal, p, binding, kTData, kSData, rng);
    ASSERT_TRUE(issued.ok());
    auto dwk = profile::recover_dwk(p, dmk.view(), issued->dwk1, binding);
    ASSERT_TRUE(dwk.ok());
    EXPECT_TRUE(crypto::ct_equal(dwk->view(), issued->keys.dwk.view()));
    auto keys = profile::derive_handshake_keys(p, std::move(dwk).value(), kTData, kSData);
    ASSERT_TRUE(keys.ok());
    EXPECT_TRUE(crypto::ct_equal(keys->k_mac.view(), issued->keys.k_mac.view()));
    EXPECT_TRUE(crypto::ct_equal(keys->k_kek.view(), issued->keys.k_kek.view()));
    // REQ-HS-025: the same DWK_1 presented in another session (another HS_REQUEST) is 11.
    const auto other = profile::session_binding(Bytes{0x01, 0x03});
    EXPECT_EQ(profile::recover_dwk(p, dmk.view(), issued->dwk1, other).error(), ResponseCode::kTmsAuthFailed);
  }
}

TEST(SoftwareCustody, UnknownTerminalOrWrongProfileIs96) {
  SoftwareCustody custody = make_custody();
  crypto::DeterministicRandom rng(1);
  const auto binding = profile::session_binding(Bytes{});
  EXPECT_EQ(custody.issue_dwk(kTerminal, Profile::kAes128, binding, kTData, kSData, rng).error(),
            ResponseCode::kInternalError);
  ASSERT_TRUE(custody.add_dmk(kTerminal, Profile::kAes128, profile::generate_key(Profile::kAes128, rng)).ok());
  EXPECT_EQ(custody.issue_dwk(kTerminal, Profile::kAes256, binding, kTData, kSData, rng).error(),
            ResponseCode::kInternalError);
}

// Checks REQ-KEY-001: a second terminal with the same DMK is refused on its keyed fingerprint; a
// different DMK is not; the estate report's KCV of 0123456789abcdef is the published d5d44f (FIPS 81
// key, E(K, 0) = d5d44ff7..., as in vectors/kcv.json).
TEST(SoftwareCustody, SecondTerminalWithTheSameDmkIsRefused) {
  SoftwareCustody custody = make_custody();
  const Bytes dmk = *from_hex("0123456789abcdef");
  ASSERT_TRUE(custody.add_dmk(kTerminal, Profile::kLegacy, crypto::SecretBytes(dmk)).ok());
  EXPECT_EQ(to_hex(custody.dmk_check_value(kTerminal)), "d5d44f");
  EXPECT_EQ(custody.add_dmk({"VEND0001", "POS-X1", "SN2"}, Profile::kLegacy, crypto::SecretBytes(dmk)).error(),
            tms::RegistrationError::kDuplicateDmk);
  EXPECT_TRUE(custody.add_dmk({"VEND0001", "POS-X1", "SN3"}, Profile::kLegacy,
                              crypto::SecretBytes(*from_hex("fedcba9876543210")))
                  .ok());
}

// REQ-KEY-006: a slot the custody holds no key for, or a key that does not fit its slot, is 96 /
// refused; the entry it wraps unwraps at the terminal to the key it holds.
TEST(SoftwareCustody, WrapsOnlyTheKeysItHolds) {
  SoftwareCustody custody = make_custody();
  crypto::DeterministicRandom rng(3);
  const tms::KeySetSlot slot{1, profile::SlotRule{"K0", 'A', 'B', 16}};
  EXPECT_EQ(custody.add_key_set_key(kTerminal, "TMK00001", slot, crypto::SecretBytes(Bytes(8, 1))).error(),
            tms::RegistrationError::kBadKey);
  const Bytes key(16, 0x5a);
  ASSERT_TRUE(custody.add_key_set_key(kTerminal, "TMK00001", slot, crypto::SecretBytes(key)).ok());
  auto keys = profile::derive_handshake_keys(Profile::kAes128, profile::generate_key(Profile::kAes128, rng),
                                             kTData, kSData);
  ASSERT_TRUE(keys.ok());
  auto entry = custody.wrap_key_set_key(kTerminal, "TMK00001", slot, Profile::kAes128, *keys, rng);
  ASSERT_TRUE(entry.ok());
  auto clear = profile::unwrap_key(Profile::kAes128, *keys, slot.rule, entry->key_block, entry->kcv);
  ASSERT_TRUE(clear.ok());
  EXPECT_TRUE(crypto::ct_equal(clear->view(), key));
  EXPECT_EQ(custody.wrap_key_set_key(kTerminal, "OTHER", slot, Profile::kAes128, *keys, rng).error(),
            ResponseCode::kInternalError);
}

// Checks REQ-HS-014: a new DWK of the profile's length for every DWK_1 the custody issues.
TEST(SoftwareCustody, EveryIssueDrawsANewDwkOfTheProfilesLength) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    SoftwareCustody custody = make_custody();
    crypto::DeterministicRandom rng(11);
    ASSERT_TRUE(custody.add_dmk(kTerminal, p, profile::generate_key(p, rng)).ok());
    const auto binding = profile::session_binding(Bytes{0x07});
    auto first = custody.issue_dwk(kTerminal, p, binding, kTData, kSData, rng);
    auto second = custody.issue_dwk(kTerminal, p, binding, kTData, kSData, rng);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first->keys.dwk.size(), key_length(p));
    EXPECT_FALSE(crypto::ct_equal(first->keys.dwk.view(), second->keys.dwk.view()));
    EXPECT_NE(first->dwk1, second->dwk1);
  }
}

}  // namespace
}  // namespace tmsproto::custody
