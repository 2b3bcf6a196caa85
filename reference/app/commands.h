// The edge's commands, one function per family, each adding its subcommands to the CLI11
// application (spec/14-server.md; the README's "Commands" table).
#pragma once

#include "cli/command.h"

namespace tmsproto::app {

void add_tms_commands(CLI::App& app, cli::Chosen& chosen);       // app/tms_commands.cc
void add_serve_command(CLI::App& app, cli::Chosen& chosen);      // app/serve_command.cc
void add_terminal_commands(CLI::App& app, cli::Chosen& chosen);  // app/terminal_commands.cc
void add_vendor_commands(CLI::App& app, cli::Chosen& chosen);    // app/vendor_commands.cc
void add_demo_command(CLI::App& app, cli::Chosen& chosen);       // app/demo_command.cc

}  // namespace tmsproto::app
