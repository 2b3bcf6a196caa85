// The state directory as the terminal engine's device: real files in a temporary folder, the real
// terminal engine against the in-memory TMS, forked children for a full disk and a read-only folder.
#include "device/state_directory.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/hex.h"
#include "device/test_device.h"
#include "testing/deterministic_random.h"

namespace tmsproto::device {
namespace {

using testing::count_files;
using testing::injected;
using testing::mode_of;
using testing::run_device_session;
using testing::TempDir;

sim::EstateOptions program_download(std::vector<sim::PackageSpec> packages = {
                                        {codec::PackageKind::kApplication, "PAYAPP", 2, 2500, 512},
                                        {codec::PackageKind::kParameters, "PARAMS", 3, 700, 256}}) {
  sim::EstateOptions o;
  o.with_operator = false;
  o.master_app = false;
  o.packages = std::move(packages);
  return o;
}

sim::EstateOptions key_download() {
  sim::EstateOptions o;
  o.with_operator = true;
  o.trans = TransCode::kKeyDownload;
  o.delivered_keys = 3;
  return o;
}

std::string error_of_open(const std::filesystem::path& dir) {
  auto d = StateDirectory::open(dir);
  return d.ok() ? std::string("(opened)") : d.error();
}

// One AES key for `slot` (DeliveredKey is move-only, so no initialiser list).
std::vector<terminal::DeliveredKey> one_key(std::uint8_t slot, std::uint8_t fill) {
  std::vector<terminal::DeliveredKey> keys;
  keys.push_back(terminal::DeliveredKey{slot, 'A', crypto::SecretBytes(Bytes(16, fill))});
  return keys;
}

void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// Checks REQ-DEV-001: injected once; the opened directory runs with the injected configuration,
// and a second injection is refused with the first one kept.
TEST(StateDirectory, InjectedOnceAndASecondInjectionIsRefused) {
  auto e = sim::make_estate(program_download());
  TempDir dir;
  ASSERT_TRUE(inject(dir.path(), testing::injection_of(*e)).ok());
  EXPECT_EQ(mode_of(dir / "injection.json"), 0600u);
  auto d = StateDirectory::open(dir.path());
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ((*d)->config().id, e->terminal_config.id);
  EXPECT_TRUE(crypto::ct_equal((*d)->config().dmk.view(), e->terminal_config.dmk.view()));

  auto other = testing::injection_of(*e);
  other.config.dmk = crypto::SecretBytes(Bytes(16, 0x42));
  const auto again = inject(dir.path(), other);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("already injected"), std::string::npos);
  auto reopened = StateDirectory::open(dir.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE(crypto::ct_equal((*reopened)->config().dmk.view(), e->terminal_config.dmk.view()));
  EXPECT_NE(error_of_open(dir / "nothing").find("not a directory"), std::string::npos);
  TempDir empty;
  EXPECT_NE(error_of_open(empty.path()).find("not injected"), std::string::npos);
  // A directory holding another terminal's state without its injection file is not adopted.
  std::filesystem::create_directory(empty / "staging");
  const auto adopted = inject(empty.path(), testing::injection_of(*e));
  ASSERT_FALSE(adopted.ok());
  EXPECT_NE(adopted.error().find("inject into an empty directory"), std::string::npos);
}

// Checks REQ-DEV-011: whatever octets a state file holds, open gives a directory or one line, and
// never crashes.
TEST(StateDirectory, ArbitraryContentOfAnyStateFileNeverCrashesOpen) {
  sim::EstateOptions o = program_download();
  o.master_app = true;
  auto e = sim::make_estate(o);
  TempDir dir;
  {
    auto d = injected(*e, dir.path());
    ASSERT_TRUE(d);
    ASSERT_EQ(run_device_session(*e, *d).state, terminal::State::T_DONE);
    ASSERT_TRUE(d->install(one_key(0x01, 0x11)).ok());
  }
  const auto package = (*std::filesystem::directory_iterator(dir / "installed")).path();
  crypto::DeterministicRandom rng(7);
  for (const std::filesystem::path& file : {dir / "keys", dir / "applies", dir / "master", package}) {
    std::ifstream in(file, std::ios::binary);
    const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (int round = 0; round < 40; ++round) {
      std::string bad = good;
      std::uint8_t r[4];
      rng.fill(r);
      switch (r[0] % 3) {
        case 0: bad[r[1] % bad.size()] = static_cast<char>(r[2]); break;      // one octet changed
        case 1: bad.insert(r[1] % bad.size(), 1, static_cast<char>(r[2])); break;  // one inserted
        default: bad.resize(static_cast<std::size_t>(r[3]) % bad.size()); break;   // truncated
      }
      if (bad == good) continue;
      write_text(file, bad);
      const std::string error = error_of_open(dir.path());
      EXPECT_NE(error, "(opened)") << file << " round " << round;
      EXPECT_EQ(error.find('\n'), std::string::npos);
    }
    write_text(file, good);
  }
  EXPECT_EQ(error_of_open(dir.path()), "(opened)");
}

// Checks REQ-DEV-001, REQ-DEV-002: the injection file as the TMS side wrote it is injected from
// its path; a defective one is refused naming the file and the member, and nothing is created.
TEST(StateDirectory, InjectionFileIsInjectedFromItsPath) {
  auto e = sim::make_estate(program_download());
  TempDir dir;
  write_text(dir / "terminal.json", config::write_terminal_injection(testing::injection_of(*e)));
  ASSERT_TRUE(inject_file(dir / "state", dir / "terminal.json").ok());
  auto d = StateDirectory::open(dir / "state");
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ((*d)->config().id, e->terminal_config.id);

  write_text(dir / "bad.json", "{\"format\": 2}");
  const auto bad = inject_file(dir / "other", dir / "bad.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), (dir / "bad.json").string() + ": missing member \"notice\"");
  EXPECT_FALSE(std::filesystem::exists(dir / "other"));
  EXPECT_FALSE(inject_file(dir / "other", dir / "absent.json").ok());
}

// Checks REQ-DEV-009, REQ-DL-031: a session of the real engine installs each package into its
// file, version and content together, records the apply, and leaves no staging; a reopened
// directory says the same.
TEST(StateDirectory, SessionInstallsPackagesThatAReopenedDirectoryStillHolds) {
  auto e = sim::make_estate(program_download());
  TempDir dir;
  auto d = injected(*e, dir.path());
  ASSERT_TRUE(d);
  const auto run = run_device_session(*e, *d);
  ASSERT_EQ(run.state, terminal::State::T_DONE);
  EXPECT_EQ(run.packages_applied, 2u);
  auto again = StateDirectory::open(dir.path());
  ASSERT_TRUE(again.ok()) << again.error();
  for (const auto& p : e->vendor().packages) {
    const auto& m = p.offer.manifest;
    EXPECT_EQ((*again)->installed_version(m.kind, m.name), m.version);
    EXPECT_EQ((*again)->installed_content(m.kind, m.name), std::optional<Bytes>(p.content));
  }
  const auto applies = (*again)->last_apply();
  ASSERT_EQ(applies.size(), 2u);
  for (const auto& a : applies) EXPECT_EQ(a.result, ResponseCode::kSuccess);
  EXPECT_EQ(count_files(dir.path(), "piece-"), 0u);
  // A second session finds nothing new to fetch (REQ-DL-010: VERSION must exceed the installed one).
  EXPECT_EQ(run_device_session(*e, **again).state, terminal::State::T_DONE);
  EXPECT_EQ(count_files(dir.path(), "piece-"), 0u);
}

// Checks REQ-DEV-006, REQ-KEY-022, REQ-KEY-026: the delivered keys are stored in one file of mode
// 0600, reported by KCV after a reopen, and a repeated key download overwrites the same slots.
TEST(StateDirectory, DeliveredKeysLiveInOneOwnerOnlyFileAndARepeatOverwrites) {
  auto e = sim::make_estate(key_download());
  TempDir dir;
  auto d = injected(*e, dir.path());
  ASSERT_TRUE(d);
  ASSERT_EQ(run_device_session(*e, *d).state, terminal::State::T_DONE);
  EXPECT_EQ(mode_of(dir / "keys"), 0600u);
  const auto held = d->held();
  EXPECT_EQ(held.size(), e->key_set_keys.size());
  auto again = StateDirectory::open(dir.path());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ((*again)->held(), held);
  ASSERT_EQ(run_device_session(*e, **again).state, terminal::State::T_DONE);
  EXPECT_EQ((*again)->held().size(), held.size());  // the same slots, replaced, none added
}

// Checks REQ-DEV-011: a truncated or changed record, package file or injection file is refused at
// open with one line naming the file; nothing crashes.
TEST(StateDirectory, CorruptFilesAreRefusedAtOpenNamingTheFile) {
  sim::EstateOptions o = program_download();
  o.master_app = true;  // so that the master record exists
  auto e = sim::make_estate(o);
  TempDir dir;
  {
    auto d = injected(*e, dir.path());
    ASSERT_TRUE(d);
    ASSERT_EQ(run_device_session(*e, *d).state, terminal::State::T_DONE);
    ASSERT_TRUE(d->install(one_key(0x01, 0x11)).ok());
  }
  const auto package = *std::filesystem::directory_iterator(dir / "installed");
  for (const std::filesystem::path& file :
       {dir / "keys", dir / "applies", dir / "master", dir / "injection.json", package.path()}) {
    std::ifstream in(file, std::ios::binary);
    const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const std::string& bad : {good.substr(0, good.size() / 2), good.substr(0, good.size() - 2),
                                   std::string("garbage\n"), std::string(), good + "x"}) {
      write_text(file, bad);
      const std::string error = error_of_open(dir.path());
      EXPECT_NE(error.find(file.string()), std::string::npos) << file << ": " << error;
      EXPECT_EQ(error.find('\n'), std::string::npos);
    }
    std::string flipped = good;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
    write_text(file, flipped);
    EXPECT_NE(error_of_open(dir.path()), "(opened)") << file;
    write_text(file, good);
    ASSERT_EQ(error_of_open(dir.path()), "(opened)");
  }
}

// Checks REQ-DEV-008, REQ-DEV-014, REQ-DL-020: a staged piece gone bad is discarded at open, and the next session
// fetches that piece again and completes.
TEST(StateDirectory, RottenStagedPieceIsDiscardedAtOpenAndRefetched) {
  auto e = sim::make_estate(program_download({{codec::PackageKind::kApplication, "PAYAPP", 2, 2500, 512}}));
  TempDir dir;
  {
    // Three pieces staged through the port, as the engine stages them, then one is damaged.
    auto d = injected(*e, dir.path());
    ASSERT_TRUE(d);
    const auto& p = e->vendor().packages.at(0);
    const auto id = crypto::sha256(codec::serialize(p.offer.manifest));
    d->keep_only(p.offer.manifest, id);
    d->stage_fit(id, p.fit);
    for (std::uint32_t i = 0; i < 3; ++i) {
      d->stage_piece(id, i, ByteView(p.content).subspan(std::size_t{i} * 512, 512));
    }
    write_text(dir / "staging" / to_hex(id) / "piece-1", "not the piece");
  }
  auto d = StateDirectory::open(dir.path());
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(count_files(dir.path(), "piece-"), 2u);
  const auto& p = e->vendor().packages.at(0);
  const auto id = crypto::sha256(codec::serialize(p.offer.manifest));
  EXPECT_TRUE((*d)->has_piece(id, 0));
  EXPECT_FALSE((*d)->has_piece(id, 1));
  EXPECT_EQ((*d)->report().faults, std::vector<std::string>{std::string(kFaultStagingDiscarded)});  // REQ-DEV-014
  ASSERT_EQ(run_device_session(*e, **d).state, terminal::State::T_DONE);
  EXPECT_EQ((*d)->installed_content(codec::PackageKind::kApplication, "PAYAPP"), std::optional<Bytes>(p.content));
}

// Runs `body` in a forked child and returns its exit status (the child's assertions are its own).
template <class F>
int in_child(F body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// The child's verdict on its session: 0 when it ended as `expected` says.
int ended_with(const testing::DeviceRun& run, ResponseCode expected) {
  if (run.state != terminal::State::T_FAILED || !run.failure || run.failure->code != expected) return 1;
  return 0;
}

// A full disk, as a file-size limit: writes beyond it fail with EFBIG (SIGXFSZ ignored).
void limit_file_size(rlim_t octets) {
  ::signal(SIGXFSZ, SIG_IGN);
  const rlimit r{octets, octets};
  ::setrlimit(RLIMIT_FSIZE, &r);
}

// Checks REQ-DEV-013, REQ-DEV-014, REQ-DL-030, REQ-SEC-009: on a full disk the package cannot be written; the
// engine hears 22 and ends with SESSION_END 22, the old version stays, nothing half-written is left,
// and with room again the next session completes.
TEST(StateDirectory, FullDiskEndsTheApplyWith22AndLeavesTheOldVersion) {
  auto e = sim::make_estate(program_download({{codec::PackageKind::kApplication, "PAYAPP", 2, 2500, 512}}));
  TempDir dir;
  ASSERT_TRUE(injected(*e, dir.path()));
  const int child = in_child([&] {
    auto d = StateDirectory::open(dir.path());
    if (!d.ok()) return 2;
    limit_file_size(2000);  // pieces (512) fit, the package (2500 + header) does not
    const auto run = run_device_session(*e, **d);
    if ((*d)->last_error().find("File too large") == std::string::npos) return 3;
    const auto faults = (*d)->report().faults;  // REQ-DEV-014
    if (faults != std::vector<std::string>{std::string(kFaultWriteFailed)}) return 4;
    return ended_with(run, ResponseCode::kApplyFailed);
  });
  ASSERT_EQ(child, 0);
  auto d = StateDirectory::open(dir.path());
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ((*d)->installed_version(codec::PackageKind::kApplication, "PAYAPP"), 0u);
  ASSERT_EQ((*d)->last_apply().size(), 1u);
  EXPECT_EQ((*d)->last_apply()[0].result, ResponseCode::kApplyFailed);
  EXPECT_EQ(count_files(dir.path(), "A-"), 0u);
  EXPECT_EQ(count_files(dir.path(), "piece-"), 5u);  // every verified piece kept for the next session
  ASSERT_EQ(run_device_session(*e, **d).state, terminal::State::T_DONE);
  EXPECT_EQ((*d)->installed_version(codec::PackageKind::kApplication, "PAYAPP"), 2u);
}

// Checks REQ-DEV-006, REQ-KEY-022: keys that cannot be written are refused as a whole (ABORT 21)
// and the keys held before stay.
TEST(StateDirectory, FullDiskRefusesTheKeysWith21AndKeepsTheOldOnes) {
  auto e = sim::make_estate(key_download());
  TempDir dir;
  {
    auto d = injected(*e, dir.path());
    ASSERT_TRUE(d);
    ASSERT_TRUE(d->install(one_key(0x80, 0x11)).ok());
  }
  const int child = in_child([&] {
    auto d = StateDirectory::open(dir.path());
    if (!d.ok()) return 2;
    limit_file_size(64);
    return ended_with(run_device_session(*e, **d), ResponseCode::kKeyStorageFailed);
  });
  ASSERT_EQ(child, 0);
  auto d = StateDirectory::open(dir.path());
  ASSERT_TRUE(d.ok()) << d.error();
  ASSERT_EQ((*d)->held().size(), 1u);
  EXPECT_EQ((*d)->held()[0].slot, 0x80);
  EXPECT_EQ(count_files(dir.path(), "keys.tmp"), 0u);
}

// Makes `dir` and everything in it read-only to the child: chmod, and for root (whom permissions do
// not bind) the files handed to an unprivileged user the child then becomes.
bool make_read_only_for_child(const std::filesystem::path& dir) {
  const bool root = ::geteuid() == 0;
  std::error_code ec;
  std::vector<std::filesystem::path> all{dir};
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    all.push_back(it->path());
  }
  for (const auto& p : all) {
    if (root && ::chown(p.c_str(), 65534, 65534) != 0) return false;
    const bool folder = std::filesystem::is_directory(p);
    if (::chmod(p.c_str(), folder ? 0500 : 0400) != 0) return false;
  }
  if (root && (::setgid(65534) != 0 || ::setuid(65534) != 0)) return false;
  return true;
}

// Checks REQ-DEV-013, REQ-DEV-006, REQ-DL-030: in a read-only state directory the terminal still
// opens and talks; a package apply ends with 22 and a key delivery with ABORT 21, and nothing on
// disk changes.
TEST(StateDirectory, ReadOnlyDirectoryGives22And21AndChangesNothing) {
  auto e = sim::make_estate(program_download({{codec::PackageKind::kApplication, "PAYAPP", 2, 1000, 256}}));
  TempDir dir;
  ASSERT_TRUE(injected(*e, dir.path()));
  const int child = in_child([&] {
    if (!make_read_only_for_child(dir.path())) return 2;
    auto d = StateDirectory::open(dir.path());
    if (!d.ok()) return 3;
    const int apply = ended_with(run_device_session(*e, **d), ResponseCode::kApplyFailed);
    if (apply != 0) return 4;
    if ((*d)->volatile_pieces() != 4) return 5;  // held in memory for the session only (REQ-DEV-013)
    const auto keys = (*d)->install(one_key(0x01, 0x11));
    if (keys.ok() || keys.error() != ResponseCode::kKeyStorageFailed) return 6;
    return 0;
  });
  EXPECT_EQ(child, 0);
  if (::geteuid() == 0) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir.path(), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      (void)::chown(it->path().c_str(), 0, 0);
    }
  }
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all);
  auto d = StateDirectory::open(dir.path());
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ((*d)->installed().size(), 0u);
  EXPECT_EQ((*d)->held().size(), 0u);
  EXPECT_EQ((*d)->last_apply().size(), 0u);
  EXPECT_EQ(count_files(dir.path(), "piece-"), 0u);
}

// Checks REQ-DEV-010, REQ-DL-050, REQ-DL-051, REQ-DL-053: a KIND M package goes into slot 2 and
// waits, the running version stays what is installed, a start that comes up switches and a reopened
// directory remembers it; a later one that does not come up falls back.
TEST(StateDirectory, MasterApplicationWaitsInTheOtherSlotUntilItComesUp) {
  sim::EstateOptions o = program_download({{codec::PackageKind::kMaster, sim::kMasterApplication, 2, 1500, 512}});
  o.master_app = true;
  auto e = sim::make_estate(o);
  TempDir dir;
  auto d = injected(*e, dir.path());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->master_app(), (codec::MasterApp{1, 1, codec::SwitchState::kSettled, 0}));
  ASSERT_EQ(run_device_session(*e, *d).state, terminal::State::T_DONE);
  EXPECT_EQ(d->master_app(), (codec::MasterApp{1, 1, codec::SwitchState::kPending, 2}));
  EXPECT_EQ(d->installed_version(codec::PackageKind::kMaster, sim::kMasterApplication), 1u);
  ASSERT_TRUE(d->start_master(true).ok());
  auto again = StateDirectory::open(dir.path());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ((*again)->master_app(), (codec::MasterApp{2, 2, codec::SwitchState::kSettled, 1}));
  EXPECT_EQ((*again)->installed_content(codec::PackageKind::kMaster, sim::kMasterApplication),
            std::optional<Bytes>(e->vendor().packages.at(0).content));

  e->vendor().packages.push_back(sim::make_package(codec::PackageKind::kMaster, sim::kMasterApplication,
                                                   e->terminal_config.id, 3, Bytes(700, 0x33), 512,
                                                   e->vendor_private_key.view(), e->vendor_rng));
  e->vendor().packages.erase(e->vendor().packages.begin());
  ASSERT_EQ(run_device_session(*e, **again).state, terminal::State::T_DONE);
  EXPECT_EQ((*again)->master_app(), (codec::MasterApp{2, 2, codec::SwitchState::kPending, 3}));
  ASSERT_TRUE((*again)->start_master(false).ok());
  EXPECT_EQ((*again)->master_app(), (codec::MasterApp{2, 2, codec::SwitchState::kFellBack, 3}));
  EXPECT_EQ(count_files(dir.path(), "master-slot-"), 2u);  // v2 running, v3 kept as the failed one
}

}  // namespace
}  // namespace tmsproto::device
