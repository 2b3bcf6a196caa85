// The vector-file reader (vectors/document.h): nlohmann-json under the strict rules of
// config/strict_json.h, with positions as line:column. What RFC 8259 itself refuses is the library's
// to get right; these tests check that it is still refused through our reader, and check our rules.
#include "vectors/document.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "config/strict_json.h"

namespace tmsproto::vectors {
namespace {

Json ok(std::string_view text) {
  auto r = parse_document(text);
  EXPECT_TRUE(r.ok()) << text << " -> " << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : Json();
}

std::string err(std::string_view text) {
  auto r = parse_document(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? std::string() : r.error().to_string();
}

TEST(VectorDocument, IntegersAreWholeNumbersThatFitIn64Bits) {
  EXPECT_EQ(integer_of(ok("42")), 42);
  EXPECT_EQ(integer_of(ok("-7")), -7);
  EXPECT_EQ(integer_of(ok("0")), 0);
  EXPECT_EQ(integer_of(ok("9223372036854775807")), INT64_MAX);
  EXPECT_FALSE(integer_of(ok("9223372036854775808")).has_value());   // fits uint64, not int64
  EXPECT_FALSE(integer_of(ok("99999999999999999999")).has_value());  // valid JSON, fits neither
  EXPECT_FALSE(integer_of(ok("1.0")).has_value());
  EXPECT_FALSE(integer_of(ok("1E2")).has_value());
  EXPECT_FALSE(integer_of(ok("\"1\"")).has_value());
  EXPECT_FALSE(integer_of(ok("true")).has_value());
}

TEST(VectorDocument, MembersKeepTheDocumentsOrder) {
  const Json v = ok(R"({"b": 1, "a": [true, null, {"c": null}], "c": "x"})");
  ASSERT_TRUE(v.is_object());
  std::vector<std::string> keys;
  for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"b", "a", "c"}));
  const Json* a = member(v, "a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->size(), 3u);
  EXPECT_TRUE(member((*a)[2], "c")->is_null());
  EXPECT_EQ(member(v, "missing"), nullptr);
  EXPECT_EQ(member(*a, "c"), nullptr);  // not an object
  EXPECT_EQ(text_of(*member(v, "c")), "x");
  EXPECT_EQ(text_of(*member(v, "b")), "");  // not a string
}

TEST(VectorDocument, EscapesAndUtf8AreDecoded) {
  EXPECT_EQ(text_of(ok(R"("\" \\ \/ \b \f \n \r \t")")), "\" \\ / \b \f \n \r \t");
  EXPECT_EQ(text_of(ok(R"("\u0041\u00e9\u20AC")")), "A\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(text_of(ok(R"("\ud83d\ude00")")), "\xf0\x9f\x98\x80");  // U+1F600 via a surrogate pair
  EXPECT_EQ(text_of(ok("\"\xc3\xa9\xf0\x9f\x98\x80\"")), "\xc3\xa9\xf0\x9f\x98\x80");  // raw UTF-8
}

TEST(VectorDocument, ASyntaxErrorNamesLineAndColumn) {
  // The member on line 3 lacks the comma before it: the parser stops having read its name, whose
  // closing quote is column 5.
  const std::string e = err("{\n  \"a\": 1\n  \"b\": 2}");
  EXPECT_EQ(e.rfind("3:5: syntax error while parsing object - unexpected string literal", 0), 0u) << e;
  EXPECT_EQ(err("[1,]").rfind("1:4: syntax error", 0), 0u);
  EXPECT_EQ(err("").rfind("1:1: syntax error", 0), 0u);
}

TEST(VectorDocument, AMemberTwiceInOneObjectIsRefusedWhereItIs) {
  // Column 10 is the closing quote of the second "a".
  EXPECT_EQ(err(R"({"a":1,"a":2})"), "1:10: member \"a\" appears twice in one object");
  EXPECT_EQ(err("{\n \"x\": {\"k\": 1,\n \"k\": 2}}"), "3:4: member \"k\" appears twice in one object");
  // The rule is per object: the same name in two objects, or nested, is fine.
  ok(R"([{"a":1},{"a":2}])");
  ok(R"({"a":{"a":{"a":1}},"b":{"a":2}})");
}

TEST(VectorDocument, RejectsWhatRfc8259Rejects) {
  for (const char* bad : {"01", "-", "1.", ".5", "1e", "+1", "0x10", "NaN", "'a'", "\"\\x\"", "\"\\u12\"",
                          "\"\\udc00\"", "\"\\ud800\"", "\"\\ud800\\u0041\"", "\"a\nb\"", "\"\t\"",
                          "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"",
                          "[1] [2]", "{,}", "[,1]", "[1,]", "{\"a\":1,}", "// c\n{}", "/* c */{}", "1e400"}) {
    const auto r = parse_document(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_FALSE(r.error().message.empty()) << bad;
    }
  }
}

TEST(VectorDocument, NestingLimit) {
  const std::size_t max = config::kMaxJsonDepth;
  EXPECT_TRUE(parse_document(std::string(max, '[') + std::string(max, ']')).ok());
  const std::string too_deep = std::string(max + 1, '[') + std::string(max + 1, ']');
  EXPECT_EQ(err(too_deep), "1:65: nested deeper than 64 levels");
  std::string objects;
  for (std::size_t i = 0; i <= max; ++i) objects += "{\"a\":";
  EXPECT_EQ(err(objects + "1" + std::string(max + 1, '}')), "1:321: nested deeper than 64 levels");
  // Far deeper than any stack would survive were the limit not checked while parsing.
  EXPECT_FALSE(parse_document(std::string(1'000'000, '[')).ok());
  std::string deep_objects;
  for (int i = 0; i < 200'000; ++i) deep_objects += "{\"a\":";
  EXPECT_FALSE(parse_document(deep_objects).ok());
}

TEST(VectorDocument, SizeLimit) {
  std::string big = "\"" + std::string(kMaxDocument, 'a') + "\"";
  EXPECT_EQ(err(big), "1:1: input is larger than the 16 MiB limit");
  std::string fits = "\"" + std::string(kMaxDocument - 2, 'a') + "\"";
  EXPECT_TRUE(parse_document(fits).ok());
}

// Arbitrary JSON values of bounded depth, with unique keys and valid UTF-8 strings (what parse_document can
// return), for the round-trip property.
rc::Gen<std::string> utf8_string() {
  return rc::gen::map(rc::gen::container<std::vector<std::uint32_t>>(rc::gen::oneOf(
                          rc::gen::inRange<std::uint32_t>(0, 0x80), rc::gen::inRange<std::uint32_t>(0x80, 0xD800),
                          rc::gen::inRange<std::uint32_t>(0xE000, 0x110000))),
                      [](const std::vector<std::uint32_t>& cps) {
                        std::string s;
                        for (std::uint32_t cp : cps) {
                          if (cp < 0x80) {
                            s.push_back(static_cast<char>(cp));
                          } else if (cp < 0x800) {
                            s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
                            s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                          } else if (cp < 0x10000) {
                            s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
                            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                            s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                          } else {
                            s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
                            s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
                            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                            s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                          }
                        }
                        return s;
                      });
}

rc::Gen<Json> value_gen(int depth) {
  auto scalar = rc::gen::oneOf(
      rc::gen::just(Json()), rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return Json(b); }),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t n) { return Json(n); }),
      rc::gen::just(Json(-1.25e-7)), rc::gen::map(utf8_string(), [](std::string t) { return Json(std::move(t)); }));
  if (depth >= 4) return scalar;
  auto array = rc::gen::map(rc::gen::resize(5, rc::gen::container<std::vector<Json>>(value_gen(depth + 1))),
                            &array_of);
  auto object = rc::gen::map(
      rc::gen::resize(5, rc::gen::container<std::vector<Member>>(
                             rc::gen::pair(utf8_string(), value_gen(depth + 1)))),
      [](std::vector<Member> members) {
        std::vector<Member> unique;
        for (auto& m : members) {
          bool seen = false;
          for (const Member& u : unique) seen = seen || u.first == m.first;
          if (!seen) unique.push_back(std::move(m));
        }
        return object_of(std::move(unique));
      });
  return rc::gen::oneOf(scalar, array, object);
}

RC_GTEST_PROP(VectorDocumentProperty, ParseNeverCrashesOnArbitraryText, (const std::string& text)) {
  const auto r = parse_document(text);
  if (!r.ok()) {
    RC_ASSERT(r.error().line >= 1);
    RC_ASSERT(r.error().column >= 1);
    RC_ASSERT(!r.error().message.empty());
  }
}

RC_GTEST_PROP(VectorDocumentProperty, ParseNeverCrashesOnJsonLikeText, ()) {
  const auto text = *rc::gen::container<std::string>(
      rc::gen::elementOf(std::string("{}[]\",:\\/u0123456789abcdefEe.+-tnrl \n\xc3\xa9\xed\xa0\x80")));
  const auto r = parse_document(text);
  // Whatever is accepted prints as text that is accepted again, as the same value.
  if (r.ok()) {
    const auto again = parse_document(r.value().dump());
    RC_ASSERT(again.ok());
    RC_ASSERT(again.value() == r.value());
  }
}

// What the transcript generator builds (object_of / array_of, one name once per object) is a
// document the reader accepts back as the same value, in the same order.
RC_GTEST_PROP(VectorDocumentProperty, BuiltDocumentsReadBackUnchanged, ()) {
  const Json v = *value_gen(0);
  const std::string text = v.dump();
  const auto r = parse_document(text);
  RC_ASSERT(r.ok());
  RC_ASSERT(r.value() == v);
  RC_ASSERT(r.value().dump() == text);
}

}  // namespace
}  // namespace tmsproto::vectors
