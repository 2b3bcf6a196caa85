// The out-of-process database (spec/17-vendor-adapters.md 17.5): a vendor's own program, in any
// language, answering JSON lines on its stdin and stdout, behind tms::VendorInterface. A call that
// the program does not answer in time, or answers with garbage, is UNAVAILABLE and costs the
// program its life; the next call starts it again.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tms/ports.h"
#include "vendor/child_process.h"

namespace tmsproto::vendor {

struct ExecOptions {
  // REQ-VND-033: how long one call waits for its answer.
  std::chrono::milliseconds timeout{5000};
  // How long a start of the program may take until it has answered interface_version; a call that
  // must start the program first waits at most this and then `timeout`.
  std::chrono::milliseconds start_timeout{10000};
};

class ExecVendor final : public tms::VendorInterface {
 public:
  // Starts `argv` and asks its interface_version. One line naming the failure when it cannot be
  // started or does not answer that question.
  static Result<std::unique_ptr<ExecVendor>, std::string> open(std::vector<std::string> argv,
                                                               const ExecOptions& options = {});

  // The version the program answered when it was opened (the directory refuses other versions).
  std::uint32_t interface_version() const override { return version_; }
  Result<std::vector<codec::Offer>, tms::VendorError> offers(const tms::OffersQuery& q) override;
  Result<Bytes, tms::VendorError> piece(const tms::PieceQuery& q) override;

  // How many times the program was started, for the tests and the logs.
  std::size_t starts() const { return starts_; }

 private:
  ExecVendor(std::vector<std::string> argv, ExecOptions options) : argv_(std::move(argv)), options_(options) {}
  // One exchange: the answer line, or nullopt after which the child has been killed.
  std::optional<std::string> exchange(const std::string& request, ChildProcess::Deadline deadline);
  // Starts the child when none runs and checks it still answers version_. False: unavailable.
  bool ensure_running();

  std::mutex mutex_;  // one request in flight: the exchange is strictly request, answer
  std::vector<std::string> argv_;
  ExecOptions options_;
  std::optional<ChildProcess> child_;
  std::uint32_t version_ = 0;
  std::uint64_t next_id_ = 1;
  std::size_t starts_ = 0;
};

}  // namespace tmsproto::vendor
