#include "profile/standard_slots.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace tmsproto::profile {
namespace {

constexpr Profile kAllProfiles[] = {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256};

// Checks REQ-KEY-030: every slot number falls in exactly the range section 5.4 gives it.
TEST(StandardSlots, SlotNumbersAreReadAsDskStandardReservedVendorOrNone) {
  EXPECT_EQ(slot_range(0x00), SlotRange::kDsk);
  for (int s = 0x01; s <= 0x04; ++s) EXPECT_EQ(slot_range(static_cast<std::uint8_t>(s)), SlotRange::kStandard);
  for (int s = 0x05; s <= 0x7F; ++s) EXPECT_EQ(slot_range(static_cast<std::uint8_t>(s)), SlotRange::kReserved);
  for (int s = 0x80; s <= 0xFE; ++s) EXPECT_EQ(slot_range(static_cast<std::uint8_t>(s)), SlotRange::kVendor);
  EXPECT_EQ(slot_range(0xFF), SlotRange::kNone);
}

// Checks REQ-KEY-032, REQ-KEY-033, REQ-KEY-034, REQ-KEY-035: the registry's usage and mode of use
// of each standard slot, the MAC key's usage following its algorithm and length.
TEST(StandardSlots, EachStandardSlotCarriesItsUsageAndLeastPrivilegeMode) {
  EXPECT_EQ(*standard_slot_rule(kTmkSlot, 'A', 16), (SlotRule{"K0", 'A', 'D', 16}));
  EXPECT_EQ(*standard_slot_rule(kTmkSlot, 'T', 16), (SlotRule{"K0", 'T', 'D', 16}));
  EXPECT_EQ(*standard_slot_rule(kPinSlot, 'T', 24), (SlotRule{"P0", 'T', 'E', 24}));
  EXPECT_EQ(*standard_slot_rule(kMacSlot, 'T', 16), (SlotRule{"M3", 'T', 'C', 16}));
  EXPECT_EQ(*standard_slot_rule(kMacSlot, 'T', 24), (SlotRule{"M6", 'T', 'C', 24}));
  EXPECT_EQ(*standard_slot_rule(kMacSlot, 'A', 32), (SlotRule{"M6", 'A', 'C', 32}));
  EXPECT_EQ(*standard_slot_rule(kDataSlot, 'A', 24), (SlotRule{"D0", 'A', 'E', 24}));
  EXPECT_EQ(find_standard_slot("MAC")->slot, kMacSlot);
  EXPECT_EQ(find_standard_slot(kDataSlot)->name, "DATA");
  EXPECT_EQ(find_standard_slot("mac"), nullptr);
  EXPECT_EQ(find_standard_slot(0x05), nullptr);
}

// Checks REQ-KEY-031: a standard slot holds the registry's rule in one of the five forms, and
// nothing else — not single DES, not another length, not another usage or mode of use.
TEST(StandardSlots, StandardSlotWithAnyOtherRuleIsRefused) {
  EXPECT_EQ(standard_slot_rule(kPinSlot, 'D', 8), std::nullopt);
  EXPECT_EQ(standard_slot_rule(kPinSlot, 'A', 20), std::nullopt);
  EXPECT_EQ(standard_slot_rule(0x05, 'A', 16), std::nullopt);
  EXPECT_EQ(check_slot_rule(kPinSlot, {"P0", 'A', 'E', 16}), SlotRuleCheck::kAllowed);
  EXPECT_EQ(check_slot_rule(kPinSlot, {"P0", 'A', 'B', 16}), SlotRuleCheck::kNotTheStandardRule);
  EXPECT_EQ(check_slot_rule(kPinSlot, {"K0", 'A', 'E', 16}), SlotRuleCheck::kNotTheStandardRule);
  EXPECT_EQ(check_slot_rule(kTmkSlot, {"K0", 'A', 'B', 16}), SlotRuleCheck::kNotTheStandardRule);
  EXPECT_EQ(check_slot_rule(kMacSlot, {"M6", 'T', 'C', 16}), SlotRuleCheck::kNotTheStandardRule);
  EXPECT_EQ(check_slot_rule(kMacSlot, {"M3", 'T', 'C', 24}), SlotRuleCheck::kNotTheStandardRule);
  EXPECT_EQ(check_slot_rule(kDataSlot, {"D0", 'D', 'E', 8}), SlotRuleCheck::kBadForm);
}

// Checks REQ-KEY-030: slot 0 is the DSK's, 0xFF is no slot, 0x05-0x7F are reserved, whatever the rule.
TEST(StandardSlots, ReservedDskAndNoSlotAreNeverAllowed) {
  const SlotRule rule{"P0", 'A', 'E', 16};
  EXPECT_EQ(check_slot_rule(0x00, rule), SlotRuleCheck::kNotAKeySlot);
  EXPECT_EQ(check_slot_rule(0xFF, rule), SlotRuleCheck::kNotAKeySlot);
  EXPECT_EQ(check_slot_rule(0x05, rule), SlotRuleCheck::kReservedSlot);
  EXPECT_EQ(check_slot_rule(0x7F, rule), SlotRuleCheck::kReservedSlot);
}

// Checks REQ-KEY-038: a vendor slot's rule is the vendor's within what TR-31 can express.
TEST(StandardSlots, VendorRuleIsTheVendorsWithinTr31) {
  EXPECT_EQ(check_slot_rule(0x80, {"K1", 'A', 'D', 32}), SlotRuleCheck::kAllowed);
  EXPECT_EQ(check_slot_rule(0xFE, {"P0", 'T', 'B', 16}), SlotRuleCheck::kAllowed);
  EXPECT_EQ(check_slot_rule(0x80, {"k1", 'A', 'D', 32}), SlotRuleCheck::kBadVendorRule);
  EXPECT_EQ(check_slot_rule(0x80, {"K", 'A', 'D', 32}), SlotRuleCheck::kBadVendorRule);
  EXPECT_EQ(check_slot_rule(0x80, {"K1", 'A', 'Q', 32}), SlotRuleCheck::kBadVendorRule);
  EXPECT_EQ(check_slot_rule(0x80, {"K1", 'A', '\0', 32}), SlotRuleCheck::kBadVendorRule);
  EXPECT_EQ(check_slot_rule(0x80, {"K1", 'D', 'D', 8}), SlotRuleCheck::kBadForm);
  EXPECT_EQ(check_slot_rule(0x80, {"K1", 'T', 'D', 32}), SlotRuleCheck::kBadForm);
}

// Checks REQ-KEY-039 (the installation check): the first slot of a table the registry refuses.
TEST(StandardSlots, SlotTableCheckNamesTheFirstDisallowedSlot) {
  std::map<std::uint8_t, SlotRule> table = {{kTmkSlot, *standard_slot_rule(kTmkSlot, 'A', 16)},
                                            {0x80, SlotRule{"K1", 'A', 'D', 16}}};
  EXPECT_EQ(first_disallowed_slot(table), std::nullopt);
  table[0x10] = SlotRule{"P0", 'A', 'E', 16};
  table[0x81] = SlotRule{"P0", 'A', 'Z', 16};
  EXPECT_EQ(first_disallowed_slot(table), std::optional<std::uint8_t>(0x10));
}

// Checks REQ-KEY-036 with REQ-KEY-014: every form of every standard slot can be delivered in
// exactly the profiles of the table of section 5.4, written out here as the spec gives it.
TEST(StandardSlots, EveryRegistryFormIsDeliverableExactlyWhereTheStrengthRuleAllows) {
  struct Row { char algorithm; std::size_t length; bool tdes, aes128, aes256; };
  const Row table[] = {{'T', 16, true, true, true},
                       {'T', 24, false, true, true},
                       {'A', 16, false, true, true},
                       {'A', 24, false, false, true},
                       {'A', 32, false, false, true}};
  for (const StandardSlot& s : kStandardSlots) {
    for (const Row& r : table) {
      const auto rule = standard_slot_rule(s.slot, r.algorithm, r.length);
      ASSERT_TRUE(rule.has_value());
      EXPECT_FALSE(can_deliver(Profile::kLegacy, *rule));
      EXPECT_EQ(can_deliver(Profile::kTdes, *rule), r.tdes) << s.name << ' ' << r.algorithm << r.length;
      EXPECT_EQ(can_deliver(Profile::kAes128, *rule), r.aes128) << s.name << ' ' << r.algorithm << r.length;
      EXPECT_EQ(can_deliver(Profile::kAes256, *rule), r.aes256) << s.name << ' ' << r.algorithm << r.length;
    }
  }
}

// Checks REQ-KEY-031, REQ-KEY-038 against REQ-KEY-014: any rule the registry allows, in a standard
// or a vendor slot, has a defined strength, and a profile can deliver it exactly when that strength
// is at most its K_KEK's (none in LEGACY).
RC_GTEST_PROP(StandardSlots, AnyAllowedRuleIsDeliverableExactlyUpToTheKekStrength, ()) {
  const KeyForm form = *rc::gen::elementOf(kKeyForms);
  const bool standard = *rc::gen::arbitrary<bool>();
  const auto slot = standard ? *rc::gen::inRange<int>(kTmkSlot, kDataSlot + 1)
                             : *rc::gen::inRange<int>(kFirstVendorSlot, kLastVendorSlot + 1);
  SlotRule rule{*rc::gen::element<std::string>("K0", "K1", "P0", "M3", "M6", "D0", "B3", "99"), form.algorithm,
                *rc::gen::element('B', 'C', 'D', 'E', 'G', 'N', 'S', 'T', 'V', 'X', 'Y'), form.key_length};
  if (standard) rule = *standard_slot_rule(static_cast<std::uint8_t>(slot), form.algorithm, form.key_length);
  RC_ASSERT(check_slot_rule(static_cast<std::uint8_t>(slot), rule) == SlotRuleCheck::kAllowed);
  const unsigned strength = security_strength(rule.algorithm, rule.key_length);
  RC_ASSERT(strength != 0u);
  for (Profile p : kAllProfiles) {
    const SlotRule kek = dsk_rule(p);
    const bool expected = p != Profile::kLegacy && strength <= security_strength(kek.algorithm, kek.key_length);
    RC_ASSERT(can_deliver(p, rule) == expected);
  }
}

// Checks REQ-KEY-030, REQ-KEY-031, REQ-KEY-038: whatever the slot and rule, the registry allows
// only rules of a key slot in one of the five forms, so it never lets an undefined strength through.
RC_GTEST_PROP(StandardSlots, NoRuleOutsideTheFiveFormsOrInANonKeySlotIsAllowed, ()) {
  const auto slot = *rc::gen::arbitrary<std::uint8_t>();
  const SlotRule rule{*rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(0, 4), rc::gen::arbitrary<char>()),
                      *rc::gen::arbitrary<char>(), *rc::gen::arbitrary<char>(),
                      *rc::gen::inRange<std::size_t>(0, 40)};
  if (check_slot_rule(slot, rule) != SlotRuleCheck::kAllowed) return;
  RC_ASSERT(is_key_form(rule.algorithm, rule.key_length));
  RC_ASSERT(slot_range(slot) == SlotRange::kStandard || slot_range(slot) == SlotRange::kVendor);
}

}  // namespace
}  // namespace tmsproto::profile
