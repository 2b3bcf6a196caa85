// The name of a TMS store on the command line (spec/15-storage.md, REQ-STORE-016): parse_store_url
// on arbitrary text, as `serve --store` and the `tms` commands call it.
//  - a PostgreSQL URI is passed on whole, and only a name beginning postgresql:// or postgres:// is one;
//  - a SQLite store names a non-empty directory: the text after `sqlite:`, or the whole name;
//  - a refusal is one line (REQ-STORE-011's rule for what an operator reads).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "store/store_url.h"

using namespace tmsproto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string name(reinterpret_cast<const char*>(data), size);
  const auto u = store::parse_store_url(name);
  const bool pg_prefix = name.starts_with("postgresql://") || name.starts_with("postgres://");
  if (!u.ok()) {
    FUZZ_CHECK(!pg_prefix);
    FUZZ_CHECK(!u.error().empty());
    // The name is quoted only by its scheme, which holds no newline.
    FUZZ_CHECK(u.error().find('\n') == std::string::npos);
    return 0;
  }
  if (u->kind == store::StoreUrl::Kind::kPostgresql) {
    FUZZ_CHECK(pg_prefix);
    FUZZ_CHECK(u->target == name);
    return 0;
  }
  FUZZ_CHECK(!pg_prefix);
  FUZZ_CHECK(!u->target.empty());
  FUZZ_CHECK(u->target == name || (name.starts_with("sqlite:") && u->target == name.substr(7)));
  return 0;
}
