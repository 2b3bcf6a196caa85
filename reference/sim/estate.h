// A complete in-memory estate: one terminal with its device ports, one TMS with its registry,
// replay cache, vendor databases, report store and audit log, generated from a seed. The TMS also
// serves two other vendors whose terminal has the same model name and serial number (REQ-TMS-026).
// Tests, `tmsproto simulate` and the fuzzers build their sessions from it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "custody/software_custody.h"
#include "session/clock.h"
#include "sim/memory_ports.h"
#include "terminal/session.h"
#include "testing/deterministic_random.h"
#include "tms/session.h"

namespace tmsproto::sim {

struct PackageSpec {
  codec::PackageKind kind = codec::PackageKind::kApplication;
  std::string name = "PAYAPP";
  std::uint32_t version = 2;
  std::size_t length = 3000;
  std::uint16_t chunk_size = 1024;
  // FORMAT 0x02 (REQ-MSG-092): signed by the estate's acquirer, targeted to the estate's terminal,
  // valid 30 days from the estate's clock; for KIND P, the only KIND the acquirer is pinned for.
  bool per_terminal = false;
};

struct EstateOptions {
  Profile profile = Profile::kAes128;
  TransCode trans = TransCode::kProgramDownload;
  bool with_operator = true;
  std::vector<PackageSpec> packages = {PackageSpec{}};
  std::size_t delivered_keys = 2;  // key download: keys in the key set
  bool master_app = true;          // the terminal runs a master application of KIND M (6.6)
  std::uint64_t seed = 1;
};

// The master application every estate's terminal runs, in slot 1 (spec/06-download.md 6.7).
inline constexpr const char* kMasterApplication = "TMSP-MASTER";

// A terminal of another vendor served by the same TMS, with the same MODEL_ID and SERIAL_NO as the
// estate's own terminal (REQ-TMS-026): its device configuration, as installed.
struct Neighbour {
  terminal::Config config;
  crypto::SecretBytes vendor_private_key;
};

struct Estate {
  EstateOptions options;
  session::FixedClock clock{codec::DateTime{2026, 11, 26, 16, 0, 0}};
  crypto::DeterministicRandom terminal_rng{0};
  crypto::DeterministicRandom tms_rng{0};
  crypto::DeterministicRandom vendor_rng{0};

  // The terminal and its device.
  terminal::Config terminal_config;
  MemoryKeyStore key_store;
  MemoryPackageStore package_store;
  MemoryDevice device;
  std::string operator_id = "OP01";
  std::string operator_password = "1234";
  std::string key_set_id = "TMK00001";
  // The key-set definition (spec/05-keys.md section 5.5) both the slot table above and the TMS's
  // key set were made from (REQ-KEY-025, REQ-KEY-040).
  std::string key_set_definition;

  // The vendor's signing key: tests sign manifests a vendor would not (REQ-DL-010's failures).
  crypto::SecretBytes vendor_private_key;
  // The acquirer's signing key, pinned in the terminal under acquirer_signer_id for KIND P only
  // (REQ-DL-060, REQ-DL-061); its parameter files reach the TMS in the vendor's database (REQ-DL-066).
  std::string acquirer_signer_id = "ACQ00001";
  crypto::SecretBytes acquirer_private_key;
  // The scope of a per-terminal package for this terminal (PackageSpec::per_terminal).
  codec::ManifestScope terminal_scope();

  // The TMS and what it reaches; make_estate gives the registry and the custody their estate keys.
  tms::Config tms_config;
  MemoryRegistry registry{crypto::SecretBytes(32)};
  custody::SoftwareCustody custody{crypto::SecretBytes(32)};
  MemoryReplayCache replay;
  MemoryVendorDirectory vendors;
  MemoryAuditLog audit;
  MemoryReports reports;
  std::vector<Neighbour> neighbours;  // ACME0001 and ZETA0001

  terminal::StartCommand command() const;
  terminal::Ports terminal_ports() { return {clock, terminal_rng, key_store, package_store, device}; }
  tms::Ports tms_ports() { return {clock, tms_rng, registry, custody, replay, vendors, audit, reports}; }
  MemoryVendor& vendor() { return vendors.vendors.at(terminal_config.id.vendor_id); }
  const std::vector<tms::KeySetSlot>& key_set();
  // The keys of key_set(), in slot order, as the terminal should receive them (test oracle).
  std::vector<crypto::SecretBytes> key_set_keys;
  std::vector<tms::EstateLine> estate_report() const;  // REQ-KEY-005
};

std::unique_ptr<Estate> make_estate(const EstateOptions& options);

// REQ-CRYPTO-025: the options as a LEGACY estate can run them (an unattended program download);
// other profiles unchanged. For generators that draw profile and transaction independently.
EstateOptions runnable(EstateOptions options);

// The estate's key-set definition: `keys` slots, the standard slots TMK, PIN, MAC, DATA first, then
// vendor slots from 0x80 (REQ-KEY-030), of the forms profile `p` can deliver (REQ-KEY-014).
std::string key_set_definition_for(Profile p, std::size_t keys, const std::string& key_set_id);

}  // namespace tmsproto::sim
