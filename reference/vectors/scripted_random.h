// Random sources for protocol vectors (REQ-CRYPTO-016: randomness is an input of the core).
// ScriptedRandom replays the draws a case recorded, one recorded draw per fill() call, so that an
// engine re-run on the same inputs makes exactly the recorded messages; RecordingRandom records
// the draws of a live run for the generator (reference/vectors/tools/make_transcripts.cc).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/random.h"

namespace tmsproto::vectors {

// One call of RandomSource::fill as a case records it: what the octets were for and the octets.
struct Draw {
  std::string use;  // e.g. "T_RAND", "DWK", "TR-31 padding of DWK_1" (vectors/README.md)
  Bytes bytes;
};

// Serves draws[0], draws[1], ... to successive non-empty fill() calls. A call whose length is not
// that of the next draw, or a call after the last draw, cannot be served: it gets zero octets and
// error() says which draw went wrong, so that the replay fails the case instead of going on with
// made-up randomness. An empty fill() consumes nothing.
class ScriptedRandom final : public crypto::RandomSource {
 public:
  explicit ScriptedRandom(std::span<const Draw> draws) : draws_(draws) {}
  void fill(std::span<std::uint8_t> out) override;

  const std::optional<std::string>& error() const { return error_; }
  std::size_t used() const { return next_; }
  bool exhausted() const { return next_ == draws_.size(); }

 private:
  std::span<const Draw> draws_;
  std::size_t next_ = 0;
  std::optional<std::string> error_;
};

// Passes every fill() through to `inner` and keeps a copy of each non-empty draw, unlabelled.
class RecordingRandom final : public crypto::RandomSource {
 public:
  explicit RecordingRandom(crypto::RandomSource& inner) : inner_(inner) {}
  void fill(std::span<std::uint8_t> out) override;
  const std::vector<Bytes>& draws() const { return draws_; }

 private:
  crypto::RandomSource& inner_;
  std::vector<Bytes> draws_;
};

}  // namespace tmsproto::vectors
