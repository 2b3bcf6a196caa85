// Writes the seed corpora of the message and session fuzz targets from honest sessions of every
// profile and transaction (sim::run_session), so that each target starts from inputs that reach
// its success path. Usage: fuzz_corpus_tool <corpus-dir>; fuzz/make-corpus runs it. Each seed is
// named <profile>_<n>; identical seeds are written once.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/terminal_info.h"
#include "codec/stream_framing.h"
#include "session/download_math.h"
#include "session_fuzz.h"
#include "sim/estate.h"
#include "sim/loopback.h"

namespace {

using namespace tmsproto;
namespace fs = std::filesystem;

class Corpus {
 public:
  explicit Corpus(fs::path root) : root_(std::move(root)) {}

  void add(const std::string& target, const std::string& prefix, ByteView seed) {
    Bytes b(seed.begin(), seed.end());
    if (!seen_[target].insert(b).second) return;
    const fs::path dir = root_ / target;
    fs::create_directories(dir);
    const fs::path file = dir / (prefix + "_" + std::to_string(count_[target][prefix]++));
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!out) {
      std::fprintf(stderr, "corpus_tool: cannot write %s\n", file.c_str());
      std::exit(1);
    }
    ++written_;
  }
  // Profile-dependent parsers read the profile from the first octet.
  void add_with_profile(const std::string& target, Profile p, ByteView body) {
    Bytes b{static_cast<std::uint8_t>(p)};
    b.insert(b.end(), body.begin(), body.end());
    add(target, prefix(p), b);
  }
  static std::string prefix(Profile p) {
    std::string s(name(p));
    for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : (c == '-' ? '_' : c);
    return s;
  }
  std::size_t written() const { return written_; }

 private:
  fs::path root_;
  std::map<std::string, std::set<Bytes>> seen_;
  std::map<std::string, std::map<std::string, std::size_t>> count_;
  std::size_t written_ = 0;
};

// Every message body of a session into the target of its parser.
void add_messages(Corpus& c, Profile p, const sim::RunResult& r) {
  const std::string pre = Corpus::prefix(p);
  for (const sim::Delivered& m : r.messages) {
    if (m.body.empty()) continue;
    switch (static_cast<MsgType>(m.body[0])) {
      case MsgType::kHsRequest: c.add("hs_request", pre, m.body); break;
      case MsgType::kHsAuthRequest: c.add("hs_auth_request", pre, m.body); break;
      case MsgType::kHsAuthAnswer: c.add_with_profile("hs_auth_answer", p, m.body); break;
      case MsgType::kKeyMessage: c.add_with_profile("key_message", p, m.body); break;
      case MsgType::kAbort: c.add("abort", pre, m.body); break;
      default: c.add_with_profile("envelope", p, m.body); break;
    }
  }
}

// The stream as the receiver reads it: one seed in reads of 255 octets and, for the handshake
// only (to stay small), one in reads of one to seven octets; each once without a TPDU and once with
// the terminal's TPDU on its messages and the TMS's answer to it on the TMS's (REQ-FRAME-030,
// REQ-FRAME-034). Input format: stream_framing_fuzzer.cc (first octet: 0x00 none, 0x01 TPDU).
void add_stream(Corpus& c, Profile p, const sim::RunResult& r) {
  const codec::Tpdu terminal_tpdu{{0x00, 0x03}, {0x00, 0x00}};
  for (const std::uint8_t with_tpdu : {std::uint8_t{0}, std::uint8_t{1}}) {
    Bytes stream, handshake;
    for (const sim::Delivered& m : r.messages) {
      const codec::Tpdu tpdu = m.from_terminal ? terminal_tpdu : terminal_tpdu.swapped();
      const Bytes f = with_tpdu != 0 ? codec::frame_for_stream(tpdu, m.body) : codec::frame_for_stream(m.body);
      stream.insert(stream.end(), f.begin(), f.end());
      if (m.body[0] <= static_cast<std::uint8_t>(MsgType::kKeyMessage)) handshake.insert(handshake.end(), f.begin(), f.end());
    }
    auto reads = [with_tpdu](const Bytes& s, auto next_len) {
      Bytes in{with_tpdu};
      for (std::size_t pos = 0, i = 0; pos < s.size(); ++i) {
        const std::size_t n = std::min<std::size_t>(next_len(i), s.size() - pos);
        in.push_back(static_cast<std::uint8_t>(n));
        in.insert(in.end(), s.begin() + static_cast<std::ptrdiff_t>(pos), s.begin() + static_cast<std::ptrdiff_t>(pos + n));
        pos += n;
      }
      return in;
    };
    const std::string pre = Corpus::prefix(p) + (with_tpdu != 0 ? "_tpdu" : "");
    c.add("stream_framing", pre, reads(stream, [](std::size_t) { return std::size_t{255}; }));
    c.add("stream_framing", pre, reads(handshake, [](std::size_t i) { return 1 + i % 7; }));
  }
}

// The cleartext payloads of the download phase, as the honest engines build them from the
// estate: the terminal's PKG_ANNOUNCE, the vendor's offers, FRAME_REQUEST/FRAME_RESPONSE pieces.
void add_payloads(Corpus& c, sim::Estate& e) {
  const std::string pre = Corpus::prefix(e.options.profile);
  codec::PkgAnnounce announce;
  announce.max_chunk = e.terminal_config.max_chunk;
  announce.installed = e.package_store.installed();
  c.add("pkg_announce", pre, codec::serialize(announce));
  // TERM_INFO as the terminal reports itself (REQ-DL-041), bare and with every list filled.
  codec::TerminalInfo info;
  info.hardware_id = e.device.device.hardware_id;
  info.firmware_id = e.device.device.firmware_id;
  info.bearer = e.device.device.bearer;
  info.packages = announce.installed;
  info.master_app = e.package_store.master_app();
  c.add("term_info", pre, codec::serialize(info));
  info.last_apply = {{{codec::PackageKind::kParameters, "MERCHANT", 3}, ResponseCode::kApplyFailed}};
  info.key_slots = {{0x01, {0x12, 0x34, 0x56}}, {0x02, {0x01, 0x02, 0x03, 0x04, 0x05}}};
  info.faults = {"PRINTER-JAM"};
  info.other = {{0x0006, {0x01}}, {0x8001, {0xAB, 0xCD}}};
  info.tamper = true;
  c.add("term_info", pre, codec::serialize(info));
  sim::MemoryVendor& vendor = e.vendor();
  const codec::Identity& id = e.terminal_config.id;
  auto offers = vendor.offers(tms::OffersQuery{id.vendor_id, id.model_id, id.serial_no, announce.installed, info});
  if (!offers.ok()) return;
  codec::PkgConfirm confirm{*offers};
  c.add("pkg_confirm", pre, codec::serialize(confirm));
  for (std::size_t i = 0; i < offers->size(); ++i) {
    const codec::Manifest& m = (*offers)[i].manifest;
    c.add("manifest", pre, codec::serialize(m));
    for (codec::Section section : {codec::Section::kFit, codec::Section::kData}) {
      // Two pieces of each section are enough to seed every field.
      for (std::uint32_t piece = 0; piece < 2; ++piece) {
        const codec::FrameRequest q{static_cast<std::uint8_t>(i), section, piece};
        c.add("frame_request", pre, codec::serialize(q));
        auto data = vendor.piece(tms::PieceQuery{id.vendor_id, m, section, piece});
        if (!data.ok() || data->empty()) continue;
        c.add("frame_response", pre, codec::serialize(codec::FrameResponse{q.pkg_index, section, piece, *data}));
      }
    }
  }
}

// Session fuzzer seeds (input format: session_fuzz.h): the honest session in full, and for the
// first seed of each profile also cut by a TIMEOUT, a CONN_LOST or a replay after each message.
void add_session_seeds(Corpus& c, std::uint8_t config) {
  const Profile p = fuzz::options_from_octet(config).profile;
  for (const char* target : {"terminal_session", "tms_session"}) {
    Bytes honest{config};
    honest.insert(honest.end(), 24, 0x00);  // 0: kHonestNext
    c.add(target, Corpus::prefix(p), honest);
    if ((config & 16u) != 0) continue;
    for (std::size_t k = 1; k <= 4; ++k) {
      Bytes cut{config};
      cut.insert(cut.end(), k, 0x00);
      const std::uint8_t op = static_cast<std::uint8_t>(k % 2 ? 7 : 5);  // kTimeout, kReplay
      cut.push_back(op);
      if (op == 5) cut.push_back(static_cast<std::uint8_t>(k - 1));
      cut.insert(cut.end(), 4, 0x00);
      c.add(target, Corpus::prefix(p), cut);
    }
  }
  // The resumed estate (configuration bit 7, session_fuzz.h): three packages offered, one of them
  // partly staged by a cut session; the honest session of each profile, unattended.
  if ((config & ~3u) == 0) {
    for (const char* target : {"terminal_session", "tms_session"}) {
      Bytes resumed{static_cast<std::uint8_t>(config | fuzz::kResumedEstate)};
      resumed.insert(resumed.end(), fuzz::kMaxSteps, 0x00);  // 0: kHonestNext, to the end
      c.add(target, Corpus::prefix(p) + "_resumed", resumed);
    }
  }
  // The terminal's rows around START, with the harness's configuration bits 5 and 6, for each
  // profile: TIMEOUT, CONN_LOST and CANCEL before START (T17), then START (T1) and the honest
  // session; START again after the first message (T16); a START that T1 refuses, then events (T18).
  if ((config & ~3u) == 0) {
    Bytes late{static_cast<std::uint8_t>(config | 32u), 7, 8, 9, 10};
    late.insert(late.end(), 24, 0x00);
    c.add("terminal_session", Corpus::prefix(p) + "_start", late);
    Bytes again{config, 0, 10};
    again.insert(again.end(), 24, 0x00);
    c.add("terminal_session", Corpus::prefix(p) + "_start", again);
    c.add("terminal_session", Corpus::prefix(p) + "_start", Bytes{static_cast<std::uint8_t>(config | 64u), 10, 0, 7});
  }
  // The generic rows after the first message, for each profile: CONN_LOST (T12, S9), a body of one
  // octet (RX_MALFORMED: T15, S11), an ABORT (T10, S7), and for the terminal CANCEL (T13) and T6:
  // a PKG_CONFIRM that offers nothing, then SESSION_END_ACK, both sealed under the session's keys
  // as a TMS holding them would (forge::SessionKeys; the honest session always offers a package).
  if ((config & ~3u) == 0) {
    const auto arbitrary = [](Bytes& in, ByteView body) {  // a kArbitrary step (session_fuzz.h)
      in.push_back(fuzz::kArbitraryOctet);
      in.push_back(static_cast<std::uint8_t>(body.size() >> 8));
      in.push_back(static_cast<std::uint8_t>(body.size()));
      in.insert(in.end(), body.begin(), body.end());
    };
    const Bytes abort = codec::serialize(codec::Abort{ResponseCode::kTimeout});
    for (const char* target : {"terminal_session", "tms_session"}) {
      c.add(target, Corpus::prefix(p) + "_events", Bytes{config, 0, 8});
      Bytes one_octet{config, 0};
      arbitrary(one_octet, Bytes{0x00});
      c.add(target, Corpus::prefix(p) + "_events", one_octet);
      Bytes aborted{config, 0};
      arbitrary(aborted, abort);
      c.add(target, Corpus::prefix(p) + "_events", aborted);
    }
    c.add("terminal_session", Corpus::prefix(p) + "_events", Bytes{config, 0, 9});
    const fuzz::Fixture& f = fuzz::fixture(fuzz::terminal_config_octet(config));
    Bytes nothing{config, 0, 0};  // HS_AUTH_REQUEST, KEY_MESSAGE: the terminal sends PKG_ANNOUNCE
    arbitrary(nothing, f.keys->pkg_confirm({}, 0));  // the TMS's SEQ 0 (REQ-DL-002)
    arbitrary(nothing, f.keys->seal(false, MsgType::kSessionEndAck, 1,
                                    codec::serialize(codec::SessionEnd{ResponseCode::kSuccess})));
    c.add("terminal_session", Corpus::prefix(p) + "_events", nothing);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
    return 2;
  }
  Corpus c{fs::path(argv[1])};
  for (std::uint8_t config = 0; config < 32; ++config) {
    auto estate = sim::make_estate(fuzz::options_from_octet(config));
    const Profile p = estate->options.profile;
    if ((config & 16u) == 0) {  // messages from seed 1 only: seed 2 differs in keys, not in form
      add_payloads(c, *estate);  // before: nothing installed, the vendor offers its package
      const sim::RunResult first = sim::run_session(*estate);
      add_messages(c, p, first);
      if ((config & 8u) != 0) add_stream(c, p, first);
      add_payloads(c, *estate);  // after: the terminal announces what it installed
      // A second session on the same estate: the terminal now announces an installed package.
      const sim::RunResult second = sim::run_session(*estate);
      add_messages(c, p, second);
    }
    add_session_seeds(c, config);
  }
  // A FORMAT 0x02 parameter file of the estate's acquirer for this terminal beside the vendor's
  // program (REQ-MSG-092): PKG_CONFIRM with both FORMATs, MANIFEST_LEN 116 and 164.
  {
    sim::EstateOptions o;
    o.packages.push_back(sim::PackageSpec{codec::PackageKind::kParameters, "MERCHANT", 1, 600, 256, true});
    auto estate = sim::make_estate(o);
    add_payloads(c, *estate);
    add_messages(c, estate->options.profile, sim::run_session(*estate));
  }
  // Every ABORT code, every SESSION_END RESULT.
  for (ResponseCode code : kAllResponseCodes) {
    if (code != ResponseCode::kSuccess) c.add("abort", "all", codec::serialize(codec::Abort{code}));
    c.add("session_end", "all", codec::serialize(codec::SessionEnd{code}));
  }
  std::printf("corpus_tool: wrote %zu seeds under %s\n", c.written(), argv[1]);
  return 0;
}
