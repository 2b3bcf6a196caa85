#include "vendor/publish.h"

#include "vendor/directory_vendor.h"
#include "vendor/sqlite_vendor.h"
#ifdef TMSPROTO_HAVE_POSTGRESQL
#include "vendor/pg_vendor.h"
#endif

namespace tmsproto::vendor {

Result<std::string, std::string> publish(std::string_view spec, const SignedPackage& p) {
  const std::string where(spec.substr(spec.find(':') == std::string_view::npos ? spec.size() : spec.find(':') + 1));
  // REQ-VND-014: every refusal comes from the database's own publishing, one line each.
  if (spec.starts_with("dir:") && !where.empty()) {
    auto folder = publish_to_directory(where, p);
    if (!folder.ok()) return fail(folder.error());
    return "published as " + folder->string();
  }
  if (spec.starts_with("sqlite:") && !where.empty()) {
    auto done = publish_to_sqlite(where, p);
    if (!done.ok()) return fail(done.error());
    return "published into " + where;
  }
  if (spec.starts_with("postgresql://") || spec.starts_with("postgres://")) {
#ifdef TMSPROTO_HAVE_POSTGRESQL
    auto done = publish_to_postgresql(std::string(spec), p);
    if (!done.ok()) return fail(done.error());
    return std::string("published into the PostgreSQL database");
#else
    return fail("publish target '" + std::string(spec) + "': this tmsproto was built without libpq");
#endif
  }
  return fail("publish target '" + std::string(spec) + "': expected dir:PATH, sqlite:PATH or postgresql://...");
}

}  // namespace tmsproto::vendor
