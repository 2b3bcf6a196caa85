#include "forge/session_keys.h"

#include <algorithm>

#include "codec/envelope.h"
#include "crypto/block_cipher.h"

namespace tmsproto::forge {
namespace {

profile::Direction direction(bool from_terminal) {
  return from_terminal ? profile::Direction::kTerminalToTms : profile::Direction::kTmsToTerminal;
}

void write_mac_at_end(Bytes& body, ByteView mac) {
  std::copy(mac.begin(), mac.end(), body.end() - static_cast<std::ptrdiff_t>(mac.size()));
}

}  // namespace

SessionKeys::SessionKeys(Profile profile, ByteView dmk, codec::Identity id)
    : profile_(profile), dmk_(dmk), id_(std::move(id)) {}

void SessionKeys::observe(bool from_terminal, ByteView body) {
  auto type = codec::peek_type(body);
  if (!type.ok()) return;
  switch (*type) {
    case MsgType::kHsRequest: {
      auto m = codec::parse_hs_request(body);
      if (!m.ok()) return;
      t_data_ = m->t_data;
      transcript_.hs_request.assign(body.begin(), body.end());
      return;
    }
    case MsgType::kHsAuthRequest: {
      auto m = codec::parse_hs_auth_request(body);
      if (!m.ok()) return;
      s_data_ = m->s_data;
      transcript_.hs_auth_request.assign(body.begin(), body.end());
      auto dwk = profile::recover_dwk(profile_, dmk_.view(), m->dwk1,
                                      profile::session_binding(transcript_.hs_request));
      if (!dwk.ok()) return;
      auto keys = profile::derive_handshake_keys(profile_, std::move(dwk).value(), t_data_, s_data_);
      if (keys.ok()) hs_ = std::move(keys).value();
      return;
    }
    case MsgType::kHsAuthAnswer:
      transcript_.hs_auth_answer.assign(body.begin(), body.end());
      return;
    case MsgType::kKeyMessage: {
      auto m = codec::parse_key_message(body, profile_);
      if (!m.ok() || !hs_) return;
      auto dsk = profile::unwrap_key(profile_, *hs_, profile::dsk_rule(profile_), m->entries[0].key_block,
                                     m->entries[0].kcv);
      if (!dsk.ok()) return;
      auto dl = profile::derive_download_keys(profile_, dsk->view(), t_data_, s_data_);
      if (dl.ok()) dl_ = std::move(dl).value();
      return;
    }
    default:
      (void)from_terminal;
      return;
  }
}

std::optional<codec::Envelope> SessionKeys::envelope(bool from_terminal, ByteView body) const {
  if (!dl_) return std::nullopt;
  auto e = profile::verify(profile_, *dl_, direction(from_terminal), body);
  if (!e.ok()) return std::nullopt;
  return std::move(e).value();
}

std::optional<Bytes> SessionKeys::open(bool from_terminal, ByteView body) const {
  auto e = envelope(from_terminal, body);
  if (!e) return std::nullopt;
  auto payload = profile::decrypt(profile_, *dl_, direction(from_terminal), *e);
  if (!payload.ok()) return std::nullopt;
  return std::move(payload).value();
}

Bytes SessionKeys::seal(bool from_terminal, MsgType type, std::uint32_t seq, ByteView payload) const {
  return seal(from_terminal, type, seq, payload, id_);
}

Bytes SessionKeys::seal(bool from_terminal, MsgType type, std::uint32_t seq, ByteView payload,
                        const codec::Identity& id) const {
  if (!dl_) return {};  // no download keys observed: nothing can be sealed
  auto body = profile::seal(profile_, *dl_, direction(from_terminal), type, id, seq, payload);
  return body.ok() ? std::move(body).value() : Bytes{};
}

Bytes SessionKeys::seal_unpadded(bool from_terminal, MsgType type, std::uint32_t seq, ByteView plaintext) const {
  if (!dl_) return {};
  // REQ-CRYPTO-041 and REQ-CRYPTO-042, spelt out here because seal() always pads.
  const auto dir = static_cast<std::uint8_t>(direction(from_terminal));
  Bytes block(block_length(profile_), 0x00);
  block[0] = dir;
  for (std::size_t i = 0; i < 4; ++i) block[block.size() - 4 + i] = static_cast<std::uint8_t>(seq >> (24 - 8 * i));
  const crypto::Cipher c = profile::cipher_of(profile_);
  auto iv = crypto::ecb_encrypt(c, dl_->enc.view(), block);
  auto ct = crypto::cbc_encrypt(c, dl_->enc.view(), *iv, plaintext);
  Bytes body = codec::serialize(codec::Envelope{type, id_, seq, std::move(ct).value(), {}});
  auto mac = profile::mac_p(profile_, dl_->mac.view(), concat(Bytes{dir}, body));
  body.insert(body.end(), mac->begin(), mac->end());
  return body;
}

Bytes SessionKeys::reseal(bool from_terminal, ByteView body, ByteView payload) const {
  auto e = envelope(from_terminal, body);
  if (!e) return {};
  return seal(from_terminal, e->type, e->seq, payload, e->id);
}

Bytes SessionKeys::with_tac(codec::HsAuthRequest m) const {
  if (!hs_) return {};  // no handshake keys observed: nothing can be forged
  return with_tac_under(*hs_, std::move(m));
}

Bytes SessionKeys::with_tac_under(const profile::HandshakeKeys& keys, codec::HsAuthRequest m) const {
  // REQ-CRYPTO-032: TAC_1 over the transcript with the message's own TAC_1 left out.
  m.tac1.assign(mac_length(profile_), 0x00);
  Bytes out = codec::serialize(m);
  const ByteView prefix = ByteView(out).first(out.size() - mac_length(profile_));
  auto tac = profile::tac(profile_, keys, t_data_, transcript_.th_tac(prefix));
  if (!tac.ok()) return {};
  write_mac_at_end(out, *tac);
  return out;
}

Bytes SessionKeys::with_tac_bound_to(codec::HsAuthRequest m, ByteView bound_to) const {
  if (transcript_.hs_request.empty() || profile_ == Profile::kLegacy) return {};
  auto dwk = profile::recover_dwk(profile_, dmk_.view(), m.dwk1, profile::session_binding(bound_to));
  if (!dwk.ok()) return {};
  auto keys = profile::derive_handshake_keys(profile_, std::move(dwk).value(), t_data_, m.s_data);
  if (!keys.ok()) return {};
  return with_tac_under(*keys, std::move(m));
}

Bytes SessionKeys::with_sac(codec::HsAuthAnswer m) const {
  if (!hs_) return {};
  m.sac1.assign(mac_length(profile_), 0x00);
  Bytes out = codec::serialize(m);
  const ByteView prefix = ByteView(out).first(out.size() - mac_length(profile_));
  auto sac = profile::sac(profile_, *hs_, s_data_, transcript_.th_sac(prefix));
  if (sac.ok()) write_mac_at_end(out, *sac);
  return out;
}

Bytes SessionKeys::with_key_mac(const codec::KeyMessage& m) const {
  if (!hs_) return {};
  codec::KeyMessage copy = m;
  copy.key_mac.assign(mac_length(profile_), 0x00);
  Bytes out = codec::serialize(copy);
  const ByteView prefix = ByteView(out).first(out.size() - mac_length(profile_));
  auto mac = profile::key_mac(profile_, *hs_, prefix, transcript_.th_key(prefix));
  if (mac.ok()) write_mac_at_end(out, *mac);
  return out;
}

codec::KeyEntry SessionKeys::wrap(std::uint8_t slot, const profile::SlotRule& rule, ByteView key,
                                  crypto::RandomSource& rng) const {
  if (!hs_) return {};
  codec::KeyEntry e;
  e.slot = slot;
  auto block = profile::wrap_key(profile_, *hs_, rule, key, rng);
  auto kcv = profile::key_check_value(rule.algorithm, key);
  if (block.ok()) e.key_block = std::move(block).value();
  if (kcv.ok()) e.kcv = std::move(kcv).value();
  return e;
}

codec::KeyEntry SessionKeys::wrap_tr31(std::uint8_t slot, const keyblock::Tr31Header& header, ByteView key,
                                       crypto::RandomSource& rng, const keyblock::WrapOptions& options) const {
  if (!hs_) return {};
  codec::KeyEntry e;
  e.slot = slot;
  auto block = keyblock::wrap(hs_->k_kek.view(), header, key, rng, options);
  auto kcv = profile::key_check_value(header.algorithm, key);
  if (block.ok()) e.key_block.assign(block->begin(), block->end());
  if (kcv.ok()) e.kcv = std::move(kcv).value();
  return e;
}

Bytes SessionKeys::pkg_confirm(const std::vector<codec::Offer>& offers, std::uint32_t seq) const {
  return seal(false, MsgType::kPkgConfirm, seq, codec::serialize(codec::PkgConfirm{offers}));
}

Bytes SessionKeys::frame_response(const codec::FrameResponse& r, std::uint32_t seq) const {
  return seal(false, MsgType::kFrameResponse, seq, codec::serialize(r));
}

}  // namespace tmsproto::forge
