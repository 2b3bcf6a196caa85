#include "store/store_url.h"

#include <cctype>

namespace tmsproto::store {
namespace {

// RFC 3986's scheme: a letter, then letters, digits, '+', '-', '.', up to the first ':'. A name
// whose first ':' comes after a '/' is a path ("./a:b"), not a scheme.
std::string scheme_of(const std::string& name) {
  const auto colon = name.find(':');
  if (colon == std::string::npos || colon == 0) return {};
  for (std::size_t i = 0; i < colon; ++i) {
    const auto ch = static_cast<unsigned char>(name[i]);
    const bool ok = std::isalpha(ch) || (i > 0 && (std::isdigit(ch) || ch == '+' || ch == '-' || ch == '.'));
    if (!ok) return {};
  }
  return name.substr(0, colon);
}

}  // namespace

Result<StoreUrl, std::string> parse_store_url(const std::string& name) {
  if (name.empty()) return Unexpected(std::string("the store is named by sqlite:PATH, a directory, or postgresql://..."));
  if (name.starts_with("postgresql://") || name.starts_with("postgres://")) {
    return StoreUrl{StoreUrl::Kind::kPostgresql, name};  // libpq reads the rest (REQ-STORE-016)
  }
  const std::string scheme = scheme_of(name);
  if (scheme.empty()) return StoreUrl{StoreUrl::Kind::kSqlite, name};  // a bare path
  if (scheme == "sqlite") {
    std::string path = name.substr(7);
    if (path.empty()) return Unexpected(std::string("sqlite: names no directory"));
    return StoreUrl{StoreUrl::Kind::kSqlite, path};
  }
  return Unexpected("store scheme '" + scheme + ":' is not one of sqlite:PATH, postgresql://, postgres://");
}

}  // namespace tmsproto::store
