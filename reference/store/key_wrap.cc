#include "store/key_wrap.h"

#include <string>

#include "crypto/kdf.h"
#include "tms/registration.h"

namespace tmsproto::store {
namespace {

ByteView ascii(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

keyblock::Tr31Header storage_only(std::string usage, char algorithm, char mode) {
  keyblock::Tr31Header h;
  h.version = keyblock::Tr31Version::kD;
  h.key_usage = std::move(usage);
  h.algorithm = algorithm;
  h.mode_of_use = mode;
  h.exportability = 'N';
  h.key_context = '1';  // X9.143: storage only; this block never travels
  return h;
}

}  // namespace

Result<crypto::SecretBytes, StoreError> derive_store_key(ByteView storage_key, std::string_view purpose,
                                                         std::string_view context) {
  const std::string label = "TMSP STORE " + std::string(purpose);
  auto key = crypto::kdf_ctr_cmac(crypto::Cipher::kAes, storage_key, ascii(label), ascii(context), 32);
  if (!key.ok()) return fail(StoreError{"storage key: cannot derive the " + std::string(purpose) + " key"});
  return std::move(key).value();
}

keyblock::Tr31Header dmk_header(Profile p) { return storage_only("K0", tms::dmk_algorithm(p), 'B'); }

keyblock::Tr31Header slot_header(const profile::SlotRule& rule) {
  return storage_only(rule.key_usage, rule.algorithm, rule.mode_of_use);
}

keyblock::Tr31Header opv_header() { return storage_only("M7", 'H', 'V'); }  // an HMAC key, verify only

Result<std::string, StoreError> wrap_at_rest(ByteView storage_key, std::string_view record,
                                             const keyblock::Tr31Header& header, ByteView key,
                                             crypto::RandomSource& rng) {
  auto kbpk = derive_store_key(storage_key, "WRAP", record);  // REQ-STORE-004
  if (!kbpk.ok()) return fail(kbpk.error());
  auto block = keyblock::wrap(kbpk->view(), header, key, rng);
  if (!block.ok()) {
    return fail(StoreError{std::string(record) + ": cannot wrap: " + std::string(keyblock::to_string(block.error()))});
  }
  return std::move(block).value();
}

Result<crypto::SecretBytes, StoreError> unwrap_at_rest(ByteView storage_key, std::string_view record,
                                                       const keyblock::Tr31Header& expected, std::string_view block) {
  auto kbpk = derive_store_key(storage_key, "WRAP", record);
  if (!kbpk.ok()) return fail(kbpk.error());
  keyblock::Expectation e;
  e.version = keyblock::Tr31Version::kD;
  e.key_usage = expected.key_usage;
  e.algorithm = expected.algorithm;
  e.modes_of_use = std::string(1, expected.mode_of_use);
  e.exportability = std::string(1, expected.exportability);
  // REQ-STORE-004: a modified block, another row's block or another storage key fails here.
  auto clear = keyblock::unwrap_expecting(kbpk->view(), block, e);
  if (!clear.ok()) {
    return fail(StoreError{std::string(record) + ": stored key does not unwrap (" +
                           std::string(keyblock::to_string(clear.error())) + "): wrong storage.key or a modified tms.db"});
  }
  return std::move(clear->key);
}

}  // namespace tmsproto::store
