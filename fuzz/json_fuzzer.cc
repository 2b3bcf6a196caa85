// The vector-file reader (reference/vectors/document.h: nlohmann-json under the strict rules of
// config/strict_json.h) and the runner on top of it, on arbitrary bytes: never a crash, an uncaught
// exception or a hang; the reader accepts what the strict layer accepts; whatever is accepted
// prints as text that reads back as the same value; and the runner turns any document into outcomes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/strict_json.h"
#include "vectors/document.h"
#include "vectors/runner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmsproto::vectors;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_document(text);
  // Under its size bound the vector reader is exactly the strict layer (config/strict_json.h).
  if (parsed.ok() != tmsproto::config::parse_strict<Json>(text).ok()) std::abort();
  if (!parsed.ok()) {
    if (parsed.error().line == 0 || parsed.error().column == 0 || parsed.error().message.empty()) std::abort();
    return 0;
  }
  const auto again = parse_document(parsed.value().dump());
  if (!again.ok() || !(again.value() == parsed.value())) std::abort();
  (void)check_document(parsed.value());
  return 0;
}
