// Aggregate function registration (filled in by aggregates/*.cc).
#include "exec/function_internal.h"

namespace strata::exec {

void RegisterAggregateFunctions(FunctionRegistry* /*registry*/) {}

}  // namespace strata::exec
