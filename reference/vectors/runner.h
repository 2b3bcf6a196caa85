// Checks vector files of schema "tmsproto-vectors/1" (vectors/README.md) against the reference
// implementation. Pure: a parsed document in, one outcome per test case out, so that it is unit
// tested without files; `tmsproto vectors check` (cli/vectors_command.cc) only adds files and
// printing.
//
// Dispatch is a table, algorithm name -> checker (kAlgorithms in runner.cc): a new algorithm is one
// more row and one more function. The protocol's own algorithms have files of their own:
// TMS-HANDSHAKE (handshake_vectors.h) and TMS-TRANSCRIPT (transcript_vectors.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vectors/document.h"

namespace tmsproto::vectors {

inline constexpr std::string_view kSchema = "tmsproto-vectors/1";

// What a checker concluded about one test case, before the expected "result" is looked at.
struct Verdict {
  enum class Kind {
    kAccepted,   // the implementation computed exactly the expected values / accepted the input
    kRejected,   // it computed something else, or refused (wrong key length, failed unwrap, ...)
    kMalformed,  // the test case itself is unusable (missing field, bad hex): always a failure
  };
  Kind kind = Kind::kMalformed;
  std::string why;  // empty for kAccepted

  static Verdict accepted() { return {Kind::kAccepted, {}}; }
  static Verdict rejected(std::string why) { return {Kind::kRejected, std::move(why)}; }
  static Verdict malformed(std::string why) { return {Kind::kMalformed, std::move(why)}; }
};

// Checks one test object (the fields beside tcId/comment/result) for one algorithm.
using Checker = Verdict (*)(const Json& test);

struct AlgorithmEntry {
  std::string_view name;
  Checker check;
};

// The dispatch table, in the order vectors/README.md lists the algorithms.
std::span<const AlgorithmEntry> algorithms();
// nullptr for an unknown algorithm.
Checker find_checker(std::string_view algorithm);

struct CaseOutcome {
  std::optional<std::int64_t> tc_id;  // absent when the case has no usable tcId
  std::size_t group = 0;              // 0-based index into testGroups, for cases without a tcId
  std::size_t index = 0;              // 0-based index into that group's tests
  bool passed = false;
  std::string why;  // why it failed; empty when it passed
};

struct DocumentOutcome {
  std::string algorithm;              // as named by the document (may be unknown or empty)
  std::optional<std::string> error;   // a document-level problem; counts as one failure
  std::vector<CaseOutcome> cases;

  std::size_t passed() const;
  std::size_t failed() const;
};

// Runs every case of a parsed document. Never throws, never aborts; every problem is an outcome.
DocumentOutcome check_document(const Json& doc);

// Parses then checks; malformed JSON is a document-level error naming line and column.
DocumentOutcome check_text(std::string_view text);

// The failure lines `tmsproto vectors check` prints, one per failure:
//   FAIL <file> tcId <N> (<algorithm>): <why>
//   FAIL <file> group <g> test <i> (<algorithm>): <why>     (a case without a usable tcId)
//   FAIL <file> (<algorithm>): <why>                        (a document-level error)
std::vector<std::string> failure_lines(std::string_view file, const DocumentOutcome& outcome);

}  // namespace tmsproto::vectors
