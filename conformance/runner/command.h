// `tmsproto conformance run` (spec/conformance.md C.5): the command line of the suite.
#pragma once

#include "cli/command.h"

namespace tmsproto::conformance {

void add_conformance_command(CLI::App& app, cli::Chosen& chosen);

}  // namespace tmsproto::conformance
