#include "app/provisioning.h"

#include "app/args.h"
#include "config/key_set_definition.h"
#include "config/terminal_injection.h"

namespace tmsproto::app {

Result<void, std::string> provision_terminal(store::TmsStore& tms, const NewTerminal& t) {
  const codec::Identity& id = t.registration.id;
  auto vendors = tms.vendors();
  if (!vendors.ok()) return Unexpected(vendors.error().message);
  const store::VendorRow* vendor = nullptr;
  for (const auto& v : *vendors) {
    if (v.vendor_id == id.vendor_id) vendor = &v;
  }
  if (vendor == nullptr) return Unexpected("vendor " + id.vendor_id + " is not registered (tms add-vendor first)");

  std::optional<config::KeySetDefinition> definition;
  if (t.key_set_definition) {
    auto parsed = config::parse_key_set_definition(*t.key_set_definition);
    if (!parsed.ok()) return Unexpected("key-set definition: " + parsed.error());
    definition = std::move(*parsed);
  }

  auto dmk = tms.register_terminal(t.registration);
  if (!dmk.ok()) return Unexpected(dmk.error().message);
  if (t.key_set_definition) {
    auto added = tms.add_key_set(id, *t.key_set_definition);
    if (!added.ok()) return Unexpected("terminal registered, key set refused: " + added.error().message);
  }

  config::TerminalInjection injection;
  injection.config.id = id;
  injection.config.profile = t.registration.profile;
  injection.config.dmk = std::move(*dmk);
  injection.config.legacy_enabled = t.registration.legacy_enabled;
  injection.config.vendor_public_key = vendor->signing_public_key;
  if (definition) {
    for (const tms::KeySetSlot& s : definition->slots) injection.config.slots[s.slot] = s.rule;  // REQ-KEY-025
  }
  injection.hardware_id = "TMSPROTO-REF";
  injection.firmware_id = std::string("tmsproto-") + TMSPROTO_VERSION;
  if (!t.master_name.empty()) injection.master = config::FactoryMaster{t.master_name, 1};
  auto written = write_text(t.injection_out, config::write_terminal_injection(injection), 0600);
  if (!written.ok()) return Unexpected("terminal registered, but " + written.error());
  return {};
}

}  // namespace tmsproto::app
