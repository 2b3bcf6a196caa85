// An estate larger than one machine, as it is deployed (issue 14): PostgreSQL (Debian's server,
// started for the test) holding the TMS's store and the vendor's database (spec/17 17.7), three
// `tmsproto serve` instances on it, HAProxy (Debian's) in TCP mode in
// front of them, and 200 reference terminals as separate processes running a key download and a
// program download through HAProxy, while one instance is killed with SIGKILL mid-run and
// restarted. Real processes, sockets, database and load balancer throughout; nothing is simulated.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "app/child.h"
#include "app/terminal_state_test_support.h"
#include "app/wire_test_support.h"
#include "codec/abort_message.h"
#include "common/hex.h"
#include "crypto/digest.h"
#include "device/state_directory.h"
#include "store/pg_db.h"
#include "testing/postgres_server.h"

namespace tmsproto::app {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kTerminals = 200;
constexpr int kInstances = 3;
constexpr int kInFlight = 12;              // terminal processes at once
constexpr std::size_t kPackage = 192 * 1024;  // 192 pieces of 1024 octets
constexpr int kPiece = 1024;
constexpr int kSessionSeconds = 12;        // T_SESSION, and so the lease of a killed instance's session
enum Exit { kDone = 0, kRefused = 3, kLost = 5 };  // `terminal run`'s exits (REQ-SRV-007)

const char* exe() { return TMSPROTO_EXE; }

// A loopback port nobody listens on now (bound, read and released: the kernel gives it out again
// only after the rest of its ephemeral range, so the next bind by a child finds it free).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

bool listening(int port) {
  const int fd = connect_loopback(port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// How many lines of `file` contain `needle`.
int count_lines(const fs::path& file, const std::string& needle) {
  std::ifstream in(file);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

std::size_t staged(const fs::path& state) { return staged_pieces(state); }

// "… N octets in …" of a run that ended done (terminal_commands.cc); 0 when absent.
std::uint64_t octets_in(const fs::path& output) {
  const std::string text = read_all(output);
  const auto at = text.rfind(" octets in");
  if (at == std::string::npos) return 0;
  auto start = text.rfind(' ', at - 1);
  return std::strtoull(text.c_str() + start + 1, nullptr, 10);
}

class EstateOnPostgresql : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tmsproto-estate.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root = tmpl;
    ASSERT_TRUE(fs::exists("/usr/sbin/haproxy")) << "HAProxy is missing: scripts/setup installs Debian's haproxy";
    pg = std::make_unique<testing::PostgresServer>("-c max_connections=100");
    ASSERT_TRUE(pg->ok()) << pg->error();
    auto admin = store::PgConn::connect(pg->url());
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    ASSERT_TRUE(admin->exec("CREATE DATABASE estate").ok());
    // The vendor's own database on the same server (spec/17 17.7), as an estate on PostgreSQL may keep it.
    ASSERT_TRUE(admin->exec("CREATE DATABASE acme_vendor").ok());
    url = pg->url("estate");
    vendor_url = pg->url("acme_vendor");
    key = (root / "storage.key").string();
  }
  void TearDown() override {
    for (auto& s : serves) stop(s, SIGTERM);
    stop(haproxy, SIGTERM);
    pg.reset();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(root, ec);
  }

  std::string path(const std::string& name) const { return (root / name).string(); }
  std::vector<std::string> with_store(std::vector<std::string> args) const {
    args.insert(args.end(), {"--store", url, "--storage-key", key});
    return args;
  }
  int run(const std::vector<std::string>& args, const fs::path& out = {}) {
    Child c = spawn(exe(), args, out.empty() ? root / "out.log" : out, {{"TMSPROTO_PASSWORD", "correct horse"}});
    return wait_for(c);
  }
  static void stop(Child& c, int signal) {
    if (c.pid <= 0) return;
    ::kill(c.pid, signal);
    (void)wait_for(c);
    c.pid = -1;
  }

  void start_serve(int i) {
    const fs::path log = root / ("serve-" + std::to_string(i) + "-" + std::to_string(++starts[i]) + ".log");
    logs[i].push_back(log);
    serves[i] = spawn(exe(),
                      with_store({"serve", "--listen", "127.0.0.1:" + std::to_string(ports[i]), "--log", log.string(),
                                  "--grace", "1", "--session-timeout", std::to_string(kSessionSeconds)}),
                      root / "serve.out");
    for (int n = 0; n < 1000 && count_lines(log, "listening") == 0; ++n) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(count_lines(log, "listening"), 1) << "serve " << i << " did not start: " << read_all(root / "serve.out");
  }

  // HAProxy in TCP mode, round robin over the three instances. No active health check: a TCP
  // check is a connection, and an instance answers a connection that closes unused as a session
  // lost (an audit record each); a connection refused by a dead instance is redispatched instead.
  void start_haproxy() {
    front = free_port();
    const int ready = free_port();
    std::ofstream cfg(path("haproxy.cfg"));
    cfg << "global\n  maxconn 2048\n"
        << "defaults\n  mode tcp\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n"
        << "  retries 3\n  option redispatch 1\n"
        << "frontend tms\n  bind 127.0.0.1:" << front << "\n  default_backend serves\n"
        // A frontend that only tells the test HAProxy is up: it closes each connection at once and
        // never reaches an instance (a probe through `tms` would be a session, and an audit record).
        << "frontend ready\n  bind 127.0.0.1:" << ready << "\n  tcp-request connection reject\n"
        << "backend serves\n  balance roundrobin\n";
    for (int i = 0; i < kInstances; ++i) cfg << "  server s" << i << " 127.0.0.1:" << ports[i] << "\n";
    cfg.close();
    haproxy = spawn("/usr/sbin/haproxy", {"-db", "-f", path("haproxy.cfg")}, root / "haproxy.out");
    bool up = false;
    for (int n = 0; n < 500 && !(up = listening(ready)); ++n) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(up) << read_all(root / "haproxy.out");
  }

  // Runs `jobs` `terminal run` processes, kInFlight at a time; `started(n)` after the n-th starts.
  // Each job's exit status, in order.
  std::vector<int> run_all(const std::vector<std::vector<std::string>>& jobs, const std::vector<fs::path>& outputs,
                           const std::function<void(std::size_t)>& started = {}) {
    std::vector<int> status(jobs.size(), -1);
    std::map<std::size_t, Child> running;
    std::size_t next = 0;
    while (next < jobs.size() || !running.empty()) {
      while (next < jobs.size() && running.size() < static_cast<std::size_t>(kInFlight)) {
        running[next] = spawn(exe(), jobs[next], outputs[next], {{"TMSPROTO_PASSWORD", "correct horse"}});
        ++next;
        if (started) started(next);
      }
      for (auto it = running.begin(); it != running.end();) {
        int s = 0;
        if (ended(it->second, s)) {
          status[it->first] = s;
          it = running.erase(it);
        } else {
          ++it;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return status;
  }

  std::vector<std::string> terminal_run(int t, std::vector<std::string> extra = {}) const {
    std::vector<std::string> a{"terminal", "run", "--state", states[static_cast<std::size_t>(t)], "--connect",
                               "127.0.0.1:" + std::to_string(front)};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  fs::path root;
  std::unique_ptr<testing::PostgresServer> pg;
  std::string url, key, vendor_url;
  int ports[kInstances] = {};
  int starts[kInstances] = {};
  std::vector<fs::path> logs[kInstances];
  Child serves[kInstances];
  Child haproxy;
  int front = 0;
  std::vector<std::string> states;
};

TEST_F(EstateOnPostgresql, TwoHundredTerminalsThroughHaproxySurviveAnInstanceKilledMidRun) {
  // Provisioning, on the shared database, by the operator's commands (REQ-STORE-016, REQ-STORE-022).
  ASSERT_EQ(run({"vendor", "keygen", "--out", path("acme.key"), "--public-out", path("acme.pub")}), 0);
  ASSERT_EQ(run(with_store({"tms", "init"})), 0) << read_all(root / "out.log");
  ASSERT_EQ(run(with_store({"tms", "add-vendor", "--vendor", "ACME0001", "--public-key", path("acme.pub"), "--adapter",
                            vendor_url})),
            0) << read_all(root / "out.log");
  ASSERT_EQ(run(with_store({"tms", "add-model", "--vendor", "ACME0001", "--model", "POS-1"})), 0);
  ASSERT_EQ(run(with_store({"tms", "add-operator", "--vendor", "ACME0001", "--operator", "OP01", "--iterations", "100000"})), 0);
  std::ofstream(path("keys.json")) << "{ \"format\": 1, \"keySetId\": \"TMK00001\", \"slots\": [ { \"slot\": \"TMK\", "
                                      "\"algorithm\": \"A\", \"length\": 16 } ] }";
  {
    std::vector<std::vector<std::string>> add;
    std::vector<fs::path> outs;
    for (int t = 0; t < kTerminals; ++t) {
      const std::string serial = "SN-" + std::to_string(t);
      add.push_back(with_store({"tms", "add-terminal", "--vendor", "ACME0001", "--model", "POS-1", "--serial", serial,
                                "--unattended", "--key-set", path("keys.json"), "--injection-out", path(serial + ".json")}));
      outs.push_back(root / "provision.log");
    }
    for (int s : run_all(add, outs)) ASSERT_EQ(s, 0) << read_all(root / "provision.log");
    std::vector<std::vector<std::string>> inject;
    for (int t = 0; t < kTerminals; ++t) {
      states.push_back(path("term-" + std::to_string(t)));
      inject.push_back({"terminal", "inject", "--state", states.back(), "--file", path("SN-" + std::to_string(t) + ".json")});
    }
    for (int s : run_all(inject, outs)) ASSERT_EQ(s, 0) << read_all(root / "provision.log");
  }
  Bytes content(kPackage);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>((i * 131 + 7) & 0xFF);
  std::ofstream(path("app-v2"), std::ios::binary).write(reinterpret_cast<const char*>(content.data()),
                                                        static_cast<std::streamsize>(content.size()));
  ASSERT_EQ(run({"vendor", "sign", "--key", path("acme.key"), "--kind", "A", "--name", "PAYAPP", "--vendor", "ACME0001",
                 "--model", "POS-1", "--version", "2", "--content", path("app-v2"), "--chunk", std::to_string(kPiece),
                 "--to", vendor_url}),
            0) << read_all(root / "out.log");

  for (int i = 0; i < kInstances; ++i) ports[i] = free_port();
  for (int i = 0; i < kInstances; ++i) ASSERT_NO_FATAL_FAILURE(start_serve(i));
  ASSERT_NO_FATAL_FAILURE(start_haproxy());

  // Key download for every terminal, attended by OP01 (REQ-OPR-004), through HAProxy.
  std::vector<std::vector<std::string>> jobs;
  std::vector<fs::path> outs;
  for (int t = 0; t < kTerminals; ++t) {
    jobs.push_back(terminal_run(t, {"--transaction", "key", "--key-set", "TMK00001", "--operator", "OP01",
                                    "--password-env", "TMSPROTO_PASSWORD"}));
    outs.push_back(root / ("key-" + std::to_string(t) + ".out"));
  }
  std::size_t sessions = 0;  // terminal sessions that reached an instance
  const auto key_status = run_all(jobs, outs);
  for (int t = 0; t < kTerminals; ++t) {
    EXPECT_EQ(key_status[static_cast<std::size_t>(t)], kDone) << read_all(outs[static_cast<std::size_t>(t)]);
  }
  sessions += jobs.size();

  // Program download for every terminal; instance 1 is killed when a quarter of the terminals have
  // started, and restarted a second later on the same port.
  jobs.clear();
  outs.clear();
  for (int t = 0; t < kTerminals; ++t) {
    jobs.push_back(terminal_run(t));
    outs.push_back(root / ("program-" + std::to_string(t) + ".out"));
  }
  Clock::time_point killed_at{};
  const auto status = run_all(jobs, outs, [&](std::size_t n) {
    if (n == kTerminals / 4) {
      // Sessions in flight on every instance, and downloads part-way: wait until one of the
      // terminals started last holds a sixth of the package (at most 3 s).
      const auto until = Clock::now() + std::chrono::seconds(3);
      for (bool part_way = false; !part_way && Clock::now() < until;) {
        for (std::size_t t = n - kInFlight; t < n && !part_way; ++t) part_way = staged(states[t]) >= kPackage / kPiece / 6;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      ::kill(serves[1].pid, SIGKILL);
      EXPECT_EQ(wait_for(serves[1]), 128 + SIGKILL);
      serves[1].pid = -1;
      killed_at = Clock::now();
    }
    if (killed_at != Clock::time_point{} && serves[1].pid < 0 && Clock::now() - killed_at > std::chrono::seconds(1)) {
      start_serve(1);
    }
  });
  if (serves[1].pid < 0) {
    ASSERT_NO_FATAL_FAILURE(start_serve(1));
  }
  sessions += jobs.size();

  // Every terminal cut off runs again, and is served at once: the leases of its cut session
  // (REQ-SRV-011) ended when instance 1 restarted under its name (REQ-SRV-012), not T_SESSION later.
  std::map<int, std::size_t> cut;  // terminal -> pieces staged when its session was cut
  for (int t = 0; t < kTerminals; ++t) {
    const int s = status[static_cast<std::size_t>(t)];
    if (s == kDone) continue;
    ASSERT_EQ(s, kLost) << "terminal " << t << ": " << read_all(outs[static_cast<std::size_t>(t)]);
    cut[t] = staged(states[static_cast<std::size_t>(t)]);
  }
  EXPECT_FALSE(cut.empty()) << "the kill cut no session: the test did not test a cut";
  std::map<int, fs::path> resumed_out;
  std::set<int> applied_before_cut;  // the cut came after the apply, before SESSION_END's answer
  for (auto& [t, pieces] : cut) {
    const fs::path out = root / ("retry-" + std::to_string(t) + ".out");
    const int s = run(terminal_run(t), out);
    ++sessions;
    ASSERT_EQ(s, kDone) << "terminal " << t << " (24: a lease outlived its instance's restart): " << read_all(out);
    resumed_out[t] = out;
    if (read_all(out).find(" 0 package(s) applied") != std::string::npos) applied_before_cut.insert(t);
  }
  // What the restarted instance released: at most one lease per cut session (one cut before its
  // HS_REQUEST was answered held none), and at least one, since a download was cut part-way.
  ASSERT_EQ(logs[1].size(), 2u);
  const std::string restarted = read_all(logs[1][1]);
  const auto at = restarted.find("\"count\":");
  ASSERT_NE(at, std::string::npos) << "no leases-released event: " << restarted;
  const long released = std::atol(restarted.c_str() + at + 8);

  // Every terminal: the new version, byte for byte, nothing left staged (REQ-DL-020, REQ-DL-030).
  for (int t = 0; t < kTerminals; ++t) {
    auto dir = device::StateDirectory::open(states[static_cast<std::size_t>(t)]);
    ASSERT_TRUE(dir.ok()) << dir.error();
    const auto installed = (*dir)->installed_content(codec::PackageKind::kApplication, "PAYAPP");
    ASSERT_TRUE(installed.has_value()) << "terminal " << t;
    EXPECT_EQ(crypto::sha256(*installed), crypto::sha256(content)) << "terminal " << t;
    EXPECT_EQ(staged(states[static_cast<std::size_t>(t)]), 0u) << "terminal " << t;
  }

  // Resumed from the recorded progress: a resumed session received what an uncut one did, less the
  // pieces already staged (each piece's share of an uncut session's octets), give or take a piece
  // (the one in flight at the cut) and the handshake's share.
  std::uint64_t whole = 0;
  for (int t = 0; t < kTerminals && whole == 0; ++t) {
    if (!cut.count(t)) whole = octets_in(outs[static_cast<std::size_t>(t)]);
  }
  ASSERT_GT(whole, kPackage);
  std::int64_t resent = 0;
  std::size_t pieces_kept = 0;
  const std::int64_t pieces_total = static_cast<std::int64_t>(kPackage / kPiece);
  const std::int64_t per_piece = static_cast<std::int64_t>(whole) / pieces_total;
  std::size_t resumed = 0;
  for (auto& [t, pieces] : cut) {
    if (applied_before_cut.count(t)) continue;
    const auto got = static_cast<std::int64_t>(octets_in(resumed_out[t]));
    const std::int64_t expected = static_cast<std::int64_t>(whole) * (pieces_total - static_cast<std::int64_t>(pieces)) / pieces_total;
    ++resumed;
    resent += got - expected;
    pieces_kept += pieces;
    EXPECT_LE(got, expected + 2 * per_piece)
        << "terminal " << t << " had " << pieces << " pieces staged and received " << got << " of " << whole;
  }
  EXPECT_GE(resumed, 1u) << "the kill cut no download part-way: resuming was not tested";
  EXPECT_GE(released, 1) << "a session cut part-way held a lease";
  EXPECT_LE(released, static_cast<long>(cut.size()));
  std::printf("estate: %zu sessions cut by the kill (%zu after their apply); %zu resumed with %zu pieces kept across "
              "the cut, %lld octets received beyond what they lacked (about %lld per piece); %ld leases of the "
              "killed run released by its restart\n",
              cut.size(), applied_before_cut.size(), resumed, pieces_kept, static_cast<long long>(resent),
              static_cast<long long>(per_piece), released);

  // A T_RAND accepted by one instance is refused by every other (REQ-STORE-018, REQ-HS-013): an
  // HS_REQUEST recorded on the way to instance 0 is replayed to each instance directly.
  Relay relay(ports[0]);
  ASSERT_NE(relay.port(), 0);
  EXPECT_EQ(run({"terminal", "run", "--state", states[0], "--connect", "127.0.0.1:" + std::to_string(relay.port())}), kDone);
  ++sessions;
  const Bytes sent = relay.from_terminal();
  ASSERT_GE(sent.size(), 2u);
  const std::size_t first = 2 + (std::size_t{sent[0]} << 8 | sent[1]);  // REQ-FRAME-002
  ASSERT_GE(sent.size(), first);
  for (int i = 0; i < kInstances; ++i) {
    const int fd = connect_loopback(ports[i]);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, sent.data(), first), static_cast<ssize_t>(first));
    std::uint8_t len[2];
    ASSERT_TRUE(read_exactly(fd, len, 2)) << "instance " << i;
    Bytes body(std::size_t{len[0]} << 8 | len[1]);
    ASSERT_TRUE(read_exactly(fd, body.data(), body.size()));
    ::close(fd);
    ++sessions;
    const auto abort = codec::parse_abort(body);
    ASSERT_TRUE(abort.ok()) << "instance " << i << " answered a replay with " << to_hex(body);
    EXPECT_EQ(abort->code, ResponseCode::kReplay) << "instance " << i;
  }

  // The audit log: every session that ended on a live instance has its record, in one log for the
  // estate; the sessions the kill cut on instance 1 may lack theirs (the instance died before it
  // wrote it), and nothing else may. The order of appending is strictly increasing.
  for (auto& s : serves) stop(s, SIGTERM);
  int accepted = 0, ended_logged = 0, killed_in_flight = 0;
  for (int i = 0; i < kInstances; ++i) {
    for (std::size_t k = 0; k < logs[i].size(); ++k) {
      const int a = count_lines(logs[i][k], "\"event\":\"accepted\"");
      const int e = count_lines(logs[i][k], "\"event\":\"session\"");
      accepted += a;
      ended_logged += e;
      if (i == 1 && k == 0) {
        killed_in_flight = a - e;
      } else {
        EXPECT_EQ(a, e) << logs[i][k] << ": an instance that was not killed ended every session it accepted";
      }
    }
  }
  EXPECT_EQ(static_cast<std::size_t>(accepted), sessions) << "every terminal session reached one instance";
  auto db = store::PgConn::connect(url);
  ASSERT_TRUE(db.ok());
  auto records = db->exec("SELECT seq FROM audit ORDER BY seq");
  ASSERT_TRUE(records.ok());
  EXPECT_GE(records->size(), ended_logged);
  EXPECT_LE(records->size(), ended_logged + killed_in_flight);
  for (int i = 1; i < records->size(); ++i) EXPECT_LT(*records->integer(i - 1, 0), *records->integer(i, 0));
  // Exactly one delivered key set and one completed program download per terminal, whichever
  // instances served them.
  auto done = db->exec(
      "SELECT serial_no, trans, count(*) FROM audit WHERE outcome = 0 AND terminal_result = 0 GROUP BY serial_no, trans");
  ASSERT_TRUE(done.ok());
  std::map<std::pair<std::string, int>, std::int64_t> per;
  for (int i = 0; i < done->size(); ++i) per[{*done->text(i, 0), static_cast<int>(*done->integer(i, 1))}] = *done->integer(i, 2);
  for (int t = 0; t < kTerminals; ++t) {
    const std::string serial = "SN-" + std::to_string(t);
    EXPECT_EQ((per[{serial, 1}]), 1) << serial << ": key download";
    EXPECT_EQ((per[{serial, 2}]), t == 0 ? 2 : 1) << serial << ": program download (SN-0 ran once more for the replay)";
  }
  std::printf("estate: %zu sessions, %d records in the audit log, %d sessions in flight on the killed instance\n", sessions,
              records->size(), killed_in_flight);
}

}  // namespace
}  // namespace tmsproto::app
