// The vector-file JSON reader (reference/vectors/json.h) on arbitrary bytes: it must never crash,
// and whatever it accepts must serialise to text it parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vectors/json.h"
#include "vectors/runner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmsproto::vectors;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = json::parse(text);
  if (!parsed.ok()) return 0;
  const auto again = json::parse(json::serialise(parsed.value()));
  if (!again.ok() || !(again.value() == parsed.value())) std::abort();
  // The runner too must turn any document into outcomes, never a crash.
  (void)check_document(parsed.value());
  return 0;
}
