// Shared by the fuzz targets: a check that aborts (so libFuzzer reports it, and the ctest replay
// fails), the profile taken from an input's first octet, the canonicality check of REQ-MSG-003 and
// the error-code check of REQ-MSG-004.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <type_traits>

#include "codec/parse_error.h"
#include "common/bytes.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
      ::tmsproto::fuzz::print_failure_context();                                      \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

namespace tmsproto::fuzz {

// What a failed FUZZ_CHECK prints after its own line, before it aborts: a target that knows more
// than the condition sets it (the session targets print the rows the input ran, session_fuzz.h's
// Path). A plain function pointer: set once, nothing allocated.
using FailureContext = void (*)();
inline FailureContext& failure_context() {
  static FailureContext context = nullptr;
  return context;
}
inline void print_failure_context() {
  if (FailureContext context = failure_context()) context();
}

// Profile-dependent parsers take the profile from the first input octet: 0x01..0x04 are the
// profile octets themselves (so seeds read naturally), every other value wraps onto them.
inline Profile profile_from_first_octet(std::uint8_t octet) {
  return static_cast<Profile>(static_cast<std::uint8_t>(((octet - 1u) & 3u) + 1u));
}

// REQ-MSG-004: a parser's error names a field and carries one of the codes the spec allows for
// that parser, never 00.
inline void check_error(const codec::ParseError& e, std::initializer_list<ResponseCode> allowed) {
  FUZZ_CHECK(e.code != ResponseCode::kSuccess);
  FUZZ_CHECK(!e.field.empty());
  bool ok = false;
  for (ResponseCode c : allowed) ok = ok || c == e.code;
  if (!ok) {
    std::fprintf(stderr, "unexpected parse error code %02d at field %.*s\n", static_cast<int>(e.code),
                 static_cast<int>(e.field.size()), e.field.data());
    std::abort();
  }
}

// REQ-MSG-003: whatever parses re-serialises to exactly the octets that were parsed.
inline void check_canonical(ByteView input, const Bytes& again) {
  if (again.size() != input.size() || !std::equal(again.begin(), again.end(), input.begin())) {
    std::fprintf(stderr, "round trip changed the body: %zu octets in, %zu out\n", input.size(),
                 again.size());
    std::abort();
  }
}

}  // namespace tmsproto::fuzz

namespace tmsproto::fuzz {

// REQ-MSG-002, REQ-MSG-004: the body one octet shorter, or with one octet more, is malformed (01):
// every field is fixed or length-prefixed, so no proper prefix of a message is a message and
// trailing octets are an error.
template <class Parse>
void check_no_slack(ByteView in, Parse parse) {
  if (!in.empty()) {
    auto shorter = parse(in.first(in.size() - 1));
    FUZZ_CHECK(!shorter.ok());
    FUZZ_CHECK(shorter.error().code == ResponseCode::kMalformed);
  }
  Bytes longer(in.begin(), in.end());
  longer.push_back(0x20);
  auto longer_parsed = parse(ByteView(longer));
  FUZZ_CHECK(!longer_parsed.ok());
  FUZZ_CHECK(longer_parsed.error().code == ResponseCode::kMalformed);
}

}  // namespace tmsproto::fuzz

namespace tmsproto::fuzz {

// The check every parser target makes (REQ-MSG-002, REQ-MSG-003, REQ-MSG-004): when `in` parses,
// it re-serialises to itself and one octet less or more fails; when it does not, the error carries
// one of the codes `allowed`. Returns the parsed message, for the target's own checks.
template <class Parse>
auto parsed_canonically(ByteView in, Parse parse, std::initializer_list<ResponseCode> allowed)
    -> std::optional<std::decay_t<decltype(*parse(in))>> {
  auto m = parse(in);
  if (!m.ok()) {
    check_error(m.error(), allowed);
    return std::nullopt;
  }
  check_canonical(in, serialize(*m));
  check_no_slack(in, parse);
  return std::move(*m);
}

}  // namespace tmsproto::fuzz
