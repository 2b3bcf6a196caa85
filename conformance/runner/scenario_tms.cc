#include "conformance/runner/scenario_tms.h"

#include <algorithm>
#include <ctime>
#include <fstream>

#include "config/key_set_definition.h"
#include "crypto/signature.h"
#include "config/terminal_injection.h"
#include "conformance/runner/frame_checks.h"
#include "crypto/signature.h"
#include "net/monotonic.h"
#include "profile/profile_crypto.h"
#include "store/tms_store.h"
#include "vendor/adapter_directory.h"
#include "vendor/publish.h"
#include "vendor/vendor_key.h"

namespace tmsproto::conformance {
namespace {

namespace fs = std::filesystem;

// The suite's vendor database, with the scenario's change to the pieces it serves.
class ChangingVendor final : public tms::VendorInterface {
 public:
  ChangingVendor(tms::VendorInterface& inner, const PieceChange& change) : inner_(inner), change_(change) {}
  std::uint32_t interface_version() const override { return inner_.interface_version(); }
  Result<std::vector<codec::Offer>, tms::VendorError> offers(const tms::OffersQuery& q) override {
    return inner_.offers(q);
  }
  Result<Bytes, tms::VendorError> piece(const tms::PieceQuery& q) override {
    auto p = inner_.piece(q);
    if (p.ok() && !p->empty() && change_.corrupt_first_data_piece && q.section == codec::Section::kData &&
        q.index == 0) {
      (*p)[p->size() / 2] ^= 0x01;
    }
    return p;
  }

 private:
  tms::VendorInterface& inner_;
  const PieceChange& change_;
};

class ChangingDirectory final : public tms::VendorDirectory {
 public:
  ChangingDirectory(vendor::AdapterDirectory& inner, const PieceChange& change) : inner_(inner), change_(change) {}
  tms::VendorInterface* find(const std::string& vendor_id) override {
    tms::VendorInterface* v = inner_.find(vendor_id);
    if (v == nullptr) return nullptr;
    if (!wrapped_ || wrapped_for_ != v) {
      wrapped_ = std::make_unique<ChangingVendor>(*v, change_);
      wrapped_for_ = v;
    }
    return wrapped_.get();
  }

 private:
  vendor::AdapterDirectory& inner_;
  const PieceChange& change_;
  std::unique_ptr<ChangingVendor> wrapped_;
  tms::VendorInterface* wrapped_for_ = nullptr;
};

}  // namespace

struct ScenarioTms::Impl {
  crypto::RandomSource& rng;
  codec::Identity id;
  Profile profile = Profile::kAes128;
  crypto::SecretBytes dmk;
  std::string vendor_db;
  std::unique_ptr<store::TmsStore> store;
  vendor::VendorKey vendor_key;
  vendor::VendorKey stranger_key;
  vendor::VendorKey acquirer_key;  // kPinnedSignerId's (REQ-DL-060)
  std::string master_name;         // the terminal's masterApplication, what a KIND M publication names
  std::uint32_t master_version = 1;
  vendor::AdapterDirectory directory;
  PieceChange piece_change;
  ChangingDirectory changing{directory, piece_change};
  net::SystemClock clock;
  tms::Config config;

  explicit Impl(crypto::RandomSource& r) : rng(r) {}
};

ScenarioTms::ScenarioTms(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScenarioTms::~ScenarioTms() = default;

Result<std::unique_ptr<ScenarioTms>, std::string> ScenarioTms::create(const fs::path& dir,
                                                                    const config::TerminalProfile& iut,
                                                                    Profile profile, crypto::RandomSource& rng) {
  auto impl = std::make_unique<Impl>(rng);
  impl->id = iut.id;
  impl->profile = profile;
  const auto dmk = iut.dmks.find(profile);
  if (dmk == iut.dmks.end()) return Unexpected("the terminal profile holds no " + std::string(profile_word(profile)) + " DMK");
  impl->dmk = crypto::SecretBytes(dmk->second.view());
  std::error_code ec;
  fs::create_directories(dir / "vendor-db", ec);
  if (ec) return Unexpected("cannot create " + (dir / "vendor-db").string() + ": " + ec.message());
  impl->vendor_db = "dir:" + (dir / "vendor-db").string();
  {
    // A directory database names its vendor in vendor_id (spec/17-vendor-adapters.md).
    std::ofstream id_file(dir / "vendor-db" / "vendor_id", std::ios::trunc);
    id_file << iut.id.vendor_id << "\n";
    if (!id_file) return Unexpected("cannot write " + (dir / "vendor-db" / "vendor_id").string());
  }

  // The vendor signing key the terminal is given in terminal.json, and one it is never given.
  for (auto [file, key] : {std::pair{"vendor.key", &impl->vendor_key}, {"stranger.key", &impl->stranger_key},
                           {"acquirer.key", &impl->acquirer_key}}) {
    if (auto made = vendor::generate_vendor_key(dir / file, rng); !made.ok()) return Unexpected(made.error());
    auto read = vendor::read_vendor_key(dir / file);
    if (!read.ok()) return Unexpected(read.error());
    *key = std::move(*read);
  }

  auto store = store::TmsStore::open(dir / "tms", rng);
  if (!store.ok()) return Unexpected(store.error().message);
  impl->store = std::move(*store);
  store::TmsStore& s = *impl->store;
  const bool legacy = profile == Profile::kLegacy;
  auto step = [](const Result<void, store::StoreError>& r) -> Result<void, std::string> {
    if (!r.ok()) return Unexpected(r.error().message);
    return {};
  };
  if (auto r = step(s.register_vendor(iut.id.vendor_id, impl->vendor_key.public_key, impl->vendor_db)); !r) return Unexpected(r.error());
  if (auto r = step(s.register_model(iut.id.vendor_id, iut.id.model_id)); !r) return Unexpected(r.error());
  // REQ-STORE-014: the DMK the terminal holds; program downloads without an operator (REQ-OPR-005).
  if (auto r = step(s.import_terminal({iut.id, profile, legacy, true}, dmk->second.view())); !r) return Unexpected(r.error());
  const std::string password = kOperatorPassword;
  if (auto r = step(s.enrol_operator(iut.id.vendor_id, kOperatorId, Bytes(password.begin(), password.end()))); !r) {
    return Unexpected(r.error());
  }
  if (iut.key_download && !legacy) {
    config::KeySetDefinition definition{kKeySetId, {}};
    // The slots the profile can deliver (REQ-KEY-014); a stronger one stays in the terminal's table
    // only, where key.stronger_than_kek.* forges a key for it.
    for (const auto& [slot, rule] : iut.slots) {
      if (profile::can_deliver(profile, rule)) definition.slots.push_back({slot, rule});
    }
    if (auto r = step(s.add_key_set(iut.id, config::to_json(definition))); !r) {
      return Unexpected("the terminal profile's slot table cannot be delivered in the " +
                        std::string(profile_word(profile)) + " profile: " + r.error());
    }
  }
  if (auto r = impl->directory.configure(iut.id.vendor_id, impl->vendor_db); !r.ok()) return Unexpected(r.error());

  // REQ-CONF-003: terminal.json, an injection file of spec/16 section 16.2.
  config::TerminalInjection injection;
  injection.config.id = iut.id;
  injection.config.profile = profile;
  injection.config.dmk = crypto::SecretBytes(dmk->second.view());
  injection.config.legacy_enabled = legacy;
  injection.config.vendor_public_key = impl->vendor_key.public_key;
  // REQ-CONF-003, REQ-DL-060: the suite's pinned signer, an acquirer that may sign KIND P only.
  injection.config.signers[kPinnedSignerId] = terminal::PinnedSigner{impl->acquirer_key.public_key,
                                                                     {codec::PackageKind::kParameters}};
  injection.config.slots = iut.slots;
  injection.config.max_chunk = iut.max_chunk;
  injection.hardware_id = iut.hardware_id;
  injection.firmware_id = iut.firmware_id;
  injection.master = iut.master;
  if (iut.master) {
    impl->master_name = iut.master->name;
    impl->master_version = iut.master->version;
  }
  const std::string text = config::write_terminal_injection(injection);
  if (auto r = config::read_terminal_injection(text); !r.ok()) return Unexpected("terminal.json: " + r.error());
  {
    std::ofstream out(dir / "terminal.json", std::ios::trunc);
    out << text;
    if (!out) return Unexpected("cannot write " + (dir / "terminal.json").string());
  }
  return std::unique_ptr<ScenarioTms>(new ScenarioTms(std::move(impl)));
}

namespace {

std::size_t count_frames(const Bytes& octets) {
  std::size_t n = 0;
  for (const SerialUnit& u : serial_units(octets)) n += u.kind == SerialUnit::Kind::kFrame ? 1 : 0;
  return n;
}

// The suite's UTC clock `days` days from now (REQ-MSG-011), for a NOT_AFTER.
codec::DateTime utc_in_days(std::int32_t days) {
  const std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm utc{};
  gmtime_r(&t, &utc);
  return codec::DateTime{static_cast<std::uint16_t>(utc.tm_year + 1900), static_cast<std::uint8_t>(utc.tm_mon + 1),
                         static_cast<std::uint8_t>(utc.tm_mday),         static_cast<std::uint8_t>(utc.tm_hour),
                         static_cast<std::uint8_t>(utc.tm_min),          static_cast<std::uint8_t>(std::min(utc.tm_sec, 59))};
}

Result<vendor::SignedPackage, std::string> signed_package(const Publication& p, const codec::Identity& id,
                                                          const vendor::VendorKey& signer, const std::string& master,
                                                          std::uint32_t master_version, crypto::RandomSource& rng) {
  vendor::PackageDraft draft;
  draft.kind = p.kind;
  draft.name = !p.name.empty() ? p.name : p.kind == codec::PackageKind::kMaster ? master : kPackageName;
  if (p.scope) {
    // REQ-MSG-092: TARGETs strictly ascending, kOwnSerial read as the terminal's SERIAL_NO.
    codec::ManifestScope scope{p.scope->signer_id, utc_in_days(p.scope->not_after_days), {}};
    for (const auto& t : p.scope->targets) scope.targets.push_back(t == kOwnSerial ? id.serial_no : t);
    std::sort(scope.targets.begin(), scope.targets.end(), [](const std::string& a, const std::string& b) {
      // the order of the 32 octets as sent, 0x20-filled
      return a + std::string(32 - std::min<std::size_t>(a.size(), 32), ' ') <
             b + std::string(32 - std::min<std::size_t>(b.size(), 32), ' ');
    });
    draft.scope = std::move(scope);
  }
  draft.vendor_id = id.vendor_id;
  draft.model_id = p.model_id.empty() ? id.model_id : p.model_id;
  // Scenario.h: a KIND M version counts from the factory master application as version 1.
  draft.version = p.kind == codec::PackageKind::kMaster ? p.version + (master_version > 0 ? master_version - 1 : 0)
                                                              : p.version;
  draft.chunk_size = p.chunk_size;
  Bytes content(p.length);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>((i * 31 + p.version) & 0xFF);
  return vendor::sign_package(draft, std::move(content), signer.private_key.view(), rng);
}

}  // namespace

namespace {

// The key that signs `p`: the stranger's when it says so or names a SIGNER_ID the terminal has not
// pinned, the pinned acquirer's for its SIGNER_ID, else the vendor's.
const vendor::VendorKey& signer_of(const Publication& p, const vendor::VendorKey& vendor,
                                   const vendor::VendorKey& acquirer, const vendor::VendorKey& stranger) {
  if (p.signed_by_stranger || (p.scope && p.scope->signer_id != kPinnedSignerId)) return stranger;
  return p.scope ? acquirer : vendor;
}

}  // namespace

Result<void, std::string> ScenarioTms::publish(const Publication& p) {
  const vendor::VendorKey& signer = signer_of(p, impl_->vendor_key, impl_->acquirer_key, impl_->stranger_key);
  auto package = signed_package(p, impl_->id, signer, impl_->master_name, impl_->master_version, impl_->rng);
  if (!package.ok()) return Unexpected(package.error());
  auto published = vendor::publish(impl_->vendor_db, *package);
  if (!published.ok()) return Unexpected(published.error());
  return {};
}

Result<codec::Offer, std::string> ScenarioTms::sign_offer(const Publication& p) {
  const vendor::VendorKey& signer = signer_of(p, impl_->vendor_key, impl_->acquirer_key, impl_->stranger_key);
  auto package = signed_package(p, impl_->id, signer, impl_->master_name, impl_->master_version, impl_->rng);
  if (!package.ok()) return Unexpected(package.error());
  if (p.wrong_pkg_digest) {
    // REQ-DL-030: a manifest whose every piece matches its FIT but whose PKG_DIGEST does not match
    // the whole, signed by its signer: only the apply's digest check can find it (SESSION_END 18).
    package->offer.manifest.pkg_digest[0] ^= 0x01;
    auto signature = crypto::ecdsa_p256_sign(signer.private_key.view(), codec::serialize(package->offer.manifest),
                                             impl_->rng);
    if (!signature.ok() || signature->size() != package->offer.signature.size()) {
      return Unexpected(std::string("cannot sign the manifest again"));
    }
    std::copy(signature->begin(), signature->end(), package->offer.signature.begin());
  }
  return package->offer;
}

Bytes ScenarioTms::sign_octets(ByteView octets) {
  auto sig = crypto::ecdsa_p256_sign(impl_->vendor_key.private_key.view(), octets, impl_->rng);
  return sig.ok() ? std::move(sig).value() : Bytes{};
}

forge::SessionKeys ScenarioTms::session_keys() const {
  return forge::SessionKeys(impl_->profile, impl_->dmk.view(), impl_->id);
}

void ScenarioTms::set_piece_change(const PieceChange& change) { impl_->piece_change = change; }

tms::Ports ScenarioTms::ports() {
  store::TmsStore& s = *impl_->store;
  return tms::Ports{impl_->clock, impl_->rng, s.registry(), s.custody(), s.replay(),
                    impl_->changing, s.audit(), s.reports()};
}

const tms::Config& ScenarioTms::config() const { return impl_->config; }

session::Output ScenarioEngine::receive(ByteView body) {
  keys_.observe(true, body);
  wire_.push_back({true, Bytes(body.begin(), body.end()), false, keys_.open(true, body), net::monotonic_ms()});
  return outgoing(tms_.receive(body));
}

session::Output ScenarioEngine::outgoing(session::Output out) {
  if (muted_) {
    out.send.clear();  // REQ-FRAME-012: the suite answers nothing, so no frame of its own is pending
    return out;
  }
  std::vector<Bytes> sent;
  bool replaced_any = false;
  for (Bytes& body : out.send) {
    if (cut_) break;  // nothing after the suite's cut
    // REQ-CONF-025: the keys follow the honest session (the engine's own message, before any
    // change), so that a change forges with the keys the terminal derived too.
    keys_.observe(false, body);
    std::optional<Replacement> replaced;
    if (!body.empty() && change_) {
      const auto type = static_cast<MsgType>(body[0]);
      const std::size_t nth = sent_of_type_[body[0]]++;
      const Forgery forgery{keys_, [this](const Publication& p) -> std::optional<codec::Offer> {
                              auto offer = suite_.sign_offer(p);
                              if (!offer.ok()) return std::nullopt;
                              return std::move(*offer);
                            },
                            [this](ByteView octets) { return suite_.sign_octets(octets); }};
      replaced = change_(type, nth, body, forgery);
    }
    if (!replaced) {
      wire_.push_back({false, body, false, keys_.open(false, body), net::monotonic_ms()});
      sent.push_back(std::move(body));
      continue;
    }
    std::size_t framed = 0;
    replaced_any = true;
    for (Bytes& b : replaced->send) {
      wire_.push_back({false, b, true, keys_.open(false, b), net::monotonic_ms()});
      framed += b.size() + (serial_ ? 5 : 2) + link_header_;  // STX, BCD LEN, ETX, LRC or the stream's LEN; a TPDU
      sent.push_back(std::move(b));
    }
    if (replaced->wire) pending_wire_.emplace(*replaced->wire, framed);
    if (replaced->close) cut_ = true;  // REQ-CONF-026: a cut sends nothing after it
    if (replaced->send.empty() && !replaced->close) withheld_ = true;  // REQ-CONF-028: a stall
  }
  out.send = std::move(sent);
  if (cut_) out.close = true;
  // REQ-CONF-022: a changed message the engine would close after (SESSION_END_ACK) is still
  // answered by the terminal; the suite keeps reading until the terminal closes, to judge that answer.
  else if (replaced_any) out.close = false;
  return out;
}

const net::WireHook& ScenarioEngine::wire_hook(bool serial) {
  serial_ = serial;
  hook_.shape = [this](const Bytes& framed) { return shape(framed); };
  hook_.seen = [this](ByteView octets, std::int64_t at_ms) {
    raw_in_.push_back({Bytes(octets.begin(), octets.end()), at_ms});
  };
  return hook_;
}

std::optional<net::WireShape> ScenarioEngine::shape(const Bytes& framed) {
  if (muted_) return net::WireShape{};  // REQ-FRAME-012: not even an ACK
  std::optional<net::WireShape> out;
  if (pending_wire_) {
    out = net::WireShape{};
    const auto [change, frame_octets] = *pending_wire_;
    pending_wire_.reset();
    const auto n = static_cast<std::ptrdiff_t>(std::min(frame_octets, framed.size()));
    // What the link wrote before the frame (a serial ACK of the terminal's last frame) goes first.
    if (n < static_cast<std::ptrdiff_t>(framed.size())) out->pieces.push_back({Bytes(framed.begin(), framed.end() - n), 0});
    Bytes frame = change.octets ? *change.octets : Bytes(framed.end() - n, framed.end());
    if (change.rewrite) frame = change.rewrite(frame);
    if (change.rewrite_framed) frame = change.rewrite_framed(frame, serial_);
    std::vector<Bytes> pieces;
    const auto half = static_cast<std::ptrdiff_t>(frame.size() / 2);
    switch (change.split) {
      case WireChange::Split::kWhole:
        pieces.push_back(frame);
        break;
      case WireChange::Split::kHalves:
        pieces.emplace_back(frame.begin(), frame.begin() + half);
        if (!change.first_half_only) pieces.emplace_back(frame.begin() + half, frame.end());
        break;
      case WireChange::Split::kOctets:
        for (std::uint8_t octet : frame) pieces.push_back(Bytes{octet});
        break;
    }
    if (change.twice) pieces.push_back(frame);  // REQ-FRAME-013: as if its ACK was lost
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      out->pieces.push_back({std::move(pieces[i]), i == 0 ? change.delay_ms : change.pause_ms});
    }
    out->half_close = change.half_close;
  }
  if (serial_) {
    // REQ-FRAME-011, REQ-FRAME-013: every good frame written, each copy, is one the terminal ACKs.
    if (!out) {
      good_frames_written_ += count_frames(framed);
    } else {
      Bytes written;
      for (const auto& p : out->pieces) written.insert(written.end(), p.octets.begin(), p.octets.end());
      good_frames_written_ += count_frames(written);
    }
  }
  return out;
}

}  // namespace tmsproto::conformance
