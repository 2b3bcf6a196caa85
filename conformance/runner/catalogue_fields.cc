// The catalogue's group of malformed and forged fields: one scenario per rule the terminal applies
// to a field of what the TMS sends — the body rules of HS_AUTH_REQUEST, KEY_MESSAGE and
// PKG_CONFIRM (spec/03-messages.md), the envelope (REQ-MSG-070, REQ-CRYPTO-004, REQ-CRYPTO-005,
// REQ-SEC-011), the FIT against FIT_DIGEST (REQ-DL-012), the order of the checks when two fields
// are wrong (REQ-ERR-001) — each forged so that only the named rule is broken: every MAC and
// cryptogram around it is recomputed with the session's keys (REQ-CONF-025). The key blocks
// (DWK_1, the delivered keys and their slots) are in catalogue_keys.cc.
#include <algorithm>
#include <memory>

#include "codec/key_message.h"
#include "conformance/runner/catalogue.h"
#include "crypto/random.h"

namespace tmsproto::conformance {
namespace {

using Kind = Expectation::Kind;

// Offsets in HS_AUTH_REQUEST (spec/03-messages.md 3.2 and 3.5).
constexpr std::size_t kVersionAt = 1;
constexpr std::size_t kSerialAt = 26;
constexpr std::size_t kAuthStageAt = 59;
constexpr std::size_t kSrcAt = 60;
constexpr std::size_t kSTimeMonthAt = 62 + 8 + 2;  // S_DATA = S_RAND (8) ‖ S_TIME YYYY MM DD hh mm ss

// Offsets in PKG_CONFIRM's payload of the first offer's fields (spec/03-messages.md 3.8).
constexpr std::size_t kPkgIndexAt = 1;
constexpr std::size_t kManifestLenAt = 2;
constexpr std::size_t kManifestAt = 4;  // FORMAT, then KIND, NAME, VENDOR_ID, MODEL_ID, VERSION, ...
constexpr std::size_t kKindAt = kManifestAt + 1;
constexpr std::size_t kNameAt = kManifestAt + 2;
constexpr std::size_t kVersionFieldAt = kManifestAt + 42;
constexpr std::size_t kLengthAt = kManifestAt + 46;
constexpr std::size_t kChunkSizeAt = kManifestAt + 50;
constexpr std::size_t kFirstOfferEnd = kManifestAt + 116;

void put_u16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

void put_u32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// HS_AUTH_REQUEST with octets edited and TAC_1 recomputed over them (the body checks come before
// TAC_1, row T2, but a terminal that checked TAC_1 first must still reach the field).
Change hs_auth_request_octets(std::function<void(Bytes&)> edit) {
  return forge_message(MsgType::kHsAuthRequest, 0, [edit](ByteView body, const Forgery& f) -> Bytes {
    Bytes b(body.begin(), body.end());
    edit(b);
    return f.keys.with_tac_over(std::move(b));
  });
}

// KEY_MESSAGE with its parsed fields changed by `edit` and KEY_MAC recomputed: for rules the codec
// can write (a KEY_COUNT of 9, SLOTs out of order, a KCV of 4 octets).
Change key_message_fields(std::function<void(codec::KeyMessage&)> edit) { return reseal_key_message(std::move(edit)); }

// PKG_CONFIRM of one honest offer with its payload's octets edited, the 116 octets of its MANIFEST
// signed again by the suite's vendor key and the envelope resealed (REQ-CONF-025): the body rule
// is the only one broken.
Change pkg_confirm_octets(std::function<void(Bytes&)> edit) {
  return forge_message(MsgType::kPkgConfirm, 0, [edit](ByteView body, const Forgery& f) -> Bytes {
    auto p = f.keys.open(false, body);
    if (!p || p->size() < kFirstOfferEnd + codec::kSignatureLength || (*p)[0] < 1 || !f.sign_octets) return {};
    edit(*p);
    const Bytes signature = f.sign_octets(ByteView(*p).subspan(kManifestAt, kFirstOfferEnd - kManifestAt));
    if (signature.size() != codec::kSignatureLength) return {};
    std::copy(signature.begin(), signature.end(), p->begin() + kFirstOfferEnd);
    return f.keys.reseal(false, body, *p);
  });
}

// The PKG_CONFIRM envelope with its CT replaced by what `ct` makes of the honest one, under a MAC
// that verifies (REQ-CONF-025).
Change pkg_confirm_ciphertext(std::function<Bytes(const forge::SessionKeys&, const codec::Envelope&)> ct) {
  return forge_message(MsgType::kPkgConfirm, 0, [ct](ByteView body, const Forgery& f) -> Bytes {
    auto e = f.keys.envelope(false, body);
    if (!e) return {};
    Bytes made = ct(f.keys, *e);
    return made.empty() ? Bytes{} : made;
  });
}

// The payload padded by method 2 but with its last padding octet made non-zero: bad padding.
Bytes badly_padded(ByteView payload, std::size_t block) {
  Bytes p(payload.begin(), payload.end());
  p.push_back(0x80);
  while (p.size() % block != 0) p.push_back(0x00);
  p.back() = 0x01;
  return p;
}

Scenario must(std::string name, std::vector<std::string> reqs, std::string description,
              std::optional<Profile> profile, std::vector<SessionPlan> sessions) {
  return Scenario{std::move(name), std::move(reqs), Level::kMust, std::move(description), profile,
                  std::move(sessions)};
}

void add_key_message_body(std::vector<Scenario>& all) {
  const auto malformed = [](std::string why) { return aborts(ResponseCode::kMalformed, std::move(why)); };
  all.push_back(must(
      "message.key_message_count_9", {"REQ-MSG-060"},
      "KEY_MESSAGE of a key download carries 9 entries (the DSK and eight keys in ascending slots), under a "
      "recomputed KEY_MAC: KEY_COUNT above 8 is malformed, ABORT 01",
      std::nullopt,
      {key(malformed("REQ-MSG-060: KEY_COUNT MUST be 1-8"), key_message_fields([](codec::KeyMessage& m) {
             while (m.entries.size() < 9 && m.entries.back().slot < 0xFE) {
               codec::KeyEntry e = m.entries.back();
               ++e.slot;
               m.entries.push_back(std::move(e));
             }
           }))}));
  all.push_back(must(
      "message.key_message_first_slot", {"REQ-MSG-060"},
      "KEY_MESSAGE of a program download carries its one entry, the DSK, in SLOT 0x01 instead of 0x00, under a "
      "recomputed KEY_MAC: ABORT 01",
      std::nullopt,
      {program({Publication{}}, malformed("REQ-MSG-060: the first entry MUST have SLOT 0x00"),
               key_message_fields([](codec::KeyMessage& m) { m.entries[0].slot = 0x01; }))}));
  all.push_back(must(
      "message.key_message_slots_descending", {"REQ-MSG-060"},
      "KEY_MESSAGE of a key download carries its last two keys with their SLOTs swapped (descending), under a "
      "recomputed KEY_MAC: ABORT 01",
      std::nullopt,
      {key(malformed("REQ-MSG-060: the SLOTs of later entries MUST be strictly increasing"),
           key_message_fields([](codec::KeyMessage& m) {
             const std::size_t n = m.entries.size();
             if (n >= 3) std::swap(m.entries[n - 1].slot, m.entries[n - 2].slot);
             else m.entries.push_back(m.entries.back());  // one key: the same SLOT twice
           }))}));
  all.push_back(must(
      "message.key_message_slot_ff", {"REQ-MSG-060"},
      "KEY_MESSAGE of a key download delivers its last key into SLOT 0xFF, under a recomputed KEY_MAC: ABORT 01",
      std::nullopt,
      {key(malformed("REQ-MSG-060: SLOTs MUST be below 0xFF"),
           key_message_fields([](codec::KeyMessage& m) { m.entries.back().slot = 0xFF; }))}));
  all.push_back(must(
      "message.key_message_count_2_in_program", {"REQ-MSG-060"},
      "KEY_MESSAGE of a program download carries a second entry (the DSK's block again, in SLOT 0x01), under "
      "a recomputed KEY_MAC: KEY_COUNT MUST be exactly 1 for TRANS_CODE 02, ABORT 01",
      std::nullopt,
      {program({Publication{}}, malformed("REQ-MSG-060: KEY_COUNT is exactly 1 when TRANS_CODE is 02"),
               key_message_fields([](codec::KeyMessage& m) {
                 codec::KeyEntry e = m.entries[0];
                 e.slot = 0x01;
                 m.entries.push_back(std::move(e));
               }))}));
  all.push_back(must(
      "message.key_message_kcv_len_4", {"REQ-MSG-061"},
      "KEY_MESSAGE carries the DSK with a KCV of 4 octets, under a recomputed KEY_MAC: KCV_LEN MUST be 3 or 5, "
      "ABORT 01",
      std::nullopt,
      {program({Publication{}}, malformed("REQ-MSG-061: KCV_LEN other than 3 or 5 is malformed"),
               key_message_fields([](codec::KeyMessage& m) { m.entries[0].kcv.resize(4, 0x00); }))}));
  all.push_back(must(
      "message.key_message_block_len_7", {"REQ-MSG-061"},
      "KEY_MESSAGE carries the DSK's key block cut to 7 octets, under a recomputed KEY_MAC: BLOCK_LEN MUST be "
      "8-512, ABORT 01",
      std::nullopt,
      {program({Publication{}}, malformed("REQ-MSG-061: BLOCK_LEN below 8 is malformed"),
               key_message_fields([](codec::KeyMessage& m) { m.entries[0].key_block.resize(7); }))}));
  all.push_back(must(
      "key.kcv_len_3_for_aes_key", {"REQ-MSG-061", "REQ-KEY-021", "REQ-CRYPTO-037"},
      "in the AES128 profile KEY_MESSAGE carries the DSK (an AES key) with only the first 3 octets of its KCV, "
      "under a recomputed KEY_MAC: the body parses, and the KCV that does not fit the key's algorithm is an "
      "integrity failure, ABORT 18",
      Profile::kAes128,
      {program({Publication{}},
               aborts(ResponseCode::kIntegrityFailed,
                      "REQ-MSG-061: a KCV_LEN that does not fit the key's algorithm is 18 (REQ-KEY-021)"),
               key_message_fields([](codec::KeyMessage& m) { m.entries[0].kcv.resize(3); }))}));
}

void add_handshake_body(std::vector<Scenario>& all) {
  const auto malformed = [](std::string why) { return aborts(ResponseCode::kMalformed, std::move(why)); };
  all.push_back(must("message.hs_auth_request_s_time_month_13", {"REQ-MSG-011"},
                     "HS_AUTH_REQUEST carries S_TIME with month 13 (TAC_1 recomputed): a date-time that names no "
                     "valid date is malformed, ABORT 01",
                     std::nullopt,
                     {program({Publication{}}, malformed("REQ-MSG-011: a month outside 01-12 is malformed"),
                              hs_auth_request_octets([](Bytes& b) { b[kSTimeMonthAt] = 0x13; }))}));
  all.push_back(must("message.hs_auth_request_src_99", {"REQ-MSG-012", "REQ-MSG-041"},
                     "HS_AUTH_REQUEST carries SRC \"99\", no code of the response-code table (TAC_1 recomputed): "
                     "ABORT 01",
                     std::nullopt,
                     {program({Publication{}}, malformed("REQ-MSG-012, REQ-MSG-041: SRC MUST be 00"),
                              hs_auth_request_octets([](Bytes& b) { b[kSrcAt] = '9'; b[kSrcAt + 1] = '9'; }))}));
  all.push_back(must("message.hs_auth_request_auth_stage_2", {"REQ-MSG-041"},
                     "HS_AUTH_REQUEST carries AUTH_STAGE 0x02, the stage of HS_AUTH_ANSWER (TAC_1 recomputed): "
                     "ABORT 01",
                     std::nullopt,
                     {program({Publication{}}, malformed("REQ-MSG-041: AUTH_STAGE MUST be 0x01 in HS_AUTH_REQUEST"),
                              hs_auth_request_octets([](Bytes& b) { b[kAuthStageAt] = 0x02; }))}));
  // REQ-ERR-001: two faults in one message; the check written first gives the code.
  all.push_back(must("message.hs_auth_request_version_and_identity", {"REQ-ERR-001", "REQ-MSG-004"},
                     "HS_AUTH_REQUEST carries VERSION 0x02 and another SERIAL_NO (TAC_1 recomputed): the body "
                     "check comes before the identity check, so the code is 03, not 26",
                     std::nullopt,
                     {program({Publication{}},
                              aborts(ResponseCode::kUnsupportedVersion,
                                     "REQ-ERR-001: the first check that fails (body, VERSION) gives the code, 03"),
                              hs_auth_request_octets([](Bytes& b) {
                                b[kVersionAt] = 0x02;
                                std::uint8_t& c = b[kSerialAt];
                                c = c == 0x7E ? 0x7D : static_cast<std::uint8_t>(c + 1);
                              }))}));
}

void add_pkg_confirm_body(std::vector<Scenario>& all) {
  struct Rule {
    std::string name;
    std::vector<std::string> reqs;
    std::string what;
    std::function<void(Bytes&)> edit;
  };
  const std::vector<Rule> rules = {
      {"pkg_index", {"REQ-MSG-090"}, "PKG_INDEX 1 for the first offer",
       [](Bytes& p) { p[kPkgIndexAt] = 1; }},
      {"manifest_len_117", {"REQ-MSG-090"}, "MANIFEST_LEN 117 (neither 116 nor 132-644)",
       [](Bytes& p) { put_u16(p, kManifestLenAt, 117); }},
      {"format_3", {"REQ-MSG-090"}, "FORMAT 0x03", [](Bytes& p) { p[kManifestAt] = 0x03; }},
      {"kind_x", {"REQ-MSG-090"}, "KIND 'X'", [](Bytes& p) { p[kKindAt] = 'X'; }},
      {"version_0", {"REQ-MSG-090"}, "VERSION 0", [](Bytes& p) { put_u32(p, kVersionFieldAt, 0); }},
      {"length_0", {"REQ-MSG-090"}, "LENGTH 0", [](Bytes& p) { put_u32(p, kLengthAt, 0); }},
      {"chunk_size_300", {"REQ-MSG-090"}, "CHUNK_SIZE 300", [](Bytes& p) { put_u16(p, kChunkSizeAt, 300); }},
      {"name_leading_space", {"REQ-MSG-010", "REQ-MSG-090"}, "NAME \" APP\" (a space, then a non-space)",
       [](Bytes& p) {
         const std::string name = " APP";
         for (std::size_t i = 0; i < 16; ++i) p[kNameAt + i] = i < name.size() ? name[i] : ' ';
       }},
  };
  for (const Rule& r : rules) {
    all.push_back(must("message.pkg_confirm_" + r.name, r.reqs,
                       "PKG_CONFIRM offers the published package with " + r.what +
                           " under a correct envelope: a body rule, checked before the signature, ABORT 01",
                       std::nullopt,
                       {program({Publication{}},
                                aborts(ResponseCode::kMalformed, "REQ-MSG-090: " + r.what + " is malformed"),
                                pkg_confirm_octets(r.edit))}));
  }
  Publication again;
  again.version = 3;
  all.push_back(must("message.pkg_confirm_same_package_twice", {"REQ-MSG-090"},
                     "PKG_CONFIRM offers two versions of one (KIND, NAME), each correctly signed by the terminal's "
                     "vendor: no two offers may share (KIND, NAME), ABORT 01",
                     std::nullopt,
                     {program({Publication{}},
                              aborts(ResponseCode::kMalformed,
                                     "REQ-MSG-090: two offers of one (KIND, NAME) are malformed"),
                              confirm_instead({Publication{}, again}))}));
  all.push_back(must("envelope.pkg_confirm_payload_extended", {"REQ-MSG-071"},
                     "PKG_CONFIRM's payload carries one octet after its last offer, under a correct envelope (MAC, SEQ "
                     "and padding right): ABORT 01",
                     std::nullopt,
                     {program({Publication{}},
                              aborts(ResponseCode::kMalformed,
                                     "REQ-MSG-071: a payload with octets left over is malformed"),
                              reseal_payload(MsgType::kPkgConfirm, 0, [](Bytes& p) { p.push_back(0x00); }))}));
  all.push_back(must("envelope.session_end_ack_result_0a", {"REQ-MSG-012"},
                     "SESSION_END_ACK carries RESULT \"0A\", no code of the response-code table, under a correct "
                     "envelope: ABORT 01",
                     std::nullopt,
                     {program({Publication{}},
                              aborts(ResponseCode::kMalformed, "REQ-MSG-012: RESULT \"0A\" is malformed"),
                              reseal_payload(MsgType::kSessionEndAck, 0, [](Bytes& p) { p = Bytes{'0', 'A'}; }))}));
}

void add_envelope(std::vector<Scenario>& all) {
  const auto envelope_failure = [](std::string why) { return aborts(ResponseCode::kMacFailed, std::move(why)); };
  all.push_back(must(
      "envelope.pkg_confirm_ct_len", {"REQ-CRYPTO-004", "REQ-MSG-070", "REQ-SEC-011"},
      "PKG_CONFIRM's CT carries one octet more than whole blocks (CT_LEN not a multiple of b), under a MAC "
      "recomputed over it: ABORT 13",
      std::nullopt,
      {program({Publication{}}, envelope_failure("REQ-MSG-070: a CT_LEN that is not a multiple of b is 13"),
               pkg_confirm_ciphertext([](const forge::SessionKeys& k, const codec::Envelope& e) {
                 Bytes ct = e.ct;
                 ct.push_back(0x00);
                 return k.seal_ciphertext(false, e.type, e.seq, ct);
               }))}));
  all.push_back(must(
      "envelope.pkg_confirm_padding_method_1", {"REQ-CRYPTO-005", "REQ-MSG-070"},
      "with nothing to download, PKG_CONFIRM (COUNT 0) is padded with ISO/IEC 9797-1 method 1 (zeros) instead "
      "of method 2, under a correct MAC: the padding is bad, ABORT 13",
      std::nullopt,
      {program({}, envelope_failure("REQ-CRYPTO-005: an envelope is padded by method 2; anything else is 13"),
               pkg_confirm_ciphertext([](const forge::SessionKeys& k, const codec::Envelope& e) {
                 return k.seal_padding_method_1(false, e.type, e.seq, Bytes{0x00});
               }))}));
  all.push_back(must(
      "envelope.pkg_confirm_bad_padding", {"REQ-SEC-011", "REQ-MSG-070"},
      "PKG_CONFIRM's padding ends in 0x01 instead of 0x00 (method 2 broken), under a correct MAC: ABORT 13, the "
      "code of a MAC mismatch, so that no padding oracle is left",
      std::nullopt,
      {program({Publication{}}, envelope_failure("REQ-SEC-011: bad padding under a good MAC is 13"),
               forge_message(MsgType::kPkgConfirm, 0, [](ByteView body, const Forgery& f) -> Bytes {
                 auto e = f.keys.envelope(false, body);
                 auto payload = f.keys.open(false, body);
                 if (!e || !payload) return {};
                 return f.keys.seal_unpadded(false, e->type, e->seq,
                                             badly_padded(*payload, block_length(f.keys.profile())));
               }))}));
  all.push_back(must(
      "envelope.pkg_confirm_mac_over_bad_padding", {"REQ-SEC-011", "REQ-MSG-070", "REQ-ERR-001"},
      "PKG_CONFIRM carries bad padding and, in its last octet, a bad MAC: the MAC is checked first and gives "
      "13, the same code as the padding",
      std::nullopt,
      {program({Publication{}}, envelope_failure("REQ-SEC-011: a MAC mismatch is 13"),
               forge_message(MsgType::kPkgConfirm, 0, [](ByteView body, const Forgery& f) -> Bytes {
                 auto e = f.keys.envelope(false, body);
                 auto payload = f.keys.open(false, body);
                 if (!e || !payload) return {};
                 Bytes b = f.keys.seal_unpadded(false, e->type, e->seq,
                                                badly_padded(*payload, block_length(f.keys.profile())));
                 if (!b.empty()) b.back() ^= 0x01;
                 return b;
               }))}));
  all.push_back(must(
      "envelope.frame_response_mac_and_seq", {"REQ-ERR-001", "REQ-DL-002", "REQ-MSG-070"},
      "the first FRAME_RESPONSE is sealed with SEQ one above the TMS's next and then its MAC changed in the "
      "last octet: the MAC comes before the SEQ, so the code is 13, not 14",
      std::nullopt,
      {program({Publication{}}, envelope_failure("REQ-ERR-001: the envelope's MAC is checked before its SEQ, 13"),
               forge_message(MsgType::kFrameResponse, 0, [](ByteView body, const Forgery& f) -> Bytes {
                 auto e = f.keys.envelope(false, body);
                 auto payload = f.keys.open(false, body);
                 if (!e || !payload) return {};
                 Bytes b = f.keys.seal(false, MsgType::kFrameResponse, e->seq + 1, *payload);
                 if (!b.empty()) b.back() ^= 0x01;
                 return b;
               }))}));
  all.push_back(must(
      "download.fit_digest_mismatch", {"REQ-DL-012"},
      "the FIT piece is served with one octet changed, under a correct envelope, so that the completed FIT is "
      "not the one the vendor-signed manifest's FIT_DIGEST names: the terminal stages nothing of it, ABORT 18",
      std::nullopt,
      {program({Publication{}},
               aborts(ResponseCode::kIntegrityFailed, "REQ-DL-012: a FIT that does not match FIT_DIGEST is 18"),
               reseal_frame(0, [](codec::FrameResponse& r) {
                 if (!r.data.empty()) r.data[0] ^= 0x01;
               }))}));
}

}  // namespace

void add_field_scenarios(std::vector<Scenario>& all) {
  add_handshake_body(all);
  add_key_message_body(all);
  add_pkg_confirm_body(all);
  add_envelope(all);
}

}  // namespace tmsproto::conformance
