// KEY_MESSAGE (密钥报文, the patent's table 5), spec/03-messages.md section 3.7.
#pragma once

#include <cstdint>
#include <vector>

#include "codec/header.h"
#include "common/bytes.h"
#include "protocol/constants.h"

namespace tmsproto::codec {

inline constexpr std::uint8_t kDskSlot = 0x00;
inline constexpr std::size_t kMaxKeyEntries = 8;

// One entry of key ciphertext (密钥密文).
struct KeyEntry {
  std::uint8_t slot = kDskSlot;
  Bytes kcv;        // 3 or 5 octets (REQ-CRYPTO-037)
  Bytes key_block;  // LEGACY: E_DES-ECB(DWK, key); others: TR-31 block under K_KEK
  bool operator==(const KeyEntry&) const = default;
};

// TRANS_CODE echoes the session's; RETURN_CODE "00" is implied.
struct KeyMessage {
  Identity id;
  TransCode trans = TransCode::kProgramDownload;
  std::vector<KeyEntry> entries;
  Bytes key_mac;
  bool operator==(const KeyMessage&) const = default;
};

// KEY_MAC's length and the LEGACY block rule follow the session's profile (REQ-MSG-061).
Parsed<KeyMessage> parse_key_message(ByteView body, Profile profile);
Bytes serialize(const KeyMessage& m);

}  // namespace tmsproto::codec
