#include "bench/store_bench.h"

#include <time.h>

#include <chrono>
#include <deque>

#include "bench/proc.h"
#include "crypto/random.h"
#include "net/monotonic.h"
#include "sim/memory_ports.h"
#include "store/tms_store.h"
#include "terminal/session.h"
#include "tms/session.h"
#include "vendor/adapter_directory.h"

namespace tmsproto::bench {
namespace {


double wall_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

StoreResult run_store(const BenchEstate& estate, double seconds) {
  StoreResult r;
  crypto::OsRandom rng;
  auto store = store::TmsStore::open(estate.state, rng);
  if (!store.ok()) {
    r.error = store.error().message;
    return r;
  }
  vendor::AdapterDirectory directory;
  if (auto added = directory.configure(kVendor, "dir:" + estate.vendor_db.string()); !added.ok()) {
    r.error = added.error();
    return r;
  }
  net::SystemClock clock;
  store::TmsStore& s = **store;
  const tms::Ports ports{clock, rng, s.registry(), s.custody(), s.replay(), directory, s.audit(), s.reports()};
  const tms::Config config;
  double cpu = 0, wall = 0;
  const double until = wall_s() + seconds;
  std::size_t t = 0;
  do {
    const terminal::Config& tc = estate.terminals[t++ % estate.terminals.size()];
    sim::MemoryKeyStore keys;
    sim::MemoryPackageStore packages;
    sim::MemoryDevice device;
    packages.install_master(kMasterName, 1);
    terminal::Session term(tc, terminal::Ports{clock, rng, keys, packages, device});
    tms::Session server(config, ports);
    std::deque<std::pair<bool, Bytes>> queue;
    auto take = [&](session::Output out, bool from_terminal) {
      for (auto& b : out.send) queue.emplace_back(from_terminal, std::move(b));
    };
    take(term.start(terminal::StartCommand{}), true);
    while (!queue.empty()) {
      auto [from_terminal, body] = std::move(queue.front());
      queue.pop_front();
      if (from_terminal) {
        const double c0 = thread_cpu_seconds(), w0 = wall_s();
        take(server.receive(body), false);
        cpu += thread_cpu_seconds() - c0;
        wall += wall_s() - w0;
      } else if (term.state() != terminal::State::T_DONE && term.state() != terminal::State::T_FAILED) {
        take(term.receive(body), true);
      }
    }
    if (term.state() != terminal::State::T_DONE || server.state() != tms::State::S_DONE) {
      r.error = "session on the SQLite store ended " + std::string(terminal::name(term.state())) + " / " +
                std::string(tms::name(server.state()));
      return r;
    }
    ++r.sessions;
  } while (wall_s() < until);
  r.tms_cpu_us = cpu / static_cast<double>(r.sessions) * 1e6;
  r.wall_us = wall / static_cast<double>(r.sessions) * 1e6;
  return r;
}

}  // namespace tmsproto::bench
