// Any single-bit change, truncation or extension of any message in transit makes the session fail
// with a defined code, and nothing takes effect that the change could have influenced (issue: the
// sans-I/O core; REQ-SEC-001, REQ-SEC-006, REQ-TERM-002, REQ-TMS-004).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "protocol/constants.h"
#include "sim/loopback.h"

namespace tmsproto::sim {
namespace {

rc::Gen<EstateOptions> gen_any_small_options();

// REQ-CRYPTO-025: LEGACY draws run as unattended program downloads.
rc::Gen<EstateOptions> gen_small_options() { return rc::gen::map(gen_any_small_options(), runnable); }

rc::Gen<EstateOptions> gen_any_small_options() {
  return rc::gen::build<EstateOptions>(
      rc::gen::set(&EstateOptions::profile,
                   rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256)),
      rc::gen::set(&EstateOptions::trans, rc::gen::element(TransCode::kKeyDownload, TransCode::kProgramDownload)),
      rc::gen::set(&EstateOptions::packages,
                   rc::gen::container<std::vector<PackageSpec>>(
                       1, rc::gen::build<PackageSpec>(
                              rc::gen::set(&PackageSpec::length, rc::gen::inRange<std::size_t>(1, 3000)),
                              rc::gen::set(&PackageSpec::chunk_size, rc::gen::element<std::uint16_t>(256, 1024))))),
      rc::gen::set(&EstateOptions::seed, rc::gen::arbitrary<std::uint64_t>()));
}

enum class Change { kFlipBit, kTruncate, kExtend };

void apply(Change c, Bytes& body, std::size_t where, int bit) {
  switch (c) {
    case Change::kFlipBit: body[where % body.size()] ^= static_cast<std::uint8_t>(1u << bit); break;
    case Change::kTruncate: body.resize(where % body.size()); break;
    case Change::kExtend: body.push_back(static_cast<std::uint8_t>(bit)); break;
  }
}

// Checks REQ-SEC-004, REQ-TERM-002, REQ-TMS-004.
RC_GTEST_PROP(TamperedSession, AnyChangeInTransitFailsCleanly, ()) {
  const EstateOptions options = *gen_small_options();
  const std::size_t honest_count = run_session(*make_estate(options)).messages.size();
  const auto target = *rc::gen::inRange<std::size_t>(0, honest_count);
  const Change change = *rc::gen::element(Change::kFlipBit, Change::kTruncate, Change::kExtend);
  const auto where = *rc::gen::arbitrary<std::size_t>();
  const int bit = *rc::gen::inRange(0, 8);

  auto estate = make_estate(options);
  MsgType tampered_type{};
  const RunResult r = run_session(*estate, [&](std::size_t i, bool, Bytes& body) {
    if (i == target) {
      tampered_type = body.empty() ? MsgType::kAbort : static_cast<MsgType>(body[0]);
      apply(change, body, where, bit);
    }
    return Fate::kDeliver;
  });
  RC_TAG(name(tampered_type));
  // Someone detected it: no tampered session completes on both sides.
  RC_ASSERT(!(r.terminal_state == terminal::State::T_DONE && r.tms_state == tms::State::S_DONE));
  RC_ASSERT(r.terminal_state == terminal::State::T_FAILED || r.tms_state == tms::State::S_FAILED);
  // Nothing took effect before the change could be detected by the side that must detect it.
  if (target < 4) {  // a handshake message or the key message
    RC_ASSERT(!r.keys_installed);
    RC_ASSERT(r.packages_applied == 0u);
  }
  if (target < 3) RC_ASSERT(!r.key_message_sent);  // REQ-TMS-004: only after SAC and operator
  // Whoever failed recorded a code of the table, or a lost connection.
  for (const auto& f : {r.terminal_failure ? r.terminal_failure->code : std::nullopt,
                        r.tms_failure ? r.tms_failure->code : std::nullopt}) {
    if (f) RC_ASSERT(*f != ResponseCode::kSuccess);
  }
}

// REQ-SEC-005: outside LEGACY, changing the offer in transit is caught by the terminal's TAC check.
// Checks REQ-SEC-005.
TEST(TamperedSession, ChangedOfferIsCaughtByTheTranscriptBinding) {
  for (Profile p : {Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    EstateOptions options;
    options.profile = p;
    auto estate = make_estate(options);
    const RunResult r = run_session(*estate, [p](std::size_t i, bool, Bytes& body) {
      if (i == 0) body[60] ^= p == Profile::kAes256 ? 0x04 : 0x08;  // OFFERED_PROFILES: claim one more
      return Fate::kDeliver;
    });
    EXPECT_EQ(r.terminal_state, terminal::State::T_FAILED) << name(p);
    ASSERT_TRUE(r.terminal_failure.has_value());
    EXPECT_EQ(r.terminal_failure->code, std::optional(ResponseCode::kTmsAuthFailed)) << name(p);
    EXPECT_FALSE(r.key_message_sent);
  }
}

}  // namespace
}  // namespace tmsproto::sim
