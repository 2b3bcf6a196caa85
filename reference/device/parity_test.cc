// The state directory and the in-memory package store of reference/sim side by side: the same
// sequences of port calls, in the orders the terminal engine makes them, give the same answers,
// and a reopened directory answers as the in-memory store still does (it never forgets).
#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <set>

#include "device/state_directory.h"
#include "device/test_device.h"
#include "session/download_math.h"
#include "sim/memory_ports.h"
#include "testing/deterministic_random.h"

namespace tmsproto::device {
namespace {

using testing::TempDir;

struct Offered {
  codec::Manifest manifest;
  terminal::ManifestId id{};
  Bytes fit;
  Bytes content;
  std::uint32_t pieces = 0;
};

Offered offered(const sim::MemoryVendor::Package& p) {
  Offered o{p.offer.manifest, crypto::sha256(codec::serialize(p.offer.manifest)), p.fit, p.content,
            session::data_piece_count(p.offer.manifest)};
  return o;
}

// REQ-DL-010, REQ-DL-052: the version an offer must exceed.
std::uint32_t floor_of(terminal::PackageStore& s, const codec::Manifest& m) {
  const std::uint32_t installed = s.installed_version(m.kind, m.name);
  return m.kind == codec::PackageKind::kMaster ? codec::master_version_floor(installed, s.master_app()) : installed;
}

void expect_same(terminal::PackageStore& a, terminal::PackageStore& b, const std::vector<Offered>& all,
                 const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(a.installed(), b.installed());
  EXPECT_EQ(a.last_apply(), b.last_apply());
  EXPECT_EQ(a.master_app(), b.master_app());
  for (const Offered& o : all) {
    EXPECT_EQ(a.installed_version(o.manifest.kind, o.manifest.name), b.installed_version(o.manifest.kind, o.manifest.name));
    EXPECT_EQ(a.staged_fit(o.id), b.staged_fit(o.id));
    for (std::uint32_t i = 0; i < o.pieces; ++i) {
      EXPECT_EQ(a.has_piece(o.id, i), b.has_piece(o.id, i));
      EXPECT_EQ(a.read_piece(o.id, i), b.read_piece(o.id, i));
    }
  }
}

// Checks REQ-DEV-007, REQ-DEV-009, REQ-DEV-010, REQ-DL-020, REQ-DL-050, REQ-DL-051: twenty random
// sequences of keep_only, stage_fit, stage_piece, discard, apply, a start of the master application
// and reopens leave the state directory answering exactly as sim::MemoryPackageStore does.
TEST(PortParity, StateDirectoryAnswersAsTheInMemoryPackageStore) {
  sim::EstateOptions o;
  o.with_operator = false;
  o.master_app = true;
  o.packages = {{codec::PackageKind::kApplication, "PAYAPP", 2, 900, 256},
                {codec::PackageKind::kParameters, "PARAMS", 2, 300, 256},
                {codec::PackageKind::kMaster, sim::kMasterApplication, 2, 600, 256}};
  auto e = sim::make_estate(o);
  std::vector<Offered> all;
  for (const auto& p : e->vendor().packages) all.push_back(offered(p));
  // Version 3 of the application: keep_only of it drops the staging of version 2 (REQ-DL-020).
  all.push_back(offered(sim::make_package(codec::PackageKind::kApplication, "PAYAPP", e->terminal_config.id, 3,
                                          Bytes(500, 0x33), 256, e->vendor_private_key.view(), e->vendor_rng)));
  crypto::DeterministicRandom rng(11);
  auto draw = [&](std::size_t n) {
    std::uint8_t b[2];
    rng.fill(b);
    return static_cast<std::size_t>((b[0] << 8) | b[1]) % n;
  };
  std::map<std::string, int> done;  // how often each call was made, so the test shows it reached them
  for (int sequence = 0; sequence < 20; ++sequence) {
    TempDir dir;
    sim::MemoryPackageStore memory;
    memory.install_master(sim::kMasterApplication, 1);
    auto d = testing::injected(*e, dir.path());
    ASSERT_TRUE(d);
    std::set<std::size_t> kept;  // offers keep_only named and nothing discarded since (the engine's order)
    for (int step = 0; step < 60; ++step) {
      // Staging a piece is the engine's most frequent call, so it is drawn most often.
      constexpr int kKinds[] = {0, 1, 2, 2, 2, 2, 3, 4, 5, 6};
      const int kind = kKinds[draw(std::size(kKinds))];
      // keep_only names any offer; the other calls, like the engine's, concern offers kept.
      std::size_t i = draw(all.size());
      if (kind >= 1 && kind <= 4 && !kept.empty()) i = *std::next(kept.begin(), static_cast<std::ptrdiff_t>(draw(kept.size())));
      const Offered& p = all[i];
      std::string op;
      switch (kind) {
        case 0:
          if (p.manifest.version <= floor_of(memory, p.manifest)) continue;  // the offer checks come first
          op = "keep_only";
          memory.keep_only(p.manifest, p.id);
          d->keep_only(p.manifest, p.id);
          std::erase_if(kept, [&](std::size_t k) { return k != i && all[k].manifest.kind == p.manifest.kind &&
                                                          all[k].manifest.name == p.manifest.name; });
          kept.insert(i);
          break;
        case 1:
          if (kept.count(i) == 0) continue;
          op = "stage_fit";
          memory.stage_fit(p.id, p.fit);
          d->stage_fit(p.id, p.fit);
          break;
        case 2: {
          if (kept.count(i) == 0 || !memory.staged_fit(p.id)) continue;  // pieces follow the FIT (REQ-DL-021)
          std::uint32_t j = 0;  // the next piece not held (REQ-DL-021), or now and then any piece again
          while (j < p.pieces && memory.has_piece(p.id, j)) ++j;
          if (j == p.pieces || draw(4) == 0) j = static_cast<std::uint32_t>(draw(p.pieces));
          op = "stage_piece " + std::to_string(j);
          const ByteView piece = ByteView(p.content).subspan(std::size_t{j} * 256,
                                                              session::piece_length(p.manifest, codec::Section::kData, j));
          memory.stage_piece(p.id, j, piece);
          d->stage_piece(p.id, j, piece);
          break;
        }
        case 3:
          op = "discard";
          memory.discard(p.id);
          d->discard(p.id);
          kept.erase(i);
          break;
        case 4: {
          // The engine applies only a package whose every piece is staged and checked (REQ-DL-030),
          // and only a version above the floor (REQ-DL-010, REQ-DL-052).
          bool complete = kept.count(i) != 0;
          for (std::uint32_t j = 0; complete && j < p.pieces; ++j) complete = memory.has_piece(p.id, j);
          if (!complete || p.manifest.version <= floor_of(memory, p.manifest)) continue;
          op = "apply";
          EXPECT_EQ(memory.apply(p.manifest, p.id).ok(), d->apply(p.manifest, p.id).ok());
          kept.erase(i);
          break;
        }
        case 5: {
          const bool comes_up = draw(2) == 0;
          op = comes_up ? "start (comes up)" : "start (falls back)";
          memory.restart(comes_up);
          ASSERT_TRUE(d->start_master(comes_up).ok());
          break;
        }
        default: {
          op = "reopen";
          d.reset();
          auto again = StateDirectory::open(dir.path());
          ASSERT_TRUE(again.ok()) << again.error();
          d = std::move(again).value();
          break;
        }
      }
      done[op.substr(0, op.find(' '))] += 1;
      expect_same(memory, *d, all, "sequence " + std::to_string(sequence) + " step " + std::to_string(step) + " " + op);
    }
  }
  for (const char* op : {"keep_only", "stage_fit", "stage_piece", "discard", "apply", "start", "reopen"}) {
    EXPECT_GE(done[op], 3) << op;
  }
}

}  // namespace
}  // namespace tmsproto::device
