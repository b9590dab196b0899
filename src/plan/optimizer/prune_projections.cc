// Projection pruning: each node is asked for only the output columns its consumer reads, and
// passes on only what it needs in turn, so that scans read only the columns used anywhere above
// them (Scan.projection) and unused projection and aggregate outputs disappear.
//
// A pruned node may keep more columns than asked (joins, filters and sorts keep the columns
// their own expressions read); it reports where each kept column went, and the consumer
// renumbers its expressions accordingly. Only a Union needs its inputs to agree exactly and adds
// a projection where they would not.
#include <memory>
#include <utility>
#include <vector>

#include "common/status.h"
#include "plan/optimizer/optimizer.h"
#include "plan/optimizer/plan_transform.h"

namespace strata::plan {
namespace {

// A pruned plan and, for each output column of the original, its index in the pruned plan's
// output (-1: dropped; never for a column that was asked for).
struct Pruned {
  LogicalPlanPtr plan;
  std::vector<int> mapping;
};

std::vector<int> Identity(size_t n) {
  std::vector<int> m(n);
  for (size_t i = 0; i < n; ++i) {
    m[i] = static_cast<int>(i);
  }
  return m;
}

void MarkColumns(const ExprPtr& e, std::vector<bool>* required, int offset = 0) {
  if (e == nullptr) {
    return;
  }
  for (int c : ReferencedColumns(*e)) {
    int at = c - offset;
    if (at >= 0 && static_cast<size_t>(at) < required->size()) {
      (*required)[static_cast<size_t>(at)] = true;
    }
  }
}

ExprPtr Remap(const ExprPtr& e, const std::vector<int>& mapping) {
  return e == nullptr ? nullptr : RemapColumns(e, mapping);
}

// The schema of the kept columns of `schema`, in their new order.
std::vector<PlanField> KeptFields(const std::vector<PlanField>& schema,
                                  const std::vector<int>& mapping,
                                  size_t new_width) {
  std::vector<PlanField> fields(new_width);
  for (size_t i = 0; i < mapping.size(); ++i) {
    if (mapping[i] >= 0) {
      fields[static_cast<size_t>(mapping[i])] = schema[i];
    }
  }
  return fields;
}

absl::StatusOr<Pruned> Prune(const LogicalPlanPtr& plan, const std::vector<bool>& required);

absl::StatusOr<Pruned> PruneAll(const LogicalPlanPtr& plan) {
  return Prune(plan, std::vector<bool>(plan->schema.size(), true));
}

// Prunes `plan` and then drops every column but the `required` ones, so that the output is
// exactly those columns in their original order.
absl::StatusOr<LogicalPlanPtr> PruneExactly(const LogicalPlanPtr& plan,
                                            const std::vector<bool>& required) {
  STRATA_ASSIGN_OR_RETURN(Pruned pruned, Prune(plan, required));
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  bool identity = true;
  for (size_t i = 0; i < required.size(); ++i) {
    if (!required[i]) {
      continue;
    }
    int at = pruned.mapping[i];
    identity &= at == static_cast<int>(exprs.size());
    const PlanField& field = pruned.plan->schema[static_cast<size_t>(at)];
    exprs.push_back(MakeColumn(at, field.name, field.type));
    names.push_back(field.name);
  }
  if (identity && exprs.size() == pruned.plan->schema.size()) {
    return pruned.plan;
  }
  return MakeProjection(std::move(exprs), std::move(names), pruned.plan);
}

absl::StatusOr<Pruned> PruneScan(const LogicalPlanPtr& plan, const std::vector<bool>& required) {
  std::vector<int> mapping(required.size(), -1);
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->projection.clear();
  copy->schema.clear();
  for (size_t i = 0; i < required.size(); ++i) {
    if (required[i]) {
      mapping[i] = static_cast<int>(copy->projection.size());
      copy->projection.push_back(plan->projection[i]);
      copy->schema.push_back(plan->schema[i]);
    }
  }
  if (copy->projection.size() == plan->projection.size()) {
    return Pruned{plan, Identity(required.size())};
  }
  return Pruned{std::move(copy), std::move(mapping)};
}

absl::StatusOr<Pruned> PruneProjection(const LogicalPlanPtr& plan,
                                       const std::vector<bool>& required) {
  std::vector<bool> child_required(plan->inputs[0]->schema.size(), false);
  for (size_t i = 0; i < plan->exprs.size(); ++i) {
    if (required[i]) {
      MarkColumns(plan->exprs[i], &child_required);
    }
  }
  STRATA_ASSIGN_OR_RETURN(Pruned child, Prune(plan->inputs[0], child_required));
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->exprs.clear();
  copy->schema.clear();
  std::vector<int> mapping(required.size(), -1);
  for (size_t i = 0; i < plan->exprs.size(); ++i) {
    if (required[i]) {
      mapping[i] = static_cast<int>(copy->exprs.size());
      copy->exprs.push_back(Remap(plan->exprs[i], child.mapping));
      copy->schema.push_back(plan->schema[i]);
    }
  }
  copy->inputs = {child.plan};
  return Pruned{std::move(copy), std::move(mapping)};
}

// Filter and Sort: output = input; they need their expressions' columns as well.
absl::StatusOr<Pruned> PrunePassThrough(const LogicalPlanPtr& plan,
                                        const std::vector<bool>& required) {
  std::vector<bool> child_required = required;
  MarkColumns(plan->predicate, &child_required);
  for (const SortExpr& key : plan->sort_exprs) {
    MarkColumns(key.expr, &child_required);
  }
  STRATA_ASSIGN_OR_RETURN(Pruned child, Prune(plan->inputs[0], child_required));
  if (child.plan == plan->inputs[0]) {
    return Pruned{plan, std::move(child.mapping)};
  }
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->inputs = {child.plan};
  copy->schema = child.plan->schema;
  copy->predicate = Remap(plan->predicate, child.mapping);
  for (SortExpr& key : copy->sort_exprs) {
    key.expr = Remap(key.expr, child.mapping);
  }
  return Pruned{std::move(copy), std::move(child.mapping)};
}

absl::StatusOr<Pruned> PruneAggregate(const LogicalPlanPtr& plan,
                                      const std::vector<bool>& required) {
  size_t groups = plan->group_exprs.size();
  std::vector<bool> keep(plan->aggregate_exprs.size(), false);
  bool any = false;
  for (size_t j = 0; j < keep.size(); ++j) {
    keep[j] = required[groups + j];
    any |= keep[j];
  }
  if (groups == 0 && !any && !keep.empty()) {
    keep[0] = true;  // a global aggregate keeps one output column for its one row
  }
  std::vector<bool> child_required(plan->inputs[0]->schema.size(), false);
  for (const ExprPtr& g : plan->group_exprs) {
    MarkColumns(g, &child_required);
  }
  for (size_t j = 0; j < keep.size(); ++j) {
    if (keep[j]) {
      MarkColumns(plan->aggregate_exprs[j], &child_required);
    }
  }
  STRATA_ASSIGN_OR_RETURN(Pruned child, Prune(plan->inputs[0], child_required));
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->inputs = {child.plan};
  copy->group_exprs.clear();
  copy->aggregate_exprs.clear();
  copy->schema.clear();
  std::vector<int> mapping(required.size(), -1);
  for (size_t i = 0; i < groups; ++i) {
    mapping[i] = static_cast<int>(i);
    copy->group_exprs.push_back(Remap(plan->group_exprs[i], child.mapping));
    copy->schema.push_back(plan->schema[i]);
  }
  for (size_t j = 0; j < keep.size(); ++j) {
    if (keep[j]) {
      mapping[groups + j] = static_cast<int>(copy->schema.size());
      copy->aggregate_exprs.push_back(Remap(plan->aggregate_exprs[j], child.mapping));
      copy->schema.push_back(plan->schema[groups + j]);
    }
  }
  return Pruned{std::move(copy), std::move(mapping)};
}

absl::StatusOr<Pruned> PruneJoin(const LogicalPlanPtr& plan, const std::vector<bool>& required) {
  size_t left_width = plan->inputs[0]->schema.size();
  size_t right_width = plan->inputs[1]->schema.size();
  bool left_only =
      plan->join_type == exec::JoinType::kLeftSemi || plan->join_type == exec::JoinType::kLeftAnti;
  std::vector<bool> left_required(left_width, false);
  std::vector<bool> right_required(right_width, false);
  for (size_t i = 0; i < required.size(); ++i) {
    if (!required[i]) {
      continue;
    }
    if (i < left_width) {
      left_required[i] = true;
    } else {
      right_required[i - left_width] = true;
    }
  }
  for (const ExprPtr& k : plan->left_keys) {
    MarkColumns(k, &left_required);
  }
  for (const ExprPtr& k : plan->right_keys) {
    MarkColumns(k, &right_required);
  }
  MarkColumns(plan->join_filter, &left_required);
  MarkColumns(plan->join_filter, &right_required, static_cast<int>(left_width));
  STRATA_ASSIGN_OR_RETURN(Pruned left, Prune(plan->inputs[0], left_required));
  STRATA_ASSIGN_OR_RETURN(Pruned right, Prune(plan->inputs[1], right_required));
  size_t new_left_width = left.plan->schema.size();
  // Columns of left ++ right, old to new.
  std::vector<int> combined(left_width + right_width, -1);
  for (size_t i = 0; i < left_width; ++i) {
    combined[i] = left.mapping[i];
  }
  for (size_t j = 0; j < right_width; ++j) {
    int at = right.mapping[j];
    combined[left_width + j] = at < 0 ? -1 : static_cast<int>(new_left_width) + at;
  }
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->inputs = {left.plan, right.plan};
  for (ExprPtr& k : copy->left_keys) {
    k = Remap(k, left.mapping);
  }
  for (ExprPtr& k : copy->right_keys) {
    k = Remap(k, right.mapping);
  }
  copy->join_filter = Remap(plan->join_filter, combined);
  std::vector<int> mapping = combined;
  mapping.resize(plan->schema.size());
  size_t new_width = left_only ? new_left_width : new_left_width + right.plan->schema.size();
  // Columns kept only for the keys or the filter are outputs too; take their fields from the
  // original join schema (which has the join's nullability).
  copy->schema = KeptFields(plan->schema, mapping, new_width);
  return Pruned{std::move(copy), std::move(mapping)};
}

absl::StatusOr<Pruned> PruneUnion(const LogicalPlanPtr& plan, std::vector<bool> required) {
  bool any = false;
  for (bool r : required) {
    any |= r;
  }
  if (!any && !required.empty()) {
    required[0] = true;  // keep one column so that the inputs keep a common shape
  }
  std::vector<LogicalPlanPtr> inputs;
  for (const LogicalPlanPtr& input : plan->inputs) {
    STRATA_ASSIGN_OR_RETURN(LogicalPlanPtr next, PruneExactly(input, required));
    inputs.push_back(std::move(next));
  }
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->inputs = std::move(inputs);
  copy->schema.clear();
  std::vector<int> mapping(required.size(), -1);
  for (size_t i = 0; i < required.size(); ++i) {
    if (required[i]) {
      mapping[i] = static_cast<int>(copy->schema.size());
      copy->schema.push_back(plan->schema[i]);
    }
  }
  return Pruned{std::move(copy), std::move(mapping)};
}

absl::StatusOr<Pruned> PruneWindow(const LogicalPlanPtr& plan, const std::vector<bool>& required) {
  size_t input_width = plan->inputs[0]->schema.size();
  std::vector<bool> child_required(required.begin(), required.begin() + input_width);
  for (const ExprPtr& w : plan->window_exprs) {
    MarkColumns(w, &child_required);
  }
  STRATA_ASSIGN_OR_RETURN(Pruned child, Prune(plan->inputs[0], child_required));
  if (child.plan == plan->inputs[0]) {
    return Pruned{plan, Identity(required.size())};
  }
  auto copy = std::make_shared<LogicalPlan>(*plan);
  copy->inputs = {child.plan};
  for (ExprPtr& w : copy->window_exprs) {
    w = Remap(w, child.mapping);
  }
  std::vector<int> mapping = child.mapping;
  size_t new_input_width = child.plan->schema.size();
  for (size_t j = 0; j < plan->window_exprs.size(); ++j) {
    mapping.push_back(static_cast<int>(new_input_width + j));
  }
  copy->schema = KeptFields(plan->schema, mapping, new_input_width + plan->window_exprs.size());
  return Pruned{std::move(copy), std::move(mapping)};
}

absl::StatusOr<Pruned> Prune(const LogicalPlanPtr& plan, const std::vector<bool>& required) {
  switch (plan->kind) {
    case PlanKind::kScan:
      return PruneScan(plan, required);
    case PlanKind::kProjection:
      return PruneProjection(plan, required);
    case PlanKind::kFilter:
    case PlanKind::kSort:
    case PlanKind::kLimit:
      return PrunePassThrough(plan, required);
    case PlanKind::kAggregate:
      return PruneAggregate(plan, required);
    case PlanKind::kJoin:
      return PruneJoin(plan, required);
    case PlanKind::kUnion:
      return PruneUnion(plan, required);
    case PlanKind::kWindow:
      return PruneWindow(plan, required);
    case PlanKind::kValues:
    case PlanKind::kEmpty:
    case PlanKind::kExplain:
      break;
  }
  // Leaves that are not pruned, and Explain (whose input is planned whole).
  std::vector<LogicalPlanPtr> inputs;
  bool changed = false;
  for (const LogicalPlanPtr& input : plan->inputs) {
    STRATA_ASSIGN_OR_RETURN(Pruned next, PruneAll(input));
    changed |= next.plan != input;
    inputs.push_back(std::move(next.plan));
  }
  return Pruned{changed ? WithInputs(*plan, std::move(inputs)) : plan, Identity(required.size())};
}

}  // namespace

absl::StatusOr<LogicalPlanPtr> PruneProjections(LogicalPlanPtr plan,
                                                const OptimizerOptions& /*options*/) {
  STRATA_ASSIGN_OR_RETURN(Pruned pruned, PruneAll(plan));
  return pruned.plan;
}

}  // namespace strata::plan
