// Tree walks the optimizer rules share: bottom-up plan rewriting and rewriting every expression
// a node holds.
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "plan/logical_plan.h"

namespace strata::plan {

// Rebuilds the plan bottom-up: `fn` gets each node with already rewritten inputs and returns its
// replacement (or the node itself). Unchanged subtrees are shared, not copied.
absl::StatusOr<LogicalPlanPtr> TransformUp(
    const LogicalPlanPtr& plan,
    const std::function<absl::StatusOr<LogicalPlanPtr>(const LogicalPlanPtr&)>& fn);

// A copy of `plan` (or `plan` itself when nothing changed) in which every top-level expression
// the node holds (projection, predicate, group and aggregate expressions, sort keys, join keys
// and filter, window expressions, values, scan filters) is replaced by fn(expr). The schema is
// kept as it is: `fn` must preserve types.
LogicalPlanPtr MapNodeExpressions(const LogicalPlanPtr& plan,
                                  const std::function<ExprPtr(const ExprPtr&)>& fn);

// True when `expr` may be evaluated anywhere and any number of times with the same result: no
// non-deterministic function (random(), now() before simplification), no aggregate, window or
// subquery.
bool IsMovable(const ExprPtr& expr);

// Replaces every column reference i in `expr` by replacements[i] (used to move a predicate below
// a projection or an aggregate's group expressions).
ExprPtr SubstituteColumns(const ExprPtr& expr, const std::vector<ExprPtr>& replacements);

}  // namespace strata::plan
