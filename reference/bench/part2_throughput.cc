// Part 2 of issue 13: what serving a byte costs. One package downloaded whole by 1 and by 8
// terminals at once; the server's CPU seconds per GiB (its /proc/<pid>/stat, not wall time) beside
// the frame-protection primitive alone — session::SecureChannel::seal, the same cipher and MAC
// the server seals each FRAME_RESPONSE with — in a tight loop in this process, in the same run.
#include <time.h>

#include "bench/bench_estate.h"
#include "bench/loadgen.h"
#include "bench/parts.h"
#include "bench/proc.h"
#include "bench/processes.h"
#include "crypto/random.h"
#include "session/secure_channel.h"

namespace tmsproto::bench {
namespace {

constexpr const char* kPart2 = "2 throughput per byte: one package downloaded whole (server CPU from /proc/<pid>/stat)";
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

double process_cpu_s() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// CPU seconds per GiB of payload sealed as FRAME_RESPONSEs of `chunk` octets of data.
std::optional<double> primitive_s_per_gib(Profile p, std::size_t chunk, std::size_t total) {
  crypto::OsRandom rng;
  crypto::SecretBytes dsk(p == Profile::kAes256 ? 32 : 16);
  rng.fill(dsk.mutable_view());
  codec::AuthData t{}, s{};
  auto keys = profile::derive_download_keys(p, dsk.view(), t, s);
  if (!keys.ok()) return std::nullopt;
  const codec::Identity id{kVendor, kModel, "SN100000"};
  Bytes payload(chunk + 16, 0x33);  // a piece and its FRAME_RESPONSE fields
  const double c0 = process_cpu_s();
  std::size_t done = 0;
  while (done < total) {
    // A fresh channel every 1000 pieces: TDES's volume bound (REQ-CRYPTO-026) ends a channel
    // after 8 MiB, as it ends a session.
    session::SecureChannel channel(p, profile::DownloadKeys{keys->enc.clone(), keys->mac.clone()}, id,
                                   profile::Direction::kTmsToTerminal);
    for (int i = 0; i < 1000 && done < total; ++i, done += chunk) {
      auto sealed = channel.seal(MsgType::kFrameResponse, payload);
      if (!sealed.ok()) return std::nullopt;
    }
  }
  return (process_cpu_s() - c0) / (static_cast<double>(done) / kGiB);
}

void fail_row(Report& report, const std::string& name, const std::string& why) {
  Row r;
  r.part = kPart2;
  r.name = name;
  r.note = "FAILED: " + why;
  report.rows.push_back(std::move(r));
}

void one_profile(Context& c, Profile p, std::size_t size, Report& report) {
  const std::string P = pname(p);
  constexpr std::uint16_t kChunk = 4096;
  auto estate = make_bench_estate(c.root / ("bytes-" + P), p, 8, Package{size, kChunk});
  if (!estate.ok()) return fail_row(report, P + " serve CPU s/GiB", estate.error());
  const auto primitive = primitive_s_per_gib(p, kChunk, std::max<std::size_t>(size, std::size_t{c.quick ? 4u : 16u} << 20));
  Server serve = start_serve(estate->state, c.root / ("serve-bytes-" + P + ".log"), 1024);
  if (serve.pid <= 0) return fail_row(report, P + " serve CPU s/GiB", serve.error);
  c.pinned = pin(serve.pid, c.server_cpu) && c.pinned;
  const std::string mib = format_number(static_cast<double>(size) / (1 << 20)) + " MiB";
  for (std::size_t terminals : {std::size_t{1}, std::size_t{8}}) {
    const std::string name = P + " serve CPU s/GiB, " + std::to_string(terminals) + (terminals == 1 ? " terminal" : " terminals");
    LoadOptions o;
    o.port = serve.port;
    o.in_flight = terminals;
    o.max_sessions = terminals;
    const double cpu0 = cpu_seconds_of(serve.pid).value_or(0);
    const LoadResult load = drive(estate->terminals, o);
    const double cpu1 = cpu_seconds_of(serve.pid).value_or(0);
    if (load.done != terminals) {
      fail_row(report, name, std::to_string(load.failed) + " downloads failed: " + load.first_failure);
      continue;
    }
    const double gib = static_cast<double>(size) * static_cast<double>(terminals) / kGiB;
    Row r;
    r.part = kPart2;
    r.name = name;
    r.figure = (cpu1 - cpu0) / gib;
    r.baseline_name = "seal primitive s/GiB";
    r.baseline = primitive;
    if (primitive && *primitive > 0) {
      r.ratio = *r.figure / *primitive;
      r.goal_met = *r.ratio <= 2;
    }
    r.goal = "ratio <= 2";
    r.note = std::to_string(terminals) + " x " + mib + " in pieces of " + std::to_string(kChunk) + " octets, " +
             format_number(static_cast<double>(size) * static_cast<double>(terminals) / (1 << 20) / load.wall_s) +
             " MiB/s wall (the load generator's terminals verify every piece on their own core)";
    report.rows.push_back(std::move(r));
  }
  stop(serve);
}

}  // namespace

void part2_throughput(Context& c, Report& report) {
  // AES128 with the 64 MiB; TDES with a package under its 8 MiB volume bound per session
  // (REQ-CRYPTO-026: 2^20 blocks sealed per side), so that it too is served in one session.
  one_profile(c, Profile::kAes128, c.quick ? std::size_t{2} << 20 : std::size_t{64} << 20, report);
  one_profile(c, Profile::kTdes, c.quick ? std::size_t{512} << 10 : std::size_t{7} << 20, report);
}

}  // namespace tmsproto::bench
