// `tmsproto bench` (issue 13): what the TMS costs per session, per byte and per connection, each
// beside the cost of its own parts measured in the same run. A measuring tool like `simulate`: it
// drives the engines from the in-memory estate (tmsproto_testing), so it lives beside the command
// and never in the product libraries that `serve` runs on.
#pragma once

#include "cli/command.h"

namespace tmsproto::bench {

void add_bench_command(CLI::App& app, cli::Chosen& chosen);

}  // namespace tmsproto::bench
