#include "codec/terminal_info.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

#include "common/hex.h"
#include "protocol/constants.h"

namespace tmsproto::codec {
namespace {

TerminalInfo minimal() {
  TerminalInfo m;
  m.hardware_id = "S90";
  m.firmware_id = "OS-2.1";
  m.bearer = Bearer::kGprs;
  m.tamper = false;
  return m;
}

ParseError error_of(const Bytes& b) { return parse_terminal_info(b).error(); }

Bytes item(std::uint16_t tag, const Bytes& value) {
  Bytes out = {static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag),
               static_cast<std::uint8_t>(value.size() >> 8), static_cast<std::uint8_t>(value.size())};
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// spec/03-messages.md section 3.8: TAG (2) ‖ LEN (2) ‖ VALUE, in ascending order of TAG.
TEST(TermInfo, MinimalReportIsTheFourMandatoryItemsInTagOrder) {
  const Bytes b = serialize(minimal());
  EXPECT_EQ(to_hex(b),
            "00010003" + to_hex(text("S90")) +       // HARDWARE_ID
            "00020006" + to_hex(text("OS-2.1")) +    // FIRMWARE_ID
            "0004000104"                             // BEARER GPRS
            "0005000100");                           // TAMPER none
  EXPECT_EQ(*parse_terminal_info(b), minimal());
}

// REQ-MSG-120: strictly ascending (TAG, VALUE).
TEST(TermInfo, ItemsOutOfOrderAreMalformed) {
  const Bytes b = concat({item(0x0002, text("OS")), item(0x0001, text("HW")), item(0x0004, {0x01}),
                          item(0x0005, {0x00})});
  EXPECT_EQ(error_of(b).field, "ITEM");
  EXPECT_EQ(error_of(b).code, ResponseCode::kMalformed);
}

// REQ-MSG-120: no item twice, and values of a list tag ascend.
TEST(TermInfo, ARepeatedItemOrDescendingValuesAreMalformed) {
  const Bytes base = concat({item(0x0001, text("HW")), item(0x0002, text("OS")), item(0x0004, {0x01}),
                             item(0x0005, {0x00})});
  EXPECT_EQ(error_of(concat({base, item(0x0030, text("F2")), item(0x0030, text("F1"))})).field, "ITEM");
  EXPECT_EQ(error_of(concat({base, item(0x0030, text("F1")), item(0x0030, text("F1"))})).field, "ITEM");
  EXPECT_TRUE(parse_terminal_info(concat({base, item(0x0030, text("F1")), item(0x0030, text("F2"))})).ok());
}

// REQ-MSG-121: a tag marked "once" appears once, even with another value.
TEST(TermInfo, AOnceTagTwiceIsMalformed) {
  const Bytes b = concat({item(0x0001, text("HW1")), item(0x0001, text("HW2")), item(0x0002, text("OS")),
                          item(0x0004, {0x01}), item(0x0005, {0x00})});
  EXPECT_EQ(error_of(b).field, "HARDWARE_ID");
}

// REQ-MSG-121: HARDWARE_ID, FIRMWARE_ID, BEARER and TAMPER are mandatory.
TEST(TermInfo, EachMandatoryItemMissingIsMalformed) {
  const Bytes hw = item(0x0001, text("HW")), fw = item(0x0002, text("OS")), be = item(0x0004, {0x01}),
              ta = item(0x0005, {0x00});
  EXPECT_EQ(error_of(concat({fw, be, ta})).field, "HARDWARE_ID");
  EXPECT_EQ(error_of(concat({hw, be, ta})).field, "FIRMWARE_ID");
  EXPECT_EQ(error_of(concat({hw, fw, ta})).field, "BEARER");
  EXPECT_EQ(error_of(concat({hw, fw, be})).field, "TAMPER");
}

// REQ-MSG-121: the values of registered tags.
TEST(TermInfo, RegisteredValuesOutsideTheirRowsAreMalformed) {
  const Bytes hw = item(0x0001, text("HW")), fw = item(0x0002, text("OS")), ta = item(0x0005, {0x00});
  EXPECT_EQ(error_of(concat({item(0x0001, {}), fw, item(0x0004, {0x01}), ta})).field, "HARDWARE_ID");
  EXPECT_EQ(error_of(concat({item(0x0001, text(std::string(33, 'H'))), fw, item(0x0004, {0x01}), ta})).field,
            "HARDWARE_ID");
  EXPECT_EQ(error_of(concat({item(0x0001, text("H W")), fw, item(0x0004, {0x01}), ta})).field, "HARDWARE_ID");
  EXPECT_EQ(error_of(concat({hw, fw, item(0x0004, {0x09}), ta})).field, "BEARER");
  EXPECT_EQ(error_of(concat({hw, fw, item(0x0004, {0x00}), ta})).field, "BEARER");
  EXPECT_EQ(error_of(concat({hw, fw, item(0x0004, {0x01}), item(0x0005, {0x02})})).field, "TAMPER");
}

// REQ-MSG-121: tags 0x0000 and 0xFFFF are reserved.
TEST(TermInfo, ReservedTagsAreMalformed) {
  EXPECT_EQ(error_of(concat({item(0x0000, {}), serialize(minimal())})).field, "TAG");
  EXPECT_EQ(error_of(concat({serialize(minimal()), item(0xFFFF, {})})).field, "TAG");
}

// REQ-MSG-120: 4-8000 octets, whole items.
TEST(TermInfo, PayloadBoundsAndTruncatedItemsAreMalformed) {
  EXPECT_EQ(error_of({0x00, 0x01, 0x00}).field, "TERM_INFO");
  Bytes b = serialize(minimal());
  b.pop_back();
  EXPECT_EQ(error_of(b).field, "VALUE");
  TerminalInfo big = minimal();
  for (std::uint16_t t = 0; t < 8; ++t) big.other.push_back({static_cast<std::uint16_t>(0x8000 + t), Bytes(1000, 0x41)});
  EXPECT_GT(serialize(big).size(), kMaxTermInfo);
  EXPECT_EQ(error_of(serialize(big)).field, "TERM_INFO");
}

// REQ-MSG-121, REQ-MSG-123: vendor and unassigned items, up to 1024 octets, kept as received.
TEST(TermInfo, VendorAndUnassignedItemsAreKeptAsReceived) {
  TerminalInfo m = minimal();
  m.other = {{0x0006, {0x01, 0x02}}, {0x8001, {}}, {0x8001, Bytes(1024, 0x7A)}};
  const auto parsed = parse_terminal_info(serialize(m));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->other, m.other);
  m.other = {{0x8001, Bytes(1025, 0x7A)}};
  EXPECT_EQ(error_of(serialize(m)).field, "VALUE");
}

// REQ-MSG-122: MASTER_APP exactly with one KIND M package, at its version.
TEST(TermInfo, MasterAppGoesWithTheKindMPackageAndItsVersion) {
  TerminalInfo m = minimal();
  m.packages = {{PackageKind::kMaster, "TMSP-MASTER", 4}};
  EXPECT_EQ(error_of(serialize(m)).field, "MASTER_APP");
  m.master_app = MasterApp{2, 4, SwitchState::kSettled, 3};
  EXPECT_TRUE(parse_terminal_info(serialize(m)).ok());
  m.master_app->running_version = 5;
  EXPECT_EQ(error_of(serialize(m)).field, "RUNNING_VERSION");
  m.master_app->running_version = 4;
  m.packages.clear();
  EXPECT_EQ(error_of(serialize(m)).field, "MASTER_APP");
  m.packages = {{PackageKind::kMaster, "TMSP-MASTER", 4}, {PackageKind::kMaster, "TMSP-OTHER", 1}};
  EXPECT_EQ(error_of(serialize(m)).field, "PACKAGE");
}

// REQ-MSG-122: a pending switch or a fall-back names the other slot's version.
TEST(TermInfo, PendingOrFellBackNeedsTheOtherVersion) {
  TerminalInfo m = minimal();
  m.packages = {{PackageKind::kMaster, "TMSP-MASTER", 4}};
  for (SwitchState s : {SwitchState::kPending, SwitchState::kFellBack}) {
    m.master_app = MasterApp{1, 4, s, 0};
    EXPECT_EQ(error_of(serialize(m)).field, "OTHER_VERSION");
    m.master_app->other_version = 5;
    EXPECT_TRUE(parse_terminal_info(serialize(m)).ok());
  }
  m.master_app = MasterApp{3, 4, SwitchState::kSettled, 0};
  EXPECT_EQ(error_of(serialize(m)).field, "RUNNING_SLOT");
}

// REQ-MSG-122: one PACKAGE item per (KIND, NAME).
TEST(TermInfo, TwoVersionsOfOnePackageAreMalformed) {
  TerminalInfo m = minimal();
  m.packages = {{PackageKind::kApplication, "PAYAPP", 1}, {PackageKind::kApplication, "PAYAPP", 2}};
  EXPECT_EQ(error_of(serialize(m)).field, "PACKAGE");
}

// REQ-MSG-121: KEY_SLOT is SLOT (0x01-0xFE) ‖ a 3- or 5-octet KCV, one item per slot.
TEST(TermInfo, KeySlotsHaveAKcvOfThreeOrFiveOctetsAndOneItemEach) {
  TerminalInfo m = minimal();
  m.key_slots = {{0x01, {0xAA, 0xBB, 0xCC}}, {0x02, {1, 2, 3, 4, 5}}};
  EXPECT_EQ(parse_terminal_info(serialize(m))->key_slots, m.key_slots);
  m.key_slots = {{0x01, {0xAA, 0xBB}}};
  EXPECT_EQ(error_of(serialize(m)).field, "KEY_SLOT");
  m.key_slots = {{0x00, {0xAA, 0xBB, 0xCC}}};
  EXPECT_EQ(error_of(serialize(m)).field, "SLOT");
  m.key_slots = {{0xFF, {0xAA, 0xBB, 0xCC}}};
  EXPECT_EQ(error_of(serialize(m)).field, "SLOT");
  m.key_slots = {{0x01, {0xAA, 0xBB, 0xCC}}, {0x01, {0xAA, 0xBB, 0xCD}}};
  EXPECT_EQ(error_of(serialize(m)).field, "KEY_SLOT");
}

// REQ-MSG-121: LAST_APPLY's RESULT is 00, 18 or 22, one item per (KIND, NAME).
TEST(TermInfo, LastApplyResultIsAnApplyOutcome) {
  TerminalInfo m = minimal();
  for (ResponseCode ok : {ResponseCode::kSuccess, ResponseCode::kIntegrityFailed, ResponseCode::kApplyFailed}) {
    m.last_apply = {{{PackageKind::kParameters, "MERCHANT", 3}, ok}};
    EXPECT_TRUE(parse_terminal_info(serialize(m)).ok());
  }
  m.last_apply = {{{PackageKind::kParameters, "MERCHANT", 3}, ResponseCode::kMalformed}};
  EXPECT_EQ(error_of(serialize(m)).field, "RESULT");
  m.last_apply = {{{PackageKind::kParameters, "MERCHANT", 3}, ResponseCode::kSuccess},
                  {{PackageKind::kParameters, "MERCHANT", 4}, ResponseCode::kSuccess}};
  EXPECT_EQ(error_of(serialize(m)).field, "LAST_APPLY");
}

// --- properties ---------------------------------------------------------------------------------

rc::Gen<std::string> gen_info_text() {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, kMaxInfoText + 1), [](std::size_t n) {
    return rc::gen::container<std::string>(n, rc::gen::inRange(static_cast<char>(0x21), static_cast<char>(0x7f)));
  });
}

rc::Gen<std::string> gen_name() {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, tmsproto::kPackageNameWidth + 1), [](std::size_t n) {
    return rc::gen::container<std::string>(n, rc::gen::inRange('A', static_cast<char>('Z' + 1)));
  });
}

// A report that keeps every rule of REQ-MSG-120 to REQ-MSG-122, in any order of its vectors.
rc::Gen<TerminalInfo> gen_terminal_info() {
  return rc::gen::exec([] {
    TerminalInfo m;
    m.hardware_id = *gen_info_text();
    m.firmware_id = *gen_info_text();
    m.bearer = static_cast<Bearer>(*rc::gen::inRange(1, 9));
    m.tamper = *rc::gen::arbitrary<bool>();
    const auto name_list = *rc::gen::resize(6, rc::gen::container<std::vector<std::string>>(gen_name()));
    const std::set<std::string> names(name_list.begin(), name_list.end());
    for (const std::string& n : names) {
      const auto kind = *rc::gen::element(PackageKind::kApplication, PackageKind::kParameters, PackageKind::kDataFile);
      m.packages.push_back({kind, n, *rc::gen::inRange<std::uint32_t>(1, 100)});
      if (*rc::gen::arbitrary<bool>()) {
        m.last_apply.push_back({{kind, n, *rc::gen::inRange<std::uint32_t>(1, 100)},
                                *rc::gen::element(ResponseCode::kSuccess, ResponseCode::kIntegrityFailed,
                                                  ResponseCode::kApplyFailed)});
      }
    }
    if (*rc::gen::arbitrary<bool>()) {
      const auto v = *rc::gen::inRange<std::uint32_t>(1, 100);
      m.packages.push_back({PackageKind::kMaster, "TMSP-MASTER", v});
      const auto state = *rc::gen::element(SwitchState::kSettled, SwitchState::kPending, SwitchState::kFellBack);
      const auto other = *rc::gen::inRange<std::uint32_t>(state == SwitchState::kSettled ? 0 : 1, 100);
      m.master_app = MasterApp{*rc::gen::element<std::uint8_t>(1, 2), v, state, other};
    }
    const auto slot_list = *rc::gen::resize(5, rc::gen::container<std::vector<std::uint8_t>>(rc::gen::inRange<std::uint8_t>(1, 0xFF)));
    const std::set<std::uint8_t> slots(slot_list.begin(), slot_list.end());
    for (std::uint8_t s : slots) m.key_slots.push_back({s, *rc::gen::container<Bytes>(*rc::gen::element<std::size_t>(3, 5), rc::gen::arbitrary<std::uint8_t>())});
    const auto fault_list = *rc::gen::resize(3, rc::gen::container<std::vector<std::string>>(gen_info_text()));
    for (const std::string& f : std::set<std::string>(fault_list.begin(), fault_list.end())) m.faults.push_back(f);
    const auto other_list = *rc::gen::resize(4, rc::gen::container<std::vector<std::pair<std::uint16_t, Bytes>>>(rc::gen::pair(
        rc::gen::oneOf(rc::gen::inRange<std::uint16_t>(0x8000, 0xFFFF), rc::gen::element<std::uint16_t>(0x0006, 0x0012, 0x7FFF)),
        rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>()))));
    const std::set<std::pair<std::uint16_t, Bytes>> others(other_list.begin(), other_list.end());
    for (const auto& [tag, value] : others) m.other.push_back({tag, value});
    return m;
  });
}

// The order parse_terminal_info returns a report's lists in: REQ-MSG-120's order of VALUE.
TerminalInfo in_wire_order(TerminalInfo m) {
  return *parse_terminal_info(serialize(m));
}

// REQ-MSG-120, REQ-MSG-003: any valid report survives the wire, and re-serialises octet for octet.
RC_GTEST_PROP(TermInfoProperties, ValidReportsRoundTrip, ()) {
  const TerminalInfo m = *gen_terminal_info();
  const Bytes b = serialize(m);
  RC_PRE(b.size() <= kMaxTermInfo);
  const auto parsed = parse_terminal_info(b);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(serialize(*parsed) == b);
  RC_ASSERT(parsed->hardware_id == m.hardware_id);
  RC_ASSERT(parsed->master_app == m.master_app);
  RC_ASSERT(parsed->packages.size() == m.packages.size());
  RC_ASSERT(parsed->key_slots.size() == m.key_slots.size());
  RC_ASSERT(parsed->other.size() == m.other.size());
  RC_ASSERT(in_wire_order(*parsed) == *parsed);
}

// REQ-MSG-003: whatever the parser accepts after a mutation re-serialises to exactly itself.
RC_GTEST_PROP(TermInfoProperties, AcceptedPayloadsAreCanonical, ()) {
  Bytes b = serialize(*gen_terminal_info());
  RC_PRE(!b.empty() && b.size() <= kMaxTermInfo);
  const auto at = *rc::gen::inRange<std::size_t>(0, b.size());
  switch (*rc::gen::inRange(0, 3)) {
    case 0: b[at] ^= *rc::gen::inRange<std::uint8_t>(1, 0xFF); break;
    case 1: b.resize(at); break;
    default: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), *rc::gen::arbitrary<std::uint8_t>()); break;
  }
  const auto parsed = parse_terminal_info(b);
  if (parsed.ok()) RC_ASSERT(serialize(*parsed) == b);
}

}  // namespace
}  // namespace tmsproto::codec
