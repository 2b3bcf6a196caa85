// How the TMS's commands name their store (REQ-STORE-016): `--store sqlite:DIR | DIR |
// postgresql://…` (`--state DIR` is the same option, as it was spelt before PostgreSQL), and for
// PostgreSQL `--storage-key FILE` (REQ-STORE-020).
#pragma once

#include <memory>
#include <string>

#include "cli/command.h"
#include "common/result.h"
#include "crypto/random.h"
#include "store/tms_store.h"

namespace tmsproto::app {

struct StoreArgs {
  std::string url;
  std::string key_file;
};

void add_store_options(CLI::App* command, StoreArgs& args);

// Opens (creating or migrating) the store; a one-line error otherwise.
Result<std::unique_ptr<store::TmsStore>, std::string> open_store(const StoreArgs& args, crypto::RandomSource& rng,
                                                                 const store::StoreOptions& options = {});

}  // namespace tmsproto::app
