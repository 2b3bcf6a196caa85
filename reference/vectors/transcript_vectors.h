// Algorithm TMS-TRANSCRIPT of vectors/README.md: one complete session, every message in order,
// with every input that makes it deterministic (keys, identities, packages, clocks and the random
// draws of each side). The checker replays each side on its own: a terminal::Session configured
// from the case (and its policy) is fed the TMS's messages and must send exactly the terminal's
// messages and end as the case's `expect` says (T_DONE when absent, or T_FAILED with its code); a
// tms::Session likewise with the terminal's messages (S_DONE / S_FAILED). Randomness and time are injected (REQ-TERM-003, REQ-TMS-003, REQ-CRYPTO-016).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/fields.h"
#include "codec/header.h"
#include "common/bytes.h"
#include "common/result.h"
#include "profile/profile_crypto.h"
#include "protocol/constants.h"
#include "sim/memory_ports.h"
#include "terminal/ports.h"
#include "tms/ports.h"
#include "vectors/case_fields.h"
#include "vectors/document.h"
#include "vectors/runner.h"
#include "vectors/scripted_random.h"

namespace tmsproto::vectors {

struct TranscriptKey {  // one key of the key set, delivered into its slot (REQ-KEY-025)
  std::uint8_t slot = 1;
  profile::SlotRule rule;
  Bytes key;
};

struct TranscriptPackage {  // a package of the vendor's database, as the vendor published it
  Bytes manifest;   // 116 octets (spec/03-messages.md 3.8)
  Bytes signature;  // ECDSA P-256 r || s over manifest (REQ-CRYPTO-013)
  Bytes content;
};

struct TranscriptMessage {
  bool from_terminal = true;
  Bytes body;
  // Sent by an attacker (or a broken peer), not by the engine of `from`: the replay of that side
  // stops before it and checks only what it sent until then (vectors/README.md, "injected").
  bool injected = false;
};

// The policy inputs of a case (vectors/README.md, `policy`): what the two sides are configured
// with beyond keys and identities. Absent in a case: the defaults below, which are those of the
// honest sessions.
struct TranscriptPolicy {
  bool terminal_legacy_enabled = false;  // REQ-CRYPTO-020; default: the profile is LEGACY
  bool tms_legacy_enabled = false;       // REQ-CRYPTO-020, the TMS's terminal record
  bool unattended_allowed = true;        // REQ-OPR-005
  std::int64_t freshness_window_s = 300;  // REQ-HS-012
  bool terminal_registered = true;       // REQ-HS-018: false, the registry does not know the terminal
  bool key_set_registered = true;        // REQ-HS-018, REQ-KEY-013 (TRANS_CODE 01)
  bool operator_enrolled = true;         // REQ-OPR-007: false, the TMS sends the decoy salt
  bool operator_may_download_keys = true;  // REQ-OPR-004
  std::uint32_t operator_failures = 0;   // REQ-OPR-006: consecutive failures before the session
  std::int64_t operator_locked_until_s = 0;  // and the lock's end, seconds since 2000-01-01 UTC
  Bytes decoy_salt_key = Bytes(32, 0x00);  // REQ-OPR-007: the estate key of the decoy salts
  std::vector<std::array<std::uint8_t, 8>> replay_cache_seeded;  // REQ-HS-013: T_RANDs already seen
  bool key_store_fails = false;   // REQ-KEY-022: the secure unit refuses the keys (21)
  bool apply_fails = false;       // REQ-DL-030: the package store cannot apply (22)
  bool vendor_fails = false;      // REQ-TMS-022: the vendor's interface fails (96)
};

// The expected outcome (vectors/README.md, `expect`). Absent: the session completes.
struct TranscriptExpect {
  enum class EndsBy { kNone, kTerminal, kTms };
  EndsBy ends_by = EndsBy::kNone;
  std::size_t at_message = 0;  // index of the ABORT or failing SESSION_END; kNone: the last message
  ResponseCode code = ResponseCode::kSuccess;
  bool terminal_done = true;  // T_DONE, else T_FAILED
  bool tms_done = true;       // S_DONE, else S_FAILED
};

// The fields of a TMS-TRANSCRIPT case, in the order of vectors/README.md.
struct TranscriptCase {
  std::uint64_t seed = 0;  // how the generator made the case; not an input of the replay
  Profile profile = Profile::kAes128;
  TransCode trans = TransCode::kProgramDownload;
  codec::Identity id;
  Bytes dmk;
  std::string operator_id;  // empty: unattended
  std::string operator_password;
  codec::OperatorSalt opv_salt{};   // REQ-OPR-002: the operator's salt, enrolled at the TMS
  std::uint32_t opv_iterations = 0;  // and iteration count
  Bytes opv;  // REQ-OPR-002, derived from the password, salt and count; empty when unattended
  std::string key_set_id;
  std::vector<TranscriptKey> key_set;
  Bytes vendor_public_key;
  std::vector<TranscriptPackage> packages;
  std::vector<codec::InstalledPackage> installed;  // on the terminal before the session; KIND M runs in slot 1
  terminal::DeviceReport device;                   // what the device reports of itself (REQ-DL-041)
  std::uint16_t max_chunk = 4096;
  codec::DateTime terminal_time;
  codec::DateTime tms_time;
  std::vector<Draw> terminal_random;
  std::vector<Draw> tms_random;
  std::vector<TranscriptMessage> messages;
  TranscriptPolicy policy;
  TranscriptExpect expect;
};

// The policy applied to each side's objects: the generator applies it to its estate, the replay
// to the objects it builds from the case, so that both run the same configuration.
void apply_terminal_policy(const TranscriptPolicy& p, terminal::Config& config, sim::MemoryKeyStore& keys,
                           sim::MemoryPackageStore& store);
void apply_tms_policy(const TranscriptPolicy& p, const codec::Identity& id, const std::string& key_set_id,
                      std::string_view operator_id, sim::MemoryRegistry& registry, tms::Config& config,
                      sim::MemoryReplayCache& replay_cache, sim::MemoryVendor& vendor);

Result<TranscriptCase, FieldError> read_transcript_case(const Json& test);
// The case's fields as JSON members (without tcId, comment and result), for the generator.
std::vector<Member> transcript_case_members(const TranscriptCase& c);

// Each replay is accepted only when every message matches octet for octet and, unless the side
// stopped before a message injected in its name, the engine ends in the expected state (and, when
// failed, with the expected code) and every recorded draw was used.
Verdict replay_terminal(const TranscriptCase& c);
Verdict replay_tms(const TranscriptCase& c);

Verdict check_tms_transcript(const Json& test);

}  // namespace tmsproto::vectors
