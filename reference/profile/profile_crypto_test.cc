#include "profile/profile_crypto.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cctype>
#include <string>
#include <utility>

#include "common/hex.h"
#include "crypto/random.h"
#include "profile/envelope_crypto.h"
#include "testing/deterministic_random.h"

namespace tmsproto::profile {
namespace {

Bytes H(std::string_view hex) { return *from_hex(hex); }
Bytes ascii(std::string_view s) { return Bytes(s.begin(), s.end()); }

// spec/07-crypto.md section 7.7.
const codec::AuthData kTData{{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
const codec::AuthData kSData{{0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18}, {2026, 11, 26, 16, 0, 5}};

HandshakeKeys keys(Profile p, ByteView dwk) {
  return std::move(derive_handshake_keys(p, SecretBytes(dwk), kTData, kSData)).value();
}

// The LEGACY worked example of spec/07-crypto.md 7.7, computed there with OpenSSL's DES.
// Checks REQ-CRYPTO-022, REQ-CRYPTO-023, REQ-CRYPTO-024, REQ-CRYPTO-001, REQ-CRYPTO-017.
TEST(LegacyProfile, WorkedExampleOfTheSpec) {
  const Bytes dmk = H("0123456789abcdef");
  const Bytes dwk = H("133457799bbcdff1");
  crypto::DeterministicRandom rng(1);
  const SessionBinding no_binding{};  // LEGACY's DWK_1 is a bare DES block (REQ-SEC-013)
  auto dwk1 = wrap_dwk(Profile::kLegacy, dmk, dwk, no_binding, rng);
  ASSERT_TRUE(dwk1.ok());
  EXPECT_EQ(to_hex(*dwk1), "901da09f8ac703b0");
  auto recovered = recover_dwk(Profile::kLegacy, dmk, *dwk1, no_binding);
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(to_hex(recovered->view()), "133457799bbcdff1");
  const HandshakeKeys k = keys(Profile::kLegacy, dwk);
  EXPECT_EQ(to_hex(*tac(Profile::kLegacy, k, kTData, {})), "baca22e3");
  EXPECT_EQ(to_hex(*sac(Profile::kLegacy, k, kSData, {})), "082a18f4");
  EXPECT_EQ(to_hex(*key_check_value('D', dmk)), "d5d44f");
}

// K_MAC and K_KEK are SP 800-108 KBKDF outputs; the expected values come from the OpenSSL 3.0
// command line (`openssl kdf -keylen N -kdfopt mac:CMAC -kdfopt cipher:... -kdfopt hexkey:DWK
// -kdfopt hexsalt:<label> -kdfopt hexinfo:<T_DATA || S_DATA> KBKDF`), an independent implementation.
// Checks REQ-CRYPTO-030.
TEST(DerivedKeys, MatchAnIndependentKbkdf) {
  EXPECT_EQ(to_hex(keys(Profile::kAes128, H("000102030405060708090a0b0c0d0e0f")).k_mac.view()),
            "bf75db0f0ee493277276203b858ea36e");
  EXPECT_EQ(to_hex(keys(Profile::kAes256, H("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
                       .k_kek.view()),
            "6e9f9cbdd84f12b5059ebf184fe3b6bef6fbc6b806bf93533fd530db0bd22922");
  EXPECT_EQ(to_hex(keys(Profile::kTdes, H("0123456789abcdeffedcba9876543210")).k_mac.view()),
            "51687e7adb0fc724bd0a98be128239da");
}

// Checks REQ-SEC-012: one key per purpose, each from its own label.
TEST(DerivedKeys, EachPurposeHasItsOwnKey) {
  for (Profile p : {Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    crypto::DeterministicRandom rng(13);
    const SecretBytes dwk = generate_key(p, rng);
    const HandshakeKeys k = keys(p, dwk.view());
    const SecretBytes dsk = generate_key(p, rng);
    auto dl = derive_download_keys(p, dsk.view(), kTData, kSData);
    ASSERT_TRUE(dl.ok());
    const ByteView all[] = {dwk.view(), k.k_mac.view(), k.k_kek.view(), dsk.view(), dl->enc.view(), dl->mac.view()};
    for (std::size_t i = 0; i < std::size(all); ++i)
      for (std::size_t j = i + 1; j < std::size(all); ++j) EXPECT_FALSE(crypto::ct_equal(all[i], all[j])) << name(p);
  }
}

// OPV = PBKDF2-HMAC-SHA256("1234", "TMSP-OPV" || "VEND0001" || "OP01    " || 000102...0f, 100000,
// 32), from `openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt pass:1234 -kdfopt
// hexsalt:544d53502d4f505656454e44303030314f50303120202020000102030405060708090a0b0c0d0e0f
// -kdfopt iter:100000 PBKDF2`. Checks REQ-OPR-002.
TEST(OperatorVerifier, MatchesAnIndependentPbkdf2) {
  codec::OperatorSalt salt{};
  for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<std::uint8_t>(i);
  auto opv = operator_verifier(ascii("1234"), "VEND0001", "OP01", salt, 100000);
  ASSERT_TRUE(opv.ok());
  EXPECT_EQ(to_hex(opv->view()), "efc66fdb832419bc3d90b37aaa26c0579984ff0e9f9555ede532be3ad7a196ae");
}

// Checks REQ-CRYPTO-031, REQ-HS-017: the header, the binding block with the digest in upper-case
// hex, and the padding block, character for character as the spec writes them.
TEST(SessionKeyBlocks, Dwk1CarriesExactlyTheSpecHeader) {
  const Bytes hs_request = ascii("any HS_REQUEST body");
  const SessionBinding binding = session_binding(hs_request);
  std::string digest_hex = to_hex(binding);
  for (char& c : digest_hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::pair<Profile, std::string> want[] = {
      {Profile::kTdes, "B0152B3TX00N0200" "1044" + digest_hex + "PB04"},
      {Profile::kAes128, "D0192B3AX00N0200" "1044" + digest_hex + "PB0C00000000"},
      {Profile::kAes256, "D0224B3AX00N0200" "1044" + digest_hex + "PB0C00000000"},
  };
  for (const auto& [p, header] : want) {
    crypto::DeterministicRandom rng(7);
    const SecretBytes dmk = generate_key(p, rng);
    const SecretBytes dwk = generate_key(p, rng);
    auto dwk1 = wrap_dwk(p, dmk.view(), dwk.view(), binding, rng);
    ASSERT_TRUE(dwk1.ok()) << name(p);
    ASSERT_EQ(dwk1->size(), dwk1_length(p));
    EXPECT_EQ(std::string(dwk1->begin(), dwk1->begin() + static_cast<std::ptrdiff_t>(header.size())), header);
    auto back = recover_dwk(p, dmk.view(), *dwk1, binding);
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(crypto::ct_equal(back->view(), dwk.view()));
  }
}

// Checks REQ-HS-020, REQ-HS-025, REQ-SEC-014: a wrong DMK, an altered header, and a DWK_1 validly
// made under the right DMK for another session (the review's attack) are all 11.
TEST(SessionKeyBlocks, WrongDmkAlteredHeaderOrAnotherSessionsBindingIsTmsAuthFailed) {
  const Profile p = Profile::kAes128;
  crypto::DeterministicRandom rng(8);
  const SecretBytes dmk = generate_key(p, rng);
  const SecretBytes other = generate_key(p, rng);
  const SessionBinding binding = session_binding(ascii("this session"));
  Bytes dwk1 = *wrap_dwk(p, dmk.view(), generate_key(p, rng).view(), binding, rng);
  EXPECT_TRUE(recover_dwk(p, dmk.view(), dwk1, binding).ok());
  EXPECT_EQ(recover_dwk(p, other.view(), dwk1, binding).error(), ResponseCode::kTmsAuthFailed);
  EXPECT_EQ(recover_dwk(p, dmk.view(), dwk1, session_binding(ascii("a later session"))).error(),
            ResponseCode::kTmsAuthFailed);
  dwk1[5] = 'K';  // key usage B3 -> K3
  EXPECT_EQ(recover_dwk(p, dmk.view(), dwk1, binding).error(), ResponseCode::kTmsAuthFailed);
}

// Checks REQ-KEY-014 with the strengths of NIST SP 800-57 Part 1 Table 2: TDES delivers 2-key
// TDES only; AES128 adds 3-key TDES and AES-128; AES256 every TDES and AES key; nothing in LEGACY
// and no single DES anywhere.
TEST(KeyStrength, NoProfileDeliversAKeyStrongerThanItsKek) {
  const SlotRule des{"P0", 'D', 'E', 8}, tdes2{"P0", 'T', 'E', 16}, tdes3{"P0", 'T', 'E', 24},
      aes128{"P0", 'A', 'E', 16}, aes192{"P0", 'A', 'E', 24}, aes256{"P0", 'A', 'E', 32};
  EXPECT_FALSE(can_deliver(Profile::kLegacy, tdes2));
  EXPECT_FALSE(can_deliver(Profile::kTdes, des));
  EXPECT_TRUE(can_deliver(Profile::kTdes, tdes2));
  EXPECT_FALSE(can_deliver(Profile::kTdes, tdes3));
  EXPECT_FALSE(can_deliver(Profile::kTdes, aes128));
  EXPECT_TRUE(can_deliver(Profile::kAes128, tdes3));
  EXPECT_TRUE(can_deliver(Profile::kAes128, aes128));
  EXPECT_FALSE(can_deliver(Profile::kAes128, aes192));
  EXPECT_TRUE(can_deliver(Profile::kAes256, aes256));
  EXPECT_TRUE(can_deliver(Profile::kAes256, tdes3));
  EXPECT_FALSE(can_deliver(Profile::kAes256, des));
  EXPECT_EQ(security_strength('T', 16), 80u);
  EXPECT_EQ(security_strength('T', 24), 112u);
  EXPECT_EQ(security_strength('A', 20), 0u);
}

// Checks REQ-CRYPTO-018.
TEST(GeneratedKeys, DesAndTdesKeysHaveOddParity) {
  crypto::DeterministicRandom rng(9);
  for (Profile p : {Profile::kLegacy, Profile::kTdes}) {
    const SecretBytes k = generate_key(p, rng);
    for (std::uint8_t b : k.view()) EXPECT_EQ(__builtin_popcount(b) % 2, 1);
  }
}

// Checks REQ-CRYPTO-021.
TEST(MacP, LengthsFollowTheProfile) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    crypto::DeterministicRandom rng(10);
    const SecretBytes k = generate_key(p == Profile::kAes256 ? Profile::kAes256 : p, rng);
    auto m = mac_p(p, k.view(), ascii("message"));
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->size(), mac_length(p));
  }
}

// REQ-KEY-021: a delivered key is accepted only with its slot's header, length and KCV.
// Checks REQ-CRYPTO-035, REQ-CRYPTO-037, REQ-KEY-021.
RC_GTEST_PROP(DeliveredKeys, UnwrapOfWrapIsTheKeyAndAnyMismatchIs18, ()) {
  const Profile p = *rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256);
  crypto::DeterministicRandom rng(*rc::gen::arbitrary<std::uint64_t>());
  const HandshakeKeys k = keys(p, generate_key(p, rng).view());
  const SlotRule rule = p == Profile::kLegacy || p == Profile::kTdes ? SlotRule{"K0", 'T', 'B', 16}
                                                                      : SlotRule{"K0", 'A', 'B', 16};
  SecretBytes key(rule.key_length);
  rng.fill(key.mutable_view());
  const Bytes block = *wrap_key(p, k, rule, key.view(), rng);
  const Bytes kcv = *key_check_value(rule.algorithm, key.view());
  auto back = unwrap_key(p, k, rule, block, kcv);
  RC_ASSERT(back.ok());
  RC_ASSERT(crypto::ct_equal(back->view(), key.view()));
  Bytes bad_kcv = kcv;
  bad_kcv[*rc::gen::inRange<std::size_t>(0, bad_kcv.size())] ^= 0x01;
  RC_ASSERT(unwrap_key(p, k, rule, block, bad_kcv).error() == ResponseCode::kIntegrityFailed);
  if (p != Profile::kLegacy) {
    SlotRule other = rule;
    other.key_usage = "P0";
    RC_ASSERT(unwrap_key(p, k, other, block, kcv).error() == ResponseCode::kIntegrityFailed);
  }
}

// KEY_MAC outside LEGACY is AES-CMAC(K_MAC, "KEYM" || TH_KEY); with K_MAC = 000102...0f and
// TH_KEY = "abc" the value is from `printf 'KEYMabc' | openssl mac -cipher AES-128-CBC -macopt
// hexkey:000102030405060708090a0b0c0d0e0f CMAC`. Checks REQ-CRYPTO-036.
TEST(KeyMac, MatchesAnIndependentCmacOverTheLabelledTranscript) {
  HandshakeKeys k;
  k.k_mac = SecretBytes(H("000102030405060708090a0b0c0d0e0f"));
  auto mac = key_mac(Profile::kAes128, k, ascii("ignored outside LEGACY"), ascii("abc"));
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(to_hex(*mac), "173659465ce7c1f499bb4e1096ba9cb7");
}

}  // namespace
}  // namespace tmsproto::profile
