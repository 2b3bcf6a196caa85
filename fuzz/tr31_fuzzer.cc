// Fuzz target for TR-31 / X9.143 key blocks (REQ-CRYPTO-011). The input is a candidate key block.
//  1. parse_header() never reads outside the input, and whatever it accepts serialises back to
//     the same text.
//  2. unwrap() under fixed KBPKs (those of the published examples, so that the seed corpus reaches
//     the success path) returns a value, never crashes; a block that opens re-wraps and re-opens
//     to the same header and key.
//  3. Every header that parses can carry a key: wrap under a fixed KBPK, then unwrap, gives the
//     same header and key back.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/hex.h"
#include "crypto/random.h"
#include "fuzz_common.h"
#include "keyblock/tr31.h"
#include "testing/deterministic_random.h"

namespace {

using tmsproto::Bytes;
using tmsproto::ByteView;
namespace kb = tmsproto::keyblock;

Bytes hex(std::string_view s) { return tmsproto::from_hex(s).value(); }

// KBPKs of TR-31:2018 A.7.2.2, A.7.3.2, A.7.4 and X9.143-2021 §8.2 (the seed corpus blocks).
const std::vector<Bytes>& kbpks() {
  static const std::vector<Bytes> k = {
      hex("DD7515F2BFC17F85CE48F3CA25CB21F6"),
      hex("1D22BF32387C600AD97F9B97A51311AC"),
      hex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"),
      hex("E38331FBACE33F0B8694ABA5DC611CA20831949FEB8988102147291578F704E1"),
  };
  return k;
}

Bytes to_bytes(const tmsproto::crypto::SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

void check_round_trip(ByteView kbpk, const kb::Tr31Header& header, ByteView key, std::uint64_t seed) {
  tmsproto::crypto::DeterministicRandom rng(seed);
  auto block = kb::wrap(kbpk, header, key, rng);
  if (!block) {
    // A valid header and a key of a valid size can only fail by not fitting in 9999 characters.
    FUZZ_CHECK(block.error() == kb::Tr31Error::kBadLength);
    return;
  }
  auto again = kb::unwrap(kbpk, *block);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->header == header);
  FUZZ_CHECK(to_bytes(again->key) == Bytes(key.begin(), key.end()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto parsed = kb::parse_header(text);
  if (parsed) {
    FUZZ_CHECK(parsed->header_length <= text.size());
    auto text_again = kb::serialise_header(parsed->header, text.size());
    FUZZ_CHECK(text_again.ok());
    FUZZ_CHECK(*text_again == text.substr(0, parsed->header_length));

    // A key of a size the header's algorithm allows, under a KBPK at least as strong.
    const kb::Tr31Header& h = parsed->header;
    const std::size_t key_len = h.algorithm == 'D' ? 8 : 16;
    Bytes key(key_len);
    for (std::size_t i = 0; i < key_len; ++i) key[i] = static_cast<std::uint8_t>(size > 0 ? data[i % size] + i : i);
    const ByteView kbpk = h.version == kb::Tr31Version::kB ? ByteView(kbpks()[0]) : ByteView(kbpks()[2]);
    check_round_trip(kbpk, h, key, size);
  }

  for (const Bytes& kbpk : kbpks()) {
    auto opened = kb::unwrap(kbpk, text);
    if (!opened) continue;
    check_round_trip(kbpk, opened->header, opened->key.view(), size);
  }
  return 0;
}
