// The JSON lines of the out-of-process exchange (spec/17-vendor-adapters.md 17.5): the requests
// the TMS writes and the reading of the answers, strict about everything the TMS relies on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tms/ports.h"

namespace tmsproto::vendor {

// REQ-VND-032: the longest line either side sends, newline excluded.
inline constexpr std::size_t kMaxLineLength = 1024 * 1024;

std::string interface_version_request(std::uint64_t id);
std::string offers_request(std::uint64_t id, const tms::OffersQuery& q);
std::string piece_request(std::uint64_t id, const tms::PieceQuery& q);

// What an answer line said: a value, an error the adapter chose (UNAVAILABLE, NOT_FOUND), or
// nothing usable (kGarbage: not JSON, another id, a member missing or of the wrong type), after
// which the TMS cannot trust the stream any more and restarts the child.
enum class AnswerError { kUnavailable, kNotFound, kGarbage };

Result<std::uint32_t, AnswerError> read_interface_version_answer(const std::string& line, std::uint64_t id);
// `vendor_id`: offers of another vendor are garbage (REQ-TMS-027).
Result<std::vector<codec::Offer>, AnswerError> read_offers_answer(const std::string& line, std::uint64_t id,
                                                                  const std::string& vendor_id);
Result<Bytes, AnswerError> read_piece_answer(const std::string& line, std::uint64_t id);

}  // namespace tmsproto::vendor
