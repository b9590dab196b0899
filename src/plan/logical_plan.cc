// Logical plan builders and display.
#include "plan/logical_plan.h"

#include "absl/strings/str_join.h"
#include "common/check.h"
#include "fmt/format.h"

namespace strata::plan {
namespace {

std::string ExprList(const std::vector<ExprPtr>& exprs) {
  std::vector<std::string> parts;
  for (const ExprPtr& e : exprs) {
    parts.push_back(e->ToString());
  }
  return absl::StrJoin(parts, ", ");
}

std::string JoinTypeText(exec::JoinType type) {
  return std::string(exec::JoinTypeName(type));
}

std::string NodeLine(const LogicalPlan& plan) {
  switch (plan.kind) {
    case PlanKind::kScan: {
      std::vector<std::string> columns;
      for (const PlanField& f : plan.schema) {
        columns.push_back(f.name);
      }
      std::string text = fmt::format(
          "TableScan: {} projection=[{}]", plan.table_name, absl::StrJoin(columns, ", "));
      if (!plan.filters.empty()) {
        text += " filters=[" + ExprList(plan.filters) + "]";
      }
      if (plan.fetch) {
        text += fmt::format(" fetch={}", *plan.fetch);
      }
      if (plan.table != nullptr) {
        if (std::string source = plan.table->Description(); !source.empty()) {
          text += " source=" + source;
        }
      }
      return text;
    }
    case PlanKind::kFilter:
      return "Filter: " + plan.predicate->ToString();
    case PlanKind::kProjection: {
      std::vector<std::string> parts;
      for (size_t i = 0; i < plan.exprs.size(); ++i) {
        std::string e = plan.exprs[i]->ToString();
        const std::string& name = plan.schema[i].name;
        parts.push_back(e == name ? e : fmt::format("{} AS {}", e, name));
      }
      return "Projection: " + absl::StrJoin(parts, ", ");
    }
    case PlanKind::kAggregate:
      return fmt::format("Aggregate: groupBy=[{}], aggr=[{}]",
                         ExprList(plan.group_exprs),
                         ExprList(plan.aggregate_exprs));
    case PlanKind::kSort: {
      std::vector<std::string> parts;
      for (const SortExpr& key : plan.sort_exprs) {
        parts.push_back(fmt::format("{} {} NULLS {}",
                                    key.expr->ToString(),
                                    key.ascending ? "ASC" : "DESC",
                                    key.nulls_first ? "FIRST" : "LAST"));
      }
      std::string text = "Sort: " + absl::StrJoin(parts, ", ");
      if (plan.fetch) {
        text += fmt::format(", fetch={}", *plan.fetch);
      }
      return text;
    }
    case PlanKind::kLimit:
      return fmt::format(
          "Limit: skip={}, fetch={}", plan.skip, plan.fetch ? std::to_string(*plan.fetch) : "None");
    case PlanKind::kJoin: {
      std::vector<std::string> on;
      for (size_t i = 0; i < plan.left_keys.size(); ++i) {
        on.push_back(fmt::format("({}, {}{})",
                                 plan.left_keys[i]->ToString(),
                                 plan.right_keys[i]->ToString(),
                                 plan.null_equal_key(i) ? ", nulls equal" : ""));
      }
      std::string text =
          fmt::format("{} Join: on=[{}]", JoinTypeText(plan.join_type), absl::StrJoin(on, ", "));
      if (plan.join_filter != nullptr) {
        text += " filter=" + plan.join_filter->ToString();
      }
      return text;
    }
    case PlanKind::kUnion:
      return "Union";
    case PlanKind::kWindow:
      return "WindowAggr: windowExpr=[" + ExprList(plan.window_exprs) + "]";
    case PlanKind::kValues:
      return fmt::format("Values: {} rows", plan.values.size());
    case PlanKind::kEmpty:
      return plan.produce_one_row ? "EmptyRelation: produce_one_row" : "EmptyRelation";
    case PlanKind::kExplain:
      return plan.analyze ? "Explain: analyze" : "Explain";
  }
  return "?";
}

void Display(const LogicalPlan& plan, int depth, std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  out->append(NodeLine(plan));
  out->push_back('\n');
  for (const LogicalPlanPtr& input : plan.inputs) {
    Display(*input, depth + 1, out);
  }
}

PlanField FieldFor(const ExprPtr& expr, const std::string& name, const LogicalPlan& input) {
  PlanField field;
  field.name = name;
  field.type = expr->type;
  if (expr->kind == ExprKind::kColumn) {
    const PlanField& source = input.schema[static_cast<size_t>(expr->column_index)];
    field.qualifier = source.qualifier;
    field.nullable = source.nullable;
  }
  return field;
}

}  // namespace

SchemaPtr LogicalPlan::ToSchema() const {
  std::vector<Field> fields;
  fields.reserve(schema.size());
  for (const PlanField& f : schema) {
    fields.push_back(Field{f.name, f.type, f.nullable});
  }
  return std::make_shared<const Schema>(std::move(fields));
}

std::string LogicalPlan::ToString() const {
  std::string out;
  Display(*this, 0, &out);
  return out;
}

LogicalPlanPtr MakeScan(TableProviderPtr table, std::string table_name) {
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kScan;
  const Schema& schema = *table->schema();
  for (int i = 0; i < schema.num_fields(); ++i) {
    const Field& f = schema.field(i);
    plan->schema.push_back(PlanField{table_name, f.name, f.type, f.nullable});
    plan->projection.push_back(i);
  }
  plan->table = std::move(table);
  plan->table_name = std::move(table_name);
  return plan;
}

LogicalPlanPtr MakeFilter(ExprPtr predicate, LogicalPlanPtr input) {
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kFilter;
  plan->schema = input->schema;
  plan->predicate = std::move(predicate);
  plan->inputs = {std::move(input)};
  return plan;
}

LogicalPlanPtr MakeProjection(std::vector<ExprPtr> exprs,
                              std::vector<std::string> names,
                              LogicalPlanPtr input) {
  STRATA_CHECK_EQ(exprs.size(), names.size());
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kProjection;
  for (size_t i = 0; i < exprs.size(); ++i) {
    plan->schema.push_back(FieldFor(exprs[i], names[i], *input));
  }
  plan->exprs = std::move(exprs);
  plan->inputs = {std::move(input)};
  return plan;
}

LogicalPlanPtr MakeAggregate(std::vector<ExprPtr> group_exprs,
                             std::vector<ExprPtr> aggregate_exprs,
                             LogicalPlanPtr input) {
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kAggregate;
  for (const ExprPtr& e : group_exprs) {
    plan->schema.push_back(FieldFor(e, e->ToString(), *input));
    if (e->kind == ExprKind::kColumn) {
      plan->schema.back().name = input->schema[static_cast<size_t>(e->column_index)].name;
    }
  }
  for (const ExprPtr& e : aggregate_exprs) {
    plan->schema.push_back(PlanField{"", e->ToString(), e->type, true});
  }
  plan->group_exprs = std::move(group_exprs);
  plan->aggregate_exprs = std::move(aggregate_exprs);
  plan->inputs = {std::move(input)};
  return plan;
}

LogicalPlanPtr MakeSort(std::vector<SortExpr> keys,
                        std::optional<int64_t> fetch,
                        LogicalPlanPtr input) {
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kSort;
  plan->schema = input->schema;
  plan->sort_exprs = std::move(keys);
  plan->fetch = fetch;
  plan->inputs = {std::move(input)};
  return plan;
}

LogicalPlanPtr MakeLimit(int64_t skip, std::optional<int64_t> fetch, LogicalPlanPtr input) {
  auto plan = std::make_shared<LogicalPlan>();
  plan->kind = PlanKind::kLimit;
  plan->schema = input->schema;
  plan->skip = skip;
  plan->fetch = fetch;
  plan->inputs = {std::move(input)};
  return plan;
}

LogicalPlanPtr WithInputs(const LogicalPlan& plan, std::vector<LogicalPlanPtr> inputs) {
  auto copy = std::make_shared<LogicalPlan>(plan);
  copy->inputs = std::move(inputs);
  return copy;
}

}  // namespace strata::plan
