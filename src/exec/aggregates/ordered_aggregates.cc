// first_value, last_value and InfluxDB's selector functions.
#include "exec/aggregates/accumulator_support.h"

namespace strata::exec {

void RegisterOrderedAggregates(FunctionRegistry* /*registry*/) {}

}  // namespace strata::exec
