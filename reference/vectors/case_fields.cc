#include "vectors/case_fields.h"

#include "common/hex.h"
#include "crypto/secret.h"

namespace tmsproto::vectors {

Result<std::string, FieldError> string_field(const Json& test, std::string_view name) {
  const Json* v = member(test, name);
  if (v == nullptr) return fail(FieldError{"missing field \"" + std::string(name) + "\""});
  if (!v->is_string()) return fail(FieldError{"field \"" + std::string(name) + "\" is not a string"});
  return text_of(*v);
}

Result<Bytes, FieldError> hex_field(const Json& test, std::string_view name) {
  auto text = string_field(test, name);
  if (!text) return fail(text.error());
  for (const char c : *text) {
    if (c >= 'A' && c <= 'F') {
      return fail(FieldError{"field \"" + std::string(name) + "\" is not lower-case hex"});
    }
  }
  auto bytes = from_hex(*text);
  if (!bytes) return fail(FieldError{"field \"" + std::string(name) + "\" is not valid hex"});
  return std::move(*bytes);
}

Result<std::int64_t, FieldError> int_field(const Json& test, std::string_view name, std::int64_t lo,
                                           std::int64_t hi) {
  const Json* v = member(test, name);
  if (v == nullptr) return fail(FieldError{"missing field \"" + std::string(name) + "\""});
  const auto n = integer_of(*v);
  if (!n || *n < lo || *n > hi) {
    return fail(FieldError{"field \"" + std::string(name) + "\" must be an integer from " + std::to_string(lo) +
                           " to " + std::to_string(hi)});
  }
  return *n;
}

Result<const Json*, FieldError> array_field(const Json& test, std::string_view name) {
  const Json* v = member(test, name);
  if (v == nullptr) return fail(FieldError{"missing field \"" + std::string(name) + "\""});
  if (!v->is_array()) return fail(FieldError{"field \"" + std::string(name) + "\" is not an array"});
  return v;
}

Result<Profile, FieldError> profile_field(const Json& test) {
  auto name = string_field(test, "profile");
  if (!name) return fail(name.error());
  const auto p = profile_from_word(*name);
  if (!p) return fail(FieldError{"field \"profile\" must be legacy, tdes, aes128 or aes256"});
  return *p;
}

std::string hex_of(ByteView b) { return b.empty() ? std::string("(empty)") : to_hex(b); }

Verdict compare_exact(std::string_view field, ByteView computed, ByteView expected) {
  if (computed.size() != expected.size() || !crypto::ct_equal(computed, expected)) {
    return Verdict::rejected("computed " + std::string(field) + " " + hex_of(computed) + ", expected " +
                             hex_of(expected));
  }
  return Verdict::accepted();
}

}  // namespace tmsproto::vectors
