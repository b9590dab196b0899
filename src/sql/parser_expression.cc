// Expression parsing: precedence climbing (Pratt) over the levels of precedence.h, primaries,
// function calls and windows, CASE, casts and type names, literals.
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"
#include "sql/parser_internal.h"
#include "sql/source_position.h"

namespace strata::sql::internal {
namespace {

bool IsIntegerSpelling(std::string_view spelling) {
  if (spelling.starts_with('-')) {
    spelling.remove_prefix(1);
  }
  if (spelling.empty()) {
    return false;
  }
  for (char c : spelling) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

bool IsIntervalUnit(std::string_view word) {
  static constexpr std::string_view kUnits[] = {"year",
                                                "month",
                                                "week",
                                                "day",
                                                "hour",
                                                "minute",
                                                "second",
                                                "millisecond",
                                                "microsecond",
                                                "nanosecond"};
  for (std::string_view unit : kUnits) {
    if (word == unit) {
      return true;
    }
  }
  return false;
}

bool IsUnsignedCapable(std::string_view type) {
  return type == "int" || type == "integer" || type == "bigint" || type == "smallint" ||
         type == "tinyint";
}

std::unique_ptr<LiteralExpr> MakeStringLiteral(std::string value, size_t position) {
  auto literal = std::make_unique<LiteralExpr>(position);
  literal->literal_kind = LiteralKind::kString;
  literal->text = std::move(value);
  return literal;
}

std::unique_ptr<LiteralExpr> MakeIntegerLiteral(int64_t value, size_t position) {
  auto literal = std::make_unique<LiteralExpr>(position);
  literal->literal_kind = LiteralKind::kInteger;
  literal->integer_value = value;
  literal->text = std::to_string(value);
  return literal;
}

// Sets `literal` to the number spelled `spelling` (digits with an optional '-', '.' and
// exponent). Integers that fit in int64 are kInteger (respelled from the value); everything
// else is kFloat with the spelling kept. Returns false if the value is beyond double's range.
bool SetNumber(std::string spelling, LiteralExpr* literal) {
  const char* begin = spelling.data();
  const char* end = spelling.data() + spelling.size();
  if (IsIntegerSpelling(spelling)) {
    int64_t value = 0;
    const auto [ptr, error] = std::from_chars(begin, end, value);
    if (error == std::errc() && ptr == end) {
      literal->literal_kind = LiteralKind::kInteger;
      literal->integer_value = value;
      literal->float_value = 0;
      literal->text = std::to_string(value);
      return true;
    }
  }
  double value = 0;
  const auto [ptr, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || ptr != end) {
    return false;
  }
  literal->literal_kind = LiteralKind::kFloat;
  literal->integer_value = 0;
  literal->float_value = value;
  literal->text = std::move(spelling);
  return true;
}

bool IsNumberLiteral(const Expr& expr) {
  if (!expr.Is<LiteralExpr>()) {
    return false;
  }
  const LiteralKind kind = expr.As<LiteralExpr>().literal_kind;
  return kind == LiteralKind::kInteger || kind == LiteralKind::kFloat;
}

// Negates a number literal. Negation cannot leave double's range, so this cannot fail.
void NegateNumber(LiteralExpr* literal) {
  std::string spelling =
      literal->text.starts_with('-') ? literal->text.substr(1) : Concat("-", literal->text);
  const bool ok = SetNumber(std::move(spelling), literal);
  STRATA_CHECK(ok);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseExpr(Precedence min_level) {
  DepthScope depth(this);
  STRATA_RETURN_IF_ERROR(depth.Enter());
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> left, ParsePrefix());
  while (true) {
    const Precedence level = PeekInfixLevel();
    if (level <= min_level) {
      return left;
    }
    // Each operator makes the tree one level deeper, even when it does not recurse here.
    STRATA_RETURN_IF_ERROR(depth.Enter());
    STRATA_ASSIGN_OR_RETURN(left, ParseInfix(std::move(left), level));
    if (IsNonAssociative(level) && PeekInfixLevel() == level) {
      return ChainedOperatorError(level);
    }
  }
}

absl::Status Parser::ChainedOperatorError(Precedence level) const {
  const std::string_view what = level == Precedence::kIs           ? "IS tests"
                                : level == Precedence::kComparison ? "comparison operators"
                                                                   : "IN, BETWEEN, LIKE and ILIKE";
  return ErrorAt(Peek(),
                 Concat("expected an operator of another precedence level or the end of the "
                        "expression, found ",
                        Describe(Peek()),
                        ": ",
                        what,
                        " do not chain, add parentheses"));
}

absl::StatusOr<std::vector<std::unique_ptr<Expr>>> Parser::ParseExprList() {
  std::vector<std::unique_ptr<Expr>> list;
  do {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, ParseExpr());
    list.push_back(std::move(expr));
  } while (Accept(TokenKind::kComma));
  return list;
}

Precedence Parser::PeekInfixLevel() const {
  const Token& token = Peek();
  switch (token.kind) {
    case TokenKind::kPlus:
    case TokenKind::kMinus:
      return Precedence::kAdditive;
    case TokenKind::kStar:
    case TokenKind::kSlash:
    case TokenKind::kPercent:
      return Precedence::kMultiplicative;
    case TokenKind::kConcat:
    case TokenKind::kTilde:
    case TokenKind::kTildeStar:
    case TokenKind::kNotTilde:
    case TokenKind::kNotTildeStar:
      return Precedence::kOtherOperator;
    case TokenKind::kEq:
    case TokenKind::kNotEq:
    case TokenKind::kLt:
    case TokenKind::kLtEq:
    case TokenKind::kGt:
    case TokenKind::kGtEq:
      return Precedence::kComparison;
    case TokenKind::kDoubleColon:
    case TokenKind::kLeftBracket:
      return Precedence::kCast;
    case TokenKind::kWord:
      break;
    default:
      return Precedence::kLowest;
  }
  switch (token.keyword) {
    case Keyword::kOr:
      return Precedence::kOr;
    case Keyword::kAnd:
      return Precedence::kAnd;
    case Keyword::kIs:
      return Precedence::kIs;
    case Keyword::kBetween:
    case Keyword::kIn:
    case Keyword::kLike:
    case Keyword::kIlike:
      return Precedence::kLikeBetweenIn;
    case Keyword::kNot: {
      const Token& next = Peek(1);
      return next.Is(Keyword::kBetween) || next.Is(Keyword::kIn) || next.Is(Keyword::kLike) ||
                     next.Is(Keyword::kIlike)
                 ? Precedence::kLikeBetweenIn
                 : Precedence::kLowest;
    }
    default:
      return Precedence::kLowest;
  }
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseInfix(std::unique_ptr<Expr> left,
                                                         Precedence level) {
  const Token& op = Peek();
  const size_t position = op.offset;
  if (level == Precedence::kIs) {
    return ParseIs(std::move(left));
  }
  if (level == Precedence::kCast && op.kind == TokenKind::kLeftBracket) {
    return ParseFieldAccess(std::move(left));
  }
  if (level == Precedence::kCast) {
    Advance();
    auto cast = std::make_unique<CastExpr>(position);
    cast->operand = std::move(left);
    STRATA_ASSIGN_OR_RETURN(cast->type, ParseTypeName());
    return cast;
  }
  if (level == Precedence::kLikeBetweenIn) {
    const bool negated = Accept(Keyword::kNot);
    if (Accept(Keyword::kBetween)) {
      auto between = std::make_unique<BetweenExpr>(position);
      between->operand = std::move(left);
      between->negated = negated;
      STRATA_ASSIGN_OR_RETURN(between->low, ParseExpr(Precedence::kLikeBetweenIn));
      STRATA_RETURN_IF_ERROR(Expect(Keyword::kAnd));
      STRATA_ASSIGN_OR_RETURN(between->high, ParseExpr(Precedence::kLikeBetweenIn));
      return between;
    }
    if (Accept(Keyword::kIn)) {
      return ParseIn(std::move(left), position, negated);
    }
    auto like = std::make_unique<LikeExpr>(position);
    like->case_insensitive = Advance().Is(Keyword::kIlike);
    like->operand = std::move(left);
    like->negated = negated;
    STRATA_ASSIGN_OR_RETURN(like->pattern, ParseExpr(Precedence::kLikeBetweenIn));
    if (Accept(Keyword::kEscape)) {
      STRATA_ASSIGN_OR_RETURN(like->escape, ParseExpr(Precedence::kLikeBetweenIn));
    }
    return like;
  }
  BinaryOperator binary_op;
  switch (op.kind) {
    case TokenKind::kPlus:
      binary_op = BinaryOperator::kAdd;
      break;
    case TokenKind::kMinus:
      binary_op = BinaryOperator::kSubtract;
      break;
    case TokenKind::kStar:
      binary_op = BinaryOperator::kMultiply;
      break;
    case TokenKind::kSlash:
      binary_op = BinaryOperator::kDivide;
      break;
    case TokenKind::kPercent:
      binary_op = BinaryOperator::kModulo;
      break;
    case TokenKind::kConcat:
      binary_op = BinaryOperator::kConcat;
      break;
    case TokenKind::kTilde:
      binary_op = BinaryOperator::kRegexMatch;
      break;
    case TokenKind::kTildeStar:
      binary_op = BinaryOperator::kRegexIMatch;
      break;
    case TokenKind::kNotTilde:
      binary_op = BinaryOperator::kRegexNotMatch;
      break;
    case TokenKind::kNotTildeStar:
      binary_op = BinaryOperator::kRegexNotIMatch;
      break;
    case TokenKind::kEq:
      binary_op = BinaryOperator::kEq;
      break;
    case TokenKind::kNotEq:
      binary_op = BinaryOperator::kNotEq;
      break;
    case TokenKind::kLt:
      binary_op = BinaryOperator::kLt;
      break;
    case TokenKind::kLtEq:
      binary_op = BinaryOperator::kLtEq;
      break;
    case TokenKind::kGt:
      binary_op = BinaryOperator::kGt;
      break;
    case TokenKind::kGtEq:
      binary_op = BinaryOperator::kGtEq;
      break;
    default:
      binary_op = op.Is(Keyword::kAnd) ? BinaryOperator::kAnd : BinaryOperator::kOr;
      break;
  }
  Advance();
  if (level == Precedence::kComparison && Peek().kind == TokenKind::kWord &&
      (Peek().text == "any" || Peek().text == "some") && Peek(1).kind == TokenKind::kLeftParen) {
    return ErrorAt(Peek(), "ANY and SOME comparisons are not supported (use IN)");
  }
  auto binary = std::make_unique<BinaryExpr>(position);
  binary->op = binary_op;
  binary->left = std::move(left);
  STRATA_ASSIGN_OR_RETURN(binary->right, ParseExpr(level));
  return binary;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseFieldAccess(std::unique_ptr<Expr> left) {
  auto access = std::make_unique<FieldAccessExpr>(Advance().offset);  // '['
  access->operand = std::move(left);
  if (Peek().kind != TokenKind::kString) {
    // Array subscripts (x[1]) and slices are not supported: only struct fields by name.
    return ErrorExpected("a string literal field name");
  }
  access->field = Advance().text;
  if (!Accept(TokenKind::kRightBracket)) {
    return ErrorExpected("']' after the field name");
  }
  return access;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseIs(std::unique_ptr<Expr> left) {
  const size_t position = Advance().offset;  // IS
  const bool negated = Accept(Keyword::kNot);
  IsPredicate predicate;
  if (Accept(Keyword::kNull)) {
    predicate = IsPredicate::kNull;
  } else if (Accept(Keyword::kTrue)) {
    predicate = IsPredicate::kTrue;
  } else if (Accept(Keyword::kFalse)) {
    predicate = IsPredicate::kFalse;
  } else if (Accept(Keyword::kUnknown)) {
    predicate = IsPredicate::kUnknown;
  } else if (Accept(Keyword::kDistinct)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kFrom));
    auto binary = std::make_unique<BinaryExpr>(position);
    binary->op = negated ? BinaryOperator::kIsNotDistinctFrom : BinaryOperator::kIsDistinctFrom;
    binary->left = std::move(left);
    STRATA_ASSIGN_OR_RETURN(binary->right, ParseExpr(Precedence::kIs));
    return binary;
  } else {
    return ErrorExpected(negated ? "NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS NOT"
                                 : "NOT, NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS");
  }
  auto is = std::make_unique<IsExpr>(position);
  is->operand = std::move(left);
  is->predicate = predicate;
  is->negated = negated;
  return is;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseIn(std::unique_ptr<Expr> left,
                                                      size_t position,
                                                      bool negated) {
  if (Peek().kind != TokenKind::kLeftParen) {
    return ErrorExpected("'(' after IN");
  }
  Advance();
  if (Peek().Is(Keyword::kSelect) || Peek().Is(Keyword::kWith)) {
    auto in = std::make_unique<InSubqueryExpr>(position);
    in->operand = std::move(left);
    in->negated = negated;
    STRATA_ASSIGN_OR_RETURN(in->subquery, ParseQuery());
    STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
    return in;
  }
  auto in = std::make_unique<InListExpr>(position);
  in->operand = std::move(left);
  in->negated = negated;
  STRATA_ASSIGN_OR_RETURN(in->list, ParseExprList());
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected("',' or ')' in the IN list");
  }
  return in;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParsePrefix() {
  // Each case is its own function: the recursion through nested expressions then only pays for
  // the stack frames of the constructs actually nested.
  switch (Peek().kind) {
    case TokenKind::kInteger:
    case TokenKind::kDecimal:
      return ParseNumber(Advance());
    case TokenKind::kString:
    case TokenKind::kParameter:
      return ParseStringOrParameter();
    case TokenKind::kLeftParen:
      return ParseParenthesized();
    case TokenKind::kMinus:
    case TokenKind::kPlus:
      return ParseSigned();
    case TokenKind::kWord:
      return ParseWordPrefix();
    case TokenKind::kQuotedIdentifier:
      return ParseNameOrCall();
    default:
      return ErrorExpected("an expression");
  }
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseStringOrParameter() {
  const Token& token = Advance();
  if (token.kind == TokenKind::kString) {
    return MakeStringLiteral(token.text, token.offset);
  }
  auto parameter = std::make_unique<ParameterExpr>(token.offset);
  parameter->name = token.text;
  return parameter;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseParenthesized() {
  const size_t position = Advance().offset;
  if (Peek().Is(Keyword::kSelect) || Peek().Is(Keyword::kWith)) {
    auto subquery = std::make_unique<SubqueryExpr>(position);
    STRATA_ASSIGN_OR_RETURN(subquery->subquery, ParseQuery());
    STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
    return subquery;
  }
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> inner, ParseExpr());
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected("an operator or ')'");
  }
  return inner;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseSigned() {
  const Token& sign = Advance();
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> operand, ParseExpr(Precedence::kUnary));
  if (sign.kind == TokenKind::kMinus && IsNumberLiteral(*operand)) {
    // Fold the sign into the number, as PostgreSQL does: -5 is a literal, and
    // -9223372036854775808 fits in int64 although 9223372036854775808 does not.
    NegateNumber(&operand->As<LiteralExpr>());
    operand->position = sign.offset;
    return operand;
  }
  auto unary = std::make_unique<UnaryExpr>(sign.offset);
  unary->op = sign.kind == TokenKind::kMinus ? UnaryOperator::kNegate : UnaryOperator::kPlus;
  unary->operand = std::move(operand);
  return unary;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseNumber(const Token& token) {
  auto literal = std::make_unique<LiteralExpr>(token.offset);
  if (!SetNumber(token.text, literal.get())) {
    return ErrorAt(
        token, fmt::format("numeric literal {} is out of range", AbbreviateForMessage(token.text)));
  }
  return literal;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseWordPrefix() {
  const Token& token = Peek();
  const bool call_follows = Peek(1).kind == TokenKind::kLeftParen;
  switch (token.keyword) {
    case Keyword::kNot:
      return ParseNot();
    case Keyword::kNull:
    case Keyword::kTrue:
    case Keyword::kFalse:
      return ParseKeywordLiteral();
    case Keyword::kCase:
      return ParseCase();
    case Keyword::kCast:
      return ParseCast();
    case Keyword::kTryCast:
      if (call_follows) {
        return ParseCast();
      }
      break;
    case Keyword::kExists:
      return ParseExists();
    case Keyword::kInterval:
      if (Peek(1).kind == TokenKind::kString) {
        return ParseIntervalLiteral();
      }
      break;
    case Keyword::kTimestamp:
    case Keyword::kTime:
    case Keyword::kDate:
      if (AtTypedLiteral()) {
        return ParseTypedLiteral();
      }
      break;
    case Keyword::kCurrentDate:
    case Keyword::kCurrentTime:
    case Keyword::kCurrentTimestamp:
      // CURRENT_TIMESTAMP is the call current_timestamp(); with parentheses, an ordinary call.
      return call_follows ? ParseFunctionCall() : ParseNiladicCall();
    case Keyword::kExtract: {
      const Token& field = Peek(2);
      if (call_follows &&
          (field.kind == TokenKind::kWord || field.kind == TokenKind::kQuotedIdentifier ||
           field.kind == TokenKind::kString) &&
          Peek(3).Is(Keyword::kFrom)) {
        return ParseExtract();
      }
      break;
    }
    case Keyword::kSubstring:
      if (call_follows) {
        return ParseSubstring();
      }
      break;
    case Keyword::kTrim:
      if (call_follows) {
        return ParseTrim();
      }
      break;
    case Keyword::kPosition:
      if (call_follows) {
        return ParsePosition();
      }
      break;
    case Keyword::kLeft:
    case Keyword::kRight:
      // Reserved (LEFT JOIN), but also the string functions left() and right().
      if (call_follows) {
        return ParseFunctionCall();
      }
      break;
    default:
      break;
  }
  if (!token.IsIdentifier()) {
    return ErrorExpected("an expression");
  }
  return ParseNameOrCall();
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseNot() {
  const size_t position = Advance().offset;
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> operand, ParseExpr(Precedence::kNot));
  if (operand->Is<ExistsExpr>() && !operand->As<ExistsExpr>().negated) {
    operand->As<ExistsExpr>().negated = true;
    operand->position = position;
    return operand;
  }
  auto unary = std::make_unique<UnaryExpr>(position);
  unary->op = UnaryOperator::kNot;
  unary->operand = std::move(operand);
  return unary;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseKeywordLiteral() {
  const Token& token = Advance();
  auto literal = std::make_unique<LiteralExpr>(token.offset);
  literal->literal_kind =
      token.keyword == Keyword::kNull ? LiteralKind::kNull : LiteralKind::kBoolean;
  literal->boolean_value = token.keyword == Keyword::kTrue;
  return literal;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseNiladicCall() {
  auto call = std::make_unique<FunctionCallExpr>(Peek().offset);
  call->name = MakeIdentifier(Advance());
  return call;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseNameOrCall() {
  if (Peek(1).kind == TokenKind::kLeftParen) {
    return ParseFunctionCall();
  }
  return ParseColumnRef();
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseColumnRef() {
  auto column = std::make_unique<ColumnRefExpr>(Peek().offset);
  STRATA_ASSIGN_OR_RETURN(column->parts, ParseQualifiedName("a column name", 4));
  if (Peek().kind == TokenKind::kLeftParen) {
    return ErrorAt(Peek(),
                   Concat("expected an operator after the column name ",
                          column->ToString(),
                          ", found '(' (function names cannot be qualified)"));
  }
  return column;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseFunctionCall() {
  DepthScope depth(this);  // A call nests through more stack frames than an operator.
  STRATA_RETURN_IF_ERROR(depth.Enter());
  auto call = std::make_unique<FunctionCallExpr>(Peek().offset);
  call->name = MakeIdentifier(Advance());
  STRATA_RETURN_IF_ERROR(ParseCallArguments(call.get()));
  if (Peek().Is(Keyword::kFilter) || Peek().Is(Keyword::kOver)) {
    STRATA_RETURN_IF_ERROR(ParseFilterAndWindow(call.get()));
  }
  return call;
}

absl::Status Parser::ParseCallArguments(FunctionCallExpr* call) {
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen));
  if (Peek().kind == TokenKind::kStar && Peek(1).kind == TokenKind::kRightParen) {
    Advance();
    Advance();
    call->star = true;
    return absl::OkStatus();
  }
  if (Accept(TokenKind::kRightParen)) {
    return absl::OkStatus();
  }
  if (Accept(Keyword::kDistinct)) {
    call->distinct = true;
  } else {
    Accept(Keyword::kAll);
  }
  STRATA_ASSIGN_OR_RETURN(call->args, ParseExprList());
  if (Accept(Keyword::kOrder)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kBy));
    STRATA_ASSIGN_OR_RETURN(call->order_by, ParseOrderByList());
  }
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected(call->order_by.empty() ? "',', ORDER BY or ')' in the argument list"
                                                : "',' or ')'");
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseFilterAndWindow(FunctionCallExpr* call) {
  if (Peek().Is(Keyword::kFilter) && Peek(1).kind == TokenKind::kLeftParen) {
    Advance();
    Advance();
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kWhere));
    STRATA_ASSIGN_OR_RETURN(call->filter, ParseExpr());
    STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  }
  if (Peek().Is(Keyword::kOver)) {
    if (Peek(1).kind == TokenKind::kLeftParen) {
      Advance();
      STRATA_ASSIGN_OR_RETURN(call->over, ParseWindowSpec());
    } else if (Peek(1).IsIdentifier()) {
      return ErrorAt(Peek(1), "named windows (OVER name) are not supported");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseExtract() {
  // extract(field FROM source) is date_part('field', source), as in DataFusion.
  const Token& keyword = Advance();
  Advance();  // '('
  const Token& field = Advance();
  Advance();  // FROM
  auto call = std::make_unique<FunctionCallExpr>(keyword.offset);
  call->name = MakeIdentifier(keyword);
  call->name.value = "date_part";
  call->args.push_back(MakeStringLiteral(field.text, field.offset));
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> source, ParseExpr());
  call->args.push_back(std::move(source));
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  return call;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseSubstring() {
  // substring(s FROM start FOR length) is substring(s, start, length); the call form
  // substring(s, start[, length]) is parsed here too.
  const Token& keyword = Advance();
  Advance();  // '('
  auto call = std::make_unique<FunctionCallExpr>(keyword.offset);
  call->name = MakeIdentifier(keyword);
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> string, ParseExpr());
  call->args.push_back(std::move(string));
  if (Peek().Is(Keyword::kFrom) || Peek().Is(Keyword::kFor)) {
    if (Accept(Keyword::kFrom)) {
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> start, ParseExpr());
      call->args.push_back(std::move(start));
    } else {
      call->args.push_back(MakeIntegerLiteral(1, Peek().offset));
    }
    if (Accept(Keyword::kFor)) {
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> length, ParseExpr());
      call->args.push_back(std::move(length));
    }
  } else {
    while (Accept(TokenKind::kComma)) {
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> arg, ParseExpr());
      call->args.push_back(std::move(arg));
    }
  }
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected(call->args.size() == 1 ? "',', FROM, FOR or ')' in substring"
                                                : "')' after the substring arguments");
  }
  return call;
}

bool Parser::AtTrimSide() const {
  // The cursor is at `trim`, followed by '('. BOTH, LEADING and TRAILING are not reserved (they
  // stay usable as column names), so they are the trim side only when what follows starts an
  // operand or is FROM.
  const Token& side = Peek(2);
  if (!side.Is(Keyword::kBoth) && !side.Is(Keyword::kLeading) && !side.Is(Keyword::kTrailing)) {
    return false;
  }
  const Token& next = Peek(3);
  switch (next.kind) {
    case TokenKind::kString:
    case TokenKind::kInteger:
    case TokenKind::kDecimal:
    case TokenKind::kParameter:
    case TokenKind::kQuotedIdentifier:
    case TokenKind::kLeftParen:
    case TokenKind::kMinus:
    case TokenKind::kPlus:
      return true;
    case TokenKind::kWord:
      return next.IsIdentifier() || next.Is(Keyword::kFrom) || next.Is(Keyword::kCase) ||
             next.Is(Keyword::kCast) || next.Is(Keyword::kNull) || next.Is(Keyword::kTrue) ||
             next.Is(Keyword::kFalse) || next.Is(Keyword::kLeft) || next.Is(Keyword::kRight) ||
             next.Is(Keyword::kCurrentDate) || next.Is(Keyword::kCurrentTime) ||
             next.Is(Keyword::kCurrentTimestamp);
    default:
      return false;
  }
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseTrim() {
  // PostgreSQL's forms: trim([BOTH | LEADING | TRAILING] [characters] FROM string) and
  // trim([BOTH | LEADING | TRAILING] [FROM] string[, characters]). Like DataFusion, they become
  // the calls btrim, ltrim or rtrim(string[, characters]): the string comes first.
  const bool has_side = AtTrimSide();
  const Token& keyword = Advance();
  Advance();  // '('
  auto call = std::make_unique<FunctionCallExpr>(keyword.offset);
  call->name = MakeIdentifier(keyword);
  call->name.value = "btrim";
  if (has_side) {
    const Token& side = Advance();
    if (side.Is(Keyword::kLeading)) {
      call->name.value = "ltrim";
    } else if (side.Is(Keyword::kTrailing)) {
      call->name.value = "rtrim";
    }
  }
  std::unique_ptr<Expr> characters;
  std::unique_ptr<Expr> string;
  if (Accept(Keyword::kFrom)) {
    STRATA_ASSIGN_OR_RETURN(string, ParseExpr());
  } else {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> first, ParseExpr());
    if (Accept(Keyword::kFrom)) {
      characters = std::move(first);
      STRATA_ASSIGN_OR_RETURN(string, ParseExpr());
    } else {
      string = std::move(first);
    }
  }
  call->args.push_back(std::move(string));
  if (characters != nullptr) {
    call->args.push_back(std::move(characters));
  } else if (Accept(TokenKind::kComma)) {
    STRATA_ASSIGN_OR_RETURN(characters, ParseExpr());
    call->args.push_back(std::move(characters));
  }
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected(call->args.size() == 1 ? "',', FROM or ')' in trim"
                                                : "')' after the trim arguments");
  }
  return call;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParsePosition() {
  // position(substring IN string) is strpos(string, substring), as in DataFusion. The operands
  // bind tighter than IN (PostgreSQL's b_expr), so `position('a' IN s)` is not an IN list.
  const Token& keyword = Advance();
  Advance();  // '('
  auto call = std::make_unique<FunctionCallExpr>(keyword.offset);
  call->name = MakeIdentifier(keyword);
  call->name.value = "strpos";
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> substring, ParseExpr(Precedence::kLikeBetweenIn));
  if (!Accept(Keyword::kIn)) {
    return ErrorExpected("IN in position(substring IN string)");
  }
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> string, ParseExpr(Precedence::kLikeBetweenIn));
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  call->args.push_back(std::move(string));
  call->args.push_back(std::move(substring));
  return call;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseCase() {
  auto case_expr = std::make_unique<CaseExpr>(Advance().offset);
  if (!Peek().Is(Keyword::kWhen)) {
    STRATA_ASSIGN_OR_RETURN(case_expr->operand, ParseExpr());
  }
  while (Accept(Keyword::kWhen)) {
    WhenClause when;
    STRATA_ASSIGN_OR_RETURN(when.condition, ParseExpr());
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kThen));
    STRATA_ASSIGN_OR_RETURN(when.result, ParseExpr());
    case_expr->when_clauses.push_back(std::move(when));
  }
  if (case_expr->when_clauses.empty()) {
    return ErrorExpected("WHEN");
  }
  if (Accept(Keyword::kElse)) {
    STRATA_ASSIGN_OR_RETURN(case_expr->else_result, ParseExpr());
  } else if (!Peek().Is(Keyword::kEnd)) {
    return ErrorExpected("WHEN, ELSE or END");
  }
  STRATA_RETURN_IF_ERROR(Expect(Keyword::kEnd));
  return case_expr;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseCast() {
  const Token& keyword = Advance();
  auto cast = std::make_unique<CastExpr>(keyword.offset);
  cast->try_cast = keyword.Is(Keyword::kTryCast);
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen));
  STRATA_ASSIGN_OR_RETURN(cast->operand, ParseExpr());
  STRATA_RETURN_IF_ERROR(Expect(Keyword::kAs));
  STRATA_ASSIGN_OR_RETURN(cast->type, ParseTypeName());
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  return cast;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseExists() {
  auto exists = std::make_unique<ExistsExpr>(Advance().offset);
  if (Peek().kind != TokenKind::kLeftParen) {
    return ErrorExpected("'(' after EXISTS");
  }
  Advance();
  STRATA_ASSIGN_OR_RETURN(exists->subquery, ParseQuery());
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  return exists;
}

bool Parser::AtTypedLiteral() const {
  const Token& token = Peek();
  if (Peek(1).kind == TokenKind::kString) {
    return token.Is(Keyword::kTimestamp) || token.Is(Keyword::kTime) || token.Is(Keyword::kDate);
  }
  return (token.Is(Keyword::kTimestamp) || token.Is(Keyword::kTime)) &&
         (Peek(1).Is(Keyword::kWith) || Peek(1).Is(Keyword::kWithout)) &&
         Peek(2).Is(Keyword::kTime) && Peek(3).Is(Keyword::kZone) &&
         Peek(4).kind == TokenKind::kString;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseTypedLiteral() {
  const Token& keyword = Advance();
  auto literal = std::make_unique<LiteralExpr>(keyword.offset);
  literal->literal_kind = LiteralKind::kTypedString;
  literal->type.name = keyword.text;
  literal->type.position = keyword.offset;
  if (Peek().kind != TokenKind::kString) {
    const bool with = Advance().Is(Keyword::kWith);
    Advance();  // TIME
    Advance();  // ZONE
    literal->type.name += with ? " with time zone" : " without time zone";
  }
  literal->text = Advance().text;
  return literal;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseIntervalLiteral() {
  auto literal = std::make_unique<LiteralExpr>(Advance().offset);
  literal->literal_kind = LiteralKind::kInterval;
  literal->type.name = "interval";
  literal->type.position = literal->position;
  literal->text = Advance().text;
  if (Peek().kind == TokenKind::kWord && IsIntervalUnit(Peek().text)) {
    literal->interval_unit = Advance().text;
  }
  return literal;
}

absl::StatusOr<TypeName> Parser::ParseTypeName() {
  const Token& token = Peek();
  if (token.kind != TokenKind::kWord || IsReservedKeyword(token.keyword)) {
    return ErrorExpected("a type name");
  }
  TypeName type;
  type.position = token.offset;
  type.name = Advance().text;
  auto parse_parameters = [&]() -> absl::Status {
    Advance();  // '('
    do {
      const Token& number = Peek();
      int64_t value = 0;
      if (number.kind != TokenKind::kInteger) {
        return ErrorExpected("an integer type parameter");
      }
      const auto [end, error] =
          std::from_chars(number.text.data(), number.text.data() + number.text.size(), value);
      if (error != std::errc() || end != number.text.data() + number.text.size()) {
        return ErrorAt(number, "type parameter is out of range");
      }
      Advance();
      type.parameters.push_back(value);
    } while (Accept(TokenKind::kComma));
    if (!Accept(TokenKind::kRightParen)) {
      return ErrorExpected("',' or ')' after a type parameter");
    }
    return absl::OkStatus();
  };
  const bool is_time = type.name == "timestamp" || type.name == "time";
  if (is_time && Peek().kind == TokenKind::kLeftParen) {
    STRATA_RETURN_IF_ERROR(parse_parameters());
  }
  if (type.name == "double" && Accept(Keyword::kPrecision)) {
    type.name = "double precision";
  } else if ((type.name == "character" || type.name == "char") && Accept(Keyword::kVarying)) {
    type.name += " varying";
  } else if (is_time && (Peek().Is(Keyword::kWith) || Peek().Is(Keyword::kWithout)) &&
             Peek(1).Is(Keyword::kTime) && Peek(2).Is(Keyword::kZone)) {
    const bool with = Advance().Is(Keyword::kWith);
    Advance();  // TIME
    Advance();  // ZONE
    type.name += with ? " with time zone" : " without time zone";
  } else if (IsUnsignedCapable(type.name) && Accept(Keyword::kUnsigned)) {
    type.name += " unsigned";
  }
  if (type.parameters.empty() && Peek().kind == TokenKind::kLeftParen) {
    STRATA_RETURN_IF_ERROR(parse_parameters());
  }
  return type;
}

absl::StatusOr<std::vector<OrderByItem>> Parser::ParseOrderByList() {
  std::vector<OrderByItem> items;
  do {
    OrderByItem item;
    item.position = Peek().offset;
    STRATA_ASSIGN_OR_RETURN(item.expr, ParseExpr());
    if (Accept(Keyword::kAsc)) {
      item.direction = SortDirection::kAscending;
    } else if (Accept(Keyword::kDesc)) {
      item.direction = SortDirection::kDescending;
    }
    if (Accept(Keyword::kNulls)) {
      if (Accept(Keyword::kFirst)) {
        item.nulls = NullsOrder::kNullsFirst;
      } else if (Accept(Keyword::kLast)) {
        item.nulls = NullsOrder::kNullsLast;
      } else {
        return ErrorExpected("FIRST or LAST after NULLS");
      }
    }
    items.push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  return items;
}

absl::StatusOr<std::unique_ptr<WindowSpec>> Parser::ParseWindowSpec() {
  auto spec = std::make_unique<WindowSpec>();
  spec->position = Advance().offset;  // '('
  if (Accept(Keyword::kPartition)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kBy));
    STRATA_ASSIGN_OR_RETURN(spec->partition_by, ParseExprList());
  }
  if (Accept(Keyword::kOrder)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kBy));
    STRATA_ASSIGN_OR_RETURN(spec->order_by, ParseOrderByList());
  }
  const Token& units = Peek();
  if (units.Is(Keyword::kRows) || units.Is(Keyword::kRange) || units.Is(Keyword::kGroups)) {
    Advance();
    WindowFrame frame;
    frame.units = units.Is(Keyword::kRows)    ? FrameUnits::kRows
                  : units.Is(Keyword::kRange) ? FrameUnits::kRange
                                              : FrameUnits::kGroups;
    const bool between = Accept(Keyword::kBetween);
    const Token& start_token = Peek();
    STRATA_ASSIGN_OR_RETURN(frame.start, ParseFrameBound());
    if (frame.start.kind == FrameBoundKind::kUnboundedFollowing) {
      return ErrorAt(start_token, "a window frame cannot start at UNBOUNDED FOLLOWING");
    }
    if (between) {
      STRATA_RETURN_IF_ERROR(Expect(Keyword::kAnd));
      const Token& end_token = Peek();
      STRATA_ASSIGN_OR_RETURN(frame.end, ParseFrameBound());
      if (frame.end.kind == FrameBoundKind::kUnboundedPreceding) {
        return ErrorAt(end_token, "a window frame cannot end at UNBOUNDED PRECEDING");
      }
    } else {
      frame.end.kind = FrameBoundKind::kCurrentRow;
    }
    spec->frame = std::move(frame);
  }
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected(spec->frame.has_value()       ? "')' after the window frame"
                         : !spec->order_by.empty()     ? "ROWS, RANGE, GROUPS or ')'"
                         : !spec->partition_by.empty() ? "ORDER BY, ROWS, RANGE, GROUPS or ')'"
                                                       : "PARTITION BY, ORDER BY, ROWS, RANGE, "
                                                         "GROUPS or ')'");
  }
  return spec;
}

absl::StatusOr<FrameBound> Parser::ParseFrameBound() {
  FrameBound bound;
  if (Accept(Keyword::kUnbounded)) {
    if (Accept(Keyword::kPreceding)) {
      bound.kind = FrameBoundKind::kUnboundedPreceding;
    } else if (Accept(Keyword::kFollowing)) {
      bound.kind = FrameBoundKind::kUnboundedFollowing;
    } else {
      return ErrorExpected("PRECEDING or FOLLOWING after UNBOUNDED");
    }
    return bound;
  }
  if (Accept(Keyword::kCurrent)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kRow));
    bound.kind = FrameBoundKind::kCurrentRow;
    return bound;
  }
  STRATA_ASSIGN_OR_RETURN(bound.offset, ParseExpr());
  if (Accept(Keyword::kPreceding)) {
    bound.kind = FrameBoundKind::kPreceding;
  } else if (Accept(Keyword::kFollowing)) {
    bound.kind = FrameBoundKind::kFollowing;
  } else {
    return ErrorExpected("PRECEDING or FOLLOWING after the frame offset");
  }
  return bound;
}

}  // namespace strata::sql::internal
