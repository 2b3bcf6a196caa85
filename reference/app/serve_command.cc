// `tmsproto serve`: the reference TMS (spec/14-server.md) on the store --store names, with the
// vendors' databases the store names, over TCP (REQ-FRAME-005) or a serial line.
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/args.h"
#include "app/commands.h"
#include "app/store_args.h"
#include "crypto/random.h"
#include "net/monotonic.h"
#include "net/server.h"
#include "store/tms_store.h"
#include "vendor/adapter_directory.h"

namespace tmsproto::app {
namespace {

struct ServeArgs {
  StoreArgs store;
  std::string listen = "127.0.0.1:7700";  // REQ-FRAME-005: 7700 by default
  std::string serial;
  std::size_t max_connections = 1024;
  double grace_s = 10;
  double response_s = 30;
  double session_s = 600;
  std::int64_t freshness_s = 300;
  std::string log;
  std::string tpdu;
  std::string instance;
};

// REQ-SRV-012: 1 to 128 printable ASCII octets, no space.
bool valid_instance_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char ch : name) {
    if (ch <= ' ' || ch > '~') return false;
  }
  return true;
}

// REQ-SRV-012: the host's name, ':' and what this instance serves as the command line says (the
// same across restarts, port 0 included), cut to 128 octets.
std::string default_instance_name(const ServeArgs& a) {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string name = std::string(host.data()) + ":" + (a.serial.empty() ? a.listen : a.serial);
  if (name.size() > 128) name.resize(128);
  return name;
}

int serve(const ServeArgs& a) {
  const auto where = parse_host_port(a.listen);
  if (!where) return fail("serve", "--listen takes HOST:PORT, not '" + a.listen + "'");
  if (a.grace_s < 0 || a.response_s <= 0 || a.session_s <= 0) return fail("serve", "timeouts must be positive");
  if (!a.instance.empty() && !valid_instance_name(a.instance)) {
    return fail("serve", "--instance takes 1 to 128 printable ASCII characters without spaces, not '" + a.instance + "'");
  }

  crypto::OsRandom rng;
  auto store = open_store(a.store, rng);  // REQ-STORE-016
  if (!store.ok()) return fail("serve", store.error());
  auto vendors = (*store)->vendors();
  if (!vendors.ok()) return fail("serve", vendors.error().message);
  std::ofstream file;
  if (!a.log.empty()) {
    file.open(a.log, std::ios::app);
    if (!file) return fail("serve", "cannot open log file " + a.log);
  }
  net::SessionLog log(a.log.empty() ? std::cerr : file);

  vendor::AdapterDirectory directory;
  for (const auto& v : *vendors) {
    auto added = directory.configure(v.vendor_id, v.adapter);  // REQ-TMS-020: one database per vendor
    if (!added.ok()) {
      // REQ-SRV-009: the server still starts; this vendor's program downloads end 96 (REQ-TMS-022).
      log.write(net::SessionEvent{"vendor-unavailable", 0, {}, std::nullopt, 0, 0, 0, added.error()});
    }
  }

  tms::Config config;
  config.freshness_window_s = a.freshness_s;  // REQ-HS-012
  config.lease_s = static_cast<std::int64_t>(std::ceil(a.session_s));  // REQ-SRV-011: T_SESSION
  net::SystemClock clock;
  store::TmsStore& s = **store;
  const tms::Ports ports{clock, rng, s.registry(), s.custody(), s.replay(), directory, s.audit(), s.reports()};

  net::ServerOptions options;
  options.address = where->host;
  options.port = where->port;
  options.serial_device = a.serial;
  options.max_connections = a.max_connections;
  options.grace_ms = static_cast<std::int64_t>(a.grace_s * 1000);
  options.timing.response_ms = static_cast<std::int64_t>(a.response_s * 1000);
  options.timing.session_ms = static_cast<std::int64_t>(a.session_s * 1000);
  if (!a.tpdu.empty()) {
    const auto t = parse_tpdu_option(a.tpdu);
    if (!t) return fail("serve", "--tpdu takes DEST:SRC, two NIIs 0-9999, not '" + a.tpdu + "'");
    options.tpdu = codec::TpduConfig::tms(*t);  // REQ-SRV-010, REQ-FRAME-034: answers go back swapped
  }
  net::Server server(config, ports, log, options);
  auto bound = server.open();
  if (!bound.ok()) return fail("serve", bound.error());
  // REQ-SRV-012: before the first connection is accepted (those that arrive meanwhile wait in the
  // listen queue), the leases of this instance's previous run end.
  const std::string instance = a.instance.empty() ? default_instance_name(a) : a.instance;
  auto released = s.claim_instance(instance);
  if (!released.ok()) return fail("serve", released.error().message);
  log.write(net::SessionEvent{.event = "leases-released", .instance = instance, .count = *released});
  server.run();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, cli::Chosen& chosen) {
  auto a = std::make_shared<ServeArgs>();
  auto* c = app.add_subcommand("serve", "run the TMS: serve terminals over TCP or a serial line until SIGTERM");
  add_store_options(c, a->store);
  c->add_option("--listen", a->listen, "HOST:PORT to listen on; port 0 picks a free one (127.0.0.1:7700)");
  c->add_option("--serial", a->serial, "serve this serial line instead of TCP, one terminal after another");
  c->add_option("--max-connections", a->max_connections, "connections at once; more are closed at once (1024)")
      ->check(CLI::Range(1, 1 << 20));
  c->add_option("--grace", a->grace_s, "seconds open sessions get to end after SIGTERM (10)");
  c->add_option("--response-timeout", a->response_s, "T_RESPONSE in seconds (30)");
  c->add_option("--session-timeout", a->session_s, "T_SESSION in seconds (600)");
  c->add_option("--freshness-window", a->freshness_s, "seconds a T_TIME may differ from this clock (300)")
      ->check(CLI::Range(1, 86400));
  c->add_option("--log", a->log, "append the JSON-lines log to this file instead of stderr");
  c->add_option("--instance", a->instance,
                "this instance's name among those of its store (REQ-SRV-012); default HOSTNAME:HOST:PORT or HOSTNAME:DEVICE");
  c->add_option("--tpdu", a->tpdu,
                "links carry a TPDU (behind a NAC): DEST:SRC of a frame sent before any arrives (0:3); answers swap the NIIs of what arrived");
  c->callback([&chosen, a] { chosen.run = [a] { return serve(*a); }; });
}

}  // namespace tmsproto::app
