#include "vendor/exec_wire.h"

#include <nlohmann/json.hpp>

#include "codec/terminal_info.h"
#include "common/hex.h"
#include "config/strict_json.h"
#include "vendor/database_rules.h"

namespace tmsproto::vendor {

using nlohmann::json;

namespace {

// Answers nest two levels deep; anything deeper is garbage and is refused before the parser,
// whatever recursion it would cost, sees it.
constexpr int kMaxDepth = 8;

bool shallow(const std::string& line) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : line) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// The answer object when it is one and carries our id; its "error" member, if any, as the error.
Result<json, AnswerError> answer_object(const std::string& line, std::uint64_t id) {
  if (!shallow(line)) return fail(AnswerError::kGarbage);
  // REQ-VND-034: with a member twice (two "id"s, two "data"s) which one counts is a guess; garbage.
  auto parsed = config::parse_strict<json>(line);
  if (!parsed || !parsed->is_object()) return fail(AnswerError::kGarbage);
  json j = std::move(*parsed);
  // REQ-VND-030: every answer echoes the id of its request.
  auto it = j.find("id");
  if (it == j.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() != id) return fail(AnswerError::kGarbage);
  auto err = j.find("error");
  if (err != j.end()) {
    // REQ-VND-034: the two errors of the contract; anything else is the adapter failing.
    if (err->is_string() && err->get<std::string>() == "NOT_FOUND") return fail(AnswerError::kNotFound);
    return fail(AnswerError::kUnavailable);
  }
  return j;
}

std::optional<Bytes> hex_member(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return from_hex(it->get_ref<const std::string&>());
}

}  // namespace

std::string interface_version_request(std::uint64_t id) {
  return json{{"id", id}, {"op", "interface_version"}}.dump();
}

std::string offers_request(std::uint64_t id, const tms::OffersQuery& q) {
  json installed = json::array();
  for (const codec::InstalledPackage& p : q.installed) {
    installed.push_back({{"kind", std::string(1, static_cast<char>(p.kind))}, {"name", p.name}, {"version", p.version}});
  }
  // REQ-VND-030: binary as hex; the report as the TERM_INFO payload octets of spec/03.
  return json{{"id", id},
              {"op", "offers"},
              {"vendor_id", q.vendor_id},
              {"model_id", q.model_id},
              {"serial_no", q.serial_no},
              {"installed", std::move(installed)},
              {"report", to_hex(codec::serialize(q.report))}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string piece_request(std::uint64_t id, const tms::PieceQuery& q) {
  return json{{"id", id},
              {"op", "piece"},
              {"vendor_id", q.vendor_id},
              {"manifest", to_hex(codec::serialize(q.manifest))},
              {"section", q.section == codec::Section::kFit ? "fit" : "data"},
              {"index", q.index}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::uint32_t, AnswerError> read_interface_version_answer(const std::string& line, std::uint64_t id) {
  auto j = answer_object(line, id);
  if (!j.ok()) return fail(j.error());
  auto it = j->find("interface_version");
  if (it == j->end() || !it->is_number_unsigned() || it->get<std::uint64_t>() > 0xFFFFFFFFu) {
    return fail(AnswerError::kGarbage);
  }
  return static_cast<std::uint32_t>(it->get<std::uint64_t>());
}

Result<std::vector<codec::Offer>, AnswerError> read_offers_answer(const std::string& line, std::uint64_t id,
                                                                  const std::string& vendor_id) {
  auto j = answer_object(line, id);
  if (!j.ok()) return fail(j.error());
  auto it = j->find("offers");
  if (it == j->end() || !it->is_array()) return fail(AnswerError::kGarbage);
  std::vector<codec::Offer> out;
  for (const json& o : *it) {
    if (!o.is_object()) return fail(AnswerError::kGarbage);
    auto manifest = hex_member(o, "manifest");
    auto signature = hex_member(o, "signature");
    if (!manifest || !signature) return fail(AnswerError::kGarbage);
    // REQ-VND-034: each candidate a MANIFEST of this vendor that parses and a 64-octet SIGNATURE.
    auto offer = offer_from_octets(*manifest, *signature, vendor_id);
    if (!offer) return fail(AnswerError::kGarbage);
    out.push_back(std::move(*offer));
  }
  return out;
}

Result<Bytes, AnswerError> read_piece_answer(const std::string& line, std::uint64_t id) {
  auto j = answer_object(line, id);
  if (!j.ok()) return fail(j.error());
  auto data = hex_member(*j, "data");
  if (!data) return fail(AnswerError::kGarbage);
  return std::move(*data);
}

}  // namespace tmsproto::vendor
