// How the TMS is configured with its vendors' databases (spec/17-vendor-adapters.md 17.6): one
// adapter per vendor from a spec string ("dir:PATH", "sqlite:PATH", "exec:COMMAND ARGS..."), and
// the tms::VendorDirectory the session engine looks them up in (REQ-TMS-020).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tms/ports.h"
#include "vendor/exec_vendor.h"

namespace tmsproto::vendor {

struct AdapterOptions {
  ExecOptions exec;  // for "exec:" adapters
};

// The adapter `spec` names, opened; one line naming what is wrong with the spec or the database.
Result<std::unique_ptr<tms::VendorInterface>, std::string> open_adapter(std::string_view spec,
                                                                        const AdapterOptions& options = {});

class AdapterDirectory final : public tms::VendorDirectory {
 public:
  // Adds `adapter` as `vendor_id`'s database. Refused, with one line: a VENDOR_ID that is not one,
  // a vendor that has a database already, an interface version this TMS does not implement.
  Result<void, std::string> add(const std::string& vendor_id, std::unique_ptr<tms::VendorInterface> adapter);
  // open_adapter then add; also refused when a "dir:" or "sqlite:" database is another vendor's.
  Result<void, std::string> configure(const std::string& vendor_id, std::string_view spec,
                                      const AdapterOptions& options = {});

  tms::VendorInterface* find(const std::string& vendor_id) override;
  std::size_t size() const { return adapters_.size(); }

 private:
  std::map<std::string, std::unique_ptr<tms::VendorInterface>> adapters_;
};

}  // namespace tmsproto::vendor
