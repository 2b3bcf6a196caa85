// Breakpoint resume (断点续传): connections cut after any message, then new sessions on the same
// estate until one completes. The terminal ends with exactly the package bytes, and no DATA piece
// travels twice except the one in flight at a cut (REQ-DL-020, REQ-DL-021, REQ-DL-023,
// REQ-DL-034, REQ-TERM-004).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "codec/download_payloads.h"
#include "crypto/digest.h"
#include "sim/lockstep.h"
#include "sim/loopback.h"
#include "session/download_math.h"

namespace tmsproto::sim {
namespace {

rc::Gen<EstateOptions> gen_options() {
  return rc::gen::build<EstateOptions>(
      rc::gen::set(&EstateOptions::profile,
                   rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256)),
      rc::gen::set(&EstateOptions::trans, rc::gen::just(TransCode::kProgramDownload)),
      rc::gen::set(&EstateOptions::with_operator, rc::gen::just(false)),
      rc::gen::set(&EstateOptions::packages,
                   rc::gen::mapcat(rc::gen::inRange(1, 4), [](int n) {
                     return rc::gen::exec([n] {
                       std::vector<PackageSpec> out;
                       const codec::PackageKind kinds[] = {codec::PackageKind::kApplication,
                                                           codec::PackageKind::kParameters,
                                                           codec::PackageKind::kDataFile};
                       for (int i = 0; i < n; ++i) {
                         PackageSpec p;
                         p.kind = kinds[i];
                         p.name = "PKG" + std::to_string(i);
                         p.length = *rc::gen::inRange<std::size_t>(1, 2500);
                         p.chunk_size = *rc::gen::element<std::uint16_t>(256, 512);
                         // REQ-DL-064: the parameter file is sometimes the acquirer's FORMAT 0x02 one.
                         p.per_terminal = p.kind == codec::PackageKind::kParameters && *rc::gen::arbitrary<bool>();
                         out.push_back(p);
                       }
                       return out;
                     });
                   })),
      rc::gen::set(&EstateOptions::seed, rc::gen::inRange<std::uint64_t>(0, 1u << 20)));
}

// What one session carried in the download phase, read with the session's keys.
struct Traffic {
  std::vector<std::pair<std::string, std::uint32_t>> data_requested;  // (package, piece), delivered to the TMS
  std::vector<std::pair<std::string, std::uint32_t>> data_received;   // delivered to the terminal
};

Traffic read_traffic(const Estate& estate, const std::vector<Delivered>& messages) {
  SessionKeys keys(estate);
  Traffic t;
  std::vector<std::string> offered;  // PKG_INDEX -> NAME, from this session's PKG_CONFIRM
  for (const Delivered& m : messages) {
    keys.observe(m.from_terminal, m.body);
    const auto payload = keys.open(m.from_terminal, m.body);
    if (!payload) continue;
    switch (static_cast<MsgType>(m.body[0])) {
      case MsgType::kPkgConfirm: {
        const auto confirm = codec::parse_pkg_confirm(*payload);
        for (const auto& o : confirm->offers) offered.push_back(o.manifest.name);
        break;
      }
      case MsgType::kFrameRequest: {
        auto q = codec::parse_frame_request(*payload);
        if (q->section == codec::Section::kData) t.data_requested.emplace_back(offered.at(q->pkg_index), q->piece);
        break;
      }
      case MsgType::kFrameResponse: {
        auto r = codec::parse_frame_response(*payload);
        if (r->section == codec::Section::kData) t.data_received.emplace_back(offered.at(r->pkg_index), r->piece);
        break;
      }
      default: break;
    }
  }
  return t;
}

// Checks REQ-SEC-008, REQ-DL-020, REQ-TERM-004: what a cut session staged survives, through the
// package store, into the next session's new engine.
RC_GTEST_PROP(Resume, CutSessionsFinishWithThePackagesAndNoDataPieceTwice, ()) {
  const EstateOptions options = *gen_options();
  // One to three sessions cut after a message of their choosing, then sessions run to the end.
  const auto cuts = *rc::gen::container<std::vector<std::size_t>>(*rc::gen::inRange<std::size_t>(1, 4),
                                                                  rc::gen::inRange<std::size_t>(0, 40));
  auto estate = make_estate(options);
  std::size_t total_pieces = 0;
  for (const auto& p : estate->vendor().packages) total_pieces += session::data_piece_count(p.offer.manifest);

  std::map<std::pair<std::string, std::uint32_t>, std::size_t> received, requested;
  std::size_t requests = 0, cuts_made = 0;
  bool done = false;
  for (std::size_t s = 0; s <= cuts.size() && !done; ++s) {
    Tamper tamper;
    if (s < cuts.size()) {
      tamper = [cut = cuts[s], &cuts_made](std::size_t i, bool, Bytes&) {
        if (i != cut) return Fate::kDeliver;
        ++cuts_made;
        return Fate::kCut;
      };
    }
    const RunResult r = run_session(*estate, tamper);
    const Traffic t = read_traffic(*estate, r.messages);
    for (const auto& k : t.data_received) ++received[k];
    for (const auto& k : t.data_requested) ++requested[k];
    requests += t.data_requested.size();
    done = r.terminal_state == terminal::State::T_DONE;
    if (s == cuts.size()) RC_ASSERT(done);  // an uncut session always finishes
    if (!done) {
      RC_ASSERT(r.terminal_state == terminal::State::T_FAILED);
      RC_ASSERT(!r.terminal_failure->code.has_value());  // only cuts here: a lost connection (T12)
    }
  }
  RC_TAG(cuts_made);

  // Exactly the package bytes and versions.
  for (const auto& p : estate->vendor().packages) {
    const auto& installed = estate->package_store.packages.at({p.offer.manifest.kind, p.offer.manifest.name});
    RC_ASSERT(installed.content == p.content);
    RC_ASSERT(installed.version == p.offer.manifest.version);
  }
  // Every DATA piece staged exactly once, received exactly once ...
  RC_ASSERT(estate->package_store.pieces_staged == total_pieces);
  RC_ASSERT(received.size() == total_pieces);
  for (const auto& [piece, n] : received) RC_ASSERT(n == 1u);
  // ... and requested again only when it was in flight at a cut: at most once more per cut (the
  // same piece can be in flight at two cuts in a row, when the second session is cut just as it
  // asks for it again), and no more re-requests in all than there were cuts.
  for (const auto& [piece, n] : requested) RC_ASSERT(n <= 1u + cuts_made);
  RC_ASSERT(requests <= total_pieces + cuts_made);
}

// The same with a fixed example: a cut right after the second DATA piece is staged.
TEST(Resume, SecondSessionRequestsOnlyThePiecesNotHeld) {
  EstateOptions o;
  o.with_operator = false;
  o.packages = {PackageSpec{codec::PackageKind::kApplication, "PAYAPP", 2, 2500, 512}};  // 5 DATA pieces
  auto estate = make_estate(o);
  // HS_REQUEST .. PKG_CONFIRM are 0-6 (TERM_INFO is 4); FIT request/response 7-8; DATA 0 9-10;
  // DATA 1 11-12.
  const RunResult first = run_session(*estate, [](std::size_t i, bool, Bytes&) {
    return i == 13 ? Fate::kCut : Fate::kDeliver;
  });
  ASSERT_EQ(first.terminal_state, terminal::State::T_FAILED);
  ASSERT_EQ(estate->package_store.pieces_staged, 2u);
  const RunResult second = run_session(*estate);
  ASSERT_EQ(second.terminal_state, terminal::State::T_DONE);
  const Traffic t = read_traffic(*estate, second.messages);
  EXPECT_EQ(t.data_requested, (std::vector<std::pair<std::string, std::uint32_t>>{
                                  {"PAYAPP", 2}, {"PAYAPP", 3}, {"PAYAPP", 4}}));
  EXPECT_EQ(second.frames_served, 3u);  // the FIT is staged too: not fetched again
  EXPECT_EQ(estate->package_store.pieces_staged, 5u);
}

// Checks REQ-DL-064, REQ-DL-020: an acquirer's FORMAT 0x02 parameter file resumes like a vendor's
// package — staging keyed by SHA-256 of its whole MANIFEST, SIGNER_ID, NOT_AFTER and targets
// included — and a re-signed manifest with a new NOT_AFTER, same (KIND, NAME) and VERSION, is a
// new manifest whose staging starts afresh.
TEST(Resume, Format02ParameterFileResumesAcrossSessionsAndRestartsWhenResigned) {
  EstateOptions o;
  o.with_operator = false;
  o.packages = {PackageSpec{codec::PackageKind::kParameters, "MERCHANT", 2, 2500, 512, true}};  // 5 DATA pieces
  auto estate = make_estate(o);
  ASSERT_TRUE(estate->vendor().packages.at(0).offer.manifest.scope.has_value());
  const RunResult first = run_session(*estate, [](std::size_t i, bool, Bytes&) {
    return i == 13 ? Fate::kCut : Fate::kDeliver;  // after DATA 1, as above
  });
  ASSERT_EQ(first.terminal_state, terminal::State::T_FAILED);
  ASSERT_EQ(estate->package_store.pieces_staged, 2u);
  const RunResult second = run_session(*estate);
  ASSERT_EQ(second.terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(read_traffic(*estate, second.messages).data_requested,
            (std::vector<std::pair<std::string, std::uint32_t>>{{"MERCHANT", 2}, {"MERCHANT", 3}, {"MERCHANT", 4}}));
  EXPECT_EQ(estate->package_store.packages.at({codec::PackageKind::kParameters, "MERCHANT"}).content,
            estate->vendor().packages.at(0).content);

  // On a new estate, cut after two pieces; then the acquirer re-signs it with a later NOT_AFTER.
  auto again = make_estate(o);
  MemoryVendor::Package& p = again->vendor().packages.at(0);
  const RunResult cut = run_session(*again, [](std::size_t i, bool, Bytes&) {
    return i == 12 ? Fate::kCut : Fate::kDeliver;
  });
  ASSERT_EQ(cut.terminal_state, terminal::State::T_FAILED);
  const terminal::ManifestId old_id = crypto::sha256(codec::serialize(p.offer.manifest));
  ASSERT_TRUE(again->package_store.has_piece(old_id, 0));
  const codec::Manifest old = p.offer.manifest;
  codec::ManifestScope later = again->terminal_scope();
  later.not_after.year = static_cast<std::uint16_t>(later.not_after.year + 1);
  p = make_package(old.kind, old.name, again->terminal_config.id, old.version, p.content, old.chunk_size,
                   again->acquirer_private_key.view(), again->vendor_rng, later);
  const RunResult fresh = run_session(*again);
  ASSERT_EQ(fresh.terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(read_traffic(*again, fresh.messages).data_requested.size(), 5u);  // every piece again
  EXPECT_FALSE(again->package_store.has_piece(old_id, 0));
}

// Checks REQ-DL-025: a staged FIT that changed between sessions is caught before any piece is
// requested: ABORT 18, everything staged for that manifest discarded, and the next session starts
// the package afresh and completes.
TEST(Resume, StagedFitThatChangedSinceIsDiscardedWith18) {
  EstateOptions o;
  o.with_operator = false;
  o.packages = {PackageSpec{codec::PackageKind::kApplication, "PAYAPP", 2, 2500, 512}};
  auto estate = make_estate(o);
  const RunResult first = run_session(*estate, [](std::size_t i, bool, Bytes&) {
    return i == 13 ? Fate::kCut : Fate::kDeliver;  // after DATA 1, as above
  });
  ASSERT_EQ(first.terminal_state, terminal::State::T_FAILED);
  const terminal::ManifestId id = crypto::sha256(codec::serialize(estate->vendor().packages.at(0).offer.manifest));
  auto fit = estate->package_store.staged_fit(id);
  ASSERT_TRUE(fit.has_value());
  (*fit)[0] ^= 0x01;  // the storage rotted
  estate->package_store.stage_fit(id, *fit);

  const RunResult second = run_session(*estate);
  EXPECT_EQ(second.terminal_state, terminal::State::T_FAILED);
  EXPECT_EQ(second.frames_served, 0u);
  ASSERT_FALSE(estate->audit.records.empty());
  EXPECT_EQ(estate->audit.records.back().outcome, std::optional(ResponseCode::kIntegrityFailed));
  EXPECT_FALSE(estate->package_store.staged_fit(id).has_value());
  EXPECT_FALSE(estate->package_store.has_piece(id, 0));

  const RunResult third = run_session(*estate);
  EXPECT_EQ(third.terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(estate->package_store.packages.at({codec::PackageKind::kApplication, "PAYAPP"}).content,
            estate->vendor().packages.at(0).content);
}

}  // namespace
}  // namespace tmsproto::sim
