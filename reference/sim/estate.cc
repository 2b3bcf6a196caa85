#include "sim/estate.h"

#include "config/key_set_definition.h"
#include "crypto/signature.h"
#include "profile/profile_crypto.h"
#include "profile/standard_slots.h"

namespace tmsproto::sim {

terminal::StartCommand Estate::command() const {
  terminal::StartCommand c;
  c.trans = options.trans;
  c.key_set_id = key_set_id;
  if (options.with_operator) {
    c.operator_id = operator_id;
    c.operator_password = crypto::SecretBytes(Bytes(operator_password.begin(), operator_password.end()));
  }
  return c;
}

const std::vector<tms::KeySetSlot>& Estate::key_set() {
  const auto& id = terminal_config.id;
  return registry.terminals.at({id.vendor_id, id.model_id, id.serial_no}).key_sets.at(key_set_id);
}

std::vector<tms::EstateLine> Estate::estate_report() const {
  std::vector<tms::EstateLine> out;
  for (const auto& [key, t] : registry.terminals) {
    const codec::Identity id{std::get<0>(key), std::get<1>(key), std::get<2>(key)};
    out.push_back({id, t.record.profile, custody.dmk_check_value(id)});
  }
  return out;
}

std::string key_set_definition_for(Profile p, std::size_t keys, const std::string& key_set_id) {
  // The standard slots in registry order, then vendor slots from 0x80 (REQ-KEY-030). Keys of 16
  // octets, the TMS's TDES or AES as the profile uses; AES256's TMK is AES-256 (REQ-KEY-037: no
  // working key above it).
  const char* algorithm = p == Profile::kAes128 || p == Profile::kAes256 ? "A" : "T";
  static constexpr const char* kStandard[] = {"TMK", "PIN", "MAC", "DATA"};
  std::string slots;
  for (std::size_t i = 0; i < keys; ++i) {
    const std::size_t length = i == 0 && p == Profile::kAes256 ? 32 : 16;
    std::string slot = i < 4 ? std::string("\"") + kStandard[i] + "\""
                             : std::to_string(profile::kFirstVendorSlot + (i - 4)) +
                                   ", \"keyUsage\": \"K1\", \"modeOfUse\": \"D\"";
    if (!slots.empty()) slots += ",\n";
    slots += "    { \"slot\": " + slot + ", \"algorithm\": \"" + algorithm + "\", \"length\": " +
             std::to_string(length) + " }";
  }
  return "{\n  \"format\": 1,\n  \"keySetId\": \"" + key_set_id + "\",\n  \"slots\": [\n" + slots + "\n  ]\n}\n";
}

codec::ManifestScope Estate::terminal_scope() {
  codec::DateTime not_after = clock.now_utc();
  not_after.month = static_cast<std::uint8_t>(not_after.month % 12 + 1);  // about a month on
  if (not_after.month == 1) ++not_after.year;
  if (not_after.day > 28) not_after.day = 28;
  return codec::ManifestScope{acquirer_signer_id, not_after, {terminal_config.id.serial_no}};
}

EstateOptions runnable(EstateOptions options) {
  if (options.profile == Profile::kLegacy) {
    options.trans = TransCode::kProgramDownload;
    options.with_operator = false;
  }
  return options;
}

namespace {

void add_neighbour(Estate& e, const std::string& vendor_id, crypto::RandomSource& rng) {
  const Profile p = e.options.profile;
  const codec::Identity id{vendor_id, e.terminal_config.id.model_id, e.terminal_config.id.serial_no};
  Neighbour n;
  n.config.id = id;
  n.config.profile = p;
  n.config.dmk = profile::generate_key(p, rng);
  n.config.legacy_enabled = p == Profile::kLegacy;
  n.config.slots = e.terminal_config.slots;
  (void)e.custody.add_dmk(id, p, n.config.dmk.clone());
  e.registry.terminals[{id.vendor_id, id.model_id, id.serial_no}].record = tms::TerminalRecord{p, p == Profile::kLegacy};
  if (p != Profile::kLegacy) {
    std::vector<tms::KeySetSlot> slots;
    for (const auto& [slot, rule] : e.terminal_config.slots) {
      crypto::SecretBytes k(rule.key_length);
      rng.fill(k.mutable_view());
      (void)e.custody.add_key_set_key(id, e.key_set_id, {slot, rule}, std::move(k));
      slots.push_back({slot, rule});
    }
    (void)e.registry.register_key_set(id, e.key_set_id, std::move(slots));
  }
  const std::string pw = "other-" + vendor_id;
  e.registry.enrol_operator(vendor_id, e.operator_id, Bytes(pw.begin(), pw.end()), rng);
  auto key = crypto::ecdsa_p256_generate(rng);
  n.config.vendor_public_key = key->public_key;
  n.vendor_private_key = key->private_key.clone();
  MemoryVendor& db = e.vendors.vendors.emplace(vendor_id, MemoryVendor(vendor_id)).first->second;
  for (const PackageSpec& spec : e.options.packages) {
    if (spec.per_terminal) continue;  // the acquirer's files are the estate terminal's own
    Bytes content(spec.length / 2 + 1);
    rng.fill(content);
    db.packages.push_back(make_package(spec.kind, spec.name, id, spec.version + 1, std::move(content),
                                       spec.chunk_size, key->private_key.view(), rng));
  }
  e.neighbours.push_back(std::move(n));
}

}  // namespace

std::unique_ptr<Estate> make_estate(const EstateOptions& options) {
  auto e = std::make_unique<Estate>();
  e->options = options;
  e->terminal_rng = crypto::DeterministicRandom(options.seed * 3 + 1);
  e->tms_rng = crypto::DeterministicRandom(options.seed * 3 + 2);
  e->vendor_rng = crypto::DeterministicRandom(options.seed * 3 + 3);
  const Profile p = options.profile;
  crypto::DeterministicRandom& rng = e->vendor_rng;
  // REQ-CRYPTO-025: a LEGACY session is unattended, whatever the options ask.
  if (p == Profile::kLegacy) e->options.with_operator = false;
  crypto::SecretBytes decoy_key(32), fingerprint_key(32);
  rng.fill(decoy_key.mutable_view());
  rng.fill(fingerprint_key.mutable_view());
  e->registry = MemoryRegistry(std::move(decoy_key));
  e->custody = custody::SoftwareCustody(std::move(fingerprint_key));

  // The device, as installed (REQ-KEY-001, REQ-KEY-004, REQ-KEY-025).
  terminal::Config& tc = e->terminal_config;
  tc.id = {"VEND0001", "POS-X1", "SN" + std::to_string(options.seed % 1000000)};
  tc.profile = p;
  tc.dmk = profile::generate_key(p, rng);
  tc.legacy_enabled = p == Profile::kLegacy;
  // REQ-KEY-025, REQ-KEY-040: the terminal's slot table and the TMS's key set both come from one
  // key-set definition, whose standard slots take their rules from the registry (REQ-KEY-031).
  e->key_set_definition = key_set_definition_for(p, options.delivered_keys, e->key_set_id);
  auto definition = config::parse_key_set_definition(e->key_set_definition);
  if (definition.ok()) {
    for (const tms::KeySetSlot& s : definition->slots) tc.slots[s.slot] = s.rule;
  }
  auto vendor_key = crypto::ecdsa_p256_generate(rng);
  tc.vendor_public_key = vendor_key->public_key;
  e->vendor_private_key = vendor_key->private_key.clone();
  // REQ-DL-060: the acquirer's key, pinned at installation for KIND P only (REQ-DL-061). Drawn from
  // its own generator, so that the vendor's draws, and every transcript of revision 2, stay as they were.
  crypto::DeterministicRandom acquirer_rng(options.seed ^ 0xAC9E5ull);
  auto acquirer_key = crypto::ecdsa_p256_generate(acquirer_rng);
  tc.signers[e->acquirer_signer_id] = terminal::PinnedSigner{acquirer_key->public_key, {codec::PackageKind::kParameters}};
  e->acquirer_private_key = acquirer_key->private_key.clone();

  // The TMS: the same DMK in its key custody (registered under REQ-KEY-001, REQ-KEY-006), the
  // terminal and its key set in the registry (REQ-KEY-014: none in LEGACY, which cannot deliver
  // keys), the operator (REQ-OPR-002).
  (void)e->custody.add_dmk(tc.id, p, tc.dmk.clone());  // the first terminal: never a duplicate
  e->registry.terminals[{tc.id.vendor_id, tc.id.model_id, tc.id.serial_no}].record =
      tms::TerminalRecord{p, p == Profile::kLegacy};
  // REQ-KEY-036: registered only where the profile can deliver it, so never in LEGACY.
  if (definition.ok() && config::check_registrable(*definition, p).ok()) {
    for (const tms::KeySetSlot& s : definition->slots) {
      crypto::SecretBytes k(s.rule.key_length);
      rng.fill(k.mutable_view());
      (void)e->custody.add_key_set_key(tc.id, e->key_set_id, s, k.clone());
      e->key_set_keys.push_back(std::move(k));
    }
    (void)e->registry.register_key_set(tc.id, e->key_set_id, definition->slots);
  }
  const std::string& pw = e->operator_password;
  e->registry.enrol_operator(tc.id.vendor_id, e->operator_id, Bytes(pw.begin(), pw.end()), rng);

  // The vendor's database behind its standard interface.
  MemoryVendor& vendor = e->vendors.vendors.emplace(tc.id.vendor_id, MemoryVendor(tc.id.vendor_id)).first->second;
  for (const PackageSpec& spec : options.packages) {
    Bytes content(spec.length);
    rng.fill(content);
    if (spec.per_terminal) {  // REQ-DL-066: the acquirer's file, merged into the vendor's database
      vendor.packages.push_back(make_package(spec.kind, spec.name, tc.id, spec.version, std::move(content),
                                             spec.chunk_size, e->acquirer_private_key.view(), rng, e->terminal_scope()));
    } else {
      vendor.packages.push_back(make_package(spec.kind, spec.name, tc.id, spec.version, std::move(content),
                                             spec.chunk_size, vendor_key->private_key.view(), rng));
    }
  }
  // The device as it reports itself (REQ-DL-041), and its master application in slot 1 (6.6).
  if (options.master_app) e->package_store.install_master(kMasterApplication, 1);

  // REQ-TMS-026: other vendors share the TMS, with a terminal of the same model name and serial
  // number, the same operator ID and key-set ID, and packages of the same names at higher
  // versions; one sorts before the terminal's vendor and one after, so that a TMS that chose a
  // database by anything but VENDOR_ID would serve the wrong one.
  for (const char* other : {"ACME0001", "ZETA0001"}) add_neighbour(*e, other, rng);
  return e;
}

}  // namespace tmsproto::sim
