// The attack of REQ-SEC-014, performed: whoever learned one session's DWK answers a later session
// of the same terminal as the TMS, with the DWK_1 of the earlier session, a fresh S_DATA and a TAC_1
// correctly computed under that DWK over the new transcript. Before revision 2 the terminal
// accepted it (the DWK_1 was valid under its DMK in every session); now the binding block refuses
// it with 11. The control forges the same way with this session's own DWK_1 and is accepted, so
// the only thing that refuses the attack is the binding (REQ-HS-017, REQ-HS-025).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "codec/handshake_messages.h"
#include "sim/estate.h"
#include "sim/lockstep.h"
#include "sim/row_support.h"

namespace tmsproto::sim {
namespace {

// HS_AUTH_REQUEST as an attacker who knows `dwk` makes it for the terminal's request `hs_request`.
Bytes forged_auth_request(const Estate& e, Profile p, ByteView hs_request, const Bytes& dwk1, ByteView dwk,
                          const codec::HsAuthRequest& salt_from) {
  codec::HsAuthRequest f;
  f.id = e.terminal_config.id;
  f.profile = p;
  f.s_data = {{0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a}, salt_from.s_data.time};  // the attacker's
  f.opv_salt = salt_from.opv_salt;
  f.opv_iterations = salt_from.opv_iterations;
  f.dwk1 = dwk1;
  return rows::with_tac_under(p, hs_request, std::move(f), dwk);
}

// The genuine TMS's HS_AUTH_REQUEST to `hs_request`, and the DWK inside it (the leak).
std::pair<codec::HsAuthRequest, crypto::SecretBytes> issued(Lockstep& run, const Estate& e, Profile p,
                                                            ByteView hs_request) {
  const Bytes auth = run.to_tms(hs_request).send.at(0);
  codec::HsAuthRequest m = *codec::parse_hs_auth_request(auth);
  auto dwk = profile::recover_dwk(p, e.terminal_config.dmk.view(), m.dwk1, profile::session_binding(hs_request));
  return {std::move(m), std::move(dwk).value()};
}

// Checks REQ-SEC-014, REQ-HS-025, REQ-HS-017.
RC_GTEST_PROP(SessionBinding, Dwk1OfAnotherSessionIsRefusedWith11, ()) {
  EstateOptions o;
  o.profile = *rc::gen::element(Profile::kTdes, Profile::kAes128, Profile::kAes256);
  o.trans = *rc::gen::element(TransCode::kKeyDownload, TransCode::kProgramDownload);
  o.with_operator = o.trans == TransCode::kKeyDownload || *rc::gen::arbitrary<bool>();
  o.seed = *rc::gen::inRange<std::uint64_t>(0, 1u << 20);
  auto e = make_estate(o);
  const Profile p = o.profile;

  // Session 1: the TMS issues DWK_1 for the terminal's request; its DWK leaks.
  Lockstep one(*e);
  const Bytes request_1 = one.start().send.at(0);
  auto [auth_1, dwk_1] = issued(one, *e, p, request_1);
  one.connection_lost();  // the next session of this terminal needs the first one ended (REQ-SRV-011)

  // Control, session 2: the same forgery with this session's own DWK_1 is accepted.
  Lockstep two(*e);
  const Bytes request_2 = two.start().send.at(0);
  auto [auth_2, dwk_2] = issued(two, *e, p, request_2);
  const session::Output accepted =
      two.to_terminal(forged_auth_request(*e, p, request_2, auth_2.dwk1, dwk_2.view(), auth_2));
  RC_ASSERT(accepted.send.size() == 1u);
  RC_ASSERT(accepted.send[0][0] == static_cast<std::uint8_t>(MsgType::kHsAuthAnswer));
  two.connection_lost();

  // The attack, session 3: session 1's DWK_1 with a TAC_1 under session 1's DWK.
  Lockstep three(*e);
  const Bytes request_3 = three.start().send.at(0);
  const session::Output refused =
      three.to_terminal(forged_auth_request(*e, p, request_3, auth_1.dwk1, dwk_1.view(), auth_1));
  RC_ASSERT(abort_code(refused) == std::optional(ResponseCode::kTmsAuthFailed));
  RC_ASSERT(refused.send.size() == 1u);  // no HS_AUTH_ANSWER, no SAC_1, no operator proof
  RC_ASSERT(three.terminal.state() == terminal::State::T_FAILED);
}

}  // namespace
}  // namespace tmsproto::sim
