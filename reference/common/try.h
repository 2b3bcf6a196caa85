// Guard macros for Result<T, E>: the whole error-propagation vocabulary of the core.
//   TMS_TRY(auto x, expr);  -- evaluates expr; on error returns it, else binds the value to x
//   TMS_CHECK(expr);        -- the same for Result<void, E>
// They keep parsers reading top to bottom like the spec's field tables.
#pragma once

#include <utility>

#include "common/result.h"

#define TMS_CONCAT_INNER_(a, b) a##b
#define TMS_CONCAT_(a, b) TMS_CONCAT_INNER_(a, b)

#define TMS_TRY_IMPL_(tmp, decl, expr)                    \
  auto tmp = (expr);                                      \
  if (!tmp.ok()) return ::tmsproto::fail(tmp.error());    \
  decl = std::move(tmp).value()

#define TMS_TRY(decl, expr) TMS_TRY_IMPL_(TMS_CONCAT_(tms_try_, __LINE__), decl, expr)

#define TMS_CHECK(expr)                                                    \
  do {                                                                     \
    auto tms_check_ = (expr);                                              \
    if (!tms_check_.ok()) return ::tmsproto::fail(tms_check_.error());     \
  } while (0)
