#include "profile/envelope_crypto.h"

#include "common/try.h"
#include "crypto/block_cipher.h"
#include "crypto/kdf.h"
#include "crypto/padding.h"
#include "profile/profile_crypto.h"

namespace tmsproto::profile {
namespace {

Bytes ascii(std::string_view s) { return Bytes(s.begin(), s.end()); }

// REQ-CRYPTO-041: IV = E(K_DENC, DIR || 0x00.. || SEQ).
Result<Bytes, ResponseCode> iv_for(Profile p, const DownloadKeys& k, Direction dir, std::uint32_t seq) {
  Bytes block(block_length(p), 0x00);
  block[0] = static_cast<std::uint8_t>(dir);  // REQ-CRYPTO-041
  for (int i = 0; i < 4; ++i) block[block.size() - 4 + static_cast<std::size_t>(i)] =
      static_cast<std::uint8_t>(seq >> (24 - 8 * i));
  auto iv = crypto::ecb_encrypt(cipher_of(p), k.enc.view(), block);  // REQ-CRYPTO-041
  if (!iv.ok()) return fail(ResponseCode::kInternalError);
  return std::move(iv).value();
}

// REQ-CRYPTO-042: MAC_P(K_DMAC, DIR || envelope up to MAC).
Result<Bytes, ResponseCode> envelope_mac(Profile p, const DownloadKeys& k, Direction dir, ByteView prefix) {
  Bytes input;
  input.reserve(prefix.size() + 1);
  input.push_back(static_cast<std::uint8_t>(dir));  // REQ-CRYPTO-042
  input.insert(input.end(), prefix.begin(), prefix.end());
  return mac_p(p, k.mac.view(), input);  // REQ-CRYPTO-042
}

}  // namespace

Result<DownloadKeys, ResponseCode> derive_download_keys(Profile p, ByteView dsk,
                                                        const codec::AuthData& t_data,
                                                        const codec::AuthData& s_data) {
  DownloadKeys k;
  if (p == Profile::kLegacy) {  // the patent's single key for everything
    k.enc = crypto::SecretBytes(dsk);
    k.mac = crypto::SecretBytes(dsk);
    return k;
  }
  const Bytes context = concat(codec::encode(t_data), codec::encode(s_data));
  auto enc = crypto::kdf_ctr_cmac(cipher_of(p), dsk, ascii("TMSP DL ENC"), context, dsk.size());
  auto mac = crypto::kdf_ctr_cmac(cipher_of(p), dsk, ascii("TMSP DL MAC"), context, dsk.size());
  if (!enc.ok() || !mac.ok()) return fail(ResponseCode::kInternalError);
  k.enc = std::move(enc).value();
  k.mac = std::move(mac).value();
  return k;
}

Result<Bytes, ResponseCode> seal(Profile p, const DownloadKeys& k, Direction dir, MsgType type,
                                 const codec::Identity& id, std::uint32_t seq, ByteView payload) {
  TMS_TRY(Bytes iv, iv_for(p, k, dir, seq));
  const Bytes padded = crypto::pad(crypto::Padding::kMethod2, payload, block_length(p));
  auto ct = crypto::cbc_encrypt(cipher_of(p), k.enc.view(), iv, padded);
  if (!ct.ok()) return fail(ResponseCode::kInternalError);
  codec::Envelope e{type, id, seq, std::move(ct).value(), {}};
  Bytes body = codec::serialize(e);  // MAC field still empty: body is the MAC's input
  TMS_TRY(Bytes mac, envelope_mac(p, k, dir, body));
  body.insert(body.end(), mac.begin(), mac.end());
  if (body.size() > kMaxBody) return fail(ResponseCode::kInternalError);
  return body;
}

Result<codec::Envelope, ResponseCode> verify(Profile p, const DownloadKeys& k, Direction dir,
                                             ByteView body) {
  auto e = codec::parse_envelope(body, p);
  if (!e.ok()) return fail(e.error().code);
  TMS_TRY(Bytes expected, envelope_mac(p, k, dir, body.first(body.size() - e->mac.size())));
  if (!crypto::ct_equal(expected, e->mac)) return fail(ResponseCode::kMacFailed);  // REQ-CRYPTO-014
  return std::move(e).value();
}

Result<Bytes, ResponseCode> decrypt(Profile p, const DownloadKeys& k, Direction dir,
                                    const codec::Envelope& e) {
  TMS_TRY(Bytes iv, iv_for(p, k, dir, e.seq));
  auto padded = crypto::cbc_decrypt(cipher_of(p), k.enc.view(), iv, e.ct);
  if (!padded.ok()) return fail(ResponseCode::kMacFailed);
  auto payload = crypto::unpad_method2(*padded, block_length(p));
  if (!payload.ok()) return fail(ResponseCode::kMacFailed);  // REQ-MSG-070: no padding oracle
  return std::move(payload).value();
}

}  // namespace tmsproto::profile
