// The secure envelope of the download phase (spec/03-messages.md section 3.8). The codec only
// frames it; MAC verification and decryption are the session's (REQ-MSG-070).
#pragma once

#include <cstdint>

#include "codec/header.h"
#include "common/bytes.h"
#include "protocol/constants.h"

namespace tmsproto::codec {

struct Envelope {
  MsgType type = MsgType::kPkgAnnounce;  // 0x11..0x16
  Identity id;
  std::uint32_t seq = 0;
  Bytes ct;
  Bytes mac;
  bool operator==(const Envelope&) const = default;
};

inline constexpr std::size_t kEnvelopeCtOffset = 64;

// A CT_LEN that is not a positive multiple of the profile's block size is reported as 13, like
// every other envelope failure (REQ-MSG-070).
Parsed<Envelope> parse_envelope(ByteView body, Profile profile);
Bytes serialize(const Envelope& e);

}  // namespace tmsproto::codec
