// The other direction's teeth (spec/conformance.md C.10): a TMS that misbehaves is caught. Fake TMSs
// on a loopback port — one that refuses every HS_REQUEST with 06, one that closes at once, one that
// answers an ABORT and keeps the connection open — make the scenarios they break FAIL and the run
// exit 1; the command line refuses what REQ-CONF-060 says it must, with exit status 2.
#include "conformance/runner/tms_direction.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "codec/abort_message.h"

namespace tmsproto::conformance {
namespace {

// A TMS that reads each connection's first frame and answers as `behaviour` says.
class FakeTms {
 public:
  enum class Behaviour { kRefuse06, kClose, kAbortAndStay, kOversizedFrame };
  explicit FakeTms(Behaviour b) : behaviour_(b) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeTms() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::uint8_t buffer[512];
      if (behaviour_ == Behaviour::kOversizedFrame) {
        // REQ-FRAME-001 broken: a length of 8193, one above MAX_BODY, and nothing after it.
        (void)::recv(c, buffer, sizeof buffer, 0);
        const std::uint8_t frame[] = {0x20, 0x01, 0x7F, 0x01};
        (void)::send(c, frame, sizeof frame, MSG_NOSIGNAL);
      } else if (behaviour_ != Behaviour::kClose) {
        (void)::recv(c, buffer, sizeof buffer, 0);  // the HS_REQUEST, whole on a loopback
        const Bytes abort = codec::serialize(codec::Abort{ResponseCode::kTerminalNotServed});
        Bytes frame{0, static_cast<std::uint8_t>(abort.size())};
        frame.insert(frame.end(), abort.begin(), abort.end());
        (void)::send(c, frame.data(), frame.size(), MSG_NOSIGNAL);
      }
      if (behaviour_ == Behaviour::kAbortAndStay || behaviour_ == Behaviour::kOversizedFrame) {
        // REQ-ERR-002 broken: the connection stays open after the ABORT, until the peer closes it.
        pollfd q{c, POLLIN, 0};
        while (!stop_ && ::poll(&q, 1, 50) == 0) {
        }
      }
      ::close(c);
    }
  }
  Behaviour behaviour_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

config::TmsProfile profile() {
  config::TmsProfile t;
  t.vendor_id = "ACME0001";
  t.model_id = "POS-1";
  t.terminals.emplace(Profile::kAes128, config::TmsTerminal{"SN-FAKE", crypto::SecretBytes(ByteView(Bytes(16, 0x11)))});
  t.operator_id = "OP01";
  t.key_set_id = "TMK00001";
  t.vendor_public_key = Bytes(65, 0x22);
  t.vendor_public_key[0] = 0x04;
  t.unattended = true;
  t.session_seconds = 5;
  return t;
}

TmsRunOptions options(std::uint16_t port, std::vector<std::string> only) {
  TmsRunOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.tms = profile();
  o.operator_password = "test password";
  o.only = std::move(only);
  return o;
}

// REQ-CONF-063, REQ-CONF-031: a TMS that refuses a registered terminal fails the honest session,
// and the run exits 1; the scenario expecting 06 passes against it, so the judge is not blind.
TEST(TmsDirection, ATmsThatRefusesEveryoneFailsTheHonestSessions) {
  FakeTms tms(FakeTms::Behaviour::kRefuse06);
  std::ostringstream out, err;
  EXPECT_EQ(run_tms(options(tms.port(), {"honest.program.aes128", "handshake.unknown_vendor"}), out, err), 1);
  EXPECT_NE(out.str().find("FAIL honest.program.aes128"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("seen: ABORT 06"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("PASS handshake.unknown_vendor"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("1 passed, 1 failed"), std::string::npos) << out.str();
}

// REQ-CONF-062: the code the spec fixes is the code checked: 06 where 09 is due is a FAIL.
TEST(TmsDirection, AnotherCodeThanTheSpecsIsAFail) {
  FakeTms tms(FakeTms::Behaviour::kRefuse06);
  std::ostringstream out, err;
  EXPECT_EQ(run_tms(options(tms.port(), {"handshake.stale_time"}), out, err), 1);
  EXPECT_NE(out.str().find("FAIL handshake.stale_time"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("expected: ABORT 09"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("octets: 7f013036"), std::string::npos) << out.str();
}

// REQ-CONF-062: a TMS that closes without ABORT fails a refusal scenario.
TEST(TmsDirection, AClosedConnectionIsNoAbort) {
  FakeTms tms(FakeTms::Behaviour::kClose);
  std::ostringstream out, err;
  EXPECT_EQ(run_tms(options(tms.port(), {"handshake.unknown_serial"}), out, err), 1);
  EXPECT_NE(out.str().find("closed the connection without ABORT"), std::string::npos) << out.str();
}

// REQ-CONF-062, REQ-ERR-002: the right ABORT, but the connection left open, is a FAIL.
TEST(TmsDirection, AnAbortThatLeavesTheConnectionOpenFails) {
  FakeTms tms(FakeTms::Behaviour::kAbortAndStay);
  std::ostringstream out, err;
  EXPECT_EQ(run_tms(options(tms.port(), {"handshake.unknown_model"}), out, err), 1);
  EXPECT_NE(out.str().find("the connection closed after its ABORT"), std::string::npos) << out.str();
}

// REQ-CONF-064, REQ-FRAME-001: a frame announcing more than MAX_BODY is a FAIL read from its length
// alone, whatever the scenario expected, even while the TMS keeps the connection open.
TEST(TmsDirection, AFrameLongerThanMaxBodyIsAFailFromItsLength) {
  FakeTms tms(FakeTms::Behaviour::kOversizedFrame);
  std::ostringstream out, err;
  const auto begun = std::chrono::steady_clock::now();
  EXPECT_EQ(run_tms(options(tms.port(), {"honest.program.aes128", "handshake.unknown_vendor"}), out, err), 1);
  EXPECT_NE(out.str().find("FAIL honest.program.aes128"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("FAIL handshake.unknown_vendor"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("a frame announcing a length outside 4-8192"), std::string::npos) << out.str();
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(4)) << "waited for the body";
}

// REQ-CONF-061: nothing listening is an ERROR, which counts as a failure.
TEST(TmsDirection, NoTmsIsAnError) {
  std::uint16_t port = 0;
  {
    FakeTms gone(FakeTms::Behaviour::kClose);
    port = gone.port();
  }
  std::ostringstream out, err;
  EXPECT_EQ(run_tms(options(port, {"honest.key.aes128"}), out, err), 1);
  EXPECT_NE(out.str().find("ERROR honest.key.aes128"), std::string::npos) << out.str();
}

// REQ-CONF-064: --list lists this direction's catalogue and runs nothing; a filter selecting
// nothing is exit status 2; a profile the TMS profile does not declare is SKIP.
TEST(TmsDirection, ListFiltersAndSkip) {
  std::ostringstream out, err;
  TmsRunOptions o = options(1, {});
  o.list = true;
  EXPECT_EQ(run_tms(o, out, err), 0);
  EXPECT_NE(out.str().find("handshake.replay  MUST  REQ-HS-013"), std::string::npos) << out.str();
  o.only = {"no.such.scenario"};
  EXPECT_EQ(run_tms(o, out, err), 2);
  o.list = false;
  o.only = {"honest.key.tdes"};
  std::ostringstream run_out;
  EXPECT_EQ(run_tms(o, run_out, err), 0);
  EXPECT_NE(run_out.str().find("SKIP honest.key.tdes"), std::string::npos) << run_out.str();
  // REQ-CONF-060: a disabled pattern naming no scenario is refused; one that names some disables them.
  o.tms.disabled = {{"no.such.*", "a reason"}};
  EXPECT_EQ(run_tms(o, run_out, err), 2);
  o.tms.disabled = {{"honest.key.*", "keys are loaded at the factory"}};
  std::ostringstream disabled_out;
  EXPECT_EQ(run_tms(o, disabled_out, err), 0);
  EXPECT_NE(disabled_out.str().find("DISABLED honest.key.tdes"), std::string::npos) << disabled_out.str();
  EXPECT_NE(disabled_out.str().find("keys are loaded at the factory"), std::string::npos) << disabled_out.str();
}

// REQ-CONF-065: the catalogue holds exactly the scenarios of the table of section C.10.3 (a name with
// `P` once per profile word), each naming at least one requirement and describing itself in one
// sentence, and each session of it judged by REQ-CONF-062 (with a code) or REQ-CONF-063.
TEST(TmsDirection, TheCatalogueIsTheTableOfSectionC103) {
  std::ifstream spec(std::string(TMSPROTO_SOURCE_DIR) + "/spec/conformance.md");
  ASSERT_TRUE(spec.good());
  std::set<std::string> table;
  bool in_section = false;
  const std::regex row(R"(^\| `([a-z0-9_.]+P?)`)");
  for (std::string line; std::getline(spec, line);) {
    if (line.rfind("### C.10.3", 0) == 0) in_section = true;
    else if (line.rfind("## ", 0) == 0 || line.rfind("### ", 0) == 0) in_section = false;
    std::smatch m;
    if (!in_section || !std::regex_search(line, m, row)) continue;
    const std::string name = m[1];
    if (name.size() > 2 && name.compare(name.size() - 2, 2, ".P") == 0) {
      for (const char* p : {"tdes", "aes128", "aes256"}) table.insert(name.substr(0, name.size() - 1) + p);
    } else {
      table.insert(name);
    }
  }
  std::set<std::string> catalogue;
  for (const TmsScenario& s : tms_catalogue()) {
    EXPECT_TRUE(catalogue.insert(s.name).second) << s.name << " twice";
    EXPECT_FALSE(s.reqs.empty()) << s.name;
    EXPECT_FALSE(s.sessions.empty()) << s.name;
    EXPECT_EQ(s.description.back(), '.') << s.name;
    for (const TmsSessionPlan& p : s.sessions) {
      if (p.expect == TmsSessionPlan::Expect::kAborts) {
        EXPECT_NE(p.code, ResponseCode::kSuccess) << s.name;
        EXPECT_TRUE(p.change || p.replay_hs_request) << s.name << ": a refusal of nothing changed";
      }
      if (p.expect == TmsSessionPlan::Expect::kCut) {
        EXPECT_TRUE(p.cut_after.has_value()) << s.name;
      }
    }
  }
  EXPECT_EQ(catalogue, table);
}

// What the command prints on both streams.
std::string cli_says(const std::string& args) {
  std::string text;
  if (FILE* p = ::popen((std::string(TMSPROTO_EXE) + " conformance run " + args + " 2>&1").c_str(), "r")) {
    char buf[512];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    ::pclose(p);
  }
  return text;
}

int run_cli(const std::string& args) {
  const int status = std::system((std::string(TMSPROTO_EXE) + " conformance run " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// REQ-CONF-060: the command line: --tms with the terminal direction's options, a --tms that is not
// HOST:PORT, a profile that is not one, a missing password: each exit status 2.
TEST(TmsDirection, TheCommandLineRefusesWhatItMust) {
  const std::string file = ::testing::TempDir() + "tms-profile-" + std::to_string(::getpid()) + ".json";
  std::ofstream(file) << R"({"format": 2})";
  EXPECT_EQ(run_cli("--tms 127.0.0.1:7700 --tms-profile " + file + " --terminal-cmd true"), 2);
  EXPECT_EQ(run_cli("--tms 127.0.0.1 --tms-profile " + file), 2);
  EXPECT_EQ(run_cli("--tms 127.0.0.1:7700 --tms-profile " + file), 2);
  EXPECT_EQ(run_cli("--tms 127.0.0.1:7700"), 2);
  for (const char* listening : {"--wait", "--serial /dev/null", "--listen 127.0.0.1:0", "--verbose"}) {
    const std::string said = cli_says("--tms 127.0.0.1:7700 --tms-profile " + file + " " + listening);
    EXPECT_EQ(said, "tmsproto conformance: --tms takes none of --wait, --serial, --listen or --verbose\n") << listening;
  }
  std::remove(file.c_str());
}

}  // namespace
}  // namespace tmsproto::conformance
