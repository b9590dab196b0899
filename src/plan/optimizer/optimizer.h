// The logical optimizer: rewrites a bound logical plan into an equivalent, cheaper one by applying
// rules in a fixed order (DataFusion's Optimizer). Each rule lives in its own file and is a
// function from a plan to a plan; every rule keeps the root's output schema unchanged.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "plan/logical_plan.h"

namespace strata::plan {

struct OptimizerOptions {
  // The query's start time (ns since the epoch, UTC): every now() in the query is this value.
  int64_t query_start_nanos = 0;
};

// Applies, in order: expression simplification (constant folding, now()), predicate pushdown,
// simplification again (pushed predicates may fold), limit pushdown, common subexpression
// elimination, projection pruning, and the cache rewrites (on the final shape of the plan).
absl::StatusOr<LogicalPlanPtr> Optimize(LogicalPlanPtr plan, const OptimizerOptions& options);

// The rules, each usable alone (tests apply them one at a time).

// Constant folding and boolean simplification of every expression; WHERE true is removed, WHERE
// false/NULL becomes an empty relation; now() becomes the query start time.
// (simplify_expressions.cc)
absl::StatusOr<LogicalPlanPtr> SimplifyExpressions(LogicalPlanPtr plan,
                                                   const OptimizerOptions& options);

// The simplified form of one expression (what SimplifyExpressions does to each).
ExprPtr SimplifyExpr(const ExprPtr& expr, const OptimizerOptions& options);

// Moves filters towards the scans and into them when the table provider accepts them.
// (push_down_filter.cc)
absl::StatusOr<LogicalPlanPtr> PushDownFilter(LogicalPlanPtr plan, const OptimizerOptions& options);

// Limit over Sort becomes a TopK sort; limits pass projections and reach scans.
// (push_down_limit.cc)
absl::StatusOr<LogicalPlanPtr> PushDownLimit(LogicalPlanPtr plan, const OptimizerOptions& options);

// A subexpression that a projection, aggregate or filter evaluates more than once per row (and
// surely evaluates: not only in a CASE branch or on the right of AND/OR) is computed once by a
// new projection below it, as a column named __common_expr_N. (common_subexpr.cc)
absl::StatusOr<LogicalPlanPtr> EliminateCommonSubexprs(LogicalPlanPtr plan,
                                                       const OptimizerOptions& options);

// Scans whose answer depends only on each group's newest rows (the lastpoint join, ORDER BY time
// DESC LIMIT n) or on the distinct values of some columns (SELECT DISTINCT tag) read a
// last-value or distinct-value cache instead of the table, when the table's provider has one
// that holds them (TableProvider::NewestRowsSource, DistinctValuesSource). (use_caches.cc)
absl::StatusOr<LogicalPlanPtr> UseCaches(LogicalPlanPtr plan, const OptimizerOptions& options);

// Scans read only the columns used above them; unused projection and aggregate outputs are
// dropped. (prune_projections.cc)
absl::StatusOr<LogicalPlanPtr> PruneProjections(LogicalPlanPtr plan,
                                                const OptimizerOptions& options);

}  // namespace strata::plan
