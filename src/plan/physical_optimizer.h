// Rules over physical plans, applied after the physical planner (DataFusion's
// PhysicalOptimizerRule): rewrites that need to see operators rather than logical nodes.
#pragma once

#include "absl/status/statusor.h"
#include "exec/execution_plan.h"

namespace strata::plan {

// Dynamic filter pushdown (exec/dynamic_filter.h): gives each hash join that may drop unmatched
// probe rows a filter id, and the scans that its probe keys come from (plain column keys traced
// down through projections, filters, partition merges and sorts without a fetch) a reference to
// that filter, so that at run time they skip what cannot match the build side. Joins and scans
// that cannot take part are left as they are.
absl::StatusOr<exec::ExecutionPlanPtr> PushDownDynamicFilters(exec::ExecutionPlanPtr plan);

// Every physical rule, in order (today: PushDownDynamicFilters).
absl::StatusOr<exec::ExecutionPlanPtr> OptimizePhysicalPlan(exec::ExecutionPlanPtr plan);

}  // namespace strata::plan
