#include "bench/bench_estate.h"

#include <fstream>

#include "crypto/random.h"
#include "crypto/signature.h"
#ifdef TMSPROTO_HAVE_POSTGRESQL
#include "store/pg_store.h"
#endif
#include "store/tms_store.h"
#include "vendor/publish.h"
#include "vendor/sign_package.h"

namespace tmsproto::bench {

Result<BenchEstate, std::string> make_bench_estate(const std::filesystem::path& root, Profile p,
                                                   std::size_t terminals, std::optional<Package> package,
                                                   const std::optional<PgTarget>& pg) {
  BenchEstate e;
  e.state = root / "tms";
  e.vendor_db = root / "vendor-db";
  std::error_code ec;
  std::filesystem::create_directories(e.vendor_db, ec);
  if (ec) return Unexpected("cannot create " + e.vendor_db.string());
  {
    // REQ-VND-010: the file vendor_id names the directory database's vendor (publish writes it too).
    std::ofstream id(e.vendor_db / "vendor_id");
    id << kVendor << "\n";
    if (!id) return Unexpected("cannot write " + (e.vendor_db / "vendor_id").string());
  }
  crypto::OsRandom rng;
#ifdef TMSPROTO_HAVE_POSTGRESQL
  auto store = pg ? store::open_postgresql_store(pg->url, pg->key_file, rng) : store::TmsStore::open(e.state, rng);
#else
  if (pg) return Unexpected(std::string("this tmsproto was built without libpq: no PostgreSQL store"));
  auto store = store::TmsStore::open(e.state, rng);
#endif
  e.store_args = pg ? std::vector<std::string>{"--store", pg->url, "--storage-key", pg->key_file.string()}
                    : std::vector<std::string>{"--state", e.state.string()};
  if (!store.ok()) return Unexpected(store.error().message);
  auto vendor_key = crypto::ecdsa_p256_generate(rng);
  if (!vendor_key.ok()) return Unexpected(std::string("cannot draw the vendor's key"));
  const std::string adapter = "dir:" + e.vendor_db.string();
  if (auto r = (*store)->register_vendor(kVendor, vendor_key->public_key, adapter); !r.ok()) return Unexpected(r.error().message);
  if (auto r = (*store)->register_model(kVendor, kModel); !r.ok()) return Unexpected(r.error().message);
  if (package) {
    vendor::PackageDraft draft;
    draft.name = kPackageName;
    draft.vendor_id = kVendor;
    draft.model_id = kModel;
    draft.version = kPackageVersion;
    draft.chunk_size = package->chunk;
    Bytes content(package->length);
    // Not random: the content's cost to the server is the same, and drawing 64 MiB would take longer.
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i * 131 + (i >> 12));
    auto signed_package = vendor::sign_package(draft, std::move(content), vendor_key->private_key.view(), rng);
    if (!signed_package.ok()) return Unexpected(signed_package.error());
    auto published = vendor::publish(adapter, *signed_package);
    if (!published.ok()) return Unexpected(published.error());
  }
  for (std::size_t i = 0; i < terminals; ++i) {
    store::TerminalRegistration reg;
    reg.id = codec::Identity{kVendor, kModel, "SN" + std::to_string(100000 + i)};
    reg.profile = p;
    reg.legacy_enabled = p == Profile::kLegacy;
    reg.unattended_allowed = true;  // REQ-OPR-005: program downloads without an operator
    auto dmk = (*store)->register_terminal(reg);
    if (!dmk.ok()) return Unexpected(dmk.error().message);
    terminal::Config c;
    c.id = reg.id;
    c.profile = p;
    c.dmk = std::move(*dmk);
    c.legacy_enabled = reg.legacy_enabled;
    c.vendor_public_key = vendor_key->public_key;
    e.terminals.push_back(std::move(c));
  }
  return e;
}

}  // namespace tmsproto::bench
