// Registering a terminal's DMK, key sets and operators with the TMS (spec/05-keys.md section 5.1,
// spec/04-handshake.md section 4.6): the per-device key rule, the strength rule for key sets, the
// decoy salt, and the estate report an auditor checks them with. Pure; the TMS's store and key
// custody call it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/fields.h"
#include "codec/header.h"
#include "common/bytes.h"
#include "common/result.h"
#include "protocol/constants.h"
#include "tms/ports.h"

namespace tmsproto::tms {

enum class RegistrationError {
  kBadKey,             // the key's length does not fit the profile's or the slot's algorithm
  kDuplicateDmk,       // REQ-KEY-001: another terminal already has this DMK
  kUndeliverableKey,   // REQ-KEY-014: the profile cannot deliver a key of this slot
  kBadEstateKey,       // the estate key is not a 32-octet AES key
  kKeySetSize,         // REQ-MSG-060: a key set has 1 to 7 keys
  kSlotNotAllowed,     // REQ-KEY-030, REQ-KEY-031, REQ-KEY-038: the registry does not allow the slot's rule
  kSlotsNotAscending,  // REQ-KEY-040, REQ-MSG-060: slots strictly ascending, each once
  kStrongerThanTmk,    // REQ-KEY-037: a PIN, MAC or DATA key stronger than the set's TMK
};

// The TR-31 algorithm letter of a profile's DMK: 'D', 'T' or 'A'.
char dmk_algorithm(Profile p);

// The DMK's key check value (REQ-CRYPTO-009): 3 octets for DES and TDES, 5 for AES.
Result<Bytes, RegistrationError> dmk_check_value(Profile p, ByteView dmk);

// REQ-KEY-001: KDF(estate key, "TMSP DMK FINGERPRINT", algorithm letter || DMK, 256).
using DmkFingerprint = Bytes;
Result<DmkFingerprint, RegistrationError> dmk_fingerprint(ByteView estate_key, Profile p, ByteView dmk);

// REQ-KEY-001: the DMK's fingerprint, unless it equals one already registered.
Result<DmkFingerprint, RegistrationError> check_dmk_unique(ByteView estate_key, Profile p, ByteView dmk,
                                                           const std::vector<DmkFingerprint>& registered);

// REQ-KEY-036: a key set is registered for a terminal only when the registry allows every slot's
// rule (REQ-KEY-031, REQ-KEY-038) and the terminal's profile can deliver it (REQ-KEY-014), and no
// working key of a standard slot is stronger than the set's TMK (REQ-KEY-037).
Result<void, RegistrationError> check_key_set(Profile p, const std::vector<KeySetSlot>& slots);

// REQ-OPR-007: KDF(estate key, "TMSP OPV DECOY", VENDOR_ID || OPERATOR_ID, 128), text fields with
// their 0x20 fill. The estate key must be 32 octets.
Result<codec::OperatorSalt, RegistrationError> decoy_operator_salt(ByteView estate_key, std::string_view vendor_id,
                                                                   std::string_view operator_id);

// REQ-KEY-005: one line per terminal of the estate; never the key itself.
struct EstateLine {
  codec::Identity id;
  Profile profile = Profile::kAes128;
  Bytes dmk_check_value;
};

// The report as text, one terminal a line: vendor, model, serial, algorithm, KCV.
std::string format_estate_report(const std::vector<EstateLine>& lines);

}  // namespace tmsproto::tms
