// Per-terminal packages (FORMAT 0x02, spec/06-download.md section 6.5) against a TMS that does not
// filter: whatever PKG_CONFIRM offers, the terminal stages no piece of a package that is not for it.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "crypto/digest.h"
#include "sim/lockstep.h"
#include "sim/loopback.h"
#include "sim/row_support.h"

namespace tmsproto::sim {
namespace {

enum class Signer { kAcquirer, kUnknownId, kVendorKeyUnderAcquirerId };

struct Candidate {
  codec::PackageKind kind = codec::PackageKind::kParameters;
  Signer signer = Signer::kAcquirer;
  bool target_me = true;
  bool target_others = false;
  codec::DateTime not_after;
};

// What the terminal must answer to this offer alone (REQ-DL-010's order), 00 when it is for it.
ResponseCode verdict(const Candidate& c, const codec::DateTime& now) {
  if (c.signer != Signer::kAcquirer) return ResponseCode::kSignatureInvalid;            // REQ-DL-061
  if (c.kind != codec::PackageKind::kParameters) return ResponseCode::kSignatureInvalid;  // REQ-DL-061
  if (!c.target_me && c.target_others) return ResponseCode::kManifestNotForTerminal;     // REQ-DL-062
  if (codec::seconds_since_2000(c.not_after) < codec::seconds_since_2000(now)) {
    return ResponseCode::kManifestExpired;  // REQ-DL-063
  }
  return ResponseCode::kSuccess;
}

// Each field is mostly what the terminal accepts, so that a fair share of sessions runs to the end.
rc::Gen<Candidate> gen_candidate() {
  using codec::DateTime;
  using codec::PackageKind;
  return rc::gen::build<Candidate>(
      rc::gen::set(&Candidate::kind, rc::gen::weightedElement<PackageKind>({{8, PackageKind::kParameters},
                                                                           {1, PackageKind::kApplication},
                                                                           {1, PackageKind::kMaster}})),
      rc::gen::set(&Candidate::signer, rc::gen::weightedElement<Signer>({{8, Signer::kAcquirer},
                                                                        {1, Signer::kUnknownId},
                                                                        {1, Signer::kVendorKeyUnderAcquirerId}})),
      rc::gen::set(&Candidate::target_me, rc::gen::weightedElement<bool>({{8, true}, {2, false}})),
      rc::gen::set(&Candidate::target_others),
      // The estate's clock is 2026-11-26 16:00:00: a day before, a second before, the very second, a month on.
      rc::gen::set(&Candidate::not_after,
                   rc::gen::weightedElement<DateTime>({{1, DateTime{2026, 11, 25, 16, 0, 0}},
                                                       {1, DateTime{2026, 11, 26, 15, 59, 59}},
                                                       {2, DateTime{2026, 11, 26, 16, 0, 0}},
                                                       {6, DateTime{2026, 12, 26, 16, 0, 0}}})));
}

// Checks REQ-DL-061, REQ-DL-062, REQ-DL-063, REQ-SEC-016: offered any mix of FORMAT 0x02 packages
// (signer, KIND, targets, NOT_AFTER drawn at random) by a TMS that does not filter, the terminal
// stages a piece — FIT or DATA — only when every offer is for it; otherwise it stages nothing and
// ends with the first failing offer's code. Served honestly, the packages for it are installed.
RC_GTEST_PROP(PerTerminal, TerminalNeverStagesAPieceOfAPackageNotTargetedToIt, ()) {
  EstateOptions options;
  options.profile = *rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256);
  options.with_operator = false;
  options.packages = {};
  options.seed = *rc::gen::inRange<std::uint64_t>(0, 1000);
  auto e = make_estate(options);
  const codec::Identity me = e->terminal_config.id;
  const codec::DateTime now = e->clock.now_utc();
  const auto candidates = *rc::gen::container<std::vector<Candidate>>(*rc::gen::inRange<std::size_t>(1, 4), gen_candidate());

  crypto::DeterministicRandom unknown_rng(7);
  const auto unknown_key = crypto::ecdsa_p256_generate(unknown_rng);
  std::vector<codec::Offer> offers;
  ResponseCode expected = ResponseCode::kSuccess;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    std::vector<std::string> targets;
    if (c.target_others) targets.push_back("0THER");  // sorts before "SN..."
    if (c.target_me) targets.push_back(me.serial_no);
    if (c.target_others) targets.push_back("ZOTHER");
    codec::ManifestScope scope{c.signer == Signer::kUnknownId ? "NOSUCH01" : e->acquirer_signer_id, c.not_after, targets};
    const ByteView key = c.signer == Signer::kUnknownId                  ? unknown_key->private_key.view()
                         : c.signer == Signer::kVendorKeyUnderAcquirerId ? e->vendor_private_key.view()
                                                                         : e->acquirer_private_key.view();
    Bytes content(300 + 200 * i, static_cast<std::uint8_t>(i + 1));
    e->vendor().packages.push_back(make_package(c.kind, "PKG" + std::to_string(i), me, 1, std::move(content), 256, key,
                                                e->vendor_rng, scope));
    offers.push_back(e->vendor().packages.back().offer);
    if (expected == ResponseCode::kSuccess) expected = verdict(c, now);
  }
  RC_TAG(std::string(name(expected)));

  Lockstep run(*e);
  RC_ASSERT(run.until_terminal_gets(MsgType::kPkgConfirm).has_value());
  // The TMS's own PKG_CONFIRM (filtered, REQ-DL-011) is replaced by one offering everything.
  session::Output out = run.to_terminal(run.keys.pkg_confirm(offers));
  // Serve every FRAME_REQUEST from the vendor's database, as an honest TMS would.
  for (std::uint32_t seq = 1; !out.close && !out.send.empty(); ++seq) {
    const auto payload = run.keys.open(true, out.send.back());
    RC_ASSERT(payload.has_value());
    if (static_cast<MsgType>(out.send.back()[0]) != MsgType::kFrameRequest) break;
    const auto q = codec::parse_frame_request(*payload);
    RC_ASSERT(q.ok());
    const auto data = e->vendor().piece(tms::PieceQuery{e->vendor().vendor_id, offers.at(q->pkg_index).manifest, q->section, q->piece});
    RC_ASSERT(data.ok());
    out = run.to_terminal(run.keys.frame_response({q->pkg_index, q->section, q->piece, *data}, seq));
  }

  if (expected != ResponseCode::kSuccess) {
    RC_ASSERT(run.terminal.state() == terminal::State::T_FAILED);
    RC_ASSERT(run.terminal.failure()->code == std::optional(expected));
    RC_ASSERT(e->package_store.pieces_staged == 0u);
    for (const codec::Offer& o : offers) {
      const terminal::ManifestId id = crypto::sha256(codec::serialize(o.manifest));
      RC_ASSERT(!e->package_store.staged_fit(id).has_value());
      RC_ASSERT(!e->package_store.has_piece(id, 0));
    }
    for (const auto& [key, installed] : e->package_store.packages) {
      RC_ASSERT(key.first == codec::PackageKind::kMaster);  // only the master application it came with
    }
  } else {
    RC_ASSERT(run.terminal.state() == terminal::State::T_WAIT_END_ACK);
    for (const auto& p : e->vendor().packages) {
      RC_ASSERT(e->package_store.packages.at({p.offer.manifest.kind, p.offer.manifest.name}).content == p.content);
    }
  }
}

}  // namespace
}  // namespace tmsproto::sim
