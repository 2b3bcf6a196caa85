// What every vendor database of spec/17 checks the same way, whatever holds it: a VENDOR_ID, a
// stored (MANIFEST, SIGNATURE) pair, a line of the list of known terminals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "codec/download_payloads.h"
#include "common/bytes.h"

namespace tmsproto::vendor {

// REQ-MSG-010: 1-8 letters and digits.
bool valid_vendor_id(std::string_view id);

// The offer a database holds, or nullopt when the octets are not one of `vendor_id`'s: a MANIFEST
// that does not parse (REQ-MSG-091) or names another vendor (REQ-TMS-027), a SIGNATURE not 64 octets.
std::optional<codec::Offer> offer_from_octets(ByteView manifest, ByteView signature, const std::string& vendor_id);

// REQ-VND-012: whether the text, lines "MODEL_ID SERIAL_NO", lists this terminal.
bool terminal_listed(std::string_view text, std::string_view model_id, std::string_view serial_no);

}  // namespace tmsproto::vendor
