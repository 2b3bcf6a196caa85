// `tmsproto tms ...`: the TMS operator's provisioning commands on the store named by --store (or --state)
// (spec/15-storage.md). Each validates its input and is one store transaction: all or nothing.
#include <cstdio>
#include <memory>
#include <string>

#include "app/args.h"
#include "app/commands.h"
#include "app/provisioning.h"
#include "app/store_args.h"
#include "common/hex.h"
#include "crypto/random.h"
#include "store/tms_store.h"

namespace tmsproto::app {
namespace {


std::string audit_line(const store::AuditRow& row) {
  const tms::AuditRecord& a = row.record;
  std::string line = std::to_string(row.seq) + "  " + a.id.vendor_id + " " + a.id.model_id + " " + a.id.serial_no;
  if (a.trans) line += a.trans == TransCode::kKeyDownload ? "  key" : "  program";
  if (a.profile) line += "  " + std::string(profile_word(*a.profile));
  line += "  outcome " + (a.outcome ? describe(*a.outcome) : std::string("lost"));
  if (a.not_served_reason) line += "  reason " + describe(*a.not_served_reason);
  if (a.terminal_result) line += "  terminal " + describe(*a.terminal_result);
  for (const auto& o : a.offered) line += "  [" + o + "]";
  if (a.served_by) line += "  served by " + *a.served_by;
  return line;
}

int list(const StoreArgs& state, const std::string& what) {
  crypto::OsRandom rng;
  auto tms = open_store(state, rng);
  if (!tms.ok()) return fail("tms list", tms.error());
  store::TmsStore& s = **tms;
  if (what == "vendors") {
    auto rows = s.vendors();
    if (!rows.ok()) return fail("tms list", rows.error().message, 1);
    for (const auto& v : *rows) std::printf("%s  %s  key %s\n", v.vendor_id.c_str(), v.adapter.c_str(),
                                            to_hex(v.signing_public_key).substr(0, 16).c_str());
  } else if (what == "models") {
    auto rows = s.models();
    if (!rows.ok()) return fail("tms list", rows.error().message, 1);
    for (const auto& m : *rows) std::printf("%s %s\n", m.vendor_id.c_str(), m.model_id.c_str());
  } else if (what == "terminals") {
    auto rows = s.terminals();
    if (!rows.ok()) return fail("tms list", rows.error().message, 1);
    for (const auto& t : *rows) {
      std::string sets;
      for (const auto& k : t.key_sets) sets += " " + k;
      std::printf("%s %s %s  %s%s  KCV %s  key sets:%s  delivered %zu\n", t.id.vendor_id.c_str(), t.id.model_id.c_str(),
                  t.id.serial_no.c_str(), std::string(profile_word(t.profile)).c_str(),
                  t.legacy_enabled ? " (LEGACY enabled: insecure)" : "", to_hex(t.dmk_check_value).c_str(),
                  sets.empty() ? " none" : sets.c_str(), t.delivered_key_sets.size());
    }
  } else if (what == "operators") {
    auto rows = s.operators();
    if (!rows.ok()) return fail("tms list", rows.error().message, 1);
    for (const auto& o : *rows) std::printf("%s %s  key download %s  failures %u\n", o.vendor_id.c_str(),
                                            o.operator_id.c_str(), o.may_download_keys ? "yes" : "no",
                                            o.lock.consecutive_failures);
  } else if (what == "audit") {
    auto rows = s.audit_log();
    if (!rows.ok()) return fail("tms list", rows.error().message, 1);
    for (const auto& r : *rows) std::printf("%s\n", audit_line(r).c_str());
  } else if (what == "reports") {
    auto terminals = s.terminals();
    if (!terminals.ok()) return fail("tms list", terminals.error().message, 1);
    for (const auto& t : *terminals) {
      auto history = s.report_history(t.id);
      if (!history.ok()) return fail("tms list", history.error().message, 1);
      for (const auto& r : *history) {
        std::printf("%s %s %s  at %lld s  %s / %s  %zu packages%s\n", t.id.vendor_id.c_str(), t.id.model_id.c_str(),
                    t.id.serial_no.c_str(), static_cast<long long>(r.received_s), r.report.hardware_id.c_str(),
                    r.report.firmware_id.c_str(), r.report.packages.size(), r.report.tamper ? "  TAMPER" : "");
      }
    }
  }
  return 0;
}

}  // namespace

void add_tms_commands(CLI::App& app, cli::Chosen& chosen) {
  CLI::App* group = app.add_subcommand("tms", "the TMS operator's provisioning commands on a TMS state directory");
  group->require_subcommand(1);

  {
    auto* c = group->add_subcommand("init", "create the TMS's store (tms.db and storage.key) in --state DIR");
    auto state = std::make_shared<StoreArgs>();
    add_store_options(c, *state);
    c->callback([&chosen, state] {
      chosen.run = [state] {
        crypto::OsRandom rng;
        auto tms = open_store(*state, rng);
        if (!tms.ok()) return fail("tms init", tms.error());
        std::printf("TMS store ready in %s\n", state->url.c_str());
        return 0;
      };
    });
  }
  {
    auto* c = group->add_subcommand("add-vendor", "register a vendor, its package-signing public key and its database");
    struct A { StoreArgs state; std::string vendor, key, adapter; };
    auto a = std::make_shared<A>();
    add_store_options(c, a->state);
    c->add_option("--vendor", a->vendor, "VENDOR_ID (8 letters and digits)")->required();
    c->add_option("--public-key", a->key, "file holding the vendor's public key in hex (vendor keygen writes it)")->required();
    c->add_option("--adapter", a->adapter, "the vendor's database: dir:PATH, sqlite:PATH, postgresql://... or exec:COMMAND ARGS...")->required();
    c->callback([&chosen, a] {
      chosen.run = [a] {
        auto text = read_text(a->key, 4096);
        if (!text.ok()) return fail("tms add-vendor", text.error());
        std::string hex = *text;
        while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ' || hex.back() == '\r')) hex.pop_back();
        auto key = from_hex(hex);
        if (!key) return fail("tms add-vendor", a->key + " does not hold a public key in hex");
        crypto::OsRandom rng;
        auto tms = open_store(a->state, rng);
        if (!tms.ok()) return fail("tms add-vendor", tms.error());
        auto r = (*tms)->register_vendor(a->vendor, *key, a->adapter);
        if (!r.ok()) return fail("tms add-vendor", r.error().message);
        std::printf("vendor %s registered, database %s\n", a->vendor.c_str(), a->adapter.c_str());
        return 0;
      };
    });
  }
  {
    auto* c = group->add_subcommand("add-model", "register a terminal model of a vendor");
    struct A { StoreArgs state; std::string vendor, model; };
    auto a = std::make_shared<A>();
    add_store_options(c, a->state);
    c->add_option("--vendor", a->vendor, "VENDOR_ID")->required();
    c->add_option("--model", a->model, "MODEL_ID (up to 16 printable characters)")->required();
    c->callback([&chosen, a] {
      chosen.run = [a] {
        crypto::OsRandom rng;
        auto tms = open_store(a->state, rng);
        if (!tms.ok()) return fail("tms add-model", tms.error());
        auto r = (*tms)->register_model(a->vendor, a->model);
        if (!r.ok()) return fail("tms add-model", r.error().message);
        std::printf("model %s %s registered\n", a->vendor.c_str(), a->model.c_str());
        return 0;
      };
    });
  }
  {
    auto* c = group->add_subcommand("add-terminal",
                                  "register a terminal, draw its DMK and write its injection file (a test-key file)");
    struct A { StoreArgs state; std::string vendor, model, serial, profile = "aes128", key_sets, master, out; bool legacy = false, unattended = false; };
    auto a = std::make_shared<A>();
    add_store_options(c, a->state);
    c->add_option("--vendor", a->vendor, "VENDOR_ID")->required();
    c->add_option("--model", a->model, "MODEL_ID")->required();
    c->add_option("--serial", a->serial, "SERIAL_NO (up to 32 printable characters)")->required();
    c->add_option("--profile", a->profile, "legacy, tdes, aes128 or aes256 (the DMK's algorithm)");
    c->add_flag("--enable-legacy", a->legacy, "allow the single-DES LEGACY profile for this terminal (insecure)");
    c->add_flag("--unattended", a->unattended, "allow program downloads without an operator");
    c->add_option("--key-set", a->key_sets, "a key-set definition file (spec/05-keys.md 5.5) to register");
    c->add_option("--master", a->master, "the name of the master application the terminal runs (KIND M)");
    c->add_option("--injection-out", a->out, "where to write the terminal's injection file")->required();
    c->callback([&chosen, a] {
      chosen.run = [a] {
        const auto profile = parse_profile(a->profile);
        if (!profile) return fail("tms add-terminal", "unknown profile '" + a->profile + "' (legacy, tdes, aes128, aes256)");
        if (*profile == Profile::kLegacy && !a->legacy) {
          return fail("tms add-terminal", "the LEGACY profile is off by default; --enable-legacy turns it on (insecure)");
        }
        NewTerminal t;
        t.registration = store::TerminalRegistration{{a->vendor, a->model, a->serial}, *profile, a->legacy, a->unattended};
        if (!a->key_sets.empty()) {
          auto text = read_text(a->key_sets);
          if (!text.ok()) return fail("tms add-terminal", text.error());
          t.key_set_definition = *text;
        }
        t.master_name = a->master;
        t.injection_out = a->out;
        crypto::OsRandom rng;
        auto tms = open_store(a->state, rng);
        if (!tms.ok()) return fail("tms add-terminal", tms.error());
        auto r = provision_terminal(**tms, t);
        if (!r.ok()) return fail("tms add-terminal", r.error());
        std::printf("terminal %s %s %s registered (%s); injection file %s (holds the DMK in clear: test terminals only)\n",
                    a->vendor.c_str(), a->model.c_str(), a->serial.c_str(), std::string(profile_word(*profile)).c_str(),
                    a->out.c_str());
        return 0;
      };
    });
  }
  {
    auto* c = group->add_subcommand("add-operator", "enrol an operator; the password is read from an environment variable");
    struct A { StoreArgs state; std::string vendor, op, env = "TMSPROTO_PASSWORD"; bool no_keys = false; std::uint32_t iterations = 600000; };
    auto a = std::make_shared<A>();
    add_store_options(c, a->state);
    c->add_option("--vendor", a->vendor, "VENDOR_ID")->required();
    c->add_option("--operator", a->op, "OPERATOR_ID (up to 8 letters and digits)")->required();
    c->add_option("--password-env", a->env, "the environment variable holding the password (TMSPROTO_PASSWORD)");
    c->add_flag("--no-key-download", a->no_keys, "the operator may not authorise key downloads");
    // REQ-OPR-002: at least 100000; 600000 advised, and the default.
    c->add_option("--iterations", a->iterations, "OPV_ITERATIONS, PBKDF2's count (600000; at least 100000)")
        ->check(CLI::Range(std::uint32_t{100000}, std::uint32_t{100000000}));
    c->callback([&chosen, a] {
      chosen.run = [a] {
        auto password = password_from_env(a->env);
        if (!password.ok()) return fail("tms add-operator", password.error());
        crypto::OsRandom rng;
        store::StoreOptions options;
        options.enrolment_iterations = a->iterations;
        auto tms = open_store(a->state, rng, options);
        if (!tms.ok()) return fail("tms add-operator", tms.error());
        const Bytes octets(password->begin(), password->end());
        auto r = (*tms)->enrol_operator(a->vendor, a->op, octets, !a->no_keys);
        if (!r.ok()) return fail("tms add-operator", r.error().message);
        std::printf("operator %s enrolled for vendor %s\n", a->op.c_str(), a->vendor.c_str());
        return 0;
      };
    });
  }
  {
    auto* c = group->add_subcommand("list", "list vendors, models, terminals, operators, reports or the audit log");
    struct A { StoreArgs state; std::string what; };
    auto a = std::make_shared<A>();
    c->add_option("what", a->what, "vendors | models | terminals | operators | reports | audit")
        ->required()
        ->check(CLI::IsMember({"vendors", "models", "terminals", "operators", "reports", "audit"}));
    add_store_options(c, a->state);
    c->callback([&chosen, a] { chosen.run = [a] { return list(a->state, a->what); }; });
  }
}

}  // namespace tmsproto::app
