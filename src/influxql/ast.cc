// AST helpers and the canonical InfluxQL printer. The printer adds parentheses exactly where the
// parser's precedence rules need them to rebuild the same tree.
#include "influxql/ast.h"

#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

#include "influxql/duration.h"
#include "influxql/token.h"

namespace strata::influxql {

SubquerySource::~SubquerySource() = default;

namespace {

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsIdentifierPart(char c) {
  return IsLetter(c) || IsDigit(c) || c == '_';
}

// Returns true if every character of `name` may appear in a bare identifier (it may still start
// with a digit: fine after '$').
bool AllIdentifierParts(std::string_view name) {
  for (const char c : name) {
    if (!IsIdentifierPart(c)) {
      return false;
    }
  }
  return true;
}

// Appends `text` between `quote`s, escaping the quote, '\' and newlines.
void AppendQuoted(std::string_view text, char quote, std::string* out) {
  *out += quote;
  for (const char c : text) {
    if (c == '\n') {
      *out += "\\n";
      continue;
    }
    if (c == quote || c == '\\') {
      *out += '\\';
    }
    *out += c;
  }
  *out += quote;
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

class Printer : public TextPrinter {
 public:
  void PrintExpr(const Expr& expr) {
    switch (expr.kind) {
      case ExprKind::kLiteral:
        return PrintLiteral(expr.As<LiteralExpr>());
      case ExprKind::kVarRef: {
        const auto& ref = expr.As<VarRefExpr>();
        Append(QuoteIdentifier(ref.name));
        if (ref.type != DataType::kUnspecified) {
          Append("::", DataTypeName(ref.type));
        }
        return;
      }
      case ExprKind::kWildcard: {
        const auto& wildcard = expr.As<WildcardExpr>();
        Append("*");
        if (wildcard.type != DataType::kUnspecified) {
          Append("::", DataTypeName(wildcard.type));
        }
        return;
      }
      case ExprKind::kBoundParameter: {
        const std::string& name = expr.As<BoundParameterExpr>().name;
        if (!name.empty() && AllIdentifierParts(name)) {
          Append("$", name);
        } else {
          Append("$");
          AppendQuoted(name, '"', &out_);
        }
        return;
      }
      case ExprKind::kCall: {
        const auto& call = expr.As<CallExpr>();
        // DISTINCT is a keyword, but `distinct(` is how InfluxQL spells the call.
        Append(call.name == "distinct" ? std::string("distinct") : QuoteIdentifier(call.name));
        Append("(");
        for (size_t i = 0; i < call.args.size(); ++i) {
          if (i > 0) {
            Append(", ");
          }
          PrintExpr(*call.args[i]);
        }
        Append(")");
        return;
      }
      case ExprKind::kBinary: {
        const auto& binary = expr.As<BinaryExpr>();
        const int precedence = BinaryOperatorPrecedence(binary.op);
        // Left-associative: a left operand of the same level needs no parentheses, a right one
        // does.
        PrintOperand(*binary.left, precedence);
        Append(" ", BinaryOperatorName(binary.op), " ");
        PrintOperand(*binary.right, precedence + 1);
        return;
      }
    }
  }

  // Prints `expr`, in parentheses if it is an operator that binds less tightly than
  // `min_precedence`.
  void PrintOperand(const Expr& expr, int min_precedence) {
    const bool parenthesize = expr.Is<BinaryExpr>() &&
                              BinaryOperatorPrecedence(expr.As<BinaryExpr>().op) < min_precedence;
    if (parenthesize) {
      Append("(");
    }
    PrintExpr(expr);
    if (parenthesize) {
      Append(")");
    }
  }

  void PrintLiteral(const LiteralExpr& literal) {
    switch (literal.literal_kind) {
      case LiteralKind::kInteger:
        Append(std::to_string(literal.integer_value));
        return;
      case LiteralKind::kUnsigned:
        Append(std::to_string(literal.unsigned_value));
        return;
      case LiteralKind::kFloat:
        Append(FormatFloat(literal.float_value));
        return;
      case LiteralKind::kString:
        AppendQuoted(literal.text, '\'', &out_);
        return;
      case LiteralKind::kBoolean:
        Append(literal.boolean_value ? "true" : "false");
        return;
      case LiteralKind::kDuration:
        Append(FormatDuration(literal.integer_value));
        return;
      case LiteralKind::kRegex:
        Append(QuoteRegex(literal.text));
        return;
    }
  }

  void PrintField(const Field& field) {
    PrintExpr(*field.expr);
    if (field.alias.has_value()) {
      Append(" AS ", field.alias->ToString());
    }
  }

  void PrintMeasurements(std::string_view keyword, const std::vector<Measurement>& measurements) {
    for (size_t i = 0; i < measurements.size(); ++i) {
      Append(i == 0 ? keyword : ", ", measurements[i].ToString());
    }
  }

  void PrintSource(const Source& source) {
    switch (source.kind) {
      case SourceKind::kMeasurement:
        Append(source.As<MeasurementSource>().measurement.ToString());
        return;
      case SourceKind::kSubquery:
        Append("(");
        PrintSelect(*source.As<SubquerySource>().select);
        Append(")");
        return;
    }
  }

  void PrintCondition(const std::unique_ptr<Expr>& condition) {
    if (condition != nullptr) {
      Append(" WHERE ");
      PrintExpr(*condition);
    }
  }

  void PrintCount(std::string_view keyword, const std::optional<int64_t>& count) {
    if (count.has_value()) {
      Append(" ", keyword, " ", std::to_string(*count));
    }
  }

  void PrintOn(const std::optional<Identifier>& database) {
    if (database.has_value()) {
      Append(" ON ", database->ToString());
    }
  }

  void PrintSelect(const SelectStatement& select) {
    Append("SELECT ");
    for (size_t i = 0; i < select.fields.size(); ++i) {
      if (i > 0) {
        Append(", ");
      }
      PrintField(select.fields[i]);
    }
    for (size_t i = 0; i < select.sources.size(); ++i) {
      Append(i == 0 ? " FROM " : ", ");
      PrintSource(*select.sources[i]);
    }
    PrintCondition(select.condition);
    for (size_t i = 0; i < select.dimensions.size(); ++i) {
      Append(i == 0 ? " GROUP BY " : ", ", select.dimensions[i].ToString());
    }
    if (select.fill.has_value()) {
      Append(" ", select.fill->ToString());
    }
    if (select.order_by.has_value()) {
      Append(select.order_by->ascending ? " ORDER BY time ASC" : " ORDER BY time DESC");
    }
    PrintCount("LIMIT", select.limit);
    PrintCount("OFFSET", select.offset);
    PrintCount("SLIMIT", select.series_limit);
    PrintCount("SOFFSET", select.series_offset);
    if (select.time_zone.has_value()) {
      Append(" tz(", QuoteString(select.time_zone->name), ")");
    }
  }

  void PrintStatement(const Statement& statement) {
    switch (statement.kind) {
      case StatementKind::kSelect:
        return PrintSelect(statement.As<SelectStatement>());
      case StatementKind::kExplain: {
        const auto& explain = statement.As<ExplainStatement>();
        Append(explain.analyze ? "EXPLAIN ANALYZE " : "EXPLAIN ");
        return PrintSelect(*explain.select);
      }
      case StatementKind::kShowDatabases:
        Append("SHOW DATABASES");
        return;
      case StatementKind::kShowRetentionPolicies:
        Append("SHOW RETENTION POLICIES");
        return PrintOn(statement.As<ShowRetentionPoliciesStatement>().database);
      case StatementKind::kShowMeasurements: {
        const auto& show = statement.As<ShowMeasurementsStatement>();
        Append("SHOW MEASUREMENTS");
        PrintOn(show.database);
        if (show.with_measurement.has_value()) {
          Append(show.with_measurement->regex.has_value() ? " WITH MEASUREMENT =~ "
                                                          : " WITH MEASUREMENT = ",
                 show.with_measurement->ToString());
        }
        PrintCondition(show.condition);
        PrintCount("LIMIT", show.limit);
        PrintCount("OFFSET", show.offset);
        return;
      }
      case StatementKind::kShowTagKeys: {
        const auto& show = statement.As<ShowTagKeysStatement>();
        Append("SHOW TAG KEYS");
        PrintOn(show.database);
        PrintMeasurements(" FROM ", show.from);
        PrintCondition(show.condition);
        PrintCount("LIMIT", show.limit);
        PrintCount("OFFSET", show.offset);
        return;
      }
      case StatementKind::kShowTagValues: {
        const auto& show = statement.As<ShowTagValuesStatement>();
        Append("SHOW TAG VALUES");
        PrintOn(show.database);
        PrintMeasurements(" FROM ", show.from);
        Append(" ", show.key.ToString());
        PrintCondition(show.condition);
        PrintCount("LIMIT", show.limit);
        PrintCount("OFFSET", show.offset);
        return;
      }
      case StatementKind::kShowFieldKeys: {
        const auto& show = statement.As<ShowFieldKeysStatement>();
        Append("SHOW FIELD KEYS");
        PrintOn(show.database);
        PrintMeasurements(" FROM ", show.from);
        PrintCount("LIMIT", show.limit);
        PrintCount("OFFSET", show.offset);
        return;
      }
      case StatementKind::kShowSeries: {
        const auto& show = statement.As<ShowSeriesStatement>();
        Append("SHOW SERIES");
        PrintOn(show.database);
        PrintMeasurements(" FROM ", show.from);
        PrintCondition(show.condition);
        PrintCount("LIMIT", show.limit);
        PrintCount("OFFSET", show.offset);
        return;
      }
    }
  }
};

void WalkExprRecursive(const Expr& expr, absl::FunctionRef<void(const Expr&)> visit) {
  visit(expr);
  ForEachChild(expr, [&](const Expr& child) { WalkExprRecursive(child, visit); });
}

}  // namespace

std::string QuoteIdentifier(std::string_view name) {
  const bool bare = !name.empty() && (IsLetter(name.front()) || name.front() == '_') &&
                    AllIdentifierParts(name) && LookupKeyword(name) == Keyword::kNone;
  if (bare) {
    return std::string(name);
  }
  std::string out;
  AppendQuoted(name, '"', &out);
  return out;
}

std::string QuoteString(std::string_view value) {
  std::string out;
  AppendQuoted(value, '\'', &out);
  return out;
}

std::string QuoteRegex(std::string_view pattern) {
  std::string out = "/";
  for (const char c : pattern) {
    if (c == '/') {
      out += '\\';
    }
    out += c;
  }
  out += '/';
  return out;
}

std::string FormatFloat(double value) {
  // The longest shortest-round-trip fixed form of a double is about 330 characters (a
  // subnormal: "0." and 323 zeros before the digits).
  char buffer[512];
  const auto [end, error] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  STRATA_CHECK(error == std::errc());
  std::string text(buffer, end);
  if (text.find_first_of(".na") == std::string::npos) {  // Not "inf" or "nan" either.
    text += ".0";
  }
  return text;
}

std::string_view ExprKindName(ExprKind kind) {
  switch (kind) {
    case ExprKind::kLiteral:
      return "Literal";
    case ExprKind::kVarRef:
      return "VarRef";
    case ExprKind::kWildcard:
      return "Wildcard";
    case ExprKind::kBoundParameter:
      return "BoundParameter";
    case ExprKind::kCall:
      return "Call";
    case ExprKind::kBinary:
      return "Binary";
  }
  return "?";
}

std::string_view DataTypeName(DataType type) {
  switch (type) {
    case DataType::kUnspecified:
      return "";
    case DataType::kFloat:
      return "float";
    case DataType::kInteger:
      return "integer";
    case DataType::kUnsigned:
      return "unsigned";
    case DataType::kString:
      return "string";
    case DataType::kBoolean:
      return "boolean";
    case DataType::kField:
      return "field";
    case DataType::kTag:
      return "tag";
  }
  return "";
}

std::string_view BinaryOperatorName(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kOr:
      return "OR";
    case BinaryOperator::kAnd:
      return "AND";
    case BinaryOperator::kEq:
      return "=";
    case BinaryOperator::kNotEq:
      return "!=";
    case BinaryOperator::kEqRegex:
      return "=~";
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
    case BinaryOperator::kAdd:
      return "+";
    case BinaryOperator::kSubtract:
      return "-";
    case BinaryOperator::kBitwiseOr:
      return "|";
    case BinaryOperator::kBitwiseXor:
      return "^";
    case BinaryOperator::kMultiply:
      return "*";
    case BinaryOperator::kDivide:
      return "/";
    case BinaryOperator::kModulo:
      return "%";
    case BinaryOperator::kBitwiseAnd:
      return "&";
  }
  return "?";
}

int BinaryOperatorPrecedence(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kOr:
      return 1;
    case BinaryOperator::kAnd:
      return 2;
    case BinaryOperator::kEq:
    case BinaryOperator::kNotEq:
    case BinaryOperator::kEqRegex:
    case BinaryOperator::kNotEqRegex:
    case BinaryOperator::kLt:
    case BinaryOperator::kLtEq:
    case BinaryOperator::kGt:
    case BinaryOperator::kGtEq:
      return 3;
    case BinaryOperator::kAdd:
    case BinaryOperator::kSubtract:
    case BinaryOperator::kBitwiseOr:
    case BinaryOperator::kBitwiseXor:
      return 4;
    case BinaryOperator::kMultiply:
    case BinaryOperator::kDivide:
    case BinaryOperator::kModulo:
    case BinaryOperator::kBitwiseAnd:
      return 5;
  }
  return 0;
}

bool IsComparisonOperator(BinaryOperator op) {
  return BinaryOperatorPrecedence(op) == 3;
}

BinaryOperator MirrorComparison(BinaryOperator op) {
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

std::string Expr::ToString() const {
  return PrintToString(*this, &Printer::PrintExpr);
}

void ForEachChild(const Expr& expr, absl::FunctionRef<void(const Expr&)> visit) {
  switch (expr.kind) {
    case ExprKind::kCall:
      for (const auto& arg : expr.As<CallExpr>().args) {
        visit(*arg);
      }
      return;
    case ExprKind::kBinary:
      visit(*expr.As<BinaryExpr>().left);
      visit(*expr.As<BinaryExpr>().right);
      return;
    case ExprKind::kLiteral:
    case ExprKind::kVarRef:
    case ExprKind::kWildcard:
    case ExprKind::kBoundParameter:
      return;
  }
}

void ForEachMutableChild(Expr& expr, absl::FunctionRef<void(std::unique_ptr<Expr>&)> visit) {
  switch (expr.kind) {
    case ExprKind::kCall:
      for (auto& arg : expr.As<CallExpr>().args) {
        visit(arg);
      }
      return;
    case ExprKind::kBinary:
      visit(expr.As<BinaryExpr>().left);
      visit(expr.As<BinaryExpr>().right);
      return;
    case ExprKind::kLiteral:
    case ExprKind::kVarRef:
    case ExprKind::kWildcard:
    case ExprKind::kBoundParameter:
      return;
  }
}

void WalkExpr(const Expr& expr, absl::FunctionRef<void(const Expr&)> visit) {
  WalkExprRecursive(expr, visit);
}

bool IsTimeRef(const Expr& expr) {
  return expr.Is<VarRefExpr>() && EqualsIgnoringAsciiCase(expr.As<VarRefExpr>().name, "time");
}

bool IsCallTo(const Expr& expr, std::string_view name) {
  return expr.Is<CallExpr>() && expr.As<CallExpr>().name == name;
}

std::string Field::ToString() const {
  return PrintToString(*this, &Printer::PrintField);
}

std::string Measurement::ToString() const {
  std::string out;
  if (!database.empty()) {
    out += QuoteIdentifier(database);
    out += '.';
  }
  if (!retention_policy.empty()) {
    out += QuoteIdentifier(retention_policy);
  }
  if (!database.empty() || !retention_policy.empty()) {
    out += '.';
  }
  out += regex.has_value() ? QuoteRegex(*regex) : QuoteIdentifier(name);
  return out;
}

std::string Source::ToString() const {
  return PrintToString(*this, &Printer::PrintSource);
}

std::string Dimension::ToString() const {
  switch (kind) {
    case Kind::kTime: {
      std::string out = "time(" + FormatDuration(interval);
      if (offset.has_value()) {
        out += ", ";
        out += offset->now ? std::string("now()") : FormatDuration(offset->nanoseconds);
      }
      out += ")";
      return out;
    }
    case Kind::kTag:
      return QuoteIdentifier(tag);
    case Kind::kWildcard:
      return "*";
    case Kind::kRegex:
      return QuoteRegex(regex);
  }
  return "";
}

std::string Fill::ToString() const {
  switch (mode) {
    case FillMode::kNull:
      return "fill(null)";
    case FillMode::kNone:
      return "fill(none)";
    case FillMode::kPrevious:
      return "fill(previous)";
    case FillMode::kLinear:
      return "fill(linear)";
    case FillMode::kValue:
      if (const auto* integer = std::get_if<int64_t>(&value)) {
        return "fill(" + std::to_string(*integer) + ")";
      }
      return "fill(" + FormatFloat(std::get<double>(value)) + ")";
  }
  return "";
}

std::string TagKeyFilter::ToString() const {
  switch (op) {
    case TagKeyOperator::kEq:
    case TagKeyOperator::kNotEq: {
      const std::string key = keys.empty() ? std::string() : keys.front().ToString();
      return std::string(op == TagKeyOperator::kEq ? "WITH KEY = " : "WITH KEY != ") + key;
    }
    case TagKeyOperator::kRegexMatch:
      return "WITH KEY =~ " + QuoteRegex(regex);
    case TagKeyOperator::kRegexNotMatch:
      return "WITH KEY !~ " + QuoteRegex(regex);
    case TagKeyOperator::kIn: {
      std::string out = "WITH KEY IN (";
      for (size_t i = 0; i < keys.size(); ++i) {
        if (i > 0) {
          out += ", ";
        }
        out += keys[i].ToString();
      }
      out += ")";
      return out;
    }
  }
  return "";
}

std::string Statement::ToString() const {
  return PrintToString(*this, &Printer::PrintStatement);
}

const Dimension* SelectStatement::TimeDimension() const {
  for (const Dimension& dimension : dimensions) {
    if (dimension.kind == Dimension::Kind::kTime) {
      return &dimension;
    }
  }
  return nullptr;
}

bool SelectStatement::IsRawQuery() const {
  bool has_call = false;
  for (const Field& field : fields) {
    WalkExpr(*field.expr, [&](const Expr& expr) { has_call = has_call || expr.Is<CallExpr>(); });
  }
  return !has_call;
}

}  // namespace strata::influxql
