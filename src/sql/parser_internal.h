// The recursive descent parser behind parser.h, shared by parser.cc (statements, queries, FROM)
// and parser_expression.cc (expressions, types, windows). Not part of the module's API.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sql/ast.h"
#include "sql/parser.h"
#include "sql/precedence.h"
#include "sql/token.h"

namespace strata::sql::internal {

// Concatenates strings and string views (Debian's abseil has its own string_view, which
// absl::StrCat takes but std::string_view does not convert to).
template <typename... Parts>
std::string Concat(const Parts&... parts) {
  std::string result;
  (result.append(std::string_view(parts)), ...);
  return result;
}

// One parse over a token list. Each Parse* function consumes the tokens of its construct and
// leaves the cursor on the first token after it, or returns a syntax error.
class Parser {
 public:
  // `tokens` must come from Tokenize(sql) (ending with kEnd).
  Parser(std::string_view sql, std::vector<Token> tokens, const ParseOptions& options);

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

  // --- Tokens (parser.cc) ---
  const Token& Peek(size_t ahead = 0) const;
  const Token& Advance();
  bool Accept(TokenKind kind);
  bool Accept(Keyword keyword);
  absl::Status Expect(TokenKind kind);
  absl::Status Expect(Keyword keyword);
  // A syntax error at `token`.
  absl::Status ErrorAt(const Token& token, std::string_view message) const;
  // "expected <expected>, found <the current token>".
  absl::Status ErrorExpected(std::string_view expected) const;
  // Describes a token for "found ...": 'text' as written, or "end of input".
  std::string Describe(const Token& token) const;
  // The identifier at the cursor (a quoted identifier or a non-reserved word; with
  // `allow_reserved`, any word), consumed; `what` names it in the error ("a table name").
  absl::StatusOr<Identifier> ParseIdentifier(std::string_view what, bool allow_reserved = false);
  // identifier {',' identifier} in parentheses.
  absl::StatusOr<std::vector<Identifier>> ParseParenthesizedIdentifiers(std::string_view what);
  // identifier {'.' word}, at most `max_parts` parts.
  absl::StatusOr<std::vector<Identifier>> ParseQualifiedName(std::string_view what,
                                                             size_t max_parts);
  Identifier MakeIdentifier(const Token& token) const;

  // --- Statements and queries (parser.cc) ---
  absl::StatusOr<std::unique_ptr<Statement>> ParseOneStatement();
  absl::StatusOr<std::unique_ptr<Statement>> ParseExplain();
  absl::StatusOr<std::unique_ptr<Statement>> ParseShow();
  // True if the cursor is at the start of a query: SELECT, WITH or '('.
  bool AtQueryStart() const;
  absl::StatusOr<std::unique_ptr<Query>> ParseQuery();
  absl::Status ParseWith(Query* query);
  absl::Status ParseLimitOffsetFetch(Query* query);
  // body with set operators of a level above `min_level` (0: all).
  absl::StatusOr<std::unique_ptr<QueryBody>> ParseQueryBody(int min_level);
  absl::StatusOr<std::unique_ptr<QueryBody>> ParseQueryPrimary();
  absl::StatusOr<std::unique_ptr<QueryBody>> ParseSelect();
  absl::Status ParseSelectList(Select* select);
  absl::Status ParseFromClause(Select* select);
  absl::Status ParseWhereGroupByHaving(Select* select);
  absl::Status ParseSelectItem(SelectItem* item);
  // Returns the number of tokens of `name . name ... .` before a '*' at the cursor, or 0.
  size_t QualifiedWildcardLength() const;
  absl::StatusOr<std::unique_ptr<TableRef>> ParseTableRef();
  absl::StatusOr<std::unique_ptr<TableRef>> ParseTablePrimary();
  absl::StatusOr<std::unique_ptr<TableRef>> ParseSubqueryTableRef();
  absl::StatusOr<std::unique_ptr<TableRef>> ParseParenthesizedTableRef();
  absl::StatusOr<std::unique_ptr<TableRef>> ParseTableFunction();
  absl::StatusOr<std::optional<TableAlias>> ParseOptionalTableAlias();
  // True if the '(' at the cursor opens a subquery: after any further '(' comes SELECT or WITH.
  bool ParenthesisOpensQuery() const;

  // --- Expressions (parser_expression.cc) ---
  absl::StatusOr<std::unique_ptr<Expr>> ParseExpr(Precedence min_level = Precedence::kLowest);
  absl::StatusOr<std::vector<std::unique_ptr<Expr>>> ParseExprList();
  // The level of the infix or postfix operator at the cursor, or kLowest if there is none.
  Precedence PeekInfixLevel() const;
  absl::StatusOr<std::unique_ptr<Expr>> ParseInfix(std::unique_ptr<Expr> left, Precedence level);
  // left '[' 'field' ']', with the cursor at the '['.
  absl::StatusOr<std::unique_ptr<Expr>> ParseFieldAccess(std::unique_ptr<Expr> left);
  absl::StatusOr<std::unique_ptr<Expr>> ParseIs(std::unique_ptr<Expr> left);
  absl::StatusOr<std::unique_ptr<Expr>> ParseIn(std::unique_ptr<Expr> left,
                                                size_t position,
                                                bool negated);
  absl::Status ChainedOperatorError(Precedence level) const;
  absl::StatusOr<std::unique_ptr<Expr>> ParsePrefix();
  absl::StatusOr<std::unique_ptr<Expr>> ParseStringOrParameter();
  absl::StatusOr<std::unique_ptr<Expr>> ParseParenthesized();
  absl::StatusOr<std::unique_ptr<Expr>> ParseSigned();
  absl::StatusOr<std::unique_ptr<Expr>> ParseWordPrefix();
  absl::StatusOr<std::unique_ptr<Expr>> ParseNot();
  absl::StatusOr<std::unique_ptr<Expr>> ParseKeywordLiteral();
  absl::StatusOr<std::unique_ptr<Expr>> ParseNumber(const Token& token);
  // CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP without parentheses.
  absl::StatusOr<std::unique_ptr<Expr>> ParseNiladicCall();
  absl::StatusOr<std::unique_ptr<Expr>> ParseNameOrCall();
  absl::StatusOr<std::unique_ptr<Expr>> ParseColumnRef();
  // A call whose name is the word at the cursor.
  absl::StatusOr<std::unique_ptr<Expr>> ParseFunctionCall();
  absl::Status ParseCallArguments(FunctionCallExpr* call);
  absl::Status ParseFilterAndWindow(FunctionCallExpr* call);
  absl::StatusOr<std::unique_ptr<Expr>> ParseExtract();
  absl::StatusOr<std::unique_ptr<Expr>> ParseSubstring();
  // trim([BOTH | LEADING | TRAILING] [characters] FROM string), trim(string[, characters]):
  // btrim, ltrim or rtrim(string[, characters]).
  absl::StatusOr<std::unique_ptr<Expr>> ParseTrim();
  // With the cursor at `trim` '(': true if the next token is BOTH, LEADING or TRAILING used as
  // such (not as a column name).
  bool AtTrimSide() const;
  // position(substring IN string): strpos(string, substring).
  absl::StatusOr<std::unique_ptr<Expr>> ParsePosition();
  absl::StatusOr<std::unique_ptr<Expr>> ParseCase();
  absl::StatusOr<std::unique_ptr<Expr>> ParseCast();
  absl::StatusOr<std::unique_ptr<Expr>> ParseExists();
  absl::StatusOr<std::unique_ptr<Expr>> ParseTypedLiteral();
  absl::StatusOr<std::unique_ptr<Expr>> ParseIntervalLiteral();
  // True if the cursor is at a typed literal: TIMESTAMP/TIME/DATE ['WITH[OUT] TIME ZONE'] 'str'.
  bool AtTypedLiteral() const;
  absl::StatusOr<TypeName> ParseTypeName();
  absl::StatusOr<std::vector<OrderByItem>> ParseOrderByList();
  absl::StatusOr<std::unique_ptr<WindowSpec>> ParseWindowSpec();
  absl::StatusOr<FrameBound> ParseFrameBound();

  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  int max_depth_;
};

}  // namespace strata::sql::internal
