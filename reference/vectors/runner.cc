#include "vectors/runner.h"

#include <array>
#include <set>

#include "common/hex.h"
#include "crypto/block_cipher.h"
#include "crypto/kcv.h"
#include "crypto/mac.h"
#include "crypto/padding.h"
#include "crypto/secret.h"
#include "keyblock/tr31.h"
#include "vectors/case_fields.h"
#include "vectors/handshake_vectors.h"
#include "vectors/transcript_vectors.h"

namespace tmsproto::vectors {
namespace {

using crypto::Cipher;
using crypto::CryptoError;

std::string crypto_why(std::string_view what, CryptoError e) {
  return std::string(what) + " refused: " + std::string(crypto::to_string(e));
}

// The expected value must equal the first expected.size() bytes of what was computed; the
// decision is the crypto module's constant-time verify_mac (REQ-CRYPTO-014), which also refuses an
// empty expectation (it would verify anything) and one longer than the computed value.
Verdict compare_prefix(std::string_view field, ByteView computed, ByteView expected) {
  if (expected.empty()) return Verdict::malformed("field \"" + std::string(field) + "\" is empty");
  if (auto v = crypto::verify_mac(expected, computed); !v) {
    const ByteView shown = computed.first(expected.size() < computed.size() ? expected.size() : computed.size());
    std::string why = "computed " + std::string(field) + " " + hex_of(shown) + ", expected " + hex_of(expected);
    if (v.error() != CryptoError::kMacMismatch) why += " (" + std::string(crypto::to_string(v.error())) + ")";
    return Verdict::rejected(std::move(why));
  }
  return Verdict::accepted();
}

// ---- checkers, one per algorithm ----------------------------------------------------------------

// REQ-CRYPTO-001/002/003: E(key, msg) = ct, and D(key, ct) = msg as well, so that a decryption bug
// cannot hide behind a correct encryption.
Verdict check_ecb(Cipher c, const Json& test) {
  TMSPROTO_FIELD(key, hex_field(test, "key"));
  TMSPROTO_FIELD(msg, hex_field(test, "msg"));
  TMSPROTO_FIELD(ct, hex_field(test, "ct"));
  auto enc = crypto::ecb_encrypt(c, key, msg);
  if (!enc) return Verdict::rejected(crypto_why("encryption", enc.error()));
  if (Verdict v = compare_exact("ct", *enc, ct); v.kind != Verdict::Kind::kAccepted) return v;
  auto dec = crypto::ecb_decrypt(c, key, ct);
  if (!dec) return Verdict::rejected(crypto_why("decryption", dec.error()));
  return compare_exact("plaintext of ct", *dec, msg);
}

// REQ-CRYPTO-004: CBC over whole blocks, no padding.
Verdict check_cbc(Cipher c, const Json& test) {
  TMSPROTO_FIELD(key, hex_field(test, "key"));
  TMSPROTO_FIELD(iv, hex_field(test, "iv"));
  TMSPROTO_FIELD(msg, hex_field(test, "msg"));
  TMSPROTO_FIELD(ct, hex_field(test, "ct"));
  auto enc = crypto::cbc_encrypt(c, key, iv, msg);
  if (!enc) return Verdict::rejected(crypto_why("encryption", enc.error()));
  if (Verdict v = compare_exact("ct", *enc, ct); v.kind != Verdict::Kind::kAccepted) return v;
  auto dec = crypto::cbc_decrypt(c, key, iv, ct);
  if (!dec) return Verdict::rejected(crypto_why("decryption", dec.error()));
  return compare_exact("plaintext of ct", *dec, msg);
}

Verdict check_des_ecb(const Json& t) { return check_ecb(Cipher::kDes, t); }
Verdict check_tdes_ecb(const Json& t) { return check_ecb(Cipher::kTdes, t); }
Verdict check_aes_ecb(const Json& t) { return check_ecb(Cipher::kAes, t); }
Verdict check_des_cbc(const Json& t) { return check_cbc(Cipher::kDes, t); }
Verdict check_tdes_cbc(const Json& t) { return check_cbc(Cipher::kTdes, t); }
Verdict check_aes_cbc(const Json& t) { return check_cbc(Cipher::kAes, t); }

Result<crypto::Padding, FieldError> padding_field(const Json& test) {
  const Json* v = member(test, "padding");
  if (v == nullptr) return fail(FieldError{"missing field \"padding\""});
  const auto n = integer_of(*v);
  if (n == 1) return crypto::Padding::kMethod1;
  if (n == 2) return crypto::Padding::kMethod2;
  return fail(FieldError{"field \"padding\" must be 1 or 2"});
}

// Shared shape of every MAC case: key, msg, mac; the first len(mac) bytes of the computed MAC
// must equal mac.
template <class ComputeFn>
Verdict check_mac(const Json& test, ComputeFn compute) {
  TMSPROTO_FIELD(key, hex_field(test, "key"));
  TMSPROTO_FIELD(msg, hex_field(test, "msg"));
  TMSPROTO_FIELD(mac, hex_field(test, "mac"));
  if (mac.empty()) return Verdict::malformed("field \"mac\" is empty");
  auto computed = compute(ByteView(key), ByteView(msg));
  if (!computed) return Verdict::rejected(crypto_why("MAC", computed.error()));
  return compare_prefix("mac", *computed, mac);
}

// REQ-CRYPTO-006: ANSI X9.9 (DES CBC-MAC, zero padding).
Verdict check_x9_9(const Json& test) {
  return check_mac(test, [](ByteView key, ByteView msg) { return crypto::x99_mac(key, msg); });
}

// REQ-CRYPTO-007: ANSI X9.19 retail MAC (ISO/IEC 9797-1 algorithm 3, two-key TDES, zero padding).
Verdict check_x9_19(const Json& test) {
  return check_mac(test, [](ByteView key, ByteView msg) { return crypto::x919_mac(key, msg); });
}

// REQ-CRYPTO-005/006: ISO/IEC 9797-1 MAC algorithm 1; the cipher follows the key length (8 bytes
// DES, 16 or 24 bytes TDES), any other length is refused.
Verdict check_iso9797_alg1(const Json& test) {
  TMSPROTO_FIELD(padding, padding_field(test));
  return check_mac(test, [&](ByteView key, ByteView msg) -> Result<Bytes, CryptoError> {
    if (key.size() != 8 && key.size() != 16 && key.size() != 24) return fail(CryptoError::kBadKeyLength);
    return crypto::iso9797_alg1(key.size() == 8 ? Cipher::kDes : Cipher::kTdes, key, msg, padding);
  });
}

// REQ-CRYPTO-005/007: ISO/IEC 9797-1 MAC algorithm 3.
Verdict check_iso9797_alg3(const Json& test) {
  TMSPROTO_FIELD(padding, padding_field(test));
  return check_mac(test,
                   [&](ByteView key, ByteView msg) { return crypto::iso9797_alg3(key, msg, padding); });
}

// REQ-CRYPTO-008: CMAC (NIST SP 800-38B).
Verdict check_aes_cmac(const Json& test) {
  return check_mac(test, [](ByteView key, ByteView msg) { return crypto::cmac(Cipher::kAes, key, msg); });
}
Verdict check_tdes_cmac(const Json& test) {
  return check_mac(test, [](ByteView key, ByteView msg) { return crypto::cmac(Cipher::kTdes, key, msg); });
}

// REQ-CRYPTO-009: key check value; the file gives the first len(kcv) bytes.
Verdict check_kcv(const Json& test) {
  TMSPROTO_FIELD(cipher_name, string_field(test, "cipher"));
  Cipher cipher{};
  if (cipher_name == "DES") {
    cipher = Cipher::kDes;
  } else if (cipher_name == "TDES") {
    cipher = Cipher::kTdes;
  } else if (cipher_name == "AES") {
    cipher = Cipher::kAes;
  } else {
    return Verdict::malformed("field \"cipher\" must be DES, TDES or AES");
  }
  TMSPROTO_FIELD(key, hex_field(test, "key"));
  TMSPROTO_FIELD(kcv, hex_field(test, "kcv"));
  if (kcv.empty()) return Verdict::malformed("field \"kcv\" is empty");
  auto computed = crypto::kcv(cipher, key);
  if (!computed) return Verdict::rejected(crypto_why("KCV", computed.error()));
  return compare_prefix("kcv", *computed, kcv);
}

// REQ-CRYPTO-011: unwrapping keyBlock under kbpk gives key; a refused unwrap is a rejection.
Verdict check_tr31(const Json& test) {
  TMSPROTO_FIELD(kbpk, hex_field(test, "kbpk"));
  TMSPROTO_FIELD(block, string_field(test, "keyBlock"));
  TMSPROTO_FIELD(key, hex_field(test, "key"));
  auto unwrapped = keyblock::unwrap(kbpk, block);
  if (!unwrapped) return Verdict::rejected("unwrap refused: " + std::string(keyblock::to_string(unwrapped.error())));
  return compare_exact("key", unwrapped->key.view(), key);
}

#undef TMSPROTO_FIELD

// The dispatch table. Names and fields are specified in vectors/README.md.
constexpr auto kAlgorithms = std::to_array<AlgorithmEntry>({
    {"DES-ECB", check_des_ecb},
    {"TDES-ECB", check_tdes_ecb},
    {"AES-ECB", check_aes_ecb},
    {"DES-CBC", check_des_cbc},
    {"TDES-CBC", check_tdes_cbc},
    {"AES-CBC", check_aes_cbc},
    {"X9.9-MAC", check_x9_9},
    {"X9.19-MAC", check_x9_19},
    {"ISO9797-1-ALG1", check_iso9797_alg1},
    {"ISO9797-1-ALG3", check_iso9797_alg3},
    {"AES-CMAC", check_aes_cmac},
    {"TDES-CMAC", check_tdes_cmac},
    {"KCV", check_kcv},
    {"TR31", check_tr31},
    {"TMS-HANDSHAKE", check_tms_handshake},    // handshake_vectors.cc
    {"TMS-TRANSCRIPT", check_tms_transcript},  // transcript_vectors.cc
});

// ---- the document walk --------------------------------------------------------------------------

CaseOutcome check_case(Checker check, const Json& test, std::size_t group, std::size_t index,
                       std::set<std::int64_t>& seen_ids) {
  CaseOutcome out;
  out.group = group;
  out.index = index;
  auto failed = [&](std::string why) {
    out.passed = false;
    out.why = std::move(why);
    return out;
  };
  if (!test.is_object()) return failed("test case is not an object");
  const Json* id = member(test, "tcId");
  if (id == nullptr) return failed("missing field \"tcId\"");
  out.tc_id = integer_of(*id);
  if (!out.tc_id) return failed("field \"tcId\" is not an integer");
  if (!seen_ids.insert(*out.tc_id).second) return failed("duplicate tcId");
  if (const Json* c = member(test, "comment"); c != nullptr && !c->is_string()) {
    return failed("field \"comment\" is not a string");
  }
  const Json* result = member(test, "result");
  if (result == nullptr) return failed("missing field \"result\"");
  if (!result->is_string() || (text_of(*result) != "valid" && text_of(*result) != "invalid")) {
    return failed("field \"result\" must be \"valid\" or \"invalid\"");
  }
  const bool expect_valid = text_of(*result) == "valid";

  const Verdict v = check(test);
  switch (v.kind) {
    case Verdict::Kind::kMalformed:
      return failed(v.why);
    case Verdict::Kind::kAccepted:
      if (expect_valid) break;
      return failed("an \"invalid\" case was accepted");
    case Verdict::Kind::kRejected:
      if (!expect_valid) break;
      return failed(v.why);
  }
  out.passed = true;
  return out;
}

}  // namespace

std::span<const AlgorithmEntry> algorithms() {
  return kAlgorithms;
}

Checker find_checker(std::string_view algorithm) {
  for (const AlgorithmEntry& a : algorithms()) {
    if (a.name == algorithm) return a.check;
  }
  return nullptr;
}

std::size_t DocumentOutcome::passed() const {
  std::size_t n = 0;
  for (const CaseOutcome& c : cases) n += c.passed ? 1 : 0;
  return n;
}

std::size_t DocumentOutcome::failed() const {
  return cases.size() - passed() + (error ? 1 : 0);
}

DocumentOutcome check_document(const Json& doc) {
  DocumentOutcome out;
  auto doc_error = [&](std::string why) {
    out.error = std::move(why);
    return out;
  };
  if (!doc.is_object()) return doc_error("the document is not a JSON object");
  if (const Json* alg = member(doc, "algorithm"); alg != nullptr && alg->is_string()) {
    out.algorithm = text_of(*alg);
  }
  const Json* schema = member(doc, "schema");
  if (schema == nullptr) return doc_error("missing field \"schema\"");
  if (!schema->is_string() || text_of(*schema) != kSchema) {
    return doc_error("field \"schema\" must be \"" + std::string(kSchema) + "\"");
  }
  const Json* alg = member(doc, "algorithm");
  if (alg == nullptr) return doc_error("missing field \"algorithm\"");
  if (!alg->is_string()) return doc_error("field \"algorithm\" is not a string");
  const Checker check = find_checker(out.algorithm);
  if (check == nullptr) return doc_error("unknown algorithm \"" + out.algorithm + "\"");
  // A published vector file must say where its known answers come from.
  const Json* source = member(doc, "source");
  if (source == nullptr) return doc_error("missing field \"source\"");
  if (!source->is_string() || text_of(*source).empty()) {
    return doc_error("field \"source\" must be a non-empty string");
  }
  const Json* groups = member(doc, "testGroups");
  if (groups == nullptr) return doc_error("missing field \"testGroups\"");
  if (!groups->is_array()) return doc_error("field \"testGroups\" is not an array");

  std::set<std::int64_t> seen_ids;
  for (std::size_t g = 0; g < groups->size(); ++g) {
    const Json& group = (*groups)[g];
    const Json* tests = member(group, "tests");
    if (!group.is_object() || tests == nullptr || !tests->is_array()) {
      return doc_error("testGroups[" + std::to_string(g) + "] has no \"tests\" array");
    }
    for (std::size_t i = 0; i < tests->size(); ++i) {
      out.cases.push_back(check_case(check, (*tests)[i], g, i, seen_ids));
    }
  }
  return out;
}

DocumentOutcome check_text(std::string_view text) {
  auto doc = parse_document(text);
  if (!doc) {
    DocumentOutcome out;
    out.error = "malformed JSON at " + doc.error().to_string();
    return out;
  }
  return check_document(*doc);
}

std::vector<std::string> failure_lines(std::string_view file, const DocumentOutcome& outcome) {
  std::vector<std::string> lines;
  const std::string alg = outcome.algorithm.empty() ? std::string("?") : outcome.algorithm;
  if (outcome.error) {
    lines.push_back("FAIL " + std::string(file) + " (" + alg + "): " + *outcome.error);
  }
  for (const CaseOutcome& c : outcome.cases) {
    if (c.passed) continue;
    const std::string where = c.tc_id ? "tcId " + std::to_string(*c.tc_id)
                                      : "group " + std::to_string(c.group) + " test " + std::to_string(c.index);
    lines.push_back("FAIL " + std::string(file) + " " + where + " (" + alg + "): " + c.why);
  }
  return lines;
}

}  // namespace tmsproto::vectors
