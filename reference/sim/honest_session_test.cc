// Honest terminal + honest TMS: every generated estate completes, and the terminal ends with
// exactly the package bytes and exactly the key set (issue: the sans-I/O core).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "crypto/secret.h"
#include "sim/loopback.h"

namespace tmsproto::sim {
namespace {

rc::Gen<PackageSpec> gen_package(codec::PackageKind kind, std::string name) {
  return rc::gen::build<PackageSpec>(
      rc::gen::set(&PackageSpec::kind, rc::gen::just(kind)), rc::gen::set(&PackageSpec::name, rc::gen::just(name)),
      rc::gen::set(&PackageSpec::version, rc::gen::inRange<std::uint32_t>(1, 100)),
      rc::gen::set(&PackageSpec::length, rc::gen::inRange<std::size_t>(1, 20000)),
      rc::gen::set(&PackageSpec::chunk_size, rc::gen::element<std::uint16_t>(256, 512, 1024, 2048, 4096)));
}

rc::Gen<EstateOptions> gen_any_options();

// REQ-CRYPTO-025: LEGACY draws run as unattended program downloads.
rc::Gen<EstateOptions> gen_options() { return rc::gen::map(gen_any_options(), runnable); }

rc::Gen<EstateOptions> gen_any_options() {
  return rc::gen::build<EstateOptions>(
      rc::gen::set(&EstateOptions::profile,
                   rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256)),
      rc::gen::set(&EstateOptions::trans, rc::gen::element(TransCode::kKeyDownload, TransCode::kProgramDownload)),
      rc::gen::set(&EstateOptions::with_operator, rc::gen::arbitrary<bool>()),
      rc::gen::set(&EstateOptions::packages,
                   rc::gen::mapcat(rc::gen::inRange(0, 4), [](int n) {
                     std::vector<rc::Gen<PackageSpec>> gens;
                     const codec::PackageKind kinds[] = {codec::PackageKind::kApplication,
                                                         codec::PackageKind::kParameters,
                                                         codec::PackageKind::kDataFile};
                     for (int i = 0; i < n; ++i) gens.push_back(gen_package(kinds[i], "PKG" + std::to_string(i)));
                     return rc::gen::exec([gens] {
                       std::vector<PackageSpec> out;
                       for (const auto& g : gens) out.push_back(*g);
                       return out;
                     });
                   })),
      rc::gen::set(&EstateOptions::delivered_keys, rc::gen::inRange<std::size_t>(1, 4)),  // REQ-MSG-060
      rc::gen::set(&EstateOptions::seed, rc::gen::arbitrary<std::uint64_t>()));
}

// Checks REQ-HS-003, REQ-KEY-011, REQ-KEY-012, REQ-TERM-001, REQ-TMS-001.
RC_GTEST_PROP(HonestSession, AlwaysCompletesWithExactlyThePackagesAndKeys, ()) {
  EstateOptions options = *gen_options();
  // A key download needs an operator (REQ-OPR-005).
  if (options.trans == TransCode::kKeyDownload) options.with_operator = true;
  auto estate = make_estate(options);
  const RunResult r = run_session(*estate);
  RC_ASSERT(r.terminal_state == terminal::State::T_DONE);
  RC_ASSERT(r.tms_state == tms::State::S_DONE);
  if (options.trans == TransCode::kProgramDownload) {
    for (const auto& p : estate->vendor().packages) {
      const auto& m = p.offer.manifest;
      const auto& installed = estate->package_store.packages.at({m.kind, m.name});
      RC_ASSERT(installed.version == m.version);
      RC_ASSERT(installed.content == p.content);
    }
    RC_ASSERT(r.packages_applied == options.packages.size());
  } else {
    RC_ASSERT(r.keys_installed);
    const auto& slots = estate->key_set();
    for (std::size_t i = 0; i < slots.size(); ++i) {
      RC_ASSERT(crypto::ct_equal(estate->key_store.slots.at(slots[i].slot).view(), estate->key_set_keys[i].view()));
    }
  }
  RC_ASSERT(estate->audit.records.size() == 1u);
  RC_ASSERT(estate->audit.records[0].outcome == std::optional<ResponseCode>(ResponseCode::kSuccess));
}

TEST(HonestSession, NothingNewerMeansAnImmediateSuccessfulEnd) {
  EstateOptions options;
  options.packages = {};
  auto estate = make_estate(options);
  const RunResult r = run_session(*estate);
  EXPECT_EQ(r.terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(r.frames_served, 0u);
  // HS_REQUEST, HS_AUTH_REQUEST, HS_AUTH_ANSWER, KEY_MESSAGE, TERM_INFO (REQ-DL-040), PKG_ANNOUNCE,
  // PKG_CONFIRM, SESSION_END, SESSION_END_ACK (REQ-DL-033).
  EXPECT_EQ(r.messages.size(), 9u);
}

TEST(HonestSession, ASecondRunOffersNothingBecauseTheVersionIsInstalled) {
  auto estate = make_estate(EstateOptions{});
  ASSERT_EQ(run_session(*estate).terminal_state, terminal::State::T_DONE);
  const RunResult again = run_session(*estate);
  EXPECT_EQ(again.terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(again.frames_served, 0u);  // REQ-DL-011, REQ-SEC-007
}

bool contains(ByteView haystack, ByteView needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

// Checks REQ-KEY-002, REQ-KEY-004, REQ-SEC-002.
TEST(HonestSession, NoKeyEverTravelsInClear) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    for (TransCode trans : {TransCode::kKeyDownload, TransCode::kProgramDownload}) {
      EstateOptions options;
      options.profile = p;
      options.trans = trans;
      if (runnable(options).trans != trans) continue;  // LEGACY key download: REQ-CRYPTO-025
      auto estate = make_estate(options);
      const RunResult r = run_session(*estate);
      ASSERT_EQ(r.terminal_state, terminal::State::T_DONE) << name(p);
      for (const Delivered& m : r.messages) {
        EXPECT_FALSE(contains(m.body, estate->terminal_config.dmk.view())) << name(p);
        for (const auto& k : estate->key_set_keys) EXPECT_FALSE(contains(m.body, k.view())) << name(p);
      }
    }
  }
}

// Checks REQ-KEY-024: both engines release every session key when the session ends, however it
// ends.
TEST(HonestSession, SessionKeysAreReleasedWhenTheSessionEnds) {
  for (std::size_t cut_after : {std::size_t{1}, std::size_t{3}, std::size_t{5}, std::size_t{1000}}) {
    auto estate = make_estate(EstateOptions{});
    terminal::Session term(estate->terminal_config, estate->terminal_ports());
    tms::Session server(estate->tms_config, estate->tms_ports());
    std::vector<std::pair<bool, Bytes>> queue;
    for (auto& b : term.start(estate->command()).send) queue.emplace_back(true, std::move(b));
    std::size_t delivered = 0;
    while (!queue.empty() && delivered < cut_after) {
      auto [from_terminal, body] = std::move(queue.front());
      queue.erase(queue.begin());
      ++delivered;
      auto out = from_terminal ? server.receive(body) : term.receive(body);
      for (auto& b : out.send) queue.emplace_back(!from_terminal, std::move(b));
    }
    if (delivered == cut_after) {
      term.connection_lost();
      server.connection_lost();
    }
    EXPECT_FALSE(term.holds_session_keys()) << cut_after;
    EXPECT_FALSE(server.holds_session_keys()) << cut_after;
  }
}

// Checks REQ-KEY-026, REQ-KEY-023: a key download repeated after the first completed replaces the
// same slots with the same keys, and the TMS records each confirmed delivery.
TEST(HonestSession, RepeatedKeyDownloadReplacesTheSameSlots) {
  EstateOptions options;
  options.trans = TransCode::kKeyDownload;
  auto estate = make_estate(options);
  ASSERT_EQ(run_session(*estate).terminal_state, terminal::State::T_DONE);
  ASSERT_EQ(run_session(*estate).terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(estate->key_store.slots.size(), estate->key_set().size());
  const auto& slots = estate->key_set();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    EXPECT_TRUE(crypto::ct_equal(estate->key_store.slots.at(slots[i].slot).view(), estate->key_set_keys[i].view()));
  }
  const auto& id = estate->terminal_config.id;
  EXPECT_EQ(estate->registry.terminals.at({id.vendor_id, id.model_id, id.serial_no}).delivered_key_sets.size(), 2u);
}

}  // namespace
}  // namespace tmsproto::sim
