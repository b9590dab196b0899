// Scalar function registration (filled in by functions/*.cc).
#include "exec/function_internal.h"

namespace strata::exec {

void RegisterScalarFunctions(FunctionRegistry* /*registry*/) {}

}  // namespace strata::exec
