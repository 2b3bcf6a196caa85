// The vendors' standard interfaces keep vendors apart (spec/10-tms-states.md section 10.5): every
// estate holds three vendors whose terminals share MODEL_ID and SERIAL_NO, each vendor database
// holding packages of the same names (REQ-TMS-026). A terminal is only ever offered, served and
// charged against its own vendor's database.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "codec/download_payloads.h"
#include "sim/estate.h"
#include "sim/memory_ports.h"
#include "terminal/session.h"
#include "tms/session.h"

namespace tmsproto::sim {
namespace {

struct Calls {
  std::size_t offers = 0;
  std::size_t pieces = 0;
};

std::map<std::string, Calls> calls_of(Estate& e) {
  std::map<std::string, Calls> out;
  for (const auto& [vendor_id, db] : e.vendors.vendors) out[vendor_id] = {db.offers_calls.size(), db.piece_calls.size()};
  return out;
}

// One unattended program download of `config`'s terminal against the estate's TMS, in lockstep.
struct Outcome {
  terminal::State terminal_state;
  tms::State tms_state;
  std::vector<codec::Offer> offered;
};
Outcome run(Estate& e, const terminal::Config& config, MemoryPackageStore& store) {
  MemoryKeyStore keys;
  MemoryDevice device;
  terminal::Session t(config, {e.clock, e.terminal_rng, keys, store, device});
  tms::Session s(e.tms_config, e.tms_ports());
  terminal::StartCommand command;
  command.trans = TransCode::kProgramDownload;
  Outcome o{};
  std::vector<std::pair<bool, Bytes>> queue;
  for (Bytes& b : t.start(std::move(command)).send) queue.emplace_back(true, std::move(b));
  for (std::size_t i = 0; i < queue.size() && i < 10000; ++i) {
    auto [to_tms, body] = queue[i];
    if (to_tms) {
      for (Bytes& b : s.receive(body).send) queue.emplace_back(false, std::move(b));
    } else {
      for (Bytes& b : t.receive(body).send) queue.emplace_back(true, std::move(b));
    }
  }
  o.terminal_state = t.state();
  o.tms_state = s.state();
  return o;
}

// Checks REQ-TMS-020, REQ-TMS-026, REQ-TMS-027: whichever vendor's terminal connects, in whatever
// order, only that vendor's database is called (offers once, a piece per FRAME_REQUEST), always with
// that VENDOR_ID; the audit names it and counts its pieces; what the terminal installs is its own
// vendor's package, though the other databases hold packages of the same names at higher versions.
RC_GTEST_PROP(VendorIsolation, NoTerminalIsOfferedServedOrChargedAgainstAnotherVendorsDatabase, ()) {
  EstateOptions o;
  o.profile = *rc::gen::element(Profile::kTdes, Profile::kAes128, Profile::kAes256);
  o.with_operator = false;
  o.seed = *rc::gen::inRange<std::uint64_t>(0, 1000);
  o.packages = {PackageSpec{codec::PackageKind::kApplication, "PAYAPP", 2, *rc::gen::inRange<std::size_t>(1, 2000), 256}};
  auto e = make_estate(o);
  const auto order = *rc::gen::container<std::vector<int>>(*rc::gen::inRange<std::size_t>(1, 5), rc::gen::inRange(0, 3));
  std::map<std::string, MemoryPackageStore> stores;  // each vendor's terminal keeps its own device
  for (int who : order) {
    const terminal::Config& config = who == 0 ? e->terminal_config : e->neighbours.at(static_cast<std::size_t>(who - 1)).config;
    const std::string vendor = config.id.vendor_id;
    MemoryPackageStore& store = stores[vendor];
    const bool first = store.packages.empty();
    const auto before = calls_of(*e);
    const std::size_t audits = e->audit.records.size();
    e->replay = MemoryReplayCache{};  // every session draws the same T_RAND from the shared generator stream
    const Outcome out = run(*e, config, store);
    RC_ASSERT(out.terminal_state == terminal::State::T_DONE);
    RC_ASSERT(out.tms_state == tms::State::S_DONE);
    const auto after = calls_of(*e);
    for (const auto& [db, n] : after) {
      if (db == vendor) {
        RC_ASSERT(n.offers == before.at(db).offers + 1);  // REQ-TMS-024: once
      } else {
        RC_ASSERT(n.offers == before.at(db).offers);  // REQ-TMS-026: no other database is asked ...
        RC_ASSERT(n.pieces == before.at(db).pieces);  // ... nor served from, nor charged
      }
    }
    const MemoryVendor& mine = e->vendors.vendors.at(vendor);
    for (const auto& q : mine.offers_calls) RC_ASSERT(q.vendor_id == mine.vendor_id);
    for (const auto& q : mine.piece_calls) {
      RC_ASSERT(q.vendor_id == mine.vendor_id);
      RC_ASSERT(q.manifest.vendor_id == mine.vendor_id);  // REQ-TMS-027
    }
    RC_ASSERT(e->audit.records.size() == audits + 1);
    const tms::AuditRecord& audit = e->audit.records.back();
    RC_ASSERT(audit.served_by == std::optional(vendor));
    RC_ASSERT(audit.piece_calls == after.at(vendor).pieces - before.at(vendor).pieces);
    // The first session installs the vendor's own PAYAPP; later ones find nothing newer.
    const auto& installed = store.packages.at({codec::PackageKind::kApplication, "PAYAPP"});
    RC_ASSERT(installed.content == mine.packages.at(0).content);
    RC_ASSERT(audit.offered.size() == (first ? 1u : 0u));
  }
}

// Checks REQ-TMS-027: a database that answers for another VENDOR_ID, or offers another vendor's
// manifest, gets nothing past the TMS.
TEST(VendorIsolation, AnotherVendorsCandidateIsNeverOfferedAndAForeignCallIsNotFound) {
  EstateOptions o;
  o.with_operator = false;
  auto e = make_estate(o);
  MemoryVendor& mine = e->vendors.vendors.at(e->terminal_config.id.vendor_id);
  const MemoryVendor& other = e->vendors.vendors.at("ACME0001");
  EXPECT_FALSE(mine.offers(tms::OffersQuery{"ACME0001", "POS-X1", e->terminal_config.id.serial_no, {}, {}}).ok());
  EXPECT_EQ(mine.offers(tms::OffersQuery{"ACME0001", "POS-X1", e->terminal_config.id.serial_no, {}, {}}).error(),
            tms::VendorError::kNotFound);
  mine.packages = other.packages;  // a mislabelled database: ACME0001's PAYAPP v3 in VEND0001's
  MemoryPackageStore store;
  const Outcome out = run(*e, e->terminal_config, store);
  EXPECT_EQ(out.terminal_state, terminal::State::T_DONE);
  EXPECT_TRUE(e->audit.records.back().offered.empty());
  EXPECT_TRUE(mine.piece_calls.empty());
}

}  // namespace
}  // namespace tmsproto::sim
