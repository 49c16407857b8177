// RETURN_IF_ERROR / ASSIGN_OR_RETURN for absl::Status, which absl 20220623
// does not ship. Used by every layer above storage too.
#ifndef REPORTING_STORAGE_STATUS_MACROS_H_
#define REPORTING_STORAGE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define REPORTING_CONCAT_INNER_(a, b) a##b
#define REPORTING_CONCAT_(a, b) REPORTING_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                              \
  do {                                                     \
    ::absl::Status reporting_status_ = (expr);             \
    if (!reporting_status_.ok()) return reporting_status_; \
  } while (0)

// ASSIGN_OR_RETURN(auto x, F()); assigns the value or returns the status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(REPORTING_CONCAT_(reporting_or_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // REPORTING_STORAGE_STATUS_MACROS_H_
