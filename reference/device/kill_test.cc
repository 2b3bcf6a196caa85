// Kills at every durable step: a forked child runs a real session of the terminal engine on the
// state directory and SIGKILLs itself from the step observer just before step k; the parent reopens
// the directory and checks that each package is old or new (never a mix), the keys all old or all
// new, that no verified piece was lost, and that the next session completes. Every step of a
// session is a kill point: staging (manifest, FIT, pieces), apply (records, package files, master
// slot) and key install.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "common/hex.h"
#include "device/state_directory.h"
#include "device/test_device.h"
#include "session/download_math.h"

namespace tmsproto::device {
namespace {

using testing::count_files;
using testing::run_device_session;
using testing::TempDir;

struct Enumeration {
  std::vector<std::string> points;        // the named point of each step, in order
  std::vector<std::size_t> pieces_before;  // piece files on disk when that step was about to run
};

std::size_t temporaries(const std::filesystem::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().ends_with(kTempSuffix)) ++n;
  }
  return n;
}

void copy_dir(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

// The named points without their step ("stage-piece", "apply", ...).
std::set<std::string> kinds_of(const Enumeration& en) {
  std::set<std::string> out;
  for (const auto& p : en.points) out.insert(p.substr(0, p.find(':')));
  return out;
}

// Runs `body` with an observer that kills the child before step `k`; true if it was so killed.
template <class F>
bool killed_in(std::size_t k, F body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::size_t calls = 0;
    body(StepObserver([&calls, k](std::string_view) {
      if (calls++ == k) ::kill(::getpid(), SIGKILL);
    }));
    ::_exit(3);  // the work ended before step k: the enumeration and this run disagree
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// One session on `dir` in a child that kills itself before step `k`.
bool killed_at(sim::Estate& e, const std::filesystem::path& dir, std::size_t k) {
  return killed_in(k, [&](StepObserver observer) {
    auto d = StateDirectory::open(dir, std::move(observer));
    if (!d.ok()) ::_exit(2);
    (void)run_device_session(e, **d);
  });
}

struct Package {
  codec::PackageKind kind;
  std::string name;
  Bytes old_content;  // empty: none installed before
  Bytes new_content;
  std::uint32_t pieces = 0;
};

// Checks REQ-DEV-005, REQ-DEV-007, REQ-DEV-009, REQ-DEV-010, REQ-DEV-012, REQ-SEC-009, REQ-DL-020,
// REQ-DL-030, REQ-DL-034, REQ-DL-050: a program download of three packages (an application, a
// parameter file, the master application) over installed older versions, killed at each of its
// durable steps.
TEST(KillAtEveryStep, ProgramDownloadLeavesOldOrNewAndResumes) {
  sim::EstateOptions o;
  o.with_operator = false;
  o.master_app = true;
  o.packages = {{codec::PackageKind::kApplication, "PAYAPP", 2, 1100, 256},
                {codec::PackageKind::kParameters, "PARAMS", 2, 600, 256},
                {codec::PackageKind::kMaster, sim::kMasterApplication, 2, 700, 256}};
  auto e = sim::make_estate(o);
  std::vector<Package> packages;
  for (const auto& p : e->vendor().packages) {
    packages.push_back({p.offer.manifest.kind, p.offer.manifest.name, {}, p.content,
                        session::data_piece_count(p.offer.manifest)});
  }
  // The base: version 1 of the application and the parameter file installed, master v1 in slot 1.
  TempDir root;
  const auto base = root / "base";
  terminal::ManifestId withdrawn_id{};
  {
    auto d = testing::injected(*e, base);
    ASSERT_TRUE(d);
    const auto v2 = e->vendor().packages;
    e->vendor().packages.clear();
    for (std::size_t i = 0; i < 2; ++i) {
      packages[i].old_content = Bytes(300 + 100 * i, static_cast<std::uint8_t>(0xA0 + i));
      e->vendor().packages.push_back(sim::make_package(packages[i].kind, packages[i].name, e->terminal_config.id, 1,
                                                       packages[i].old_content, 256, e->vendor_private_key.view(),
                                                       e->vendor_rng));
    }
    ASSERT_EQ(run_device_session(*e, *d).state, terminal::State::T_DONE);
    e->vendor().packages = v2;
    // A version the vendor withdrew, half downloaded in an earlier session: the offer of version 2
    // drops its staging (REQ-DL-020), which is one more step a kill may interrupt.
    const auto withdrawn = sim::make_package(codec::PackageKind::kApplication, "PAYAPP", e->terminal_config.id, 5,
                                             Bytes(600, 0x55), 256, e->vendor_private_key.view(), e->vendor_rng);
    withdrawn_id = crypto::sha256(codec::serialize(withdrawn.offer.manifest));
    d->keep_only(withdrawn.offer.manifest, withdrawn_id);
    d->stage_fit(withdrawn_id, withdrawn.fit);
    d->stage_piece(withdrawn_id, 0, ByteView(withdrawn.content).first(256));
  }

  Enumeration en;
  {
    const auto dir = root / "enumeration";
    copy_dir(base, dir);
    auto d = StateDirectory::open(dir, [&](std::string_view point) {
      en.points.emplace_back(point);
      en.pieces_before.push_back(count_files(dir, "piece-"));
    });
    ASSERT_TRUE(d.ok()) << d.error();
    ASSERT_EQ(run_device_session(*e, **d).state, terminal::State::T_DONE);
  }
  // REQ-DEV-012: at least 50 kill points, across staging, apply and the master application's slot.
  ASSERT_GE(en.points.size(), 50u);
  RecordProperty("kill_points", static_cast<int>(en.points.size()));
  std::printf("program download: %zu kill points, %zu kinds of step\n", en.points.size(), kinds_of(en).size());
  const std::set<std::string> kinds = kinds_of(en);
  for (const char* k : {"keep-only", "stage-manifest", "stage-fit", "stage-piece", "applies", "apply", "apply-master",
                        "master", "discard"}) {
    EXPECT_EQ(kinds.count(k), 1u) << k;
  }

  for (std::size_t k = 0; k < en.points.size(); ++k) {
    SCOPED_TRACE("killed before step " + std::to_string(k) + " " + en.points[k]);
    const auto dir = root / ("k" + std::to_string(k));
    copy_dir(base, dir);
    ASSERT_TRUE(killed_at(*e, dir, k));
    std::size_t staged_now = 0;
    auto d = StateDirectory::open(dir, [&](std::string_view point) {
      if (point == "stage-piece:write") ++staged_now;
    });
    ASSERT_TRUE(d.ok()) << d.error();  // REQ-DEV-011: a kill never leaves a directory that will not open
    EXPECT_EQ(temporaries(dir), 0u);   // REQ-DEV-005: a kill's half-written copies are gone
    EXPECT_TRUE((*d)->report().faults.empty());  // REQ-DEV-014: a kill is no fault of the storage

    // REQ-SEC-009: each package old or new, its content that of its version.
    std::uint32_t pieces_needed = 0, pieces_of_new = 0;
    for (const Package& p : packages) {
      const std::uint32_t v = (*d)->installed_version(p.kind, p.name);
      const auto content = (*d)->installed_content(p.kind, p.name);
      if (p.kind == codec::PackageKind::kMaster) {
        // REQ-DL-050: v1 runs; slot 2 is either unmarked or marked with the whole new version.
        EXPECT_EQ(v, 1u);
        const auto m = (*d)->master_app();
        ASSERT_TRUE(m);
        const bool marked = m->state == codec::SwitchState::kPending;
        EXPECT_EQ(m->other_version, marked ? 2u : 0u);
        if (!marked) pieces_needed += p.pieces;
        else pieces_of_new += p.pieces;
        continue;
      }
      if (v == 2) {
        EXPECT_EQ(content, std::optional<Bytes>(p.new_content));
        pieces_of_new += p.pieces;
      } else {
        EXPECT_EQ(v, 1u);
        EXPECT_EQ(content, std::optional<Bytes>(p.old_content));
        pieces_needed += p.pieces;
      }
    }
    // REQ-DL-034, REQ-DEV-007: no piece on disk before the kill is lost, except those of a package
    // already switched to its new version (its staging is done with).
    const std::size_t on_disk = count_files(dir, "piece-");
    EXPECT_GE(on_disk + pieces_of_new, en.pieces_before[k]);
    // The withdrawn version's piece is still there when the kill came before keep_only dropped it.
    const std::size_t withdrawn_on_disk = count_files(dir / "staging" / to_hex(withdrawn_id), "piece-");

    // REQ-DL-020: the next session fetches only the pieces not held, and completes.
    ASSERT_EQ(run_device_session(*e, **d).state, terminal::State::T_DONE);
    EXPECT_EQ(staged_now + on_disk - withdrawn_on_disk, pieces_needed);
    EXPECT_EQ(count_files(dir / "staging" / to_hex(withdrawn_id), "piece-"), 0u);
    for (const Package& p : packages) {
      if (p.kind == codec::PackageKind::kMaster) {
        EXPECT_EQ((*d)->master_app(), (codec::MasterApp{1, 1, codec::SwitchState::kPending, 2}));
      } else {
        EXPECT_EQ((*d)->installed_content(p.kind, p.name), std::optional<Bytes>(p.new_content));
      }
    }
    for (const auto& a : (*d)->last_apply()) EXPECT_EQ(a.result, ResponseCode::kSuccess);
    std::filesystem::remove_all(dir);
  }
}

// Checks REQ-DEV-006, REQ-DEV-012, REQ-KEY-022, REQ-KEY-026: a key download killed at each step of
// the key install leaves the keys held before or all the new ones, and a repeat reconciles.
TEST(KillAtEveryStep, KeyInstallLeavesAllOldOrAllNewKeys) {
  sim::EstateOptions o;
  o.trans = TransCode::kKeyDownload;
  o.delivered_keys = 3;
  auto e = sim::make_estate(o);
  TempDir root;
  const auto base = root / "base";
  std::vector<codec::HeldKey> before, after;
  {
    auto d = testing::injected(*e, base);
    ASSERT_TRUE(d);
    std::vector<terminal::DeliveredKey> vendor_key;
    vendor_key.push_back({0xFE, 'A', crypto::SecretBytes(Bytes(16, 0x5A))});
    ASSERT_TRUE(d->install(vendor_key).ok());
    before = d->held();
  }
  Enumeration en;
  {
    const auto dir = root / "enumeration";
    copy_dir(base, dir);
    auto d = StateDirectory::open(dir, [&](std::string_view point) { en.points.emplace_back(point); });
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(run_device_session(*e, **d).state, terminal::State::T_DONE);
    after = (*d)->held();
  }
  ASSERT_EQ(after.size(), before.size() + 3);
  ASSERT_EQ(en.points, (std::vector<std::string>{"keys:write", "keys:fsync", "keys:rename", "keys:fsync-dir"}));
  for (std::size_t k = 0; k < en.points.size(); ++k) {
    SCOPED_TRACE("killed before " + en.points[k]);
    const auto dir = root / ("k" + std::to_string(k));
    copy_dir(base, dir);
    ASSERT_TRUE(killed_at(*e, dir, k));
    auto d = StateDirectory::open(dir);
    ASSERT_TRUE(d.ok()) << d.error();
    const auto held = (*d)->held();
    EXPECT_TRUE(held == before || held == after);  // REQ-KEY-022: all or none
    EXPECT_EQ(temporaries(dir), 0u);
    ASSERT_EQ(run_device_session(*e, **d).state, terminal::State::T_DONE);  // REQ-KEY-026
    EXPECT_EQ((*d)->held(), after);
  }
}

// Checks REQ-DEV-001, REQ-DEV-005, REQ-DEV-010, REQ-DEV-012, REQ-DL-051: an injection killed at any
// step leaves a directory that is either injected or may be injected again; a start of the master
// application killed at any step leaves it pending or switched, and a start after that settles it.
TEST(KillAtEveryStep, InjectionAndMasterStartAreAtomic) {
  sim::EstateOptions o;
  o.with_operator = false;
  o.master_app = true;
  o.packages = {{codec::PackageKind::kMaster, sim::kMasterApplication, 2, 700, 256}};
  auto e = sim::make_estate(o);
  TempDir root;
  std::vector<std::string> points;
  ASSERT_TRUE(inject(root / "enumeration", testing::injection_of(*e),
                     [&](std::string_view p) { points.emplace_back(p); }).ok());
  ASSERT_GE(points.size(), 4u);
  for (std::size_t k = 0; k < points.size(); ++k) {
    SCOPED_TRACE("injection killed before " + points[k]);
    const auto dir = root / ("inject" + std::to_string(k));
    ASSERT_TRUE(killed_in(k, [&](StepObserver observer) { (void)inject(dir, testing::injection_of(*e), observer); }));
    auto d = StateDirectory::open(dir);
    if (!d.ok()) {
      EXPECT_TRUE(d.error().find("not injected") != std::string::npos ||
                  d.error().find("not a directory") != std::string::npos)
          << d.error();
      ASSERT_TRUE(inject(dir, testing::injection_of(*e)).ok());  // injected afresh
      d = StateDirectory::open(dir);
    }
    ASSERT_TRUE(d.ok()) << d.error();
    EXPECT_EQ((*d)->master_app(), (codec::MasterApp{1, 1, codec::SwitchState::kSettled, 0}));
  }

  const auto base = root / "base";
  {
    auto d = testing::injected(*e, base);
    ASSERT_TRUE(d);
    ASSERT_EQ(run_device_session(*e, *d).state, terminal::State::T_DONE);
    ASSERT_EQ(d->master_app(), (codec::MasterApp{1, 1, codec::SwitchState::kPending, 2}));
  }
  points.clear();
  {
    copy_dir(base, root / "start");
    auto d = StateDirectory::open(root / "start", [&](std::string_view p) { points.emplace_back(p); });
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE((*d)->start_master(true).ok());
  }
  ASSERT_EQ(points.size(), 4u);
  for (std::size_t k = 0; k < points.size(); ++k) {
    SCOPED_TRACE("start killed before " + points[k]);
    const auto dir = root / ("start" + std::to_string(k));
    copy_dir(base, dir);
    ASSERT_TRUE(killed_in(k, [&](StepObserver observer) {
      auto d = StateDirectory::open(dir, std::move(observer));
      if (d.ok()) (void)(*d)->start_master(true);
    }));
    auto d = StateDirectory::open(dir);
    ASSERT_TRUE(d.ok()) << d.error();
    const auto m = (*d)->master_app();
    EXPECT_TRUE(m == (codec::MasterApp{1, 1, codec::SwitchState::kPending, 2}) ||
                m == (codec::MasterApp{2, 2, codec::SwitchState::kSettled, 1}));
    ASSERT_TRUE((*d)->start_master(true).ok());
    EXPECT_EQ((*d)->master_app(), (codec::MasterApp{2, 2, codec::SwitchState::kSettled, 1}));
    EXPECT_EQ((*d)->installed_content(codec::PackageKind::kMaster, sim::kMasterApplication),
              std::optional<Bytes>(e->vendor().packages.at(0).content));
  }
}

}  // namespace
}  // namespace tmsproto::device
