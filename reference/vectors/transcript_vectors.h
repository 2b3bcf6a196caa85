// Algorithm TMS-TRANSCRIPT of vectors/README.md: one complete session, every message in order,
// with every input that makes it deterministic (keys, identities, packages, clocks and the random
// draws of each side). The checker replays each side on its own: a terminal::Session configured
// from the case is fed the TMS's messages and must send exactly the terminal's messages and end in
// T_DONE; a tms::Session is fed the terminal's messages and must send exactly the TMS's and end
// in S_DONE. Randomness and time are injected (REQ-TERM-003, REQ-TMS-003, REQ-CRYPTO-016).
#pragma once

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
#include "vectors/case_fields.h"
#include "vectors/json.h"
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
  std::vector<codec::InstalledPackage> installed;  // on the terminal before the session
  std::uint16_t max_chunk = 4096;
  codec::DateTime terminal_time;
  codec::DateTime tms_time;
  std::vector<Draw> terminal_random;
  std::vector<Draw> tms_random;
  std::vector<TranscriptMessage> messages;
};

Result<TranscriptCase, FieldError> read_transcript_case(const json::Value& test);
// The case's fields as JSON members (without tcId, comment and result), for the generator.
std::vector<json::Member> transcript_case_members(const TranscriptCase& c);

// Each replay is accepted only when every message matches octet for octet, the engine ends in
// T_DONE / S_DONE, and every recorded draw was used.
Verdict replay_terminal(const TranscriptCase& c);
Verdict replay_tms(const TranscriptCase& c);

Verdict check_tms_transcript(const json::Value& test);

}  // namespace tmsproto::vectors
