// Aggregate function registration: every built-in aggregate, by source file.
#include "exec/aggregates/accumulator_support.h"
#include "exec/function_internal.h"

namespace strata::exec {

void RegisterAggregateFunctions(FunctionRegistry* registry) {
  RegisterBasicAggregates(registry);
  RegisterStatisticalAggregates(registry);
  RegisterOrderedAggregates(registry);
}

std::vector<TypeId> AggregateStateTypes(const AggregateFunction& function,
                                        const FunctionSignature& signature,
                                        const AggregateCallOptions& options) {
  if (options.distinct && !signature.args.empty()) {
    return {TypeId::kString};
  }
  return function.state_types(signature);
}

}  // namespace strata::exec
