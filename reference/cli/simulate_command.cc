// `tmsproto simulate`: an honest terminal and an honest TMS run against each other in memory
// through the whole protocol, printed the way a protocol analyser shows an exchange.
#include <cstdio>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "analyser/describe.h"
#include "common/hex.h"
#include "crypto/digest.h"
#include "crypto/random.h"
#include "sim/estate.h"

namespace tmsproto::cli {
namespace {

struct Options {
  Profile profile = Profile::kAes128;
  TransCode trans = TransCode::kProgramDownload;
  std::optional<std::uint64_t> seed;
};

std::optional<Profile> parse_profile(std::string_view s) {
  return s == "aes" ? Profile::kAes128 : profile_from_word(s);  // "aes": the default's short name
}

std::optional<std::uint64_t> parse_seed(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

int usage_error(const std::string& what) {
  std::fprintf(stderr, "tmsproto simulate: %s (usage: tmsproto simulate [--profile legacy|tdes|aes|aes256] "
                       "[--transaction program|key] [--seed N])\n", what.c_str());
  return 2;
}

void print(const analyser::Description& d, const char* indent) {
  if (d.error) std::printf("%s!! %s\n", indent, d.error->c_str());
  for (const auto& f : d.fields) {
    std::printf("%s%-18s %-66s %.*s\n", indent, f.name.c_str(), f.value.c_str(), static_cast<int>(f.req.size()),
                f.req.data());
  }
}

void print_notes(const session::Output& out, const char* who) {
  for (const auto& n : out.notes) {
    std::printf("     · %s computed %-14s %-50s %.*s\n", who, n.what.c_str(), n.value.c_str(),
                static_cast<int>(n.req.size()), n.req.data());
  }
}

struct InFlight {
  bool from_terminal;
  Bytes body;
  std::optional<session::Cleartext> cleartext;
};

void enqueue(std::deque<InFlight>& q, session::Output& out, bool from_terminal) {
  std::size_t c = 0;
  for (auto& body : out.send) {
    std::optional<session::Cleartext> clear;
    if (is_enveloped(static_cast<MsgType>(body[0])) && c < out.cleartexts.size()) clear = out.cleartexts[c++];
    q.push_back({from_terminal, std::move(body), std::move(clear)});
  }
}

}  // namespace

int simulate_command(std::span<const std::string_view> args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (i + 1 >= args.size()) return usage_error("option " + std::string(a) + " needs a value or is unknown");
    const std::string_view v = args[++i];
    if (a == "--profile") {
      auto p = parse_profile(v);
      if (!p) return usage_error("unknown profile '" + std::string(v) + "'");
      o.profile = *p;
    } else if (a == "--seed") {
      o.seed = parse_seed(v);
      if (!o.seed) return usage_error("--seed takes a decimal number, not '" + std::string(v) + "'");
    } else if (a == "--transaction") {
      if (v == "program") o.trans = TransCode::kProgramDownload;
      else if (v == "key") o.trans = TransCode::kKeyDownload;
      else return usage_error("unknown transaction '" + std::string(v) + "'");
    } else {
      return usage_error("unknown option '" + std::string(a) + "'");
    }
  }
  if (o.profile == Profile::kLegacy && o.trans == TransCode::kKeyDownload) {
    return usage_error("LEGACY runs unattended program downloads only, never a key download (REQ-CRYPTO-025)");
  }
  std::uint64_t seed = 0;
  if (o.seed) {
    seed = *o.seed;
  } else {
    crypto::OsRandom os;
    std::uint8_t b[8];
    os.fill(b);
    for (std::uint8_t x : b) seed = (seed << 8) | x;
  }

  sim::EstateOptions eo;
  eo.profile = o.profile;
  eo.trans = o.trans;
  eo.seed = seed;
  eo.packages = {sim::PackageSpec{codec::PackageKind::kApplication, "PAYAPP", 7, 5000, 2048},
                 sim::PackageSpec{codec::PackageKind::kParameters, "PARAMS", 3, 700, 512}};
  auto estate = sim::make_estate(eo);
  terminal::Session term(estate->terminal_config, estate->terminal_ports());
  tms::Session server(estate->tms_config, estate->tms_ports());

  std::printf("tmsproto simulate: profile %s, %s, seed %llu%s\n", std::string(name(o.profile)).c_str(),
              o.trans == TransCode::kKeyDownload ? "remote key download" : "remote program download",
              static_cast<unsigned long long>(seed), o.seed ? " (reproducible)" : "");
  if (o.profile == Profile::kLegacy) {
    std::printf("WARNING: LEGACY profile — single DES and 4-octet MACs, patent-faithful and insecure (REQ-SEC-013)\n");
  }
  const auto& id = estate->terminal_config.id;
  std::printf("terminal %s / %s / %s; vendor database with PAYAPP v7 (5000 octets) and PARAMS v3 (700 octets)\n\n",
              id.vendor_id.c_str(), id.model_id.c_str(), id.serial_no.c_str());

  std::deque<InFlight> queue;
  auto first = term.start(estate->command());
  enqueue(queue, first, true);
  bool term_closed = first.close, server_closed = false;
  int n = 0;
  while (!queue.empty()) {
    InFlight m = std::move(queue.front());
    queue.pop_front();
    const auto d = analyser::describe(m.body, o.profile);
    std::printf("%3d  %s  %s\n", ++n, m.from_terminal ? "terminal → TMS     " : "TMS      → terminal", d.title.c_str());
    print(d, "     ");
    if (m.cleartext) print(analyser::describe_payload(m.cleartext->type, m.cleartext->payload), "       ");
    if (m.from_terminal && !server_closed) {
      auto out = server.receive(m.body);
      print_notes(out, "TMS");
      server_closed = out.close;
      enqueue(queue, out, false);
    } else if (!m.from_terminal && !term_closed) {
      auto out = term.receive(m.body);
      print_notes(out, "terminal");
      term_closed = out.close;
      enqueue(queue, out, true);
    }
  }
  std::printf("\nterminal: %s   TMS: %s\n", std::string(terminal::name(term.state())).c_str(),
              std::string(tms::name(server.state())).c_str());
  for (const auto& [key, p] : estate->package_store.packages) {
    std::printf("installed %c %-8s v%u  %zu octets  SHA-256 %s\n", static_cast<char>(key.first), key.second.c_str(),
                p.version, p.content.size(), to_hex(crypto::sha256(p.content)).c_str());
  }
  for (const auto& [slot, key] : estate->key_store.slots) {
    std::printf("installed key in slot 0x%02x, %zu octets (value not shown, REQ-CRYPTO-015)\n", slot, key.size());
  }
  const bool ok = term.state() == terminal::State::T_DONE && server.state() == tms::State::S_DONE;
  return ok ? 0 : 1;
}

}  // namespace tmsproto::cli
