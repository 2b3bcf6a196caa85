// Publishing by spec string (spec/17-vendor-adapters.md 17.6): the `dir:` and `sqlite:` specs that
// name a database for the TMS name it for the vendor's publishing tool too.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "vendor/sign_package.h"

namespace tmsproto::vendor {

// publish_to_directory for "dir:PATH", publish_to_sqlite for "sqlite:PATH"; one line naming the
// refusal otherwise ("exec:" included: a program's database is the vendor's own to fill).
// Returns a line saying where the package went.
Result<std::string, std::string> publish(std::string_view spec, const SignedPackage& p);

}  // namespace tmsproto::vendor
