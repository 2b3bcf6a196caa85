// Registering a terminal's DMK with the TMS (spec/05-keys.md section 5.1): the per-device key rule
// and the estate report an auditor checks it with. Pure; the TMS's store calls it.
#pragma once

#include <string>
#include <vector>

#include "codec/header.h"
#include "common/bytes.h"
#include "common/result.h"
#include "protocol/constants.h"

namespace tmsproto::tms {

enum class RegistrationError {
  kBadKey,        // the key's length does not fit the profile's algorithm
  kDuplicateDmk,  // REQ-KEY-001: another terminal already has a DMK with this key check value
};

// The DMK's key check value (REQ-CRYPTO-009): 3 octets for DES and TDES, 5 for AES.
Result<Bytes, RegistrationError> dmk_check_value(Profile p, ByteView dmk);

// REQ-KEY-001: refuses a DMK whose key check value equals one already registered.
Result<Bytes, RegistrationError> check_dmk_unique(Profile p, ByteView dmk,
                                                  const std::vector<Bytes>& registered_check_values);

// REQ-KEY-005: one line per terminal of the estate; never the key itself.
struct EstateLine {
  codec::Identity id;
  Profile profile = Profile::kAes128;
  Bytes dmk_check_value;
};

// The report as text, one terminal a line: vendor, model, serial, algorithm, KCV.
std::string format_estate_report(const std::vector<EstateLine>& lines);

}  // namespace tmsproto::tms
