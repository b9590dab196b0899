// The rule pipeline.
#include "plan/optimizer/optimizer.h"

#include <utility>

#include "common/status.h"

namespace strata::plan {

absl::StatusOr<LogicalPlanPtr> Optimize(LogicalPlanPtr plan, const OptimizerOptions& options) {
  using Rule = absl::StatusOr<LogicalPlanPtr> (*)(LogicalPlanPtr, const OptimizerOptions&);
  static constexpr Rule kRules[] = {
      SimplifyExpressions, PushDownFilter, SimplifyExpressions, PushDownLimit, PruneProjections};
  for (Rule rule : kRules) {
    STRATA_ASSIGN_OR_RETURN(plan, rule(std::move(plan), options));
  }
  return plan;
}

}  // namespace strata::plan
