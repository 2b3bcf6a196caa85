// A vendor's program built against the installed core (scripts/check-package builds it through
// find_package(tmsproto) and through pkg-config, REQ-CONF-052): it includes the headers by the paths
// the core uses and computes the published check value 08D7B4 of the two-key TDES test key
// 0123456789ABCDEF FEDCBA9876543210 (reference/crypto/kcv_test.cc, KcvKat.TwoKeyTdesTestKey).
#include <cstdio>

#include "common/hex.h"
#include "crypto/kcv.h"

int main() {
  const auto key = tmsproto::from_hex("0123456789ABCDEFFEDCBA9876543210");
  if (!key) return 1;
  const auto kcv = tmsproto::crypto::kcv(tmsproto::crypto::Cipher::kTdes, *key);
  if (!kcv.ok()) {
    std::fputs("consumer: kcv failed\n", stderr);
    return 1;
  }
  // The KCV on the wire: the leftmost 3 bytes (REQ-CRYPTO-009).
  std::printf("tmsproto consumer: KCV %s\n", tmsproto::to_hex(tmsproto::ByteView(*kcv).first(3)).c_str());
  return 0;
}
