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

Result<bool, StoreError> exists(Sql& sql, std::string_view query, std::initializer_list<SqlParam> keys) {
  auto r = sql.query(query, keys);
  if (!r.ok()) return fail(r.error());
  return !r->empty();
}

const char* const kTerminalExists = "SELECT 1 FROM terminals WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3";

}  // namespace

Result<void, StoreError> TmsStore::register_vendor(const std::string& vendor_id, ByteView signing_public_key,
                                                   const std::string& adapter) {
  if (auto r = check_text("vendor id", vendor_id, kVendorIdWidth); !r.ok()) return r;
  // REQ-DL-012: the key every FORMAT 0x01 manifest of this vendor is checked with; uncompressed P-256.
  if (signing_public_key.size() != 65 || signing_public_key[0] != 0x04) {
    return fail(StoreError{"vendor " + vendor_id + ": signing public key must be 65 octets, uncompressed P-256 (04 ...)"});
  }
  if (!adapter.starts_with("dir:") && !adapter.starts_with("sqlite:") && !adapter.starts_with("postgresql://") &&
      !adapter.starts_with("postgres://") && !adapter.starts_with("exec:")) {
    return fail(StoreError{"vendor " + vendor_id + ": adapter \"" + adapter +
                           "\" is not dir:PATH, sqlite:PATH, postgresql://... or exec:COMMAND"});
  }
  Sql& db = *impl_->c.sql;
  auto tx = db.begin(Durability::kFull);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto known = exists(db, "SELECT 1 FROM vendors WHERE vendor_id = $1", {vendor_id});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"vendor " + vendor_id + " is already registered"});
  auto r = db.query("INSERT INTO vendors(vendor_id, signing_public_key, adapter) VALUES ($1, $2, $3)",
                    {vendor_id, signing_public_key, adapter});
  if (!r.ok()) return fail(r.error());
  return (*tx)->commit();
}

Result<void, StoreError> TmsStore::register_model(const std::string& vendor_id, const std::string& model_id) {
  if (auto r = check_text("model id", model_id, kModelIdWidth); !r.ok()) return r;
  Sql& db = *impl_->c.sql;
  auto tx = db.begin(Durability::kFull);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto vendor = exists(db, "SELECT 1 FROM vendors WHERE vendor_id = $1", {vendor_id});
  if (!vendor.ok()) return fail(vendor.error());
  if (!*vendor) return fail(StoreError{"vendor " + vendor_id + " is not registered"});
  auto known = exists(db, "SELECT 1 FROM models WHERE vendor_id = $1 AND model_id = $2", {vendor_id, model_id});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"model " + vendor_id + "/" + model_id + " is already registered"});
  if (auto r = db.query("INSERT INTO models(vendor_id, model_id) VALUES ($1, $2)", {vendor_id, model_id}); !r.ok()) {
    return fail(r.error());
  }
  return (*tx)->commit();
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
  Sql& db = *c.sql;
  auto tx = db.begin(Durability::kFull);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto model = exists(db, "SELECT 1 FROM models WHERE vendor_id = $1 AND model_id = $2", {t.id.vendor_id, t.id.model_id});
  if (!model.ok()) return fail(model.error());
  if (!*model) return fail(StoreError{"model " + t.id.vendor_id + "/" + t.id.model_id + " is not registered"});
  auto known = exists(db, kTerminalExists, {t.id.vendor_id, t.id.model_id, t.id.serial_no});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"terminal " + name_of(t.id) + " is already registered"});

  std::vector<tms::DmkFingerprint> registered;
  {
    auto rows = db.query("SELECT dmk_fingerprint FROM terminals");
    if (!rows.ok()) return fail(rows.error());
    for (int i = 0; i < rows->size(); ++i) registered.push_back(rows->blob(i, 0));
  }
  // REQ-KEY-001: every terminal its own DMK, checked on keyed fingerprints, never on the keys.
  auto fingerprint = tms::check_dmk_unique(c.fingerprint_key.view(), t.profile, dmk, registered);
  if (!fingerprint.ok()) {
    return fail(StoreError{"terminal " + name_of(t.id) + ": the DMK equals another terminal's; nothing registered"});
  }
  // REQ-STORE-004: only the wrapped DMK goes to the database.
  auto block = wrap_at_rest(c.storage_key.view(), dmk_record(t.id), dmk_header(t.profile), dmk, impl_->rng);
  if (!block.ok()) return fail(block.error());
  auto r = db.query(
      "INSERT INTO terminals(vendor_id, model_id, serial_no, profile, legacy_enabled, unattended_allowed,"
      " dmk_block, dmk_fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {t.id.vendor_id, t.id.model_id, t.id.serial_no, static_cast<std::int64_t>(t.profile),
       std::int64_t{t.legacy_enabled}, std::int64_t{t.unattended_allowed}, *block, ByteView(*fingerprint)});
  if (!r.ok()) return fail(r.error());
  return (*tx)->commit();
}

Result<void, StoreError> TmsStore::add_key_set(const codec::Identity& id, std::string_view definition_json) {
  // REQ-KEY-040 to REQ-KEY-042: the definition read as untrusted input, one line on error.
  auto definition = config::parse_key_set_definition(definition_json);
  if (!definition.ok()) return fail(StoreError{"key-set definition: " + definition.error()});
  StoreContext& c = impl_->c;
  Sql& db = *c.sql;
  auto tx = db.begin(Durability::kFull);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto t = db.query("SELECT profile FROM terminals WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3",
                    {id.vendor_id, id.model_id, id.serial_no});
  if (!t.ok()) return fail(t.error());
  if (t->empty()) return fail(StoreError{"terminal " + name_of(id) + " is not registered"});
  const auto p = profile_from_octet(static_cast<std::uint8_t>(t->integer(0, 0)));
  if (!p) return fail(StoreError{"terminal " + name_of(id) + ": stored profile is not valid"});
  // REQ-KEY-014, REQ-KEY-036, REQ-KEY-037: only what this terminal's profile can deliver.
  if (auto r = config::check_registrable(*definition, *p); !r.ok()) {
    return fail(StoreError{"key set " + definition->key_set_id + " for " + name_of(id) + ": " + r.error()});
  }
  auto known = exists(db, "SELECT 1 FROM key_sets WHERE vendor_id = $1 AND model_id = $2 AND serial_no = $3 AND key_set_id = $4",
                      {id.vendor_id, id.model_id, id.serial_no, definition->key_set_id});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"key set " + definition->key_set_id + " is already registered for " + name_of(id)});
  auto ks = db.query("INSERT INTO key_sets(vendor_id, model_id, serial_no, key_set_id, definition) VALUES ($1, $2, $3, $4, $5)",
                     {id.vendor_id, id.model_id, id.serial_no, definition->key_set_id, definition_json});
  if (!ks.ok()) return fail(ks.error());
  for (const tms::KeySetSlot& s : definition->slots) {
    crypto::SecretBytes key(s.rule.key_length);
    impl_->rng.fill(key.mutable_view());
    // REQ-STORE-004: each key wrapped for its own row before it is written.
    auto block = wrap_at_rest(c.storage_key.view(), key_record(id, definition->key_set_id, s.slot), slot_header(s.rule),
                              key.view(), impl_->rng);
    if (!block.ok()) return fail(block.error());
    auto r = db.query(
        "INSERT INTO key_set_slots(vendor_id, model_id, serial_no, key_set_id, slot, key_usage, algorithm,"
        " mode_of_use, key_length, key_block) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {id.vendor_id, id.model_id, id.serial_no, definition->key_set_id, std::int64_t{s.slot}, s.rule.key_usage,
         std::string_view(&s.rule.algorithm, 1), std::string_view(&s.rule.mode_of_use, 1),
         static_cast<std::int64_t>(s.rule.key_length), *block});
    if (!r.ok()) return fail(r.error());
  }
  return (*tx)->commit();
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
  Sql& db = *c.sql;
  auto tx = db.begin(Durability::kFull);  // REQ-STORE-010
  if (!tx.ok()) return fail(tx.error());
  auto vendor = exists(db, "SELECT 1 FROM vendors WHERE vendor_id = $1", {vendor_id});
  if (!vendor.ok()) return fail(vendor.error());
  if (!*vendor) return fail(StoreError{"vendor " + vendor_id + " is not registered"});
  auto known = exists(db, "SELECT 1 FROM operators WHERE vendor_id = $1 AND operator_id = $2", {vendor_id, operator_id});
  if (!known.ok()) return fail(known.error());
  if (*known) return fail(StoreError{"operator " + vendor_id + "/" + operator_id + " is already enrolled"});
  codec::OperatorSalt salt{};
  impl_->rng.fill(salt);  // REQ-OPR-002: a fresh salt per operator
  auto opv = profile::operator_verifier(password, vendor_id, operator_id, salt, c.options.enrolment_iterations);
  if (!opv.ok()) return fail(StoreError{"operator " + operator_id + ": cannot derive the verifier"});
  // REQ-STORE-004: the verifier is key material: wrapped like a key.
  auto block = wrap_at_rest(c.storage_key.view(), opv_record(vendor_id, operator_id), opv_header(), opv->view(), impl_->rng);
  if (!block.ok()) return fail(block.error());
  auto r = db.query(
      "INSERT INTO operators(vendor_id, operator_id, salt, iterations, opv_block, may_download_keys)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      {vendor_id, operator_id, ByteView(salt.data(), salt.size()), std::int64_t{c.options.enrolment_iterations}, *block,
       std::int64_t{may_download_keys}});
  if (!r.ok()) return fail(r.error());
  return (*tx)->commit();
}

}  // namespace tmsproto::store
