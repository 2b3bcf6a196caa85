#include "crypto/digest.h"

#include <tomcrypt.h>

namespace tmsproto::crypto {

struct Sha256::State {
  State() { sha256_init(&md); }
  // A hash of key material is itself sensitive while it is still being computed.
  ~State() { zeromem(&md, sizeof md); }
  hash_state md;
};

// REQ-CRYPTO-012
Sha256::Sha256() : state_(std::make_unique<State>()) {}
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(ByteView data) {
  // sha256_process rejects a null pointer, which an empty span may carry. Its only other error is
  // a total length beyond 2^64 bits, which a process cannot reach.
  if (data.empty()) return;
  if (!state_) state_ = std::make_unique<State>();  // a moved-from object starts afresh
  (void)sha256_process(&state_->md, data.data(), data.size());  // REQ-CRYPTO-012
}

Sha256Digest Sha256::finish() {
  if (!state_) state_ = std::make_unique<State>();  // a moved-from object starts afresh
  Sha256Digest out{};
  (void)sha256_done(&state_->md, out.data());  // REQ-CRYPTO-012
  sha256_init(&state_->md);
  return out;
}

Sha256Digest sha256(ByteView data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

}  // namespace tmsproto::crypto
