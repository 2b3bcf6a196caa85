// The building blocks of the catalogue (catalogue.h).
#include "conformance/runner/catalogue.h"

#include <memory>

#include "codec/envelope.h"
#include "codec/handshake_messages.h"

namespace tmsproto::conformance {

Expectation expect(Expectation::Kind kind, ResponseCode code, std::string because) {
  Expectation e;
  e.kind = kind;
  e.code = code;
  e.because = std::move(because);
  return e;
}

Expectation completes() { return expect(Expectation::Kind::kCompletes, ResponseCode::kSuccess, ""); }

Expectation aborts(ResponseCode code, std::string because) {
  return expect(Expectation::Kind::kAborts, code, std::move(because));
}

SessionPlan program(std::vector<Publication> publish, Expectation expect, Change change) {
  SessionPlan s;
  s.trans = TransCode::kProgramDownload;
  s.publish = std::move(publish);
  s.change = std::move(change);
  s.expect = std::move(expect);
  return s;
}

SessionPlan key(Expectation expect, Change change) {
  SessionPlan s;
  s.trans = TransCode::kKeyDownload;
  s.change = std::move(change);
  s.expect = std::move(expect);
  return s;
}

// Changes the first HS_AUTH_REQUEST with `edit`.
Change on_hs_auth_request(std::function<void(Bytes&)> edit) {
  return edit_message(MsgType::kHsAuthRequest, 0, std::move(edit));
}

Expectation is_cut() { return expect(Expectation::Kind::kIsCut, ResponseCode::kSuccess, ""); }

Expectation silent(std::string because) {
  return expect(Expectation::Kind::kSilent, ResponseCode::kSuccess, std::move(because));
}

// The suite withholds the `nth` message of `type` and closes the connection instead: a cut.
Change cut_before(MsgType type, std::size_t nth) {
  return [type, nth](MsgType t, std::size_t n, ByteView, const Forgery&) -> std::optional<Replacement> {
    if (t != type || n != nth) return std::nullopt;
    return Replacement{{}, true};
  };
}

Expectation times_out(std::string because) {
  return expect(Expectation::Kind::kTimesOut, ResponseCode::kTimeout, std::move(because));
}

Expectation outlasts_session(std::string because) {
  return expect(Expectation::Kind::kOutlastsSession, ResponseCode::kTimeout, std::move(because));
}

// A FRAME_RESPONSE (or any envelope the TMS sends) with its payload changed by `edit`, resealed
// under the session's download keys with its own SEQ: a correct MAC over a broken field.
Change reseal_payload(MsgType type, std::size_t nth, std::function<void(Bytes&)> edit) {
  return forge_message(type, nth, [edit](ByteView body, const Forgery& f) -> Bytes {
    auto payload = f.keys.open(false, body);
    if (!payload) return {};
    edit(*payload);
    return f.keys.reseal(false, body, *payload);
  });
}

// The FRAME_RESPONSE `nth` with its payload changed by `edit` after it was parsed.
Change reseal_frame(std::size_t nth, std::function<void(codec::FrameResponse&)> edit) {
  return reseal_payload(MsgType::kFrameResponse, nth, [edit](Bytes& payload) {
    auto r = codec::parse_frame_response(payload);
    if (!r.ok()) return;
    edit(*r);
    payload = codec::serialize(*r);
  });
}

// KEY_MESSAGE with its parsed fields changed by `edit` and KEY_MAC recomputed (REQ-CRYPTO-036).
Change reseal_key_message(std::function<void(codec::KeyMessage&)> edit) {
  return forge_message(MsgType::kKeyMessage, 0, [edit](ByteView body, const Forgery& f) -> Bytes {
    auto m = codec::parse_key_message(body, f.keys.profile());
    if (!m.ok()) return {};
    edit(*m);
    return f.keys.with_key_mac(*m);
  });
}

// PKG_CONFIRM replaced by one offering `offered`, each signed by the suite's vendor key (or as the
// publication says) but never published: what only a TMS that lies about its database sends.
Change confirm_instead(std::vector<Publication> offered) {
  return forge_message(MsgType::kPkgConfirm, 0, [offered](ByteView body, const Forgery& f) -> Bytes {
    auto e = f.keys.envelope(false, body);
    if (!e) return {};
    std::vector<codec::Offer> offers;
    for (const auto& p : offered) {
      auto offer = f.sign(p);
      if (!offer) return {};
      offers.push_back(std::move(*offer));
    }
    return f.keys.pkg_confirm(offers, e->seq);
  });
}

// The number of data pieces of a publication: what a resumed session still requests.
std::uint32_t data_pieces(const Publication& p) {
  return static_cast<std::uint32_t>((p.length + p.chunk_size - 1) / p.chunk_size);
}


}  // namespace tmsproto::conformance
