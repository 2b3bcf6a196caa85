// tmsproto: the command-line face of the reference implementation.
#include <array>
#include <cstdio>
#include <string_view>
#include <vector>

#include "cli/command.h"

namespace tmsproto::cli {

int vectors_command(std::span<const std::string_view> args);   // cli/vectors_command.cc
int simulate_command(std::span<const std::string_view> args);  // cli/simulate_command.cc

namespace {

constexpr std::string_view kSummary =
    "tmsproto — reference implementation of the POS-terminal / TMS remote key and software download\n"
    "protocol of CN102013982A, as specified in spec/.";

// Subcommands register here; each lives in its own file under cli/.
constexpr std::array<Command, 2> kCommands{{
    {"simulate", "[--profile legacy|tdes|aes|aes256] [--transaction program|key] [--seed N]",
     "run an honest terminal and TMS in memory and print the exchange field by field", simulate_command},
    {"vectors", "check FILE|DIR...", "check published known-answer vector files (vectors/README.md)",
     vectors_command},
}};

void print_help(std::FILE* out) {
  std::fprintf(out, "%.*s\n\nUsage:\n  tmsproto --version\n  tmsproto --help\n",
               static_cast<int>(kSummary.size()), kSummary.data());
  for (const Command& c : kCommands) {
    std::fprintf(out, "  tmsproto %.*s %.*s\n      %.*s\n", static_cast<int>(c.name.size()),
                 c.name.data(), static_cast<int>(c.usage.size()), c.usage.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
}

int run(std::span<const std::string_view> args) {
  if (args.empty()) {
    print_help(stderr);
    return 2;
  }
  const std::string_view first = args.front();
  if (first == "--version") {
    std::printf("tmsproto %s\n", TMSPROTO_VERSION);
    return 0;
  }
  if (first == "--help" || first == "-h" || first == "help") {
    print_help(stdout);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (c.name == first) return c.run(args.subspan(1));
  }
  std::fprintf(stderr, "tmsproto: unknown command '%.*s' (try --help)\n",
               static_cast<int>(first.size()), first.data());
  return 2;
}

}  // namespace
}  // namespace tmsproto::cli

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  return tmsproto::cli::run(args);
}
