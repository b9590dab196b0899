// Limit pushdown (DataFusion's PushDownLimit):
//   Limit(skip, fetch) over Sort           Sort keeps skip + fetch rows (TopK); the Limit stays
//                                          to apply skip (and is dropped when skip is 0)
//   Limit over Projection                  the limit moves below the projection (one row in,
//                                          one row out)
//   Limit over Scan                        the scan may stop after skip + fetch rows (Scan.fetch,
//                                          a hint: per partition); the Limit stays
//   Limit over Limit                       merged
// Nothing passes a Filter, an Aggregate, a Join or a Window: each changes which rows come out.
#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "common/status.h"
#include "plan/optimizer/optimizer.h"
#include "plan/optimizer/plan_transform.h"

namespace strata::plan {
namespace {

std::optional<int64_t> MinFetch(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a) {
    return b;
  }
  if (!b) {
    return a;
  }
  return std::min(*a, *b);
}

// Pushes "at most `fetch` rows are needed" into `plan`, returning the rewritten plan (which
// still produces every row the consumer of the first `fetch` rows needs).
LogicalPlanPtr PushFetch(const LogicalPlanPtr& plan, int64_t fetch) {
  switch (plan->kind) {
    case PlanKind::kProjection: {
      LogicalPlanPtr input = PushFetch(plan->inputs[0], fetch);
      return input == plan->inputs[0] ? plan : WithInputs(*plan, {std::move(input)});
    }
    case PlanKind::kSort:
    case PlanKind::kScan:
    case PlanKind::kLimit: {
      // A sort keeps its top `fetch` rows, a scan stops early, an inner limit needs at most
      // `fetch` of its output (skip + fetch of its input).
      std::optional<int64_t> next = MinFetch(plan->fetch, fetch);
      if (next == plan->fetch) {
        return plan;
      }
      auto copy = std::make_shared<LogicalPlan>(*plan);
      copy->fetch = next;
      return copy;
    }
    default:
      return plan;
  }
}

absl::StatusOr<LogicalPlanPtr> RewriteLimit(const LogicalPlanPtr& plan) {
  if (plan->kind != PlanKind::kLimit || !plan->fetch.has_value()) {
    return plan;
  }
  const LogicalPlanPtr& input = plan->inputs[0];
  int64_t needed = plan->skip + *plan->fetch;
  if (needed < plan->skip) {
    return plan;  // overflow: nothing useful to push
  }
  if (input->kind == PlanKind::kLimit) {
    // Limit(s1, f1) over Limit(s2, f2) = Limit(s2 + s1, min(f1, f2 - s1)).
    int64_t skip = input->skip + plan->skip;
    std::optional<int64_t> fetch = plan->fetch;
    if (input->fetch) {
      fetch = std::min(*fetch, std::max<int64_t>(*input->fetch - plan->skip, 0));
    }
    return RewriteLimit(MakeLimit(skip, fetch, input->inputs[0]));
  }
  LogicalPlanPtr pushed = PushFetch(input, needed);
  if (plan->skip == 0 && pushed->kind == PlanKind::kSort && pushed->fetch == plan->fetch) {
    return pushed;  // the TopK yields exactly the limit's rows (a scan's fetch is only a hint)
  }
  return pushed == input ? plan : WithInputs(*plan, {std::move(pushed)});
}

}  // namespace

absl::StatusOr<LogicalPlanPtr> PushDownLimit(LogicalPlanPtr plan,
                                             const OptimizerOptions& /*options*/) {
  return TransformUp(plan, RewriteLimit);
}

}  // namespace strata::plan
