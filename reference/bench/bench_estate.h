// A TMS store on SQLite for the bench, provisioned in-process the way `tms init`, `add-vendor`,
// `add-model` and `add-terminal --unattended` do it, with the terminals' configurations kept in
// memory for the load generator (their injection files are never written: nothing leaves the run).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "terminal/ports.h"

namespace tmsproto::bench {

inline constexpr const char* kVendor = "BENCH001";
inline constexpr const char* kModel = "BENCH-POS";
inline constexpr const char* kMasterName = "TMSP-MASTER";
inline constexpr const char* kPackageName = "PAYAPP";  // the one application a bench database holds
inline constexpr std::uint32_t kPackageVersion = 2;

struct Package {
  std::size_t length = 0;
  std::uint16_t chunk = 4096;
};

// A PostgreSQL database for the estate instead of a SQLite directory (part 5).
struct PgTarget {
  std::string url;
  std::filesystem::path key_file;
};

struct BenchEstate {
  std::filesystem::path state;                 // the TMS's state directory (tms.db, storage.key)
  std::vector<std::string> store_args;         // how `serve` is told the store (--state DIR, or --store URL ...)
  std::filesystem::path vendor_db;             // the vendor's directory database
  std::vector<terminal::Config> terminals;     // registered, unattended program downloads allowed
};

// `terminals` terminals of profile `p` under `root`; `package`: one application signed into the
// vendor's database (none: the database is empty and every program download offers nothing).
Result<BenchEstate, std::string> make_bench_estate(const std::filesystem::path& root, Profile p,
                                                   std::size_t terminals, std::optional<Package> package,
                                                   const std::optional<PgTarget>& pg = std::nullopt);

}  // namespace tmsproto::bench
