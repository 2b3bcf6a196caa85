#include "vendor/exec_vendor.h"

#include "vendor/exec_wire.h"

namespace tmsproto::vendor {

namespace {

tms::VendorError to_vendor_error(AnswerError e) {
  // REQ-VND-034: NOT_FOUND as the program said; anything else the program failing.
  return e == AnswerError::kNotFound ? tms::VendorError::kNotFound : tms::VendorError::kUnavailable;
}

}  // namespace

Result<std::unique_ptr<ExecVendor>, std::string> ExecVendor::open(std::vector<std::string> argv,
                                                                  const ExecOptions& options) {
  std::unique_ptr<ExecVendor> v(new ExecVendor(std::move(argv), options));
  auto child = ChildProcess::spawn(v->argv_);
  if (!child.ok()) return fail(child.error());
  v->child_.emplace(std::move(*child));
  ++v->starts_;
  const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  const std::uint64_t id = v->next_id_++;
  auto line = v->exchange(interface_version_request(id), deadline);
  if (!line) return fail(v->argv_[0] + ": no answer to interface_version within the start timeout (spec/17 17.5)");
  auto version = read_interface_version_answer(*line, id);
  if (!version.ok()) return fail(v->argv_[0] + ": its answer to interface_version is not one of spec/17 17.5");
  v->version_ = *version;
  return v;
}

std::optional<std::string> ExecVendor::exchange(const std::string& request, ChildProcess::Deadline deadline) {
  // REQ-VND-032: no request beyond the bound (255 installed packages and a TERM_INFO stay far below).
  if (request.size() > kMaxLineLength) return std::nullopt;
  if (!child_ || !child_->write_line(request, deadline)) {
    child_.reset();  // kills and reaps
    return std::nullopt;
  }
  auto line = child_->read_line(kMaxLineLength, deadline);
  if (!line.ok()) {
    // REQ-VND-033: timed out, closed, too long: the stream cannot be trusted; the child goes.
    child_.reset();
    return std::nullopt;
  }
  return std::move(*line);
}

bool ExecVendor::ensure_running() {
  if (child_) return true;
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  // REQ-VND-035: a child that died or was killed is started again by the next call, and must
  // still speak the interface version the TMS accepted when it was configured.
  auto child = ChildProcess::spawn(argv_);
  if (!child.ok()) return false;
  child_.emplace(std::move(*child));
  ++starts_;
  const std::uint64_t id = next_id_++;
  auto line = exchange(interface_version_request(id), deadline);
  if (!line) return false;
  auto version = read_interface_version_answer(*line, id);
  if (!version.ok() || *version != version_) {
    child_.reset();
    return false;
  }
  return true;
}

Result<std::vector<codec::Offer>, tms::VendorError> ExecVendor::offers(const tms::OffersQuery& q) {
  std::lock_guard lock(mutex_);
  if (!ensure_running()) return fail(tms::VendorError::kUnavailable);
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  const std::uint64_t id = next_id_++;
  auto line = exchange(offers_request(id, q), deadline);
  if (!line) return fail(tms::VendorError::kUnavailable);
  auto answer = read_offers_answer(*line, id, q.vendor_id);
  if (!answer.ok()) {
    if (answer.error() == AnswerError::kGarbage) child_.reset();  // REQ-VND-034
    return fail(to_vendor_error(answer.error()));
  }
  return std::move(*answer);
}

Result<Bytes, tms::VendorError> ExecVendor::piece(const tms::PieceQuery& q) {
  std::lock_guard lock(mutex_);
  if (!ensure_running()) return fail(tms::VendorError::kUnavailable);
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  const std::uint64_t id = next_id_++;
  auto line = exchange(piece_request(id, q), deadline);
  if (!line) return fail(tms::VendorError::kUnavailable);
  auto answer = read_piece_answer(*line, id);
  if (!answer.ok()) {
    if (answer.error() == AnswerError::kGarbage) child_.reset();  // REQ-VND-034
    return fail(to_vendor_error(answer.error()));
  }
  return std::move(*answer);
}

}  // namespace tmsproto::vendor
