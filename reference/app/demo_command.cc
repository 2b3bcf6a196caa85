// `tmsproto demo`: a whole estate on this machine in a temporary directory, told as a story — two
// vendors with a directory and a SQLite database, a TMS on SQLite, three terminals (AES, TDES, and
// LEGACY switched on explicitly), key and program downloads through `serve` on a loopback port,
// each terminal a separate process, then a newer release whose download is cut and resumed.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "app/args.h"
#include "app/child.h"
#include "app/commands.h"
#include "crypto/random.h"

namespace tmsproto::app {
namespace {

namespace fs = std::filesystem;

struct DemoTerminal {
  std::string label, vendor, model, serial, profile;
  bool legacy = false;
  bool keys = true;  // runs a key download (LEGACY cannot, REQ-CRYPTO-025)
};

class Demo {
 public:
  explicit Demo(fs::path root) : root_(std::move(root)), exe_(self_exe()) {}

  int run() {
    step("Workspace " + root_.string());
    fs::create_directories(root_ / "logs");
    password_ = random_password();

    step("Two vendors make their package-signing keys and databases");
    for (const auto& [vendor, db] : {std::pair{"ACME0001", "dir:" + (root_ / "acme-db").string()},
                                     std::pair{"ZETA0001", "sqlite:" + (root_ / "zeta.db").string()}}) {
      if (!tool({"vendor", "keygen", "--out", key(vendor), "--public-out", key(vendor) + ".pub"})) return 1;
      databases_[vendor] = db;
      say(std::string(vendor) + ": key " + key(vendor) + ", database " + db);
    }

    step("The TMS: a SQLite store, the vendors, their models, three terminals and an operator");
    const std::string tms = (root_ / "tms").string();
    if (!tool({"tms", "init", "--state", tms})) return 1;
    for (const auto& [vendor, model] : {std::pair{"ACME0001", "ACME-POS-100"}, std::pair{"ZETA0001", "ZETA-P8"}}) {
      if (!tool({"tms", "add-vendor", "--state", tms, "--vendor", vendor, "--public-key", key(vendor) + ".pub",
                 "--adapter", databases_[vendor]}) ||
          !tool({"tms", "add-model", "--state", tms, "--vendor", vendor, "--model", model}) ||
          !tool({"tms", "add-operator", "--state", tms, "--vendor", vendor, "--operator", "OP01"})) {
        return 1;
      }
    }
    for (const DemoTerminal& t : terminals_) {
      const std::string def = (root_ / (t.label + "-keys.json")).string();
      std::vector<std::string> args{"tms", "add-terminal", "--state", tms, "--vendor", t.vendor, "--model", t.model,
                                    "--serial", t.serial, "--profile", t.profile, "--unattended",
                                    "--injection-out", injection(t)};
      if (t.keys) {
        if (!write_text(def, key_set_definition(t.profile)).ok()) return fail("demo", "cannot write " + def, 1);
        args.insert(args.end(), {"--key-set", def});
      }
      if (t.legacy) args.push_back("--enable-legacy");
      if (!tool(args) || !tool({"terminal", "inject", "--state", state(t), "--file", injection(t)})) return 1;
      say(t.label + ": " + t.vendor + " " + t.model + " " + t.serial + ", profile " + t.profile +
          (t.legacy ? "  (LEGACY single DES switched on explicitly: insecure, patent-faithful)" : "") +
          ", state " + state(t));
    }

    step("The vendors publish an application, a parameter file and a data file");
    if (!publish("ACME0001", "ACME-POS-100", "A", "PAYAPP", 2, 64 * 1024, 4096) ||
        !publish("ACME0001", "ACME-POS-100", "P", "MERCHANT", 1, 700, 1024) ||
        !publish("ACME0001", "ACME-POS-100", "D", "BINTABLE", 1, 20000, 4096) ||
        !publish("ZETA0001", "ZETA-P8", "A", "ZPAY", 2, 48 * 1024, 2048)) {
      return 1;
    }

    step("serve listens on a loopback port");
    if (!start_server(tms)) return 1;
    say("TMS listening on 127.0.0.1:" + std::to_string(port_) + ", log " + (root_ / "logs" / "tms.log").string());

    step("Key download, then program download, each terminal a separate process");
    for (const DemoTerminal& t : terminals_) {
      if (t.keys && !session(t, {"--transaction", "key", "--key-set", "TMK00001", "--operator", "OP01"})) return finish(1);
      if (!session(t, {"--transaction", "program"})) return finish(1);
    }

    step("ACME publishes PAYAPP v3; the first download is cut by SIGKILL and the next one resumes");
    if (!publish("ACME0001", "ACME-POS-100", "A", "PAYAPP", 3, 1024 * 1024, 1024)) return finish(1);
    if (!cut_and_resume(terminals_[0])) return finish(1);

    step("What the TMS recorded");
    std::system((exe_.string() + " tms list audit --state " + tms + " | sed 's/^/     /'").c_str());
    return finish(0);
  }

 private:
  void step(const std::string& s) { std::printf("\n== %s\n", s.c_str()); std::fflush(stdout); }
  void say(const std::string& s) { std::printf("   %s\n", s.c_str()); std::fflush(stdout); }
  std::string key(const std::string& vendor) const { return (root_ / (vendor + ".key")).string(); }
  std::string injection(const DemoTerminal& t) const { return (root_ / (t.label + "-injection.json")).string(); }
  std::string state(const DemoTerminal& t) const { return (root_ / ("terminal-" + t.label)).string(); }
  fs::path log(const std::string& name) const { return root_ / "logs" / (name + ".log"); }

  static std::string random_password() {
    crypto::OsRandom rng;
    std::uint8_t raw[12];
    rng.fill(raw);
    std::string p;
    for (std::uint8_t b : raw) p += static_cast<char>('a' + b % 26);
    return p;
  }

  static std::string key_set_definition(const std::string& profile) {
    const std::string alg = profile == "tdes" ? "T" : "A";
    const std::string tmk = profile == "aes256" ? "32" : "16";
    return "{\n  \"format\": 1,\n  \"keySetId\": \"TMK00001\",\n  \"slots\": [\n"
           "    { \"slot\": \"TMK\", \"algorithm\": \"" + alg + "\", \"length\": " + tmk + " },\n"
           "    { \"slot\": \"PIN\", \"algorithm\": \"" + alg + "\", \"length\": 16 }\n  ]\n}\n";
  }

  // Runs one of our commands; its output goes to logs/tools.log; on failure, the log's tail.
  bool tool(const std::vector<std::string>& args) {
    const fs::path out = log("tools");
    Child c = spawn(exe_, args, out, {{"TMSPROTO_PASSWORD", password_}});
    const int status = wait_for(c);
    if (status != 0) {
      std::fprintf(stderr, "tmsproto demo: '%s %s' failed (status %d); see %s\n", args[0].c_str(), args[1].c_str(),
                   status, out.c_str());
      std::system(("tail -3 '" + out.string() + "' >&2").c_str());
    }
    return status == 0;
  }

  bool publish(const std::string& vendor, const std::string& model, const std::string& kind, const std::string& name,
               std::uint32_t version, std::size_t size, unsigned chunk) {
    const fs::path content = root_ / (name + "-v" + std::to_string(version) + ".bin");
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + version * 7) & 0xFF);
    if (!write_text(content, bytes).ok()) return false;
    if (!tool({"vendor", "sign", "--key", key(vendor), "--kind", kind, "--name", name, "--vendor", vendor, "--model",
               model, "--version", std::to_string(version), "--content", content.string(), "--chunk",
               std::to_string(chunk), "--to", databases_[vendor]})) {
      return false;
    }
    say(vendor + " published " + kind + " " + name + " v" + std::to_string(version) + " (" + std::to_string(size) +
        " octets, pieces of " + std::to_string(chunk) + ") into " + databases_[vendor]);
    return true;
  }

  bool start_server(const std::string& tms) {
    server_ = spawn(exe_, {"serve", "--state", tms, "--listen", "127.0.0.1:0", "--log", (root_ / "logs" / "tms.log").string(),
                           "--grace", "2"},
                    log("serve"));
    if (server_.pid <= 0) return fail("demo", "cannot start serve", 1) == 0;
    for (int i = 0; i < 500; ++i) {
      std::ifstream in(root_ / "logs" / "tms.log");
      std::string line;
      while (std::getline(in, line)) {
        const auto at = line.find("\"peer\":\"127.0.0.1:");
        if (line.find("\"listening\"") != std::string::npos && at != std::string::npos) {
          port_ = std::atoi(line.c_str() + at + 18);
          return port_ > 0;
        }
      }
      int status = 0;
      if (ended(server_, status)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::fprintf(stderr, "tmsproto demo: serve did not start; see %s\n", log("serve").c_str());
    return false;
  }

  std::vector<std::string> run_args(const DemoTerminal& t, const std::vector<std::string>& extra) const {
    std::vector<std::string> args{"terminal", "run", "--state", state(t), "--connect", "127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  bool session(const DemoTerminal& t, const std::vector<std::string>& extra) {
    const fs::path out = log(t.label);
    const auto before = fs::exists(out) ? fs::file_size(out) : 0;
    Child c = spawn(exe_, run_args(t, extra), out, {{"TMSPROTO_PASSWORD", password_}});
    const int status = wait_for(c);
    std::ifstream in(out);
    in.seekg(static_cast<std::streamoff>(before));
    std::string line, last;
    while (std::getline(in, line)) last = line;
    say(t.label + " " + extra[1] + " download: exit " + std::to_string(status) + "  " + last);
    ++sessions_;
    return status == 0;
  }

  static std::size_t staged_pieces(const fs::path& state) {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(state / "staging", ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->path().filename().string().rfind("piece-", 0) == 0) ++n;
    }
    return n;
  }

  bool cut_and_resume(const DemoTerminal& t) {
    Child c = spawn(exe_, run_args(t, {"--transaction", "program"}), log(t.label));
    std::size_t at_cut = 0;
    int status = 0;
    bool cut = false;
    while (!ended(c, status)) {
      at_cut = staged_pieces(state(t));
      if (at_cut >= 256) {
        ::kill(c.pid, SIGKILL);
        wait_for(c);
        cut = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    ++sessions_;
    if (!cut) {
      say(t.label + " finished before the cut (exit " + std::to_string(status) + "): the machine was too fast to cut it");
      return status == 0;
    }
    at_cut = staged_pieces(state(t));
    say(t.label + " killed with SIGKILL after " + std::to_string(at_cut) + " of 1024 pieces were verified and staged");
    if (!session(t, {"--transaction", "program"})) return false;
    say(t.label + " resumed: the " + std::to_string(at_cut) + " staged pieces were not fetched again (REQ-DL-020), "
        "and PAYAPP v3 was applied whole (REQ-DL-030)");
    return true;
  }

  int finish(int status) {
    if (server_.pid > 0) {
      ::kill(server_.pid, SIGTERM);  // REQ-SRV-005
      const int s = wait_for(server_);
      step("serve stopped on SIGTERM (exit " + std::to_string(s) + ") after " + std::to_string(sessions_) +
           " terminal sessions");
      if (s != 0 && status == 0) status = 1;
    }
    return status;
  }

  fs::path root_;
  fs::path exe_;
  std::string password_;
  std::map<std::string, std::string> databases_;
  Child server_;
  int port_ = 0;
  std::size_t sessions_ = 0;
  std::vector<DemoTerminal> terminals_ = {
      {"aes", "ACME0001", "ACME-POS-100", "SN-AES-0001", "aes128", false, true},
      {"tdes", "ZETA0001", "ZETA-P8", "SN-TDES-0001", "tdes", false, true},
      {"legacy", "ACME0001", "ACME-POS-100", "SN-LEGACY-0001", "legacy", true, false},
  };
};

}  // namespace

void add_demo_command(CLI::App& app, cli::Chosen& chosen) {
  struct A { std::string dir; bool keep = false; };
  auto a = std::make_shared<A>();
  auto* c = app.add_subcommand("demo", "a whole estate in a temporary directory: vendors, TMS, three terminals, "
                                       "key and program downloads over loopback, a cut and resumed download");
  c->add_option("--dir", a->dir, "work here instead of a fresh temporary directory (kept afterwards)");
  c->add_flag("--keep", a->keep, "keep the temporary directory to look at afterwards");
  c->callback([&chosen, a] {
    chosen.run = [a] {
      fs::path root;
      bool keep = a->keep || !a->dir.empty();
      if (!a->dir.empty()) {
        root = a->dir;
        std::error_code ec;
        if (fs::exists(root, ec) && !fs::is_empty(root, ec)) return fail("demo", a->dir + " is not empty");
      } else {
        std::string tmpl = (fs::temp_directory_path() / "tmsproto-demo.XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) return fail("demo", "cannot make a temporary directory", 1);
        root = tmpl;
      }
      Demo demo(root);
      const int status = demo.run();
      if (keep) {
        std::printf("\nEverything is in %s (tms/: the TMS's store; terminal-*/: each terminal's state; logs/)\n",
                    root.c_str());
      } else {
        std::error_code ec;
        fs::remove_all(root, ec);
        std::printf("\nThe TMS's store (tms/tms.db, tms/storage.key), each terminal's state directory and the logs "
                    "lived in %s, now removed (--keep keeps them).\n", root.c_str());
      }
      std::printf("%s\n", status == 0 ? "demo: every session ended as expected" : "demo: FAILED");
      return status;
    };
  });
}

}  // namespace tmsproto::app
