// The reference key custody (REQ-KEY-003, REQ-KEY-006): the DMKs and the key sets' keys in this
// process's memory, each in a SecretBytes, behind the engine's KeyCustody port. The TMS server
// adds persistence (wrapped under a storage key); an HSM custody replaces this file, not the engine.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "crypto/secret.h"
#include "tms/ports.h"
#include "tms/registration.h"

namespace tmsproto::custody {

class SoftwareCustody final : public tms::KeyCustody {
 public:
  // `fingerprint_key`: the estate's 32-octet AES key for DMK fingerprints (REQ-KEY-001).
  explicit SoftwareCustody(crypto::SecretBytes fingerprint_key) : fingerprint_key_(std::move(fingerprint_key)) {}

  // REQ-KEY-001: takes the terminal's DMK unless another terminal already has the same key.
  Result<void, tms::RegistrationError> add_dmk(const codec::Identity& id, Profile p, crypto::SecretBytes dmk);
  // A key of a key set; its length must fit the slot's rule.
  Result<void, tms::RegistrationError> add_key_set_key(const codec::Identity& id, const std::string& key_set_id,
                                                       const tms::KeySetSlot& slot, crypto::SecretBytes key);
  // REQ-KEY-005: the DMK's check value for the estate report; empty when there is no DMK.
  Bytes dmk_check_value(const codec::Identity& id) const;

  Result<tms::IssuedDwk, ResponseCode> issue_dwk(const codec::Identity& id, Profile p,
                                                 const profile::SessionBinding& binding,
                                                 const codec::AuthData& t_data, const codec::AuthData& s_data,
                                                 crypto::RandomSource& rng) override;
  Result<codec::KeyEntry, ResponseCode> wrap_key_set_key(const codec::Identity& id, const std::string& key_set_id,
                                                         const tms::KeySetSlot& slot, Profile p,
                                                         const profile::HandshakeKeys& keys,
                                                         crypto::RandomSource& rng) override;

 private:
  using TerminalKey = std::tuple<std::string, std::string, std::string>;  // vendor, model, serial
  struct Dmk {
    Profile profile{};
    crypto::SecretBytes key;
    tms::DmkFingerprint fingerprint;
  };
  static TerminalKey key_of(const codec::Identity& id) { return {id.vendor_id, id.model_id, id.serial_no}; }

  crypto::SecretBytes fingerprint_key_;
  std::map<TerminalKey, Dmk> dmks_;
  std::map<std::tuple<TerminalKey, std::string, std::uint8_t>, crypto::SecretBytes> key_set_keys_;
};

}  // namespace tmsproto::custody
