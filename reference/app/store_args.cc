#include "app/store_args.h"

#include "store/store_url.h"
#ifdef TMSPROTO_HAVE_POSTGRESQL
#include "store/pg_store.h"
#endif

namespace tmsproto::app {

void add_store_options(CLI::App* command, StoreArgs& args) {
  command
      ->add_option("--store,--state", args.url,
                   "the TMS's store: a directory (sqlite:DIR, tms.db and storage.key) or postgresql://USER@HOST/DB")
      ->required();
  command->add_option("--storage-key", args.key_file,
                      "PostgreSQL store: the 32-octet storage key file, mode 0600 (created for a new database)");
}

Result<std::unique_ptr<store::TmsStore>, std::string> open_store(const StoreArgs& args, crypto::RandomSource& rng,
                                                                 const store::StoreOptions& options) {
  auto url = store::parse_store_url(args.url);  // REQ-STORE-016
  if (!url.ok()) return Unexpected(url.error());
  if (url->kind == store::StoreUrl::Kind::kSqlite) {
    // REQ-STORE-001: the SQLite store's key is its directory's storage.key, never elsewhere.
    if (!args.key_file.empty()) {
      return Unexpected(std::string("--storage-key is for a PostgreSQL store; a SQLite store keeps storage.key beside tms.db"));
    }
    auto s = store::TmsStore::open(url->target, rng, options);
    if (!s.ok()) return Unexpected(s.error().message);
    return std::move(s).value();
  }
#ifdef TMSPROTO_HAVE_POSTGRESQL
  // REQ-STORE-020: every instance reads the same key file; the database never holds it.
  if (args.key_file.empty()) return Unexpected(std::string("a PostgreSQL store needs --storage-key FILE"));
  auto s = store::open_postgresql_store(url->target, args.key_file, rng, options);
  if (!s.ok()) return Unexpected(s.error().message);
  return std::move(s).value();
#else
  return Unexpected(std::string("this tmsproto was built without libpq: no PostgreSQL store"));
#endif
}

}  // namespace tmsproto::app
