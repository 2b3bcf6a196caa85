#include "config/key_set_definition.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "profile/standard_slots.h"

namespace tmsproto::config {
namespace {

// The example of spec/05-keys.md section 5.5.
const std::string kExample = R"({
  "format": 1,
  "keySetId": "ACQ00001",
  "slots": [
    { "slot": "TMK", "algorithm": "A", "length": 16 },
    { "slot": "PIN", "algorithm": "A", "length": 16 },
    { "slot": "MAC", "algorithm": "A", "length": 16 },
    { "slot": 128, "keyUsage": "K1", "modeOfUse": "D", "algorithm": "A", "length": 32 }
  ]
})";

// A definition with one slot object `slot` (JSON text) and the given top-level members around it.
std::string with_slot(const std::string& slot) {
  return R"({"format": 1, "keySetId": "ACQ00001", "slots": [)" + slot + "]}";
}

std::string error_of(const std::string& text) {
  const auto r = parse_key_set_definition(text);
  return r.ok() ? std::string("(accepted)") : r.error();
}

// Checks REQ-KEY-040, REQ-KEY-031, REQ-KEY-038: the spec's example gives the registry's rules for
// the standard slots and the written rule for the vendor slot, in ascending slot order.
TEST(KeySetDefinition, SpecExampleGivesRegistryRulesAndTheVendorRule) {
  const auto d = parse_key_set_definition(kExample);
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->key_set_id, "ACQ00001");
  const std::vector<tms::KeySetSlot> expected = {{0x01, {"K0", 'A', 'D', 16}},
                                                  {0x02, {"P0", 'A', 'E', 16}},
                                                  {0x03, {"M6", 'A', 'C', 16}},
                                                  {0x80, {"K1", 'A', 'D', 32}}};
  EXPECT_EQ(d->slots, expected);
}

// Checks REQ-KEY-040: slots may be written in any order; the key set is ascending.
TEST(KeySetDefinition, SlotsWrittenInAnyOrderComeOutAscending) {
  const auto d = parse_key_set_definition(
      with_slot(R"({"slot": 200, "keyUsage": "B0", "modeOfUse": "X", "algorithm": "T", "length": 24},
                   {"slot": "DATA", "algorithm": "T", "length": 16}, {"slot": "MAC", "algorithm": "T", "length": 16})"));
  ASSERT_TRUE(d.ok()) << d.error();
  ASSERT_EQ(d->slots.size(), 3u);
  EXPECT_EQ(d->slots[0], (tms::KeySetSlot{0x03, {"M3", 'T', 'C', 16}}));  // REQ-KEY-034: 2-key TDES is M3
  EXPECT_EQ(d->slots[1].slot, 0x04);
  EXPECT_EQ(d->slots[2].slot, 200);
}

// Checks REQ-KEY-041, REQ-KEY-042: text that is not JSON, too long, or not an object.
TEST(KeySetDefinition, NotJsonTooLongOrNotAnObjectIsRefused) {
  EXPECT_EQ(error_of(""), "not JSON: syntax error at octet 1");
  EXPECT_EQ(error_of("{\"format\": 1,}"), "not JSON: syntax error at octet 14");
  EXPECT_EQ(error_of("{\"a\": \"\xff\"}"), "not JSON: syntax error at octet 8");
  EXPECT_EQ(error_of(std::string(kMaxKeySetDefinitionSize + 1, ' ')), "the definition is 65537 octets, more than 65536");
  EXPECT_EQ(error_of("[1, 2]"), "the definition must be a JSON object");
  EXPECT_EQ(error_of("\"TMK\""), "the definition must be a JSON object");
}

// Checks REQ-KEY-041: a member name twice in one object, at the top or in a slot, is an error,
// although JSON readers commonly keep the last one.
TEST(KeySetDefinition, MemberNamedTwiceInOneObjectIsRefused) {
  EXPECT_EQ(error_of(R"({"format": 1, "format": 1, "keySetId": "ACQ00001", "slots": []})"),
            "member \"format\" appears twice in one object");
  EXPECT_EQ(error_of(with_slot(R"({"slot": "PIN", "algorithm": "A", "algorithm": "T", "length": 16})")),
            "member \"algorithm\" appears twice in one object");
}

// Checks REQ-KEY-041: top-level members: unknown, missing, of the wrong type or value.
TEST(KeySetDefinition, TopLevelMemberErrorsNameTheMember) {
  EXPECT_EQ(error_of(R"({"format": 1, "keySetId": "ACQ00001", "slots": [], "comment": "x"})"), "unknown member \"comment\"");
  EXPECT_EQ(error_of(R"({"keySetId": "ACQ00001", "slots": []})"), "missing member \"format\"");
  EXPECT_EQ(error_of(R"({"format": 1, "slots": []})"), "missing member \"keySetId\"");
  EXPECT_EQ(error_of(R"({"format": 1, "keySetId": "ACQ00001"})"), "missing member \"slots\"");
  EXPECT_EQ(error_of(R"({"format": 2, "keySetId": "ACQ00001", "slots": []})"), "format: must be 1");
  EXPECT_EQ(error_of(R"({"format": 1.0, "keySetId": "ACQ00001", "slots": []})"), "format: must be 1");
  EXPECT_EQ(error_of(R"({"format": "1", "keySetId": "ACQ00001", "slots": []})"), "format: must be 1");
  for (const char* id : {R"("ACQ0001")", R"("ACQ000001")", R"("ACQ 0001")", R"("ACQ-0001")", "12345678"}) {
    EXPECT_EQ(error_of(std::string(R"({"format": 1, "slots": [], "keySetId": )") + id + "}"),
              "keySetId: must be 8 characters 0-9 A-Z a-z (REQ-MSG-032)")
        << id;
  }
  EXPECT_EQ(error_of(R"({"format": 1, "keySetId": "ACQ00001", "slots": {}})"), "slots: must be an array");
}

// Checks REQ-KEY-041 with REQ-MSG-060: a key set has 1 to 7 slots.
TEST(KeySetDefinition, ZeroOrMoreThanSevenSlotsIsRefused) {
  EXPECT_EQ(error_of(with_slot("")), "slots: 0 slots; a key set has 1 to 7 (REQ-MSG-060)");
  std::string eight;
  for (int i = 0; i < 8; ++i) {
    if (i > 0) eight += ",";
    eight += R"({"slot": )" + std::to_string(128 + i) + R"(, "keyUsage": "K1", "modeOfUse": "D", "algorithm": "A", "length": 16})";
  }
  EXPECT_EQ(error_of(with_slot(eight)), "slots: 8 slots; a key set has 1 to 7 (REQ-MSG-060)");
}

// Checks REQ-KEY-041: slot objects: not an object, unknown or missing members.
TEST(KeySetDefinition, SlotObjectMemberErrorsNameTheSlotAndMember) {
  EXPECT_EQ(error_of(with_slot(R"("TMK")")), "slots[0]: must be an object");
  EXPECT_EQ(error_of(with_slot(R"({"slot": "TMK", "algorithm": "A", "length": 16, "exportability": "N"})")),
            "slots[0]: unknown member \"exportability\"");
  EXPECT_EQ(error_of(with_slot(R"({"algorithm": "A", "length": 16})")), "slots[0]: missing member \"slot\"");
  EXPECT_EQ(error_of(with_slot(R"({"slot": "TMK", "length": 16})")), "slots[0]: missing member \"algorithm\"");
  EXPECT_EQ(error_of(with_slot(R"({"slot": "TMK", "algorithm": "A"})")), "slots[0]: missing member \"length\"");
}

// Checks REQ-KEY-030, REQ-KEY-041: the slot member: a standard name or a vendor number, nothing else.
TEST(KeySetDefinition, SlotThatIsNoStandardNameOrVendorNumberIsRefused) {
  const auto slot = [](const std::string& v) {
    return error_of(with_slot(R"({"slot": )" + v + R"(, "algorithm": "A", "length": 16})"));
  };
  EXPECT_EQ(slot(R"("tmk")"), "slots[0].slot: \"tmk\" is not a standard slot name (TMK, PIN, MAC, DATA)");
  EXPECT_EQ(slot(R"("a\nb")"), "slots[0].slot: \"a\\x0Ab\" is not a standard slot name (TMK, PIN, MAC, DATA)");
  EXPECT_EQ(slot("0"), "slots[0].slot: 0 is the DSK's slot (REQ-KEY-030)");
  EXPECT_EQ(slot("1"), "slots[0].slot: 1 is the standard slot \"TMK\"; write its name");
  EXPECT_EQ(slot("4"), "slots[0].slot: 4 is the standard slot \"DATA\"; write its name");
  EXPECT_EQ(slot("5"), "slots[0].slot: 5 is reserved for future standard slots (REQ-KEY-030)");
  EXPECT_EQ(slot("127"), "slots[0].slot: 127 is reserved for future standard slots (REQ-KEY-030)");
  EXPECT_EQ(slot("255"), "slots[0].slot: 255 is not a slot number (vendor slots are 128-254)");
  EXPECT_EQ(slot("-1"), "slots[0].slot: -1 is not a slot number (vendor slots are 128-254)");
  EXPECT_EQ(slot("18446744073709551615"), "slots[0].slot: 9223372036854775807 is not a slot number (vendor slots are 128-254)");
  EXPECT_EQ(slot("128.0"), "slots[0].slot: must be a standard slot name or a vendor slot number");
  EXPECT_EQ(slot("null"), "slots[0].slot: must be a standard slot name or a vendor slot number");
}

// Checks REQ-KEY-031, REQ-KEY-038, REQ-KEY-041: algorithm and length are one of the five forms.
TEST(KeySetDefinition, AlgorithmOrLengthOutsideTheFiveFormsIsRefused) {
  const auto form = [](const std::string& a, const std::string& l) {
    return error_of(with_slot(R"({"slot": "PIN", "algorithm": )" + a + R"(, "length": )" + l + "}"));
  };
  EXPECT_EQ(form(R"("D")", "8"), "slots[0].algorithm: \"D\" (single DES) is deliverable in no profile (REQ-CRYPTO-017)");
  EXPECT_EQ(form(R"("AES")", "16"), "slots[0].algorithm: \"AES\" must be \"T\" or \"A\"");
  EXPECT_EQ(form("65", "16"), "slots[0].algorithm: must be \"T\" or \"A\"");
  EXPECT_EQ(form(R"("T")", "32"), "slots[0].length: 32 is not a length of algorithm \"T\" (16 or 24)");
  EXPECT_EQ(form(R"("A")", "20"), "slots[0].length: 20 is not a length of algorithm \"A\" (16, 24 or 32)");
  EXPECT_EQ(form(R"("A")", "-16"), "slots[0].length: -16 is not a length of algorithm \"A\" (16, 24 or 32)");
  EXPECT_EQ(form(R"("A")", "16.0"), "slots[0].length: must be an integer");
  EXPECT_EQ(form(R"("A")", R"("16")"), "slots[0].length: must be an integer");
}

// Checks REQ-KEY-031: a standard slot's usage and mode of use are the registry's, never written.
TEST(KeySetDefinition, UsageOrModeWrittenForAStandardSlotIsRefused) {
  EXPECT_EQ(error_of(with_slot(R"({"slot": "PIN", "algorithm": "A", "length": 16, "keyUsage": "P0"})")),
            "slots[0].keyUsage: the registry fixes it for standard slot \"PIN\"; leave it out");
  EXPECT_EQ(error_of(with_slot(R"({"slot": "TMK", "algorithm": "A", "length": 16, "modeOfUse": "B"})")),
            "slots[0].modeOfUse: the registry fixes it for standard slot \"TMK\"; leave it out");
}

// Checks REQ-KEY-038: a vendor slot states its whole rule, within TR-31.
TEST(KeySetDefinition, VendorSlotWithoutAValidRuleIsRefused) {
  const auto vendor = [](const std::string& members) {
    return error_of(with_slot(R"({"slot": 130, "algorithm": "A", "length": 16)" + members + "}"));
  };
  EXPECT_EQ(vendor(R"(, "modeOfUse": "D")"), "slots[0]: missing member \"keyUsage\" (a vendor slot states its rule, REQ-KEY-038)");
  EXPECT_EQ(vendor(R"(, "keyUsage": "K1")"), "slots[0]: missing member \"modeOfUse\" (a vendor slot states its rule, REQ-KEY-038)");
  EXPECT_EQ(vendor(R"(, "keyUsage": "k1", "modeOfUse": "D")"), "slots[0].keyUsage: \"k1\" must be two characters 0-9 A-Z");
  EXPECT_EQ(vendor(R"(, "keyUsage": "K10", "modeOfUse": "D")"), "slots[0].keyUsage: \"K10\" must be two characters 0-9 A-Z");
  EXPECT_EQ(vendor(R"(, "keyUsage": 10, "modeOfUse": "D")"), "slots[0].keyUsage: must be two characters 0-9 A-Z");
  EXPECT_EQ(vendor(R"(, "keyUsage": "K1", "modeOfUse": "Q")"), "slots[0].modeOfUse: \"Q\" must be one of B C D E G N S T V X Y");
  EXPECT_EQ(vendor(R"(, "keyUsage": "K1", "modeOfUse": "DE")"), "slots[0].modeOfUse: must be one of B C D E G N S T V X Y");
  EXPECT_EQ(vendor(R"(, "keyUsage": "K1", "modeOfUse": "")"), "slots[0].modeOfUse: must be one of B C D E G N S T V X Y");
}

// Checks REQ-KEY-041: two slot objects naming the same slot.
TEST(KeySetDefinition, SlotNamedTwiceIsRefused) {
  EXPECT_EQ(error_of(with_slot(R"({"slot": "MAC", "algorithm": "A", "length": 16}, {"slot": "MAC", "algorithm": "T", "length": 16})")),
            "slots[1]: slot \"MAC\" (0x03) is named twice");
  EXPECT_EQ(error_of(with_slot(R"({"slot": 254, "keyUsage": "K1", "modeOfUse": "D", "algorithm": "A", "length": 16},
                                  {"slot": 254, "keyUsage": "P0", "modeOfUse": "E", "algorithm": "A", "length": 16})")),
            "slots[1]: slot 254 (0xFE) is named twice");
}

// Checks REQ-KEY-036: a valid definition naming an AES-256 PIN key is refused for a TDES terminal
// (and an AES128 one), accepted for an AES256 one; nothing is registered in LEGACY.
TEST(KeySetDefinition, AesPinKeyCannotBeRegisteredForATdesTerminal) {
  const auto d = parse_key_set_definition(
      with_slot(R"({"slot": "TMK", "algorithm": "A", "length": 32}, {"slot": "PIN", "algorithm": "A", "length": 32})"));
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(check_registrable(*d, Profile::kTdes).error(),
            "slot \"TMK\" (0x01): a 32-octet AES key (256 bits) is stronger than the TDES profile can deliver "
            "(REQ-KEY-014, REQ-KEY-036)");
  EXPECT_FALSE(check_registrable(*d, Profile::kAes128).ok());
  EXPECT_TRUE(check_registrable(*d, Profile::kAes256).ok());
  EXPECT_EQ(check_registrable(*d, Profile::kLegacy).error(), "the LEGACY profile delivers no keys (REQ-CRYPTO-025)");
}

// Checks REQ-KEY-037: a working key of a standard slot stronger than the set's TMK is refused;
// a vendor key is not held to it.
TEST(KeySetDefinition, WorkingKeyStrongerThanTheTmkIsRefused) {
  const auto d = parse_key_set_definition(
      with_slot(R"({"slot": "TMK", "algorithm": "T", "length": 16}, {"slot": "MAC", "algorithm": "A", "length": 16})"));
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(check_registrable(*d, Profile::kAes128).error(),
            "slot \"MAC\" (0x03): a 16-octet AES key (128 bits) is stronger than the set's TMK (REQ-KEY-037)");
  const auto vendor = parse_key_set_definition(with_slot(
      R"({"slot": "TMK", "algorithm": "T", "length": 16}, {"slot": 128, "keyUsage": "K1", "modeOfUse": "D", "algorithm": "A", "length": 16})"));
  ASSERT_TRUE(vendor.ok()) << vendor.error();
  EXPECT_TRUE(check_registrable(*vendor, Profile::kAes128).ok());
}

// Checks REQ-KEY-040: a definition that the parser accepted serialises to text that parses back to
// the same definition (the canonical form of section 5.5).
RC_GTEST_PROP(KeySetDefinition, AnyAcceptedDefinitionSerialisesBackToItself, ()) {
  KeySetDefinition d;
  d.key_set_id = *rc::gen::container<std::string>(
      kKeySetIdWidth, rc::gen::element('0', '9', 'A', 'Z', 'a', 'z', 'K', 'M'));
  const auto count = *rc::gen::inRange<std::size_t>(1, 8);
  std::vector<int> numbers = {1, 2, 3, 4};
  for (int n = profile::kFirstVendorSlot; n <= profile::kLastVendorSlot; ++n) numbers.push_back(n);
  const auto chosen = *rc::gen::unique<std::vector<int>>(count, rc::gen::elementOf(numbers));
  std::string slots;
  for (int n : chosen) {
    const profile::KeyForm form = *rc::gen::elementOf(profile::kKeyForms);
    std::string o = R"({"algorithm": ")" + std::string(1, form.algorithm) + R"(", "length": )" +
                    std::to_string(form.key_length) + ", \"slot\": ";
    if (n <= 4) {
      o += "\"" + std::string(profile::find_standard_slot(static_cast<std::uint8_t>(n))->name) + "\"}";
    } else {
      o += std::to_string(n) + R"(, "keyUsage": ")" + *rc::gen::element<std::string>("K1", "B0", "P0", "99", "ZZ") +
           R"(", "modeOfUse": ")" + *rc::gen::element<std::string>("B", "C", "D", "E", "G", "N", "S", "T", "V", "X", "Y") + "\"}";
    }
    if (!slots.empty()) slots += ",";
    slots += o;
  }
  const auto parsed = parse_key_set_definition(R"({"slots": [)" + slots + R"(], "keySetId": ")" + d.key_set_id +
                                               R"(", "format": 1})");
  RC_ASSERT(parsed.ok());
  const auto again = parse_key_set_definition(to_json(*parsed));
  RC_ASSERT(again.ok());
  RC_ASSERT(*again == *parsed);
  RC_ASSERT(parsed->slots.size() == count);
}

}  // namespace
}  // namespace tmsproto::config
