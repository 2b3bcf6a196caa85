#include "vendor/publish.h"

#include "vendor/directory_vendor.h"
#include "vendor/sqlite_vendor.h"

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
  return fail("publish target '" + std::string(spec) + "': expected dir:PATH or sqlite:PATH");
}

}  // namespace tmsproto::vendor
