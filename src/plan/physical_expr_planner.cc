// The expression half of the physical planner: logical expressions to physical ones, and
// evaluation of constant expressions (used by the optimizer's folding and by VALUES). Kept apart
// from the operator planning so that expression users do not depend on every operator.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"
#include "plan/physical_planner.h"

namespace strata::plan {
namespace {

absl::StatusOr<std::vector<exec::PhysicalExprPtr>> CreateArgs(const std::vector<ExprPtr>& exprs) {
  std::vector<exec::PhysicalExprPtr> out;
  out.reserve(exprs.size());
  for (const ExprPtr& e : exprs) {
    STRATA_ASSIGN_OR_RETURN(exec::PhysicalExprPtr p, CreatePhysicalExpr(*e));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

absl::StatusOr<exec::PhysicalExprPtr> CreatePhysicalExpr(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kColumn:
      return exec::MakeColumnExpr(expr.column_index, expr.name, expr.type);
    case ExprKind::kLiteral:
      return exec::MakeLiteralExpr(expr.value);
    default:
      break;
  }
  STRATA_ASSIGN_OR_RETURN(std::vector<exec::PhysicalExprPtr> args, CreateArgs(expr.args));
  switch (expr.kind) {
    case ExprKind::kColumn:
    case ExprKind::kLiteral:
      break;  // handled above
    case ExprKind::kBinary:
      return exec::MakeBinaryExpr(expr.binary_op, std::move(args[0]), std::move(args[1]));
    case ExprKind::kNot:
      return exec::MakeNotExpr(std::move(args[0]));
    case ExprKind::kNegative:
      return exec::MakeNegativeExpr(std::move(args[0]));
    case ExprKind::kIsNull:
      return exec::MakeIsNullExpr(std::move(args[0]), expr.negated);
    case ExprKind::kIsTrue:
      return exec::MakeIsTrueExpr(std::move(args[0]), expr.truth_value, expr.negated);
    case ExprKind::kInList: {
      exec::PhysicalExprPtr operand = std::move(args[0]);
      args.erase(args.begin());
      return exec::MakeInListExpr(std::move(operand), std::move(args), expr.negated);
    }
    case ExprKind::kLike:
      return exec::MakeLikeExpr(
          std::move(args[0]), std::move(args[1]), expr.negated, expr.case_insensitive);
    case ExprKind::kCase:
      return exec::MakeCaseExpr(
          expr.type, expr.case_has_operand, expr.case_has_else, std::move(args));
    case ExprKind::kCast:
      return exec::MakeCastExpr(std::move(args[0]), expr.type, expr.try_cast);
    case ExprKind::kScalarFunction:
      if (expr.scalar_function == nullptr) {
        return absl::InvalidArgumentError(
            fmt::format("unresolved function '{}' in a physical expression", expr.name));
      }
      return exec::MakeScalarFunctionExpr(expr.scalar_function, expr.type, std::move(args));
    case ExprKind::kAggregate:
    case ExprKind::kWindow:
    case ExprKind::kScalarSubquery:
    case ExprKind::kInSubquery:
    case ExprKind::kExists:
      break;
  }
  return absl::InvalidArgumentError(
      fmt::format("{} cannot be evaluated as a scalar expression here", expr.ToString()));
}

absl::StatusOr<exec::Scalar> EvaluateConstantExpr(const Expr& expr) {
  if (expr.kind == ExprKind::kLiteral) {
    return expr.value;
  }
  if (ReferencesColumns(expr)) {
    return absl::InvalidArgumentError(
        fmt::format("{} is not a constant expression", expr.ToString()));
  }
  STRATA_ASSIGN_OR_RETURN(exec::PhysicalExprPtr physical, CreatePhysicalExpr(expr));
  static const SchemaPtr kNoFields = std::make_shared<const Schema>(std::vector<Field>{});
  exec::Batch one_row(kNoFields, {}, 1);
  STRATA_ASSIGN_OR_RETURN(exec::Datum result, physical->Evaluate(one_row));
  if (result.is_scalar()) {
    return result.scalar();
  }
  const Column& column = *result.column();
  if (column.size() != 1) {
    return absl::InternalError(
        fmt::format("constant expression {} produced {} values", expr.ToString(), column.size()));
  }
  return ScalarAt(column, 0);
}

exec::Scalar ScalarAt(const Column& column, int64_t row) {
  if (column.type() == TypeId::kNull || column.IsNull(row)) {
    return exec::Scalar::Null(column.type());
  }
  switch (column.type()) {
    case TypeId::kBool:
      return exec::Scalar::Bool(column.GetBool(row));
    case TypeId::kInt64:
      return exec::Scalar::Int64(column.GetInt64(row));
    case TypeId::kUInt64:
      return exec::Scalar::UInt64(column.GetUInt64(row));
    case TypeId::kFloat64:
      return exec::Scalar::Float64(column.GetFloat64(row));
    case TypeId::kString:
    case TypeId::kDictionary:
      return exec::Scalar::String(std::string(column.GetString(row)));
    case TypeId::kTimestamp:
      return exec::Scalar::Timestamp(column.GetInt64(row));
    case TypeId::kInterval:
      return exec::Scalar::FromInterval(column.data<Interval>()[row]);
    case TypeId::kNull:
      break;
  }
  return exec::Scalar();
}

}  // namespace strata::plan
