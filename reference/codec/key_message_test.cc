#include "codec/key_message.h"

#include <gtest/gtest.h>

namespace tmsproto::codec {
namespace {

KeyMessage key_download(Profile p) {
  KeyMessage m;
  m.id = {"V1", "M1", "S1"};
  m.trans = TransCode::kKeyDownload;
  m.entries = {{kDskSlot, Bytes(3, 0xd5), Bytes(p == Profile::kLegacy ? 8 : 80, 0x42)},
               {0x01, Bytes(5, 0x11), Bytes(p == Profile::kLegacy ? 16 : 112, 0x43)}};
  m.key_mac = Bytes(mac_length(p), 0xee);
  return m;
}

TEST(KeyMessage, RoundTripsWithEntriesAndMac) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128}) {
    const KeyMessage m = key_download(p);
    EXPECT_EQ(*parse_key_message(serialize(m), p), m);
  }
}

// REQ-MSG-060
// Checks REQ-MSG-060.
TEST(KeyMessage, DskMustComeFirstAndSlotsMustIncrease) {
  KeyMessage m = key_download(Profile::kAes128);
  std::swap(m.entries[0], m.entries[1]);
  EXPECT_EQ(parse_key_message(serialize(m), Profile::kAes128).error().field, "SLOT");
  m = key_download(Profile::kAes128);
  m.entries[1].slot = 0x00;
  EXPECT_EQ(parse_key_message(serialize(m), Profile::kAes128).error().field, "SLOT");
}

TEST(KeyMessage, ProgramDownloadCarriesTheDskAlone) {
  KeyMessage m = key_download(Profile::kTdes);
  m.trans = TransCode::kProgramDownload;
  EXPECT_EQ(parse_key_message(serialize(m), Profile::kTdes).error().field, "KEY_COUNT");
  m.entries.resize(1);
  EXPECT_TRUE(parse_key_message(serialize(m), Profile::kTdes).ok());
}

// REQ-MSG-061
// Checks REQ-MSG-061.
TEST(KeyMessage, EntryBoundsAreChecked) {
  KeyMessage m = key_download(Profile::kLegacy);
  m.entries[1].key_block = Bytes(12, 0);  // not a multiple of 8 in LEGACY
  EXPECT_EQ(parse_key_message(serialize(m), Profile::kLegacy).error().field, "BLOCK_LEN");
  m = key_download(Profile::kAes128);
  m.entries[0].kcv = Bytes(4, 0);
  EXPECT_EQ(parse_key_message(serialize(m), Profile::kAes128).error().field, "KCV_LEN");
  m = key_download(Profile::kAes128);
  m.entries[0].key_block = Bytes(513, 0);
  EXPECT_EQ(parse_key_message(serialize(m), Profile::kAes128).error().field, "BLOCK_LEN");
}

TEST(KeyMessage, MacLengthFollowsTheSessionProfile) {
  const Bytes body = serialize(key_download(Profile::kAes128));
  EXPECT_FALSE(parse_key_message(body, Profile::kTdes).ok());
}

}  // namespace
}  // namespace tmsproto::codec
