// Provisioning as the operator's commands and the demo do it: a terminal registered in the TMS's
// store and its injection file written, in one call (spec/15-storage.md, spec/16-reference-terminal.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/result.h"
#include "store/tms_store.h"

namespace tmsproto::app {

struct NewTerminal {
  store::TerminalRegistration registration;
  std::optional<std::string> key_set_definition;  // JSON (spec/05 section 5.5): also the terminal's slot table
  std::string master_name;                         // a factory master application (KIND M), or none
  std::filesystem::path injection_out;             // the terminal's injection file, written mode 0600
};

// Registers the terminal (DMK drawn in the store), adds its key set, and writes its injection file
// with the vendor's package-signing public key; one line naming the failure otherwise. The store's
// registration stays when the injection file cannot be written: the message says so.
Result<void, std::string> provision_terminal(store::TmsStore& tms, const NewTerminal& t);

}  // namespace tmsproto::app
