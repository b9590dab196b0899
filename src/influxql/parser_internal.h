// The recursive descent parser behind parser.h, shared by parser.cc (entry points, tokens, SELECT
// and its clauses), parser_show.cc (EXPLAIN, SHOW and unsupported statements) and
// parser_expression.cc (expressions and literals). Not part of the module's API.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "influxql/ast.h"
#include "influxql/lexer.h"
#include "influxql/parser.h"
#include "influxql/token.h"

namespace strata::influxql::internal {

// Concatenates strings and string views (Debian's abseil has its own string_view, which
// absl::StrCat takes but std::string_view does not convert to).
template <typename... Parts>
std::string Concat(const Parts&... parts) {
  std::string result;
  (result.append(std::string_view(parts)), ...);
  return result;
}

// One parse over a text. Tokens are scanned on demand into a small lookahead queue, because
// whether '/' starts a regular expression depends on where the parser is (TakeRegex). Each
// Parse* function consumes the tokens of its construct and leaves the cursor on the first token
// after it, or returns a syntax error.
class Parser {
 public:
  // `text` must outlive the parser.
  Parser(std::string_view text, const ParseOptions& options);

  // statements := statement { ';' statement } [';'], up to the end of input.
  absl::StatusOr<std::vector<std::unique_ptr<Statement>>> ParseStatementList();
  // An expression followed by the end of input.
  absl::StatusOr<std::unique_ptr<Expr>> ParseWholeExpression();

 private:
  // Counts nesting levels for ParseOptions::max_depth: each Enter() adds one level until the
  // scope ends.
  class DepthScope {
   public:
    explicit DepthScope(Parser* parser) : parser_(parser) {}
    DepthScope(const DepthScope&) = delete;
    DepthScope& operator=(const DepthScope&) = delete;
    ~DepthScope() { parser_->depth_ -= entered_; }
    absl::Status Enter();

   private:
    Parser* parser_;
    int entered_ = 0;
  };

  // What the first operand of an expression may be.
  enum class OperandRule : uint8_t {
    kAny,               // Any operand but a regular expression.
    kRegexOrParameter,  // The right side of =~ and !~: a regular expression or $param.
  };

  // --- Tokens (parser.cc) ---
  // Returns the token `ahead` tokens after the cursor, scanning as needed. A token that failed
  // to scan is kInvalid (the error is in lex_error_); scanning stops at kEnd and kInvalid.
  // References stay valid until the token is consumed or TakeRegex runs.
  const Token& Peek(size_t ahead = 0);
  Token Advance();
  bool Accept(TokenKind kind);
  bool Accept(Keyword keyword);
  absl::Status Expect(Keyword keyword, std::string_view context);
  // True if the cursor is at a '/' that starts a regular expression here.
  bool AtRegex() { return Peek().kind == TokenKind::kSlash; }
  // Consumes the regular expression literal that starts at the cursor's '/' and checks that it
  // compiles.
  absl::StatusOr<Token> TakeRegex();
  // True if the cursor is at the unquoted name `lower_name` (in any case) followed by '('.
  bool AtCall(std::string_view lower_name);
  // A syntax error at byte `offset`.
  absl::Status ErrorAt(size_t offset, std::string_view message) const;
  // "expected <expected>, found <the current token>" (or the scan error of that token).
  absl::Status ErrorExpected(std::string_view expected);
  // Like ErrorExpected where a name belongs: a keyword found there (other than one that starts
  // or joins clauses) was most likely meant as a name, so the error says to quote it.
  absl::Status ErrorExpectedName(std::string_view expected);
  // Describes a token for "found ...": 'text' as written, string 'text', or "end of input".
  std::string Describe(const Token& token) const;
  // True for keywords that start or join clauses (FROM, WHERE, AND, AS, ...), as opposed to
  // keywords likely meant as names (name, key, field, duration, ...).
  static bool IsClauseKeyword(Keyword keyword);
  // An identifier (quoted or not), consumed; `what` names it in the error ("a tag key").
  absl::StatusOr<Identifier> ParseIdentifier(std::string_view what);
  // The integer after LIMIT, OFFSET, SLIMIT or SOFFSET (`clause`), whose keyword is consumed.
  absl::StatusOr<int64_t> ParseCount(std::string_view clause);

  // --- Statements (parser.cc) ---
  absl::StatusOr<std::unique_ptr<Statement>> ParseOneStatement();
  // SELECT ..., with the cursor at SELECT.
  absl::StatusOr<std::unique_ptr<SelectStatement>> ParseSelect();
  absl::Status ParseFields(SelectStatement* select);
  absl::StatusOr<Field> ParseField();
  // Rejects comparison and logical operators in a SELECT field, as InfluxDB does.
  absl::Status CheckFieldOperators(const Expr& expr) const;
  absl::StatusOr<std::unique_ptr<Source>> ParseSource();
  // A measurement or regular expression, optionally qualified; `what` describes what was
  // expected for the error if there is neither.
  absl::StatusOr<Measurement> ParseMeasurement(std::string_view what);
  // [WHERE expr].
  absl::StatusOr<std::unique_ptr<Expr>> ParseOptionalWhere();
  absl::StatusOr<Dimension> ParseDimension();
  absl::StatusOr<Dimension> TimeDimension(std::unique_ptr<Expr> call);
  absl::StatusOr<Fill> ParseFill();
  absl::StatusOr<OrderBy> ParseOrderBy(size_t position);
  absl::StatusOr<TimeZone> ParseTimeZone();

  // --- EXPLAIN, SHOW and unsupported statements (parser_show.cc) ---
  absl::StatusOr<std::unique_ptr<Statement>> ParseExplain();
  absl::StatusOr<std::unique_ptr<Statement>> ParseShow();
  absl::StatusOr<std::unique_ptr<Statement>> ParseShowMeasurements(size_t position);
  absl::StatusOr<std::unique_ptr<Statement>> ParseShowTagKeys(size_t position);
  absl::StatusOr<std::unique_ptr<Statement>> ParseShowTagValues(size_t position);
  absl::StatusOr<std::unique_ptr<Statement>> ParseShowFieldKeys(size_t position);
  absl::StatusOr<std::unique_ptr<Statement>> ParseShowSeries(size_t position);
  // [ON database].
  absl::StatusOr<std::optional<Identifier>> ParseOptionalOn();
  // [FROM measurement {',' measurement}].
  absl::StatusOr<std::vector<Measurement>> ParseOptionalFrom();
  // [LIMIT n] [OFFSET n].
  absl::Status ParseLimitOffset(std::optional<int64_t>* limit, std::optional<int64_t>* offset);
  absl::StatusOr<TagKeyFilter> ParseTagKeyFilter();
  // The error for a SHOW ... CARDINALITY statement whose name so far is `name`; the cursor is
  // after it, at an optional EXACT.
  absl::Status UnsupportedCardinality(size_t position, std::string_view name);
  // The error for a statement strata does not run, with the cursor at its first keyword.
  absl::Status UnsupportedStatement();

  // --- Expressions (parser_expression.cc) ---
  // An expression whose operators bind tighter than `min_precedence` (0: all).
  absl::StatusOr<std::unique_ptr<Expr>> ParseExpr(int min_precedence = 0,
                                                  OperandRule rule = OperandRule::kAny);
  // The binary operator at the cursor, if any.
  std::optional<BinaryOperator> PeekBinaryOperator();
  absl::StatusOr<std::unique_ptr<Expr>> ParseOperand(OperandRule rule);
  absl::StatusOr<std::unique_ptr<Expr>> ParseParenthesized();
  absl::StatusOr<std::unique_ptr<Expr>> ParseSigned();
  // A field reference or a call, with the cursor at its name.
  absl::StatusOr<std::unique_ptr<Expr>> ParseNameOperand();
  absl::StatusOr<std::unique_ptr<Expr>> ParseVarRef();
  // The arguments of a call `name`, with the cursor at '('.
  absl::StatusOr<std::unique_ptr<Expr>> ParseCall(std::string name, size_t position);
  absl::StatusOr<std::unique_ptr<Expr>> ParseDistinct();
  absl::StatusOr<std::unique_ptr<Expr>> ParseWildcard();
  absl::StatusOr<std::unique_ptr<Expr>> ParseRegexLiteral();
  // An integer, number or duration literal from `token`, negated if `negative`, positioned at
  // `position` (the sign's, if any).
  absl::StatusOr<std::unique_ptr<LiteralExpr>> MakeNumber(const Token& token,
                                                          bool negative,
                                                          size_t position);

  std::string_view text_;
  Lexer lexer_;
  std::deque<Token> lookahead_;
  size_t scan_offset_ = 0;  // Where the token after the lookahead starts scanning.
  absl::Status lex_error_;  // The error behind a kInvalid token.
  int depth_ = 0;
  int max_depth_;
  size_t max_literal_bytes_;
};

}  // namespace strata::influxql::internal
