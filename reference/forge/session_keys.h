// What a party holding a terminal's DMK derives from one session's messages: the handshake keys
// and the download keys, and with them messages no honest peer would send but that pass every MAC
// and cryptogram check, so that a changed field reaches the rule checks behind the MACs. The
// conformance suite's TMS forges with it (conformance/runner/), as do the row tests, the session
// properties and the vector generator (through sim::SessionKeys). Pure: no I/O, and the randomness
// a key block needs is passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "codec/header.h"
#include "codec/key_message.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "keyblock/tr31.h"
#include "profile/envelope_crypto.h"
#include "profile/profile_crypto.h"
#include "session/transcript.h"

namespace tmsproto::forge {

// The session keys of one session, recovered from its honest messages with the terminal's DMK.
class SessionKeys {
 public:
  SessionKeys(Profile profile, ByteView dmk, codec::Identity id);

  // Feed every honest message of the session, in order (forged ones must not be fed).
  void observe(bool from_terminal, ByteView body);

  Profile profile() const { return profile_; }
  bool has_handshake_keys() const { return hs_.has_value(); }
  bool has_download_keys() const { return dl_.has_value(); }
  const codec::AuthData& t_data() const { return t_data_; }
  const codec::AuthData& s_data() const { return s_data_; }

  // The envelope and its payload (either direction), or nullopt if it does not verify and decrypt.
  std::optional<codec::Envelope> envelope(bool from_terminal, ByteView body) const;
  std::optional<Bytes> open(bool from_terminal, ByteView body) const;
  // A new envelope under the session's download keys, with any SEQ and identity.
  Bytes seal(bool from_terminal, MsgType type, std::uint32_t seq, ByteView payload) const;
  Bytes seal(bool from_terminal, MsgType type, std::uint32_t seq, ByteView payload,
             const codec::Identity& id) const;
  // An envelope whose CT decrypts to `plaintext` as it is, unpadded: a padding error (REQ-MSG-070).
  Bytes seal_unpadded(bool from_terminal, MsgType type, std::uint32_t seq, ByteView plaintext) const;
  // `body` with its payload replaced, under the same type, identity and SEQ.
  Bytes reseal(bool from_terminal, ByteView body, ByteView payload) const;

  // Every forging method below returns an empty body (or entry) when the keys it needs were not
  // observed: the terminal under test may have ended the session before they were sent.

  // Messages with their cryptograms recomputed over the observed transcript (REQ-CRYPTO-032,
  // REQ-CRYPTO-033, REQ-CRYPTO-036), so that a changed field reaches the checks after the MAC.
  Bytes with_tac(codec::HsAuthRequest m) const;
  // TAC_1 recomputed over this session's transcript with the DWK that `m`'s DWK_1 wraps when it is
  // bound to `bound_to` (an earlier session's HS_REQUEST) and with `m`'s S_DATA: another
  // session's DWK_1 under a TAC_1 that verifies in this one, so that only the binding of REQ-HS-025
  // can refuse it (REQ-CRYPTO-031, REQ-CRYPTO-032).
  Bytes with_tac_bound_to(codec::HsAuthRequest m, ByteView bound_to) const;
  // The HS_REQUEST observed, as the terminal sent it (nothing secret).
  const Bytes& hs_request() const { return transcript_.hs_request; }
  Bytes with_sac(codec::HsAuthAnswer m) const;
  Bytes with_key_mac(const codec::KeyMessage& m) const;
  // A key block and KCV for `key` under the session's handshake keys (REQ-CRYPTO-035).
  codec::KeyEntry wrap(std::uint8_t slot, const profile::SlotRule& rule, ByteView key,
                       crypto::RandomSource& rng) const;
  // A key block for `key` under the session's K_KEK with ANY TR-31 header (version, usage,
  // algorithm, mode, key version, exportability, key context, optional blocks) and any masking
  // (keyblock::WrapOptions), with the KCV of `key` under the header's algorithm (REQ-CRYPTO-037):
  // a correctly-MACed block that breaks exactly the REQ-CRYPTO-035 / REQ-KEY-025 rule the test
  // chose. The block is empty if TR-31 itself cannot carry the key (e.g. longer than the KBPK).
  codec::KeyEntry wrap_tr31(std::uint8_t slot, const keyblock::Tr31Header& header, ByteView key,
                            crypto::RandomSource& rng, const keyblock::WrapOptions& options = {}) const;
  // Payloads the TMS sends, with any fields, sealed under the session's download keys with the SEQ
  // given (REQ-DL-002: PKG_CONFIRM is the TMS's SEQ 0; for a FRAME_RESPONSE take the SEQ of the
  // honest one it stands in for, envelope(false, body)->seq).
  Bytes pkg_confirm(const std::vector<codec::Offer>& offers, std::uint32_t seq = 0) const;
  Bytes frame_response(const codec::FrameResponse& r, std::uint32_t seq) const;

  // Key blocks and envelopes rebuilt with one chosen defect (key_blocks.cc), every MAC and
  // cryptogram around the defect recomputed (REQ-CONF-025).

  // What a header edit may change: the TR-31 header (unused in LEGACY) and the key itself.
  using KeyEdit = std::function<void(keyblock::Tr31Header& header, Bytes& key)>;
  // A delivered entry opened under the session's K_KEK (TDES, AES; nullopt in LEGACY or when the
  // block does not verify), so that a test can read what the TMS wrapped.
  std::optional<keyblock::Unwrapped> open_entry(const codec::KeyEntry& entry) const;
  // `entry` with its key block rebuilt after `edit` (LEGACY: E_DES-ECB(DWK, key) with the key
  // edited), under the same K_KEK, with the KCV of the edited key under the header's algorithm
  // and the same slot: a block whose own MAC verifies around the defect. Empty if it cannot be.
  codec::KeyEntry rewrap(const codec::KeyEntry& entry, const KeyEdit& edit, crypto::RandomSource& rng) const;
  // HS_AUTH_REQUEST `m` with DWK_1 rebuilt under the DMK after `edit` (of the header the TMS wrote,
  // binding and PB blocks included, and of DWK; LEGACY: E_DES(DMK, DWK) with DWK edited), and TAC_1
  // recomputed with the handshake keys that DWK gives (REQ-CRYPTO-031, REQ-CRYPTO-032). Empty if
  // the handshake keys were not observed or TR-31 cannot carry the edit.
  Bytes with_dwk1(codec::HsAuthRequest m, const KeyEdit& edit, crypto::RandomSource& rng) const;
  // A body whose fields were edited as octets (so that it may no longer parse) with its trailing
  // TAC_1 or KEY_MAC recomputed over the octets before it.
  Bytes with_tac_over(Bytes hs_auth_request_body) const;
  Bytes with_key_mac_over(Bytes key_message_body) const;
  // The same for an HS_AUTH_ANSWER's trailing SAC_1 (the fuzz targets' custom mutator).
  Bytes with_sac_over(Bytes hs_auth_answer_body) const;
  // An envelope around any CT (of any length: CT_LEN is CT's), with a MAC that verifies.
  Bytes seal_ciphertext(bool from_terminal, MsgType type, std::uint32_t seq, ByteView ct) const;
  // An envelope whose CT decrypts to `plaintext` padded with ISO/IEC 9797-1 method 1 (zeros up to
  // a whole block, one zero block for an empty input) instead of method 2 (REQ-CRYPTO-005).
  Bytes seal_padding_method_1(bool from_terminal, MsgType type, std::uint32_t seq, ByteView payload) const;

 private:
  // `m` with TAC_1 computed under `keys` over this session's transcript.
  Bytes with_tac_under(const profile::HandshakeKeys& keys, codec::HsAuthRequest m) const;

  Profile profile_;
  crypto::SecretBytes dmk_;
  codec::Identity id_;
  codec::AuthData t_data_;
  codec::AuthData s_data_;
  session::Transcript transcript_;
  std::optional<profile::HandshakeKeys> hs_;
  std::optional<profile::DownloadKeys> dl_;
};

}  // namespace tmsproto::forge
