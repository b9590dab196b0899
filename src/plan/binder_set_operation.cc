// INTERSECT and EXCEPT as joins: the plans the binder builds for them (UNION is a Union node and
// stays in binder.cc).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plan/binder_internal.h"

namespace strata::plan::internal {
namespace {

using exec::Scalar;

// A non-NULL stand-in for NULL of `type` (any value works: the IS NULL key tells them apart).
Scalar DefaultValue(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return Scalar::Bool(false);
    case TypeId::kInt64:
      return Scalar::Int64(0);
    case TypeId::kUInt64:
      return Scalar::UInt64(0);
    case TypeId::kFloat64:
      return Scalar::Float64(0);
    case TypeId::kString:
    case TypeId::kDictionary:
      return Scalar::String("");
    case TypeId::kTimestamp:
      return Scalar::Timestamp(0);
    case TypeId::kInterval:
      return Scalar::FromInterval(Interval{});
    case TypeId::kNull:
      break;
  }
  return Scalar();
}

ExprPtr IsNull(ExprPtr operand) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kIsNull;
  e->type = TypeId::kBool;
  e->args = {std::move(operand)};
  return e;
}

// Appends join keys over `schema` (the first `count` fields) that are equal exactly when the
// columns are NOT DISTINCT. A hash join never matches a NULL key, so a column that may be NULL
// on either side becomes two keys that never are: the value with NULL replaced by a default of
// its type, and whether it is NULL. (Comparing with IS NOT DISTINCT FROM in a join filter would
// also be correct, but with no equi-keys left that is a nested-loop join, quadratic in the
// input sizes; the keys keep it a hash join.) Tags are compared as strings: the two sides'
// dictionaries are unrelated.
void AppendNullSafeKeys(const std::vector<PlanField>& schema,
                        const std::vector<bool>& nullable,
                        std::vector<ExprPtr>* keys) {
  for (size_t i = 0; i < nullable.size(); ++i) {
    const PlanField& f = schema[i];
    ExprPtr column = MakeColumn(static_cast<int>(i), f.name, f.type);
    if (f.type == TypeId::kDictionary) {
      column = MakeCast(column, TypeId::kString);
    }
    if (!nullable[i]) {
      keys->push_back(column);
      continue;
    }
    ExprPtr is_null = IsNull(column);
    if (f.type != TypeId::kNull) {
      auto value = std::make_shared<Expr>();
      value->kind = ExprKind::kCase;
      value->type = column->type;
      value->case_has_else = true;
      value->args = {is_null, MakeLiteral(DefaultValue(column->type)), column};
      keys->push_back(value);
    }
    keys->push_back(is_null);
  }
}

// `input` with one more column: the row's number among the rows equal to it in every column
// (row_number() OVER (PARTITION BY all columns)), 1 for the first.
LogicalPlanPtr NumberDuplicates(LogicalPlanPtr input) {
  auto number = std::make_shared<Expr>();
  number->kind = ExprKind::kWindow;
  number->name = "row_number";
  number->window_kind = exec::WindowFunctionKind::kRowNumber;
  number->type = TypeId::kUInt64;
  for (size_t i = 0; i < input->schema.size(); ++i) {
    const PlanField& f = input->schema[i];
    number->partition_by.push_back(MakeColumn(static_cast<int>(i), f.name, f.type));
  }
  number->frame.end = exec::WindowFrame::BoundKind::kUnboundedFollowing;
  auto window = std::make_shared<LogicalPlan>();
  window->kind = PlanKind::kWindow;
  window->schema = input->schema;
  window->schema.push_back(PlanField{"", "__duplicate_number", TypeId::kUInt64, false});
  window->window_exprs = {number};
  window->inputs = {std::move(input)};
  return window;
}

}  // namespace

LogicalPlanPtr MakeIntersectOrExcept(bool intersect,
                                     bool all,
                                     LogicalPlanPtr left,
                                     LogicalPlanPtr right) {
  const size_t width = left->schema.size();
  std::vector<bool> nullable;
  for (size_t i = 0; i < width; ++i) {
    nullable.push_back(left->schema[i].nullable || right->schema[i].nullable);
  }
  if (all) {
    left = NumberDuplicates(std::move(left));
    right = NumberDuplicates(std::move(right));
    nullable.push_back(false);
  } else {
    std::vector<ExprPtr> groups;
    for (size_t i = 0; i < width; ++i) {
      const PlanField& f = left->schema[i];
      groups.push_back(MakeColumn(static_cast<int>(i), f.name, f.type));
    }
    left = MakeAggregate(std::move(groups), {}, std::move(left));
  }
  auto join = std::make_shared<LogicalPlan>();
  join->kind = PlanKind::kJoin;
  join->join_type = intersect ? exec::JoinType::kLeftSemi : exec::JoinType::kLeftAnti;
  AppendNullSafeKeys(left->schema, nullable, &join->left_keys);
  AppendNullSafeKeys(right->schema, nullable, &join->right_keys);
  join->schema = left->schema;
  join->inputs = {std::move(left), std::move(right)};
  // The output: left's columns (without the duplicate number), unqualified like UNION's.
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  for (size_t i = 0; i < width; ++i) {
    const PlanField& f = join->schema[i];
    exprs.push_back(MakeColumn(static_cast<int>(i), f.name, f.type));
    names.push_back(f.name);
  }
  auto projection =
      std::make_shared<LogicalPlan>(*MakeProjection(std::move(exprs), std::move(names), join));
  for (PlanField& f : projection->schema) {
    f.qualifier.clear();
  }
  return projection;
}

}  // namespace strata::plan::internal
