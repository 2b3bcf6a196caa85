// Header codec tests (REQ-CRYPTO-011). Headers of published key blocks are parsed field by field;
// malformed headers must fail with the error naming the field; properties cover round trip and
// "never crashes, always a value" on arbitrary input.
#include "keyblock/tr31_header.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

namespace tmsproto::keyblock {
namespace {

// The header part of a published key block, with a body of '0's so that the declared length
// matches (the body is not looked at by parse_header()).
std::string with_body(std::string_view header, std::size_t block_length) {
  std::string s(header);
  s.resize(block_length, '0');
  return s;
}

// ASC X9 TR-31:2018 A.7.2.2 (Example 1b), quoted by openemv/tr31 test/tr31_decrypt_test.c.
TEST(Tr31Header, ParsesPublishedVersionBHeader) {
  const std::string block = "B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E";
  auto p = parse_header(block);
  ASSERT_TRUE(p) << to_string(p.error());
  EXPECT_EQ(p->header_length, 16u);
  const Tr31Header& h = p->header;
  EXPECT_EQ(h.version, Tr31Version::kB);
  EXPECT_EQ(h.key_usage, "P0");
  EXPECT_EQ(h.algorithm, 'T');
  EXPECT_EQ(h.mode_of_use, 'E');
  EXPECT_EQ(h.key_version, "00");
  EXPECT_EQ(h.exportability, 'E');
  EXPECT_EQ(h.key_context, '0');
  EXPECT_TRUE(h.optional_blocks.empty());
}

// ASC X9 TR-31:2018 A.7.3.2 (Example 2b): one KS optional block.
TEST(Tr31Header, ParsesPublishedHeaderWithKsBlock) {
  const std::string block =
      "B0104B0TX12S0100KS1800604B120F9292800000BB68BE8680A400D9191AD4ECE45B6E6C0D21C4738A52190E248719E24B433627";
  auto p = parse_header(block);
  ASSERT_TRUE(p) << to_string(p.error());
  EXPECT_EQ(p->header_length, 40u);
  EXPECT_EQ(p->header.key_usage, "B0");
  EXPECT_EQ(p->header.mode_of_use, 'X');
  EXPECT_EQ(p->header.key_version, "12");
  EXPECT_EQ(p->header.exportability, 'S');
  ASSERT_EQ(p->header.optional_blocks.size(), 1u);
  EXPECT_EQ(p->header.optional_blocks[0], (OptionalBlock{"KS", "00604B120F9292800000"}));
  auto again = serialise_header(p->header, block.size());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, block.substr(0, 40));
}

// ANSI X9.143-2022 §8.2 (AES key block with optional blocks), quoted by warthog33/keyblock
// tests/fromstandards.rs: KS, TS (with '-', ':' and '.') and a PB padding block to 64 characters.
TEST(Tr31Header, ParsesPublishedHeaderWithTimestampAndPadding) {
  const std::string header = "D0192C0AVA1N0300KS08VM9ATS1A2018-06-18T20:42:39.22PB0E0000000000";
  auto p = parse_header(with_body(header, 192));
  ASSERT_TRUE(p) << to_string(p.error());
  EXPECT_EQ(p->header_length, 64u);
  EXPECT_EQ(p->header.version, Tr31Version::kD);
  EXPECT_EQ(p->header.key_version, "A1");
  ASSERT_EQ(p->header.optional_blocks.size(), 3u);
  EXPECT_EQ(p->header.optional_blocks[1], (OptionalBlock{"TS", "2018-06-18T20:42:39.22"}));
  EXPECT_EQ(p->header.optional_blocks[2], (OptionalBlock{"PB", "0000000000"}));
  // Our own PB rule gives the same block as the standard's example.
  Tr31Header without_pb = p->header;
  without_pb.optional_blocks.pop_back();
  EXPECT_EQ(add_padding_block(without_pb), p->header);
  auto again = serialise_header(p->header, 192);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, header);
}

// Extended length form, as in knovichikhin/psec tests/test_tr31.py test_header_load_optional_256.
TEST(Tr31Header, ParsesExtendedLengthBlock) {
  const std::string header = "B0288P0TE00N0200KS0002010A" + std::string(256, 'P') + "PB0600";
  auto p = parse_header(header);
  ASSERT_TRUE(p) << to_string(p.error());
  EXPECT_EQ(p->header_length, 288u);
  EXPECT_EQ(p->header.optional_blocks[0].data, std::string(256, 'P'));
  auto again = serialise_header(p->header, 288);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, header);
}

struct BadHeader {
  const char* name;
  std::string text;
  Tr31Error expected;
};

// ctest and failure messages show the case name rather than the struct's bytes.
void PrintTo(const BadHeader& b, std::ostream* os) { *os << b.name; }

class Tr31HeaderRejects : public ::testing::TestWithParam<BadHeader> {};

TEST_P(Tr31HeaderRejects, WithTheFieldThatFailed) {
  auto p = parse_header(GetParam().text);
  ASSERT_FALSE(p) << GetParam().name;
  EXPECT_EQ(p.error(), GetParam().expected) << GetParam().name << ": got " << to_string(p.error());
}

std::string sized(std::string s) {
  // Fill in the length field with the real length, so the case fails only for its own reason.
  const std::string len = std::to_string(s.size());
  s.replace(1, 4, std::string(4 - len.size(), '0') + len);
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Fields, Tr31HeaderRejects,
    ::testing::Values(
        BadHeader{"empty", "", Tr31Error::kBadLength},
        BadHeader{"version A (variant binding)", sized("A0000P0TE00E0000"), Tr31Error::kBadVersion},
        BadHeader{"version C (variant binding)", sized("C0000P0TE00E0000"), Tr31Error::kBadVersion},
        BadHeader{"version E", sized("E0000P0TE00E0000"), Tr31Error::kBadVersion},
        BadHeader{"version lower case", sized("b0000P0TE00E0000"), Tr31Error::kBadVersion},
        BadHeader{"truncated length", "B00", Tr31Error::kBadLength},
        BadHeader{"length not digits", "BX016P0TE00E0000", Tr31Error::kBadLength},
        BadHeader{"length larger than input", "B0024P0TE00E0000", Tr31Error::kBadLength},
        BadHeader{"trailing data after declared length", "B0016P0TE00E0000XXXXXXXX", Tr31Error::kBadLength},
        BadHeader{"truncated after length", "B0005", Tr31Error::kBadKeyUsage},
        BadHeader{"key usage lower case", sized("B0000p0TE00E0000"), Tr31Error::kBadKeyUsage},
        BadHeader{"key usage punctuation", sized("B0000P_TE00E0000"), Tr31Error::kBadKeyUsage},
        BadHeader{"algorithm unknown", sized("B0000P0XE00E0000"), Tr31Error::kBadAlgorithm},
        BadHeader{"mode of use unknown", sized("B0000P0TZ00E0000"), Tr31Error::kBadModeOfUse},
        BadHeader{"key version punctuation", sized("B0000P0TE0_E0000"), Tr31Error::kBadKeyVersion},
        BadHeader{"exportability unknown", sized("B0000P0TE00X0000"), Tr31Error::kBadExportability},
        BadHeader{"block count not digits", sized("B0000P0TE00E0X00"), Tr31Error::kBadOptionalBlockCount},
        BadHeader{"key context 3", sized("B0000P0TE00E0030"), Tr31Error::kBadKeyContext},
        BadHeader{"reserved not 0", sized("B0000P0TE00E0001"), Tr31Error::kBadKeyContext},
        BadHeader{"announced block missing", sized("B0000P0TE00E0100"), Tr31Error::kBadOptionalBlock},
        BadHeader{"block ID truncated", sized("B0000P0TE00E0100K"), Tr31Error::kBadOptionalBlock},
        BadHeader{"block ID punctuation", sized("B0000P0TE00E0100**04PB0400000000"), Tr31Error::kBadOptionalBlock},
        BadHeader{"block length not hex", sized("B0000P0TE00E0100KS1Y"), Tr31Error::kBadOptionalBlock},
        BadHeader{"block length lower-case hex", sized("B0000P0TE00E0100KSa0"), Tr31Error::kBadOptionalBlock},
        BadHeader{"block length below overhead", sized("B0000P0TE00E0100KS03"), Tr31Error::kBadOptionalBlock},
        BadHeader{"block data truncated", sized("B0000P0TE00E0100KS0812"), Tr31Error::kBadOptionalBlock},
        BadHeader{"block data not printable", sized("B0000P0TE00E0100KS05\x03" "000"), Tr31Error::kBadOptionalBlock},
        BadHeader{"extended length of length not 02", sized("B0000P0TE00E0100KS0001FF"), Tr31Error::kBadOptionalBlock},
        BadHeader{"extended length non-canonical", sized("B0000P0TE00E0100KS0002000A00"), Tr31Error::kBadOptionalBlock},
        // Found by tr31_fuzzer: a total of 256 passed the old "total > 255" test although its 246
        // characters of data fit the short form (length 250), so serialise gave another header.
        BadHeader{"extended length whose data fits the short form",
                  sized("B0000P0TE00E0100KS00020100" + std::string(246, 'P')), Tr31Error::kBadOptionalBlock},
        BadHeader{"extended length below overhead", sized("B0000P0TE00E0100KS00020009"), Tr31Error::kBadOptionalBlock},
        BadHeader{"duplicate block ID", sized("B0000P0TE00E0200KS04KS04"), Tr31Error::kBadOptionalBlock},
        BadHeader{"PB not last", sized("B0000P0TE00E0200PB04KS04"), Tr31Error::kBadPadding},
        BadHeader{"header not a whole number of TDES blocks", sized("B0000P0TE00E0100KS06AB"), Tr31Error::kBadPadding},
        BadHeader{"header not a whole number of AES blocks", sized("D0000P0AE00E0100KS0CABCDEFGH"),
                  Tr31Error::kBadPadding}),
    [](const ::testing::TestParamInfo<BadHeader>& param_info) {
      std::string n;
      for (char c : std::string(param_info.param.name)) n.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
      return n;
    });

TEST(Tr31Header, SerialiseRefusesWhatParseWouldRefuse) {
  Tr31Header h;
  h.key_usage = "p0";
  EXPECT_EQ(serialise_header(h, 16).error(), Tr31Error::kBadKeyUsage);
  h = Tr31Header{};
  h.optional_blocks = {{"KS", "AB"}};  // 22 characters: not a whole number of AES blocks
  EXPECT_EQ(serialise_header(h, 32).error(), Tr31Error::kBadPadding);
  h = add_padding_block(h);
  EXPECT_TRUE(serialise_header(h, 32));
  h.optional_blocks.insert(h.optional_blocks.begin(), OptionalBlock{"T1", ""});
  EXPECT_EQ(validate_header(h).error(), Tr31Error::kBadPadding);  // 4 more characters misalign it
  h = Tr31Header{};
  EXPECT_EQ(serialise_header(h, 15).error(), Tr31Error::kBadLength);
  EXPECT_EQ(serialise_header(h, 10000).error(), Tr31Error::kBadLength);
}

// --- properties -------------------------------------------------------------------------------

rc::Gen<char> gen_char_from(std::string_view alphabet) {
  return rc::gen::elementOf(std::string(alphabet));
}

rc::Gen<std::string> gen_string_from(std::string_view alphabet, std::size_t n) {
  return rc::gen::container<std::string>(n, gen_char_from(alphabet));
}

constexpr std::string_view kUpperAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

rc::Gen<Tr31Header> gen_header() {
  return rc::gen::exec([] {
    Tr31Header h;
    h.version = *rc::gen::element(Tr31Version::kB, Tr31Version::kD);
    h.key_usage = *gen_string_from(kUpperAlnum, 2);
    h.algorithm = *gen_char_from("ADEHRST");
    h.mode_of_use = *gen_char_from("BCDEGNSTVXY");
    h.key_version = *gen_string_from("0123456789ABCDEFabcdefc", 2);
    h.exportability = *gen_char_from("ENS");
    h.key_context = *gen_char_from("012");
    const auto n = *rc::gen::inRange<std::size_t>(0, 4);
    for (std::size_t i = 0; i < n; ++i) {
      std::string id = *gen_string_from(kUpperAlnum, 2);
      bool dup = id == "PB";
      for (const auto& b : h.optional_blocks) dup = dup || b.id == id;
      if (dup) continue;
      // Up to 300 characters so that both the short and the extended length form occur.
      const auto len = *rc::gen::inRange<std::size_t>(0, 300);
      h.optional_blocks.push_back({id, *rc::gen::container<std::string>(len, rc::gen::inRange<char>(0x20, 0x7F))});
    }
    return add_padding_block(h);
  });
}

RC_GTEST_PROP(Tr31HeaderProperty, ParseOfSerialiseIsIdentity, ()) {
  const Tr31Header h = *gen_header();
  const std::size_t hlen = header_length(h);
  const std::size_t body = *rc::gen::inRange<std::size_t>(0, 64);
  auto text = serialise_header(h, hlen + body);
  RC_ASSERT(text.ok());
  RC_ASSERT(text->size() == hlen);
  auto p = parse_header(*text + std::string(body, 'F'));
  RC_ASSERT(p.ok());
  RC_ASSERT(p->header_length == hlen);
  RC_ASSERT(p->header == h);
}

RC_GTEST_PROP(Tr31HeaderProperty, ArbitraryStringsGiveAValueNotACrash, (const std::string& s)) {
  auto p = parse_header(s);
  if (p) {
    // Whatever parses serialises back to the same text.
    auto again = serialise_header(p->header, s.size());
    RC_ASSERT(again.ok());
    RC_ASSERT(*again == s.substr(0, p->header_length));
  }
}

RC_GTEST_PROP(Tr31HeaderProperty, MutatedValidHeadersGiveAValueNotACrash, ()) {
  const Tr31Header h = *gen_header();
  auto text = serialise_header(h, header_length(h));
  RC_ASSERT(text.ok());
  std::string s = *text;
  const auto pos = *rc::gen::inRange<std::size_t>(0, s.size());
  s[pos] = *rc::gen::arbitrary<char>();
  auto p = parse_header(s);
  if (p) {
    auto again = serialise_header(p->header, s.size());
    RC_ASSERT(again.ok());
    RC_ASSERT(*again == s.substr(0, p->header_length));
  }
}

}  // namespace
}  // namespace tmsproto::keyblock
