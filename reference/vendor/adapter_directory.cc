#include "vendor/adapter_directory.h"

#include <vector>

#include "vendor/database_rules.h"
#include "vendor/directory_vendor.h"
#include "vendor/sqlite_vendor.h"
#ifdef TMSPROTO_HAVE_POSTGRESQL
#include "vendor/pg_vendor.h"
#endif

namespace tmsproto::vendor {

namespace {

// REQ-VND-040: words separated by spaces or tabs, taken literally: no quotes, no variables, no
// globbing, because no shell ever sees them.
std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

struct Spec {
  std::string_view kind;
  std::string_view rest;
};

Result<Spec, std::string> split_spec(std::string_view spec) {
  const std::size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    return fail("adapter spec '" + std::string(spec) +
                "': expected dir:PATH, sqlite:PATH, postgresql://... or exec:COMMAND ARGS...");
  }
  Spec s{spec.substr(0, colon), spec.substr(colon + 1)};
  if (s.kind != "dir" && s.kind != "sqlite" && s.kind != "postgresql" && s.kind != "postgres" &&
      s.kind != "exec") {
    return fail("adapter spec '" + std::string(spec) + "': unknown kind '" + std::string(s.kind) +
                "' (dir, sqlite, postgresql, postgres or exec)");
  }
  if (s.rest.empty()) return fail("adapter spec '" + std::string(spec) + "': nothing after '" + std::string(s.kind) + ":'");
  if (s.rest.find('\0') != std::string_view::npos || s.rest.find('\n') != std::string_view::npos) {
    return fail("adapter spec: a NUL or newline in '" + std::string(s.kind) + ":...'");
  }
  return s;
}

template <class T>
Result<std::unique_ptr<tms::VendorInterface>, std::string> upcast(Result<std::unique_ptr<T>, std::string> r) {
  if (!r.ok()) return fail(r.error());
  return std::unique_ptr<tms::VendorInterface>(std::move(*r));
}

}  // namespace

Result<std::unique_ptr<tms::VendorInterface>, std::string> open_adapter(std::string_view spec,
                                                                        const AdapterOptions& options) {
  // REQ-VND-040: four kinds, one clear error for anything else.
  auto s = split_spec(spec);
  if (!s.ok()) return fail(s.error());
  if (s->kind == "dir") return upcast(DirectoryVendor::open(std::string(s->rest)));
  if (s->kind == "sqlite") return upcast(SqliteVendor::open(std::string(s->rest)));
  if (s->kind == "postgresql" || s->kind == "postgres") {  // the whole spec is the libpq URI
#ifdef TMSPROTO_HAVE_POSTGRESQL
    return upcast(PgVendor::open(std::string(spec)));
#else
    return fail("adapter spec '" + std::string(spec) + "': this tmsproto was built without libpq");
#endif
  }
  std::vector<std::string> argv = split_words(s->rest);
  if (argv.empty()) return fail("adapter spec '" + std::string(spec) + "': no command after 'exec:'");
  return upcast(ExecVendor::open(std::move(argv), options.exec));
}

Result<void, std::string> AdapterDirectory::add(const std::string& vendor_id,
                                                std::unique_ptr<tms::VendorInterface> adapter) {
  // REQ-VND-041: one database per VENDOR_ID, each a real one.
  if (!valid_vendor_id(vendor_id)) return fail("'" + vendor_id + "' is not a VENDOR_ID (1-8 letters and digits)");
  if (adapter == nullptr) return fail("vendor " + vendor_id + ": no adapter");
  if (adapters_.count(vendor_id) != 0) return fail("vendor " + vendor_id + " has a database already (REQ-TMS-020)");
  // REQ-TMS-023: refused when configured, never discovered in a session.
  if (adapter->interface_version() != tms::kVendorInterfaceVersion) {
    return fail("vendor " + vendor_id + ": its database speaks interface version " +
                std::to_string(adapter->interface_version()) + ", this TMS version " +
                std::to_string(tms::kVendorInterfaceVersion) + " (REQ-TMS-023)");
  }
  adapters_.emplace(vendor_id, std::move(adapter));
  return {};
}

Result<void, std::string> AdapterDirectory::configure(const std::string& vendor_id, std::string_view spec,
                                                      const AdapterOptions& options) {
  auto adapter = open_adapter(spec, options);
  if (!adapter.ok()) return fail("vendor " + vendor_id + ": " + adapter.error());
  // REQ-VND-041: a database that says whose it is must say this vendor's.
  std::string own;
  if (auto* d = dynamic_cast<DirectoryVendor*>(adapter->get())) own = d->vendor_id();
  if (auto* q = dynamic_cast<SqliteVendor*>(adapter->get())) own = q->vendor_id();
#ifdef TMSPROTO_HAVE_POSTGRESQL
  if (auto* g = dynamic_cast<PgVendor*>(adapter->get())) own = g->vendor_id();
#endif
  if (!own.empty() && own != vendor_id) {
    return fail("vendor " + vendor_id + ": the database " + std::string(spec) + " is vendor " + own + "'s");
  }
  return add(vendor_id, std::move(*adapter));
}

tms::VendorInterface* AdapterDirectory::find(const std::string& vendor_id) {
  auto it = adapters_.find(vendor_id);
  return it == adapters_.end() ? nullptr : it->second.get();
}

}  // namespace tmsproto::vendor
