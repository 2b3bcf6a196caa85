// Reading the fields of one test case, shared by every checker of the runner (runner.cc,
// handshake_vectors.cc, transcript_vectors.cc). Each reader returns the value or a FieldError that
// says what is wrong with the file, which the checker turns into Verdict::malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "protocol/constants.h"
#include "vectors/document.h"
#include "vectors/runner.h"

namespace tmsproto::vectors {

struct FieldError {
  std::string why;
};

Result<std::string, FieldError> string_field(const Json& test, std::string_view name);
// Binary fields are lower-case hex (vectors/README.md), so that a file has one spelling and a
// reviewer can grep for a published value.
Result<Bytes, FieldError> hex_field(const Json& test, std::string_view name);
// An integer field within [lo, hi].
Result<std::int64_t, FieldError> int_field(const Json& test, std::string_view name, std::int64_t lo,
                                           std::int64_t hi);
// An array field (possibly empty).
Result<const Json*, FieldError> array_field(const Json& test, std::string_view name);

// The protocol vectors name profiles "legacy", "tdes", "aes128", "aes256" (spec/07-crypto.md 7.2).
Result<Profile, FieldError> profile_field(const Json& test);

std::string hex_of(ByteView b);  // "(empty)" for no bytes

// Exact, constant-time comparison (REQ-CRYPTO-014); the rejection names the field and shows both
// values. Only for values that are not secret (cryptograms, messages, public inputs).
Verdict compare_exact(std::string_view field, ByteView computed, ByteView expected);

}  // namespace tmsproto::vectors

// Reads one field or returns the malformed verdict: keeps each checker a list of its fields, in the
// order vectors/README.md gives them.
#define TMSPROTO_FIELD(var, reader)                                   \
  auto var##_read = (reader);                                         \
  if (!var##_read) return Verdict::malformed(var##_read.error().why); \
  const auto& var = *var##_read
