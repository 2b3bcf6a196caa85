#include "sim/estate.h"

#include "crypto/signature.h"
#include "profile/profile_crypto.h"

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

const std::vector<tms::KeySetEntry>& Estate::key_set() {
  const auto& id = terminal_config.id;
  return registry.terminals.at({id.vendor_id, id.model_id, id.serial_no}).key_sets.at(key_set_id);
}

std::unique_ptr<Estate> make_estate(const EstateOptions& options) {
  auto e = std::make_unique<Estate>();
  e->options = options;
  e->terminal_rng = crypto::DeterministicRandom(options.seed * 3 + 1);
  e->tms_rng = crypto::DeterministicRandom(options.seed * 3 + 2);
  e->vendor_rng = crypto::DeterministicRandom(options.seed * 3 + 3);
  const Profile p = options.profile;
  crypto::DeterministicRandom& rng = e->vendor_rng;

  // The device, as installed (REQ-KEY-001, REQ-KEY-004, REQ-KEY-025).
  terminal::Config& tc = e->terminal_config;
  tc.id = {"VEND0001", "POS-X1", "SN" + std::to_string(options.seed % 1000000)};
  tc.profile = p;
  tc.dmk = profile::generate_key(p, rng);
  tc.legacy_enabled = p == Profile::kLegacy;
  const bool aes = p == Profile::kAes128 || p == Profile::kAes256;
  for (std::size_t i = 0; i < options.delivered_keys; ++i) {
    tc.slots[static_cast<std::uint8_t>(i + 1)] =
        profile::SlotRule{i == 0 ? "K0" : "P0", aes ? 'A' : 'T', i == 0 ? 'B' : 'E', 16};
  }
  auto vendor_key = crypto::ecdsa_p256_generate(rng);
  tc.vendor_public_key = vendor_key->public_key;
  e->vendor_private_key = vendor_key->private_key.clone();

  // The TMS's registry: the same DMK (registered under REQ-KEY-001), the key set, the operator
  // (REQ-OPR-002).
  tms::TerminalRecord record;
  record.profile = p;
  record.dmk = tc.dmk.clone();
  record.legacy_enabled = p == Profile::kLegacy;
  (void)e->registry.register_terminal(tc.id, std::move(record));  // the first terminal: never a duplicate
  std::vector<tms::KeySetEntry> keys;
  for (const auto& [slot, rule] : tc.slots) {
    crypto::SecretBytes k(rule.key_length);
    rng.fill(k.mutable_view());
    keys.push_back({slot, rule, std::move(k)});
  }
  e->registry.terminals.at({tc.id.vendor_id, tc.id.model_id, tc.id.serial_no}).key_sets[e->key_set_id] = std::move(keys);
  const std::string& pw = e->operator_password;
  auto opv = profile::operator_verifier(Bytes(pw.begin(), pw.end()), p, tc.id.vendor_id, e->operator_id);
  e->registry.operators.push_back({tc.id.vendor_id, e->operator_id, p, std::move(opv).value(), true});

  // The vendor's database behind its standard interface.
  MemoryVendor& vendor = e->vendors.vendors[tc.id.vendor_id];
  for (const PackageSpec& spec : options.packages) {
    Bytes content(spec.length);
    rng.fill(content);
    vendor.packages.push_back(make_package(spec.kind, spec.name, tc.id, spec.version, std::move(content),
                                           spec.chunk_size, vendor_key->private_key.view(), rng));
  }
  return e;
}

}  // namespace tmsproto::sim
