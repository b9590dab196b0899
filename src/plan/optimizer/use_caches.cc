// Cache rewrites: scans of a table whose answer needs only each group's newest rows, or only the
// distinct values of some columns, read a cache instead (when the table's provider has one that
// holds them). The shapes, on the optimized plan:
//
//   lastpoint   Join(inner, on = [(L.k1, R.k1) ... (L.time, R.max_time)])
//                 L: Projection* over Scan(t)
//                 R: Projection* over Aggregate(group = [k1 ...], aggr = [max(time)])
//                      over Projection* over Scan(t)
//               Every row of the answer is the newest row of its group: both scans may read a
//               last-value cache keyed by the group columns (or finer) instead.
//   top n       Sort(time DESC, ..., fetch = n) over Projection* over Scan(t)
//               The n newest rows are among the n newest of each group of any grouping: a
//               last-value cache holding n rows per key answers the scan.
//   distinct    Aggregate(group = [...], aggr = []) over (Projection | Filter)* over Scan(t)
//               The answer depends only on the set of distinct rows the scan returns: a
//               distinct-value cache over the columns the scan reads answers it.
//
// The filters a scan holds must keep or drop whole groups: filters on the group (key) columns,
// and lower bounds on time (the newest row of a group is the one to keep if any is). The
// provider decides whether a cache is complete enough to answer (see NewestRowsRequest).
#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "plan/optimizer/optimizer.h"
#include "plan/optimizer/plan_transform.h"

namespace strata::plan {
namespace {

// The time field of a strata table: "time", a timestamp.
int TimeField(const Schema& schema) {
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (schema.field(i).name == "time" && schema.field(i).type == TypeId::kTimestamp) {
      return i;
    }
  }
  return -1;
}

// Where output column `index` of `plan` comes from when it passes unchanged through
// projections down to a scan: the scan and the table field.
struct ScanField {
  const LogicalPlan* scan = nullptr;
  int field = -1;
};
std::optional<ScanField> ResolveToScan(const LogicalPlan& plan, int index) {
  const LogicalPlan* node = &plan;
  while (node->kind == PlanKind::kProjection) {
    if (index < 0 || index >= static_cast<int>(node->exprs.size()) ||
        node->exprs[static_cast<size_t>(index)]->kind != ExprKind::kColumn) {
      return std::nullopt;
    }
    index = node->exprs[static_cast<size_t>(index)]->column_index;
    node = node->inputs[0].get();
  }
  if (node->kind != PlanKind::kScan || node->table == nullptr || index < 0 ||
      index >= static_cast<int>(node->projection.size())) {
    return std::nullopt;
  }
  return ScanField{node, node->projection[static_cast<size_t>(index)]};
}

// The scan under a chain of projections (and, with `filters_too`, filters), or null.
const LogicalPlan* ScanBelow(const LogicalPlan& plan, bool filters_too) {
  const LogicalPlan* node = &plan;
  while (node->kind == PlanKind::kProjection || (filters_too && node->kind == PlanKind::kFilter)) {
    node = node->inputs[0].get();
  }
  return node->kind == PlanKind::kScan && node->table != nullptr ? node : nullptr;
}

bool IsTimeLowerBound(const Expr& filter, int time_field) {
  if (filter.kind != ExprKind::kBinary || filter.args.size() != 2) {
    return false;
  }
  const Expr& left = *filter.args[0];
  const Expr& right = *filter.args[1];
  auto is_time = [time_field](const Expr& e) {
    return e.kind == ExprKind::kColumn && e.column_index == time_field;
  };
  auto is_literal = [](const Expr& e) { return e.kind == ExprKind::kLiteral; };
  switch (filter.binary_op) {
    case exec::BinaryOp::kGt:
    case exec::BinaryOp::kGtEq:
      return is_time(left) && is_literal(right);
    case exec::BinaryOp::kLt:
    case exec::BinaryOp::kLtEq:
      return is_literal(left) && is_time(right);
    default:
      return false;
  }
}

// The table fields the scan's filters read besides time, when every filter either bounds time
// from below or does not read time; nullopt otherwise.
std::optional<std::vector<int>> GroupFilterFields(const LogicalPlan& scan, int time_field) {
  std::vector<int> fields;
  for (const ExprPtr& filter : scan.filters) {
    if (IsTimeLowerBound(*filter, time_field)) {
      continue;
    }
    std::vector<int> read = ReferencedColumns(*filter);
    if (std::find(read.begin(), read.end(), time_field) != read.end() || !IsMovable(filter)) {
      return std::nullopt;
    }
    fields.insert(fields.end(), read.begin(), read.end());
  }
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  return fields;
}

// The fields a scan produces or its filters read.
std::vector<int> ScanFields(const LogicalPlan& scan) {
  std::vector<int> fields = scan.projection;
  for (const ExprPtr& filter : scan.filters) {
    std::vector<int> read = ReferencedColumns(*filter);
    fields.insert(fields.end(), read.begin(), read.end());
  }
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  return fields;
}

// The newest-rows source for `scan`, or null.
TableProviderPtr NewestRows(const LogicalPlan& scan,
                            std::optional<std::vector<int>> group_fields,
                            bool null_groups_matter,
                            int64_t rows_per_group) {
  const int time_field = TimeField(*scan.table->schema());
  if (time_field < 0) {
    return nullptr;
  }
  std::optional<std::vector<int>> filter_fields = GroupFilterFields(scan, time_field);
  if (!filter_fields) {
    return nullptr;
  }
  if (group_fields) {
    // Filters of a grouped query must read only group fields: they keep or drop whole groups.
    for (int field : *filter_fields) {
      if (std::find(group_fields->begin(), group_fields->end(), field) == group_fields->end()) {
        return nullptr;
      }
    }
  }
  NewestRowsRequest request;
  request.group_fields = std::move(group_fields);
  request.null_groups_matter = null_groups_matter;
  request.rows_per_group = rows_per_group;
  request.fields = ScanFields(scan);
  request.filter_fields = *std::move(filter_fields);
  return scan.table->NewestRowsSource(request);
}

// `plan` with the scans in `sources` reading their new provider.
LogicalPlanPtr ReplaceScans(
    const LogicalPlanPtr& plan,
    const absl::flat_hash_map<const LogicalPlan*, TableProviderPtr>& sources) {
  if (auto it = sources.find(plan.get()); it != sources.end()) {
    auto copy = std::make_shared<LogicalPlan>(*plan);
    copy->table = it->second;
    return copy;
  }
  std::vector<LogicalPlanPtr> inputs;
  bool changed = false;
  for (const LogicalPlanPtr& input : plan->inputs) {
    inputs.push_back(ReplaceScans(input, sources));
    changed |= inputs.back() != input;
  }
  return changed ? WithInputs(*plan, std::move(inputs)) : plan;
}

bool SameTable(const LogicalPlan& a, const LogicalPlan& b) {
  if (a.table == b.table) {
    return true;
  }
  const Schema& x = *a.table->schema();
  const Schema& y = *b.table->schema();
  if (a.table->name() != b.table->name() || x.num_fields() != y.num_fields()) {
    return false;
  }
  for (int i = 0; i < x.num_fields(); ++i) {
    if (x.field(i).name != y.field(i).name || x.field(i).type != y.field(i).type) {
      return false;
    }
  }
  return true;
}

// Top n: Sort(time DESC first, fetch n) over Projection* over Scan.
LogicalPlanPtr RewriteTopN(const LogicalPlanPtr& sort) {
  if (!sort->fetch || *sort->fetch <= 0 || sort->sort_exprs.empty() ||
      sort->sort_exprs[0].ascending || sort->sort_exprs[0].expr->kind != ExprKind::kColumn) {
    return sort;
  }
  const LogicalPlan* scan = ScanBelow(*sort->inputs[0], false);
  std::optional<ScanField> key =
      ResolveToScan(*sort->inputs[0], sort->sort_exprs[0].expr->column_index);
  if (scan == nullptr || !key || key->scan != scan ||
      key->field != TimeField(*scan->table->schema())) {
    return sort;
  }
  TableProviderPtr source = NewestRows(*scan, std::nullopt, true, *sort->fetch);
  if (source == nullptr) {
    return sort;
  }
  return ReplaceScans(sort, {{scan, std::move(source)}});
}

// Lastpoint: the join of a table with the newest time of each of its groups.
LogicalPlanPtr RewriteLastpoint(const LogicalPlanPtr& join) {
  if (join->join_type != exec::JoinType::kInner || join->join_filter != nullptr ||
      join->null_aware || join->any_null_equal_key() || join->left_keys.size() < 2 ||
      join->left_keys.size() != join->right_keys.size()) {
    return join;
  }
  // Try both sides as the aggregated one.
  for (int aggregated = 1; aggregated >= 0; --aggregated) {
    const LogicalPlan& rows_side = *join->inputs[static_cast<size_t>(1 - aggregated)];
    const LogicalPlan& max_side = *join->inputs[static_cast<size_t>(aggregated)];
    const std::vector<ExprPtr>& row_keys = aggregated == 1 ? join->left_keys : join->right_keys;
    const std::vector<ExprPtr>& max_keys = aggregated == 1 ? join->right_keys : join->left_keys;
    // max_side: Projection* over Aggregate.
    const LogicalPlan* node = &max_side;
    std::vector<const LogicalPlan*> projections;
    while (node->kind == PlanKind::kProjection) {
      projections.push_back(node);
      node = node->inputs[0].get();
    }
    if (node->kind != PlanKind::kAggregate || node->aggregate_exprs.size() != 1) {
      continue;
    }
    const LogicalPlan& aggregate = *node;
    const LogicalPlan* rows_scan = ScanBelow(rows_side, false);
    const LogicalPlan* max_scan = ScanBelow(*aggregate.inputs[0], false);
    if (rows_scan == nullptr || max_scan == nullptr || !SameTable(*rows_scan, *max_scan)) {
      continue;
    }
    const int time_field = TimeField(*rows_scan->table->schema());
    const Expr& max = *aggregate.aggregate_exprs[0];
    std::optional<ScanField> max_of;
    if (max.kind == ExprKind::kAggregate && max.name == "max" && max.args.size() == 1 &&
        max.args[0]->kind == ExprKind::kColumn && max.filter == nullptr &&
        !max.aggregate_options.distinct && max.order_by.empty()) {
      max_of = ResolveToScan(*aggregate.inputs[0], max.args[0]->column_index);
    }
    if (time_field < 0 || !max_of || max_of->scan != max_scan || max_of->field != time_field) {
      continue;
    }
    // Each join key pair: a group column with the same table field on the rows side, or the
    // max with time.
    const size_t groups = aggregate.group_exprs.size();
    std::vector<bool> group_paired(groups, false);
    bool max_paired = false;
    bool ok = true;
    for (size_t k = 0; k < row_keys.size() && ok; ++k) {
      ok = row_keys[k]->kind == ExprKind::kColumn && max_keys[k]->kind == ExprKind::kColumn;
      if (!ok) {
        break;
      }
      std::optional<ScanField> row_field = ResolveToScan(rows_side, row_keys[k]->column_index);
      // The max side's column, down its projections to the aggregate's output.
      int index = max_keys[k]->column_index;
      for (const LogicalPlan* projection : projections) {
        const auto& exprs = projection->exprs;
        ok = index >= 0 && index < static_cast<int>(exprs.size()) &&
             exprs[static_cast<size_t>(index)]->kind == ExprKind::kColumn;
        if (!ok) {
          break;
        }
        index = exprs[static_cast<size_t>(index)]->column_index;
      }
      ok = ok && row_field && row_field->scan == rows_scan && index >= 0;
      if (!ok) {
        break;
      }
      if (static_cast<size_t>(index) < groups) {
        const Expr& group = *aggregate.group_exprs[static_cast<size_t>(index)];
        std::optional<ScanField> group_field =
            group.kind == ExprKind::kColumn
                ? ResolveToScan(*aggregate.inputs[0], group.column_index)
                : std::nullopt;
        ok = group_field && group_field->scan == max_scan &&
             group_field->field == row_field->field && group_field->field != time_field;
        if (ok) {
          group_paired[static_cast<size_t>(index)] = true;
        }
      } else {
        ok = static_cast<size_t>(index) == groups && row_field->field == time_field && !max_paired;
        max_paired = true;
      }
    }
    if (!ok || !max_paired ||
        std::find(group_paired.begin(), group_paired.end(), false) != group_paired.end()) {
      continue;
    }
    std::vector<int> group_fields;
    for (const ExprPtr& group : aggregate.group_exprs) {
      group_fields.push_back(ResolveToScan(*aggregate.inputs[0], group->column_index)->field);
    }
    // Rows with a NULL group value never match the join: those groups do not matter.
    TableProviderPtr rows_source = NewestRows(*rows_scan, group_fields, false, 1);
    TableProviderPtr max_source = NewestRows(*max_scan, group_fields, false, 1);
    if (rows_source == nullptr || max_source == nullptr) {
      return join;
    }
    return ReplaceScans(join,
                        {{rows_scan, std::move(rows_source)}, {max_scan, std::move(max_source)}});
  }
  return join;
}

// Distinct: an Aggregate without aggregates over Projection/Filter* over Scan.
LogicalPlanPtr RewriteDistinct(const LogicalPlanPtr& aggregate) {
  if (!aggregate->aggregate_exprs.empty() || aggregate->group_exprs.empty()) {
    return aggregate;
  }
  const LogicalPlan* scan = ScanBelow(*aggregate->inputs[0], true);
  if (scan == nullptr || scan->fetch.has_value()) {
    return aggregate;
  }
  const int time_field = TimeField(*scan->table->schema());
  std::vector<int> fields = ScanFields(*scan);
  if (fields.empty() || std::find(fields.begin(), fields.end(), time_field) != fields.end()) {
    return aggregate;
  }
  TableProviderPtr source = scan->table->DistinctValuesSource(fields);
  if (source == nullptr) {
    return aggregate;
  }
  return ReplaceScans(aggregate, {{scan, std::move(source)}});
}

}  // namespace

absl::StatusOr<LogicalPlanPtr> UseCaches(LogicalPlanPtr plan, const OptimizerOptions&) {
  return TransformUp(plan, [](const LogicalPlanPtr& node) -> absl::StatusOr<LogicalPlanPtr> {
    switch (node->kind) {
      case PlanKind::kSort:
        return RewriteTopN(node);
      case PlanKind::kJoin:
        return RewriteLastpoint(node);
      case PlanKind::kAggregate:
        return RewriteDistinct(node);
      default:
        return node;
    }
  });
}

}  // namespace strata::plan
