// Logical expressions: builders, traversal and display.
#include "plan/expr.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/str_join.h"
#include "common/check.h"
#include "fmt/format.h"

namespace strata::plan {
namespace {

std::string WindowKindName(exec::WindowFunctionKind kind) {
  switch (kind) {
    case exec::WindowFunctionKind::kRowNumber:
      return "row_number";
    case exec::WindowFunctionKind::kRank:
      return "rank";
    case exec::WindowFunctionKind::kDenseRank:
      return "dense_rank";
    case exec::WindowFunctionKind::kPercentRank:
      return "percent_rank";
    case exec::WindowFunctionKind::kCumeDist:
      return "cume_dist";
    case exec::WindowFunctionKind::kNtile:
      return "ntile";
    case exec::WindowFunctionKind::kLag:
      return "lag";
    case exec::WindowFunctionKind::kLead:
      return "lead";
    case exec::WindowFunctionKind::kFirstValue:
      return "first_value";
    case exec::WindowFunctionKind::kLastValue:
      return "last_value";
    case exec::WindowFunctionKind::kNthValue:
      return "nth_value";
    case exec::WindowFunctionKind::kAggregate:
      return "aggregate";
  }
  return "?";
}

std::string ArgsText(const std::vector<ExprPtr>& args, size_t from = 0) {
  std::vector<std::string> parts;
  for (size_t i = from; i < args.size(); ++i) {
    parts.push_back(args[i]->ToString());
  }
  return absl::StrJoin(parts, ", ");
}

std::string OrderByText(const std::vector<SortExpr>& keys) {
  std::vector<std::string> parts;
  for (const SortExpr& key : keys) {
    parts.push_back(fmt::format("{} {} NULLS {}",
                                key.expr->ToString(),
                                key.ascending ? "ASC" : "DESC",
                                key.nulls_first ? "FIRST" : "LAST"));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::string Expr::ToString() const {
  switch (kind) {
    case ExprKind::kColumn:
      return name.empty() ? fmt::format("#{}", column_index) : name;
    case ExprKind::kLiteral:
      return value.ToString();
    case ExprKind::kBinary:
      return fmt::format(
          "{} {} {}", args[0]->ToString(), exec::BinaryOpSymbol(binary_op), args[1]->ToString());
    case ExprKind::kNot:
      return "NOT " + args[0]->ToString();
    case ExprKind::kNegative:
      return "(- " + args[0]->ToString() + ")";
    case ExprKind::kIsNull:
      return args[0]->ToString() + (negated ? " IS NOT NULL" : " IS NULL");
    case ExprKind::kIsTrue:
      return fmt::format(
          "{} IS {}{}", args[0]->ToString(), negated ? "NOT " : "", truth_value ? "TRUE" : "FALSE");
    case ExprKind::kInList:
      return fmt::format(
          "{} {}IN ({})", args[0]->ToString(), negated ? "NOT " : "", ArgsText(args, 1));
    case ExprKind::kLike:
      return fmt::format("{} {}{} {}",
                         args[0]->ToString(),
                         negated ? "NOT " : "",
                         case_insensitive ? "ILIKE" : "LIKE",
                         args[1]->ToString());
    case ExprKind::kCase: {
      std::string text = "CASE";
      size_t i = 0;
      if (case_has_operand) {
        text += " " + args[i++]->ToString();
      }
      size_t end = args.size() - (case_has_else ? 1 : 0);
      for (; i + 1 < end; i += 2) {
        text += fmt::format(" WHEN {} THEN {}", args[i]->ToString(), args[i + 1]->ToString());
      }
      if (case_has_else) {
        text += " ELSE " + args.back()->ToString();
      }
      return text + " END";
    }
    case ExprKind::kCast:
      return fmt::format(
          "{}({} AS {})", try_cast ? "TRY_CAST" : "CAST", args[0]->ToString(), TypeName(type));
    case ExprKind::kScalarFunction:
      return fmt::format("{}({})", name, ArgsText(args));
    case ExprKind::kAggregate: {
      std::string text = fmt::format("{}({}{})",
                                     name,
                                     aggregate_options.distinct ? "DISTINCT " : "",
                                     args.empty() && name == "count" ? "*" : ArgsText(args));
      if (filter != nullptr) {
        text += " FILTER (WHERE " + filter->ToString() + ")";
      }
      return text;
    }
    case ExprKind::kWindow: {
      std::string fn =
          window_kind == exec::WindowFunctionKind::kAggregate ? name : WindowKindName(window_kind);
      std::string over;
      if (!partition_by.empty()) {
        over += "PARTITION BY " + ArgsText(partition_by);
      }
      if (!order_by.empty()) {
        over += (over.empty() ? "" : " ") + std::string("ORDER BY ") + OrderByText(order_by);
      }
      if (!exec::IsDefaultWindowFrame(frame, !order_by.empty())) {
        over += (over.empty() ? "" : " ") + exec::WindowFrameText(frame);
      }
      return fmt::format("{}({}) OVER ({})", fn, ArgsText(args), over);
    }
    case ExprKind::kScalarSubquery:
      return "(<subquery>)";
    case ExprKind::kInSubquery:
      return fmt::format("{} {}IN (<subquery>)", args[0]->ToString(), negated ? "NOT " : "");
    case ExprKind::kExists:
      return negated ? "NOT EXISTS (<subquery>)" : "EXISTS (<subquery>)";
  }
  return "?";
}

bool Expr::Equals(const Expr& other) const {
  if (kind != other.kind || type != other.type || args.size() != other.args.size()) {
    return false;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i]->Equals(*other.args[i])) {
      return false;
    }
  }
  switch (kind) {
    case ExprKind::kColumn:
      return column_index == other.column_index;
    case ExprKind::kLiteral:
      return value == other.value;
    case ExprKind::kBinary:
      return binary_op == other.binary_op;
    case ExprKind::kIsNull:
    case ExprKind::kInList:
      return negated == other.negated;
    case ExprKind::kIsTrue:
      return negated == other.negated && truth_value == other.truth_value;
    case ExprKind::kLike:
      return negated == other.negated && case_insensitive == other.case_insensitive;
    case ExprKind::kCase:
      return case_has_operand == other.case_has_operand && case_has_else == other.case_has_else;
    case ExprKind::kCast:
      return try_cast == other.try_cast;
    case ExprKind::kScalarFunction:
      return scalar_function == other.scalar_function;
    case ExprKind::kAggregate: {
      if (aggregate_function != other.aggregate_function ||
          aggregate_options.distinct != other.aggregate_options.distinct ||
          aggregate_options.constant_args != other.aggregate_options.constant_args ||
          (filter == nullptr) != (other.filter == nullptr) ||
          (filter != nullptr && !filter->Equals(*other.filter)) ||
          order_by.size() != other.order_by.size()) {
        return false;
      }
      for (size_t i = 0; i < order_by.size(); ++i) {
        if (order_by[i].ascending != other.order_by[i].ascending ||
            order_by[i].nulls_first != other.order_by[i].nulls_first ||
            !order_by[i].expr->Equals(*other.order_by[i].expr)) {
          return false;
        }
      }
      return true;
    }
    case ExprKind::kNot:
    case ExprKind::kNegative:
      return true;
    case ExprKind::kWindow:
    case ExprKind::kScalarSubquery:
    case ExprKind::kInSubquery:
    case ExprKind::kExists:
      // Never merged: identity only.
      return this == &other;
  }
  return false;
}

size_t Expr::Hash() const {
  size_t h = absl::HashOf(static_cast<int>(kind), static_cast<int>(type), args.size());
  for (const ExprPtr& arg : args) {
    h = absl::HashOf(h, arg->Hash());
  }
  switch (kind) {
    case ExprKind::kColumn:
      return absl::HashOf(h, column_index);
    case ExprKind::kBinary:
      return absl::HashOf(h, static_cast<int>(binary_op));
    case ExprKind::kScalarFunction:
    case ExprKind::kAggregate:
      return absl::HashOf(h, name);
    default:
      return h;
  }
}

ExprPtr MakeColumn(int index, std::string name, TypeId type) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kColumn;
  e->column_index = index;
  e->name = std::move(name);
  e->type = type;
  return e;
}

ExprPtr MakeLiteral(exec::Scalar value) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kLiteral;
  e->type = value.type();
  e->value = std::move(value);
  return e;
}

ExprPtr MakeBinary(exec::BinaryOp op, ExprPtr left, ExprPtr right, TypeId type) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kBinary;
  e->binary_op = op;
  e->type = type;
  e->args = {std::move(left), std::move(right)};
  return e;
}

ExprPtr MakeCast(ExprPtr operand, TypeId type, bool try_cast) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kCast;
  e->type = type;
  e->try_cast = try_cast;
  e->args = {std::move(operand)};
  return e;
}

ExprPtr CastIfNeeded(ExprPtr operand, TypeId type) {
  TypeId from = operand->type;
  if (from == type || (IsStringType(from) && IsStringType(type))) {
    return operand;
  }
  return MakeCast(std::move(operand), type);
}

ExprPtr MakeNot(ExprPtr operand) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kNot;
  e->type = TypeId::kBool;
  e->args = {std::move(operand)};
  return e;
}

ExprPtr MakeAnd(std::vector<ExprPtr> terms) {
  if (terms.empty()) {
    return MakeLiteral(exec::Scalar::Bool(true));
  }
  ExprPtr result = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) {
    result = MakeBinary(exec::BinaryOp::kAnd, result, terms[i], TypeId::kBool);
  }
  return result;
}

std::vector<ExprPtr> SplitConjunction(const ExprPtr& predicate) {
  std::vector<ExprPtr> terms;
  std::vector<ExprPtr> stack = {predicate};
  while (!stack.empty()) {
    ExprPtr e = stack.back();
    stack.pop_back();
    if (e->kind == ExprKind::kBinary && e->binary_op == exec::BinaryOp::kAnd) {
      stack.push_back(e->args[1]);
      stack.push_back(e->args[0]);
    } else {
      terms.push_back(e);
    }
  }
  return terms;
}

void VisitExpr(const ExprPtr& expr, const std::function<void(const Expr&)>& fn) {
  fn(*expr);
  for (const ExprPtr& arg : expr->args) {
    VisitExpr(arg, fn);
  }
  if (expr->filter != nullptr) {
    VisitExpr(expr->filter, fn);
  }
  for (const ExprPtr& p : expr->partition_by) {
    VisitExpr(p, fn);
  }
  for (const SortExpr& o : expr->order_by) {
    VisitExpr(o.expr, fn);
  }
}

ExprPtr RewriteExpr(const ExprPtr& expr, const std::function<ExprPtr(const ExprPtr&)>& fn) {
  bool changed = false;
  auto rewrite_list = [&](const std::vector<ExprPtr>& list) {
    std::vector<ExprPtr> out;
    out.reserve(list.size());
    for (const ExprPtr& e : list) {
      out.push_back(RewriteExpr(e, fn));
      changed |= out.back() != e;
    }
    return out;
  };
  std::vector<ExprPtr> args = rewrite_list(expr->args);
  std::vector<ExprPtr> partition_by = rewrite_list(expr->partition_by);
  ExprPtr filter = expr->filter != nullptr ? RewriteExpr(expr->filter, fn) : nullptr;
  changed |= filter != expr->filter;
  std::vector<SortExpr> order_by = expr->order_by;
  for (SortExpr& o : order_by) {
    ExprPtr next = RewriteExpr(o.expr, fn);
    changed |= next != o.expr;
    o.expr = next;
  }
  if (!changed) {
    return fn(expr);
  }
  auto copy = std::make_shared<Expr>(*expr);
  copy->args = std::move(args);
  copy->partition_by = std::move(partition_by);
  copy->filter = std::move(filter);
  copy->order_by = std::move(order_by);
  return fn(copy);
}

bool ReferencesColumns(const Expr& expr) {
  bool found = false;
  VisitExpr(std::shared_ptr<const Expr>(std::shared_ptr<const Expr>(), &expr),
            [&found](const Expr& e) { found |= e.kind == ExprKind::kColumn; });
  return found;
}

std::vector<int> ReferencedColumns(const Expr& expr) {
  std::vector<int> columns;
  VisitExpr(std::shared_ptr<const Expr>(std::shared_ptr<const Expr>(), &expr),
            [&columns](const Expr& e) {
              if (e.kind == ExprKind::kColumn) {
                columns.push_back(e.column_index);
              }
            });
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  return columns;
}

ExprPtr RemapColumns(const ExprPtr& expr, const std::vector<int>& mapping) {
  return RewriteExpr(expr, [&mapping](const ExprPtr& e) -> ExprPtr {
    if (e->kind != ExprKind::kColumn) {
      return e;
    }
    STRATA_CHECK_LT(static_cast<size_t>(e->column_index), mapping.size());
    int to = mapping[static_cast<size_t>(e->column_index)];
    STRATA_CHECK(to >= 0);
    if (to == e->column_index) {
      return e;
    }
    auto copy = std::make_shared<Expr>(*e);
    copy->column_index = to;
    return copy;
  });
}

}  // namespace strata::plan
