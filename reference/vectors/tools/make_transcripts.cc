// tmsproto_make_transcripts [OUT.json]: writes vectors/tms_transcript.json (algorithm
// TMS-TRANSCRIPT, vectors/README.md) to OUT.json, or to stdout.
//
// Each valid case is one honest session between the reference terminal and the reference TMS, run
// on the in-memory estate of sim/estate.h built from the case's seed, with a fixed clock per side
// and each side's random source recorded (RecordingRandom). The recorded draws are labelled by
// what the engine draws them for, in the engine's order (kTmsDraws below); the generator refuses
// to write a case whose draws do not have exactly those uses and lengths. Every case is then
// checked with the same checker `tmsproto vectors check` uses, and every invalid case must be
// rejected by it, before anything is written.
//
// These are recordings of tmsproto, not independent answers; the handshake cryptograms in them
// are recomputed independently by vectors/tools/recompute_handshake.py.
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "sim/estate.h"
#include "vectors/json.h"
#include "vectors/transcript_vectors.h"

namespace tmsproto::vectors {
namespace {

using json::Member;
using json::Value;

struct CaseSpec {
  std::uint64_t seed;
  Profile profile;
  TransCode trans;
  bool with_operator;
  std::vector<sim::PackageSpec> packages;
  std::vector<codec::InstalledPackage> installed;
  std::string comment;
};

const codec::DateTime kTerminalTime{2026, 11, 26, 16, 0, 0};
const codec::DateTime kTmsTime{2026, 11, 26, 16, 0, 5};

sim::PackageSpec app(std::uint32_t version) {
  return {codec::PackageKind::kApplication, "PAYAPP", version, 1300, 512};
}
sim::PackageSpec params() { return {codec::PackageKind::kParameters, "PAYPARAM", 1, 300, 256}; }

// The valid sessions: every profile, both transactions.
std::vector<CaseSpec> valid_specs() {
  return {
      {1, Profile::kLegacy, TransCode::kProgramDownload, false, {app(2)}, {},
       "LEGACY (insecure, patent-faithful), remote program download, unattended (the only LEGACY session, "
       "REQ-CRYPTO-025)"},
      {2, Profile::kTdes, TransCode::kProgramDownload, false, {app(2), params()}, {},
       "TDES, remote program download of two packages, unattended"},
      {3, Profile::kTdes, TransCode::kProgramDownload, true, {app(2)}, {},
       "TDES, remote program download, operator OP01"},
      {4, Profile::kTdes, TransCode::kKeyDownload, true, {}, {},
       "TDES, remote key download of key set TMK00001 (2 keys), operator OP01"},
      {5, Profile::kAes128, TransCode::kProgramDownload, false, {app(2)}, {},
       "AES128, remote program download, unattended (OPERATOR_ID all 0x20, OPERATOR_PROOF all 0x00)"},
      {6, Profile::kAes128, TransCode::kKeyDownload, true, {}, {},
       "AES128, remote key download of key set TMK00001 (2 keys), operator OP01"},
      {7, Profile::kAes256, TransCode::kProgramDownload, true, {app(3), params()},
       {{codec::PackageKind::kApplication, "PAYAPP", 2}},
       "AES256, remote program download of two packages, PAYAPP v2 installed before (v3 offered)"},
      {8, Profile::kAes256, TransCode::kKeyDownload, true, {}, {},
       "AES256, remote key download of key set TMK00001 (2 keys), operator OP01"},
  };
}

// The uses of the TMS's draws, in the order the engine makes them (tms/handshake_rows.cc):
// S1 draws S_RAND (REQ-HS-015), then the key custody draws DWK (REQ-HS-014) and the TR-31 padding
// of DWK_1 (REQ-CRYPTO-031); S2 draws the DSK (REQ-KEY-010), the padding of its key block and the padding
// of each delivered key's block (REQ-CRYPTO-035). LEGACY has no key blocks and so no padding.
std::vector<std::string> tms_draw_uses(const CaseSpec& s, const std::vector<TranscriptKey>& key_set) {
  const bool tr31 = s.profile != Profile::kLegacy;
  const bool parity = s.profile == Profile::kLegacy || s.profile == Profile::kTdes;
  const std::string then_parity = parity ? " (odd parity then set, REQ-CRYPTO-018)" : "";
  std::vector<std::string> uses = {"S_RAND", "DWK" + then_parity};
  if (tr31) uses.push_back("TR-31 padding of DWK_1");
  uses.push_back("DSK" + then_parity);
  if (tr31) uses.push_back("TR-31 padding of the DSK key block (slot 0)");
  if (s.trans == TransCode::kKeyDownload && tr31) {
    for (const auto& k : key_set) uses.push_back("TR-31 padding of the slot " + std::to_string(k.slot) + " key block");
  }
  return uses;
}

[[noreturn]] void die(const std::string& why) {
  std::cerr << "tmsproto_make_transcripts: " << why << "\n";
  std::exit(1);
}

std::vector<Draw> label(const std::vector<Bytes>& draws, const std::vector<std::string>& uses, const char* side) {
  if (draws.size() != uses.size()) {
    die(std::string(side) + " drew " + std::to_string(draws.size()) + " times, expected " + std::to_string(uses.size()));
  }
  std::vector<Draw> out;
  for (std::size_t i = 0; i < draws.size(); ++i) out.push_back({uses[i], draws[i]});
  return out;
}

TranscriptCase record(const CaseSpec& spec) {
  sim::EstateOptions o;
  o.profile = spec.profile;
  o.trans = spec.trans;
  o.with_operator = spec.with_operator;
  o.packages = spec.packages;
  o.seed = spec.seed;
  auto e = sim::make_estate(o);
  for (const auto& i : spec.installed) e->package_store.packages[{i.kind, i.name}] = {i.version, {}};

  session::FixedClock terminal_clock(kTerminalTime), tms_clock(kTmsTime);
  RecordingRandom terminal_rng(e->terminal_rng), tms_rng(e->tms_rng);
  terminal::Session term(e->terminal_config, {terminal_clock, terminal_rng, e->key_store, e->package_store});
  tms::Session server(e->tms_config, {tms_clock, tms_rng, e->registry, e->custody, e->replay, e->vendors, e->audit});

  TranscriptCase c;
  std::deque<TranscriptMessage> queue;
  auto take = [&](session::Output out, bool from_terminal) {
    for (auto& b : out.send) queue.push_back({from_terminal, std::move(b)});
  };
  take(term.start(e->command()), true);
  while (!queue.empty()) {
    TranscriptMessage m = std::move(queue.front());
    queue.pop_front();
    c.messages.push_back(m);
    if (m.from_terminal) take(server.receive(m.body), false);
    else take(term.receive(m.body), true);
  }
  if (term.state() != terminal::State::T_DONE || server.state() != tms::State::S_DONE) {
    die("seed " + std::to_string(spec.seed) + ": the session did not complete");
  }

  c.seed = spec.seed;
  c.profile = spec.profile;
  c.trans = spec.trans;
  c.id = e->terminal_config.id;
  c.dmk = Bytes(e->terminal_config.dmk.view().begin(), e->terminal_config.dmk.view().end());
  if (spec.with_operator) {
    c.operator_id = e->operator_id;
    c.operator_password = e->operator_password;
    const auto& op = e->registry.operators.at(0);
    c.opv_salt = op.salt;
    c.opv_iterations = op.iterations;
    c.opv = Bytes(op.opv.view().begin(), op.opv.view().end());
  }
  if (spec.trans == TransCode::kKeyDownload) {
    c.key_set_id = e->key_set_id;
    const auto& slots = e->key_set();
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const ByteView key = e->key_set_keys[i].view();
      c.key_set.push_back({slots[i].slot, slots[i].rule, Bytes(key.begin(), key.end())});
    }
  }
  c.vendor_public_key = e->terminal_config.vendor_public_key;
  for (const auto& p : e->vendor().packages) {
    TranscriptPackage tp;
    tp.manifest = codec::serialize(p.offer.manifest);
    tp.signature.assign(p.offer.signature.begin(), p.offer.signature.end());
    tp.content = p.content;
    c.packages.push_back(std::move(tp));
  }
  c.installed = spec.installed;
  c.max_chunk = e->terminal_config.max_chunk;
  c.terminal_time = kTerminalTime;
  c.tms_time = kTmsTime;
  c.terminal_random = label(terminal_rng.draws(), {"T_RAND"}, "the terminal");
  c.tms_random = label(tms_rng.draws(), tms_draw_uses(spec, c.key_set), "the TMS");
  return c;
}

Value test_value(int id, const std::string& comment, const TranscriptCase& c, bool valid,
                 const std::vector<std::string>& flags) {
  std::vector<Member> m;
  m.emplace_back("tcId", Value::integer(id));
  m.emplace_back("comment", Value::string(comment));
  std::vector<Value> f;
  for (const auto& x : flags) f.push_back(Value::string(x));
  m.emplace_back("flags", Value::array(std::move(f)));
  for (auto& member : transcript_case_members(c)) m.push_back(std::move(member));
  m.emplace_back("result", Value::string(valid ? "valid" : "invalid"));
  return Value::object(std::move(m));
}

void require(const Value& test, bool valid, int id) {
  const Verdict v = check_tms_transcript(test);
  const bool accepted = v.kind == Verdict::Kind::kAccepted;
  if (v.kind == Verdict::Kind::kMalformed) die("tcId " + std::to_string(id) + " is malformed: " + v.why);
  if (accepted != valid) {
    die("tcId " + std::to_string(id) + (valid ? " was rejected: " + v.why : std::string(" was accepted")));
  }
}

// Pretty printing: an object or array whose members are all scalars goes on one line.
bool flat(const Value& v) {
  if (json::serialise(v).size() > 160 && v.is_array()) return false;  // e.g. "notes": one per line
  if (v.is_object()) {
    for (const auto& [k, x] : v.members()) if (x.is_object() || x.is_array()) return false;
  }
  if (v.is_array()) {
    for (const auto& x : v.items()) if (x.is_object() || x.is_array()) return false;
  }
  return true;
}

void pretty(std::ostream& out, const Value& v, int indent) {
  if (flat(v)) {
    out << json::serialise(v);
    return;
  }
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  if (v.is_array()) {
    out << "[\n";
    for (std::size_t i = 0; i < v.items().size(); ++i) {
      out << pad;
      pretty(out, v.items()[i], indent + 2);
      out << (i + 1 < v.items().size() ? ",\n" : "\n");
    }
    out << std::string(static_cast<std::size_t>(indent), ' ') << "]";
    return;
  }
  out << "{\n";
  for (std::size_t i = 0; i < v.members().size(); ++i) {
    out << pad << json::serialise(Value::string(v.members()[i].first)) << ": ";
    pretty(out, v.members()[i].second, indent + 2);
    out << (i + 1 < v.members().size() ? ",\n" : "\n");
  }
  out << std::string(static_cast<std::size_t>(indent), ' ') << "}";
}

Value strings(const std::vector<std::string>& xs) {
  std::vector<Value> v;
  for (const auto& x : xs) v.push_back(Value::string(x));
  return Value::array(std::move(v));
}

void flip_last_bit_of(Bytes& b, std::size_t offset_from_end) { b[b.size() - 1 - offset_from_end] ^= 0x01; }

std::size_t find_message(const TranscriptCase& c, MsgType type) {
  for (std::size_t i = 0; i < c.messages.size(); ++i) {
    if (!c.messages[i].body.empty() && c.messages[i].body[0] == static_cast<std::uint8_t>(type)) return i;
  }
  die("no message of the wanted type");
}

}  // namespace
}  // namespace tmsproto::vectors

int main(int argc, char** argv) {
  using namespace tmsproto;
  using namespace tmsproto::vectors;
  if (argc > 2) {
    std::cerr << "usage: tmsproto_make_transcripts [OUT.json]\n";
    return 2;
  }
  std::vector<Value> valid_tests, invalid_tests;
  std::vector<TranscriptCase> recorded;
  int id = 1;
  for (const CaseSpec& spec : valid_specs()) {
    TranscriptCase c = record(spec);
    Value t = test_value(id, spec.comment + "; seed " + std::to_string(spec.seed), c, true, {"HonestSession"});
    require(t, true, id);
    valid_tests.push_back(std::move(t));
    recorded.push_back(std::move(c));
    ++id;
  }

  // Invalid cases: one explicit change to a valid case each; both replays must notice.
  struct Change {
    std::size_t base;  // index into recorded
    std::string comment;
    std::string flag;
    void (*apply)(TranscriptCase&);
  };
  const std::vector<Change> changes = {
      {4, "tcId 5 with the last bit of TAC_1 in HS_AUTH_REQUEST flipped: the terminal must answer ABORT 11 "
          "(REQ-HS-022, REQ-HS-024)",
       "ModifiedCryptogram",
       [](TranscriptCase& c) { flip_last_bit_of(c.messages[find_message(c, MsgType::kHsAuthRequest)].body, 0); }},
      {0, "tcId 1 with the last bit of SAC_1 in HS_AUTH_ANSWER flipped: the TMS must answer ABORT 12 "
          "(REQ-HS-031)",
       "ModifiedCryptogram",
       [](TranscriptCase& c) { flip_last_bit_of(c.messages[find_message(c, MsgType::kHsAuthAnswer)].body, 0); }},
      {2, "tcId 3 with one bit of the first FRAME_RESPONSE's MAC flipped: the terminal must answer ABORT 13 "
          "(REQ-MSG-070, REQ-CRYPTO-042)",
       "ModifiedEnvelope",
       [](TranscriptCase& c) { flip_last_bit_of(c.messages[find_message(c, MsgType::kFrameResponse)].body, 3); }},
      {5, "tcId 6 with one bit of KEY_MAC in KEY_MESSAGE flipped: the terminal must answer ABORT 13 "
          "(REQ-CRYPTO-036)",
       "ModifiedCryptogram",
       [](TranscriptCase& c) { flip_last_bit_of(c.messages[find_message(c, MsgType::kKeyMessage)].body, 0); }},
      {7, "tcId 8 with the first bit of the recorded T_RAND flipped: the terminal's HS_REQUEST is no longer the "
          "recorded one",
       "ModifiedRandom",
       [](TranscriptCase& c) { c.terminal_random[0].bytes[0] ^= 0x80; }},
      {3, "tcId 4 with a wrong DMK (bit 0x02 of its last octet flipped; the 0x01 bits are DES parity bits, which every DES implementation ignores): DWK_1 does not unwrap on the terminal (ABORT 11, "
          "REQ-HS-020) and the TMS wraps DWK differently",
       "WrongKey",
       [](TranscriptCase& c) { c.dmk.back() ^= 0x02; }},
      {6, "tcId 7 with the TMS's date-time one second later: S_DATA, and with it every cryptogram, changes",
       "ModifiedClock",
       [](TranscriptCase& c) { c.tms_time.second += 1; }},
  };
  for (const Change& ch : changes) {
    TranscriptCase c = recorded[ch.base];
    ch.apply(c);
    Value t = test_value(id, ch.comment, c, false, {ch.flag});
    require(t, false, id);
    invalid_tests.push_back(std::move(t));
    ++id;
  }

  std::vector<Member> doc;
  doc.emplace_back("schema", Value::string(std::string(kSchema)));
  doc.emplace_back("algorithm", Value::string("TMS-TRANSCRIPT"));
  doc.emplace_back(
      "source",
      Value::string("Recorded from tmsproto's reference implementation (reference/vectors/tools/make_transcripts.cc, "
                    "tmsproto_make_transcripts), seed N as given in each case's \"seed\" field (estate of "
                    "reference/sim/estate.cc); not an independent answer. The handshake cryptograms in every valid "
                    "case (TAC_1, SAC_1, OPERATOR_PROOF, KEY_MAC) and the MAC of every envelope are recomputed "
                    "independently from spec/07-crypto.md by vectors/tools/recompute_handshake.py."));
  doc.emplace_back("reqs", strings({"REQ-HS-001", "REQ-HS-021", "REQ-HS-022", "REQ-HS-023", "REQ-HS-031",
                                    "REQ-TERM-003", "REQ-TMS-003", "REQ-CRYPTO-016", "REQ-CRYPTO-021",
                                    "REQ-CRYPTO-022", "REQ-CRYPTO-023", "REQ-CRYPTO-024", "REQ-CRYPTO-030",
                                    "REQ-CRYPTO-031", "REQ-CRYPTO-032", "REQ-CRYPTO-033", "REQ-CRYPTO-034",
                                    "REQ-CRYPTO-035", "REQ-CRYPTO-036", "REQ-CRYPTO-040", "REQ-CRYPTO-041",
                                    "REQ-CRYPTO-042", "REQ-OPR-002"}));
  doc.emplace_back(
      "notes",
      strings({"terminalRandom and tmsRandom list every call each side made to its random source, in order, with "
               "what it was for; a replay serves draw k to the k-th call and fails if the lengths differ or draws "
               "are left over.",
               "The TMS draws, in order (spec/07-crypto.md 7.8): S_RAND (REQ-HS-015), DWK (REQ-HS-014), the "
               "TR-31 padding of DWK_1 "
               "(not in LEGACY); then, after SAC_1 and the operator proof check out, the DSK, the TR-31 padding "
               "of the DSK's key block (not in LEGACY) and, for a key download outside LEGACY, the TR-31 padding "
               "of each delivered key's block in slot order. DES and TDES keys (LEGACY, TDES) are the drawn "
               "octets with odd parity then set in every octet (REQ-CRYPTO-018).",
               "The terminal draws T_RAND only. Each side's clock is fixed: terminalTime is T_TIME, tmsTime is "
               "S_TIME (UTC, REQ-MSG-011).",
               "Packages: the vendor database holds each manifest, its signature and the content; the FIT is "
               "SHA-256 of each CHUNK_SIZE piece (REQ-DL-012). installed lists what the terminal had installed "
               "before the session.",
               "opv is the operator verifier the TMS stores (REQ-OPR-002), derived from operatorPassword with the "
               "operator's opvSalt and opvIterations as enrolled at the TMS (the TMS sends both in HS_AUTH_REQUEST); "
               "it is given so that PBKDF2 can be checked on its own."}));
  doc.emplace_back("testGroups",
                   Value::array({Value::object({{"comment", Value::string("honest sessions: every profile, both "
                                                                          "transactions")},
                                                {"tests", Value::array(std::move(valid_tests))}}),
                                 Value::object({{"comment", Value::string("one changed input or message each: "
                                                                          "both replays must fail")},
                                                {"tests", Value::array(std::move(invalid_tests))}})}));
  std::ostringstream text;
  pretty(text, Value::object(std::move(doc)), 0);
  text << "\n";
  if (argc == 2) {
    std::ofstream f(argv[1], std::ios::binary);
    f << text.str();
    if (!f) die(std::string("cannot write ") + argv[1]);
  } else {
    std::cout << text.str();
  }
  return 0;
}
