// SessionKeys's forging of key blocks and envelopes with one chosen defect: each rebuilds the
// structure around the defect and recomputes every MAC and cryptogram over it, so that the only
// rule the result breaks is the one the caller chose (REQ-CONF-025).
#include <algorithm>
#include <string_view>

#include "codec/envelope.h"
#include "crypto/block_cipher.h"
#include "crypto/secret.h"
#include "forge/session_keys.h"

namespace tmsproto::forge {
namespace {

std::string_view text(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

Bytes octets(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes copy_of(ByteView b) { return Bytes(b.begin(), b.end()); }

// Overwrites the last `mac.size()` octets of `body` (the cryptogram every changed message ends with).
void write_mac_at_end(Bytes& body, ByteView mac) {
  std::copy(mac.begin(), mac.end(), body.end() - static_cast<std::ptrdiff_t>(mac.size()));
}

}  // namespace

std::optional<keyblock::Unwrapped> SessionKeys::open_entry(const codec::KeyEntry& entry) const {
  if (!hs_ || profile_ == Profile::kLegacy) return std::nullopt;
  auto u = keyblock::unwrap(hs_->k_kek.view(), text(entry.key_block));
  if (!u.ok()) return std::nullopt;
  return std::move(u).value();
}

codec::KeyEntry SessionKeys::rewrap(const codec::KeyEntry& entry, const KeyEdit& edit,
                                    crypto::RandomSource& rng) const {
  if (!hs_) return {};
  keyblock::Tr31Header header;
  Bytes key;
  if (profile_ == Profile::kLegacy) {
    // REQ-CRYPTO-035: in LEGACY the block is E_DES-ECB(DWK, key), with no header to edit.
    auto clear = crypto::ecb_decrypt(crypto::Cipher::kDes, hs_->dwk.view(), entry.key_block);
    if (!clear.ok()) return {};
    key = std::move(clear).value();
    header.algorithm = 'D';
  } else {
    auto opened = open_entry(entry);
    if (!opened) return {};
    header = opened->header;
    key = copy_of(opened->key.view());
  }
  edit(header, key);
  codec::KeyEntry out;
  out.slot = entry.slot;
  if (profile_ == Profile::kLegacy) {
    auto block = crypto::ecb_encrypt(crypto::Cipher::kDes, hs_->dwk.view(), key);
    if (!block.ok()) return {};
    out.key_block = std::move(block).value();
  } else {
    auto block = keyblock::wrap(hs_->k_kek.view(), header, key, rng);
    if (!block.ok()) return {};
    out.key_block = octets(*block);
  }
  auto kcv = profile::key_check_value(header.algorithm, key);
  crypto::secure_wipe(key);
  if (!kcv.ok()) return {};
  out.kcv = std::move(kcv).value();
  return out;
}

Bytes SessionKeys::with_dwk1(codec::HsAuthRequest m, const KeyEdit& edit, crypto::RandomSource& rng) const {
  if (!hs_) return {};
  keyblock::Tr31Header header;
  Bytes dwk;
  if (profile_ == Profile::kLegacy) {
    dwk = copy_of(hs_->dwk.view());  // REQ-CRYPTO-022: DWK_1 = E_DES(DMK, DWK), no header
    header.algorithm = 'D';
  } else {
    auto u = keyblock::unwrap(dmk_.view(), text(m.dwk1));
    if (!u.ok()) return {};
    header = u->header;
    dwk = copy_of(u->key.view());
  }
  edit(header, dwk);
  if (profile_ == Profile::kLegacy) {
    auto block = crypto::ecb_encrypt(crypto::Cipher::kDes, dmk_.view(), dwk);
    if (!block.ok()) return {};
    m.dwk1 = std::move(block).value();
  } else {
    auto block = keyblock::wrap(dmk_.view(), header, dwk, rng);
    if (!block.ok() || block->size() != m.dwk1.size()) return {};  // REQ-MSG-042: DWK_1_LEN is fixed
    m.dwk1 = octets(*block);
  }
  // TAC_1 under the handshake keys the edited DWK gives, as a terminal that accepted it derives them.
  auto keys = profile::derive_handshake_keys(profile_, crypto::SecretBytes(dwk), t_data_, m.s_data);
  crypto::secure_wipe(dwk);
  if (!keys.ok()) return {};
  return with_tac_under(*keys, std::move(m));
}

Bytes SessionKeys::with_tac_over(Bytes body) const {
  const std::size_t m = mac_length(profile_);
  if (!hs_ || body.size() < m) return {};
  const ByteView prefix = ByteView(body).first(body.size() - m);
  auto tac = profile::tac(profile_, *hs_, t_data_, transcript_.th_tac(prefix));
  if (!tac.ok()) return {};
  write_mac_at_end(body, *tac);
  return body;
}

Bytes SessionKeys::with_key_mac_over(Bytes body) const {
  const std::size_t m = mac_length(profile_);
  if (!hs_ || body.size() < m) return {};
  const ByteView prefix = ByteView(body).first(body.size() - m);
  auto mac = profile::key_mac(profile_, *hs_, prefix, transcript_.th_key(prefix));
  if (!mac.ok()) return {};
  write_mac_at_end(body, *mac);
  return body;
}

Bytes SessionKeys::with_sac_over(Bytes body) const {
  const std::size_t m = mac_length(profile_);
  if (!hs_ || body.size() < m) return {};
  const ByteView prefix = ByteView(body).first(body.size() - m);
  auto sac = profile::sac(profile_, *hs_, s_data_, transcript_.th_sac(prefix));
  if (!sac.ok()) return {};
  write_mac_at_end(body, *sac);
  return body;
}

Bytes SessionKeys::seal_ciphertext(bool from_terminal, MsgType type, std::uint32_t seq, ByteView ct) const {
  if (!dl_) return {};
  // REQ-CRYPTO-042: the MAC over the direction octet and the body, whatever CT holds.
  const auto dir = static_cast<std::uint8_t>(from_terminal ? profile::Direction::kTerminalToTms
                                                           : profile::Direction::kTmsToTerminal);
  Bytes body = codec::serialize(codec::Envelope{type, id_, seq, copy_of(ct), {}});
  auto mac = profile::mac_p(profile_, dl_->mac.view(), concat(Bytes{dir}, body));
  if (!mac.ok()) return {};
  body.insert(body.end(), mac->begin(), mac->end());
  return body;
}

Bytes SessionKeys::seal_padding_method_1(bool from_terminal, MsgType type, std::uint32_t seq,
                                         ByteView payload) const {
  // REQ-CRYPTO-005, method 1: zeros up to a whole block; an empty input becomes one zero block.
  const std::size_t b = block_length(profile_);
  Bytes padded = copy_of(payload);
  padded.resize(payload.empty() ? b : (payload.size() + b - 1) / b * b, 0x00);
  return seal_unpadded(from_terminal, type, seq, padded);
}

}  // namespace tmsproto::forge
