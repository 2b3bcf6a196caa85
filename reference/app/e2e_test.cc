// The edge as its users meet it: `tmsproto` commands as separate processes, a real SQLite store,
// real state directories, real sockets, serve killed with SIGKILL and restarted, wrong keys and a
// locked-out operator (issue: the TMS server and the reference terminal).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/child.h"
#include "app/terminal_state_test_support.h"
#include "app/wire_test_support.h"
#include "codec/abort_message.h"
#include "common/hex.h"
#include "crypto/digest.h"
#include "device/state_directory.h"

namespace tmsproto::app {
namespace {

namespace fs = std::filesystem;

const char* exe() { return TMSPROTO_EXE; }

class Estate : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tmsproto-e2e.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root = tmpl;
    tms = (root / "tms").string();
    ASSERT_EQ(run({"vendor", "keygen", "--out", path("acme.key"), "--public-out", path("acme.pub")}), 0);
    ASSERT_EQ(run({"tms", "init", "--state", tms}), 0);
    ASSERT_EQ(run({"tms", "add-vendor", "--state", tms, "--vendor", "ACME0001", "--public-key", path("acme.pub"),
                   "--adapter", "dir:" + path("acme-db")}),
              0);
    ASSERT_EQ(run({"tms", "add-model", "--state", tms, "--vendor", "ACME0001", "--model", "POS-1"}), 0);
    ASSERT_EQ(run({"tms", "add-operator", "--state", tms, "--vendor", "ACME0001", "--operator", "OP01"}), 0);
    std::ofstream(path("keys.json")) << "{ \"format\": 1, \"keySetId\": \"TMK00001\", \"slots\": [ { \"slot\": \"TMK\", "
                                        "\"algorithm\": \"A\", \"length\": 16 } ] }";
  }
  void TearDown() override {
    stop_server();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(root, ec);
  }

  std::string path(const std::string& name) const { return (root / name).string(); }

  int run(const std::vector<std::string>& args, const std::string& password = "correct horse") {
    Child c = spawn(exe(), args, root / "out.log", {{"TMSPROTO_PASSWORD", password}});
    return wait_for(c);
  }
  std::string last_output_line() const {
    std::ifstream in(root / "out.log");
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return last;
  }

  // A terminal registered and injected; its state directory.
  std::string add_terminal(const std::string& serial) {
    const std::string injection = path(serial + ".json");
    EXPECT_EQ(run({"tms", "add-terminal", "--state", tms, "--vendor", "ACME0001", "--model", "POS-1", "--serial", serial,
                   "--unattended", "--key-set", path("keys.json"), "--injection-out", injection}),
              0);
    const std::string state = path("term-" + serial);
    EXPECT_EQ(run({"terminal", "inject", "--state", state, "--file", injection}), 0);
    return state;
  }

  Bytes publish(std::uint32_t version, std::size_t size) {
    Bytes content(size);
    for (std::size_t i = 0; i < size; ++i) content[i] = static_cast<std::uint8_t>((i * 7 + version) & 0xFF);
    const std::string file = path("app-v" + std::to_string(version));
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(content.data()),
                                                static_cast<std::streamsize>(content.size()));
    EXPECT_EQ(run({"vendor", "sign", "--key", path("acme.key"), "--kind", "A", "--name", "PAYAPP", "--vendor", "ACME0001",
                   "--model", "POS-1", "--version", std::to_string(version), "--content", file, "--chunk", "1024", "--to",
                   "dir:" + path("acme-db")}),
              0);
    return content;
  }

  void start_server(const std::vector<std::string>& extra = {}) {
    const fs::path log = root / ("tms-" + std::to_string(++starts) + ".log");
    std::vector<std::string> args{"serve", "--state", tms, "--listen", "127.0.0.1:0", "--log", log.string(), "--grace", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    server = spawn(exe(), args, root / "serve.out");
    port = 0;
    for (int i = 0; i < 1000 && port == 0; ++i) {
      std::ifstream in(log);
      std::string line;
      while (std::getline(in, line)) {
        const auto at = line.find("\"peer\":\"127.0.0.1:");
        if (line.find("listening") != std::string::npos && at != std::string::npos) port = std::atoi(line.c_str() + at + 18);
      }
      if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_NE(port, 0) << "serve did not start";
  }
  int stop_server(int signal = SIGTERM) {
    if (server.pid <= 0) return 0;
    ::kill(server.pid, signal);
    return wait_for(server);
  }
  std::vector<std::string> terminal_run(const std::string& state, std::vector<std::string> extra = {}) const {
    std::vector<std::string> a{"terminal", "run", "--state", state, "--connect", "127.0.0.1:" + std::to_string(port)};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  static std::size_t staged(const std::string& state) { return staged_pieces(state); }

  fs::path root;
  std::string tms;
  Child server;
  int port = 0;
  int starts = 0;
};

TEST_F(Estate, ServeKilledDuringDownloadsAndRestartedLeavesEveryTerminalWithTheWholePackage) {
  // REQ-DL-020, REQ-DL-030, REQ-SRV-007: terminals cut by a SIGKILLed server exit 5, keep what
  // they verified, resume against the restarted server and end with the package byte for byte.
  std::vector<std::string> states;
  for (int i = 0; i < 4; ++i) states.push_back(add_terminal("SN-" + std::to_string(i)));
  const Bytes content = publish(2, 768 * 1024);
  start_server();
  std::vector<Child> terminals;
  for (const auto& s : states) terminals.push_back(spawn(exe(), terminal_run(s), root / "terminals.log"));
  for (int i = 0; i < 20000 && staged(states[0]) < 64; ++i) std::this_thread::sleep_for(std::chrono::microseconds(200));
  EXPECT_EQ(stop_server(SIGKILL), 128 + SIGKILL);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < terminals.size(); ++i) {
    const int status = wait_for(terminals[i]);
    EXPECT_TRUE(status == 5 || status == 0) << "terminal " << i << " exit " << status;
    kept += staged(states[i]);
  }
  EXPECT_GT(kept, 0u);
  start_server();
  for (const auto& s : states) EXPECT_EQ(run(terminal_run(s)), 0) << last_output_line();
  for (const auto& s : states) {
    auto dir = device::StateDirectory::open(s);
    ASSERT_TRUE(dir.ok()) << dir.error();
    const auto installed = (*dir)->installed_content(codec::PackageKind::kApplication, "PAYAPP");
    ASSERT_TRUE(installed.has_value());
    EXPECT_EQ(crypto::sha256(*installed), crypto::sha256(content));
    EXPECT_EQ(staged(s), 0u);
  }
}

TEST_F(Estate, AHandshakeRecordedOnTheLineAndReplayedToARestartedTmsIsRefusedWith10AndAudited) {
  // REQ-HS-013 with REQ-STORE-008: the replay cache is durable, so a restart does not forget a
  // T_RAND inside the freshness window; the replayed HS_REQUEST is answered ABORT 10 and audited.
  const std::string state = add_terminal("SN-R");
  publish(2, 2048);
  start_server();
  Relay relay(port);
  ASSERT_NE(relay.port(), 0);
  EXPECT_EQ(run({"terminal", "run", "--state", state, "--connect", "127.0.0.1:" + std::to_string(relay.port())}), 0)
      << last_output_line();
  const Bytes sent = relay.from_terminal();
  ASSERT_GE(sent.size(), 2u);
  const std::size_t first = 2 + (std::size_t{sent[0]} << 8 | sent[1]);  // REQ-FRAME-002: LEN, then the body
  ASSERT_GE(sent.size(), first);
  const Bytes hs_request(sent.begin(), sent.begin() + static_cast<std::ptrdiff_t>(first));

  stop_server(SIGKILL);
  start_server();
  const int fd = connect_loopback(port);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, hs_request.data(), hs_request.size()), static_cast<ssize_t>(hs_request.size()));
  std::uint8_t len[2];
  ASSERT_TRUE(read_exactly(fd, len, 2));
  Bytes body(std::size_t{len[0]} << 8 | len[1]);
  ASSERT_TRUE(read_exactly(fd, body.data(), body.size()));
  ::close(fd);
  const auto abort = codec::parse_abort(body);
  ASSERT_TRUE(abort.ok()) << "the answer is not an ABORT: " << to_hex(body);
  EXPECT_EQ(abort->code, ResponseCode::kReplay);
  ASSERT_EQ(run({"tms", "list", "audit", "--state", tms}), 0);
  EXPECT_NE(last_output_line().find("SN-R"), std::string::npos) << last_output_line();
  EXPECT_NE(last_output_line().find("outcome 10"), std::string::npos) << last_output_line();
}

TEST_F(Estate, OneTerminalOnTwoInstancesOfOneStoreAtOnceGetsOneSessionAndOneRefusal24) {
  // REQ-SRV-011, REQ-SRV-012: two serve processes on one SQLite store. The terminal's first session
  // is held open on instance A (its answers withheld); the same terminal, from a copy of its state,
  // is refused 24 by instance B, and is served by B once the first session has ended.
  const std::string state = add_terminal("SN-L");
  publish(2, 2048);
  const std::string copy = path("term-SN-L-copy");
  fs::copy(state, copy, fs::copy_options::recursive);
  start_server({"--instance", "tms-a"});
  Child instance_a = server;
  struct StopOnExit {  // a failed assertion still stops instance A
    Child& c;
    ~StopOnExit() {
      if (c.pid <= 0) return;
      ::kill(c.pid, SIGKILL);
      wait_for(c);
    }
  } stop_a{instance_a};
  const int port_a = port;
  const fs::path log_a = root / ("tms-" + std::to_string(starts) + ".log");
  start_server({"--instance", "tms-b"});

  Relay held(port_a, Relay::Mode::kWithholdAnswers);
  ASSERT_NE(held.port(), 0);
  Child first = spawn(exe(), {"terminal", "run", "--state", state, "--connect", "127.0.0.1:" + std::to_string(held.port())},
                      root / "first.log");
  StopOnExit stop_first{first};
  // Instance A answered the HS_REQUEST: row S1 ran to its end, the lease taken.
  for (int i = 0; i < 1000 && held.withheld() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GT(held.withheld(), 0u) << "instance A never answered";

  EXPECT_EQ(run(terminal_run(copy)), 3) << last_output_line();
  EXPECT_NE(last_output_line().find("24"), std::string::npos) << last_output_line();

  ::kill(first.pid, SIGKILL);  // the first session's connection closes: A ends it and its lease
  wait_for(first);
  bool ended_on_a = false;
  for (int i = 0; i < 1000 && !ended_on_a; ++i) {
    std::ifstream in(log_a);
    std::string line;
    while (std::getline(in, line)) ended_on_a = ended_on_a || line.find("\"event\":\"session\"") != std::string::npos;
    if (!ended_on_a) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(ended_on_a) << "instance A did not end the first session";
  EXPECT_EQ(run(terminal_run(copy)), 0) << last_output_line();

  ::kill(instance_a.pid, SIGTERM);
  EXPECT_EQ(wait_for(instance_a), 0);
  ASSERT_EQ(run({"tms", "list", "audit", "--state", tms}), 0);
  std::ifstream audit(root / "out.log");
  std::stringstream text;
  text << audit.rdbuf();
  EXPECT_NE(text.str().find("outcome 24"), std::string::npos) << "the refusal is audited";
}

TEST_F(Estate, ASecondServeUnderARunningInstancesNameOrABadNameDoesNotStart) {
  // REQ-SRV-012: one line and status 2; the running instance is not disturbed.
  const std::string state = add_terminal("SN-N");
  publish(2, 2048);
  start_server({"--instance", "tms-a"});
  EXPECT_EQ(run({"serve", "--state", tms, "--listen", "127.0.0.1:0", "--instance", "tms-a"}), 2);
  EXPECT_NE(last_output_line().find("'tms-a'"), std::string::npos) << last_output_line();
  EXPECT_EQ(run({"serve", "--state", tms, "--listen", "127.0.0.1:0", "--instance", "tms a"}), 2);
  EXPECT_NE(last_output_line().find("--instance"), std::string::npos) << last_output_line();
  EXPECT_EQ(run(terminal_run(state)), 0) << last_output_line();
}

TEST_F(Estate, BehindANacBothEndsCarryTheTpduAndAnEndWithoutOneGetsNoSession) {
  // REQ-SRV-010, REQ-FRAME-030/033/034 (configured at both ends), REQ-FRAME-036/038 (a mismatch ends the session).
  const std::string state = add_terminal("SN-T");
  const Bytes content = publish(2, 4096);
  start_server({"--tpdu", "0:3"});
  EXPECT_NE(run(terminal_run(state)), 0) << "a terminal without a TPDU was served by a TMS expecting one";
  EXPECT_EQ(run(terminal_run(state, {"--tpdu", "3:0"})), 0) << last_output_line();
  auto dir = device::StateDirectory::open(state);
  ASSERT_TRUE(dir.ok()) << dir.error();
  const auto installed = (*dir)->installed_content(codec::PackageKind::kApplication, "PAYAPP");
  ASSERT_TRUE(installed.has_value());
  EXPECT_EQ(crypto::sha256(*installed), crypto::sha256(content));
  EXPECT_EQ(run(terminal_run(state, {"--tpdu", "3:10000"})), 2);  // an NII has four digits
}

TEST_F(Estate, ATerminalTheTmsDoesNotKnowIsRefusedWith06AndAudited) {
  // REQ-HS-010, REQ-HS-018, REQ-TMS-005, REQ-SRV-007 (exit 3).
  const std::string other = path("other-tms");
  ASSERT_EQ(run({"tms", "init", "--state", other}), 0);
  ASSERT_EQ(run({"tms", "add-vendor", "--state", other, "--vendor", "ACME0001", "--public-key", path("acme.pub"),
                 "--adapter", "dir:" + path("acme-db")}), 0);
  ASSERT_EQ(run({"tms", "add-model", "--state", other, "--vendor", "ACME0001", "--model", "POS-1"}), 0);
  ASSERT_EQ(run({"tms", "add-terminal", "--state", other, "--vendor", "ACME0001", "--model", "POS-1", "--serial",
                 "STRANGER", "--unattended", "--injection-out", path("stranger.json")}), 0);
  ASSERT_EQ(run({"terminal", "inject", "--state", path("stranger"), "--file", path("stranger.json")}), 0);
  start_server();
  EXPECT_EQ(run(terminal_run(path("stranger"))), 3);
  EXPECT_NE(last_output_line().find("ABORT 06"), std::string::npos) << last_output_line();
  ASSERT_EQ(run({"tms", "list", "audit", "--state", tms}), 0);
  EXPECT_NE(last_output_line().find("STRANGER"), std::string::npos);
  EXPECT_NE(last_output_line().find("reason 06"), std::string::npos) << last_output_line();
}

TEST_F(Estate, ATerminalWithAnotherDmkRefusesTheTmsAndInstallsNothing) {
  // REQ-HS-020 (TAC_1 does not verify under the terminal's DMK): exit 4, no key, no package.
  const std::string injection = path("wrong.json");
  ASSERT_EQ(run({"tms", "add-terminal", "--state", tms, "--vendor", "ACME0001", "--model", "POS-1", "--serial", "SN-W",
                 "--unattended", "--injection-out", injection}), 0);
  std::ifstream in(injection);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const auto at = s.find("\"dmk\": \"");
  ASSERT_NE(at, std::string::npos);
  char& digit = s[at + 8];
  digit = digit == '0' ? '1' : '0';
  std::ofstream(injection) << s;
  ASSERT_EQ(run({"terminal", "inject", "--state", path("term-w"), "--file", injection}), 0);
  publish(2, 4096);
  start_server();
  EXPECT_EQ(run(terminal_run(path("term-w"))), 4) << last_output_line();
  auto dir = device::StateDirectory::open(path("term-w"));
  ASSERT_TRUE(dir.ok());
  EXPECT_TRUE((*dir)->installed().empty() || (*dir)->installed_version(codec::PackageKind::kApplication, "PAYAPP") == 0);
}

TEST_F(Estate, AnOperatorLockedOutAfterFiveFailuresStaysLockedAcrossARestart) {
  // REQ-OPR-006: five wrong passwords lock the operator; the right one is then refused with 25,
  // also after serve restarts, because the lock lives in the store.
  const std::string state = add_terminal("SN-OP");
  start_server();
  const std::vector<std::string> key = {"--transaction", "key", "--key-set", "TMK00001", "--operator", "OP01"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(run(terminal_run(state, key), "wrong password"), 3);
    EXPECT_NE(last_output_line().find("ABORT 25"), std::string::npos) << last_output_line();
  }
  EXPECT_EQ(run(terminal_run(state, key)), 3);
  EXPECT_NE(last_output_line().find("ABORT 25"), std::string::npos);
  stop_server();
  start_server();
  EXPECT_EQ(run(terminal_run(state, key)), 3);
  EXPECT_NE(last_output_line().find("ABORT 25"), std::string::npos);
  ASSERT_EQ(run({"tms", "list", "operators", "--state", tms}), 0);
  // A check refused during the lock is a failure too (REQ-OPR-006): 5 + 1 + 1.
  EXPECT_NE(last_output_line().find("failures 7"), std::string::npos) << last_output_line();
}

TEST_F(Estate, AKeyDownloadThenAProgramDownloadCompleteAndTheTmsListsTheKeySetDelivered) {
  // REQ-KEY-023, REQ-SRV-007 (exit 0).
  const std::string state = add_terminal("SN-OK");
  publish(2, 10000);
  start_server();
  EXPECT_EQ(run(terminal_run(state, {"--transaction", "key", "--key-set", "TMK00001", "--operator", "OP01"})), 0)
      << last_output_line();
  EXPECT_EQ(run(terminal_run(state)), 0) << last_output_line();
  ASSERT_EQ(run({"tms", "list", "terminals", "--state", tms}), 0);
  EXPECT_NE(last_output_line().find("delivered 1"), std::string::npos) << last_output_line();
  EXPECT_EQ(stop_server(), 0);  // REQ-SRV-005: SIGTERM is a clean exit
}

TEST_F(Estate, AVendorDatabaseMissingAtStartStopsOnlyThatVendorsProgramDownloads) {
  // REQ-SRV-009: no ACME database yet: serve starts, logs it, serves key downloads, and a program
  // download ends 96 (REQ-TMS-022).
  const std::string state = add_terminal("SN-NODB");
  start_server();
  EXPECT_EQ(run(terminal_run(state, {"--transaction", "key", "--key-set", "TMK00001", "--operator", "OP01"})), 0)
      << last_output_line();
  EXPECT_EQ(run(terminal_run(state)), 3);
  EXPECT_NE(last_output_line().find("ABORT 96"), std::string::npos) << last_output_line();
  std::ifstream in(root / "tms-1.log");
  std::stringstream log;
  log << in.rdbuf();
  EXPECT_NE(log.str().find("vendor-unavailable"), std::string::npos);
}

TEST_F(Estate, CommandsRefuseBadInputWithOneLineAndStatus2) {
  EXPECT_EQ(run({"tms", "add-terminal", "--state", tms, "--vendor", "ACME0001", "--model", "POS-1", "--serial", "X",
                 "--profile", "rot13", "--injection-out", path("x.json")}), 2);
  EXPECT_NE(last_output_line().find("unknown profile"), std::string::npos);
  EXPECT_EQ(run({"tms", "add-terminal", "--state", tms, "--vendor", "ACME0001", "--model", "POS-1", "--serial", "X",
                 "--profile", "legacy", "--injection-out", path("x.json")}), 2);
  EXPECT_NE(last_output_line().find("--enable-legacy"), std::string::npos);
  EXPECT_EQ(run({"terminal", "run", "--state", path("nothing-here")}), 2);
  EXPECT_EQ(run({"serve", "--state", tms, "--listen", "nowhere"}), 2);
  EXPECT_EQ(run({"terminal", "run", "--state", add_terminal("SN-N"), "--connect", "127.0.0.1:1"}), 5);
}

}  // namespace
}  // namespace tmsproto::app
