// The rule pipeline.
#include "plan/optimizer/optimizer.h"

#include <utility>

#include "common/status.h"

namespace strata::plan {

absl::StatusOr<LogicalPlanPtr> Optimize(LogicalPlanPtr plan, const OptimizerOptions& options) {
  using Rule = absl::StatusOr<LogicalPlanPtr> (*)(LogicalPlanPtr, const OptimizerOptions&);
  // Common subexpressions are looked for once the expressions are final (simplified, predicates
  // in the scans that take them) and before pruning, which drops the input columns the new
  // projections no longer need.
  static constexpr Rule kRules[] = {SimplifyExpressions,
                                    PushDownFilter,
                                    SimplifyExpressions,
                                    PushDownLimit,
                                    EliminateCommonSubexprs,
                                    PruneProjections,
                                    UseCaches};
  for (Rule rule : kRules) {
    STRATA_ASSIGN_OR_RETURN(plan, rule(std::move(plan), options));
  }
  return plan;
}

}  // namespace strata::plan
