// `tmsproto terminal ...`: the reference terminal on its state directory (spec/16): injected once,
// then one session per run over TCP or a serial line, with the exit status of REQ-SRV-007.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/args.h"
#include "app/commands.h"
#include "common/hex.h"
#include "config/terminal_injection.h"
#include "crypto/random.h"
#include "device/state_directory.h"
#include "net/monotonic.h"
#include "net/terminal_link.h"
#include "terminal/faults.h"

namespace tmsproto::app {
namespace {

// REQ-SRV-007.
enum Exit { kDone = 0, kUsage = 2, kRefused = 3, kOwnCheck = 4, kLost = 5, kTimedOut = 6 };

struct RunArgs {
  std::string state;
  std::string connect = "127.0.0.1:7700";
  std::string serial;
  std::string tpdu;
  std::string transaction = "program";
  std::string key_set;
  std::string op;
  std::string password_env = "TMSPROTO_PASSWORD";
  double response_s = 30;
  std::vector<std::string> faults;
};

int list_faults() {
  // REQ-CONF-040: one line per fault: its name, the requirement it violates, the bug.
  for (const terminal::FaultInfo& f : terminal::all_faults()) {
    std::printf("%-26.*s %-12.*s %.*s\n", static_cast<int>(f.name.size()), f.name.data(),
                static_cast<int>(f.requirement.size()), f.requirement.data(), static_cast<int>(f.description.size()),
                f.description.data());
  }
  return 0;
}

int run(const RunArgs& a) {
  // REQ-CONF-043: faults come from this command line only, for the conformance suite's own tests.
  terminal::Faults faults;
  for (const std::string& name : a.faults) {
    const auto f = terminal::fault_named(name);
    if (!f) return fail("terminal run", "no fault '" + name + "' (tmsproto terminal --list-faults lists them)", kUsage);
    faults.add(*f);
  }
  auto dir = device::StateDirectory::open(a.state);
  if (!dir.ok()) return fail("terminal run", dir.error(), kUsage);
  (*dir)->set_faults(faults);
  terminal::StartCommand command;
  if (a.transaction == "key") {
    command.trans = TransCode::kKeyDownload;
    if (a.key_set.empty()) return fail("terminal run", "a key download needs --key-set ID", kUsage);
    command.key_set_id = a.key_set;
  } else {
    command.trans = TransCode::kProgramDownload;
  }
  if (!a.op.empty()) {
    auto password = password_from_env(a.password_env);
    if (!password.ok()) return fail("terminal run", password.error(), kUsage);
    command.operator_id = a.op;
    command.operator_password = crypto::SecretBytes(ByteView(reinterpret_cast<const std::uint8_t*>(password->data()),
                                                             password->size()));
  }
  net::TerminalEndpoint where;
  if (!a.serial.empty()) {
    where.serial_device = a.serial;
    (*dir)->set_bearer(codec::Bearer::kRs232);
  } else {
    const auto hp = parse_host_port(a.connect);
    if (!hp) return fail("terminal run", "--connect takes HOST:PORT, not '" + a.connect + "'", kUsage);
    where.host = hp->host;
    where.port = hp->port;
  }
  where.timing.response_ms = static_cast<std::int64_t>(a.response_s * 1000);
  if (faults.has(terminal::Fault::kNeverTimesOut)) {
    // REQ-HS-033 broken on purpose (spec/conformance.md C.6): a terminal whose I/O loop reads with
    // no timeout. A day stands for never, so that the deadlines stay ordinary numbers.
    where.timing.response_ms = where.timing.session_ms = 24 * 3600 * 1000;
  }
  if (!a.tpdu.empty()) {
    const auto t = parse_tpdu_option(a.tpdu);
    if (!t) return fail("terminal run", "--tpdu takes DEST:SRC, two NIIs 0-9999, not '" + a.tpdu + "'", kUsage);
    where.tpdu = codec::TpduConfig::terminal(*t);  // REQ-SRV-010, REQ-FRAME-033: DEST the TMS's NII, SRC its own
  }

  net::SystemClock clock;
  crypto::OsRandom rng;
  terminal::Session session((*dir)->config(), (*dir)->ports(clock, rng));
  const net::TerminalRun r = net::run_terminal(where, session, std::move(command));
  if (!r.connected) return fail("terminal run", r.error, kLost);  // REQ-SRV-007
  if (session.state() == terminal::State::T_DONE) {
    std::printf("terminal: done: %s, %zu package(s) applied, %llu octets in, %llu out\n",
                session.keys_installed() ? "keys installed" : "no keys", session.packages_applied(),
                static_cast<unsigned long long>(r.bytes_in), static_cast<unsigned long long>(r.bytes_out));
    return kDone;
  }
  const auto& f = session.failure();
  if (!f || !f->code) return fail("terminal run", std::string("connection lost") + (r.cause ? std::string(" (") + r.cause + ")" : ""), kLost);
  if (f->sent_abort && *f->code == ResponseCode::kTimeout) {
    return fail("terminal run", "timed out: sent ABORT " + describe(*f->code), kTimedOut);
  }
  if (f->sent_abort) return fail("terminal run", "our check failed: sent ABORT " + describe(*f->code), kOwnCheck);
  if (r.bytes_out == 0) {
    // REQ-SRV-007, row T1: the command refused before anything was sent (REQ-CRYPTO-025, REQ-OPR-002).
    return fail("terminal run", "refused locally: " + describe(*f->code) + ", nothing sent", kOwnCheck);
  }
  return fail("terminal run", "refused by the TMS: ABORT " + describe(*f->code), kRefused);
}

int show(const std::string& state) {
  auto dir = device::StateDirectory::open(state);
  if (!dir.ok()) return fail("terminal show", dir.error(), kUsage);
  const terminal::Config& c = (*dir)->config();
  std::printf("terminal %s %s %s, profile %s\n", c.id.vendor_id.c_str(), c.id.model_id.c_str(), c.id.serial_no.c_str(),
              std::string(profile_word(c.profile)).c_str());
  for (const auto& p : (*dir)->installed()) {
    std::printf("  installed %c %s v%u\n", static_cast<char>(p.kind), p.name.c_str(), p.version);
  }
  for (const auto& k : (*dir)->held()) std::printf("  key slot %02X  KCV %s\n", k.slot, to_hex(k.kcv).c_str());
  return 0;
}

}  // namespace

void add_terminal_commands(CLI::App& app, cli::Chosen& chosen) {
  CLI::App* t = app.add_subcommand("terminal", "the reference terminal on its state directory");
  t->require_subcommand(0, 1);  // `terminal --list-faults` stands alone
  auto list = std::make_shared<bool>(false);
  t->add_flag("--list-faults", *list, "list the fault switches of `run --fault` (as list-faults does)");
  t->callback([&chosen, t, list] {
    if (*list) chosen.run = list_faults;
    else if (t->get_subcommands().empty()) chosen.run = [] { return fail("terminal", "a subcommand is required", kUsage); };
  });
  {
    struct A { std::string state, file; };
    auto a = std::make_shared<A>();
    auto* c = t->add_subcommand("inject", "initialise a state directory from an injection file, once");
    c->add_option("--state", a->state, "the terminal's state directory")->required();
    c->add_option("--file", a->file, "the injection file (tms add-terminal wrote it)")->required();
    c->callback([&chosen, a] {
      chosen.run = [a] {
        auto text = read_text(a->file, config::kMaxTerminalInjectionSize);
        if (!text.ok()) return fail("terminal inject", text.error(), kUsage);
        auto injection = config::read_terminal_injection(*text);
        if (!injection.ok()) return fail("terminal inject", a->file + ": " + injection.error(), kUsage);
        auto r = device::inject(a->state, *injection);
        if (!r.ok()) return fail("terminal inject", r.error(), kUsage);
        std::printf("terminal state directory %s injected\n", a->state.c_str());
        return 0;
      };
    });
  }
  {
    auto a = std::make_shared<RunArgs>();
    auto* c = t->add_subcommand("run", "run one session with a TMS; exit 0 done, 3 refused, 4 own check failed, "
                                       "5 connection lost, 6 timed out, 2 unusable invocation");
    c->add_option("--state", a->state, "the terminal's state directory")->required();
    c->add_option("--connect", a->connect, "the TMS's HOST:PORT (127.0.0.1:7700)");
    c->add_option("--serial", a->serial, "use this serial line instead of TCP");
    c->add_option("--tpdu", a->tpdu, "the link carries a TPDU (a NAC on the way): DEST:SRC, DEST the TMS's NII, SRC ours (3:0)");
    c->add_option("--transaction", a->transaction, "program (default) or key")->check(CLI::IsMember({"program", "key"}));
    c->add_option("--key-set", a->key_set, "KEY_SET_ID for a key download");
    c->add_option("--operator", a->op, "OPERATOR_ID; its password is read from --password-env");
    c->add_option("--password-env", a->password_env, "environment variable holding the operator's password");
    c->add_option("--response-timeout", a->response_s, "T_RESPONSE in seconds (30)")->check(CLI::PositiveNumber);
    c->add_option("--fault", a->faults,
                  "switch on a bug of list-faults, for the conformance suite's mutation test (repeatable; "
                  "never for a terminal in service)");
    c->callback([&chosen, a] { chosen.run = [a] { return run(*a); }; });
  }
  {
    auto state = std::make_shared<std::string>();
    auto* c = t->add_subcommand("show", "what the terminal has installed and the KCVs of its keys");
    c->add_option("--state", *state, "the terminal's state directory")->required();
    c->callback([&chosen, state] { chosen.run = [state] { return show(*state); }; });
  }
  {
    auto* c = t->add_subcommand("list-faults", "the fault switches of `run --fault`: name, REQ violated, the bug");
    c->callback([&chosen] { chosen.run = list_faults; });
  }
}

}  // namespace tmsproto::app
