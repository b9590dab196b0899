#include "query/influxql_condition.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/civil_time.h"
#include "query/influxql_arithmetic.h"
#include "re2/re2.h"

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

absl::Status InvalidTimestamp() {
  return absl::InvalidArgumentError("invalid timestamp string");
}

// Reads exactly `digits` decimal digits at `*pos`.
std::optional<int> ReadDigits(std::string_view text, size_t* pos, int digits) {
  if (*pos + digits > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  return value;
}

bool Consume(std::string_view text, size_t* pos, char c) {
  if (*pos < text.size() && text[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

// The Go type name InfluxDB puts in "not compatible" errors, for the same wording.
std::string_view GoTypeName(const Expr& expr) {
  switch (expr.kind) {
    case influxql::ExprKind::kLiteral:
      switch (expr.As<LiteralExpr>().literal_kind) {
        case LiteralKind::kInteger:
          return "*influxql.IntegerLiteral";
        case LiteralKind::kUnsigned:
          return "*influxql.UnsignedLiteral";
        case LiteralKind::kFloat:
          return "*influxql.NumberLiteral";
        case LiteralKind::kString:
          return "*influxql.StringLiteral";
        case LiteralKind::kBoolean:
          return "*influxql.BooleanLiteral";
        case LiteralKind::kDuration:
          return "*influxql.DurationLiteral";
        case LiteralKind::kRegex:
          return "*influxql.RegexLiteral";
      }
      break;
    case influxql::ExprKind::kVarRef:
      return "*influxql.VarRef";
    case influxql::ExprKind::kWildcard:
      return "*influxql.Wildcard";
    case influxql::ExprKind::kBoundParameter:
      return "*influxql.BoundParameter";
    case influxql::ExprKind::kCall:
      return "*influxql.Call";
    case influxql::ExprKind::kBinary:
      return "*influxql.BinaryExpr";
  }
  return "influxql.Expr";
}

absl::Status NotCompatibleWithTime(const Expr& expr) {
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid operation: time and ", std::string(GoTypeName(expr)), " are not compatible"));
}

// A value in time arithmetic (`now() - 1h`, `'2016-01-01' + 10m`, `1500000000s`).
struct TimeOperand {
  enum class Kind { kTime, kDuration, kInteger, kFloat, kString };
  Kind kind = Kind::kInteger;
  int64_t integer = 0;  // kTime, kDuration, kInteger: nanoseconds or the integer.
  double number = 0;    // kFloat
  std::string text;     // kString
};

absl::StatusOr<TimeOperand> EvalTimeOperand(const Expr& expr, const EvalContext& ctx);

absl::StatusOr<TimeOperand> LiteralTimeOperand(const LiteralExpr& literal) {
  TimeOperand out;
  switch (literal.literal_kind) {
    case LiteralKind::kInteger:
      out.kind = TimeOperand::Kind::kInteger;
      out.integer = literal.integer_value;
      return out;
    case LiteralKind::kDuration:
      out.kind = TimeOperand::Kind::kDuration;
      out.integer = literal.integer_value;
      return out;
    case LiteralKind::kFloat:
      out.kind = TimeOperand::Kind::kFloat;
      out.number = literal.float_value;
      return out;
    case LiteralKind::kString:
      out.kind = TimeOperand::Kind::kString;
      out.text = literal.text;
      return out;
    default:
      return NotCompatibleWithTime(literal);
  }
}

// Turns a time string operand into a time (other kinds are returned unchanged).
absl::StatusOr<TimeOperand> StringToTime(TimeOperand operand, const EvalContext& ctx) {
  if (operand.kind != TimeOperand::Kind::kString) {
    return operand;
  }
  if (!LooksLikeTime(operand.text)) {
    return absl::InvalidArgumentError(
        "invalid operation: time and *influxql.StringLiteral are not compatible");
  }
  auto nanos = ParseTimeString(operand.text, ctx.zone);
  if (!nanos.ok()) {
    return nanos.status();
  }
  TimeOperand out;
  out.kind = TimeOperand::Kind::kTime;
  out.integer = *nanos;
  return out;
}

absl::Status TimeOverflow() {
  return absl::InvalidArgumentError("time arithmetic overflows the range of time");
}

absl::StatusOr<TimeOperand> EvalTimeArithmetic(const BinaryExpr& binary, const EvalContext& ctx) {
  auto left = EvalTimeOperand(*binary.left, ctx);
  if (!left.ok()) {
    return left.status();
  }
  auto right = EvalTimeOperand(*binary.right, ctx);
  if (!right.ok()) {
    return right.status();
  }
  using Kind = TimeOperand::Kind;
  TimeOperand l = *std::move(left);
  TimeOperand r = *std::move(right);
  // A string next to a duration or a time is a time string.
  if (l.kind == Kind::kString && r.kind != Kind::kString) {
    auto converted = StringToTime(std::move(l), ctx);
    if (!converted.ok()) {
      return converted.status();
    }
    l = *std::move(converted);
  }
  if (r.kind == Kind::kString && l.kind != Kind::kString) {
    auto converted = StringToTime(std::move(r), ctx);
    if (!converted.ok()) {
      return converted.status();
    }
    r = *std::move(converted);
  }
  const BinaryOperator op = binary.op;
  const bool l_int = l.kind != Kind::kFloat && l.kind != Kind::kString;
  const bool r_int = r.kind != Kind::kFloat && r.kind != Kind::kString;
  TimeOperand out;
  if ((op == BinaryOperator::kAdd || op == BinaryOperator::kSubtract) && l_int && r_int) {
    int64_t value = 0;
    const bool overflow = op == BinaryOperator::kAdd
                              ? __builtin_add_overflow(l.integer, r.integer, &value)
                              : __builtin_sub_overflow(l.integer, r.integer, &value);
    if (overflow) {
      return TimeOverflow();
    }
    out.integer = value;
    if (l.kind == Kind::kTime && r.kind == Kind::kTime) {
      out.kind = op == BinaryOperator::kSubtract ? Kind::kDuration : Kind::kTime;
    } else if (l.kind == Kind::kTime || r.kind == Kind::kTime) {
      out.kind = Kind::kTime;
    } else if (l.kind == Kind::kDuration && r.kind == Kind::kDuration) {
      out.kind = Kind::kDuration;
    } else if (l.kind == Kind::kInteger && r.kind == Kind::kInteger) {
      out.kind = Kind::kInteger;
    } else {
      // An integer and a duration: the integer is a timestamp, as in InfluxDB.
      out.kind = Kind::kTime;
    }
    return out;
  }
  if ((op == BinaryOperator::kMultiply || op == BinaryOperator::kDivide) && l_int && r_int &&
      (l.kind == Kind::kDuration || l.kind == Kind::kInteger) && r.kind == Kind::kInteger) {
    int64_t value = 0;
    if (op == BinaryOperator::kMultiply) {
      if (__builtin_mul_overflow(l.integer, r.integer, &value)) {
        return TimeOverflow();
      }
    } else {
      value =
          r.integer == 0 || (l.integer == INT64_MIN && r.integer == -1) ? 0 : l.integer / r.integer;
    }
    out.kind = l.kind;
    out.integer = value;
    return out;
  }
  const bool l_number = l.kind == Kind::kInteger || l.kind == Kind::kFloat;
  const bool r_number = r.kind == Kind::kInteger || r.kind == Kind::kFloat;
  if (l_number && r_number) {
    const double a = l.kind == Kind::kFloat ? l.number : static_cast<double>(l.integer);
    const double b = r.kind == Kind::kFloat ? r.number : static_cast<double>(r.integer);
    out.kind = Kind::kFloat;
    switch (op) {
      case BinaryOperator::kAdd:
        out.number = a + b;
        return out;
      case BinaryOperator::kSubtract:
        out.number = a - b;
        return out;
      case BinaryOperator::kMultiply:
        out.number = a * b;
        return out;
      case BinaryOperator::kDivide:
        out.number = b == 0 ? 0 : a / b;
        return out;
      default:
        break;
    }
  }
  return NotCompatibleWithTime(binary);
}

absl::StatusOr<TimeOperand> EvalTimeOperand(const Expr& expr, const EvalContext& ctx) {
  switch (expr.kind) {
    case influxql::ExprKind::kLiteral:
      return LiteralTimeOperand(expr.As<LiteralExpr>());
    case influxql::ExprKind::kBoundParameter: {
      auto literal = ResolveParameter(expr.As<BoundParameterExpr>(), ctx);
      if (!literal.ok()) {
        return literal.status();
      }
      return LiteralTimeOperand(**literal);
    }
    case influxql::ExprKind::kCall:
      if (influxql::IsCallTo(expr, "now") && expr.As<CallExpr>().args.empty()) {
        TimeOperand out;
        out.kind = TimeOperand::Kind::kTime;
        out.integer = ctx.now_ns;
        return out;
      }
      return NotCompatibleWithTime(expr);
    case influxql::ExprKind::kBinary:
      return EvalTimeArithmetic(expr.As<BinaryExpr>(), ctx);
    default:
      return NotCompatibleWithTime(expr);
  }
}

// The nanosecond time an operand compared with `time` stands for.
absl::StatusOr<int64_t> EvalTime(const Expr& expr, const EvalContext& ctx) {
  auto operand = EvalTimeOperand(expr, ctx);
  if (!operand.ok()) {
    return operand.status();
  }
  switch (operand->kind) {
    case TimeOperand::Kind::kTime:
    case TimeOperand::Kind::kDuration:
    case TimeOperand::Kind::kInteger:
      return operand->integer;
    case TimeOperand::Kind::kFloat:
      if (!(operand->number >= static_cast<double>(kMinTime) &&
            operand->number <= static_cast<double>(kMaxTime))) {
        return absl::InvalidArgumentError("time value out of range");
      }
      return static_cast<int64_t>(operand->number);
    case TimeOperand::Kind::kString: {
      auto time = StringToTime(*std::move(operand), ctx);
      if (!time.ok()) {
        return time.status();
      }
      return time->integer;
    }
  }
  return absl::InternalError("unreachable");
}

bool IsTimeComparison(const Expr& expr) {
  if (!expr.Is<BinaryExpr>()) {
    return false;
  }
  const auto& binary = expr.As<BinaryExpr>();
  if (binary.op == BinaryOperator::kAnd || binary.op == BinaryOperator::kOr) {
    return false;
  }
  return influxql::IsTimeRef(*binary.left) || influxql::IsTimeRef(*binary.right);
}

bool ContainsTimeComparison(const Expr& expr) {
  if (IsTimeComparison(expr)) {
    return true;
  }
  if (expr.Is<BinaryExpr>()) {
    const auto& binary = expr.As<BinaryExpr>();
    if (binary.op == BinaryOperator::kAnd || binary.op == BinaryOperator::kOr) {
      return ContainsTimeComparison(*binary.left) || ContainsTimeComparison(*binary.right);
    }
  }
  return false;
}

absl::Status Intersect(const Expr& expr, const EvalContext& ctx, TimeRange* range) {
  if (!expr.Is<BinaryExpr>()) {
    return absl::OkStatus();
  }
  const auto& binary = expr.As<BinaryExpr>();
  if (binary.op == BinaryOperator::kAnd) {
    absl::Status status = Intersect(*binary.left, ctx, range);
    if (!status.ok()) {
      return status;
    }
    return Intersect(*binary.right, ctx, range);
  }
  if (binary.op == BinaryOperator::kOr) {
    if (ContainsTimeComparison(*binary.left) || ContainsTimeComparison(*binary.right)) {
      return absl::InvalidArgumentError(
          "invalid time condition: time ranges joined with OR are not supported; use AND");
    }
    return absl::OkStatus();
  }
  if (!IsTimeComparison(expr)) {
    return absl::OkStatus();
  }
  BinaryOperator op = binary.op;
  const Expr* other = binary.right.get();
  if (!influxql::IsTimeRef(*binary.left)) {
    other = binary.left.get();
    switch (op) {
      case BinaryOperator::kLt:
        op = BinaryOperator::kGt;
        break;
      case BinaryOperator::kLtEq:
        op = BinaryOperator::kGtEq;
        break;
      case BinaryOperator::kGt:
        op = BinaryOperator::kLt;
        break;
      case BinaryOperator::kGtEq:
        op = BinaryOperator::kLtEq;
        break;
      default:
        break;
    }
  }
  switch (op) {
    case BinaryOperator::kEq:
    case BinaryOperator::kLt:
    case BinaryOperator::kLtEq:
    case BinaryOperator::kGt:
    case BinaryOperator::kGtEq:
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("invalid time comparison operator: ", std::string(BinaryOperatorName(op))));
  }
  auto value = EvalTime(*other, ctx);
  if (!value.ok()) {
    return value.status();
  }
  const int64_t t = *value;
  if (t > kMaxTime || t < kMinTime + 1) {
    return absl::InvalidArgumentError("time value is outside the range of time");
  }
  int64_t min = kMinTime;
  int64_t max = kMaxTime;
  switch (op) {
    case BinaryOperator::kEq:
      min = max = t;
      break;
    case BinaryOperator::kLt:
      max = t - 1;
      break;
    case BinaryOperator::kLtEq:
      max = t;
      break;
    case BinaryOperator::kGt:
      min = t == kMaxTime ? kMaxTime : t + 1;
      break;
    case BinaryOperator::kGtEq:
      min = t;
      break;
    default:
      break;
  }
  range->min = std::max(range->min, min);
  range->max = std::min(range->max, max);
  return absl::OkStatus();
}

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

BinaryOperator Mirror(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kLt:
      return BinaryOperator::kGt;
    case BinaryOperator::kLtEq:
      return BinaryOperator::kGtEq;
    case BinaryOperator::kGt:
      return BinaryOperator::kLt;
    case BinaryOperator::kGtEq:
      return BinaryOperator::kLtEq;
    default:
      return op;
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
                                            const EvalContext& ctx) {
  if (influxql::IsTimeRef(*binary.left) || influxql::IsTimeRef(*binary.right)) {
    return std::string("TRUE");  // ExtractTimeRange turned it into the time bounds.
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
    op = Mirror(op);
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
                                           const EvalContext& ctx) {
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
    auto left = PredicateToSql(*binary.left, table, ctx);
    if (!left.ok()) {
      return left.status();
    }
    auto right = PredicateToSql(*binary.right, table, ctx);
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
  return ComparisonToSql(binary, table, ctx);
}

}  // namespace

bool LooksLikeTime(std::string_view text) {
  size_t pos = 0;
  return ReadDigits(text, &pos, 4).has_value() && Consume(text, &pos, '-') &&
         ReadDigits(text, &pos, 2).has_value() && Consume(text, &pos, '-') &&
         ReadDigits(text, &pos, 2).has_value();
}

absl::StatusOr<int64_t> ParseTimeString(std::string_view text, const absl::TimeZone* zone) {
  size_t pos = 0;
  auto year = ReadDigits(text, &pos, 4);
  if (!year || !Consume(text, &pos, '-')) {
    return InvalidTimestamp();
  }
  auto month = ReadDigits(text, &pos, 2);
  if (!month || !Consume(text, &pos, '-')) {
    return InvalidTimestamp();
  }
  auto day = ReadDigits(text, &pos, 2);
  if (!day) {
    return InvalidTimestamp();
  }
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t fraction = 0;
  std::optional<int64_t> offset_seconds;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') {
      return InvalidTimestamp();
    }
    ++pos;
    auto h = ReadDigits(text, &pos, 2);
    if (!h || !Consume(text, &pos, ':')) {
      return InvalidTimestamp();
    }
    auto m = ReadDigits(text, &pos, 2);
    if (!m || !Consume(text, &pos, ':')) {
      return InvalidTimestamp();
    }
    auto s = ReadDigits(text, &pos, 2);
    if (!s) {
      return InvalidTimestamp();
    }
    hour = *h;
    minute = *m;
    second = *s;
    if (Consume(text, &pos, '.')) {
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits == 9) {
          return InvalidTimestamp();
        }
        fraction = fraction * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) {
        return InvalidTimestamp();
      }
      for (; digits < 9; ++digits) {
        fraction *= 10;
      }
    }
    if (Consume(text, &pos, 'Z') || Consume(text, &pos, 'z')) {
      offset_seconds = 0;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      auto oh = ReadDigits(text, &pos, 2);
      if (!oh || !Consume(text, &pos, ':')) {
        return InvalidTimestamp();
      }
      auto om = ReadDigits(text, &pos, 2);
      if (!om || *oh > 23 || *om > 59) {
        return InvalidTimestamp();
      }
      offset_seconds = sign * (*oh * 3600 + *om * 60);
    }
    if (pos != text.size()) {
      return InvalidTimestamp();
    }
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > DaysInMonth(*year, *month) || hour > 23 ||
      minute > 59 || second > 59) {
    return InvalidTimestamp();
  }
  int64_t seconds = 0;
  if (offset_seconds.has_value()) {
    seconds = DaysFromCivil(*year, *month, *day) * 86400 + hour * 3600 + minute * 60 + second -
              *offset_seconds;
  } else {
    const absl::TimeZone tz = zone != nullptr ? *zone : absl::UTCTimeZone();
    const absl::Time t =
        absl::FromCivil(absl::CivilSecond(*year, *month, *day, hour, minute, second), tz);
    seconds = absl::ToUnixSeconds(t);
  }
  int64_t nanos = 0;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &nanos) ||
      __builtin_add_overflow(nanos, fraction, &nanos) || nanos < kMinTime + 1 || nanos > kMaxTime) {
    return absl::InvalidArgumentError(
        absl::StrCat("time ", std::string(text), " overflows time literal"));
  }
  return nanos;
}

absl::StatusOr<TimeRange> ExtractTimeRange(const influxql::Expr* condition,
                                           const EvalContext& ctx) {
  TimeRange range;
  if (condition == nullptr) {
    return range;
  }
  absl::Status status = Intersect(*condition, ctx, &range);
  if (!status.ok()) {
    return status;
  }
  return range;
}

absl::StatusOr<std::string> ConditionToSql(const influxql::Expr* condition,
                                           const catalog::TableSchema& table,
                                           const EvalContext& ctx) {
  if (condition == nullptr) {
    return std::string("TRUE");
  }
  return PredicateToSql(*condition, table, ctx);
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

absl::StatusOr<std::unique_ptr<influxql::LiteralExpr>> ResolveParameter(
    const influxql::BoundParameterExpr& parameter, const EvalContext& ctx) {
  if (ctx.params == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("missing parameter: ", parameter.name));
  }
  auto it = ctx.params->find(parameter.name);
  if (it == ctx.params->end()) {
    return absl::InvalidArgumentError(absl::StrCat("missing parameter: ", parameter.name));
  }
  auto literal = std::make_unique<LiteralExpr>(parameter.position);
  const influxql::ResultValue& value = it->second;
  if (const auto* d = std::get_if<double>(&value)) {
    literal->literal_kind = LiteralKind::kFloat;
    literal->float_value = *d;
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    literal->literal_kind = LiteralKind::kInteger;
    literal->integer_value = *i;
  } else if (const auto* u = std::get_if<uint64_t>(&value)) {
    literal->literal_kind = LiteralKind::kUnsigned;
    literal->unsigned_value = *u;
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    literal->literal_kind = LiteralKind::kString;
    literal->text = *s;
  } else if (const auto* b = std::get_if<bool>(&value)) {
    literal->literal_kind = LiteralKind::kBoolean;
    literal->boolean_value = *b;
  } else if (const auto* t = std::get_if<influxql::ResultTime>(&value)) {
    literal->literal_kind = LiteralKind::kInteger;
    literal->integer_value = t->nanos;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter ", parameter.name, " has no value (null)"));
  }
  return literal;
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
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += '\'';
    }
    out += c;
  }
  out += '\'';
  return out;
}

std::string SqlTimestamp(int64_t nanos) {
  return absl::StrCat("TIMESTAMP '", FormatIso8601(nanos, SecondFraction::kTrimmed), "Z'");
}

std::string SqlInterval(int64_t nanos) {
  return absl::StrCat("INTERVAL '", nanos, " nanoseconds'");
}

std::string SqlFloat(double value) {
  char text[64];
  snprintf(text, sizeof(text), "%.17g", value);
  std::string out = text;
  if (out.find_first_of(".eEn") == std::string::npos) {
    out += ".0";
  }
  return out;
}

}  // namespace strata::query::influxql_select
