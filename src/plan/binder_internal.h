// Helpers shared by the binder's files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plan/logical_plan.h"

namespace strata::plan::internal {

// INTERSECT (`intersect`) or EXCEPT [ALL] of two inputs whose fields already have equal types
// (binder_set_operation.cc). Rows compare as IS NOT DISTINCT FROM does: NULL matches NULL.
// Without ALL: distinct(left) semi- or anti-joined with right. With ALL: each side's rows numbered
// within their duplicates (row_number() OVER (PARTITION BY every column)) and joined on the
// columns and that number, so a row left m times and right n times comes out min(m, n) times
// (INTERSECT ALL) or max(m - n, 0) times (EXCEPT ALL). The output fields are left's, unqualified.
LogicalPlanPtr MakeIntersectOrExcept(bool intersect,
                                     bool all,
                                     LogicalPlanPtr left,
                                     LogicalPlanPtr right);

// The candidate closest to `name` by edit distance (case-insensitive), if close enough to be a
// plausible typo (distance <= max(1, len/3)); empty otherwise.
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace strata::plan::internal
