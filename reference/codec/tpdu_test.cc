#include "codec/tpdu.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "common/hex.h"

namespace tmsproto::codec {
namespace {

Tpdu tpdu(unsigned dest, unsigned src) { return Tpdu{*nii_from_number(dest), *nii_from_number(src)}; }

Bytes written(const Tpdu& t) {
  Writer w;
  write_tpdu(w, t);
  return std::move(w).take();
}

// spec/02-transport.md 2.5: a terminal addressing the TMS behind NII 003 from NII 000.
// Checks REQ-FRAME-030.
TEST(Tpdu, LayoutIsIdThenDestinationThenSourceNii) {
  EXPECT_EQ(to_hex(written(tpdu(3, 0))), "6000030000");
  EXPECT_EQ(to_hex(written(tpdu(800, 1234))), "6008001234");
}

// Checks REQ-FRAME-031.
TEST(Tpdu, NiiIsFourBcdDigitsAThreeDigitNiiWithALeadingZero) {
  EXPECT_EQ(to_hex(*nii_from_number(3)), "0003");
  EXPECT_EQ(to_hex(*nii_from_number(800)), "0800");
  EXPECT_EQ(to_hex(*nii_from_number(9999)), "9999");
  EXPECT_FALSE(nii_from_number(10000).has_value());
  EXPECT_TRUE(is_bcd_nii(Nii{0x08, 0x00}));
  EXPECT_FALSE(is_bcd_nii(Nii{0x0a, 0x00}));
  EXPECT_FALSE(is_bcd_nii(Nii{0x00, 0xf0}));
}

// REQ-FRAME-031: a receiver takes whatever a NAC wrote into the addresses, hexadecimal included.
TEST(Tpdu, AnyNiiOctetsAreAccepted) {
  const Bytes in = *from_hex("60ffff0a0b");
  Reader r(in);
  auto t = parse_tpdu(r);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->destination, (Nii{0xff, 0xff}));
  EXPECT_EQ(t->source, (Nii{0x0a, 0x0b}));
  EXPECT_EQ(r.remaining(), 0u);
}

// Checks REQ-FRAME-036, REQ-FRAME-037 (the parser both framings use).
TEST(Tpdu, WrongIdIsMalformedNamingTpduId) {
  const Bytes in = *from_hex("6100030000");
  Reader r(in);
  auto t = parse_tpdu(r);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ResponseCode::kMalformed);
  EXPECT_EQ(t.error().field, "TPDU_ID");
}

// Checks REQ-FRAME-032: never reads past the end, even though the framings rule this out first.
TEST(Tpdu, FewerThanFiveOctetsIsMalformed) {
  const Bytes in = *from_hex("60000300");
  Reader r(in);
  auto t = parse_tpdu(r);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().field, "TPDU");
  EXPECT_EQ(r.offset(), 0u);
}

// Checks REQ-FRAME-034.
TEST(Tpdu, TmsAnswersWithTheLastAcceptedNiisSwappedAndItsConfiguredTpduBefore) {
  const TpduConfig tms = TpduConfig::tms(tpdu(0, 3));
  EXPECT_EQ(tms.outgoing(std::nullopt), tpdu(0, 3));
  // A NAC rewrote the source address to 0042 on the way in: the answer goes back to 0042.
  EXPECT_EQ(tms.outgoing(tpdu(3, 42)), tpdu(42, 3));
}

// Checks REQ-FRAME-033.
TEST(Tpdu, TerminalSendsItsConfiguredNiisWhateverItReceived) {
  const TpduConfig terminal = TpduConfig::terminal(tpdu(3, 0));
  EXPECT_EQ(terminal.outgoing(std::nullopt), tpdu(3, 0));
  EXPECT_EQ(terminal.outgoing(tpdu(77, 88)), tpdu(3, 0));
}

// Checks REQ-FRAME-030, REQ-FRAME-031: what is written is read back whatever the addresses hold,
// and swapping twice gives back the TPDU.
RC_GTEST_PROP(Tpdu, WriteThenParseIsIdentityAndSwappingIsAnInvolution, ()) {
  const Tpdu t{*rc::gen::arbitrary<Nii>(), *rc::gen::arbitrary<Nii>()};
  const Bytes w = written(t);
  RC_ASSERT(w.size() == kTpduLength);
  Reader r(w);
  auto back = parse_tpdu(r);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == t);
  RC_ASSERT(t.swapped().swapped() == t);
  RC_ASSERT(t.swapped().destination == t.source);
}

}  // namespace
}  // namespace tmsproto::codec
