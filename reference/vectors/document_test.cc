#include "vectors/json.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

namespace tmsproto::vectors::json {
namespace {

Value ok(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << text << " -> " << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : Value();
}

std::string err(std::string_view text) {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? std::string() : r.error().to_string();
}

TEST(Json, Scalars) {
  EXPECT_TRUE(ok("null").is_null());
  EXPECT_TRUE(ok(" true ").as_bool());
  EXPECT_FALSE(ok("false").as_bool());
  EXPECT_EQ(ok("\"abc\"").as_string(), "abc");
  EXPECT_EQ(ok("42").as_int(), 42);
  EXPECT_EQ(ok("-7").as_int(), -7);
  EXPECT_EQ(ok("0").as_int(), 0);
  EXPECT_EQ(ok("-0.5e+3").number_literal(), "-0.5e+3");
  EXPECT_FALSE(ok("1.0").as_int().has_value());
  EXPECT_FALSE(ok("1E2").as_int().has_value());
  EXPECT_FALSE(ok("99999999999999999999").as_int().has_value());  // valid JSON, too big for int64
}

TEST(Json, ObjectsAndArraysKeepOrder) {
  const Value v = ok(R"({"b": [1, 2, {"c": null}], "a": {}, "e": []})");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.members().size(), 3u);
  EXPECT_EQ(v.members()[0].first, "b");
  EXPECT_EQ(v.members()[1].first, "a");
  const Value* b = v.find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->items().size(), 3u);
  EXPECT_TRUE(b->items()[2].find("c")->is_null());
  EXPECT_EQ(v.find("missing"), nullptr);
  EXPECT_EQ(b->find("c"), nullptr);  // not an object
}

TEST(Json, Escapes) {
  EXPECT_EQ(ok(R"("\" \\ \/ \b \f \n \r \t")").as_string(), "\" \\ / \b \f \n \r \t");
  EXPECT_EQ(ok(R"("\u0041\u00e9\u20AC")").as_string(), "A\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(ok(R"("\ud83d\ude00")").as_string(), "\xf0\x9f\x98\x80");  // U+1F600 via a surrogate pair
  EXPECT_EQ(ok(R"("\u0000")").as_string(), std::string(1, '\0'));
  EXPECT_EQ(ok("\"\xc3\xa9\xf0\x9f\x98\x80\"").as_string(), "\xc3\xa9\xf0\x9f\x98\x80");  // raw UTF-8
}

TEST(Json, ErrorsNameLineColumnAndExpectation) {
  EXPECT_EQ(err("{\n  \"a\": 1\n  \"b\": 2}"), "3:3: expected ',' or '}' in object");
  EXPECT_EQ(err("[1, 2"), "1:6: expected ',' or ']' in array (at end of input)");
  EXPECT_EQ(err(""), "1:1: expected a JSON value (object, array, string, number, true, false or null) "
                     "(at end of input)");
  EXPECT_EQ(err("{\"a\":1,\"a\":2}"), "1:8: duplicate object key \"a\"");
  EXPECT_EQ(err("{} x"), "1:4: unexpected characters after the JSON value");
  EXPECT_EQ(err("[1,]"), "1:4: expected a JSON value (object, array, string, number, true, false or null)");
  EXPECT_EQ(err("{1:2}"), "1:2: expected '\"' to start an object key");
  EXPECT_EQ(err("{\"a\" 1}"), "1:6: expected ':' after object key");
  EXPECT_EQ(err("\"abc"), "1:1: unterminated string starting here (expected a closing '\"')");
  EXPECT_EQ(err("tru"), "1:1: expected 'true'");
}

TEST(Json, RejectsWhatRfc8259Rejects) {
  for (const char* bad : {"01", "-", "1.", ".5", "1e", "+1", "0x10", "NaN", "'a'", "\"\\x\"", "\"\\u12\"",
                          "\"\\udc00\"", "\"\\ud800\"", "\"\\ud800\\u0041\"", "\"a\nb\"", "\"\t\"",
                          "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"",
                          "[1] [2]", "{,}", "[,1]", "\xef\xbb\xbf{}"}) {
    EXPECT_FALSE(parse(bad).ok()) << bad;
  }
}

TEST(Json, NestingLimit) {
  const std::string deepest_ok = std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']');
  EXPECT_TRUE(parse(deepest_ok).ok());
  const std::string too_deep = std::string(kMaxDepth + 1, '[') + std::string(kMaxDepth + 1, ']');
  EXPECT_EQ(err(too_deep), "1:65: nesting deeper than 64 levels");
  // Far deeper than any stack would survive were the limit not checked before descending.
  EXPECT_FALSE(parse(std::string(1'000'000, '[')).ok());
  EXPECT_FALSE(parse(std::string(1'000'000, '{')).ok());
}

TEST(Json, SizeLimit) {
  std::string big = "\"" + std::string(kMaxInput, 'a') + "\"";
  EXPECT_EQ(err(big), "1:1: input is larger than the 16 MiB limit");
  std::string fits = "\"" + std::string(kMaxInput - 2, 'a') + "\"";
  EXPECT_TRUE(parse(fits).ok());
}

TEST(Json, SerialiseEscapesOnlyWhatIsNeeded) {
  const Value v = Value::object({{"k\"", Value::array({Value::string("a\\b\n\x01\xc3\xa9"), Value::integer(-3),
                                                        Value::boolean(true), Value::null()})}});
  EXPECT_EQ(serialise(v), "{\"k\\\"\":[\"a\\\\b\\n\\u0001\xc3\xa9\",-3,true,null]}");
}

// Arbitrary JSON values of bounded depth, with unique keys and valid UTF-8 strings (what parse can
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

rc::Gen<Value> value_gen(int depth) {
  auto scalar = rc::gen::oneOf(
      rc::gen::just(Value::null()), rc::gen::map(rc::gen::arbitrary<bool>(), &Value::boolean),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), &Value::integer),
      rc::gen::just(Value::number("-1.25e-7")), rc::gen::map(utf8_string(), &Value::string));
  if (depth >= 4) return scalar;
  auto array = rc::gen::map(rc::gen::resize(5, rc::gen::container<std::vector<Value>>(value_gen(depth + 1))),
                            &Value::array);
  auto object = rc::gen::map(
      rc::gen::resize(5, rc::gen::container<std::vector<std::pair<std::string, Value>>>(
                             rc::gen::pair(utf8_string(), value_gen(depth + 1)))),
      [](std::vector<std::pair<std::string, Value>> members) {
        std::vector<Member> unique;
        for (auto& m : members) {
          bool seen = false;
          for (const Member& u : unique) seen = seen || u.first == m.first;
          if (!seen) unique.push_back(std::move(m));
        }
        return Value::object(std::move(unique));
      });
  return rc::gen::oneOf(scalar, array, object);
}

RC_GTEST_PROP(JsonProperty, ParseNeverCrashesOnArbitraryText, (const std::string& text)) {
  const auto r = parse(text);
  if (!r.ok()) {
    RC_ASSERT(r.error().line >= 1);
    RC_ASSERT(r.error().column >= 1);
    RC_ASSERT(!r.error().message.empty());
  }
}

RC_GTEST_PROP(JsonProperty, ParseNeverCrashesOnJsonLikeText, ()) {
  const auto text = *rc::gen::container<std::string>(
      rc::gen::elementOf(std::string("{}[]\",:\\/u0123456789abcdefEe.+-tnrl \n\xc3\xa9\xed\xa0\x80")));
  (void)parse(text);
}

RC_GTEST_PROP(JsonProperty, SerialiseThenParseRoundTrips, ()) {
  const Value v = *value_gen(0);
  const std::string text = serialise(v);
  const auto r = parse(text);
  RC_ASSERT(r.ok());
  RC_ASSERT(r.value() == v);
  RC_ASSERT(serialise(r.value()) == text);
}

}  // namespace
}  // namespace tmsproto::vectors::json
