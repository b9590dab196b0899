// Quoting, WHERE translation and SQL execution for the InfluxQL executors.
#include "query/influxql_sql.h"

#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <variant>

#include "common/status.h"
#include "exec/expr/cast.h"
#include "fmt/format.h"
#include "influxql/result_json.h"
#include "query/influxql_condition.h"
#include "re2/re2.h"

namespace strata::query {
namespace {

using influxql::BinaryExpr;
using influxql::BinaryOperator;
using influxql::BoundParameterExpr;
using influxql::Expr;
using influxql::LiteralExpr;
using influxql::LiteralKind;
using influxql::ResultValue;
using influxql::VarRefExpr;

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return sum;
}

int64_t SaturatingSubtract(int64_t a, int64_t b) {
  int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) {
    return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return difference;
}

absl::StatusOr<int64_t> ParseTimeString(std::string_view text) {
  std::optional<int64_t> nanos = exec::ParseTimestamp(text);
  if (!nanos.has_value()) {
    return absl::InvalidArgumentError(
        fmt::format("cannot read '{}' as a time: expected RFC 3339 ('2016-01-01T00:00:00Z'), "
                    "'2016-01-01 00:00:00' or a date ('2016-01-01')",
                    text));
  }
  return *nanos;
}

absl::StatusOr<const ResultValue*> Parameter(const BoundParameterExpr& parameter,
                                             const InfluxQLRequest& request) {
  auto it = request.params.find(parameter.name);
  if (it == request.params.end()) {
    return absl::InvalidArgumentError(fmt::format("missing parameter: {}", parameter.name));
  }
  return &it->second;
}

// A value a name is compared with: a literal or a bound parameter's value.
struct Operand {
  enum class Kind { kNumber, kString, kBoolean, kRegex, kNull };
  Kind kind = Kind::kNull;
  std::string sql;   // the SQL literal (numbers, booleans, strings); the pattern for kRegex
  std::string text;  // kString: the string itself
};

absl::StatusOr<Operand> OperandOf(const Expr& expr, const InfluxQLRequest& request) {
  Operand operand;
  if (expr.Is<LiteralExpr>()) {
    const LiteralExpr& literal = expr.As<LiteralExpr>();
    switch (literal.literal_kind) {
      case LiteralKind::kInteger:
      case LiteralKind::kDuration:
        operand.kind = Operand::Kind::kNumber;
        operand.sql = std::to_string(literal.integer_value);
        return operand;
      case LiteralKind::kUnsigned:
        operand.kind = Operand::Kind::kNumber;
        operand.sql = std::to_string(literal.unsigned_value);
        return operand;
      case LiteralKind::kFloat:
        if (!std::isfinite(literal.float_value)) {
          break;
        }
        operand.kind = Operand::Kind::kNumber;
        operand.sql = influxql_select::SqlFloat(literal.float_value);
        return operand;
      case LiteralKind::kString:
        operand.kind = Operand::Kind::kString;
        operand.text = literal.text;
        operand.sql = influxql_select::SqlString(literal.text);
        return operand;
      case LiteralKind::kBoolean:
        operand.kind = Operand::Kind::kBoolean;
        operand.sql = literal.boolean_value ? "TRUE" : "FALSE";
        return operand;
      case LiteralKind::kRegex:
        operand.kind = Operand::Kind::kRegex;
        operand.text = literal.text;
        return operand;
    }
  } else if (expr.Is<BoundParameterExpr>()) {
    STRATA_ASSIGN_OR_RETURN(const ResultValue* value,
                            Parameter(expr.As<BoundParameterExpr>(), request));
    if (const auto* text = std::get_if<std::string>(value)) {
      operand.kind = Operand::Kind::kString;
      operand.text = *text;
      operand.sql = influxql_select::SqlString(*text);
      return operand;
    }
    if (const auto* integer = std::get_if<int64_t>(value)) {
      operand.kind = Operand::Kind::kNumber;
      operand.sql = std::to_string(*integer);
      return operand;
    }
    if (const auto* number = std::get_if<double>(value);
        number != nullptr && std::isfinite(*number)) {
      operand.kind = Operand::Kind::kNumber;
      operand.sql = influxql_select::SqlFloat(*number);
      return operand;
    }
    if (const auto* boolean = std::get_if<bool>(value)) {
      operand.kind = Operand::Kind::kBoolean;
      operand.sql = *boolean ? "TRUE" : "FALSE";
      return operand;
    }
    if (std::holds_alternative<std::monostate>(*value)) {
      return operand;  // kNull: matches nothing
    }
  }
  return absl::InvalidArgumentError(
      fmt::format("unsupported value in a condition: {}", expr.ToString()));
}

// The comparison with its operands swapped: `5 < x` is `x > 5`.
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

std::string_view SqlOperator(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kEq:
      return "=";
    case BinaryOperator::kNotEq:
      return "<>";
    case BinaryOperator::kEqRegex:
      return "~";
    case BinaryOperator::kNotEqRegex:
      return "!~";
    case BinaryOperator::kLt:
      return "<";
    case BinaryOperator::kLtEq:
      return "<=";
    case BinaryOperator::kGt:
      return ">";
    case BinaryOperator::kGtEq:
      return ">=";
    default:
      return "";
  }
}

bool IsRegexOperator(BinaryOperator op) {
  return op == BinaryOperator::kEqRegex || op == BinaryOperator::kNotEqRegex;
}

// Whether `pattern` matches the empty string (a missing tag's value). The parser checked the
// pattern of a literal; a bound parameter's is checked here.
absl::StatusOr<bool> RegexMatchesEmpty(const std::string& pattern) {
  RE2 regex(pattern, RE2::Quiet);
  if (!regex.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("invalid regular expression /{}/: {}", pattern, regex.error()));
  }
  return RE2::PartialMatch("", regex);
}

// `left op right` for two string values, as the comparison of a missing tag ('') is decided.
bool CompareStrings(std::string_view left, BinaryOperator op, std::string_view right) {
  switch (op) {
    case BinaryOperator::kEq:
      return left == right;
    case BinaryOperator::kNotEq:
      return left != right;
    case BinaryOperator::kLt:
      return left < right;
    case BinaryOperator::kLtEq:
      return left <= right;
    case BinaryOperator::kGt:
      return left > right;
    case BinaryOperator::kGtEq:
      return left >= right;
    default:
      return false;
  }
}

class ConditionTranslator {
 public:
  ConditionTranslator(const catalog::TableSchema& table, const InfluxQLRequest& request)
      : table_(table), request_(request) {}

  absl::StatusOr<std::string> Translate(const Expr& expr) {
    if (expr.Is<LiteralExpr>() && expr.As<LiteralExpr>().literal_kind == LiteralKind::kBoolean) {
      return std::string(expr.As<LiteralExpr>().boolean_value ? "TRUE" : "FALSE");
    }
    if (!expr.Is<BinaryExpr>()) {
      return Unsupported(expr);
    }
    const BinaryExpr& binary = expr.As<BinaryExpr>();
    if (binary.op == BinaryOperator::kAnd || binary.op == BinaryOperator::kOr) {
      STRATA_ASSIGN_OR_RETURN(std::string left, Translate(*binary.left));
      STRATA_ASSIGN_OR_RETURN(std::string right, Translate(*binary.right));
      return fmt::format(
          "({} {} {})", left, binary.op == BinaryOperator::kAnd ? "AND" : "OR", right);
    }
    if (!influxql::IsComparisonOperator(binary.op)) {
      return Unsupported(expr);
    }
    if (binary.left->Is<VarRefExpr>()) {
      return Comparison(binary.left->As<VarRefExpr>(), binary.op, *binary.right, expr);
    }
    if (binary.right->Is<VarRefExpr>() && !IsRegexOperator(binary.op)) {
      return Comparison(binary.right->As<VarRefExpr>(), Mirror(binary.op), *binary.left, expr);
    }
    return Unsupported(expr);
  }

 private:
  absl::Status Unsupported(const Expr& expr) const {
    return absl::InvalidArgumentError(
        fmt::format("unsupported condition: {} (conditions compare time, tags or fields with "
                    "values, joined by AND and OR)",
                    expr.ToString()));
  }

  absl::StatusOr<std::string> Comparison(const VarRefExpr& ref,
                                         BinaryOperator op,
                                         const Expr& value,
                                         const Expr& whole) {
    if (influxql::IsTimeRef(ref)) {
      if (IsRegexOperator(op)) {
        return Unsupported(whole);
      }
      STRATA_ASSIGN_OR_RETURN(int64_t nanos, EvaluateInfluxQLTime(value, request_));
      return fmt::format("\"time\" {} {}", SqlOperator(op), influxql_select::SqlTimestamp(nanos));
    }
    STRATA_ASSIGN_OR_RETURN(Operand operand, OperandOf(value, request_));
    if (IsRegexOperator(op)) {
      if (operand.kind == Operand::Kind::kString && value.Is<BoundParameterExpr>()) {
        operand.kind = Operand::Kind::kRegex;  // a bound parameter's string is a pattern here
      }
      if (operand.kind != Operand::Kind::kRegex) {
        return Unsupported(whole);
      }
    } else if (operand.kind == Operand::Kind::kRegex) {
      return Unsupported(whole);
    }
    const catalog::ColumnSchema* column = table_.FindColumn(ref.name);
    if (column != nullptr) {
      const bool kind_matches =
          column->kind != catalog::ColumnKind::kTime &&
          (ref.type == influxql::DataType::kUnspecified ||
           (ref.type == influxql::DataType::kTag) == (column->kind == catalog::ColumnKind::kTag));
      if (!kind_matches) {
        column = nullptr;
      }
    }
    if (operand.kind == Operand::Kind::kNull) {
      return std::string("FALSE");
    }
    if (column == nullptr) {
      return MissingName(op, operand);
    }
    const std::string name = influxql_select::SqlIdentifier(column->name);
    if (column->kind == catalog::ColumnKind::kTag) {
      return TagComparison(name, op, operand);
    }
    return FieldComparison(name, column->type, op, operand);
  }

  // A name the measurement does not have: a tag whose value is ''.
  absl::StatusOr<std::string> MissingName(BinaryOperator op, const Operand& operand) {
    bool matches = false;
    if (operand.kind == Operand::Kind::kRegex) {
      STRATA_ASSIGN_OR_RETURN(bool empty_matches, RegexMatchesEmpty(operand.text));
      matches = (op == BinaryOperator::kEqRegex) == empty_matches;
    } else if (operand.kind == Operand::Kind::kString) {
      matches = CompareStrings("", op, operand.text);
    }
    return std::string(matches ? "TRUE" : "FALSE");
  }

  absl::StatusOr<std::string> TagComparison(const std::string& name,
                                            BinaryOperator op,
                                            const Operand& operand) {
    if (operand.kind == Operand::Kind::kRegex) {
      STRATA_ASSIGN_OR_RETURN(bool empty_matches, RegexMatchesEmpty(operand.text));
      const std::string match =
          fmt::format("{} {} {}", name, SqlOperator(op), influxql_select::SqlString(operand.text));
      // A series without the tag matches when '' does.
      const bool missing_matches = (op == BinaryOperator::kEqRegex) == empty_matches;
      return missing_matches ? fmt::format("({} IS NULL OR {})", name, match) : match;
    }
    if (operand.kind != Operand::Kind::kString) {
      return std::string("FALSE");  // a tag is a string: never equal to a number
    }
    const std::string match = fmt::format("{} {} {}", name, SqlOperator(op), operand.sql);
    return CompareStrings("", op, operand.text) ? fmt::format("({} IS NULL OR {})", name, match)
                                                : match;
  }

  absl::StatusOr<std::string> FieldComparison(const std::string& name,
                                              TypeId type,
                                              BinaryOperator op,
                                              const Operand& operand) {
    const bool numeric =
        type == TypeId::kFloat64 || type == TypeId::kInt64 || type == TypeId::kUInt64;
    bool compatible = false;
    switch (operand.kind) {
      case Operand::Kind::kNumber:
        compatible = numeric;
        break;
      case Operand::Kind::kString:
      case Operand::Kind::kRegex:
        compatible = type == TypeId::kString;
        break;
      case Operand::Kind::kBoolean:
        compatible =
            type == TypeId::kBool && (op == BinaryOperator::kEq || op == BinaryOperator::kNotEq);
        break;
      case Operand::Kind::kNull:
        break;
    }
    if (!compatible) {
      return std::string("FALSE");
    }
    const std::string& value = operand.kind == Operand::Kind::kRegex
                                   ? influxql_select::SqlString(operand.text)
                                   : operand.sql;
    return fmt::format("{} {} {}", name, SqlOperator(op), value);
  }

  const catalog::TableSchema& table_;
  const InfluxQLRequest& request_;
};

absl::StatusOr<ResultValue> CellValue(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    return ResultValue{};
  }
  switch (column.type()) {
    case TypeId::kBool:
      return ResultValue{column.GetBool(row)};
    case TypeId::kInt64:
      return ResultValue{column.GetInt64(row)};
    case TypeId::kUInt64:
      return ResultValue{column.GetUInt64(row)};
    case TypeId::kFloat64:
      return ResultValue{column.GetFloat64(row)};
    case TypeId::kString:
    case TypeId::kDictionary:
      return ResultValue{std::string(column.GetString(row))};
    case TypeId::kTimestamp:
      return ResultValue{influxql::ResultTime{column.GetInt64(row)}};
    case TypeId::kNull:
      return ResultValue{};
    case TypeId::kInterval:
      break;
  }
  return absl::UnimplementedError(
      fmt::format("an InfluxQL result cannot hold a value of type {}", TypeName(column.type())));
}

}  // namespace

absl::StatusOr<int64_t> EvaluateInfluxQLTime(const Expr& expr, const InfluxQLRequest& request) {
  if (expr.Is<LiteralExpr>()) {
    const LiteralExpr& literal = expr.As<LiteralExpr>();
    switch (literal.literal_kind) {
      case LiteralKind::kString:
        return ParseTimeString(literal.text);
      case LiteralKind::kInteger:
      case LiteralKind::kDuration:
        return literal.integer_value;
      default:
        break;
    }
  } else if (influxql::IsCallTo(expr, "now") && expr.As<influxql::CallExpr>().args.empty()) {
    return request.now_ns;
  } else if (expr.Is<BoundParameterExpr>()) {
    STRATA_ASSIGN_OR_RETURN(const ResultValue* value,
                            Parameter(expr.As<BoundParameterExpr>(), request));
    if (const auto* text = std::get_if<std::string>(value)) {
      return ParseTimeString(*text);
    }
    if (const auto* integer = std::get_if<int64_t>(value)) {
      return *integer;
    }
  } else if (expr.Is<BinaryExpr>()) {
    const BinaryExpr& binary = expr.As<BinaryExpr>();
    if (binary.op == BinaryOperator::kAdd || binary.op == BinaryOperator::kSubtract) {
      STRATA_ASSIGN_OR_RETURN(int64_t left, EvaluateInfluxQLTime(*binary.left, request));
      STRATA_ASSIGN_OR_RETURN(int64_t right, EvaluateInfluxQLTime(*binary.right, request));
      return binary.op == BinaryOperator::kAdd ? SaturatingAdd(left, right)
                                               : SaturatingSubtract(left, right);
    }
  }
  return absl::InvalidArgumentError(fmt::format(
      "unsupported time expression: {} (expected a time string, an integer of nanoseconds, "
      "now(), or a sum or difference with durations)",
      expr.ToString()));
}

absl::StatusOr<std::string> InfluxQLConditionToSql(const Expr& condition,
                                                   const catalog::TableSchema& table,
                                                   const InfluxQLRequest& request) {
  ConditionTranslator translator(table, request);
  return translator.Translate(condition);
}

QueryOptions InfluxQLSqlOptions(const InfluxQLRequest& request) {
  QueryOptions options = request.options;
  options.params.clear();
  if (request.options.context != nullptr) {
    auto context = std::make_shared<exec::TaskContext>();
    context->set_memory_pool(request.options.context->memory_pool());
    context->set_parent(request.options.context);
    options.context = std::move(context);
  }
  return options;
}

absl::StatusOr<SqlRows> RunInfluxQLSql(const QueryEngine& engine,
                                       std::string_view database,
                                       std::string_view sql,
                                       const InfluxQLRequest& request) {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<QueryResult> result,
                          engine.Execute(database, sql, InfluxQLSqlOptions(request)));
  SqlRows rows;
  for (const strata::Field& field : result->schema()->fields()) {
    rows.columns.push_back(field.name);
  }
  exec::Batch batch;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, result->Next(&batch));
    if (!more) {
      break;
    }
    const exec::Batch dense = batch.Compact();
    for (int64_t r = 0; r < dense.num_rows(); ++r) {
      std::vector<ResultValue> row;
      row.reserve(static_cast<size_t>(dense.num_columns()));
      for (int c = 0; c < dense.num_columns(); ++c) {
        STRATA_ASSIGN_OR_RETURN(ResultValue value, CellValue(*dense.column(c), r));
        row.push_back(std::move(value));
      }
      rows.rows.push_back(std::move(row));
    }
  }
  return rows;
}

bool IsInfluxQLStatementError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
      return true;
    default:
      return false;
  }
}

}  // namespace strata::query
