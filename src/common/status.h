// The error type that crosses every function boundary in strata: absl::Status and
// absl::StatusOr<T> (gRPC's codes, so errors cross the wire unchanged), plus the macros that
// propagate them and add context as an error travels up.
#pragma once

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fmt/format.h"

namespace strata {

using absl::Status;
using absl::StatusOr;

// Returns `status` with `context` prepended to its message ("replaying WAL segment 12: ..."),
// keeping the code. OK stays OK.
inline Status Annotate(const Status& status, std::string_view context) {
  if (status.ok()) {
    return status;
  }
  return Status(
      status.code(),
      fmt::format(
          "{}: {}", context, std::string_view(status.message().data(), status.message().size())));
}

}  // namespace strata

#define STRATA_CONCAT_INNER_(a, b) a##b
#define STRATA_CONCAT_(a, b) STRATA_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing function if not OK.
#define STRATA_RETURN_IF_ERROR(expr)        \
  do {                                      \
    ::absl::Status strata_status_ = (expr); \
    if (!strata_status_.ok())               \
      return strata_status_;                \
  } while (false)

// Like STRATA_RETURN_IF_ERROR, prefixing the error message with `context`.
#define STRATA_RETURN_IF_ERROR_CTX(expr, context)           \
  do {                                                      \
    ::absl::Status strata_status_ = (expr);                 \
    if (!strata_status_.ok()) {                             \
      return ::strata::Annotate(strata_status_, (context)); \
    }                                                       \
  } while (false)

#define STRATA_ASSIGN_OR_RETURN_IMPL_(var, lhs, rexpr) \
  auto var = (rexpr);                                  \
  if (!var.ok())                                       \
    return std::move(var).status();                    \
  lhs = std::move(var).value()

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else assigns the value
// to `lhs` (which may be a declaration: `STRATA_ASSIGN_OR_RETURN(auto x, F());`).
#define STRATA_ASSIGN_OR_RETURN(lhs, rexpr) \
  STRATA_ASSIGN_OR_RETURN_IMPL_(STRATA_CONCAT_(strata_statusor_, __LINE__), lhs, rexpr)
