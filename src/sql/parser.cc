// The parser's entry points, token cursor, statements, queries and FROM clauses. Expressions are
// in parser_expression.cc.
#include "sql/parser.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"
#include "sql/lexer.h"
#include "sql/parser_internal.h"
#include "sql/source_position.h"

namespace strata::sql {
namespace internal {

Parser::Parser(std::string_view sql, std::vector<Token> tokens, const ParseOptions& options)
    : sql_(sql), tokens_(std::move(tokens)), max_depth_(options.max_depth) {
  STRATA_CHECK(!tokens_.empty() && tokens_.back().kind == TokenKind::kEnd);
}

absl::Status Parser::DepthScope::Enter() {
  ++entered_;
  if (++parser_->depth_ > parser_->max_depth_) {
    return parser_->ErrorAt(parser_->Peek(),
                            fmt::format("query nested too deeply (the limit is {} levels of "
                                        "nested expressions, operators, joins and subqueries)",
                                        parser_->max_depth_));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Tokens

const Token& Parser::Peek(size_t ahead) const {
  const size_t index = pos_ + ahead;
  return index < tokens_.size() ? tokens_[index] : tokens_.back();
}

const Token& Parser::Advance() {
  const Token& token = tokens_[pos_];
  if (pos_ + 1 < tokens_.size()) {
    ++pos_;
  }
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

absl::Status Parser::Expect(TokenKind kind) {
  if (!Accept(kind)) {
    return ErrorExpected(TokenKindName(kind));
  }
  return absl::OkStatus();
}

absl::Status Parser::Expect(Keyword keyword) {
  if (!Accept(keyword)) {
    return ErrorExpected(KeywordName(keyword));
  }
  return absl::OkStatus();
}

absl::Status Parser::ErrorAt(const Token& token, std::string_view message) const {
  return SyntaxError(sql_, token.offset, message);
}

absl::Status Parser::ErrorExpected(std::string_view expected) const {
  return ErrorAt(Peek(), Concat("expected ", expected, ", found ", Describe(Peek())));
}

std::string Parser::Describe(const Token& token) const {
  if (token.kind == TokenKind::kEnd) {
    return "end of input";
  }
  const std::string text = AbbreviateForMessage(sql_.substr(token.offset, token.length));
  if (token.kind == TokenKind::kString) {
    return Concat("string ", text);
  }
  return Concat("'", text, "'");
}

Identifier Parser::MakeIdentifier(const Token& token) const {
  Identifier identifier;
  identifier.value = token.text;
  identifier.quoted = token.kind == TokenKind::kQuotedIdentifier;
  identifier.spelling =
      identifier.quoted ? token.text : std::string(sql_.substr(token.offset, token.length));
  identifier.position = token.offset;
  return identifier;
}

absl::StatusOr<Identifier> Parser::ParseIdentifier(std::string_view what, bool allow_reserved) {
  const Token& token = Peek();
  if (!token.IsIdentifier() && !(allow_reserved && token.kind == TokenKind::kWord)) {
    if (token.kind == TokenKind::kWord) {
      return ErrorAt(token,
                     Concat("expected ",
                            what,
                            ", found reserved keyword ",
                            Describe(token),
                            " (write it in double quotes to use it as a name)"));
    }
    return ErrorExpected(what);
  }
  return MakeIdentifier(Advance());
}

absl::StatusOr<std::vector<Identifier>> Parser::ParseParenthesizedIdentifiers(
    std::string_view what) {
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen));
  std::vector<Identifier> names;
  do {
    STRATA_ASSIGN_OR_RETURN(Identifier name, ParseIdentifier(what));
    names.push_back(std::move(name));
  } while (Accept(TokenKind::kComma));
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  return names;
}

absl::StatusOr<std::vector<Identifier>> Parser::ParseQualifiedName(std::string_view what,
                                                                   size_t max_parts) {
  std::vector<Identifier> parts;
  STRATA_ASSIGN_OR_RETURN(Identifier first, ParseIdentifier(what));
  parts.push_back(std::move(first));
  while (Peek().kind == TokenKind::kDot) {
    if (parts.size() == max_parts) {
      return ErrorAt(
          Peek(),
          fmt::format(
              "expected {} of at most {} dotted parts, found another '.'", what, max_parts));
    }
    Advance();
    // After a dot any word is a name, as in PostgreSQL: t.order is the column "order".
    STRATA_ASSIGN_OR_RETURN(Identifier part, ParseIdentifier("a name after '.'", true));
    parts.push_back(std::move(part));
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Statements

absl::StatusOr<std::vector<std::unique_ptr<Statement>>> Parser::ParseStatementList() {
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
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Expr> expr, ParseExpr());
  if (Peek().kind != TokenKind::kEnd) {
    return ErrorExpected("end of expression");
  }
  return expr;
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseOneStatement() {
  const Token& first = Peek();
  if (AtQueryStart()) {
    auto statement = std::make_unique<QueryStatement>(first.offset);
    STRATA_ASSIGN_OR_RETURN(statement->query, ParseQuery());
    return statement;
  }
  if (first.Is(Keyword::kExplain)) {
    return ParseExplain();
  }
  if (first.Is(Keyword::kShow)) {
    return ParseShow();
  }
  static constexpr std::string_view kUnsupported[] = {
      "insert",     "update", "delete",   "merge",    "create",  "drop",    "alter",
      "truncate",   "copy",   "set",      "reset",    "grant",   "revoke",  "begin",
      "start",      "commit", "rollback", "describe", "use",     "prepare", "execute",
      "deallocate", "call",   "values",   "table",    "analyze", "vacuum",  "declare"};
  if (first.kind == TokenKind::kWord) {
    for (std::string_view word : kUnsupported) {
      if (first.text == word) {
        std::string name(word);
        for (char& c : name) {
          c = static_cast<char>(c - 'a' + 'A');
        }
        return ErrorAt(first,
                       Concat("expected a statement (SELECT, WITH, EXPLAIN or SHOW), found ",
                              Describe(first),
                              ": ",
                              name,
                              " statements are not supported"));
      }
    }
  }
  return ErrorExpected("a statement (SELECT, WITH, EXPLAIN or SHOW)");
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseExplain() {
  auto explain = std::make_unique<ExplainStatement>(Advance().offset);
  explain->analyze = Accept(Keyword::kAnalyze);
  explain->verbose = Accept(Keyword::kVerbose);
  if (!AtQueryStart()) {
    return ErrorExpected(explain->verbose   ? "a query after EXPLAIN VERBOSE"
                         : explain->analyze ? "VERBOSE or a query after EXPLAIN ANALYZE"
                                            : "ANALYZE, VERBOSE or a query after EXPLAIN");
  }
  STRATA_ASSIGN_OR_RETURN(explain->query, ParseQuery());
  return explain;
}

absl::StatusOr<std::unique_ptr<Statement>> Parser::ParseShow() {
  const size_t position = Advance().offset;
  if (Accept(Keyword::kTables)) {
    return std::make_unique<ShowTablesStatement>(position);
  }
  if (Accept(Keyword::kColumns)) {
    if (!Accept(Keyword::kFrom) && !Accept(Keyword::kIn)) {
      return ErrorExpected("FROM after SHOW COLUMNS");
    }
    auto show = std::make_unique<ShowColumnsStatement>(position);
    STRATA_ASSIGN_OR_RETURN(show->table, ParseQualifiedName("a table name", 3));
    return show;
  }
  return ErrorExpected("TABLES or COLUMNS after SHOW");
}

// ---------------------------------------------------------------------------------------------
// Queries

bool Parser::AtQueryStart() const {
  const Token& token = Peek();
  return token.Is(Keyword::kSelect) || token.Is(Keyword::kWith) ||
         token.kind == TokenKind::kLeftParen;
}

absl::StatusOr<std::unique_ptr<Query>> Parser::ParseQuery() {
  DepthScope depth(this);
  STRATA_RETURN_IF_ERROR(depth.Enter());
  auto query = std::make_unique<Query>();
  query->position = Peek().offset;
  if (Peek().Is(Keyword::kWith)) {
    STRATA_RETURN_IF_ERROR(ParseWith(query.get()));
  }
  STRATA_ASSIGN_OR_RETURN(query->body, ParseQueryBody(0));
  if (Accept(Keyword::kOrder)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kBy));
    STRATA_ASSIGN_OR_RETURN(query->order_by, ParseOrderByList());
  }
  STRATA_RETURN_IF_ERROR(ParseLimitOffsetFetch(query.get()));
  return query;
}

absl::Status Parser::ParseWith(Query* query) {
  Advance();  // WITH
  if (Peek().Is(Keyword::kRecursive)) {
    return ErrorAt(Peek(), "WITH RECURSIVE is not supported");
  }
  do {
    CommonTableExpr cte;
    cte.position = Peek().offset;
    STRATA_ASSIGN_OR_RETURN(cte.name, ParseIdentifier("a name for the WITH query"));
    if (Peek().kind == TokenKind::kLeftParen) {
      STRATA_ASSIGN_OR_RETURN(cte.columns, ParseParenthesizedIdentifiers("a column name"));
    }
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kAs));
    STRATA_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen));
    STRATA_ASSIGN_OR_RETURN(cte.query, ParseQuery());
    STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
    query->with.push_back(std::move(cte));
  } while (Accept(TokenKind::kComma));
  return absl::OkStatus();
}

absl::Status Parser::ParseLimitOffsetFetch(Query* query) {
  bool seen_limit = false;
  bool seen_offset = false;
  while (true) {
    const Token& token = Peek();
    if (token.Is(Keyword::kLimit) && !seen_limit) {
      Advance();
      seen_limit = true;
      if (!Accept(Keyword::kAll)) {
        STRATA_ASSIGN_OR_RETURN(query->limit, ParseExpr());
      }
    } else if (token.Is(Keyword::kFetch) && !seen_limit) {
      // FETCH {FIRST | NEXT} [count] {ROW | ROWS} ONLY, the standard's LIMIT.
      Advance();
      seen_limit = true;
      if (!Accept(Keyword::kFirst) && !Accept(Keyword::kNext)) {
        return ErrorExpected("FIRST or NEXT after FETCH");
      }
      if (Peek().Is(Keyword::kRow) || Peek().Is(Keyword::kRows)) {
        auto one = std::make_unique<LiteralExpr>(Peek().offset);
        one->literal_kind = LiteralKind::kInteger;
        one->integer_value = 1;
        one->text = std::to_string(one->integer_value);
        query->limit = std::move(one);
      } else {
        STRATA_ASSIGN_OR_RETURN(query->limit, ParseExpr());
      }
      if (!Accept(Keyword::kRow) && !Accept(Keyword::kRows)) {
        return ErrorExpected("ROW or ROWS");
      }
      STRATA_RETURN_IF_ERROR(Expect(Keyword::kOnly));
    } else if (token.Is(Keyword::kOffset) && !seen_offset) {
      Advance();
      seen_offset = true;
      STRATA_ASSIGN_OR_RETURN(query->offset, ParseExpr());
      if (!Accept(Keyword::kRow)) {
        Accept(Keyword::kRows);
      }
    } else {
      return absl::OkStatus();
    }
  }
}

namespace {

// The binding level of a set operator keyword, or 0 if `token` is none.
int SetOperatorLevelOf(const Token& token) {
  if (token.Is(Keyword::kUnion) || token.Is(Keyword::kExcept)) {
    return 1;
  }
  if (token.Is(Keyword::kIntersect)) {
    return 2;
  }
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<QueryBody>> Parser::ParseQueryBody(int min_level) {
  DepthScope depth(this);
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<QueryBody> left, ParseQueryPrimary());
  while (true) {
    const int level = SetOperatorLevelOf(Peek());
    if (level <= min_level) {
      return left;
    }
    STRATA_RETURN_IF_ERROR(depth.Enter());
    const Token& op_token = Advance();
    auto set = std::make_unique<SetOperation>(op_token.offset);
    set->op = op_token.Is(Keyword::kUnion)       ? SetOperator::kUnion
              : op_token.Is(Keyword::kIntersect) ? SetOperator::kIntersect
                                                 : SetOperator::kExcept;
    if (Accept(Keyword::kAll)) {
      set->all = true;
    } else {
      Accept(Keyword::kDistinct);
    }
    set->left = std::move(left);
    STRATA_ASSIGN_OR_RETURN(set->right, ParseQueryBody(level));
    left = std::move(set);
  }
}

absl::StatusOr<std::unique_ptr<QueryBody>> Parser::ParseQueryPrimary() {
  const Token& token = Peek();
  if (token.Is(Keyword::kSelect)) {
    return ParseSelect();
  }
  if (token.kind == TokenKind::kLeftParen) {
    const size_t position = Advance().offset;
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Query> query, ParseQuery());
    STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
    if (query->with.empty() && query->order_by.empty() && query->limit == nullptr &&
        query->offset == nullptr) {
      return std::move(query->body);
    }
    auto nested = std::make_unique<NestedQuery>(position);
    nested->query = std::move(query);
    return nested;
  }
  if (token.kind == TokenKind::kWord && token.text == "values") {
    return ErrorAt(token, "expected SELECT or '(', found 'VALUES': VALUES lists are not supported");
  }
  return ErrorExpected("SELECT or '('");
}

absl::StatusOr<std::unique_ptr<QueryBody>> Parser::ParseSelect() {
  DepthScope depth(this);  // A SELECT nests through more stack frames than an operator.
  STRATA_RETURN_IF_ERROR(depth.Enter());
  auto select = std::make_unique<Select>(Advance().offset);
  STRATA_RETURN_IF_ERROR(ParseSelectList(select.get()));
  if (Peek().Is(Keyword::kFrom)) {
    STRATA_RETURN_IF_ERROR(ParseFromClause(select.get()));
  }
  STRATA_RETURN_IF_ERROR(ParseWhereGroupByHaving(select.get()));
  return select;
}

absl::Status Parser::ParseSelectList(Select* select) {
  if (Accept(Keyword::kDistinct)) {
    if (Peek().Is(Keyword::kOn)) {
      return ErrorAt(Peek(), "DISTINCT ON is not supported");
    }
    select->distinct = true;
  } else {
    Accept(Keyword::kAll);
  }
  do {
    STRATA_RETURN_IF_ERROR(ParseSelectItem(&select->items.emplace_back()));
  } while (Accept(TokenKind::kComma));
  return absl::OkStatus();
}

absl::Status Parser::ParseFromClause(Select* select) {
  Advance();  // FROM
  do {
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<TableRef> ref, ParseTableRef());
    select->from.push_back(std::move(ref));
  } while (Accept(TokenKind::kComma));
  return absl::OkStatus();
}

absl::Status Parser::ParseWhereGroupByHaving(Select* select) {
  if (Accept(Keyword::kWhere)) {
    STRATA_ASSIGN_OR_RETURN(select->where, ParseExpr());
  }
  if (Accept(Keyword::kGroup)) {
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kBy));
    const Token& first = Peek();
    if (first.kind == TokenKind::kWord &&
        (((first.text == "rollup" || first.text == "cube") &&
          Peek(1).kind == TokenKind::kLeftParen) ||
         (first.text == "grouping" && Peek(1).kind == TokenKind::kWord &&
          Peek(1).text == "sets"))) {
      return ErrorAt(first, "ROLLUP, CUBE and GROUPING SETS are not supported");
    }
    STRATA_ASSIGN_OR_RETURN(select->group_by, ParseExprList());
  }
  if (Accept(Keyword::kHaving)) {
    STRATA_ASSIGN_OR_RETURN(select->having, ParseExpr());
  }
  if (Peek().Is(Keyword::kWindow)) {
    return ErrorAt(Peek(), "WINDOW clauses (named windows) are not supported");
  }
  return absl::OkStatus();
}

size_t Parser::QualifiedWildcardLength() const {
  size_t length = 0;
  while (true) {
    const Token& part = Peek(length);
    // The first part must be a name; after a dot any word is one (t.order.*).
    const bool is_name =
        length == 0 ? part.IsIdentifier()
                    : part.kind == TokenKind::kWord || part.kind == TokenKind::kQuotedIdentifier;
    if (!is_name || Peek(length + 1).kind != TokenKind::kDot) {
      break;
    }
    length += 2;
  }
  return length > 0 && Peek(length).kind == TokenKind::kStar ? length : 0;
}

absl::Status Parser::ParseSelectItem(SelectItem* item) {
  item->position = Peek().offset;
  if (Accept(TokenKind::kStar)) {
    item->kind = SelectItem::Kind::kWildcard;
    return absl::OkStatus();
  }
  if (const size_t length = QualifiedWildcardLength(); length > 0) {
    item->kind = SelectItem::Kind::kWildcard;
    for (size_t i = 0; i < length; i += 2) {
      item->qualifier.push_back(MakeIdentifier(Advance()));
      Advance();  // '.'
    }
    Advance();  // '*'
    return absl::OkStatus();
  }
  STRATA_ASSIGN_OR_RETURN(item->expr, ParseExpr());
  if (Accept(Keyword::kAs)) {
    // After AS any word is a column alias, as in PostgreSQL: SELECT 1 AS order.
    STRATA_ASSIGN_OR_RETURN(item->alias, ParseIdentifier("a column alias after AS", true));
  } else if (Peek().IsIdentifier()) {
    item->alias = MakeIdentifier(Advance());
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// FROM

absl::StatusOr<std::unique_ptr<TableRef>> Parser::ParseTableRef() {
  DepthScope depth(this);
  STRATA_RETURN_IF_ERROR(depth.Enter());
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<TableRef> left, ParseTablePrimary());
  while (true) {
    const Token& token = Peek();
    JoinType type;
    if (token.Is(Keyword::kCross)) {
      Advance();
      type = JoinType::kCross;
    } else if (token.Is(Keyword::kJoin)) {
      type = JoinType::kInner;
    } else if (token.Is(Keyword::kInner)) {
      Advance();
      type = JoinType::kInner;
    } else if (token.Is(Keyword::kLeft) || token.Is(Keyword::kRight) || token.Is(Keyword::kFull)) {
      type = token.Is(Keyword::kLeft)    ? JoinType::kLeft
             : token.Is(Keyword::kRight) ? JoinType::kRight
                                         : JoinType::kFull;
      Advance();
      Accept(Keyword::kOuter);
    } else if (token.Is(Keyword::kNatural)) {
      return ErrorAt(token, "NATURAL joins are not supported (use USING or ON)");
    } else {
      return left;
    }
    const size_t position = Peek().offset;
    STRATA_RETURN_IF_ERROR(Expect(Keyword::kJoin));
    STRATA_RETURN_IF_ERROR(depth.Enter());
    auto join = std::make_unique<JoinTableRef>(position);
    join->join_type = type;
    join->left = std::move(left);
    STRATA_ASSIGN_OR_RETURN(join->right, ParseTablePrimary());
    if (type == JoinType::kCross) {
      if (Peek().Is(Keyword::kOn) || Peek().Is(Keyword::kUsing)) {
        return ErrorAt(Peek(), "a CROSS JOIN takes no ON or USING clause");
      }
    } else if (Accept(Keyword::kOn)) {
      STRATA_ASSIGN_OR_RETURN(join->condition, ParseExpr());
    } else if (Peek().Is(Keyword::kUsing)) {
      Advance();
      STRATA_ASSIGN_OR_RETURN(join->using_columns, ParseParenthesizedIdentifiers("a column name"));
    } else {
      return ErrorExpected("ON or USING after the joined table");
    }
    left = std::move(join);
  }
}

bool Parser::ParenthesisOpensQuery() const {
  size_t ahead = 0;
  while (Peek(ahead).kind == TokenKind::kLeftParen) {
    ++ahead;
  }
  return Peek(ahead).Is(Keyword::kSelect) || Peek(ahead).Is(Keyword::kWith);
}

absl::StatusOr<std::unique_ptr<TableRef>> Parser::ParseTablePrimary() {
  const Token& token = Peek();
  if (token.kind == TokenKind::kLeftParen) {
    return ParenthesisOpensQuery() ? ParseSubqueryTableRef() : ParseParenthesizedTableRef();
  }
  if (token.kind == TokenKind::kWord && token.text == "values") {
    return ErrorAt(token,
                   "expected a table name or '(', found 'VALUES': VALUES lists are not supported");
  }
  if (token.kind == TokenKind::kWord && token.text == "lateral" &&
      (Peek(1).kind == TokenKind::kLeftParen || Peek(1).kind == TokenKind::kWord)) {
    return ErrorAt(token, "LATERAL is not supported");
  }
  if (!token.IsIdentifier()) {
    if (token.kind == TokenKind::kWord) {
      return ErrorAt(token,
                     Concat("expected a table name or '(', found reserved keyword ",
                            Describe(token),
                            " (write it in double quotes to use it as a name)"));
    }
    return ErrorExpected("a table name or '('");
  }
  if (Peek(1).kind == TokenKind::kLeftParen) {
    return ParseTableFunction();
  }
  auto table = std::make_unique<NamedTableRef>(token.offset);
  STRATA_ASSIGN_OR_RETURN(table->name, ParseQualifiedName("a table name", 3));
  if (Peek().kind == TokenKind::kLeftParen) {
    return ErrorAt(Peek(), "expected a table alias or a join, found '(' after a qualified name");
  }
  STRATA_ASSIGN_OR_RETURN(table->alias, ParseOptionalTableAlias());
  return table;
}

absl::StatusOr<std::unique_ptr<TableRef>> Parser::ParseSubqueryTableRef() {
  auto subquery = std::make_unique<SubqueryTableRef>(Advance().offset);
  STRATA_ASSIGN_OR_RETURN(subquery->subquery, ParseQuery());
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  STRATA_ASSIGN_OR_RETURN(subquery->alias, ParseOptionalTableAlias());
  return subquery;
}

absl::StatusOr<std::unique_ptr<TableRef>> Parser::ParseParenthesizedTableRef() {
  Advance();  // '('
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<TableRef> ref, ParseTableRef());
  STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  return ref;
}

absl::StatusOr<std::unique_ptr<TableRef>> Parser::ParseTableFunction() {
  auto function = std::make_unique<TableFunctionRef>(Peek().offset);
  function->name = MakeIdentifier(Advance());
  Advance();  // '('
  if (!Accept(TokenKind::kRightParen)) {
    STRATA_ASSIGN_OR_RETURN(function->args, ParseExprList());
    STRATA_RETURN_IF_ERROR(Expect(TokenKind::kRightParen));
  }
  STRATA_ASSIGN_OR_RETURN(function->alias, ParseOptionalTableAlias());
  return function;
}

absl::StatusOr<std::optional<TableAlias>> Parser::ParseOptionalTableAlias() {
  std::optional<TableAlias> alias;
  if (Accept(Keyword::kAs)) {
    alias.emplace();
    STRATA_ASSIGN_OR_RETURN(alias->name, ParseIdentifier("a table alias after AS"));
  } else if (Peek().IsIdentifier()) {
    alias.emplace();
    alias->name = MakeIdentifier(Advance());
  } else {
    return alias;
  }
  if (Peek().kind == TokenKind::kLeftParen) {
    STRATA_ASSIGN_OR_RETURN(alias->columns, ParseParenthesizedIdentifiers("a column alias"));
  }
  return alias;
}

}  // namespace internal

absl::StatusOr<std::vector<std::unique_ptr<Statement>>> ParseStatements(
    std::string_view sql, const ParseOptions& options) {
  STRATA_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  return internal::Parser(sql, std::move(tokens), options).ParseStatementList();
}

absl::StatusOr<std::unique_ptr<Statement>> ParseStatement(std::string_view sql,
                                                          const ParseOptions& options) {
  STRATA_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Statement>> statements,
                          ParseStatements(sql, options));
  if (statements.size() > 1) {
    const size_t offset = statements[1]->position;
    return SyntaxError(
        sql,
        offset,
        internal::Concat("expected one statement, found a second one starting with '",
                         AbbreviateForMessage(sql.substr(offset), 20),
                         "'"));
  }
  return std::move(statements[0]);
}

absl::StatusOr<std::unique_ptr<Expr>> ParseExpression(std::string_view sql,
                                                      const ParseOptions& options) {
  STRATA_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  return internal::Parser(sql, std::move(tokens), options).ParseWholeExpression();
}

}  // namespace strata::sql
