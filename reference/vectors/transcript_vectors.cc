// TMS-TRANSCRIPT: reading a recorded session and replaying each side of it through the engines
// (terminal/session.h, tms/session.h) with the in-memory ports of sim/memory_ports.h.
#include "vectors/transcript_vectors.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <tuple>
#include <optional>

#include "common/hex.h"
#include "crypto/digest.h"
#include "crypto/secret.h"
#include "custody/software_custody.h"
#include "protocol/response_code.h"
#include "session/clock.h"
#include "sim/memory_ports.h"
#include "terminal/session.h"
#include "tms/session.h"

namespace tmsproto::vectors {
namespace {


template <class T>
using Read = Result<T, FieldError>;

FieldError in(std::string_view where, const FieldError& e) { return FieldError{std::string(where) + ": " + e.why}; }

// "YYYYMMDDhhmmss", UTC (REQ-MSG-011), as written in the message's packed BCD.
Read<codec::DateTime> datetime_field(const Json& test, std::string_view name) {
  auto text = string_field(test, name);
  if (!text) return fail(text.error());
  const auto bad = [&] { return fail(FieldError{"field \"" + std::string(name) + "\" must be YYYYMMDDhhmmss"}); };
  if (text->size() != 14 || !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad();
  }
  const auto num = [&](std::size_t at, std::size_t n) { return std::stoi(text->substr(at, n)); };
  codec::DateTime t;
  t.year = static_cast<std::uint16_t>(num(0, 4));
  t.month = static_cast<std::uint8_t>(num(4, 2));
  t.day = static_cast<std::uint8_t>(num(6, 2));
  t.hour = static_cast<std::uint8_t>(num(8, 2));
  t.minute = static_cast<std::uint8_t>(num(10, 2));
  t.second = static_cast<std::uint8_t>(num(12, 2));
  if (!codec::valid_datetime(t)) return bad();
  return t;
}

std::string datetime_text(const codec::DateTime& t) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04u%02u%02u%02u%02u%02u", unsigned{t.year}, unsigned{t.month}, unsigned{t.day},
                unsigned{t.hour}, unsigned{t.minute}, unsigned{t.second});
  return buf;
}

Read<char> letter_field(const Json& v, std::string_view name, std::string_view allowed) {
  auto s = string_field(v, name);
  if (!s) return fail(s.error());
  if (s->size() != 1 || allowed.find((*s)[0]) == std::string_view::npos) {
    return fail(FieldError{"field \"" + std::string(name) + "\" must be one of \"" + std::string(allowed) + "\""});
  }
  return (*s)[0];
}

Read<std::vector<Draw>> draws_field(const Json& test, std::string_view name) {
  auto arr = array_field(test, name);
  if (!arr) return fail(arr.error());
  std::vector<Draw> out;
  for (std::size_t i = 0; i < (*arr)->size(); ++i) {
    const Json& d = (**arr)[i];
    const std::string where = std::string(name) + "[" + std::to_string(i) + "]";
    auto use = string_field(d, "use");
    if (!use) return fail(in(where, use.error()));
    auto bytes = hex_field(d, "hex");
    if (!bytes) return fail(in(where, bytes.error()));
    if (bytes->empty()) return fail(FieldError{where + ": a draw has at least one octet"});
    out.push_back({*use, std::move(*bytes)});
  }
  return out;
}

Read<std::vector<TranscriptMessage>> messages_field(const Json& test) {
  auto arr = array_field(test, "messages");
  if (!arr) return fail(arr.error());
  std::vector<TranscriptMessage> out;
  for (std::size_t i = 0; i < (*arr)->size(); ++i) {
    const Json& m = (**arr)[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    auto from = string_field(m, "from");
    if (!from) return fail(in(where, from.error()));
    if (*from != "terminal" && *from != "tms") return fail(FieldError{where + ": \"from\" must be terminal or tms"});
    auto body = hex_field(m, "hex");
    if (!body) return fail(in(where, body.error()));
    bool injected = false;
    if (const Json* inj = member(m, "injected"); inj != nullptr) {
      if (!inj->is_boolean()) return fail(FieldError{where + ": \"injected\" must be true or false"});
      injected = inj->get<bool>();
    }
    out.push_back({*from == "terminal", std::move(*body), injected});
  }
  if (out.empty()) return fail(FieldError{"field \"messages\" is empty"});
  return out;
}

Read<bool> bool_member(const Json& v, std::string_view name, bool fallback) {
  const Json* b = member(v, name);
  if (b == nullptr) return fallback;
  if (!b->is_boolean()) return fail(FieldError{"field \"" + std::string(name) + "\" must be true or false"});
  return b->get<bool>();
}

// `policy` (vectors/README.md): every member optional, defaulting to the honest sessions' value.
Read<TranscriptPolicy> policy_field(const Json& test, Profile profile) {
  TranscriptPolicy p;
  p.terminal_legacy_enabled = p.tms_legacy_enabled = profile == Profile::kLegacy;
  const Json* v = member(test, "policy");
  if (v == nullptr) return p;
  if (!v->is_object()) return fail(FieldError{"field \"policy\" must be an object"});
  const auto err = [](const FieldError& e) { return fail(FieldError{"policy: " + e.why}); };
  if (const Json* legacy = member(*v, "legacyEnabled"); legacy != nullptr) {
    auto t = bool_member(*legacy, "terminal", p.terminal_legacy_enabled);
    if (!t) return err(t.error());
    auto s = bool_member(*legacy, "tms", p.tms_legacy_enabled);
    if (!s) return err(s.error());
    p.terminal_legacy_enabled = *t;
    p.tms_legacy_enabled = *s;
  }
  for (auto [name, dest] : {std::pair{"unattendedAllowed", &p.unattended_allowed},
                            {"terminalRegistered", &p.terminal_registered},
                            {"keySetRegistered", &p.key_set_registered},
                            {"operatorEnrolled", &p.operator_enrolled},
                            {"operatorMayDownloadKeys", &p.operator_may_download_keys},
                            {"keyStoreFails", &p.key_store_fails},
                            {"applyFails", &p.apply_fails},
                            {"vendorFails", &p.vendor_fails}}) {
    auto b = bool_member(*v, name, *dest);
    if (!b) return err(b.error());
    *dest = *b;
  }
  if (member(*v, "freshnessWindowSeconds") != nullptr) {
    auto w = int_field(*v, "freshnessWindowSeconds", 0, 86400);
    if (!w) return err(w.error());
    p.freshness_window_s = *w;
  }
  if (const Json* lock = member(*v, "operatorLock"); lock != nullptr) {
    auto n = int_field(*lock, "consecutiveFailures", 0, 0xFFFFFFFF);
    if (!n) return err(n.error());
    auto until = int_field(*lock, "lockedUntil", 0, INT64_MAX);
    if (!until) return err(until.error());
    p.operator_failures = static_cast<std::uint32_t>(*n);
    p.operator_locked_until_s = *until;
  }
  if (member(*v, "decoySaltKey") != nullptr) {
    auto k = hex_field(*v, "decoySaltKey");
    if (!k) return err(k.error());
    if (k->size() != 32) return fail(FieldError{"policy: decoySaltKey must be 32 octets"});
    p.decoy_salt_key = *k;
  }
  if (member(*v, "replayCacheSeeded") != nullptr) {
    auto arr = array_field(*v, "replayCacheSeeded");
    if (!arr) return err(arr.error());
    for (const Json& r : **arr) {
      auto b = r.is_string() ? from_hex(text_of(r)) : std::nullopt;
      if (!b || b->size() != 8) return fail(FieldError{"policy: replayCacheSeeded holds T_RANDs of 8 octets"});
      std::array<std::uint8_t, 8> t{};
      std::copy(b->begin(), b->end(), t.begin());
      p.replay_cache_seeded.push_back(t);
    }
  }
  return p;
}

// `expect` (vectors/README.md). Absent: the session completes (T_DONE, S_DONE).
Read<TranscriptExpect> expect_field(const Json& test, std::size_t messages) {
  TranscriptExpect e;
  e.at_message = messages - 1;
  const Json* v = member(test, "expect");
  if (v == nullptr) return e;
  const auto err = [](const FieldError& x) { return fail(FieldError{"expect: " + x.why}); };
  auto ends = string_field(*v, "endsBy");
  if (!ends) return err(ends.error());
  if (*ends == "none") e.ends_by = TranscriptExpect::EndsBy::kNone;
  else if (*ends == "terminal") e.ends_by = TranscriptExpect::EndsBy::kTerminal;
  else if (*ends == "tms") e.ends_by = TranscriptExpect::EndsBy::kTms;
  else return fail(FieldError{"expect: endsBy must be terminal, tms or none"});
  auto at = int_field(*v, "atMessage", 0, static_cast<std::int64_t>(messages) - 1);
  if (!at) return err(at.error());
  e.at_message = static_cast<std::size_t>(*at);
  auto code = string_field(*v, "code");
  if (!code) return err(code.error());
  const auto rc = code->size() == 2 ? response_code_from_ascii((*code)[0], (*code)[1]) : std::nullopt;
  if (!rc) return fail(FieldError{"expect: code must be a response code of spec/08-response-codes.md"});
  e.code = *rc;
  auto ts = string_field(*v, "terminalState");
  if (!ts) return err(ts.error());
  if (*ts != "T_DONE" && *ts != "T_FAILED") return fail(FieldError{"expect: terminalState must be T_DONE or T_FAILED"});
  e.terminal_done = *ts == "T_DONE";
  auto ss = string_field(*v, "tmsState");
  if (!ss) return err(ss.error());
  if (*ss != "S_DONE" && *ss != "S_FAILED") return fail(FieldError{"expect: tmsState must be S_DONE or S_FAILED"});
  e.tms_done = *ss == "S_DONE";
  return e;
}

#define TMSPROTO_READ(var, reader)                 \
  auto var##_read = (reader);                      \
  if (!var##_read) return fail(var##_read.error()); \
  auto& var = *var##_read

std::string message_name(ByteView body) {
  if (body.empty()) return "empty body";
  const auto t = msg_type_from_octet(body[0]);
  return t ? std::string(name(*t)) : "type " + to_hex(body.first(1));
}

// How two message bodies differ, short enough for one FAIL line.
std::string difference(ByteView computed, ByteView expected) {
  std::size_t at = 0;
  while (at < computed.size() && at < expected.size() && computed[at] == expected[at]) ++at;
  std::string why = "computed " + message_name(computed) + " of " + std::to_string(computed.size()) +
                    " octets, expected " + message_name(expected) + " of " + std::to_string(expected.size());
  const auto window = [&](ByteView b) { return hex_of(b.subspan(std::min(at, b.size()), std::min<std::size_t>(8, b.size() - std::min(at, b.size())))); };
  return why + "; first difference at octet " + std::to_string(at) + " (computed " + window(computed) +
         "..., expected " + window(expected) + "...)";
}

// Walks the recorded messages for one side: what that side sends must be the next recorded
// messages from it, what the peer sent is fed in. `side` names the replayed side in reasons.
class Replay {
 public:
  Replay(const TranscriptCase& c, bool terminal_side, ScriptedRandom& rng)
      : c_(c), terminal_side_(terminal_side), rng_(rng) {}

  // The engine's output after one input; nullopt while everything matches. A recorded message
  // marked injected in this side's name stops the replay there: the engine would have sent
  // something else, which the transcript does not hold (vectors/README.md, "injected").
  std::optional<Verdict> take(const session::Output& out) {
    // Randomness that could not be served explains whatever the engine then sent, so it comes first.
    if (rng_.error()) return fail_here(*rng_.error());
    for (const Bytes& body : out.send) {
      if (stopped_) return std::nullopt;
      if (next_ < c_.messages.size() && c_.messages[next_].from_terminal == terminal_side_ &&
          c_.messages[next_].injected) {
        stopped_ = true;
        return std::nullopt;
      }
      if (next_ >= c_.messages.size() || c_.messages[next_].from_terminal != terminal_side_) {
        return fail_here("sent an extra " + message_name(body) + " (" + std::to_string(body.size()) +
                         " octets) after message " + std::to_string(next_));
      }
      const Bytes& want = c_.messages[next_].body;
      if (body.size() != want.size() || !std::equal(body.begin(), body.end(), want.begin())) {
        return fail_here("message " + std::to_string(next_) + ": " + difference(body, want));
      }
      ++next_;
    }
    return std::nullopt;
  }

  // The next recorded message must be the peer's, and is returned to be fed in.
  std::optional<ByteView> peer_message(std::optional<Verdict>& problem) {
    if (stopped_ || next_ >= c_.messages.size()) return std::nullopt;
    const TranscriptMessage& m = c_.messages[next_];
    if (m.from_terminal == terminal_side_) {
      if (m.injected) {
        stopped_ = true;
        return std::nullopt;
      }
      problem = fail_here("did not send message " + std::to_string(next_) + " (" + message_name(m.body) + ")");
      return std::nullopt;
    }
    ++next_;
    return ByteView(m.body);
  }

  bool stopped() const { return stopped_; }

  // `done`: the engine is in its DONE state; `failure`: the code it recorded when FAILED (nullopt:
  // none, e.g. connection lost). A side that stopped before an injected message is checked only
  // for what it sent.
  Verdict finish(bool done, std::optional<ResponseCode> failure, std::string_view state) {
    if (stopped_) return Verdict::accepted();
    const TranscriptExpect& e = c_.expect;
    const bool want_done = terminal_side_ ? e.terminal_done : e.tms_done;
    const std::string want_state = terminal_side_ ? (want_done ? "T_DONE" : "T_FAILED") : (want_done ? "S_DONE" : "S_FAILED");
    if (done != want_done) {
      return *fail_here("ended in " + std::string(state) + " after all messages, expected " + want_state);
    }
    if (!done && failure != e.code) {  // REQ-ERR-001: exactly the code of the first failing check
      return *fail_here("ended in " + want_state + " with code " + (failure ? digits(*failure) : "none") +
                        ", expected code " + digits(e.code));
    }
    if (!rng_.exhausted()) {
      return *fail_here("used " + std::to_string(rng_.used()) + " of the " +
                        std::to_string((terminal_side_ ? c_.terminal_random : c_.tms_random).size()) +
                        " recorded random draws");
    }
    return Verdict::accepted();
  }

 private:
  std::optional<Verdict> fail_here(const std::string& why) const {
    return Verdict::rejected(std::string(terminal_side_ ? "terminal" : "TMS") + " replay: " + why);
  }

  const TranscriptCase& c_;
  bool terminal_side_;
  ScriptedRandom& rng_;
  std::size_t next_ = 0;
  bool stopped_ = false;
};

// The FIT of a package (REQ-DL-012): SHA-256 of each piece of CHUNK_SIZE octets.
Bytes fit_of(ByteView content, std::size_t chunk) {
  Bytes fit;
  for (std::size_t start = 0; start < content.size(); start += chunk) {
    const auto d = crypto::sha256(content.subspan(start, std::min(chunk, content.size() - start)));
    fit.insert(fit.end(), d.begin(), d.end());
  }
  return fit;
}

Json hex_value(ByteView b) { return Json(b.empty() ? std::string() : to_hex(b)); }

Json draws_value(const std::vector<Draw>& draws) {
  std::vector<Json> items;
  for (const Draw& d : draws) items.push_back(object_of({{"use", Json(d.use)}, {"hex", hex_value(d.bytes)}}));
  return array_of(std::move(items));
}

}  // namespace

Result<TranscriptCase, FieldError> read_transcript_case(const Json& test) {
  TranscriptCase c;
  if (const Json* seed = member(test, "seed"); seed != nullptr && integer_of(*seed) && *integer_of(*seed) >= 0) {
    c.seed = static_cast<std::uint64_t>(*integer_of(*seed));
  }
  TMSPROTO_READ(p, profile_field(test));
  c.profile = p;
  TMSPROTO_READ(trans, string_field(test, "trans"));
  if (trans == "01") {
    c.trans = TransCode::kKeyDownload;
  } else if (trans == "02") {
    c.trans = TransCode::kProgramDownload;
  } else {
    return fail(FieldError{"field \"trans\" must be \"01\" or \"02\""});
  }
  TMSPROTO_READ(vendor, string_field(test, "vendorId"));
  TMSPROTO_READ(model, string_field(test, "modelId"));
  TMSPROTO_READ(serial, string_field(test, "serialNo"));
  c.id = {vendor, model, serial};
  TMSPROTO_READ(dmk, hex_field(test, "dmk"));
  c.dmk = dmk;
  TMSPROTO_READ(operator_id, string_field(test, "operatorId"));
  c.operator_id = operator_id;
  if (!c.operator_id.empty()) {
    TMSPROTO_READ(password, string_field(test, "operatorPassword"));
    c.operator_password = password;
    TMSPROTO_READ(salt, hex_field(test, "opvSalt"));
    if (salt.size() != c.opv_salt.size()) return fail(FieldError{"field \"opvSalt\" must be 16 octets"});
    std::copy(salt.begin(), salt.end(), c.opv_salt.begin());
    TMSPROTO_READ(iterations, int_field(test, "opvIterations", codec::kMinOpvIterations, codec::kMaxOpvIterations));
    c.opv_iterations = static_cast<std::uint32_t>(iterations);
    TMSPROTO_READ(opv, hex_field(test, "opv"));
    c.opv = opv;
  }
  if (c.trans == TransCode::kKeyDownload) {
    TMSPROTO_READ(key_set_id, string_field(test, "keySetId"));
    c.key_set_id = key_set_id;
  }
  TMSPROTO_READ(key_set, array_field(test, "keySet"));
  for (std::size_t i = 0; i < key_set->size(); ++i) {
    const Json& k = (*key_set)[i];
    const std::string where = "keySet[" + std::to_string(i) + "]";
    auto slot = int_field(k, "slot", 1, 254);
    if (!slot) return fail(in(where, slot.error()));
    auto usage = string_field(k, "keyUsage");
    if (!usage) return fail(in(where, usage.error()));
    auto alg = letter_field(k, "algorithm", "DTA");
    if (!alg) return fail(in(where, alg.error()));
    auto mode = letter_field(k, "modeOfUse", "BCDEGNSVX");
    if (!mode) return fail(in(where, mode.error()));
    auto key = hex_field(k, "key");
    if (!key) return fail(in(where, key.error()));
    c.key_set.push_back({static_cast<std::uint8_t>(*slot), profile::SlotRule{*usage, *alg, *mode, key->size()}, *key});
  }
  TMSPROTO_READ(public_key, hex_field(test, "vendorPublicKey"));
  c.vendor_public_key = public_key;
  TMSPROTO_READ(packages, array_field(test, "packages"));
  for (std::size_t i = 0; i < packages->size(); ++i) {
    const Json& pk = (*packages)[i];
    const std::string where = "packages[" + std::to_string(i) + "]";
    TranscriptPackage out;
    for (auto [name, dest] : {std::pair{"manifest", &out.manifest}, {"signature", &out.signature},
                              {"content", &out.content}}) {
      auto b = hex_field(pk, name);
      if (!b) return fail(in(where, b.error()));
      *dest = std::move(*b);
    }
    if (!codec::parse_manifest(out.manifest).ok()) return fail(FieldError{where + ": manifest does not parse"});
    if (out.signature.size() != codec::kSignatureLength) return fail(FieldError{where + ": signature is not 64 octets"});
    c.packages.push_back(std::move(out));
  }
  TMSPROTO_READ(installed, array_field(test, "installed"));
  for (std::size_t i = 0; i < installed->size(); ++i) {
    const Json& pk = (*installed)[i];
    const std::string where = "installed[" + std::to_string(i) + "]";
    auto kind = letter_field(pk, "kind", "APDM");
    if (!kind) return fail(in(where, kind.error()));
    auto name = string_field(pk, "name");
    if (!name) return fail(in(where, name.error()));
    auto version = int_field(pk, "version", 1, 0xFFFFFFFF);
    if (!version) return fail(in(where, version.error()));
    c.installed.push_back({static_cast<codec::PackageKind>(*kind), *name, static_cast<std::uint32_t>(*version)});
  }
  TMSPROTO_READ(max_chunk, int_field(test, "maxChunk", codec::kMinChunk, codec::kMaxChunk));
  c.max_chunk = static_cast<std::uint16_t>(max_chunk);
  {
    const Json* device = member(test, "device");
    if (device == nullptr || !device->is_object()) return fail(FieldError{"field \"device\" must be an object"});
    TMSPROTO_READ(hardware_id, string_field(*device, "hardwareId"));
    TMSPROTO_READ(firmware_id, string_field(*device, "firmwareId"));
    TMSPROTO_READ(bearer, int_field(*device, "bearer", 1, 8));
    TMSPROTO_READ(tamper, bool_member(*device, "tamper", false));
    c.device.hardware_id = hardware_id;
    c.device.firmware_id = firmware_id;
    c.device.bearer = static_cast<codec::Bearer>(bearer);
    c.device.tamper = tamper;
  }
  TMSPROTO_READ(terminal_time, datetime_field(test, "terminalTime"));
  c.terminal_time = terminal_time;
  TMSPROTO_READ(tms_time, datetime_field(test, "tmsTime"));
  c.tms_time = tms_time;
  TMSPROTO_READ(terminal_random, draws_field(test, "terminalRandom"));
  c.terminal_random = std::move(terminal_random);
  TMSPROTO_READ(tms_random, draws_field(test, "tmsRandom"));
  c.tms_random = std::move(tms_random);
  TMSPROTO_READ(messages, messages_field(test));
  c.messages = std::move(messages);
  TMSPROTO_READ(policy, policy_field(test, c.profile));
  c.policy = std::move(policy);
  TMSPROTO_READ(expect, expect_field(test, c.messages.size()));
  c.expect = expect;
  return c;
}

#undef TMSPROTO_READ

std::vector<Member> transcript_case_members(const TranscriptCase& c) {
  std::vector<Member> m;
  m.emplace_back("seed", Json(static_cast<std::int64_t>(c.seed)));
  m.emplace_back("profile", Json(std::string(profile_word(c.profile))));
  m.emplace_back("trans", Json(c.trans == TransCode::kKeyDownload ? "01" : "02"));
  m.emplace_back("vendorId", Json(c.id.vendor_id));
  m.emplace_back("modelId", Json(c.id.model_id));
  m.emplace_back("serialNo", Json(c.id.serial_no));
  m.emplace_back("dmk", hex_value(c.dmk));
  m.emplace_back("operatorId", Json(c.operator_id));
  if (!c.operator_id.empty()) {
    m.emplace_back("operatorPassword", Json(c.operator_password));
    m.emplace_back("opvSalt", hex_value(c.opv_salt));
    m.emplace_back("opvIterations", Json(c.opv_iterations));
    m.emplace_back("opv", hex_value(c.opv));
  }
  if (c.trans == TransCode::kKeyDownload) m.emplace_back("keySetId", Json(c.key_set_id));
  std::vector<Json> keys;
  for (const TranscriptKey& k : c.key_set) {
    keys.push_back(object_of({{"slot", Json(k.slot)},
                                  {"keyUsage", Json(k.rule.key_usage)},
                                  {"algorithm", Json(std::string(1, k.rule.algorithm))},
                                  {"modeOfUse", Json(std::string(1, k.rule.mode_of_use))},
                                  {"key", hex_value(k.key)}}));
  }
  m.emplace_back("keySet", array_of(std::move(keys)));
  m.emplace_back("vendorPublicKey", hex_value(c.vendor_public_key));
  std::vector<Json> packages;
  for (const TranscriptPackage& p : c.packages) {
    packages.push_back(object_of({{"manifest", hex_value(p.manifest)},
                                      {"signature", hex_value(p.signature)},
                                      {"content", hex_value(p.content)}}));
  }
  m.emplace_back("packages", array_of(std::move(packages)));
  std::vector<Json> installed;
  for (const auto& i : c.installed) {
    installed.push_back(object_of({{"kind", Json(std::string(1, static_cast<char>(i.kind)))},
                                       {"name", Json(i.name)},
                                       {"version", Json(i.version)}}));
  }
  m.emplace_back("installed", array_of(std::move(installed)));
  m.emplace_back("maxChunk", Json(c.max_chunk));
  m.emplace_back("device", object_of({{"hardwareId", Json(c.device.hardware_id)},
                                          {"firmwareId", Json(c.device.firmware_id)},
                                          {"bearer", Json(static_cast<int>(c.device.bearer))},
                                          {"tamper", Json(c.device.tamper)}}));
  m.emplace_back("terminalTime", Json(datetime_text(c.terminal_time)));
  m.emplace_back("tmsTime", Json(datetime_text(c.tms_time)));
  m.emplace_back("terminalRandom", draws_value(c.terminal_random));
  m.emplace_back("tmsRandom", draws_value(c.tms_random));
  std::vector<Json> messages;
  for (const TranscriptMessage& msg : c.messages) {
    std::vector<Member> mm = {{"from", Json(msg.from_terminal ? "terminal" : "tms")},
                              {"type", Json(message_name(msg.body))}};
    if (msg.injected) mm.emplace_back("injected", Json(true));
    mm.emplace_back("hex", hex_value(msg.body));
    messages.push_back(object_of(std::move(mm)));
  }
  m.emplace_back("messages", array_of(std::move(messages)));
  const TranscriptPolicy& p = c.policy;
  std::vector<Member> pol;
  pol.emplace_back("legacyEnabled", object_of({{"terminal", Json(p.terminal_legacy_enabled)},
                                                    {"tms", Json(p.tms_legacy_enabled)}}));
  pol.emplace_back("unattendedAllowed", Json(p.unattended_allowed));
  pol.emplace_back("freshnessWindowSeconds", Json(p.freshness_window_s));
  pol.emplace_back("terminalRegistered", Json(p.terminal_registered));
  if (c.trans == TransCode::kKeyDownload) pol.emplace_back("keySetRegistered", Json(p.key_set_registered));
  if (!c.operator_id.empty()) {
    pol.emplace_back("operatorEnrolled", Json(p.operator_enrolled));
    pol.emplace_back("operatorMayDownloadKeys", Json(p.operator_may_download_keys));
    pol.emplace_back("operatorLock",
                     object_of({{"consecutiveFailures", Json(p.operator_failures)},
                                    {"lockedUntil", Json(p.operator_locked_until_s)}}));
    pol.emplace_back("decoySaltKey", hex_value(p.decoy_salt_key));
  }
  std::vector<Json> seeded;
  for (const auto& t : p.replay_cache_seeded) seeded.push_back(hex_value(t));
  pol.emplace_back("replayCacheSeeded", array_of(std::move(seeded)));
  pol.emplace_back("keyStoreFails", Json(p.key_store_fails));
  pol.emplace_back("applyFails", Json(p.apply_fails));
  pol.emplace_back("vendorFails", Json(p.vendor_fails));
  m.emplace_back("policy", object_of(std::move(pol)));
  const TranscriptExpect& e = c.expect;
  using E = TranscriptExpect::EndsBy;
  m.emplace_back("expect",
                 object_of({{"endsBy", Json(e.ends_by == E::kNone ? "none"
                                                         : e.ends_by == E::kTerminal ? "terminal" : "tms")},
                                {"atMessage", Json(static_cast<std::int64_t>(e.at_message))},
                                {"code", Json(digits(e.code))},
                                {"terminalState", Json(e.terminal_done ? "T_DONE" : "T_FAILED")},
                                {"tmsState", Json(e.tms_done ? "S_DONE" : "S_FAILED")}}));
  return m;
}

void apply_terminal_policy(const TranscriptPolicy& p, terminal::Config& config, sim::MemoryKeyStore& keys,
                           sim::MemoryPackageStore& store) {
  config.legacy_enabled = p.terminal_legacy_enabled;  // REQ-CRYPTO-020
  keys.fail_next = p.key_store_fails;                 // REQ-KEY-022
  store.fail_apply = p.apply_fails;                   // REQ-DL-030
}

void apply_tms_policy(const TranscriptPolicy& p, const codec::Identity& id, const std::string& key_set_id,
                      std::string_view operator_id, sim::MemoryRegistry& registry, tms::Config& config,
                      sim::MemoryReplayCache& replay_cache, sim::MemoryVendor& vendor) {
  // REQ-OPR-007: the decoy salts come from the policy's estate key.
  sim::MemoryRegistry fresh{crypto::SecretBytes(p.decoy_salt_key)};
  fresh.terminals = std::move(registry.terminals);
  fresh.operators = std::move(registry.operators);
  fresh.enrolment_iterations = registry.enrolment_iterations;
  registry = std::move(fresh);
  const auto key = std::tuple{id.vendor_id, id.model_id, id.serial_no};
  if (auto t = registry.terminals.find(key); t != registry.terminals.end()) {
    t->second.record.legacy_enabled = p.tms_legacy_enabled;  // REQ-CRYPTO-020
    t->second.unattended_allowed = p.unattended_allowed;     // REQ-OPR-005
    if (!p.key_set_registered) t->second.key_sets.erase(key_set_id);  // REQ-KEY-013
    if (!p.terminal_registered) registry.terminals.erase(t);         // REQ-HS-018
  }
  for (auto& o : registry.operators) {
    if (o.vendor_id != id.vendor_id || o.operator_id != operator_id) continue;
    o.may_download_keys = p.operator_may_download_keys;  // REQ-OPR-004
    o.lock = tms::OperatorLock{p.operator_failures, p.operator_locked_until_s};  // REQ-OPR-006
  }
  if (!p.operator_enrolled) {
    std::erase_if(registry.operators, [&](const auto& o) { return o.vendor_id == id.vendor_id && o.operator_id == operator_id; });
  }
  config.freshness_window_s = p.freshness_window_s;  // REQ-HS-012
  for (const auto& t : p.replay_cache_seeded) {      // REQ-HS-013: seen, and not yet expired
    (void)replay_cache.remember(id, t, INT64_MAX / 2, 0);
  }
  vendor.fail = p.vendor_fails;  // REQ-TMS-022
}

// The terminal's side: configured as installed (REQ-KEY-001, REQ-KEY-025), started with the
// operator's command, fed the TMS's messages.
Verdict replay_terminal(const TranscriptCase& c) {
  terminal::Config config;
  config.id = c.id;
  config.profile = c.profile;
  config.dmk = crypto::SecretBytes(c.dmk);
  config.vendor_public_key = c.vendor_public_key;
  for (const TranscriptKey& k : c.key_set) config.slots[k.slot] = k.rule;
  config.max_chunk = c.max_chunk;
  session::FixedClock clock(c.terminal_time);
  ScriptedRandom rng(c.terminal_random);
  sim::MemoryKeyStore keys;
  sim::MemoryPackageStore store;
  for (const auto& i : c.installed) {
    if (i.kind == codec::PackageKind::kMaster) store.install_master(i.name, i.version);  // slot 1, settled
    else store.packages[{i.kind, i.name}] = {i.version, {}};
  }
  sim::MemoryDevice device;
  device.device = c.device;
  apply_terminal_policy(c.policy, config, keys, store);
  terminal::Session s(config, {clock, rng, keys, store, device});

  terminal::StartCommand command;
  command.trans = c.trans;
  command.key_set_id = c.key_set_id;
  command.operator_id = c.operator_id;
  command.operator_password = crypto::SecretBytes(Bytes(c.operator_password.begin(), c.operator_password.end()));
  Replay replay(c, true, rng);
  if (auto problem = replay.take(s.start(std::move(command)))) return *problem;
  std::optional<Verdict> problem;
  while (auto body = replay.peer_message(problem)) {
    if (auto p = replay.take(s.receive(*body))) return *p;
  }
  if (problem) return *problem;
  if (!replay.stopped() && s.state() != terminal::State::T_DONE && s.state() != terminal::State::T_FAILED) {
    return Verdict::rejected("terminal replay: ended in " + std::string(terminal::name(s.state())) +
                             " after all messages");
  }
  return replay.finish(s.state() == terminal::State::T_DONE, s.failure() ? s.failure()->code : std::nullopt,
                       terminal::name(s.state()));
}

// The TMS's side: its key custody holds the terminal's DMK and the key set's keys (REQ-KEY-006),
// its registry the key set's slots and the operator's salt, count and OPV (REQ-OPR-002), its
// vendor database the packages; it is fed the terminal's messages. The estate keys (decoy salts,
// DMK fingerprints) do not show on the wire of these sessions, so any fixed value does.
Verdict replay_tms(const TranscriptCase& c) {
  sim::MemoryRegistry registry(crypto::SecretBytes(Bytes(32, 0x00)));
  custody::SoftwareCustody custody(crypto::SecretBytes(Bytes(32, 0x00)));
  if (!custody.add_dmk(c.id, c.profile, crypto::SecretBytes(c.dmk)).ok()) return Verdict::rejected("dmk refused");
  sim::MemoryRegistry::Terminal& t = registry.terminals[{c.id.vendor_id, c.id.model_id, c.id.serial_no}];
  t.record = tms::TerminalRecord{c.profile, c.profile == Profile::kLegacy};
  if (c.trans == TransCode::kKeyDownload) {
    std::vector<tms::KeySetSlot> slots;
    for (const TranscriptKey& k : c.key_set) {
      slots.push_back({k.slot, k.rule});
      if (!custody.add_key_set_key(c.id, c.key_set_id, slots.back(), crypto::SecretBytes(k.key)).ok()) {
        return Verdict::rejected("keySet: a key does not fit its slot");
      }
    }
    if (!registry.register_key_set(c.id, c.key_set_id, std::move(slots)).ok()) {
      return Verdict::rejected("keySet: the profile cannot deliver one of its keys (REQ-KEY-014)");
    }
  }
  if (!c.operator_id.empty()) {
    const Bytes pw(c.operator_password.begin(), c.operator_password.end());
    auto opv = profile::operator_verifier(pw, c.id.vendor_id, c.operator_id, c.opv_salt, c.opv_iterations);
    if (!opv) return Verdict::rejected("operator_verifier refused the password");
    if (Verdict v = compare_exact("opv", opv->view(), c.opv); v.kind != Verdict::Kind::kAccepted) return v;
    sim::MemoryRegistry::Operator o;
    o.vendor_id = c.id.vendor_id;
    o.operator_id = c.operator_id;
    o.salt = c.opv_salt;
    o.iterations = c.opv_iterations;
    o.password = crypto::SecretBytes(pw);
    o.derived_opv = std::move(opv).value();
    registry.operators.push_back(std::move(o));
  }
  sim::MemoryVendorDirectory vendors;
  sim::MemoryVendor& vendor = vendors.vendors.emplace(c.id.vendor_id, sim::MemoryVendor(c.id.vendor_id)).first->second;
  for (const TranscriptPackage& p : c.packages) {
    sim::MemoryVendor::Package pkg;
    pkg.offer.manifest = *codec::parse_manifest(p.manifest);  // parsed when the case was read
    std::copy(p.signature.begin(), p.signature.end(), pkg.offer.signature.begin());
    pkg.fit = fit_of(p.content, pkg.offer.manifest.chunk_size);
    pkg.content = p.content;
    vendor.packages.push_back(std::move(pkg));
  }
  sim::MemoryReplayCache replay_cache;
  sim::MemoryAuditLog audit;
  session::FixedClock clock(c.tms_time);
  ScriptedRandom rng(c.tms_random);
  tms::Config config;
  apply_tms_policy(c.policy, c.id, c.key_set_id, c.operator_id, registry, config, replay_cache, vendor);
  sim::MemoryReports reports;
  tms::Session s(config, {clock, rng, registry, custody, replay_cache, vendors, audit, reports});

  Replay replay(c, false, rng);
  std::optional<Verdict> problem;
  while (auto body = replay.peer_message(problem)) {
    if (auto p = replay.take(s.receive(*body))) return *p;
  }
  if (problem) return *problem;
  if (!replay.stopped() && s.state() != tms::State::S_DONE && s.state() != tms::State::S_FAILED) {
    return Verdict::rejected("TMS replay: ended in " + std::string(tms::name(s.state())) + " after all messages");
  }
  return replay.finish(s.state() == tms::State::S_DONE, s.failure() ? s.failure()->code : std::nullopt,
                       tms::name(s.state()));
}

Verdict check_tms_transcript(const Json& test) {
  TMSPROTO_FIELD(c, read_transcript_case(test));
  if (c.dmk.size() != key_length(c.profile)) {
    return Verdict::rejected("dmk must be " + std::to_string(key_length(c.profile)) + " octets in profile " +
                             std::string(profile_word(c.profile)));
  }
  // The expectation must describe the recorded messages: the failing side's ABORT is the last
  // message and carries the code (REQ-ERR-002); a failing SESSION_END (18, 22) is the terminal's.
  using E = TranscriptExpect::EndsBy;
  if (c.expect.ends_by != E::kNone) {
    const TranscriptMessage& at = c.messages[c.expect.at_message];
    if (at.from_terminal != (c.expect.ends_by == E::kTerminal)) {
      return Verdict::rejected("expect: message " + std::to_string(c.expect.at_message) + " is not from " +
                               (c.expect.ends_by == E::kTerminal ? "the terminal" : "the TMS"));
    }
    if (at.body[0] == static_cast<std::uint8_t>(MsgType::kAbort)) {
      if (c.expect.at_message + 1 != c.messages.size()) {
        return Verdict::rejected("expect: a message follows the ABORT (REQ-ERR-002)");
      }
      if (at.body.size() != 4 || at.body[2] != digits(c.expect.code)[0] || at.body[3] != digits(c.expect.code)[1]) {
        return Verdict::rejected("expect: the ABORT does not carry code " + digits(c.expect.code));
      }
    }
  } else if (c.expect.code != ResponseCode::kSuccess || !c.expect.terminal_done || !c.expect.tms_done) {
    return Verdict::rejected("expect: endsBy none needs code 00, T_DONE and S_DONE");
  }
  if (Verdict v = replay_terminal(c); v.kind != Verdict::Kind::kAccepted) return v;
  return replay_tms(c);
}

}  // namespace tmsproto::vectors
