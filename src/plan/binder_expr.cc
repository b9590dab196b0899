// The binder's expression half: sql::Expr -> typed plan::Expr over a scope.
#include "plan/binder_expr.h"

#include <algorithm>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "exec/type_coercion.h"
#include "fmt/format.h"
#include "plan/binder_internal.h"
#include "sql/source_position.h"

namespace strata::plan {
namespace {

using exec::BinaryOp;
using exec::Scalar;

BinaryOp ToBinaryOp(sql::BinaryOperator op) {
  switch (op) {
    case sql::BinaryOperator::kOr:
      return BinaryOp::kOr;
    case sql::BinaryOperator::kAnd:
      return BinaryOp::kAnd;
    case sql::BinaryOperator::kEq:
      return BinaryOp::kEq;
    case sql::BinaryOperator::kNotEq:
      return BinaryOp::kNotEq;
    case sql::BinaryOperator::kLt:
      return BinaryOp::kLt;
    case sql::BinaryOperator::kLtEq:
      return BinaryOp::kLtEq;
    case sql::BinaryOperator::kGt:
      return BinaryOp::kGt;
    case sql::BinaryOperator::kGtEq:
      return BinaryOp::kGtEq;
    case sql::BinaryOperator::kIsDistinctFrom:
      return BinaryOp::kIsDistinctFrom;
    case sql::BinaryOperator::kIsNotDistinctFrom:
      return BinaryOp::kIsNotDistinctFrom;
    case sql::BinaryOperator::kConcat:
      return BinaryOp::kConcat;
    case sql::BinaryOperator::kRegexMatch:
      return BinaryOp::kRegexMatch;
    case sql::BinaryOperator::kRegexIMatch:
      return BinaryOp::kRegexIMatch;
    case sql::BinaryOperator::kRegexNotMatch:
      return BinaryOp::kRegexNotMatch;
    case sql::BinaryOperator::kRegexNotIMatch:
      return BinaryOp::kRegexNotIMatch;
    case sql::BinaryOperator::kAdd:
      return BinaryOp::kAdd;
    case sql::BinaryOperator::kSubtract:
      return BinaryOp::kSubtract;
    case sql::BinaryOperator::kMultiply:
      return BinaryOp::kMultiply;
    case sql::BinaryOperator::kDivide:
      return BinaryOp::kDivide;
    case sql::BinaryOperator::kModulo:
      return BinaryOp::kModulo;
  }
  return BinaryOp::kEq;
}

bool IsNumeric(TypeId t) {
  return t == TypeId::kInt64 || t == TypeId::kUInt64 || t == TypeId::kFloat64;
}

// A literal, or a cast of a literal (TIMESTAMP '...', INTERVAL '...'): a constant the binder may
// retype to suit the other operand.
bool IsConstant(const Expr& e) {
  if (e.kind == ExprKind::kLiteral) {
    return true;
  }
  return e.kind == ExprKind::kCast && e.args[0]->kind == ExprKind::kLiteral;
}

std::optional<exec::WindowFunctionKind> WindowKind(std::string_view name) {
  using K = exec::WindowFunctionKind;
  static const std::pair<std::string_view, K> kKinds[] = {
      {"row_number", K::kRowNumber},
      {"rank", K::kRank},
      {"dense_rank", K::kDenseRank},
      {"percent_rank", K::kPercentRank},
      {"cume_dist", K::kCumeDist},
      {"ntile", K::kNtile},
      {"lag", K::kLag},
      {"lead", K::kLead},
      {"first_value", K::kFirstValue},
      {"last_value", K::kLastValue},
      {"nth_value", K::kNthValue},
  };
  for (const auto& [n, k] : kKinds) {
    if (n == name) {
      return k;
    }
  }
  return std::nullopt;
}

}  // namespace

ExprBinder::ExprBinder(const BinderContext* context,
                       const BindScope* scope,
                       ExprBinderMode mode,
                       std::string clause)
    : context_(context), scope_(scope), mode_(mode), clause_(std::move(clause)) {}

absl::Status ExprBinder::ErrorAt(size_t position, std::string_view message) const {
  return context_->ErrorAt(position, message);
}

absl::StatusOr<ExprPtr> ExprBinder::Bind(const sql::Expr& expr) {
  switch (expr.kind) {
    case sql::ExprKind::kLiteral:
      return BindLiteral(expr.As<sql::LiteralExpr>());
    case sql::ExprKind::kColumnRef:
      return BindColumn(expr.As<sql::ColumnRefExpr>());
    case sql::ExprKind::kParameter: {
      const auto& p = expr.As<sql::ParameterExpr>();
      auto it = context_->options->params.find(p.name);
      if (it == context_->options->params.end()) {
        return ErrorAt(expr.position, fmt::format("no value given for parameter ${}", p.name));
      }
      return MakeLiteral(it->second);
    }
    case sql::ExprKind::kUnary: {
      const auto& u = expr.As<sql::UnaryExpr>();
      auto operand = Bind(*u.operand);
      if (!operand.ok()) {
        return operand.status();
      }
      switch (u.op) {
        case sql::UnaryOperator::kPlus:
          if (!IsNumeric((*operand)->type) && (*operand)->type != TypeId::kInterval) {
            return ErrorAt(
                expr.position,
                fmt::format("cannot apply operator '+' to {}", TypeName((*operand)->type)));
          }
          return *operand;
        case sql::UnaryOperator::kNot: {
          auto cast = CoerceTo(*operand, TypeId::kBool, u.operand->position, "NOT");
          if (!cast.ok()) {
            return cast.status();
          }
          return MakeNot(*cast);
        }
        case sql::UnaryOperator::kNegate: {
          TypeId t = (*operand)->type;
          ExprPtr value = *operand;
          if (t == TypeId::kUInt64) {
            value = MakeCast(value, TypeId::kInt64);
            t = TypeId::kInt64;
          }
          if (t != TypeId::kInt64 && t != TypeId::kFloat64 && t != TypeId::kInterval &&
              t != TypeId::kNull) {
            return ErrorAt(expr.position,
                           fmt::format("cannot apply operator '-' to {}", TypeName(t)));
          }
          auto e = std::make_shared<Expr>();
          e->kind = ExprKind::kNegative;
          e->type = t == TypeId::kNull ? TypeId::kInt64 : t;
          e->args = {value};
          return ExprPtr(e);
        }
      }
      return ErrorAt(expr.position, "unknown unary operator");
    }
    case sql::ExprKind::kBinary: {
      const auto& b = expr.As<sql::BinaryExpr>();
      auto left = Bind(*b.left);
      if (!left.ok()) {
        return left.status();
      }
      auto right = Bind(*b.right);
      if (!right.ok()) {
        return right.status();
      }
      return BindBinary(ToBinaryOp(b.op), *left, *right, expr.position);
    }
    case sql::ExprKind::kIs: {
      const auto& is = expr.As<sql::IsExpr>();
      auto operand = Bind(*is.operand);
      if (!operand.ok()) {
        return operand.status();
      }
      auto e = std::make_shared<Expr>();
      e->type = TypeId::kBool;
      e->negated = is.negated;
      if (is.predicate == sql::IsPredicate::kNull || is.predicate == sql::IsPredicate::kUnknown) {
        if (is.predicate == sql::IsPredicate::kUnknown) {
          auto cast = CoerceTo(*operand, TypeId::kBool, is.operand->position, "IS UNKNOWN");
          if (!cast.ok()) {
            return cast.status();
          }
          operand = *cast;
        }
        e->kind = ExprKind::kIsNull;
        e->args = {*operand};
        return ExprPtr(e);
      }
      auto cast = CoerceTo(*operand, TypeId::kBool, is.operand->position, "IS TRUE/FALSE");
      if (!cast.ok()) {
        return cast.status();
      }
      e->kind = ExprKind::kIsTrue;
      e->truth_value = is.predicate == sql::IsPredicate::kTrue;
      e->args = {*cast};
      return ExprPtr(e);
    }
    case sql::ExprKind::kBetween: {
      const auto& b = expr.As<sql::BetweenExpr>();
      auto operand = Bind(*b.operand);
      if (!operand.ok()) {
        return operand.status();
      }
      auto low = Bind(*b.low);
      if (!low.ok()) {
        return low.status();
      }
      auto high = Bind(*b.high);
      if (!high.ok()) {
        return high.status();
      }
      auto lower =
          BindBinary(b.negated ? BinaryOp::kLt : BinaryOp::kGtEq, *operand, *low, expr.position);
      if (!lower.ok()) {
        return lower.status();
      }
      auto upper =
          BindBinary(b.negated ? BinaryOp::kGt : BinaryOp::kLtEq, *operand, *high, expr.position);
      if (!upper.ok()) {
        return upper.status();
      }
      return MakeBinary(b.negated ? BinaryOp::kOr : BinaryOp::kAnd, *lower, *upper, TypeId::kBool);
    }
    case sql::ExprKind::kInList: {
      const auto& in = expr.As<sql::InListExpr>();
      auto operand = Bind(*in.operand);
      if (!operand.ok()) {
        return operand.status();
      }
      std::vector<ExprPtr> list;
      for (const auto& item : in.list) {
        auto bound = Bind(*item);
        if (!bound.ok()) {
          return bound.status();
        }
        list.push_back(*bound);
      }
      return BindInList(*operand, std::move(list), in.negated, expr.position);
    }
    case sql::ExprKind::kInSubquery: {
      const auto& in = expr.As<sql::InSubqueryExpr>();
      auto operand = Bind(*in.operand);
      if (!operand.ok()) {
        return operand.status();
      }
      auto values = context_->RunSubquery(*in.subquery, scope_, expr.position, /*max_rows=*/-1);
      if (!values.ok()) {
        return values.status();
      }
      if (values->columns != 1) {
        return ErrorAt(expr.position,
                       fmt::format("IN subquery must return one column, got {}", values->columns));
      }
      if (values->rows.empty()) {
        // x IN (empty) is false, x NOT IN (empty) is true, even for a NULL x.
        return MakeLiteral(Scalar::Bool(in.negated));
      }
      std::vector<ExprPtr> list;
      list.reserve(values->rows.size());
      for (auto& row : values->rows) {
        list.push_back(MakeLiteral(std::move(row[0])));
      }
      return BindInList(*operand, std::move(list), in.negated, expr.position);
    }
    case sql::ExprKind::kExists: {
      const auto& ex = expr.As<sql::ExistsExpr>();
      auto values = context_->RunSubquery(*ex.subquery, scope_, expr.position, /*max_rows=*/1);
      if (!values.ok()) {
        return values.status();
      }
      return MakeLiteral(Scalar::Bool(values->rows.empty() == ex.negated));
    }
    case sql::ExprKind::kSubquery: {
      const auto& sub = expr.As<sql::SubqueryExpr>();
      if (scope_->correlated_scalar) {
        auto joined = scope_->correlated_scalar(*sub.subquery, expr.position);
        if (!joined.ok()) {
          return joined.status();
        }
        if (*joined != nullptr) {
          return *joined;
        }
      }
      auto values = context_->RunSubquery(*sub.subquery, scope_, expr.position, /*max_rows=*/2);
      if (!values.ok()) {
        return values.status();
      }
      if (values->columns != 1) {
        return ErrorAt(
            expr.position,
            fmt::format("scalar subquery must return one column, got {}", values->columns));
      }
      if (values->rows.size() > 1) {
        return ErrorAt(expr.position, "scalar subquery returned more than one row");
      }
      if (values->rows.empty()) {
        return MakeLiteral(Scalar::Null(values->types[0]));
      }
      return MakeLiteral(std::move(values->rows[0][0]));
    }
    case sql::ExprKind::kLike: {
      const auto& like = expr.As<sql::LikeExpr>();
      if (like.escape != nullptr) {
        const sql::Expr& esc = *like.escape;
        if (!esc.Is<sql::LiteralExpr>() || esc.As<sql::LiteralExpr>().text != "\\") {
          return ErrorAt(esc.position, "only ESCAPE '\\' is supported");
        }
      }
      auto operand = Bind(*like.operand);
      if (!operand.ok()) {
        return operand.status();
      }
      auto pattern = Bind(*like.pattern);
      if (!pattern.ok()) {
        return pattern.status();
      }
      const char* op_name = like.case_insensitive ? "ILIKE" : "LIKE";
      auto lhs = CoerceTo(*operand, TypeId::kString, like.operand->position, op_name);
      if (!lhs.ok()) {
        return lhs.status();
      }
      auto rhs = CoerceTo(*pattern, TypeId::kString, like.pattern->position, op_name);
      if (!rhs.ok()) {
        return rhs.status();
      }
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kLike;
      e->type = TypeId::kBool;
      e->negated = like.negated;
      e->case_insensitive = like.case_insensitive;
      e->args = {*lhs, *rhs};
      return ExprPtr(e);
    }
    case sql::ExprKind::kCase:
      return BindCase(expr.As<sql::CaseExpr>());
    case sql::ExprKind::kCast: {
      const auto& c = expr.As<sql::CastExpr>();
      auto operand = Bind(*c.operand);
      if (!operand.ok()) {
        return operand.status();
      }
      auto type = TypeFromName(c.type);
      if (!type.ok()) {
        return ErrorAt(c.type.position, std::string(type.status().message()));
      }
      TypeId from = (*operand)->type;
      if (!exec::CanCast(from, *type)) {
        return ErrorAt(expr.position,
                       fmt::format("cannot cast {} to {}", TypeName(from), TypeName(*type)));
      }
      if (from == *type) {
        return *operand;
      }
      return MakeCast(*operand, *type, c.try_cast);
    }
    case sql::ExprKind::kFunctionCall:
      return BindFunction(expr.As<sql::FunctionCallExpr>());
    case sql::ExprKind::kFieldAccess: {
      // InfluxDB's selector functions return a struct {value, time}; strata has no struct type,
      // so selector_x(v, t)['value'] is the aggregate selector_x and ['time'] is its companion
      // selector_x_time.
      const auto& access = expr.As<sql::FieldAccessExpr>();
      if (access.operand->Is<sql::FunctionCallExpr>()) {
        const auto& call = access.operand->As<sql::FunctionCallExpr>();
        const std::string& fn = call.name.value;
        if (fn.starts_with("selector_") && call.over == nullptr) {
          std::string name = fn;
          if (access.field == "time") {
            name += "_time";
          } else if (access.field != "value") {
            return ErrorAt(
                expr.position,
                fmt::format(
                    "'{}' has no field '{}' (it has 'value' and 'time')", fn, access.field));
          }
          const exec::AggregateFunction* function =
              exec::FunctionRegistry::Default().FindAggregate(name);
          if (function != nullptr) {
            return BindAggregate(call, name, function);
          }
        }
      }
      return ErrorAt(expr.position,
                     "field access ['...'] is only supported on selector functions, e.g. "
                     "selector_max(usage, time)['time']");
    }
  }
  return ErrorAt(expr.position, "unsupported expression");
}

absl::StatusOr<ExprPtr> ExprBinder::BindPredicate(const sql::Expr& expr) {
  auto bound = Bind(expr);
  if (!bound.ok()) {
    return bound.status();
  }
  return CoerceTo(*bound, TypeId::kBool, expr.position, clause_);
}

absl::StatusOr<ExprPtr> ExprBinder::BindLiteral(const sql::LiteralExpr& lit) {
  switch (lit.literal_kind) {
    case sql::LiteralKind::kNull:
      return MakeLiteral(Scalar());
    case sql::LiteralKind::kBoolean:
      return MakeLiteral(Scalar::Bool(lit.boolean_value));
    case sql::LiteralKind::kInteger:
      return MakeLiteral(Scalar::Int64(lit.integer_value));
    case sql::LiteralKind::kFloat:
      return MakeLiteral(Scalar::Float64(lit.float_value));
    case sql::LiteralKind::kString:
      return MakeLiteral(Scalar::String(lit.text));
    case sql::LiteralKind::kTypedString: {
      auto type = TypeFromName(lit.type);
      if (!type.ok()) {
        return ErrorAt(lit.position, std::string(type.status().message()));
      }
      if (*type != TypeId::kTimestamp) {
        return ErrorAt(lit.position,
                       fmt::format("{} literals are not supported", lit.type.ToString()));
      }
      return MakeCast(MakeLiteral(Scalar::String(lit.text)), TypeId::kTimestamp);
    }
    case sql::LiteralKind::kInterval: {
      std::string text = lit.text;
      if (!lit.interval_unit.empty()) {
        text += " " + lit.interval_unit;
      }
      return MakeCast(MakeLiteral(Scalar::String(text)), TypeId::kInterval);
    }
  }
  return ErrorAt(lit.position, "unsupported literal");
}

absl::StatusOr<ExprPtr> ExprBinder::BindColumn(const sql::ColumnRefExpr& ref) {
  if (ref.parts.size() > 2) {
    // db.schema.table.column or schema.table.column: only the table qualifier matters here.
    std::vector<sql::Identifier> tail(ref.parts.end() - 2, ref.parts.end());
    sql::ColumnRefExpr shortened(ref.position);
    shortened.parts = std::move(tail);
    return BindColumn(shortened);
  }
  const std::string& name = ref.column().value;
  const std::string* qualifier = ref.parts.size() == 2 ? &ref.parts[0].value : nullptr;
  for (const BindScope* scope = scope_; scope != nullptr; scope = scope->outer) {
    int found = -1;
    bool ambiguous = false;
    for (size_t i = 0; i < scope->fields->size(); ++i) {
      const PlanField& f = (*scope->fields)[i];
      if (f.name != name || (qualifier != nullptr && f.qualifier != *qualifier)) {
        continue;
      }
      if (found >= 0) {
        ambiguous = true;
        break;
      }
      found = static_cast<int>(i);
    }
    if (ambiguous && qualifier == nullptr) {
      auto it = scope->using_columns.find(name);
      if (it != scope->using_columns.end()) {
        found = it->second;
        ambiguous = false;
      }
    }
    if (ambiguous) {
      return ErrorAt(ref.position, fmt::format("column '{}' is ambiguous", ref.column().spelling));
    }
    if (found >= 0) {
      if (scope != scope_) {
        if (scope_->allow_outer && scope == scope_->outer) {
          const PlanField& f = (*scope->fields)[static_cast<size_t>(found)];
          std::string display = f.qualifier.empty() ? f.name : f.qualifier + "." + f.name;
          if (scope_->used_outer != nullptr) {
            *scope_->used_outer = true;
          }
          return MakeColumn(static_cast<int>(scope_->fields->size()) + found, display, f.type);
        }
        absl::Status status =
            ErrorAt(ref.position,
                    fmt::format("this correlated subquery is not supported (column '{}' "
                                "refers to the outer query)",
                                ref.column().spelling));
        status.SetPayload(kCorrelatedErrorUrl, absl::Cord("1"));
        return status;
      }
      const PlanField& f = (*scope->fields)[static_cast<size_t>(found)];
      std::string display = f.qualifier.empty() ? f.name : f.qualifier + "." + f.name;
      return MakeColumn(found, display, f.type);
    }
  }
  // Not found: suggest a close name, and point out case differences (unquoted names fold to
  // lower case, so a column written "Usage" in line protocol needs quotes).
  std::vector<std::string> names;
  std::string case_match;
  for (const PlanField& f : *scope_->fields) {
    names.push_back(f.name);
    if (absl::AsciiStrToLower(f.name) == absl::AsciiStrToLower(name) && f.name != name) {
      case_match = f.name;
    }
  }
  std::string full = qualifier != nullptr ? *qualifier + "." + name : name;
  std::string message = fmt::format("column '{}' not found", full);
  std::string hint;
  if (!case_match.empty()) {
    hint =
        fmt::format("; did you mean \"{}\"? (unquoted names are folded to lower case)", case_match);
  } else if (std::string best = internal::ClosestMatch(name, names); !best.empty()) {
    hint = fmt::format("; did you mean '{}'?", best);
  }
  auto lc = sql::OffsetToLineColumn(context_->sql, ref.position);
  return absl::InvalidArgumentError(
      fmt::format("{} at line {}, column {}{}", message, lc.line, lc.column, hint));
}

absl::StatusOr<ExprPtr> ExprBinder::CoerceTo(ExprPtr expr,
                                             TypeId type,
                                             size_t position,
                                             std::string_view context) {
  TypeId from = expr->type;
  if (from == type || (IsStringType(from) && IsStringType(type))) {
    return expr;
  }
  if (from == TypeId::kNull) {
    return MakeLiteral(Scalar::Null(type));
  }
  if (exec::CanCoerceImplicitly(from, type) || (IsConstant(*expr) && exec::CanCast(from, type))) {
    return MakeCast(expr, type);
  }
  return ErrorAt(position,
                 fmt::format("{} expects {}, got {}", context, TypeName(type), TypeName(from)));
}

absl::StatusOr<ExprPtr> ExprBinder::BindBinary(BinaryOp op,
                                               ExprPtr left,
                                               ExprPtr right,
                                               size_t position) {
  TypeId lt = left->type;
  TypeId rt = right->type;
  // Retype a constant to match the other side where the value allows it (see
  // exec/type_coercion.h): `x = 1` on a float column compares floats, `time > '2016-...'`
  // compares timestamps, `u > 5` on a uint64 column compares uint64s.
  auto retype_constant = [&](ExprPtr& constant, TypeId constant_type, TypeId other) {
    if (other == TypeId::kNull || other == TypeId::kInterval) {
      return;
    }
    bool string_constant = IsStringType(constant_type);
    if (exec::IsComparison(op) && string_constant && !IsStringType(other)) {
      constant = MakeCast(constant, other == TypeId::kDictionary ? TypeId::kString : other);
      return;
    }
    if (constant_type == TypeId::kInt64 && other == TypeId::kFloat64) {
      if (constant->kind == ExprKind::kLiteral && !constant->value.is_null()) {
        constant = MakeLiteral(Scalar::Float64(static_cast<double>(constant->value.int64_value())));
      } else {
        constant = MakeCast(constant, TypeId::kFloat64);
      }
      return;
    }
    if (constant_type == TypeId::kInt64 && other == TypeId::kUInt64 &&
        constant->kind == ExprKind::kLiteral && !constant->value.is_null() &&
        constant->value.int64_value() >= 0) {
      constant = MakeLiteral(Scalar::UInt64(static_cast<uint64_t>(constant->value.int64_value())));
    }
  };
  if (IsConstant(*right) && !IsConstant(*left)) {
    retype_constant(right, rt, lt);
  } else if (IsConstant(*left) && !IsConstant(*right)) {
    retype_constant(left, lt, rt);
  }
  lt = left->type;
  rt = right->type;
  auto signature = exec::ResolveBinary(op, lt, rt);
  if (!signature.ok()) {
    return ErrorAt(position, std::string(signature.status().message()));
  }
  ExprPtr l = lt == TypeId::kNull ? MakeLiteral(Scalar::Null(signature->left))
                                  : CastIfNeeded(left, signature->left);
  ExprPtr r = rt == TypeId::kNull ? MakeLiteral(Scalar::Null(signature->right))
                                  : CastIfNeeded(right, signature->right);
  return MakeBinary(op, l, r, signature->result);
}

absl::StatusOr<ExprPtr> ExprBinder::BindInList(ExprPtr operand,
                                               std::vector<ExprPtr> list,
                                               bool negated,
                                               size_t position) {
  std::vector<TypeId> types = {operand->type};
  for (const ExprPtr& e : list) {
    // String constants take the operand's type (time IN ('2016-01-01T00:00:00Z', ...)).
    if (IsConstant(*e) && IsStringType(e->type) && !IsStringType(operand->type) &&
        operand->type != TypeId::kNull) {
      continue;
    }
    types.push_back(e->type);
  }
  auto common = exec::CommonType(types);
  if (!common.ok()) {
    return ErrorAt(position, std::string(common.status().message()));
  }
  TypeId target = *common;
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kInList;
  e->type = TypeId::kBool;
  e->negated = negated;
  e->args.push_back(operand->type == TypeId::kNull ? MakeLiteral(Scalar::Null(target))
                                                   : CastIfNeeded(operand, target));
  for (ExprPtr& item : list) {
    if (item->type == TypeId::kNull) {
      e->args.push_back(MakeLiteral(Scalar::Null(target)));
    } else {
      e->args.push_back(CastIfNeeded(item, target));
    }
  }
  return ExprPtr(e);
}

absl::StatusOr<ExprPtr> ExprBinder::BindCase(const sql::CaseExpr& c) {
  std::vector<ExprPtr> whens;
  std::vector<ExprPtr> thens;
  ExprPtr operand;
  if (c.operand != nullptr) {
    auto bound = Bind(*c.operand);
    if (!bound.ok()) {
      return bound.status();
    }
    operand = *bound;
  }
  for (const sql::WhenClause& w : c.when_clauses) {
    auto cond = Bind(*w.condition);
    if (!cond.ok()) {
      return cond.status();
    }
    auto result = Bind(*w.result);
    if (!result.ok()) {
      return result.status();
    }
    whens.push_back(*cond);
    thens.push_back(*result);
  }
  ExprPtr else_result;
  if (c.else_result != nullptr) {
    auto bound = Bind(*c.else_result);
    if (!bound.ok()) {
      return bound.status();
    }
    else_result = *bound;
  }
  // Result type: the common type of every THEN and the ELSE.
  std::vector<TypeId> result_types;
  for (const ExprPtr& t : thens) {
    result_types.push_back(t->type);
  }
  if (else_result != nullptr) {
    result_types.push_back(else_result->type);
  }
  auto result_type = exec::CommonType(result_types);
  if (!result_type.ok()) {
    return ErrorAt(c.position, std::string(result_type.status().message()));
  }
  TypeId rt = *result_type == TypeId::kDictionary ? TypeId::kString : *result_type;
  auto fit = [rt](const ExprPtr& e) {
    return e->type == TypeId::kNull ? MakeLiteral(Scalar::Null(rt)) : CastIfNeeded(e, rt);
  };
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kCase;
  e->type = rt;
  if (operand != nullptr) {
    // CASE x WHEN v THEN ...: compare in the common type of x and every v.
    std::vector<TypeId> types = {operand->type};
    for (const ExprPtr& w : whens) {
      types.push_back(w->type);
    }
    auto common = exec::CommonType(types);
    if (!common.ok()) {
      return ErrorAt(c.position, std::string(common.status().message()));
    }
    e->case_has_operand = true;
    e->args.push_back(operand->type == TypeId::kNull ? MakeLiteral(Scalar::Null(*common))
                                                     : CastIfNeeded(operand, *common));
    for (size_t i = 0; i < whens.size(); ++i) {
      ExprPtr w = whens[i]->type == TypeId::kNull ? MakeLiteral(Scalar::Null(*common))
                                                  : CastIfNeeded(whens[i], *common);
      e->args.push_back(w);
      e->args.push_back(fit(thens[i]));
    }
  } else {
    for (size_t i = 0; i < whens.size(); ++i) {
      auto cond =
          CoerceTo(whens[i], TypeId::kBool, c.when_clauses[i].condition->position, "CASE WHEN");
      if (!cond.ok()) {
        return cond.status();
      }
      e->args.push_back(*cond);
      e->args.push_back(fit(thens[i]));
    }
  }
  if (else_result != nullptr) {
    e->case_has_else = true;
    e->args.push_back(fit(else_result));
  }
  return ExprPtr(e);
}

absl::StatusOr<std::vector<ExprPtr>> ExprBinder::BindArgs(
    const std::vector<std::unique_ptr<sql::Expr>>& args) {
  std::vector<ExprPtr> out;
  for (const auto& a : args) {
    auto bound = Bind(*a);
    if (!bound.ok()) {
      return bound.status();
    }
    out.push_back(*bound);
  }
  return out;
}

absl::StatusOr<ExprPtr> ExprBinder::BindFunction(const sql::FunctionCallExpr& call) {
  std::string name = call.name.value;
  const exec::FunctionRegistry& registry = exec::FunctionRegistry::Default();
  // SQL special forms that arrive as calls.
  if (name == "current_timestamp" || name == "localtimestamp") {
    name = "now";
  }
  if (call.over != nullptr) {
    return BindWindow(call, name);
  }
  const exec::AggregateFunction* aggregate = registry.FindAggregate(name);
  if (aggregate != nullptr) {
    return BindAggregate(call, name, aggregate);
  }
  if (call.distinct || call.filter != nullptr || !call.order_by.empty() || call.star) {
    if (registry.FindScalar(name) != nullptr) {
      return ErrorAt(call.position,
                     fmt::format("DISTINCT, FILTER, ORDER BY and * are only allowed in "
                                 "aggregate calls, and '{}' is not an aggregate function",
                                 name));
    }
  }
  const exec::ScalarFunction* function = registry.FindScalar(name);
  if (function == nullptr) {
    if (WindowKind(name).has_value()) {
      return ErrorAt(call.position,
                     fmt::format("window function '{}' requires an OVER clause", name));
    }
    std::string hint;
    if (std::string best = internal::ClosestMatch(name, registry.Names()); !best.empty()) {
      hint = fmt::format("; did you mean '{}'?", best);
    }
    auto lc = sql::OffsetToLineColumn(context_->sql, call.position);
    return absl::InvalidArgumentError(fmt::format("function '{}' not found at line {}, column {}{}",
                                                  call.name.spelling,
                                                  lc.line,
                                                  lc.column,
                                                  hint));
  }
  auto args = BindArgs(call.args);
  if (!args.ok()) {
    return args.status();
  }
  std::vector<TypeId> types;
  // Literal arguments' values: some result types depend on them (date_part's field).
  std::vector<const Scalar*> constants;
  for (const ExprPtr& a : *args) {
    types.push_back(a->type);
    constants.push_back(a->kind == ExprKind::kLiteral ? &a->value : nullptr);
  }
  auto signature = exec::ResolveScalarCall(*function, types, constants);
  if (!signature.ok()) {
    return ErrorAt(call.position, std::string(signature.status().message()));
  }
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kScalarFunction;
  e->name = function->name;
  e->scalar_function = function;
  e->type = signature->result;
  for (size_t i = 0; i < args->size(); ++i) {
    TypeId target = i < signature->args.size() ? signature->args[i] : (*args)[i]->type;
    const ExprPtr& a = (*args)[i];
    e->args.push_back(a->type == TypeId::kNull ? MakeLiteral(Scalar::Null(target))
                                               : CastIfNeeded(a, target));
  }
  e->signature = *std::move(signature);
  return ExprPtr(e);
}

absl::StatusOr<ExprPtr> ExprBinder::BindAggregate(const sql::FunctionCallExpr& call,
                                                  const std::string& name,
                                                  const exec::AggregateFunction* aggregate) {
  if (mode_ == ExprBinderMode::kNoAggregates) {
    return ErrorAt(call.position,
                   fmt::format("aggregate functions are not allowed in {} ('{}')", clause_, name));
  }
  if (inside_aggregate_) {
    return ErrorAt(call.position, "aggregate function calls cannot be nested");
  }
  inside_aggregate_ = true;
  auto args = BindArgs(call.args);
  inside_aggregate_ = false;
  if (!args.ok()) {
    return args.status();
  }
  const exec::AggregateFunction* function = aggregate;
  std::vector<ExprPtr> data_args = *args;
  exec::AggregateCallOptions options;
  options.distinct = call.distinct;
  // Ordered first_value/last_value: the order key becomes the second data argument; DESC swaps
  // first and last.
  if (!call.order_by.empty()) {
    if (name != "first_value" && name != "last_value") {
      return ErrorAt(call.position, fmt::format("ORDER BY inside '{}' is not supported", name));
    }
    if (call.order_by.size() != 1 || data_args.size() != 1) {
      return ErrorAt(call.position,
                     fmt::format("'{}' takes one argument and one ORDER BY key", name));
    }
    inside_aggregate_ = true;
    auto key = Bind(*call.order_by[0].expr);
    inside_aggregate_ = false;
    if (!key.ok()) {
      return key.status();
    }
    if (!call.order_by[0].ascending()) {
      function = exec::FunctionRegistry::Default().FindAggregate(
          name == "first_value" ? "last_value" : "first_value");
    }
    data_args.push_back(*key);
  }
  // Constant trailing arguments (approx_percentile_cont(x, 0.5)).
  std::vector<ExprPtr> constants;
  if (static_cast<int>(data_args.size()) > function->data_args && function->data_args >= 0 &&
      name != "first_value" && name != "last_value" && !name.starts_with("selector_")) {
    for (size_t i = static_cast<size_t>(function->data_args); i < data_args.size(); ++i) {
      if (!IsConstant(*data_args[i])) {
        return ErrorAt(call.position,
                       fmt::format("argument {} of '{}' must be a constant", i + 1, name));
      }
      constants.push_back(data_args[i]);
    }
    data_args.resize(static_cast<size_t>(function->data_args));
  }
  std::vector<TypeId> types;
  for (const ExprPtr& a : data_args) {
    types.push_back(a->type);
  }
  for (const ExprPtr& c : constants) {
    types.push_back(c->type);
  }
  auto signature = function->resolve(types);
  if (!signature.ok()) {
    return ErrorAt(call.position, std::string(signature.status().message()));
  }
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kAggregate;
  e->name = function->name;
  e->aggregate_function = function;
  e->type = signature->result;
  for (size_t i = 0; i < data_args.size(); ++i) {
    TypeId target = i < signature->args.size() ? signature->args[i] : data_args[i]->type;
    const ExprPtr& a = data_args[i];
    e->args.push_back(a->type == TypeId::kNull ? MakeLiteral(Scalar::Null(target))
                                               : CastIfNeeded(a, target));
  }
  for (size_t i = 0; i < constants.size(); ++i) {
    size_t k = data_args.size() + i;
    TypeId target = k < signature->args.size() ? signature->args[k] : constants[i]->type;
    auto value = context_->EvaluateConstant(CastIfNeeded(constants[i], target));
    if (!value.ok()) {
      return ErrorAt(call.position, std::string(value.status().message()));
    }
    options.constant_args.push_back(*value);
  }
  e->signature = *std::move(signature);
  e->aggregate_options = std::move(options);
  if (call.filter != nullptr) {
    inside_aggregate_ = true;
    auto filter = Bind(*call.filter);
    inside_aggregate_ = false;
    if (!filter.ok()) {
      return filter.status();
    }
    auto cond = CoerceTo(*filter, TypeId::kBool, call.filter->position, "FILTER");
    if (!cond.ok()) {
      return cond.status();
    }
    e->filter = *cond;
  }
  return ExprPtr(e);
}

absl::StatusOr<ExprPtr> ExprBinder::BindConstant(const BinderContext* context,
                                                 const sql::Expr& expr,
                                                 std::string clause) {
  static const std::vector<PlanField> kNoFields;
  BindScope empty_scope;
  empty_scope.fields = &kNoFields;
  ExprBinder binder(context, &empty_scope, ExprBinderMode::kNoAggregates, std::move(clause));
  return binder.Bind(expr);
}

absl::StatusOr<Scalar> ExprBinder::BindRangeOffset(const sql::Expr& offset,
                                                   const std::vector<SortExpr>& order_by,
                                                   size_t window_position) {
  if (order_by.size() != 1) {
    return ErrorAt(window_position,
                   "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
  }
  const TypeId key_type = order_by[0].expr->type;
  auto bound = BindConstant(context_, offset, "a frame offset");
  if (!bound.ok()) {
    return bound.status();
  }
  ExprPtr e = *bound;
  // '1 hour' PRECEDING over a timestamp key is an interval, as in PostgreSQL.
  if (key_type == TypeId::kTimestamp && IsStringType(e->type)) {
    auto interval = CoerceTo(e, TypeId::kInterval, offset.position, "a RANGE frame offset");
    if (!interval.ok()) {
      return interval.status();
    }
    e = *interval;
  }
  auto value = context_->EvaluateConstant(e);
  if (!value.ok()) {
    return ErrorAt(offset.position, std::string(value.status().message()));
  }
  if (absl::Status status = exec::CheckRangeFrameOffset(key_type, *value); !status.ok()) {
    return ErrorAt(offset.position, std::string(status.message()));
  }
  return *value;
}

absl::StatusOr<ExprPtr> ExprBinder::BindWindow(const sql::FunctionCallExpr& call,
                                               const std::string& name) {
  if (mode_ != ExprBinderMode::kAll) {
    return ErrorAt(call.position,
                   fmt::format("window functions are not allowed in {} ('{}')", clause_, name));
  }
  if (inside_window_) {
    return ErrorAt(call.position, "window function calls cannot be nested");
  }
  const exec::FunctionRegistry& registry = exec::FunctionRegistry::Default();
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kWindow;
  e->name = name;
  inside_window_ = true;
  auto cleanup = absl::Cleanup([this] { inside_window_ = false; });
  std::optional<exec::WindowFunctionKind> kind = WindowKind(name);
  const exec::AggregateFunction* aggregate = registry.FindAggregate(name);
  if (!kind.has_value() && aggregate == nullptr) {
    return ErrorAt(call.position, fmt::format("window function '{}' not found", name));
  }
  auto args = BindArgs(call.args);
  if (!args.ok()) {
    return args.status();
  }
  if (kind.has_value()) {
    using K = exec::WindowFunctionKind;
    e->window_kind = *kind;
    size_t n = args->size();
    auto expect = [&](size_t lo, size_t hi) -> absl::Status {
      if (n < lo || n > hi) {
        return ErrorAt(
            call.position,
            lo == hi
                ? fmt::format("function '{}' expects {} argument{}, got {}",
                              name,
                              lo,
                              lo == 1 ? "" : "s",
                              n)
                : fmt::format("function '{}' expects {} to {} arguments, got {}", name, lo, hi, n));
      }
      return absl::OkStatus();
    };
    switch (*kind) {
      case K::kRowNumber:
      case K::kRank:
      case K::kDenseRank:
        if (auto s = expect(0, 0); !s.ok()) {
          return s;
        }
        e->type = TypeId::kUInt64;
        break;
      case K::kPercentRank:
      case K::kCumeDist:
        if (auto s = expect(0, 0); !s.ok()) {
          return s;
        }
        e->type = TypeId::kFloat64;
        break;
      case K::kNtile:
        if (auto s = expect(1, 1); !s.ok()) {
          return s;
        }
        e->type = TypeId::kUInt64;
        e->args = {CastIfNeeded((*args)[0], TypeId::kInt64)};
        break;
      case K::kLag:
      case K::kLead: {
        if (auto s = expect(1, 3); !s.ok()) {
          return s;
        }
        TypeId t = (*args)[0]->type == TypeId::kDictionary ? TypeId::kString : (*args)[0]->type;
        if (n == 3 && t == TypeId::kNull) {
          t = (*args)[2]->type;
        }
        e->type = t;
        e->args.push_back((*args)[0]);
        e->args.push_back(n >= 2 ? CastIfNeeded((*args)[1], TypeId::kInt64)
                                 : MakeLiteral(Scalar::Int64(1)));
        if (n == 3) {
          auto common = exec::CommonType({t, (*args)[2]->type});
          if (!common.ok()) {
            return ErrorAt(call.position, std::string(common.status().message()));
          }
          e->type = *common == TypeId::kDictionary ? TypeId::kString : *common;
          e->args[0] = CastIfNeeded((*args)[0], e->type);
          e->args.push_back((*args)[2]->type == TypeId::kNull ? MakeLiteral(Scalar::Null(e->type))
                                                              : CastIfNeeded((*args)[2], e->type));
        }
        break;
      }
      case K::kFirstValue:
      case K::kLastValue:
      case K::kNthValue:
        if (auto s = expect(*kind == K::kNthValue ? 2 : 1, *kind == K::kNthValue ? 2 : 1);
            !s.ok()) {
          return s;
        }
        e->type = (*args)[0]->type == TypeId::kDictionary ? TypeId::kString : (*args)[0]->type;
        e->args = *args;
        if (*kind == K::kNthValue) {
          e->args[1] = CastIfNeeded(e->args[1], TypeId::kInt64);
        }
        break;
      case K::kAggregate:
        break;
    }
  } else {
    e->window_kind = exec::WindowFunctionKind::kAggregate;
    e->aggregate_function = aggregate;
    std::vector<TypeId> types;
    for (const ExprPtr& a : *args) {
      types.push_back(a->type);
    }
    auto signature = aggregate->resolve(types);
    if (!signature.ok()) {
      return ErrorAt(call.position, std::string(signature.status().message()));
    }
    for (size_t i = 0; i < args->size(); ++i) {
      TypeId target = i < signature->args.size() ? signature->args[i] : (*args)[i]->type;
      e->args.push_back(CastIfNeeded((*args)[i], target));
    }
    e->type = signature->result;
    e->signature = *std::move(signature);
    e->aggregate_options.distinct = call.distinct;
  }
  const sql::WindowSpec& spec = *call.over;
  for (const auto& p : spec.partition_by) {
    auto bound = Bind(*p);
    if (!bound.ok()) {
      return bound.status();
    }
    e->partition_by.push_back(*bound);
  }
  for (const sql::OrderByItem& o : spec.order_by) {
    auto bound = Bind(*o.expr);
    if (!bound.ok()) {
      return bound.status();
    }
    e->order_by.push_back(SortExpr{*bound, o.ascending(), o.nulls_first()});
  }
  exec::WindowFrame frame;
  if (spec.frame.has_value()) {
    const sql::WindowFrame& f = *spec.frame;
    if (f.units == sql::FrameUnits::kGroups) {
      return ErrorAt(spec.position, "GROUPS frames are not supported");
    }
    frame.units = f.units == sql::FrameUnits::kRows ? exec::WindowFrame::Units::kRows
                                                    : exec::WindowFrame::Units::kRange;
    auto bound = [&](const sql::FrameBound& b,
                     exec::WindowFrame::BoundKind* kind_out,
                     int64_t* offset_out,
                     Scalar* range_offset_out) -> absl::Status {
      using BK = exec::WindowFrame::BoundKind;
      switch (b.kind) {
        case sql::FrameBoundKind::kUnboundedPreceding:
          *kind_out = BK::kUnboundedPreceding;
          return absl::OkStatus();
        case sql::FrameBoundKind::kCurrentRow:
          *kind_out = BK::kCurrentRow;
          return absl::OkStatus();
        case sql::FrameBoundKind::kUnboundedFollowing:
          *kind_out = BK::kUnboundedFollowing;
          return absl::OkStatus();
        case sql::FrameBoundKind::kPreceding:
        case sql::FrameBoundKind::kFollowing: {
          *kind_out = b.kind == sql::FrameBoundKind::kPreceding ? BK::kPreceding : BK::kFollowing;
          if (frame.units == exec::WindowFrame::Units::kRange) {
            auto offset = BindRangeOffset(*b.offset, e->order_by, spec.position);
            if (!offset.ok()) {
              return offset.status();
            }
            *range_offset_out = *std::move(offset);
            return absl::OkStatus();
          }
          auto offset = context_->ConstantInt(*b.offset, "frame offset");
          if (!offset.ok()) {
            return offset.status();
          }
          if (*offset < 0) {
            return ErrorAt(b.offset->position, "frame offset must not be negative");
          }
          *offset_out = *offset;
          return absl::OkStatus();
        }
      }
      return absl::OkStatus();
    };
    if (auto s = bound(f.start, &frame.start, &frame.start_offset, &frame.start_range_offset);
        !s.ok()) {
      return s;
    }
    if (auto s = bound(f.end, &frame.end, &frame.end_offset, &frame.end_range_offset); !s.ok()) {
      return s;
    }
  } else if (e->order_by.empty()) {
    frame.end = exec::WindowFrame::BoundKind::kUnboundedFollowing;
  }
  e->frame = frame;
  return ExprPtr(e);
}

}  // namespace strata::plan
