#include "query/influxql_condition.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "common/civil_time.h"
#include "format/float_format.h"
#include "query/influxql_arithmetic.h"
#include "re2/re2.h"
#include "sql/ast.h"

namespace strata::query::influxql_select {
namespace {

using influxql::BinaryExpr;
using influxql::BinaryOperator;
using influxql::BoundParameterExpr;
using influxql::CallExpr;
using influxql::Expr;
using influxql::LiteralExpr;
using influxql::LiteralKind;
using influxql::VarRefExpr;

// ---------------------------------------------------------------------------------------------
// The rest of the condition as SQL.

enum class SqlType {
  kNull,  // no value (a field of another type, an incompatible expression)
  kFloat,
  kInteger,
  kUnsigned,
  kString,
  kBoolean,
  kTag,      // a tag column: a string, NULL meaning ''
  kMissing,  // a name the table does not have: a tag without a value ('')
  kRegex,
};

struct SqlOperand {
  std::string sql;
  SqlType type = SqlType::kNull;
  std::string text;  // kRegex: the pattern; kString literals: the value.
  bool literal = false;
};

bool IsNumeric(SqlType type) {
  return type == SqlType::kFloat || type == SqlType::kInteger || type == SqlType::kUnsigned;
}

bool IsStringLike(SqlType type) {
  return type == SqlType::kString || type == SqlType::kTag || type == SqlType::kMissing;
}

std::string SqlInteger(int64_t value) {
  if (value == std::numeric_limits<int64_t>::min()) {
    return "(-9223372036854775807 - 1)";
  }
  return std::to_string(value);
}

SqlOperand LiteralOperand(const LiteralExpr& literal) {
  SqlOperand out;
  out.literal = true;
  switch (literal.literal_kind) {
    case LiteralKind::kInteger:
      out.sql = SqlInteger(literal.integer_value);
      out.type = SqlType::kInteger;
      break;
    case LiteralKind::kDuration:
      out.sql = SqlInteger(literal.integer_value);
      out.type = SqlType::kInteger;
      break;
    case LiteralKind::kUnsigned:
      out.sql = absl::StrCat("CAST(", literal.unsigned_value, " AS bigint unsigned)");
      out.type = SqlType::kUnsigned;
      break;
    case LiteralKind::kFloat:
      out.sql = SqlFloat(literal.float_value);
      out.type = SqlType::kFloat;
      break;
    case LiteralKind::kString:
      out.sql = SqlString(literal.text);
      out.text = literal.text;
      out.type = SqlType::kString;
      break;
    case LiteralKind::kBoolean:
      out.sql = literal.boolean_value ? "TRUE" : "FALSE";
      out.type = SqlType::kBoolean;
      break;
    case LiteralKind::kRegex:
      out.text = literal.text;
      out.type = SqlType::kRegex;
      break;
  }
  return out;
}

SqlOperand ColumnOperand(const catalog::TableSchema& table, const VarRefExpr& ref) {
  SqlOperand out;
  const catalog::ColumnSchema* column = table.FindColumn(ref.name);
  if (column == nullptr || column->kind == catalog::ColumnKind::kTime) {
    out.type = ref.type == influxql::DataType::kUnspecified || ref.type == influxql::DataType::kTag
                   ? SqlType::kMissing
                   : SqlType::kNull;
    out.sql = "NULL";
    return out;
  }
  const std::string name = SqlIdentifier(ref.name);
  if (column->kind == catalog::ColumnKind::kTag) {
    if (ref.type == influxql::DataType::kUnspecified || ref.type == influxql::DataType::kTag) {
      out.type = SqlType::kTag;
      out.sql = name;
    } else {
      out.type = SqlType::kNull;
      out.sql = "NULL";
    }
    return out;
  }
  SqlType type = SqlType::kNull;
  switch (column->type) {
    case TypeId::kFloat64:
      type = SqlType::kFloat;
      break;
    case TypeId::kInt64:
      type = SqlType::kInteger;
      break;
    case TypeId::kUInt64:
      type = SqlType::kUnsigned;
      break;
    case TypeId::kString:
      type = SqlType::kString;
      break;
    case TypeId::kBool:
      type = SqlType::kBoolean;
      break;
    default:
      break;
  }
  out.sql = name;
  out.type = type;
  switch (ref.type) {
    case influxql::DataType::kUnspecified:
    case influxql::DataType::kField:
      return out;
    case influxql::DataType::kTag:
      out.type = SqlType::kNull;
      out.sql = "NULL";
      return out;
    case influxql::DataType::kFloat:
      if (type == SqlType::kInteger || type == SqlType::kUnsigned) {
        out.sql = absl::StrCat("CAST(", name, " AS double)");
        out.type = SqlType::kFloat;
      } else if (type != SqlType::kFloat) {
        out.type = SqlType::kNull;
      }
      return out;
    case influxql::DataType::kInteger:
      if (type == SqlType::kFloat || type == SqlType::kUnsigned) {
        out.sql = absl::StrCat("TRY_CAST(", name, " AS bigint)");
        out.type = SqlType::kInteger;
      } else if (type != SqlType::kInteger) {
        out.type = SqlType::kNull;
      }
      return out;
    case influxql::DataType::kUnsigned:
      if (type == SqlType::kFloat || type == SqlType::kInteger) {
        out.sql = absl::StrCat("TRY_CAST(", name, " AS bigint unsigned)");
        out.type = SqlType::kUnsigned;
      } else if (type != SqlType::kUnsigned) {
        out.type = SqlType::kNull;
      }
      return out;
    case influxql::DataType::kString:
      if (type != SqlType::kString) {
        out.type = SqlType::kNull;
      }
      return out;
    case influxql::DataType::kBoolean:
      if (type != SqlType::kBoolean) {
        out.type = SqlType::kNull;
      }
      return out;
  }
  return out;
}

absl::StatusOr<SqlOperand> OperandToSql(const Expr& expr,
                                        const catalog::TableSchema& table,
                                        const EvalContext& ctx);

// Math functions allowed in conditions, with their SQL spelling.
std::optional<std::string_view> SqlMathFunction(std::string_view name, size_t args) {
  struct Entry {
    std::string_view influxql;
    size_t args;
    std::string_view sql;
  };
  static constexpr Entry kFunctions[] = {
      {"abs", 1, "abs"},
      {"sin", 1, "sin"},
      {"cos", 1, "cos"},
      {"tan", 1, "tan"},
      {"asin", 1, "asin"},
      {"acos", 1, "acos"},
      {"atan", 1, "atan"},
      {"atan2", 2, "atan2"},
      {"exp", 1, "exp"},
      {"ln", 1, "ln"},
      {"log2", 1, "log2"},
      {"log10", 1, "log10"},
      {"sqrt", 1, "sqrt"},
      {"pow", 2, "power"},
      {"floor", 1, "floor"},
      {"ceil", 1, "ceil"},
      {"round", 1, "round"},
      {"log", 2, "log"},
  };
  for (const Entry& entry : kFunctions) {
    if (entry.influxql == name && entry.args == args) {
      return entry.sql;
    }
  }
  return std::nullopt;
}

absl::StatusOr<SqlOperand> CallToSql(const CallExpr& call,
                                     const catalog::TableSchema& table,
                                     const EvalContext& ctx) {
  auto function = SqlMathFunction(call.name, call.args.size());
  if (!function.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid function call in condition: ", call.ToString()));
  }
  std::vector<SqlOperand> args;
  for (const auto& arg : call.args) {
    auto operand = OperandToSql(*arg, table, ctx);
    if (!operand.ok()) {
      return operand.status();
    }
    args.push_back(*std::move(operand));
  }
  SqlOperand out;
  for (const SqlOperand& arg : args) {
    if (!IsNumeric(arg.type)) {
      out.type = SqlType::kNull;
      out.sql = "NULL";
      return out;
    }
  }
  const std::string_view name = *function;
  if (name == "log") {
    // InfluxQL's log(x, base); SQL's log(base, x).
    out.sql =
        absl::StrCat("log(CAST(", args[1].sql, " AS double), CAST(", args[0].sql, " AS double))");
    out.type = SqlType::kFloat;
    return out;
  }
  const bool keeps_type = name == "abs" || name == "floor" || name == "ceil" || name == "round";
  if (keeps_type) {
    out.sql = absl::StrCat(std::string(name), "(", args[0].sql, ")");
    out.type = args[0].type;
    return out;
  }
  out.sql = absl::StrCat(std::string(name), "(");
  for (size_t i = 0; i < args.size(); ++i) {
    absl::StrAppend(&out.sql, i > 0 ? ", " : "", "CAST(", args[i].sql, " AS double)");
  }
  out.sql += ")";
  out.type = SqlType::kFloat;
  return out;
}

absl::StatusOr<SqlOperand> ArithmeticToSql(const BinaryExpr& binary,
                                           const catalog::TableSchema& table,
                                           const EvalContext& ctx) {
  auto left = OperandToSql(*binary.left, table, ctx);
  if (!left.ok()) {
    return left.status();
  }
  auto right = OperandToSql(*binary.right, table, ctx);
  if (!right.ok()) {
    return right.status();
  }
  SqlOperand out;
  out.sql = "NULL";
  if (!IsNumeric(left->type) || !IsNumeric(right->type)) {
    return out;
  }
  const bool any_float = left->type == SqlType::kFloat || right->type == SqlType::kFloat;
  const bool any_unsigned = left->type == SqlType::kUnsigned || right->type == SqlType::kUnsigned;
  const SqlType result = any_float      ? SqlType::kFloat
                         : any_unsigned ? SqlType::kUnsigned
                                        : SqlType::kInteger;
  const std::string& l = left->sql;
  const std::string& r = right->sql;
  switch (binary.op) {
    case BinaryOperator::kAdd:
    case BinaryOperator::kSubtract:
    case BinaryOperator::kMultiply: {
      const char* op = binary.op == BinaryOperator::kAdd        ? " + "
                       : binary.op == BinaryOperator::kSubtract ? " - "
                                                                : " * ";
      out.sql = absl::StrCat("(", l, op, r, ")");
      out.type = result;
      return out;
    }
    case BinaryOperator::kDivide:
      // InfluxQL divides integers as floats and gives 0 for a division by zero.
      if (result == SqlType::kUnsigned) {
        out.sql = absl::StrCat(
            "(CASE WHEN ", r, " = 0 THEN ", l, " - ", l, " ELSE ", l, " / ", r, " END)");
        out.type = SqlType::kUnsigned;
        return out;
      }
      out.sql = absl::StrCat(
          "(CASE WHEN ", r, " = 0 THEN 0.0 ELSE CAST(", l, " AS double) / ", r, " END)");
      out.type = SqlType::kFloat;
      return out;
    case BinaryOperator::kModulo:
      if (result == SqlType::kFloat) {
        out.sql = absl::StrCat("(CAST(", l, " AS double) % ", r, ")");
      } else {
        out.sql = absl::StrCat(
            "(CASE WHEN ", r, " = 0 THEN ", l, " - ", l, " ELSE ", l, " % ", r, " END)");
      }
      out.type = result;
      return out;
    default:
      return absl::InvalidArgumentError(absl::StrCat("unsupported operator in condition: ",
                                                     std::string(BinaryOperatorName(binary.op))));
  }
}

absl::StatusOr<SqlOperand> OperandToSql(const Expr& expr,
                                        const catalog::TableSchema& table,
                                        const EvalContext& ctx) {
  switch (expr.kind) {
    case influxql::ExprKind::kLiteral:
      return LiteralOperand(expr.As<LiteralExpr>());
    case influxql::ExprKind::kBoundParameter: {
      auto literal = ResolveParameter(expr.As<BoundParameterExpr>(), ctx);
      if (!literal.ok()) {
        return literal.status();
      }
      return LiteralOperand(**literal);
    }
    case influxql::ExprKind::kVarRef:
      return ColumnOperand(table, expr.As<VarRefExpr>());
    case influxql::ExprKind::kCall:
      return CallToSql(expr.As<CallExpr>(), table, ctx);
    case influxql::ExprKind::kBinary: {
      const auto& binary = expr.As<BinaryExpr>();
      if (IsComparisonOperator(binary.op) || binary.op == BinaryOperator::kAnd ||
          binary.op == BinaryOperator::kOr) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid condition expression: ", expr.ToString()));
      }
      return ArithmeticToSql(binary, table, ctx);
    }
    case influxql::ExprKind::kWildcard:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid condition expression: ", expr.ToString()));
}

std::string_view SqlComparison(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kEq:
      return "=";
    case BinaryOperator::kNotEq:
      return "<>";
    case BinaryOperator::kLt:
      return "<";
    case BinaryOperator::kLtEq:
      return "<=";
    case BinaryOperator::kGt:
      return ">";
    case BinaryOperator::kGtEq:
      return ">=";
    default:
      return "=";
  }
}

bool CompareStrings(std::string_view a, BinaryOperator op, std::string_view b) {
  switch (op) {
    case BinaryOperator::kEq:
      return a == b;
    case BinaryOperator::kNotEq:
      return a != b;
    case BinaryOperator::kLt:
      return a < b;
    case BinaryOperator::kLtEq:
      return a <= b;
    case BinaryOperator::kGt:
      return a > b;
    case BinaryOperator::kGtEq:
      return a >= b;
    default:
      return false;
  }
}

// The value of a string-like operand, with a tag's NULL read as ''.
std::string StringValueSql(const SqlOperand& operand) {
  if (operand.type == SqlType::kTag) {
    return absl::StrCat("coalesce(", operand.sql, ", '')");
  }
  if (operand.type == SqlType::kMissing) {
    return "''";
  }
  return operand.sql;
}

absl::StatusOr<std::string> RegexToSql(const SqlOperand& subject,
                                       BinaryOperator op,
                                       const SqlOperand& pattern_operand) {
  std::string pattern;
  if (pattern_operand.type == SqlType::kRegex) {
    pattern = pattern_operand.text;
  } else if (pattern_operand.type == SqlType::kString && pattern_operand.literal) {
    pattern = pattern_operand.text;  // a bound parameter holding the pattern
  } else {
    return std::string("FALSE");
  }
  RE2 re(pattern, RE2::Quiet);
  if (!re.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid regular expression /", pattern, "/: ", re.error()));
  }
  const bool negate = op == BinaryOperator::kNotEqRegex;
  if (subject.type == SqlType::kMissing) {
    const bool matches = RE2::PartialMatch("", re);
    return std::string(matches != negate ? "TRUE" : "FALSE");
  }
  if (subject.type != SqlType::kTag && subject.type != SqlType::kString) {
    return std::string("FALSE");
  }
  return absl::StrCat(StringValueSql(subject), negate ? " !~ " : " ~ ", SqlString(pattern));
}

absl::StatusOr<std::string> ComparisonToSql(const BinaryExpr& binary,
                                            const catalog::TableSchema& table,
                                            const EvalContext& ctx,
                                            TimeComparisons time_comparisons) {
  if (influxql::IsTimeRef(*binary.left) || influxql::IsTimeRef(*binary.right)) {
    if (time_comparisons == TimeComparisons::kInTimeRange) {
      return std::string("TRUE");  // ExtractTimeRange turned it into the time bounds.
    }
    auto comparison = EvaluateTimeComparison(binary, ctx);
    if (!comparison.ok()) {
      return comparison.status();
    }
    return absl::StrCat("\"time\" ",
                        std::string(SqlComparison(comparison->op)),
                        " ",
                        SqlTimestamp(comparison->time));
  }
  auto left = OperandToSql(*binary.left, table, ctx);
  if (!left.ok()) {
    return left.status();
  }
  auto right = OperandToSql(*binary.right, table, ctx);
  if (!right.ok()) {
    return right.status();
  }
  BinaryOperator op = binary.op;
  if (op == BinaryOperator::kEqRegex || op == BinaryOperator::kNotEqRegex) {
    return RegexToSql(*left, op, *right);
  }
  SqlOperand l = *std::move(left);
  SqlOperand r = *std::move(right);
  if (l.type == SqlType::kRegex || r.type == SqlType::kRegex) {
    return std::string("FALSE");
  }
  // Put a tag (or a name without a value) on the left of a string literal.
  if ((r.type == SqlType::kTag || r.type == SqlType::kMissing) && l.literal) {
    std::swap(l, r);
    op = influxql::MirrorComparison(op);
  }
  const std::string sql_op(SqlComparison(op));
  if ((l.type == SqlType::kTag || l.type == SqlType::kMissing) && r.literal) {
    if (r.type != SqlType::kString) {
      return std::string("FALSE");
    }
    if (l.type == SqlType::kMissing) {
      return std::string(CompareStrings("", op, r.text) ? "TRUE" : "FALSE");
    }
    // A series without the tag has the tag's value ''.
    if (op == BinaryOperator::kEq) {
      return r.text.empty() ? absl::StrCat("(", l.sql, " IS NULL OR ", l.sql, " = '')")
                            : absl::StrCat(l.sql, " = ", r.sql);
    }
    if (op == BinaryOperator::kNotEq) {
      return r.text.empty() ? absl::StrCat("(", l.sql, " IS NOT NULL AND ", l.sql, " <> '')")
                            : absl::StrCat("(", l.sql, " IS NULL OR ", l.sql, " <> ", r.sql, ")");
    }
    return absl::StrCat(StringValueSql(l), " ", sql_op, " ", r.sql);
  }
  if (IsStringLike(l.type) && IsStringLike(r.type)) {
    if (l.type == SqlType::kMissing && r.type == SqlType::kMissing) {
      return std::string(CompareStrings("", op, "") ? "TRUE" : "FALSE");
    }
    return absl::StrCat(StringValueSql(l), " ", sql_op, " ", StringValueSql(r));
  }
  if (IsNumeric(l.type) && IsNumeric(r.type)) {
    return absl::StrCat(l.sql, " ", sql_op, " ", r.sql);
  }
  if (l.type == SqlType::kBoolean && r.type == SqlType::kBoolean &&
      (op == BinaryOperator::kEq || op == BinaryOperator::kNotEq)) {
    return absl::StrCat(l.sql, " ", sql_op, " ", r.sql);
  }
  return std::string("FALSE");
}

absl::StatusOr<std::string> PredicateToSql(const Expr& expr,
                                           const catalog::TableSchema& table,
                                           const EvalContext& ctx,
                                           TimeComparisons time_comparisons) {
  if (expr.Is<LiteralExpr>() && expr.As<LiteralExpr>().literal_kind == LiteralKind::kBoolean) {
    return std::string(expr.As<LiteralExpr>().boolean_value ? "TRUE" : "FALSE");
  }
  if (expr.Is<BoundParameterExpr>()) {
    auto literal = ResolveParameter(expr.As<BoundParameterExpr>(), ctx);
    if (!literal.ok()) {
      return literal.status();
    }
    if ((*literal)->literal_kind == LiteralKind::kBoolean) {
      return std::string((*literal)->boolean_value ? "TRUE" : "FALSE");
    }
  }
  if (!expr.Is<BinaryExpr>()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid condition expression: ", expr.ToString()));
  }
  const auto& binary = expr.As<BinaryExpr>();
  if (binary.op == BinaryOperator::kAnd || binary.op == BinaryOperator::kOr) {
    auto left = PredicateToSql(*binary.left, table, ctx, time_comparisons);
    if (!left.ok()) {
      return left.status();
    }
    auto right = PredicateToSql(*binary.right, table, ctx, time_comparisons);
    if (!right.ok()) {
      return right.status();
    }
    const bool is_and = binary.op == BinaryOperator::kAnd;
    if (is_and && *left == "TRUE") {
      return right;
    }
    if (is_and && *right == "TRUE") {
      return left;
    }
    return absl::StrCat("(", *left, is_and ? " AND " : " OR ", *right, ")");
  }
  if (!IsComparisonOperator(binary.op)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid condition expression: ", expr.ToString()));
  }
  return ComparisonToSql(binary, table, ctx, time_comparisons);
}

}  // namespace

absl::StatusOr<std::string> ConditionToSql(const influxql::Expr* condition,
                                           const catalog::TableSchema& table,
                                           const EvalContext& ctx,
                                           TimeComparisons time_comparisons) {
  if (condition == nullptr) {
    return std::string("TRUE");
  }
  return PredicateToSql(*condition, table, ctx, time_comparisons);
}

// ---------------------------------------------------------------------------------------------
// Conditions on rows.

struct RowCondition::Operand {
  influxql::ResultValue value;
  bool tag = false;
  bool regex = false;
  std::string pattern;
};

absl::StatusOr<const RE2*> RowCondition::Regex(const influxql::Expr& expr,
                                               const std::string& pattern) {
  auto it = regexes_.find(&expr);
  if (it == regexes_.end()) {
    auto re = std::make_unique<RE2>(pattern, RE2::Quiet);
    if (!re->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid regular expression /", pattern, "/: ", re->error()));
    }
    it = regexes_.emplace(&expr, std::move(re)).first;
  }
  return it->second.get();
}

absl::StatusOr<RowCondition::Operand> RowCondition::Evaluate(const influxql::Expr& expr,
                                                             Lookup lookup) {
  Operand out;
  switch (expr.kind) {
    case influxql::ExprKind::kLiteral: {
      const auto& literal = expr.As<LiteralExpr>();
      switch (literal.literal_kind) {
        case LiteralKind::kInteger:
        case LiteralKind::kDuration:
          out.value = literal.integer_value;
          break;
        case LiteralKind::kUnsigned:
          out.value = literal.unsigned_value;
          break;
        case LiteralKind::kFloat:
          out.value = literal.float_value;
          break;
        case LiteralKind::kString:
          out.value = literal.text;
          break;
        case LiteralKind::kBoolean:
          out.value = literal.boolean_value;
          break;
        case LiteralKind::kRegex:
          out.regex = true;
          out.pattern = literal.text;
          break;
      }
      return out;
    }
    case influxql::ExprKind::kBoundParameter: {
      auto literal = ResolveParameter(expr.As<BoundParameterExpr>(), ctx_);
      if (!literal.ok()) {
        return literal.status();
      }
      return Evaluate(**literal, lookup);
    }
    case influxql::ExprKind::kVarRef:
      out.value = lookup(expr.As<VarRefExpr>(), &out.tag);
      if (out.tag && IsNullValue(out.value)) {
        out.value = std::string();
      }
      return out;
    case influxql::ExprKind::kCall: {
      const auto& call = expr.As<CallExpr>();
      if (!SqlMathFunction(call.name, call.args.size()).has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid function call in condition: ", call.ToString()));
      }
      std::vector<influxql::ResultValue> args;
      for (const auto& arg : call.args) {
        auto value = Evaluate(*arg, lookup);
        if (!value.ok()) {
          return value.status();
        }
        args.push_back(std::move(value->value));
      }
      out.value = EvalMath(call.name, args);
      return out;
    }
    case influxql::ExprKind::kBinary: {
      const auto& binary = expr.As<BinaryExpr>();
      if (IsComparisonOperator(binary.op) || binary.op == BinaryOperator::kAnd ||
          binary.op == BinaryOperator::kOr) {
        break;
      }
      auto left = Evaluate(*binary.left, lookup);
      if (!left.ok()) {
        return left.status();
      }
      auto right = Evaluate(*binary.right, lookup);
      if (!right.ok()) {
        return right.status();
      }
      out.value = EvalBinary(binary.op, left->value, right->value);
      return out;
    }
    case influxql::ExprKind::kWildcard:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid condition expression: ", expr.ToString()));
}

absl::StatusOr<bool> RowCondition::Predicate(const influxql::Expr& expr, Lookup lookup) {
  if (!expr.Is<BinaryExpr>()) {
    auto value = Evaluate(expr, lookup);
    if (!value.ok()) {
      return value.status();
    }
    if (const bool* b = std::get_if<bool>(&value->value); b != nullptr && !expr.Is<VarRefExpr>()) {
      return *b;
    }
    return absl::InvalidArgumentError(
        absl::StrCat("invalid condition expression: ", expr.ToString()));
  }
  const auto& binary = expr.As<BinaryExpr>();
  if (binary.op == BinaryOperator::kAnd || binary.op == BinaryOperator::kOr) {
    auto left = Predicate(*binary.left, lookup);
    if (!left.ok()) {
      return left.status();
    }
    auto right = Predicate(*binary.right, lookup);
    if (!right.ok()) {
      return right.status();
    }
    return binary.op == BinaryOperator::kAnd ? (*left && *right) : (*left || *right);
  }
  if (!IsComparisonOperator(binary.op)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid condition expression: ", expr.ToString()));
  }
  if (influxql::IsTimeRef(*binary.left) || influxql::IsTimeRef(*binary.right)) {
    return true;  // the time range
  }
  auto left = Evaluate(*binary.left, lookup);
  if (!left.ok()) {
    return left.status();
  }
  auto right = Evaluate(*binary.right, lookup);
  if (!right.ok()) {
    return right.status();
  }
  if (binary.op == BinaryOperator::kEqRegex || binary.op == BinaryOperator::kNotEqRegex) {
    std::string pattern;
    if (right->regex) {
      pattern = right->pattern;
    } else if (const auto* text = std::get_if<std::string>(&right->value);
               text != nullptr && !binary.right->Is<VarRefExpr>()) {
      pattern = *text;
    } else {
      return false;
    }
    const auto* subject = std::get_if<std::string>(&left->value);
    if (subject == nullptr) {
      return false;
    }
    auto re = Regex(*binary.right, pattern);
    if (!re.ok()) {
      return re.status();
    }
    return RE2::PartialMatch(*subject, **re) == (binary.op == BinaryOperator::kEqRegex);
  }
  const influxql::ResultValue& l = left->value;
  const influxql::ResultValue& r = right->value;
  if (IsNullValue(l) || IsNullValue(r) || left->regex || right->regex) {
    return false;
  }
  const bool numbers = AsDouble(l).has_value() && AsDouble(r).has_value();
  const bool strings =
      std::holds_alternative<std::string>(l) && std::holds_alternative<std::string>(r);
  const bool booleans = std::holds_alternative<bool>(l) && std::holds_alternative<bool>(r);
  if (!numbers && !strings && !booleans) {
    return false;
  }
  const int c = CompareValues(l, r);
  switch (binary.op) {
    case BinaryOperator::kEq:
      return c == 0;
    case BinaryOperator::kNotEq:
      return c != 0;
    case BinaryOperator::kLt:
      return !booleans && c < 0;
    case BinaryOperator::kLtEq:
      return !booleans && c <= 0;
    case BinaryOperator::kGt:
      return !booleans && c > 0;
    case BinaryOperator::kGtEq:
      return !booleans && c >= 0;
    default:
      return false;
  }
}

absl::StatusOr<bool> RowCondition::Matches(Lookup lookup) {
  if (condition_ == nullptr) {
    return true;
  }
  return Predicate(*condition_, lookup);
}

std::string SqlIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string SqlString(std::string_view text) {
  return sql::QuoteString(text);
}

std::string SqlTimestamp(int64_t nanos) {
  return absl::StrCat("TIMESTAMP '", FormatIso8601(nanos, SecondFraction::kTrimmed), "Z'");
}

std::string SqlInterval(int64_t nanos) {
  return absl::StrCat("INTERVAL '", nanos, " nanoseconds'");
}

std::string SqlFloat(double value) {
  if (!std::isfinite(value)) {
    char text[64];
    snprintf(text, sizeof(text), "%.17g", value);
    return text;
  }
  // The shortest digits that read back as `value`, always with a point or an exponent (a SQL
  // double, not an integer): 90.0, 0.1, 1e16.
  char text[format::kMaxFloatLength];
  const char* end = format::WriteFloat(value, format::FloatNotation::kDisplay, text);
  return std::string(text, static_cast<size_t>(end - text));
}

}  // namespace strata::query::influxql_select
