// AST node helpers and the canonical SQL printer. The printer adds parentheses exactly where the
// parser's precedence rules (precedence.h) need them to rebuild the same tree.
#include "sql/ast.h"

#include <memory>
#include <string>
#include <string_view>

#include "sql/precedence.h"
#include "sql/token.h"

namespace strata::sql {

InSubqueryExpr::~InSubqueryExpr() = default;
ExistsExpr::~ExistsExpr() = default;
SubqueryExpr::~SubqueryExpr() = default;
SubqueryTableRef::~SubqueryTableRef() = default;
NestedQuery::~NestedQuery() = default;

namespace {

bool IsLowerAsciiLetter(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}

std::string UpperAscii(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (IsLowerAsciiLetter(c)) {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return result;
}

// Reserved keywords that the parser accepts unquoted as function names (before '(').
bool IsReservedFunctionName(std::string_view name) {
  return name == "left" || name == "right" || name == "current_date" || name == "current_time" ||
         name == "current_timestamp";
}

std::string QuoteFunctionName(std::string_view name) {
  if (IsReservedFunctionName(name)) {
    return std::string(name);
  }
  // Unquoted, these start special forms: try_cast( is TRY_CAST(x AS type), trim( becomes
  // btrim/ltrim/rtrim, position( wants `a IN b`.
  if (name == "try_cast" || name == "trim" || name == "position") {
    return "\"" + std::string(name) + "\"";
  }
  return QuoteIdentifier(name);
}

int SetOperatorLevel(SetOperator op) {
  return op == SetOperator::kIntersect ? 2 : 1;
}

class Printer : public TextPrinter {
 public:
  void PrintExpr(const Expr& expr) {
    switch (expr.kind) {
      case ExprKind::kLiteral:
        return PrintLiteral(expr.As<LiteralExpr>());
      case ExprKind::kColumnRef:
        return PrintNames(expr.As<ColumnRefExpr>().parts);
      case ExprKind::kParameter:
        Append("$", expr.As<ParameterExpr>().name);
        return;
      case ExprKind::kUnary:
        return PrintUnary(expr.As<UnaryExpr>());
      case ExprKind::kBinary: {
        const auto& binary = expr.As<BinaryExpr>();
        const Precedence level = PrecedenceOf(binary.op);
        const bool non_associative = IsNonAssociative(level);
        PrintOperand(*binary.left, non_associative ? Above(level) : level);
        Append(" ", BinaryOperatorName(binary.op), " ");
        PrintOperand(*binary.right, Above(level));
        return;
      }
      case ExprKind::kIs: {
        const auto& is = expr.As<IsExpr>();
        PrintOperand(*is.operand, Above(Precedence::kIs));
        out_ += is.negated ? " IS NOT " : " IS ";
        switch (is.predicate) {
          case IsPredicate::kNull:
            out_ += "NULL";
            break;
          case IsPredicate::kTrue:
            out_ += "TRUE";
            break;
          case IsPredicate::kFalse:
            out_ += "FALSE";
            break;
          case IsPredicate::kUnknown:
            out_ += "UNKNOWN";
            break;
        }
        return;
      }
      case ExprKind::kBetween: {
        const auto& between = expr.As<BetweenExpr>();
        const Precedence operand_level = Above(Precedence::kLikeBetweenIn);
        PrintOperand(*between.operand, operand_level);
        out_ += between.negated ? " NOT BETWEEN " : " BETWEEN ";
        PrintOperand(*between.low, operand_level);
        out_ += " AND ";
        PrintOperand(*between.high, operand_level);
        return;
      }
      case ExprKind::kInList: {
        const auto& in = expr.As<InListExpr>();
        PrintOperand(*in.operand, Above(Precedence::kLikeBetweenIn));
        out_ += in.negated ? " NOT IN (" : " IN (";
        PrintExprList(in.list);
        out_ += ")";
        return;
      }
      case ExprKind::kInSubquery: {
        const auto& in = expr.As<InSubqueryExpr>();
        PrintOperand(*in.operand, Above(Precedence::kLikeBetweenIn));
        out_ += in.negated ? " NOT IN (" : " IN (";
        PrintQuery(*in.subquery);
        out_ += ")";
        return;
      }
      case ExprKind::kExists: {
        const auto& exists = expr.As<ExistsExpr>();
        out_ += exists.negated ? "NOT EXISTS (" : "EXISTS (";
        PrintQuery(*exists.subquery);
        out_ += ")";
        return;
      }
      case ExprKind::kSubquery:
        out_ += "(";
        PrintQuery(*expr.As<SubqueryExpr>().subquery);
        out_ += ")";
        return;
      case ExprKind::kLike: {
        const auto& like = expr.As<LikeExpr>();
        const Precedence operand_level = Above(Precedence::kLikeBetweenIn);
        PrintOperand(*like.operand, operand_level);
        out_ += like.negated ? " NOT" : "";
        out_ += like.case_insensitive ? " ILIKE " : " LIKE ";
        PrintOperand(*like.pattern, operand_level);
        if (like.escape != nullptr) {
          out_ += " ESCAPE ";
          PrintOperand(*like.escape, operand_level);
        }
        return;
      }
      case ExprKind::kCase: {
        const auto& case_expr = expr.As<CaseExpr>();
        out_ += "CASE";
        if (case_expr.operand != nullptr) {
          out_ += " ";
          PrintExpr(*case_expr.operand);
        }
        for (const WhenClause& when : case_expr.when_clauses) {
          out_ += " WHEN ";
          PrintExpr(*when.condition);
          out_ += " THEN ";
          PrintExpr(*when.result);
        }
        if (case_expr.else_result != nullptr) {
          out_ += " ELSE ";
          PrintExpr(*case_expr.else_result);
        }
        out_ += " END";
        return;
      }
      case ExprKind::kCast: {
        const auto& cast = expr.As<CastExpr>();
        out_ += cast.try_cast ? "TRY_CAST(" : "CAST(";
        PrintExpr(*cast.operand);
        Append(" AS ", cast.type.ToString(), ")");
        return;
      }
      case ExprKind::kFunctionCall:
        return PrintFunctionCall(expr.As<FunctionCallExpr>());
      case ExprKind::kFieldAccess: {
        const auto& access = expr.As<FieldAccessExpr>();
        // Postfix and left-associative: a chain prints bare, anything binding less tightly
        // (including a negative number literal) in parentheses.
        PrintOperand(*access.operand, Precedence::kCast);
        Append("[", QuoteString(access.field), "]");
        return;
      }
    }
  }

  void PrintQuery(const Query& query) {
    if (!query.with.empty()) {
      out_ += "WITH ";
      for (size_t i = 0; i < query.with.size(); ++i) {
        const CommonTableExpr& cte = query.with[i];
        out_ += i == 0 ? "" : ", ";
        out_ += cte.name.ToString();
        if (!cte.columns.empty()) {
          out_ += " (";
          PrintIdentifierList(cte.columns);
          out_ += ")";
        }
        out_ += " AS (";
        PrintQuery(*cte.query);
        out_ += ")";
      }
      out_ += " ";
    }
    PrintBody(*query.body);
    if (!query.order_by.empty()) {
      out_ += " ORDER BY ";
      PrintOrderBy(query.order_by);
    }
    if (query.limit != nullptr) {
      out_ += " LIMIT ";
      PrintExpr(*query.limit);
    }
    if (query.offset != nullptr) {
      out_ += " OFFSET ";
      PrintExpr(*query.offset);
    }
  }

  void PrintBody(const QueryBody& body) {
    switch (body.kind) {
      case QueryBodyKind::kSelect:
        return PrintSelect(body.As<Select>());
      case QueryBodyKind::kSetOperation: {
        const auto& set = body.As<SetOperation>();
        const int level = SetOperatorLevel(set.op);
        PrintSetOperand(*set.left, /*parenthesize_at=*/level - 1);
        switch (set.op) {
          case SetOperator::kUnion:
            out_ += " UNION ";
            break;
          case SetOperator::kIntersect:
            out_ += " INTERSECT ";
            break;
          case SetOperator::kExcept:
            out_ += " EXCEPT ";
            break;
        }
        out_ += set.all ? "ALL " : "";
        PrintSetOperand(*set.right, /*parenthesize_at=*/level);
        return;
      }
      case QueryBodyKind::kNestedQuery:
        out_ += "(";
        PrintQuery(*body.As<NestedQuery>().query);
        out_ += ")";
        return;
    }
  }

  void PrintTableRef(const TableRef& ref) {
    switch (ref.kind) {
      case TableRefKind::kTable: {
        const auto& table = ref.As<NamedTableRef>();
        PrintNames(table.name);
        PrintAlias(table.alias);
        return;
      }
      case TableRefKind::kSubquery: {
        const auto& subquery = ref.As<SubqueryTableRef>();
        out_ += "(";
        PrintQuery(*subquery.subquery);
        out_ += ")";
        PrintAlias(subquery.alias);
        return;
      }
      case TableRefKind::kTableFunction: {
        const auto& function = ref.As<TableFunctionRef>();
        Append(function.name.ToString(), "(");
        PrintExprList(function.args);
        out_ += ")";
        PrintAlias(function.alias);
        return;
      }
      case TableRefKind::kJoin: {
        const auto& join = ref.As<JoinTableRef>();
        PrintTableRef(*join.left);
        switch (join.join_type) {
          case JoinType::kInner:
            out_ += " INNER JOIN ";
            break;
          case JoinType::kLeft:
            out_ += " LEFT JOIN ";
            break;
          case JoinType::kRight:
            out_ += " RIGHT JOIN ";
            break;
          case JoinType::kFull:
            out_ += " FULL JOIN ";
            break;
          case JoinType::kCross:
            out_ += " CROSS JOIN ";
            break;
        }
        const bool nested = join.right->kind == TableRefKind::kJoin;
        out_ += nested ? "(" : "";
        PrintTableRef(*join.right);
        out_ += nested ? ")" : "";
        if (join.condition != nullptr) {
          out_ += " ON ";
          PrintExpr(*join.condition);
        } else if (!join.using_columns.empty()) {
          out_ += " USING (";
          PrintIdentifierList(join.using_columns);
          out_ += ")";
        }
        return;
      }
    }
  }

  void PrintStatement(const Statement& statement) {
    switch (statement.kind) {
      case StatementKind::kQuery:
        return PrintQuery(*statement.As<QueryStatement>().query);
      case StatementKind::kExplain: {
        const auto& explain = statement.As<ExplainStatement>();
        out_ += "EXPLAIN ";
        out_ += explain.analyze ? "ANALYZE " : "";
        out_ += explain.verbose ? "VERBOSE " : "";
        return PrintQuery(*explain.query);
      }
      case StatementKind::kShowTables:
        out_ += "SHOW TABLES";
        return;
      case StatementKind::kShowColumns:
        out_ += "SHOW COLUMNS FROM ";
        return PrintNames(statement.As<ShowColumnsStatement>().table);
    }
  }

  void PrintSelectItem(const SelectItem& item) {
    if (item.kind == SelectItem::Kind::kWildcard) {
      for (const Identifier& part : item.qualifier) {
        Append(part.ToString(), ".");
      }
      out_ += "*";
      return;
    }
    PrintExpr(*item.expr);
    if (item.alias.has_value()) {
      Append(" AS ", item.alias->ToString());
    }
  }

  void PrintOrderByItem(const OrderByItem& item) {
    PrintExpr(*item.expr);
    switch (item.direction) {
      case SortDirection::kUnspecified:
        break;
      case SortDirection::kAscending:
        out_ += " ASC";
        break;
      case SortDirection::kDescending:
        out_ += " DESC";
        break;
    }
    switch (item.nulls) {
      case NullsOrder::kUnspecified:
        break;
      case NullsOrder::kNullsFirst:
        out_ += " NULLS FIRST";
        break;
      case NullsOrder::kNullsLast:
        out_ += " NULLS LAST";
        break;
    }
  }

  void PrintWindowSpec(const WindowSpec& spec) {
    out_ += "(";
    const char* separator = "";
    if (!spec.partition_by.empty()) {
      out_ += "PARTITION BY ";
      PrintExprList(spec.partition_by);
      separator = " ";
    }
    if (!spec.order_by.empty()) {
      Append(separator, "ORDER BY ");
      PrintOrderBy(spec.order_by);
      separator = " ";
    }
    if (spec.frame.has_value()) {
      const WindowFrame& frame = *spec.frame;
      out_ += separator;
      switch (frame.units) {
        case FrameUnits::kRows:
          out_ += "ROWS";
          break;
        case FrameUnits::kRange:
          out_ += "RANGE";
          break;
        case FrameUnits::kGroups:
          out_ += "GROUPS";
          break;
      }
      out_ += " BETWEEN ";
      PrintFrameBound(frame.start);
      out_ += " AND ";
      PrintFrameBound(frame.end);
    }
    out_ += ")";
  }

 private:
  // The lowest level an operand may have and still print without parentheses, when the
  // operator's own level must not appear unparenthesized (right operands of left-associative
  // operators, any operand of a non-associative one).
  static Precedence Above(Precedence level) {
    return static_cast<Precedence>(static_cast<int>(level) + 1);
  }

  // Prints `operand`, in parentheses if it binds less tightly than `min_level`.
  void PrintOperand(const Expr& operand, Precedence min_level) {
    const bool parenthesize = PrintPrecedence(operand) < min_level;
    out_ += parenthesize ? "(" : "";
    PrintExpr(operand);
    out_ += parenthesize ? ")" : "";
  }

  void PrintUnary(const UnaryExpr& unary) {
    if (unary.op == UnaryOperator::kNot) {
      out_ += "NOT ";
      PrintOperand(*unary.operand, Precedence::kNot);
      return;
    }
    out_ += UnaryOperatorName(unary.op);
    Printer operand;
    operand.PrintExpr(*unary.operand);
    std::string text = operand.Take();
    // "--" would start a comment, so "- -x" prints as "-(-x)".
    const bool parenthesize = PrintPrecedence(*unary.operand) < Precedence::kUnary ||
                              (unary.op == UnaryOperator::kNegate && text.starts_with('-'));
    out_ += parenthesize ? "(" : "";
    out_ += text;
    out_ += parenthesize ? ")" : "";
  }

  void PrintLiteral(const LiteralExpr& literal) {
    switch (literal.literal_kind) {
      case LiteralKind::kNull:
        out_ += "NULL";
        return;
      case LiteralKind::kBoolean:
        out_ += literal.boolean_value ? "TRUE" : "FALSE";
        return;
      case LiteralKind::kInteger:
      case LiteralKind::kFloat:
        out_ += literal.text;
        return;
      case LiteralKind::kString:
        out_ += QuoteString(literal.text);
        return;
      case LiteralKind::kTypedString:
        Append(literal.type.ToString(), " ", QuoteString(literal.text));
        return;
      case LiteralKind::kInterval:
        Append("INTERVAL ", QuoteString(literal.text));
        if (!literal.interval_unit.empty()) {
          Append(" ", UpperAscii(literal.interval_unit));
        }
        return;
    }
  }

  void PrintFunctionCall(const FunctionCallExpr& call) {
    Append(QuoteFunctionName(call.name.value), "(");
    out_ += call.distinct ? "DISTINCT " : "";
    if (call.star) {
      out_ += "*";
    } else {
      PrintExprList(call.args);
    }
    if (!call.order_by.empty()) {
      out_ += " ORDER BY ";
      PrintOrderBy(call.order_by);
    }
    out_ += ")";
    if (call.filter != nullptr) {
      out_ += " FILTER (WHERE ";
      PrintExpr(*call.filter);
      out_ += ")";
    }
    if (call.over != nullptr) {
      out_ += " OVER ";
      PrintWindowSpec(*call.over);
    }
  }

  void PrintFrameBound(const FrameBound& bound) {
    switch (bound.kind) {
      case FrameBoundKind::kUnboundedPreceding:
        out_ += "UNBOUNDED PRECEDING";
        return;
      case FrameBoundKind::kPreceding:
        PrintExpr(*bound.offset);
        out_ += " PRECEDING";
        return;
      case FrameBoundKind::kCurrentRow:
        out_ += "CURRENT ROW";
        return;
      case FrameBoundKind::kFollowing:
        PrintExpr(*bound.offset);
        out_ += " FOLLOWING";
        return;
      case FrameBoundKind::kUnboundedFollowing:
        out_ += "UNBOUNDED FOLLOWING";
        return;
    }
  }

  void PrintSelect(const Select& select) {
    out_ += select.distinct ? "SELECT DISTINCT " : "SELECT ";
    for (size_t i = 0; i < select.items.size(); ++i) {
      out_ += i == 0 ? "" : ", ";
      PrintSelectItem(select.items[i]);
    }
    if (!select.from.empty()) {
      out_ += " FROM ";
      for (size_t i = 0; i < select.from.size(); ++i) {
        out_ += i == 0 ? "" : ", ";
        PrintTableRef(*select.from[i]);
      }
    }
    if (select.where != nullptr) {
      out_ += " WHERE ";
      PrintExpr(*select.where);
    }
    if (!select.group_by.empty()) {
      out_ += " GROUP BY ";
      PrintExprList(select.group_by);
    }
    if (select.having != nullptr) {
      out_ += " HAVING ";
      PrintExpr(*select.having);
    }
  }

  // Prints an operand of a set operation, in parentheses if it is a set operation whose level is
  // at most `parenthesize_at` (INTERSECT is level 2, UNION and EXCEPT level 1).
  void PrintSetOperand(const QueryBody& body, int parenthesize_at) {
    const bool parenthesize = body.kind == QueryBodyKind::kSetOperation &&
                              SetOperatorLevel(body.As<SetOperation>().op) <= parenthesize_at;
    out_ += parenthesize ? "(" : "";
    PrintBody(body);
    out_ += parenthesize ? ")" : "";
  }

  void PrintAlias(const std::optional<TableAlias>& alias) {
    if (!alias.has_value()) {
      return;
    }
    Append(" AS ", alias->name.ToString());
    if (!alias->columns.empty()) {
      out_ += " (";
      PrintIdentifierList(alias->columns);
      out_ += ")";
    }
  }

  void PrintExprList(const std::vector<std::unique_ptr<Expr>>& list) {
    for (size_t i = 0; i < list.size(); ++i) {
      out_ += i == 0 ? "" : ", ";
      PrintExpr(*list[i]);
    }
  }

  void PrintOrderBy(const std::vector<OrderByItem>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      out_ += i == 0 ? "" : ", ";
      PrintOrderByItem(items[i]);
    }
  }

  void PrintNames(const std::vector<Identifier>& parts) {
    for (size_t i = 0; i < parts.size(); ++i) {
      out_ += i == 0 ? "" : ".";
      out_ += parts[i].ToString();
    }
  }

  void PrintIdentifierList(const std::vector<Identifier>& names) {
    for (size_t i = 0; i < names.size(); ++i) {
      out_ += i == 0 ? "" : ", ";
      out_ += names[i].ToString();
    }
  }
};

}  // namespace

std::string QuoteIdentifier(std::string_view name) {
  bool plain = !name.empty() && (IsLowerAsciiLetter(name[0]) || name[0] == '_');
  for (size_t i = 1; plain && i < name.size(); ++i) {
    const char c = name[i];
    plain = IsLowerAsciiLetter(c) || IsAsciiDigit(c) || c == '_' || c == '$';
  }
  if (plain && !IsReservedKeyword(LookupKeyword(name))) {
    return std::string(name);
  }
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  quoted += '"';
  return quoted;
}

std::string QuoteString(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    quoted += c;
    if (c == '\'') {
      quoted += '\'';
    }
  }
  quoted += '\'';
  return quoted;
}

std::string TypeName::ToString() const {
  std::string upper = UpperAscii(name);
  if (parameters.empty()) {
    return upper;
  }
  std::string list = "(";
  for (size_t i = 0; i < parameters.size(); ++i) {
    list += i == 0 ? "" : ", ";
    list += std::to_string(parameters[i]);
  }
  list += ")";
  // PostgreSQL writes the precision of a zoned time type after its first word.
  if (name.ends_with(" time zone")) {
    const size_t space = upper.find(' ');
    return upper.substr(0, space) + list + upper.substr(space);
  }
  return upper + list;
}

std::string_view ExprKindName(ExprKind kind) {
  switch (kind) {
    case ExprKind::kLiteral:
      return "Literal";
    case ExprKind::kColumnRef:
      return "ColumnRef";
    case ExprKind::kParameter:
      return "Parameter";
    case ExprKind::kUnary:
      return "Unary";
    case ExprKind::kBinary:
      return "Binary";
    case ExprKind::kIs:
      return "Is";
    case ExprKind::kBetween:
      return "Between";
    case ExprKind::kInList:
      return "InList";
    case ExprKind::kInSubquery:
      return "InSubquery";
    case ExprKind::kExists:
      return "Exists";
    case ExprKind::kSubquery:
      return "Subquery";
    case ExprKind::kLike:
      return "Like";
    case ExprKind::kCase:
      return "Case";
    case ExprKind::kCast:
      return "Cast";
    case ExprKind::kFunctionCall:
      return "FunctionCall";
    case ExprKind::kFieldAccess:
      return "FieldAccess";
  }
  return "?";
}

std::string_view UnaryOperatorName(UnaryOperator op) {
  switch (op) {
    case UnaryOperator::kNot:
      return "NOT";
    case UnaryOperator::kNegate:
      return "-";
    case UnaryOperator::kPlus:
      return "+";
  }
  return "?";
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
      return "<>";
    case BinaryOperator::kLt:
      return "<";
    case BinaryOperator::kLtEq:
      return "<=";
    case BinaryOperator::kGt:
      return ">";
    case BinaryOperator::kGtEq:
      return ">=";
    case BinaryOperator::kIsDistinctFrom:
      return "IS DISTINCT FROM";
    case BinaryOperator::kIsNotDistinctFrom:
      return "IS NOT DISTINCT FROM";
    case BinaryOperator::kConcat:
      return "||";
    case BinaryOperator::kRegexMatch:
      return "~";
    case BinaryOperator::kRegexIMatch:
      return "~*";
    case BinaryOperator::kRegexNotMatch:
      return "!~";
    case BinaryOperator::kRegexNotIMatch:
      return "!~*";
    case BinaryOperator::kAdd:
      return "+";
    case BinaryOperator::kSubtract:
      return "-";
    case BinaryOperator::kMultiply:
      return "*";
    case BinaryOperator::kDivide:
      return "/";
    case BinaryOperator::kModulo:
      return "%";
  }
  return "?";
}

Precedence PrecedenceOf(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kOr:
      return Precedence::kOr;
    case BinaryOperator::kAnd:
      return Precedence::kAnd;
    case BinaryOperator::kEq:
    case BinaryOperator::kNotEq:
    case BinaryOperator::kLt:
    case BinaryOperator::kLtEq:
    case BinaryOperator::kGt:
    case BinaryOperator::kGtEq:
      return Precedence::kComparison;
    case BinaryOperator::kIsDistinctFrom:
    case BinaryOperator::kIsNotDistinctFrom:
      return Precedence::kIs;
    case BinaryOperator::kConcat:
    case BinaryOperator::kRegexMatch:
    case BinaryOperator::kRegexIMatch:
    case BinaryOperator::kRegexNotMatch:
    case BinaryOperator::kRegexNotIMatch:
      return Precedence::kOtherOperator;
    case BinaryOperator::kAdd:
    case BinaryOperator::kSubtract:
      return Precedence::kAdditive;
    case BinaryOperator::kMultiply:
    case BinaryOperator::kDivide:
    case BinaryOperator::kModulo:
      return Precedence::kMultiplicative;
  }
  return Precedence::kPrimary;
}

Precedence PrintPrecedence(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kLiteral: {
      const auto& literal = expr.As<LiteralExpr>();
      const bool number = literal.literal_kind == LiteralKind::kInteger ||
                          literal.literal_kind == LiteralKind::kFloat;
      return number && literal.text.starts_with('-') ? Precedence::kUnary : Precedence::kPrimary;
    }
    case ExprKind::kUnary:
      return expr.As<UnaryExpr>().op == UnaryOperator::kNot ? Precedence::kNot : Precedence::kUnary;
    case ExprKind::kBinary:
      return PrecedenceOf(expr.As<BinaryExpr>().op);
    case ExprKind::kIs:
      return Precedence::kIs;
    case ExprKind::kBetween:
    case ExprKind::kInList:
    case ExprKind::kInSubquery:
    case ExprKind::kLike:
      return Precedence::kLikeBetweenIn;
    case ExprKind::kExists:
      return expr.As<ExistsExpr>().negated ? Precedence::kNot : Precedence::kPrimary;
    case ExprKind::kFieldAccess:
      return Precedence::kCast;
    case ExprKind::kColumnRef:
    case ExprKind::kParameter:
    case ExprKind::kSubquery:
    case ExprKind::kCase:
    case ExprKind::kCast:
    case ExprKind::kFunctionCall:
      return Precedence::kPrimary;
  }
  return Precedence::kPrimary;
}

std::string Expr::ToString() const {
  return PrintToString(*this, &Printer::PrintExpr);
}

std::string OrderByItem::ToString() const {
  return PrintToString(*this, &Printer::PrintOrderByItem);
}

std::string WindowSpec::ToString() const {
  return PrintToString(*this, &Printer::PrintWindowSpec);
}

std::string SelectItem::ToString() const {
  return PrintToString(*this, &Printer::PrintSelectItem);
}

std::string TableRef::ToString() const {
  return PrintToString(*this, &Printer::PrintTableRef);
}

std::string QueryBody::ToString() const {
  return PrintToString(*this, &Printer::PrintBody);
}

std::string Query::ToString() const {
  return PrintToString(*this, &Printer::PrintQuery);
}

std::string Statement::ToString() const {
  return PrintToString(*this, &Printer::PrintStatement);
}

namespace {

// Calls visit(slot) for each non-null child slot of `expr`; shared by the const and mutable
// walkers (the const one never lets `visit` modify the slot).
template <typename Visit>
void ForEachChildSlot(Expr& expr, Visit&& visit) {
  auto one = [&](std::unique_ptr<Expr>& child) {
    if (child != nullptr) {
      visit(child);
    }
  };
  auto all = [&](std::vector<std::unique_ptr<Expr>>& children) {
    for (auto& child : children) {
      one(child);
    }
  };
  auto order_by = [&](std::vector<OrderByItem>& items) {
    for (OrderByItem& item : items) {
      one(item.expr);
    }
  };
  switch (expr.kind) {
    case ExprKind::kLiteral:
    case ExprKind::kColumnRef:
    case ExprKind::kParameter:
    case ExprKind::kExists:
    case ExprKind::kSubquery:
      return;
    case ExprKind::kUnary:
      return one(expr.As<UnaryExpr>().operand);
    case ExprKind::kBinary: {
      auto& binary = expr.As<BinaryExpr>();
      one(binary.left);
      return one(binary.right);
    }
    case ExprKind::kIs:
      return one(expr.As<IsExpr>().operand);
    case ExprKind::kBetween: {
      auto& between = expr.As<BetweenExpr>();
      one(between.operand);
      one(between.low);
      return one(between.high);
    }
    case ExprKind::kInList: {
      auto& in = expr.As<InListExpr>();
      one(in.operand);
      return all(in.list);
    }
    case ExprKind::kInSubquery:
      return one(expr.As<InSubqueryExpr>().operand);
    case ExprKind::kLike: {
      auto& like = expr.As<LikeExpr>();
      one(like.operand);
      one(like.pattern);
      return one(like.escape);
    }
    case ExprKind::kCase: {
      auto& case_expr = expr.As<CaseExpr>();
      one(case_expr.operand);
      for (WhenClause& when : case_expr.when_clauses) {
        one(when.condition);
        one(when.result);
      }
      return one(case_expr.else_result);
    }
    case ExprKind::kCast:
      return one(expr.As<CastExpr>().operand);
    case ExprKind::kFieldAccess:
      return one(expr.As<FieldAccessExpr>().operand);
    case ExprKind::kFunctionCall: {
      auto& call = expr.As<FunctionCallExpr>();
      all(call.args);
      order_by(call.order_by);
      one(call.filter);
      if (call.over != nullptr) {
        all(call.over->partition_by);
        order_by(call.over->order_by);
        if (call.over->frame.has_value()) {
          one(call.over->frame->start.offset);
          one(call.over->frame->end.offset);
        }
      }
      return;
    }
  }
}

}  // namespace

void ForEachChild(const Expr& expr, absl::FunctionRef<void(const Expr&)> visit) {
  // The walker takes a mutable node to share code with ForEachMutableChild; it only reads.
  ForEachChildSlot(const_cast<Expr&>(expr),
                   [&](const std::unique_ptr<Expr>& child) { visit(*child); });
}

void ForEachMutableChild(Expr& expr, absl::FunctionRef<void(std::unique_ptr<Expr>&)> visit) {
  ForEachChildSlot(expr, [&](std::unique_ptr<Expr>& child) { visit(child); });
}

}  // namespace strata::sql
