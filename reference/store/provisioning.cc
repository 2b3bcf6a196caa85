// Provisioning: the only writers of vendors, models, terminals, key sets and operators. Each call
// checks its input, then writes in one transaction (REQ-STORE-010); a refused call leaves nothing.
#include <string>

#include "config/key_set_definition.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "store/key_wrap.h"
#include "store/store_impl.h"
#include "tms/registration.h"

namespace tmsproto::store {
namespace {

std::string name_of(const codec::Identity& id) { return id.vendor_id + "/" + id.model_id + "/" + id.serial_no; }

// The identity fields as HS_REQUEST carries them: 1..width printable characters, no space (the
// wire's fill), so that every registered name can be presented by a terminal (REQ-MSG-010).
Result<void, StoreError> check_text(std::string_view what, const std::string& value, std::size_t width) {
  if (value.empty() || value.size() > width) {  // REQ-STORE-013
    return fail(StoreError{std::string(what) + " \"" + value + "\": 1 to " + std::to_string(width) + " characters"});
  }
  for (char ch : value) {
    if (ch < 0x21 || ch > 0x7E) return fail(StoreError{std::string(what) + " \"" + value + "\": printable ASCII, no space"});
  }
  return {};
}

Result<void, StoreError> check_identity(const codec::Identity& id) {
  if (auto r = check_text("vendor id", id.vendor_id, kVendorIdWidth); !r.ok()) return r;
  if (auto r = check_text("model id", id.model_id, kModelIdWidth); !r.ok()) return r;
  return check_text("serial number", id.serial_no, kSerialNoWidth);
}

Result<bool, StoreError> exists(Db& db, std::string_view sql, std::initializer_list<std::string_view> keys) {
  Stmt s(db, sql);
  int i = 1;
  for (auto k : keys) s.bind(i++, k);
  const bool found = s.step();
  if (s.error()) return fail(*s.error());
  return found;
}

const char* const kTerminalExists = "SELECT 1 FROM terminals WHERE vendor_id = ? AND model_id = ? AND serial_no = ?";

}  // namespace

Result<void, StoreError> TmsStore::register_vendor(const std::string& vendor_id, ByteView signing_public_key,
                                                   const std::string& adapter) {
  if (auto r = check_text("vendor id", vendor_id, kVendorIdWidth); !r.ok()) return r;
  // REQ-DL-012: the key every FORMAT 0x01 manifest of this vendor is checked with; uncompressed P-256.
  if (signing_public_key.size() != 65 || signing_public_key[0] != 0x04) {
    return fail(StoreError{"vendor " + vendor_id + ": signing public key must be 65 octets, uncompressed P-256 (04 ...)"});
  }
  if (!adapter.starts_with("dir:") && !adapter.starts_with("sqlite:") && !adapter.starts_with("exec:")) {
    return fail(StoreError{"vendor " + vendor_id + ": adapter \"" + adapter + "\" is not dir:PATH, sqlite:PATH or exec:COMMAND"});
  }
  Db& db = impl_->c.db;
  auto tx = Transaction::begin(db);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto known = exists(db, "SELECT 1 FROM vendors WHERE vendor_id = ?", {vendor_id});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"vendor " + vendor_id + " is already registered"});
  Stmt s(db, "INSERT INTO vendors(vendor_id, signing_public_key, adapter) VALUES (?, ?, ?)");
  if (auto r = s.bind(1, vendor_id).bind(2, signing_public_key).bind(3, adapter).run(); !r.ok()) return r;
  return tx->commit();
}

Result<void, StoreError> TmsStore::register_model(const std::string& vendor_id, const std::string& model_id) {
  if (auto r = check_text("model id", model_id, kModelIdWidth); !r.ok()) return r;
  Db& db = impl_->c.db;
  auto tx = Transaction::begin(db);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto vendor = exists(db, "SELECT 1 FROM vendors WHERE vendor_id = ?", {vendor_id});
  if (!vendor.ok()) return fail(vendor.error());
  if (!*vendor) return fail(StoreError{"vendor " + vendor_id + " is not registered"});
  auto known = exists(db, "SELECT 1 FROM models WHERE vendor_id = ? AND model_id = ?", {vendor_id, model_id});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"model " + vendor_id + "/" + model_id + " is already registered"});
  Stmt s(db, "INSERT INTO models(vendor_id, model_id) VALUES (?, ?)");
  if (auto r = s.bind(1, vendor_id).bind(2, model_id).run(); !r.ok()) return r;
  return tx->commit();
}

Result<crypto::SecretBytes, StoreError> TmsStore::register_terminal(const TerminalRegistration& t) {
  crypto::SecretBytes dmk = profile::generate_key(t.profile, impl_->rng);
  if (auto r = import_terminal(t, dmk.view()); !r.ok()) {
    // The one refusal that is the draw's, not the caller's (REQ-KEY-001).
    if (r.error().message.find("equals another terminal's") != std::string::npos) {
      return fail(StoreError{"terminal " + name_of(t.id) + ": the drawn DMK equals another terminal's; nothing registered"});
    }
    return fail(r.error());
  }
  return dmk;
}

Result<void, StoreError> TmsStore::import_terminal(const TerminalRegistration& t, ByteView dmk) {
  if (auto r = check_identity(t.id); !r.ok()) return fail(r.error());
  // REQ-STORE-014: a key of the profile's length, never shown in the error.
  if (dmk.size() != key_length(t.profile)) {
    return fail(StoreError{"terminal " + name_of(t.id) + ": a " + std::string(profile_word(t.profile)) + " DMK is " +
                           std::to_string(key_length(t.profile)) + " octets, not " +
                           std::to_string(dmk.size())});
  }
  // REQ-CRYPTO-020: only a LEGACY terminal has the legacy flag.
  if (t.legacy_enabled != (t.profile == Profile::kLegacy)) {
    return fail(StoreError{"terminal " + name_of(t.id) + ": the legacy flag is set exactly for profile LEGACY"});
  }
  StoreContext& c = impl_->c;
  auto tx = Transaction::begin(c.db);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto model = exists(c.db, "SELECT 1 FROM models WHERE vendor_id = ? AND model_id = ?", {t.id.vendor_id, t.id.model_id});
  if (!model.ok()) return fail(model.error());
  if (!*model) return fail(StoreError{"model " + t.id.vendor_id + "/" + t.id.model_id + " is not registered"});
  auto known = exists(c.db, kTerminalExists, {t.id.vendor_id, t.id.model_id, t.id.serial_no});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"terminal " + name_of(t.id) + " is already registered"});

  std::vector<tms::DmkFingerprint> registered;
  {
    Stmt s(c.db, "SELECT dmk_fingerprint FROM terminals");
    while (s.step()) registered.push_back(s.blob(0));
    if (s.error()) return fail(*s.error());
  }
  // REQ-KEY-001: every terminal its own DMK, checked on keyed fingerprints, never on the keys.
  auto fingerprint = tms::check_dmk_unique(c.fingerprint_key.view(), t.profile, dmk, registered);
  if (!fingerprint.ok()) {
    return fail(StoreError{"terminal " + name_of(t.id) + ": the DMK equals another terminal's; nothing registered"});
  }
  // REQ-STORE-004: only the wrapped DMK goes to the database.
  auto block = wrap_at_rest(c.storage_key.view(), dmk_record(t.id), dmk_header(t.profile), dmk, impl_->rng);
  if (!block.ok()) return fail(block.error());
  Stmt s(c.db,
         "INSERT INTO terminals(vendor_id, model_id, serial_no, profile, legacy_enabled, unattended_allowed,"
         " dmk_block, dmk_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, t.id.vendor_id).bind(2, t.id.model_id).bind(3, t.id.serial_no);
  s.bind(4, static_cast<std::int64_t>(t.profile)).bind(5, std::int64_t{t.legacy_enabled});
  s.bind(6, std::int64_t{t.unattended_allowed}).bind(7, *block).bind(8, ByteView(*fingerprint));
  if (auto r = s.run(); !r.ok()) return fail(r.error());
  return tx->commit();
}

Result<void, StoreError> TmsStore::add_key_set(const codec::Identity& id, std::string_view definition_json) {
  // REQ-KEY-040 to REQ-KEY-042: the definition read as untrusted input, one line on error.
  auto definition = config::parse_key_set_definition(definition_json);
  if (!definition.ok()) return fail(StoreError{"key-set definition: " + definition.error()});
  StoreContext& c = impl_->c;
  auto tx = Transaction::begin(c.db);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  Stmt t(c.db, "SELECT profile FROM terminals WHERE vendor_id = ? AND model_id = ? AND serial_no = ?");
  t.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no);
  if (!t.step()) return fail(t.error() ? *t.error() : StoreError{"terminal " + name_of(id) + " is not registered"});
  const auto p = profile_from_octet(static_cast<std::uint8_t>(t.integer(0)));
  if (!p) return fail(StoreError{"terminal " + name_of(id) + ": stored profile is not valid"});
  // REQ-KEY-014, REQ-KEY-036, REQ-KEY-037: only what this terminal's profile can deliver.
  if (auto r = config::check_registrable(*definition, *p); !r.ok()) {
    return fail(StoreError{"key set " + definition->key_set_id + " for " + name_of(id) + ": " + r.error()});
  }
  auto known = exists(c.db, "SELECT 1 FROM key_sets WHERE vendor_id = ? AND model_id = ? AND serial_no = ? AND key_set_id = ?",
                      {id.vendor_id, id.model_id, id.serial_no, definition->key_set_id});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"key set " + definition->key_set_id + " is already registered for " + name_of(id)});
  Stmt ks(c.db, "INSERT INTO key_sets(vendor_id, model_id, serial_no, key_set_id, definition) VALUES (?, ?, ?, ?, ?)");
  ks.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no).bind(4, definition->key_set_id);
  if (auto r = ks.bind(5, definition_json).run(); !r.ok()) return r;
  Stmt slot(c.db,
            "INSERT INTO key_set_slots(vendor_id, model_id, serial_no, key_set_id, slot, key_usage, algorithm,"
            " mode_of_use, key_length, key_block) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const tms::KeySetSlot& s : definition->slots) {
    crypto::SecretBytes key(s.rule.key_length);
    impl_->rng.fill(key.mutable_view());
    // REQ-STORE-004: each key wrapped for its own row before it is written.
    auto block = wrap_at_rest(c.storage_key.view(), key_record(id, definition->key_set_id, s.slot), slot_header(s.rule),
                              key.view(), impl_->rng);
    if (!block.ok()) return fail(block.error());
    slot.reset();
    slot.bind(1, id.vendor_id).bind(2, id.model_id).bind(3, id.serial_no).bind(4, definition->key_set_id);
    slot.bind(5, std::int64_t{s.slot}).bind(6, s.rule.key_usage).bind(7, std::string_view(&s.rule.algorithm, 1));
    slot.bind(8, std::string_view(&s.rule.mode_of_use, 1)).bind(9, static_cast<std::int64_t>(s.rule.key_length));
    if (auto r = slot.bind(10, *block).run(); !r.ok()) return r;
  }
  return tx->commit();
}

Result<void, StoreError> TmsStore::enrol_operator(const std::string& vendor_id, const std::string& operator_id,
                                                  ByteView password, bool may_download_keys) {
  if (auto r = check_text("operator id", operator_id, kOperatorIdWidth); !r.ok()) return r;
  // REQ-OPR-002: 1-64 printable octets, as a terminal would accept them.
  if (password.empty() || password.size() > 64) return fail(StoreError{"operator " + operator_id + ": password of 1 to 64 characters"});
  for (std::uint8_t ch : password) {
    if (ch < 0x20 || ch > 0x7E) return fail(StoreError{"operator " + operator_id + ": password must be printable ASCII"});
  }
  StoreContext& c = impl_->c;
  if (c.options.enrolment_iterations < codec::kMinOpvIterations) {
    return fail(StoreError{"enrolment iterations below " + std::to_string(codec::kMinOpvIterations)});
  }
  auto tx = Transaction::begin(c.db);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto vendor = exists(c.db, "SELECT 1 FROM vendors WHERE vendor_id = ?", {vendor_id});
  if (!vendor.ok()) return fail(vendor.error());
  if (!*vendor) return fail(StoreError{"vendor " + vendor_id + " is not registered"});
  auto known = exists(c.db, "SELECT 1 FROM operators WHERE vendor_id = ? AND operator_id = ?", {vendor_id, operator_id});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"operator " + vendor_id + "/" + operator_id + " is already enrolled"});
  codec::OperatorSalt salt{};
  impl_->rng.fill(salt);  // REQ-OPR-002: a fresh salt per operator
  auto opv = profile::operator_verifier(password, vendor_id, operator_id, salt, c.options.enrolment_iterations);
  if (!opv.ok()) return fail(StoreError{"operator " + operator_id + ": cannot derive the verifier"});
  // REQ-STORE-004: the verifier is key material: wrapped like a key.
  auto block = wrap_at_rest(c.storage_key.view(), opv_record(vendor_id, operator_id), opv_header(), opv->view(), impl_->rng);
  if (!block.ok()) return fail(block.error());
  Stmt s(c.db,
         "INSERT INTO operators(vendor_id, operator_id, salt, iterations, opv_block, may_download_keys)"
         " VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, vendor_id).bind(2, operator_id).bind(3, ByteView(salt.data(), salt.size()));
  s.bind(4, std::int64_t{c.options.enrolment_iterations}).bind(5, *block).bind(6, std::int64_t{may_download_keys});
  if (auto r = s.run(); !r.ok()) return r;
  return tx->commit();
}

}  // namespace tmsproto::store
