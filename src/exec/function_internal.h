// Registration hooks of the built-in functions, called once by FunctionRegistry::Default().
#pragma once

#include "exec/function.h"

namespace strata::exec {

// Every scalar function (implemented in functions/).
void RegisterScalarFunctions(FunctionRegistry* registry);
// Every aggregate function (implemented in aggregates/).
void RegisterAggregateFunctions(FunctionRegistry* registry);

}  // namespace strata::exec
