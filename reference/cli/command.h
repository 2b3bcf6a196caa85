// One entry per `tmsproto <command>`: the table in main.cc is the whole command surface.
#pragma once

#include <span>
#include <string_view>

namespace tmsproto::cli {

// Returns the process exit code. Errors go to stderr as one line each.
using CommandFn = int (*)(std::span<const std::string_view> args);

struct Command {
  std::string_view name;
  std::string_view usage;
  std::string_view summary;
  CommandFn run;
};

}  // namespace tmsproto::cli
