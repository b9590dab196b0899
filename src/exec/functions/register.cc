// Scalar function registration, and the helpers shared by the function files.
#include "exec/function_internal.h"
#include "exec/functions/builtin_functions.h"
#include "fmt/format.h"

namespace strata::exec {

void RegisterScalarFunctions(FunctionRegistry* registry) {
  RegisterMathFunctions(registry);
  RegisterStringFunctions(registry);
  RegisterConditionalFunctions(registry);
  RegisterTimeFunctions(registry);
  RegisterRegexFunctions(registry);
}

absl::Status CheckArity(std::string_view name, size_t got, size_t min, size_t max) {
  if (got >= min && got <= max) {
    return absl::OkStatus();
  }
  std::string expected;
  if (max == kVariadic) {
    expected = fmt::format("at least {} argument{}", min, min == 1 ? "" : "s");
  } else if (min == max) {
    expected = fmt::format("{} argument{}", min, min == 1 ? "" : "s");
  } else if (max == min + 1) {
    expected = fmt::format("{} or {} arguments", min, max);
  } else {
    expected = fmt::format("{} to {} arguments", min, max);
  }
  return absl::InvalidArgumentError(
      fmt::format("function '{}' expects {}, got {}", name, expected, got));
}

absl::Status NotAccepted(std::string_view name, TypeId type) {
  return absl::InvalidArgumentError(
      fmt::format("function '{}' does not accept {}", name, TypeName(type)));
}

bool IsNumericType(TypeId type) {
  return type == TypeId::kInt64 || type == TypeId::kUInt64 || type == TypeId::kFloat64;
}

}  // namespace strata::exec
