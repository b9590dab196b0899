// Predicate pushdown: every Filter's conjuncts travel down the tree as far as each one validly
// can (DataFusion's PushDownFilter), and into table scans when the provider accepts them.
//
//   Projection  conjuncts are rewritten in terms of the projection's input
//   Sort        passed through (not a TopK sort: filtering before a fetch changes its rows)
//   Limit       stop (filtering before a limit changes which rows it keeps)
//   Aggregate   conjuncts over group columns only move below (not for a global aggregate, whose
//               one output row exists even when no input row does)
//   Join        a conjunct over one side moves into that side when the join type preserves it:
//               inner both sides; left join the left; right join the right; semi/anti the left.
//               ON conditions over the non-preserved side only move into that side.
//   Union       into every input
//   Scan        kExact conjuncts move into the scan; kInexact ones are copied into it and stay
//   others      stop
// Non-deterministic conjuncts never move.
#include <memory>
#include <utility>
#include <vector>

#include "common/status.h"
#include "plan/optimizer/optimizer.h"
#include "plan/optimizer/plan_transform.h"

namespace strata::plan {
namespace {

LogicalPlanPtr AddFilter(std::vector<ExprPtr> conjuncts, LogicalPlanPtr input) {
  if (conjuncts.empty()) {
    return input;
  }
  return MakeFilter(MakeAnd(std::move(conjuncts)), std::move(input));
}

bool AllColumnsBelow(const Expr& e, int limit) {
  for (int c : ReferencedColumns(e)) {
    if (c >= limit) {
      return false;
    }
  }
  return true;
}

bool AllColumnsFrom(const Expr& e, int from) {
  for (int c : ReferencedColumns(e)) {
    if (c < from) {
      return false;
    }
  }
  return true;
}

// Shifts column references down by `offset` (right side of a join to the right input).
ExprPtr ShiftColumns(const ExprPtr& e, int offset, int width) {
  std::vector<int> mapping(static_cast<size_t>(width), -1);
  for (int i = offset; i < width; ++i) {
    mapping[static_cast<size_t>(i)] = i - offset;
  }
  return RemapColumns(e, mapping);
}

absl::StatusOr<LogicalPlanPtr> PushDown(const LogicalPlanPtr& plan, std::vector<ExprPtr> conjuncts);

// Pushes nothing into the node's inputs beyond what each input itself holds, and keeps
// `conjuncts` above it.
absl::StatusOr<LogicalPlanPtr> StopHere(const LogicalPlanPtr& plan,
                                        std::vector<ExprPtr> conjuncts) {
  std::vector<LogicalPlanPtr> inputs;
  bool changed = false;
  for (const LogicalPlanPtr& input : plan->inputs) {
    STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr next, PushDown(input, {}));
    changed |= next != input;
    inputs.push_back(std::move(next));
  }
  LogicalPlanPtr node = changed ? WithInputs(*plan, std::move(inputs)) : plan;
  return AddFilter(std::move(conjuncts), std::move(node));
}

absl::StatusOr<LogicalPlanPtr> PushIntoScan(const LogicalPlanPtr& plan,
                                            std::vector<ExprPtr> conjuncts) {
  if (conjuncts.empty() || plan->table == nullptr) {
    return AddFilter(std::move(conjuncts), plan);
  }
  // Scan output column i is table field projection[i].
  int table_width = plan->table->schema()->num_fields();
  std::vector<int> to_table(plan->projection.begin(), plan->projection.end());
  std::vector<ExprPtr> candidates;
  std::vector<ExprPtr> above;
  for (ExprPtr& c : conjuncts) {
    if (IsMovable(c)) {
      candidates.push_back(RemapColumns(c, to_table));
    } else {
      above.push_back(std::move(c));
    }
  }
  std::vector<FilterPushdown> answers = plan->table->SupportsFiltersPushdown(candidates);
  auto scan = std::make_shared<LogicalPlan>(*plan);
  for (size_t i = 0; i < candidates.size(); ++i) {
    FilterPushdown answer = i < answers.size() ? answers[i] : FilterPushdown::kUnsupported;
    bool duplicate = false;
    for (const ExprPtr& existing : scan->filters) {
      duplicate |= existing->Equals(*candidates[i]);
    }
    if (answer != FilterPushdown::kUnsupported && !duplicate) {
      scan->filters.push_back(candidates[i]);
    }
    if (answer != FilterPushdown::kExact) {
      // Kept above, in terms of the scan's output.
      std::vector<int> to_output(static_cast<size_t>(table_width), -1);
      for (size_t k = 0; k < plan->projection.size(); ++k) {
        to_output[static_cast<size_t>(plan->projection[k])] = static_cast<int>(k);
      }
      above.push_back(RemapColumns(candidates[i], to_output));
    }
  }
  return AddFilter(std::move(above), std::move(scan));
}

absl::StatusOr<LogicalPlanPtr> PushThroughProjection(const LogicalPlanPtr& plan,
                                                     std::vector<ExprPtr> conjuncts) {
  std::vector<ExprPtr> below;
  std::vector<ExprPtr> above;
  for (ExprPtr& c : conjuncts) {
    bool movable = IsMovable(c);
    for (int col : ReferencedColumns(*c)) {
      movable &= IsMovable(plan->exprs[static_cast<size_t>(col)]);
    }
    if (movable) {
      below.push_back(SubstituteColumns(c, plan->exprs));
    } else {
      above.push_back(std::move(c));
    }
  }
  STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr input, PushDown(plan->inputs[0], std::move(below)));
  LogicalPlanPtr node = input != plan->inputs[0] ? WithInputs(*plan, {input}) : plan;
  return AddFilter(std::move(above), std::move(node));
}

absl::StatusOr<LogicalPlanPtr> PushThroughAggregate(const LogicalPlanPtr& plan,
                                                    std::vector<ExprPtr> conjuncts) {
  int groups = static_cast<int>(plan->group_exprs.size());
  std::vector<ExprPtr> below;
  std::vector<ExprPtr> above;
  for (ExprPtr& c : conjuncts) {
    if (groups > 0 && IsMovable(c) && AllColumnsBelow(*c, groups)) {
      below.push_back(SubstituteColumns(c, plan->group_exprs));
    } else {
      above.push_back(std::move(c));
    }
  }
  STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr input, PushDown(plan->inputs[0], std::move(below)));
  LogicalPlanPtr node = input != plan->inputs[0] ? WithInputs(*plan, {input}) : plan;
  return AddFilter(std::move(above), std::move(node));
}

absl::StatusOr<LogicalPlanPtr> PushThroughJoin(const LogicalPlanPtr& plan,
                                               std::vector<ExprPtr> conjuncts) {
  int left_width = static_cast<int>(plan->inputs[0]->schema.size());
  int width = left_width + static_cast<int>(plan->inputs[1]->schema.size());
  exec::JoinType type = plan->join_type;
  bool left_preserved_by_where = type == exec::JoinType::kInner || type == exec::JoinType::kLeft ||
                                 type == exec::JoinType::kLeftSemi ||
                                 type == exec::JoinType::kLeftAnti;
  bool right_preserved_by_where = type == exec::JoinType::kInner || type == exec::JoinType::kRight;
  std::vector<ExprPtr> left;
  std::vector<ExprPtr> right;
  std::vector<ExprPtr> above;
  for (ExprPtr& c : conjuncts) {
    if (!IsMovable(c)) {
      above.push_back(std::move(c));
    } else if (left_preserved_by_where && AllColumnsBelow(*c, left_width)) {
      left.push_back(std::move(c));
    } else if (right_preserved_by_where && AllColumnsFrom(*c, left_width)) {
      right.push_back(ShiftColumns(c, left_width, width));
    } else {
      above.push_back(std::move(c));
    }
  }
  // ON conditions over one side filter that side's rows before matching when that side is not
  // preserved (its unmatched rows are not output): both sides of an inner join, the right of a
  // left join or a semi join, the left of a right join. NOT IN (null_aware) keeps its ON clause.
  ExprPtr join_filter = plan->join_filter;
  if (join_filter != nullptr && !plan->null_aware) {
    bool left_filterable = type == exec::JoinType::kInner || type == exec::JoinType::kRight;
    bool right_filterable = type == exec::JoinType::kInner || type == exec::JoinType::kLeft ||
                            type == exec::JoinType::kLeftSemi || type == exec::JoinType::kLeftAnti;
    std::vector<ExprPtr> remaining;
    for (ExprPtr& c : SplitConjunction(join_filter)) {
      if (IsMovable(c) && ReferencesColumns(*c) && left_filterable &&
          AllColumnsBelow(*c, left_width)) {
        left.push_back(std::move(c));
      } else if (IsMovable(c) && ReferencesColumns(*c) && right_filterable &&
                 AllColumnsFrom(*c, left_width)) {
        right.push_back(ShiftColumns(c, left_width, width));
      } else {
        remaining.push_back(std::move(c));
      }
    }
    join_filter = remaining.empty() ? nullptr : MakeAnd(std::move(remaining));
  }
  STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr new_left, PushDown(plan->inputs[0], std::move(left)));
  STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr new_right, PushDown(plan->inputs[1], std::move(right)));
  LogicalPlanPtr node = plan;
  if (new_left != plan->inputs[0] || new_right != plan->inputs[1] ||
      join_filter != plan->join_filter) {
    auto copy = std::make_shared<LogicalPlan>(*plan);
    copy->inputs = {std::move(new_left), std::move(new_right)};
    copy->join_filter = std::move(join_filter);
    node = std::move(copy);
  }
  return AddFilter(std::move(above), std::move(node));
}

absl::StatusOr<LogicalPlanPtr> PushThroughUnion(const LogicalPlanPtr& plan,
                                                std::vector<ExprPtr> conjuncts) {
  std::vector<ExprPtr> movable;
  std::vector<ExprPtr> above;
  for (ExprPtr& c : conjuncts) {
    (IsMovable(c) ? movable : above).push_back(std::move(c));
  }
  std::vector<LogicalPlanPtr> inputs;
  for (const LogicalPlanPtr& input : plan->inputs) {
    STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr next, PushDown(input, movable));
    inputs.push_back(std::move(next));
  }
  return AddFilter(std::move(above), WithInputs(*plan, std::move(inputs)));
}

absl::StatusOr<LogicalPlanPtr> PushDown(const LogicalPlanPtr& plan,
                                        std::vector<ExprPtr> conjuncts) {
  switch (plan->kind) {
    case PlanKind::kFilter:
      for (ExprPtr& c : SplitConjunction(plan->predicate)) {
        conjuncts.push_back(std::move(c));
      }
      return PushDown(plan->inputs[0], std::move(conjuncts));
    case PlanKind::kProjection:
      return PushThroughProjection(plan, std::move(conjuncts));
    case PlanKind::kSort:
      if (plan->fetch.has_value()) {
        return StopHere(plan, std::move(conjuncts));
      } else {
        std::vector<ExprPtr> below;
        std::vector<ExprPtr> above;
        for (ExprPtr& c : conjuncts) {
          (IsMovable(c) ? below : above).push_back(std::move(c));
        }
        STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr input, PushDown(plan->inputs[0], std::move(below)));
        LogicalPlanPtr node = input != plan->inputs[0] ? WithInputs(*plan, {input}) : plan;
        return AddFilter(std::move(above), std::move(node));
      }
    case PlanKind::kAggregate:
      return PushThroughAggregate(plan, std::move(conjuncts));
    case PlanKind::kJoin:
      return PushThroughJoin(plan, std::move(conjuncts));
    case PlanKind::kUnion:
      return PushThroughUnion(plan, std::move(conjuncts));
    case PlanKind::kScan:
      return PushIntoScan(plan, std::move(conjuncts));
    case PlanKind::kLimit:
    case PlanKind::kWindow:
    case PlanKind::kValues:
    case PlanKind::kEmpty:
    case PlanKind::kExplain:
      return StopHere(plan, std::move(conjuncts));
  }
  return StopHere(plan, std::move(conjuncts));
}

}  // namespace

absl::StatusOr<LogicalPlanPtr> PushDownFilter(LogicalPlanPtr plan,
                                              const OptimizerOptions& /*options*/) {
  return PushDown(plan, {});
}

}  // namespace strata::plan
