// One function per `tmsproto <command>` family adds its subcommands to the CLI11 application
// (Debian libcli11-dev); the subcommand that was chosen leaves its action in `Chosen`, and main()
// runs it. Every action returns the process exit code; errors go to stderr as one line each.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include <CLI/CLI.hpp>

namespace tmsproto::cli {

struct Chosen {
  std::function<int()> run;
};

// Commands that still parse their own arguments (simulate, vectors).
using CommandFn = int (*)(std::span<const std::string_view> args);

void add_simulate(CLI::App& app, Chosen& chosen);  // cli/simulate_command.cc
void add_vectors(CLI::App& app, Chosen& chosen);   // cli/vectors_command.cc

// Adds `name`, whose arguments after it are handed to `fn` as they are.
void add_passthrough(CLI::App& app, Chosen& chosen, const char* name, const char* summary, CommandFn fn);

}  // namespace tmsproto::cli
