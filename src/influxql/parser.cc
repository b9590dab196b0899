// The parser's entry points, token cursor, and SELECT with its clauses. EXPLAIN and SHOW are in
// parser_show.cc, expressions in parser_expression.cc.
#include "influxql/parser.h"

#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/utf8.h"
#include "fmt/format.h"
#include "influxql/parser_internal.h"
#include "re2/re2.h"
#include "sql/source_position.h"

namespace strata::influxql {
namespace internal {
namespace {

using sql::AbbreviateForMessage;

char ToLowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoringAsciiCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (ToLowerAscii(text[i]) != lower[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Parser::Parser(std::string_view text, const ParseOptions& options)
    : text_(text),
      lexer_(text, options.max_literal_bytes),
      max_depth_(options.max_depth),
      max_literal_bytes_(options.max_literal_bytes) {}

absl::Status Parser::DepthScope::Enter() {
  ++entered_;
  if (++parser_->depth_ > parser_->max_depth_) {
    return parser_->ErrorAt(parser_->Peek().offset,
                            fmt::format("query nested too deeply (the limit is {} levels of "
                                        "nested expressions, operators and subqueries)",
                                        parser_->max_depth_));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Tokens

const Token& Parser::Peek(size_t ahead) {
  while (lookahead_.size() <= ahead) {
    if (!lookahead_.empty() && (lookahead_.back().kind == TokenKind::kEnd ||
                                lookahead_.back().kind == TokenKind::kInvalid)) {
      return lookahead_.back();
    }
    absl::StatusOr<Token> token = lexer_.Scan(scan_offset_);
    if (!token.ok()) {
      lex_error_ = token.status();
      Token invalid;
      invalid.kind = TokenKind::kInvalid;
      invalid.offset = sql::SyntaxErrorOffset(lex_error_).value_or(scan_offset_);
      lookahead_.push_back(std::move(invalid));
    } else {
      scan_offset_ = token->end();
      lookahead_.push_back(*std::move(token));
    }
  }
  return lookahead_[ahead];
}

Token Parser::Advance() {
  Peek();
  if (lookahead_.front().kind == TokenKind::kEnd ||
      lookahead_.front().kind == TokenKind::kInvalid) {
    return lookahead_.front();  // Stays: every later Peek sees it too.
  }
  Token token = std::move(lookahead_.front());
  lookahead_.pop_front();
  return token;
}

bool Parser::Accept(TokenKind kind) {
  if (Peek().kind != kind) {
    return false;
  }
  Advance();
  return true;
}

bool Parser::Accept(Keyword keyword) {
  if (!Peek().Is(keyword)) {
    return false;
  }
  Advance();
  return true;
}

absl::Status Parser::Expect(Keyword keyword, std::string_view context) {
  if (!Accept(keyword)) {
    return ErrorExpected(Concat(KeywordName(keyword), " ", context));
  }
  return absl::OkStatus();
}

absl::StatusOr<Token> Parser::TakeRegex() {
  STRATA_CHECK(Peek().kind == TokenKind::kSlash);
  const size_t start = Peek().offset;
  // Tokens scanned past the '/' were scanned as if it were division: drop them.
  lookahead_.clear();
  STRATA_ASSIGN_OR_RETURN(Token token, lexer_.ScanRegex(start));
  scan_offset_ = token.end();
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 regex(token.text, options);
  if (!regex.ok()) {
    std::string why;
    AppendValidUtf8(regex.error(), &why);
    return ErrorAt(start,
                   Concat("invalid regular expression ",
                          AbbreviateForMessage(QuoteRegex(token.text), 60),
                          ": ",
                          AbbreviateForMessage(why, 120)));
  }
  return token;
}

bool Parser::AtCall(std::string_view lower_name) {
  return Peek().kind == TokenKind::kIdentifier &&
         EqualsIgnoringAsciiCase(Peek().text, lower_name) && Peek(1).kind == TokenKind::kLeftParen;
}

absl::Status Parser::ErrorAt(size_t offset, std::string_view message) const {
  return sql::SyntaxError(text_, offset, message);
}

absl::Status Parser::ErrorExpected(std::string_view expected) {
  const Token& token = Peek();
  if (token.kind == TokenKind::kInvalid) {
    return lex_error_;
  }
  return ErrorAt(token.offset, Concat("expected ", expected, ", found ", Describe(token)));
}

std::string Parser::Describe(const Token& token) const {
  if (token.kind == TokenKind::kEnd) {
    return "end of input";
  }
  const std::string text = AbbreviateForMessage(text_.substr(token.offset, token.length));
  if (token.kind == TokenKind::kString) {
    return Concat("string ", text);
  }
  return Concat("'", text, "'");
}

absl::Status Parser::ErrorExpectedName(std::string_view expected) {
  const Token& token = Peek();
  if (token.kind != TokenKind::kKeyword || IsClauseKeyword(token.keyword)) {
    return ErrorExpected(expected);
  }
  // A keyword where a name belongs: most likely a name that needs quotes.
  return ErrorAt(token.offset,
                 Concat("expected ",
                        expected,
                        ", found keyword ",
                        Describe(token),
                        " (write it in double quotes to use it as a name)"));
}

bool Parser::IsClauseKeyword(Keyword keyword) {
  switch (keyword) {
    case Keyword::kAnd:
    case Keyword::kAs:
    case Keyword::kAsc:
    case Keyword::kBy:
    case Keyword::kDesc:
    case Keyword::kFrom:
    case Keyword::kGroup:
    case Keyword::kIn:
    case Keyword::kInto:
    case Keyword::kLimit:
    case Keyword::kOffset:
    case Keyword::kOn:
    case Keyword::kOr:
    case Keyword::kOrder:
    case Keyword::kSelect:
    case Keyword::kSlimit:
    case Keyword::kSoffset:
    case Keyword::kWhere:
    case Keyword::kWith:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<Identifier> Parser::ParseIdentifier(std::string_view what) {
  if (Peek().kind != TokenKind::kIdentifier) {
    return ErrorExpectedName(what);
  }
  Token token = Advance();
  return Identifier{std::move(token.text), token.offset};
}

absl::StatusOr<int64_t> Parser::ParseCount(std::string_view clause) {
  const Token& token = Peek();
  if (token.kind != TokenKind::kInteger) {
    return ErrorExpected(Concat("an integer after ", clause));
  }
  int64_t value = 0;
  const char* end = token.text.data() + token.text.size();
  const auto [ptr, error] = std::from_chars(token.text.data(), end, value);
  if (error != std::errc() || ptr != end) {
    return ErrorAt(token.offset,
                   fmt::format("{} {} is out of range (the limit is 9223372036854775807)",
                               clause,
                               AbbreviateForMessage(token.text)));
  }
  Advance();
  return value;
}

// ---------------------------------------------------------------------------------------------
// Statements

absl::StatusOr<std::vector<std::unique_ptr<Statement>>> Parser::ParseStatementList() {
  STRATA_RETURN_IF_ERROR(lexer_.CheckText());
  std::vector<std::unique_ptr<Statement>> statements;
  while (true) {
    while (Accept(TokenKind::kSemicolon)) {
    }
    if (Peek().kind == TokenKind::kEnd) {
      break;
    }
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Statement> statement, ParseOneStatement());
    statements.push_back(std::move(statement));
    if (Peek().kind != TokenKind::kEnd && Peek().kind != TokenKind::kSemicolon) {
      return ErrorExpected("end of statement");
    }
  }
  if (statements.empty()) {
    return ErrorExpected("a statement");
  }
  return statements;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseWholeExpression() {
  STRATA_RETURN_IF_ERROR(lexer_.CheckText());
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, ParseExpr());
  if (Peek().kind != TokenKind::kEnd) {
    return ErrorExpected("end of expression");
  }
  return expr;
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseOneStatement() {
  const Token& first = Peek();
  if (first.Is(Keyword::kSelect)) {
    return ParseSelect();
  }
  if (first.Is(Keyword::kExplain)) {
    return ParseExplain();
  }
  if (first.Is(Keyword::kShow)) {
    return ParseShow();
  }
  if (first.kind == TokenKind::kKeyword) {
    switch (first.keyword) {
      case Keyword::kAlter:
      case Keyword::kCreate:
      case Keyword::kDelete:
      case Keyword::kDrop:
      case Keyword::kGrant:
      case Keyword::kInsert:
      case Keyword::kKill:
      case Keyword::kRevoke:
      case Keyword::kSet:
        return UnsupportedStatement();
      default:
        break;
    }
  }
  return ErrorExpected("a statement (SELECT, SHOW or EXPLAIN)");
}

absl::StatusOr<std::unique_ptr<SelectStatement>> Parser::ParseSelect() {
  auto select = std::make_unique<SelectStatement>(Advance().offset);
  STRATA_RETURN_IF_ERROR(ParseFields(select.get()));
  if (Peek().Is(Keyword::kInto)) {
    return ErrorAt(Peek().offset,
                   "SELECT ... INTO is not supported: strata does not write query results back "
                   "into a database");
  }
  if (!Accept(Keyword::kFrom)) {
    return ErrorExpected("',' or FROM");
  }
  do {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, ParseSource());
    select->sources.push_back(std::move(source));
  } while (Accept(TokenKind::kComma));
  STRATA_ASSIGN_OR_RETURN(select->condition, ParseOptionalWhere());
  if (Accept(Keyword::kGroup)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kBy, "after GROUP"));
    do {
      STRATA_ASSIGN_OR_RETURN(Dimension dimension, ParseDimension());
      select->dimensions.push_back(std::move(dimension));
    } while (Accept(TokenKind::kComma));
  }
  if (AtCall("fill")) {
    STRATA_ASSIGN_OR_RETURN(select->fill, ParseFill());
  }
  if (Peek().Is(Keyword::kOrder)) {
    STRATA_ASSIGN_OR_RETURN(select->order_by, ParseOrderBy(Advance().offset));
  }
  if (Accept(Keyword::kLimit)) {
    STRATA_ASSIGN_OR_RETURN(select->limit, ParseCount("LIMIT"));
  }
  if (Accept(Keyword::kOffset)) {
    STRATA_ASSIGN_OR_RETURN(select->offset, ParseCount("OFFSET"));
  }
  if (Accept(Keyword::kSlimit)) {
    STRATA_ASSIGN_OR_RETURN(select->series_limit, ParseCount("SLIMIT"));
  }
  if (Accept(Keyword::kSoffset)) {
    STRATA_ASSIGN_OR_RETURN(select->series_offset, ParseCount("SOFFSET"));
  }
  if (AtCall("tz")) {
    STRATA_ASSIGN_OR_RETURN(select->time_zone, ParseTimeZone());
  }
  return select;
}

absl::Status Parser::ParseFields(SelectStatement* select) {
  do {
    STRATA_ASSIGN_OR_RETURN(Field field, ParseField());
    select->fields.push_back(std::move(field));
  } while (Accept(TokenKind::kComma));
  return absl::OkStatus();
}

absl::StatusOr<Field> Parser::ParseField() {
  Field field;
  field.position = Peek().offset;
  if (AtRegex()) {
    STRATA_ASSIGN_OR_RETURN(field.expr, ParseRegexLiteral());
  } else {
    STRATA_ASSIGN_OR_RETURN(field.expr, ParseExpr());
    STRATA_RETURN_IF_ERROR(CheckFieldOperators(*field.expr));
  }
  if (Accept(Keyword::kAs)) {
    STRATA_ASSIGN_OR_RETURN(field.alias, ParseIdentifier("an alias after AS"));
  }
  return field;
}

absl::Status Parser::CheckFieldOperators(const Expr& expr) const {
  const BinaryExpr* first = nullptr;
  WalkExpr(expr, [&](const Expr& node) {
    if (!node.Is<BinaryExpr>()) {
      return;
    }
    const auto& binary = node.As<BinaryExpr>();
    if (BinaryOperatorPrecedence(binary.op) <= 3 &&
        (first == nullptr || binary.position < first->position)) {
      first = &binary;
    }
  });
  if (first == nullptr) {
    return absl::OkStatus();
  }
  return ErrorAt(first->position,
                 Concat("invalid operator ",
                        BinaryOperatorName(first->op),
                        " in the SELECT clause (comparison and logical operators are for the "
                        "WHERE clause)"));
}

absl::StatusOr<std::unique_ptr<Source>> Parser::ParseSource() {
  const size_t position = Peek().offset;
  if (Peek().kind == TokenKind::kLeftParen) {
    Advance();
    DepthScope depth(this);
    STRATA_RETURN_IF_ERROR(depth.Enter());
    if (!Peek().Is(Keyword::kSelect)) {
      return ErrorExpected("SELECT after '('");
    }
    auto source = std::make_unique<SubquerySource>(position);
    STRATA_ASSIGN_OR_RETURN(source->select, ParseSelect());
    if (!Accept(TokenKind::kRightParen)) {
      return ErrorExpected("')' after the subquery");
    }
    return source;
  }
  auto source = std::make_unique<MeasurementSource>(position);
  STRATA_ASSIGN_OR_RETURN(source->measurement,
                          ParseMeasurement("a measurement, a regular expression or '('"));
  return source;
}

absl::StatusOr<Measurement> Parser::ParseMeasurement(std::string_view what) {
  Measurement measurement;
  measurement.position = Peek().offset;
  if (AtRegex()) {
    STRATA_ASSIGN_OR_RETURN(Token regex, TakeRegex());
    measurement.regex = std::move(regex.text);
    return measurement;
  }
  if (Peek().kind != TokenKind::kIdentifier) {
    return ErrorExpectedName(what);
  }
  // db.rp.m, rp.m, db..m (default retention policy), and the same with a regex last.
  std::vector<std::string> parts;
  parts.push_back(Advance().text);
  while (Peek().kind == TokenKind::kDot) {
    const size_t dot = Advance().offset;
    if (parts.size() == 3) {
      return ErrorAt(dot,
                     "a measurement has at most 3 dotted parts "
                     "(database.retention_policy.measurement)");
    }
    if (Peek().kind == TokenKind::kDot) {
      parts.emplace_back();
      continue;
    }
    if (AtRegex()) {
      STRATA_ASSIGN_OR_RETURN(Token regex, TakeRegex());
      measurement.regex = std::move(regex.text);
      break;
    }
    STRATA_ASSIGN_OR_RETURN(Identifier part, ParseIdentifier("a name after '.'"));
    parts.push_back(std::move(part.name));
  }
  if (measurement.regex.has_value()) {
    // The regex is the measurement part: `rp./re/`, `db.rp./re/`.
    measurement.retention_policy = std::move(parts.back());
    if (parts.size() == 2) {
      measurement.database = std::move(parts[0]);
    }
    return measurement;
  }
  measurement.name = std::move(parts.back());
  if (parts.size() >= 2) {
    measurement.retention_policy = std::move(parts[parts.size() - 2]);
  }
  if (parts.size() == 3) {
    measurement.database = std::move(parts[0]);
  }
  return measurement;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseOptionalWhere() {
  if (!Accept(Keyword::kWhere)) {
    return nullptr;
  }
  return ParseExpr();
}

absl::StatusOr<Dimension> Parser::ParseDimension() {
  Dimension dimension;
  dimension.position = Peek().offset;
  if (AtRegex()) {
    STRATA_ASSIGN_OR_RETURN(Token regex, TakeRegex());
    dimension.kind = Dimension::Kind::kRegex;
    dimension.regex = std::move(regex.text);
    return dimension;
  }
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, ParseExpr());
  if (IsCallTo(*expr, "time")) {
    return TimeDimension(std::move(expr));
  }
  if (IsTimeRef(*expr)) {
    return ErrorAt(dimension.position,
                   "GROUP BY time needs an interval: time(10m) or time(10m, offset)");
  }
  if (expr->Is<VarRefExpr>() && (expr->As<VarRefExpr>().type == DataType::kUnspecified ||
                                 expr->As<VarRefExpr>().type == DataType::kTag)) {
    dimension.kind = Dimension::Kind::kTag;
    dimension.tag = std::move(expr->As<VarRefExpr>().name);
    return dimension;
  }
  if (expr->Is<WildcardExpr>() && expr->As<WildcardExpr>().type == DataType::kUnspecified) {
    dimension.kind = Dimension::Kind::kWildcard;
    return dimension;
  }
  return ErrorAt(dimension.position,
                 "GROUP BY takes time(interval[, offset]), tag keys, * and regular expressions");
}

absl::StatusOr<Dimension> Parser::TimeDimension(std::unique_ptr<Expr> expr) {
  const auto& call = expr->As<CallExpr>();
  Dimension dimension;
  dimension.kind = Dimension::Kind::kTime;
  dimension.position = call.position;
  if (call.args.empty() || call.args.size() > 2) {
    return ErrorAt(call.position,
                   "time() in GROUP BY takes an interval and an optional offset: time(10m) or "
                   "time(10m, 5m)");
  }
  auto is_duration = [](const Expr& arg) {
    return arg.Is<LiteralExpr>() && arg.As<LiteralExpr>().literal_kind == LiteralKind::kDuration;
  };
  const Expr& interval = *call.args[0];
  if (!is_duration(interval)) {
    return ErrorAt(interval.position, "the interval of time() must be a duration such as 10m");
  }
  dimension.interval = interval.As<LiteralExpr>().integer_value;
  if (dimension.interval <= 0) {
    return ErrorAt(interval.position, "the interval of time() must be positive");
  }
  if (call.args.size() == 2) {
    const Expr& offset_arg = *call.args[1];
    TimeOffset offset;
    offset.position = offset_arg.position;
    if (IsCallTo(offset_arg, "now") && offset_arg.As<CallExpr>().args.empty()) {
      offset.now = true;
    } else if (is_duration(offset_arg)) {
      offset.nanoseconds = offset_arg.As<LiteralExpr>().integer_value;
    } else {
      return ErrorAt(offset_arg.position, "the offset of time() must be a duration or now()");
    }
    dimension.offset = offset;
  }
  return dimension;
}

absl::StatusOr<Fill> Parser::ParseFill() {
  Fill fill;
  fill.position = Advance().offset;  // fill
  Advance();                         // (
  const Token& token = Peek();
  constexpr std::string_view kExpected = "null, none, previous, linear or a number in fill()";
  if (token.kind == TokenKind::kIdentifier) {
    if (EqualsIgnoringAsciiCase(token.text, "null")) {
      fill.mode = FillMode::kNull;
    } else if (EqualsIgnoringAsciiCase(token.text, "none")) {
      fill.mode = FillMode::kNone;
    } else if (EqualsIgnoringAsciiCase(token.text, "previous")) {
      fill.mode = FillMode::kPrevious;
    } else if (EqualsIgnoringAsciiCase(token.text, "linear")) {
      fill.mode = FillMode::kLinear;
    } else {
      return ErrorExpected(kExpected);
    }
    Advance();
  } else {
    const size_t position = token.offset;
    const bool negative = token.kind == TokenKind::kMinus;
    if (negative || token.kind == TokenKind::kPlus) {
      Advance();
    }
    const Token& number = Peek();
    if (number.kind != TokenKind::kInteger && number.kind != TokenKind::kNumber) {
      return ErrorExpected(kExpected);
    }
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<LiteralExpr> literal,
                            MakeNumber(number, negative, position));
    switch (literal->literal_kind) {
      case LiteralKind::kInteger:
        fill.value = literal->integer_value;
        break;
      case LiteralKind::kFloat:
        fill.value = literal->float_value;
        break;
      default:
        return ErrorAt(position,
                       Concat("fill value ",
                              AbbreviateForMessage(number.text),
                              " is out of range (the limit is 9223372036854775807)"));
    }
    fill.mode = FillMode::kValue;
    Advance();
  }
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected("')' after the fill option");
  }
  return fill;
}

absl::StatusOr<OrderBy> Parser::ParseOrderBy(size_t position) {
  STRATA_RETURN_IF_ERROR(Expect(Keyword::kBy, "after ORDER"));
  OrderBy order;
  order.position = position;
  if (Accept(Keyword::kAsc)) {
    order.ascending = true;
  } else if (Accept(Keyword::kDesc)) {
    order.ascending = false;
  } else if (Peek().kind == TokenKind::kIdentifier) {
    if (!EqualsIgnoringAsciiCase(Peek().text, "time")) {
      return ErrorAt(Peek().offset, "only ORDER BY time is supported");
    }
    Advance();
    order.ascending = !Accept(Keyword::kDesc);
    if (order.ascending) {
      Accept(Keyword::kAsc);
    }
  } else {
    return ErrorExpected("time, ASC or DESC after ORDER BY");
  }
  if (Peek().kind == TokenKind::kComma) {
    return ErrorAt(Peek().offset, "only ORDER BY time is supported (one sort key)");
  }
  return order;
}

absl::StatusOr<TimeZone> Parser::ParseTimeZone() {
  TimeZone time_zone;
  time_zone.position = Advance().offset;  // tz
  Advance();                              // (
  if (Peek().kind != TokenKind::kString) {
    return ErrorExpected("a time zone name string in tz()");
  }
  time_zone.name = Advance().text;
  if (!Accept(TokenKind::kRightParen)) {
    return ErrorExpected("')' after the time zone");
  }
  return time_zone;
}

}  // namespace internal

absl::StatusOr<std::vector<std::unique_ptr<Statement>>> ParseStatements(
    std::string_view text, const ParseOptions& options) {
  return internal::Parser(text, options).ParseStatementList();
}

absl::StatusOr<std::unique_ptr<Statement>> ParseStatement(std::string_view text,
                                                          const ParseOptions& options) {
  STRATA_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Statement>> statements,
                          ParseStatements(text, options));
  if (statements.size() > 1) {
    const size_t offset = statements[1]->position;
    return sql::SyntaxError(
        text,
        offset,
        internal::Concat("expected one statement, found a second one starting with '",
                         sql::AbbreviateForMessage(text.substr(offset), 20),
                         "'"));
  }
  return std::move(statements[0]);
}

absl::StatusOr<std::unique_ptr<Expr>> ParseExpression(std::string_view text,
                                                      const ParseOptions& options) {
  return internal::Parser(text, options).ParseWholeExpression();
}

}  // namespace strata::influxql
