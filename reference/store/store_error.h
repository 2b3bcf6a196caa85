// The one error a store call returns: a single line that says what failed and why, fit for an
// operator's terminal or a log (REQ-STORE-011). Never contains key material.
#pragma once

#include <string>

namespace tmsproto::store {

struct StoreError {
  std::string message;
};

}  // namespace tmsproto::store
