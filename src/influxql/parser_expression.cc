// Expressions: precedence climbing over InfluxQL's binary operators, operands, and literals.
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "common/status.h"
#include "fmt/format.h"
#include "influxql/duration.h"
#include "influxql/parser_internal.h"
#include "sql/source_position.h"

namespace strata::influxql::internal {
namespace {

using sql::AbbreviateForMessage;

std::string LowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return lower;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseExpr(int min_precedence, OperandRule rule) {
  DepthScope depth(this);
  STRATA_RETURN_IF_ERROR(depth.Enter());
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> left, ParseOperand(rule));
  while (true) {
    if (Peek().Is(Keyword::kIn)) {
      return ErrorAt(Peek().offset,
                     "IN is not supported in InfluxQL expressions (write tag = 'a' OR tag = 'b')");
    }
    const std::optional<BinaryOperator> op = PeekBinaryOperator();
    if (!op.has_value() || BinaryOperatorPrecedence(*op) <= min_precedence) {
      return left;
    }
    // Each operator makes the tree one level deeper, even when it does not recurse here.
    STRATA_RETURN_IF_ERROR(depth.Enter());
    auto binary = std::make_unique<BinaryExpr>(Advance().offset);
    binary->op = *op;
    const bool regex = *op == BinaryOperator::kEqRegex || *op == BinaryOperator::kNotEqRegex;
    STRATA_ASSIGN_OR_RETURN(binary->right,
                            ParseExpr(BinaryOperatorPrecedence(*op),
                                      regex ? OperandRule::kRegexOrParameter : OperandRule::kAny));
    binary->left = std::move(left);
    left = std::move(binary);
  }
}

std::optional<BinaryOperator> Parser::PeekBinaryOperator() {
  const Token& token = Peek();
  switch (token.kind) {
    case TokenKind::kPlus:
      return BinaryOperator::kAdd;
    case TokenKind::kMinus:
      return BinaryOperator::kSubtract;
    case TokenKind::kStar:
      return BinaryOperator::kMultiply;
    case TokenKind::kSlash:
      return BinaryOperator::kDivide;
    case TokenKind::kPercent:
      return BinaryOperator::kModulo;
    case TokenKind::kAmpersand:
      return BinaryOperator::kBitwiseAnd;
    case TokenKind::kPipe:
      return BinaryOperator::kBitwiseOr;
    case TokenKind::kCaret:
      return BinaryOperator::kBitwiseXor;
    case TokenKind::kEq:
      return BinaryOperator::kEq;
    case TokenKind::kNotEq:
      return BinaryOperator::kNotEq;
    case TokenKind::kEqRegex:
      return BinaryOperator::kEqRegex;
    case TokenKind::kNotEqRegex:
      return BinaryOperator::kNotEqRegex;
    case TokenKind::kLt:
      return BinaryOperator::kLt;
    case TokenKind::kLtEq:
      return BinaryOperator::kLtEq;
    case TokenKind::kGt:
      return BinaryOperator::kGt;
    case TokenKind::kGtEq:
      return BinaryOperator::kGtEq;
    case TokenKind::kKeyword:
      if (token.keyword == Keyword::kAnd) {
        return BinaryOperator::kAnd;
      }
      if (token.keyword == Keyword::kOr) {
        return BinaryOperator::kOr;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseOperand(OperandRule rule) {
  const Token& token = Peek();
  if (rule == OperandRule::kRegexOrParameter) {
    if (AtRegex()) {
      return ParseRegexLiteral();
    }
    if (token.kind == TokenKind::kBoundParameter) {
      auto parameter = std::make_unique<BoundParameterExpr>(token.offset);
      parameter->name = Advance().text;
      return parameter;
    }
    return ErrorExpected("a regular expression (/.../) or a bound parameter after =~ or !~");
  }
  switch (token.kind) {
    case TokenKind::kLeftParen:
      return ParseParenthesized();
    case TokenKind::kIdentifier:
      return ParseNameOperand();
    case TokenKind::kString: {
      auto literal = std::make_unique<LiteralExpr>(token.offset);
      literal->literal_kind = LiteralKind::kString;
      literal->text = Advance().text;
      return literal;
    }
    case TokenKind::kInteger:
    case TokenKind::kNumber:
    case TokenKind::kDuration: {
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<LiteralExpr> literal,
                              MakeNumber(token, false, token.offset));
      Advance();
      return literal;
    }
    case TokenKind::kBoundParameter: {
      auto parameter = std::make_unique<BoundParameterExpr>(token.offset);
      parameter->name = Advance().text;
      return parameter;
    }
    case TokenKind::kStar:
      return ParseWildcard();
    case TokenKind::kPlus:
    case TokenKind::kMinus:
      return ParseSigned();
    case TokenKind::kKeyword:
      if (token.Is(Keyword::kTrue) || token.Is(Keyword::kFalse)) {
        auto literal = std::make_unique<LiteralExpr>(token.offset);
        literal->literal_kind = LiteralKind::kBoolean;
        literal->boolean_value = Advance().keyword == Keyword::kTrue;
        return literal;
      }
      if (token.Is(Keyword::kDistinct)) {
        return ParseDistinct();
      }
      return ErrorExpectedName("an expression");
    case TokenKind::kSlash:
      return ErrorAt(token.offset,
                     "expected an expression, found '/' (a regular expression is allowed only "
                     "after =~ and !~, as a whole field or function argument, in FROM and in "
                     "GROUP BY)");
    default:
      break;
  }
  return ErrorExpected("an expression");
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseParenthesized() {
  Advance();  // (
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> inner, ParseExpr());
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected("an operator or ')'");
  }
  return inner;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseSigned() {
  const Token sign = Advance();
  const bool negative = sign.kind == TokenKind::kMinus;
  const Token& next = Peek();
  switch (next.kind) {
    case TokenKind::kInteger:
    case TokenKind::kNumber:
    case TokenKind::kDuration: {
      // The sign belongs to the literal, as in influxql: -5 is one literal, and
      // -9223372036854775808 fits in int64 although 9223372036854775808 does not.
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<LiteralExpr> literal,
                              MakeNumber(next, negative, sign.offset));
      Advance();
      return literal;
    }
    case TokenKind::kLeftParen:
    case TokenKind::kIdentifier: {
      // `-x` is `-1 * x` (and `+x` is `1 * x`), as influxql's parser builds it.
      DepthScope depth(this);
      STRATA_RETURN_IF_ERROR(depth.Enter());
      std::unique_ptr<Expr> operand;
      if (next.kind == TokenKind::kLeftParen) {
        STRATA_ASSIGN_OR_RETURN(operand, ParseParenthesized());
      } else {
        STRATA_ASSIGN_OR_RETURN(operand, ParseNameOperand());
      }
      auto factor = std::make_unique<LiteralExpr>(sign.offset);
      factor->literal_kind = LiteralKind::kInteger;
      factor->integer_value = negative ? -1 : 1;
      auto product = std::make_unique<BinaryExpr>(sign.offset);
      product->op = BinaryOperator::kMultiply;
      product->left = std::move(factor);
      product->right = std::move(operand);
      return product;
    }
    default:
      return ErrorExpected(
          Concat("a number, duration, name or '(' after '", negative ? "-" : "+", "'"));
  }
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseNameOperand() {
  if (Peek(1).kind == TokenKind::kLeftParen) {
    Token name = Advance();
    return ParseCall(LowerAscii(name.text), name.offset);
  }
  return ParseVarRef();
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseVarRef() {
  Token first = Advance();
  auto ref = std::make_unique<VarRefExpr>(first.offset);
  ref->name = std::move(first.text);
  // `a.b` names the field "a.b", as in InfluxDB 1.8 (at most 3 parts; `a..b` is "a..b").
  int parts = 1;
  while (Peek().kind == TokenKind::kDot) {
    const size_t dot = Advance().offset;
    if (parts == 3) {
      return ErrorAt(dot, "a field reference has at most 3 dotted parts");
    }
    ++parts;
    ref->name += '.';
    if (Peek().kind == TokenKind::kDot) {
      continue;
    }
    STRATA_ASSIGN_OR_RETURN(Identifier part, ParseIdentifier("a name after '.'"));
    ref->name += part.name;
  }
  // The joined name prints as one quoted identifier, which must read back within the limit.
  if (ref->name.size() > max_literal_bytes_) {
    return ErrorAt(ref->position,
                   fmt::format("field name is too long ({} bytes; the limit is {})",
                               ref->name.size(),
                               max_literal_bytes_));
  }
  if (!Accept(TokenKind::kDoubleColon)) {
    return ref;
  }
  const Token& type = Peek();
  if (type.Is(Keyword::kField)) {
    ref->type = DataType::kField;
  } else if (type.Is(Keyword::kTag)) {
    ref->type = DataType::kTag;
  } else if (type.kind == TokenKind::kIdentifier) {
    const std::string lower = LowerAscii(type.text);
    if (lower == "float") {
      ref->type = DataType::kFloat;
    } else if (lower == "integer") {
      ref->type = DataType::kInteger;
    } else if (lower == "unsigned") {
      ref->type = DataType::kUnsigned;
    } else if (lower == "string") {
      ref->type = DataType::kString;
    } else if (lower == "boolean") {
      ref->type = DataType::kBoolean;
    }
  }
  if (ref->type == DataType::kUnspecified) {
    return ErrorExpected("float, integer, unsigned, string, boolean, field or tag after '::'");
  }
  Advance();
  return ref;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseCall(std::string name, size_t position) {
  Advance();  // (
  DepthScope depth(this);
  STRATA_RETURN_IF_ERROR(depth.Enter());
  auto call = std::make_unique<CallExpr>(position);
  call->name = std::move(name);
  if (Accept(TokenKind::kRightParen)) {
    return call;
  }
  do {
    std::unique_ptr<Expr> arg;
    if (AtRegex()) {
      STRATA_ASSIGN_OR_RETURN(arg, ParseRegexLiteral());
    } else {
      STRATA_ASSIGN_OR_RETURN(arg, ParseExpr());
    }
    call->args.push_back(std::move(arg));
  } while (Accept(TokenKind::kComma));
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected(
        Concat("',' or ')' in the arguments of ", AbbreviateForMessage(call->name), "()"));
  }
  return call;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseDistinct() {
  const size_t position = Advance().offset;  // DISTINCT
  if (Peek().kind == TokenKind::kLeftParen) {
    return ParseCall("distinct", position);
  }
  if (Peek().kind != TokenKind::kIdentifier) {
    return ErrorExpectedName("'(' or a field name after DISTINCT");
  }
  Token field = Advance();
  auto ref = std::make_unique<VarRefExpr>(field.offset);
  ref->name = std::move(field.text);
  auto call = std::make_unique<CallExpr>(position);
  call->name = "distinct";
  call->args.push_back(std::move(ref));
  return call;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseWildcard() {
  auto wildcard = std::make_unique<WildcardExpr>(Advance().offset);
  if (Accept(TokenKind::kDoubleColon)) {
    if (Accept(Keyword::kField)) {
      wildcard->type = DataType::kField;
    } else if (Accept(Keyword::kTag)) {
      wildcard->type = DataType::kTag;
    } else {
      return ErrorExpected("field or tag after '*::'");
    }
  }
  return wildcard;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseRegexLiteral() {
  STRATA_ASSIGN_OR_RETURN(Token token, TakeRegex());
  auto literal = std::make_unique<LiteralExpr>(token.offset);
  literal->literal_kind = LiteralKind::kRegex;
  literal->text = std::move(token.text);
  return literal;
}

absl::StatusOr<std::unique_ptr<LiteralExpr>> Parser::MakeNumber(const Token& token,
                                                                bool negative,
                                                                size_t position) {
  auto literal = std::make_unique<LiteralExpr>(position);
  const std::string_view sign = negative ? "-" : "";
  const char* begin = token.text.data();
  const char* end = token.text.data() + token.text.size();
  switch (token.kind) {
    case TokenKind::kInteger: {
      uint64_t magnitude = 0;
      const auto [ptr, error] = std::from_chars(begin, end, magnitude);
      constexpr uint64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
      const bool fits =
          error == std::errc() && ptr == end && (!negative || magnitude <= kMaxInt64 + 1);
      if (!fits) {
        return ErrorAt(position,
                       fmt::format("integer {}{} is out of range (integers are 64-bit)",
                                   sign,
                                   AbbreviateForMessage(token.text)));
      }
      if (magnitude <= kMaxInt64) {
        literal->literal_kind = LiteralKind::kInteger;
        literal->integer_value =
            negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
      } else if (negative) {
        literal->literal_kind = LiteralKind::kInteger;  // -9223372036854775808
        literal->integer_value = std::numeric_limits<int64_t>::min();
      } else {
        literal->literal_kind = LiteralKind::kUnsigned;
        literal->unsigned_value = magnitude;
      }
      return literal;
    }
    case TokenKind::kNumber: {
      double value = 0;
      const auto [ptr, error] = std::from_chars(begin, end, value);
      if (error != std::errc() || ptr != end) {
        return ErrorAt(
            position,
            fmt::format("number {}{} is out of range", sign, AbbreviateForMessage(token.text)));
      }
      literal->literal_kind = LiteralKind::kFloat;
      literal->float_value = negative ? -value : value;
      return literal;
    }
    case TokenKind::kDuration: {
      absl::StatusOr<int64_t> nanoseconds = ParseDuration(token.text);
      if (!nanoseconds.ok()) {
        return ErrorAt(token.offset,
                       std::string_view(nanoseconds.status().message().data(),
                                        nanoseconds.status().message().size()));
      }
      literal->literal_kind = LiteralKind::kDuration;
      literal->integer_value = negative ? -*nanoseconds : *nanoseconds;
      return literal;
    }
    default:
      STRATA_CHECK(false);
      return nullptr;
  }
}

}  // namespace strata::influxql::internal
