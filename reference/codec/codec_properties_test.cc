// Properties every parser of the codec must have (issue: the sans-I/O core):
//   parse(serialize(m)) == m for generated valid messages, and
//   serialize(parse(b)) == b for every accepted body b, including mutated ones (REQ-MSG-003).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "codec/test_generators.h"

namespace tmsproto::codec {
namespace {

using testing::gen_envelope;
using testing::gen_frame_request;
using testing::gen_frame_response;
using testing::gen_hs_auth_answer;
using testing::gen_hs_auth_request;
using testing::gen_hs_request;
using testing::gen_key_message;
using testing::gen_manifest;
using testing::gen_pkg_announce;
using testing::gen_pkg_confirm;
using testing::gen_profile;
using testing::gen_response_code;

// Flips, truncates or extends b; whatever the parser then accepts must re-serialise to itself.
template <class ParseFn>
void check_canonical_under_mutation(const Bytes& original, ParseFn parse_and_serialize) {
  Bytes b = original;
  switch (*rc::gen::inRange(0, 3)) {
    case 0: {
      const auto i = *rc::gen::inRange<std::size_t>(0, b.size());
      b[i] ^= *rc::gen::inRange<std::uint8_t>(1, 255);
      break;
    }
    case 1:
      b.resize(*rc::gen::inRange<std::size_t>(0, b.size()));
      break;
    default:
      b.push_back(*rc::gen::arbitrary<std::uint8_t>());
      break;
  }
  if (auto again = parse_and_serialize(b)) RC_ASSERT(*again == b);
}

template <class T, class Parse>
std::optional<Bytes> reserialize(const Bytes& b, Parse parse) {
  auto m = parse(b);
  if (!m.ok()) return std::nullopt;
  return serialize(*m);
}

// Checks REQ-MSG-003, REQ-MSG-002.
RC_GTEST_PROP(CodecProperties, HsRequestRoundTrips, ()) {
  const HsRequest m = *gen_hs_request();
  const Bytes b = serialize(m);
  RC_ASSERT(b.size() == kHsRequestLength);
  RC_ASSERT(*parse_hs_request(b) == m);
  check_canonical_under_mutation(b, [](const Bytes& x) { return reserialize<HsRequest>(x, parse_hs_request); });
}

RC_GTEST_PROP(CodecProperties, HsAuthRequestRoundTrips, ()) {
  const HsAuthRequest m = *gen_hs_auth_request();
  const Bytes b = serialize(m);
  RC_ASSERT(*parse_hs_auth_request(b) == m);
  check_canonical_under_mutation(b, [](const Bytes& x) {
    return reserialize<HsAuthRequest>(x, parse_hs_auth_request);
  });
}

RC_GTEST_PROP(CodecProperties, HsAuthAnswerRoundTrips, ()) {
  const Profile p = *gen_profile();
  const HsAuthAnswer m = *gen_hs_auth_answer(p);
  const Bytes b = serialize(m);
  RC_ASSERT(*parse_hs_auth_answer(b, p) == m);
  check_canonical_under_mutation(b, [p](const Bytes& x) {
    return reserialize<HsAuthAnswer>(x, [p](ByteView v) { return parse_hs_auth_answer(v, p); });
  });
}

RC_GTEST_PROP(CodecProperties, KeyMessageRoundTrips, ()) {
  const Profile p = *gen_profile();
  const KeyMessage m = *gen_key_message(p);
  const Bytes b = serialize(m);
  RC_ASSERT(*parse_key_message(b, p) == m);
  check_canonical_under_mutation(b, [p](const Bytes& x) {
    return reserialize<KeyMessage>(x, [p](ByteView v) { return parse_key_message(v, p); });
  });
}

RC_GTEST_PROP(CodecProperties, EnvelopeRoundTrips, ()) {
  const Profile p = *gen_profile();
  const Envelope e = *gen_envelope(p);
  const Bytes b = serialize(e);
  RC_ASSERT(b.size() <= kMaxBody);
  RC_ASSERT(*parse_envelope(b, p) == e);
  check_canonical_under_mutation(b, [p](const Bytes& x) {
    return reserialize<Envelope>(x, [p](ByteView v) { return parse_envelope(v, p); });
  });
}

RC_GTEST_PROP(CodecProperties, DownloadPayloadsRoundTrip, ()) {
  const PkgAnnounce a = *gen_pkg_announce();
  RC_ASSERT(*parse_pkg_announce(serialize(a)) == a);
  check_canonical_under_mutation(serialize(a), [](const Bytes& x) {
    return reserialize<PkgAnnounce>(x, parse_pkg_announce);
  });
  const PkgConfirm c = *gen_pkg_confirm();
  RC_ASSERT(*parse_pkg_confirm(serialize(c)) == c);
  check_canonical_under_mutation(serialize(c), [](const Bytes& x) {
    return reserialize<PkgConfirm>(x, parse_pkg_confirm);
  });
  const Manifest m = *gen_manifest();
  RC_ASSERT(*parse_manifest(serialize(m)) == m);
  const FrameRequest q = *gen_frame_request();
  RC_ASSERT(*parse_frame_request(serialize(q)) == q);
  const FrameResponse r = *gen_frame_response();
  RC_ASSERT(*parse_frame_response(serialize(r)) == r);
  check_canonical_under_mutation(serialize(r), [](const Bytes& x) {
    return reserialize<FrameResponse>(x, parse_frame_response);
  });
  const SessionEnd s{*gen_response_code()};
  RC_ASSERT(*parse_session_end(serialize(s)) == s);
}

// Checks REQ-MSG-003, REQ-MSG-091, REQ-MSG-092: a MANIFEST of either FORMAT, standalone and framed
// by MANIFEST_LEN in PKG_CONFIRM, round-trips, and every mutation that still parses re-serialises to
// itself (one encoding per manifest: the octets signed, hashed for resume and sent are the same).
RC_GTEST_PROP(CodecProperties, ManifestRoundTripsInBothFormats, ()) {
  const Manifest m = *gen_manifest();
  RC_TAG(static_cast<int>(m.format()));
  const Bytes b = serialize(m);
  RC_ASSERT(b.size() == (m.scope ? kScopedManifestBaseLength + 32 * m.scope->targets.size() : kManifestLength));
  RC_ASSERT(*parse_manifest(b) == m);
  check_canonical_under_mutation(b, [](const Bytes& x) { return reserialize<Manifest>(x, parse_manifest); });
  const PkgConfirm c{{Offer{m, {}}}};
  RC_ASSERT(*parse_pkg_confirm(serialize(c)) == c);
  check_canonical_under_mutation(serialize(c), [](const Bytes& x) {
    return reserialize<PkgConfirm>(x, parse_pkg_confirm);
  });
}

RC_GTEST_PROP(CodecProperties, AbortRoundTripsForEveryFailureCode, ()) {
  const ResponseCode code = *gen_response_code();
  RC_PRE(code != ResponseCode::kSuccess);
  const Abort a{code};
  RC_ASSERT(*parse_abort(serialize(a)) == a);
}

// Arbitrary octets never crash a parser, and whatever they accept is canonical.
// Checks REQ-MSG-002, REQ-MSG-003.
RC_GTEST_PROP(CodecProperties, ArbitraryBodiesAreRejectedOrCanonical, (const Bytes& b)) {
  const Profile p = *gen_profile();
  if (auto m = parse_hs_request(b)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_hs_auth_request(b)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_hs_auth_answer(b, p)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_key_message(b, p)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_envelope(b, p)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_pkg_announce(b)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_pkg_confirm(b)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_frame_request(b)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_frame_response(b)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_session_end(b)) RC_ASSERT(serialize(*m) == b);
  if (auto m = parse_abort(b)) RC_ASSERT(serialize(*m) == b);
}

}  // namespace
}  // namespace tmsproto::codec
