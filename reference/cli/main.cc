// tmsproto: the command-line face of the reference implementation, on CLI11.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#if TMSPROTO_EDGE
#include "app/commands.h"
#include "conformance/runner/command.h"
#endif
#if TMSPROTO_BENCH
#include "bench/bench.h"
#endif

namespace tmsproto::cli {

int vectors_command(std::span<const std::string_view> args);   // cli/vectors_command.cc
int simulate_command(std::span<const std::string_view> args);  // cli/simulate_command.cc

void add_passthrough(CLI::App& app, Chosen& chosen, const char* name, const char* summary, CommandFn fn) {
  CLI::App* sub = app.add_subcommand(name, summary);
  sub->prefix_command();  // every argument after the name belongs to the command's own parser
  sub->set_help_flag();   // ... --help included
  sub->callback([sub, &chosen, fn] {
    chosen.run = [sub, fn] {
      const std::vector<std::string> rest = sub->remaining();
      const std::vector<std::string_view> args(rest.begin(), rest.end());
      return fn(args);
    };
  });
}

void add_simulate(CLI::App& app, Chosen& chosen) {
  add_passthrough(app, chosen, "simulate",
                  "run an honest terminal and TMS in memory and print the exchange field by field "
                  "([--profile legacy|tdes|aes|aes256] [--transaction program|key] [--seed N])",
                  simulate_command);
}

void add_vectors(CLI::App& app, Chosen& chosen) {
  add_passthrough(app, chosen, "vectors", "check published known-answer vector files (vectors check FILE|DIR...)",
                  vectors_command);
}

}  // namespace tmsproto::cli

int main(int argc, char** argv) {
  using namespace tmsproto::cli;
  CLI::App app(
      "tmsproto — reference implementation of the POS-terminal / TMS remote key and software download\n"
      "protocol of CN102013982A, as specified in spec/.",
      "tmsproto");
  app.set_version_flag("--version", std::string("tmsproto ") + TMSPROTO_VERSION);
  app.require_subcommand(1);
  app.failure_message([](const CLI::App* a, const CLI::Error& e) {
    return a->get_name() + ": " + e.what() + " (try --help)\n";
  });
  Chosen chosen;
  add_simulate(app, chosen);
  add_vectors(app, chosen);
#if TMSPROTO_EDGE
  tmsproto::app::add_serve_command(app, chosen);
  tmsproto::app::add_terminal_commands(app, chosen);
  tmsproto::app::add_tms_commands(app, chosen);
  tmsproto::app::add_vendor_commands(app, chosen);
  tmsproto::app::add_demo_command(app, chosen);
  tmsproto::conformance::add_conformance_command(app, chosen);
#endif
#if TMSPROTO_BENCH
  tmsproto::bench::add_bench_command(app, chosen);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;  // --help and --version are successes; any other is a usage error
  }
  return chosen.run ? chosen.run() : 2;
}
