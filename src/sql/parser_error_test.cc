// Tests of the parser's errors: each message with its position and what was expected and found,
// unsupported syntax named as such, and the nesting limit that keeps deep input from exhausting
// the stack.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/ast.h"
#include "sql/parser.h"
#include "sql/source_position.h"

namespace strata::sql {
namespace {

using ::testing::HasSubstr;

// Returns the error message of a statement that must fail to parse.
std::string Error(std::string_view sql, const ParseOptions& options = {}) {
  absl::StatusOr<std::vector<std::unique_ptr<Statement>>> statements =
      ParseStatements(sql, options);
  if (statements.ok()) {
    ADD_FAILURE() << "expected a syntax error for: " << sql;
    return "";
  }
  EXPECT_EQ(statements.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(SyntaxErrorOffset(statements.status()).has_value());
  return std::string(statements.status().message());
}

std::string ExpressionError(std::string_view sql) {
  absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpression(sql);
  if (expr.ok()) {
    ADD_FAILURE() << "expected a syntax error for: " << sql;
    return "";
  }
  return std::string(expr.status().message());
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(ParserErrorTest, ExpectedAndFound) {
  const std::pair<const char*, const char*> cases[] = {
      {"SELECT a FROM t WHERE (a + )",
       "syntax error at line 1, column 28: expected an expression, found ')'"},
      {"SELECT", "syntax error at line 1, column 7: expected an expression, found end of input"},
      {"SELECT a,",
       "syntax error at line 1, column 10: expected an expression, found end of input"},
      {"SELECT a, FROM t",
       "syntax error at line 1, column 11: expected an expression, found 'FROM'"},
      {"SELECT a FROM",
       "syntax error at line 1, column 14: expected a table name or '(', found end of input"},
      {"SELECT a FROM t WHERE",
       "syntax error at line 1, column 22: expected an expression, found end of input"},
      {"SELECT a b c FROM t",
       "syntax error at line 1, column 12: expected end of statement, found 'c'"},
      {"SELECT a FROM t GROUP a", "syntax error at line 1, column 23: expected BY, found 'a'"},
      {"SELECT a FROM t ORDER a", "syntax error at line 1, column 23: expected BY, found 'a'"},
      {"SELECT (a",
       "syntax error at line 1, column 10: expected an operator or ')', found end of input"},
      {"SELECT f(a",
       "syntax error at line 1, column 11: expected ',', ORDER BY or ')' in the argument list, "
       "found end of input"},
      {"SELECT a IN (1, 2",
       "syntax error at line 1, column 18: expected ',' or ')' in the IN list, found end of input"},
      {"SELECT a IN 1", "syntax error at line 1, column 13: expected '(' after IN, found '1'"},
      {"SELECT a IN ()", "syntax error at line 1, column 14: expected an expression, found ')'"},
      {"SELECT CASE END", "syntax error at line 1, column 13: expected an expression, found 'END'"},
      {"SELECT CASE WHEN a THEN b",
       "syntax error at line 1, column 26: expected WHEN, ELSE or END, found end of input"},
      {"SELECT CASE a END", "syntax error at line 1, column 15: expected WHEN, found 'END'"},
      {"SELECT CAST(a)", "syntax error at line 1, column 14: expected AS, found ')'"},
      {"SELECT CAST(a AS)", "syntax error at line 1, column 17: expected a type name, found ')'"},
      {"SELECT a::", "syntax error at line 1, column 11: expected a type name, found end of input"},
      {"SELECT a::varchar(x)",
       "syntax error at line 1, column 19: expected an integer type parameter, found 'x'"},
      {"SELECT a BETWEEN 1", "syntax error at line 1, column 19: expected AND, found end of input"},
      {"SELECT a IS 5",
       "syntax error at line 1, column 13: expected NOT, NULL, TRUE, FALSE, UNKNOWN or DISTINCT "
       "FROM after IS, found '5'"},
      {"SELECT a IS NOT 5",
       "syntax error at line 1, column 17: expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM "
       "after IS NOT, found '5'"},
      {"SELECT a IS DISTINCT b", "syntax error at line 1, column 22: expected FROM, found 'b'"},
      {"SELECT EXISTS 1",
       "syntax error at line 1, column 15: expected '(' after EXISTS, found '1'"},
      {"SELECT EXISTS (1)", "syntax error at line 1, column 16: expected SELECT or '(', found '1'"},
      {"SELECT * FROM a JOIN b",
       "syntax error at line 1, column 23: expected ON or USING after the joined table, found end "
       "of input"},
      {"SELECT * FROM a LEFT b", "syntax error at line 1, column 22: expected JOIN, found 'b'"},
      {"SELECT * FROM a CROSS JOIN b ON true",
       "syntax error at line 1, column 30: a CROSS JOIN takes no ON or USING clause"},
      {"SELECT * FROM a JOIN b USING ()",
       "syntax error at line 1, column 31: expected a column name, found ')'"},
      {"SELECT * FROM a AS",
       "syntax error at line 1, column 19: expected a table alias after AS, found end of input"},
      {"SELECT * FROM a AS select",
       "syntax error at line 1, column 20: expected a table alias after AS, found reserved keyword "
       "'select' (write it in double quotes to use it as a name)"},
      {"SELECT * FROM select",
       "syntax error at line 1, column 15: expected a table name or '(', found reserved keyword "
       "'select' (write it in double quotes to use it as a name)"},
      {"SELECT a AS FROM t",
       "syntax error at line 1, column 18: expected end of statement, found 't'"},
      {"SELECT 1 UNION",
       "syntax error at line 1, column 15: expected SELECT or '(', found end of input"},
      {"SELECT a FROM t ORDER BY a NULLS",
       "syntax error at line 1, column 33: expected FIRST or LAST after NULLS, found end of input"},
      {"SELECT a FROM t LIMIT",
       "syntax error at line 1, column 22: expected an expression, found end of input"},
      {"SELECT a FROM t LIMIT 1 LIMIT 2",
       "syntax error at line 1, column 25: expected end of statement, found 'LIMIT'"},
      {"SELECT a FROM t FETCH FIRST 3",
       "syntax error at line 1, column 30: expected ROW or ROWS, found end of input"},
      {"WITH a AS SELECT 1", "syntax error at line 1, column 11: expected '(', found 'SELECT'"},
      {"WITH a (SELECT 1) SELECT 1",
       "syntax error at line 1, column 9: expected a column name, found reserved keyword 'SELECT' "
       "(write it in double quotes to use it as a name)"},
      {"WITH AS (SELECT 1) SELECT 1",
       "syntax error at line 1, column 6: expected a name for the WITH query, found reserved "
       "keyword 'AS' (write it in double quotes to use it as a name)"},
      {"SELECT 1 SELECT 2",
       "syntax error at line 1, column 10: expected end of statement, found 'SELECT'"},
      {"SELECT a.b.c.d.e FROM t",
       "syntax error at line 1, column 15: expected a column name of at most 4 dotted parts, found "
       "another '.'"},
      {"SELECT * FROM a.b.c.d",
       "syntax error at line 1, column 20: expected a table name of at most 3 dotted parts, found "
       "another '.'"},
      {"SELECT a., b", "syntax error at line 1, column 10: expected a name after '.', found ','"},
      {"SELECT a.b(1)",
       "syntax error at line 1, column 11: expected an operator after the column name a.b, found "
       "'(' (function names cannot be qualified)"},
      {"SELECT 'a' 'b'",
       "syntax error at line 1, column 12: expected end of statement, found string 'b'"},
      {"SELECT f(x) OVER (ORDER BY a b)",
       "syntax error at line 1, column 30: expected ROWS, RANGE, GROUPS or ')', found 'b'"},
      {"SELECT f(x) OVER (x)",
       "syntax error at line 1, column 19: expected PARTITION BY, ORDER BY, ROWS, RANGE, GROUPS or "
       "')', found 'x'"},
      {"SELECT f(x) OVER (ROWS UNBOUNDED)",
       "syntax error at line 1, column 33: expected PRECEDING or FOLLOWING after UNBOUNDED, found "
       "')'"},
      {"SELECT f(x) OVER (ROWS 1)",
       "syntax error at line 1, column 25: expected PRECEDING or FOLLOWING after the frame offset, "
       "found ')'"},
      {"SELECT f(x) OVER (ROWS UNBOUNDED FOLLOWING)",
       "syntax error at line 1, column 24: a window frame cannot start at UNBOUNDED FOLLOWING"},
      {"SELECT f(x) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING)",
       "syntax error at line 1, column 48: a window frame cannot end at UNBOUNDED PRECEDING"},
      {"SELECT f(x) OVER (ROWS CURRENT)",
       "syntax error at line 1, column 31: expected ROW, found ')'"},
      {"SELECT f(x) FILTER (x)", "syntax error at line 1, column 21: expected WHERE, found 'x'"},
      {"SELECT count(DISTINCT)",
       "syntax error at line 1, column 22: expected an expression, found ')'"},
      {"SELECT substring(s FROM 1 2)",
       "syntax error at line 1, column 27: expected ')' after the substring arguments, found '2'"},
      {"SELECT trim(BOTH 'x' FROM s 'y')",
       "syntax error at line 1, column 29: expected ')' after the trim arguments, found string "
       "'y'"},
      {"SELECT trim(s 'y')",
       "syntax error at line 1, column 15: expected ',', FROM or ')' in trim, found string 'y'"},
      {"SELECT trim(LEADING FROM)",
       "syntax error at line 1, column 25: expected an expression, found ')'"},
      {"SELECT position('a', s)",
       "syntax error at line 1, column 20: expected IN in position(substring IN string), found "
       "','"},
      {"SELECT position('a' IN s = 'b')",
       "syntax error at line 1, column 26: expected ')', found '='"},
      {"SELECT a FROM t WHERE a = 1\n  AND b =",
       "syntax error at line 2, column 10: expected an expression, found end of input"},
      {"SELECT 1e400", "syntax error at line 1, column 8: numeric literal 1e400 is out of range"},
      {"SELECT a::varchar(99999999999999999999)",
       "syntax error at line 1, column 19: type parameter is out of range"},
      {"EXPLAIN",
       "syntax error at line 1, column 8: expected ANALYZE, VERBOSE or a query after EXPLAIN, "
       "found end of input"},
      {"EXPLAIN ANALYZE SHOW TABLES",
       "syntax error at line 1, column 17: expected VERBOSE or a query after EXPLAIN ANALYZE, "
       "found 'SHOW'"},
      {"SHOW",
       "syntax error at line 1, column 5: expected TABLES or COLUMNS after SHOW, found end of "
       "input"},
      {"SHOW ALL",
       "syntax error at line 1, column 6: expected TABLES or COLUMNS after SHOW, found 'ALL'"},
      {"SHOW COLUMNS cpu",
       "syntax error at line 1, column 14: expected FROM after SHOW COLUMNS, found 'cpu'"},
      {"SHOW TABLES x", "syntax error at line 1, column 13: expected end of statement, found 'x'"},
  };
  for (const auto& [sql, message] : cases) {
    EXPECT_EQ(Error(sql), message) << sql;
  }
}

TEST(ParserErrorTest, StatementsAndUnsupportedSyntax) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "syntax error at line 1, column 1: expected a statement, found end of input"},
      {" ;; ", "syntax error at line 1, column 5: expected a statement, found end of input"},
      {"-- just a comment",
       "syntax error at line 1, column 18: expected a statement, found end of input"},
      {"foo",
       "syntax error at line 1, column 1: expected a statement (SELECT, WITH, EXPLAIN or SHOW), "
       "found 'foo'"},
      {"INSERT INTO t VALUES (1)",
       "syntax error at line 1, column 1: expected a statement (SELECT, WITH, EXPLAIN or SHOW), "
       "found 'INSERT': INSERT statements are not supported"},
      {"SELECT 1; delete from t",
       "syntax error at line 1, column 11: expected a statement (SELECT, WITH, EXPLAIN or SHOW), "
       "found 'delete': DELETE statements are not supported"},
      {"create table t (a int)",
       "syntax error at line 1, column 1: expected a statement (SELECT, WITH, EXPLAIN or SHOW), "
       "found 'create': CREATE statements are not supported"},
      {"VALUES (1)",
       "syntax error at line 1, column 1: expected a statement (SELECT, WITH, EXPLAIN or SHOW), "
       "found 'VALUES': VALUES statements are not supported"},
      {"SELECT * FROM (VALUES (1))",
       "syntax error at line 1, column 16: expected a table name or '(', found 'VALUES': VALUES "
       "lists are not supported"},
      {"(VALUES (1))",
       "syntax error at line 1, column 2: expected SELECT or '(', found 'VALUES': VALUES lists are "
       "not supported"},
      {"SELECT * FROM a NATURAL JOIN b",
       "syntax error at line 1, column 17: NATURAL joins are not supported (use USING or ON)"},
      {"WITH RECURSIVE a AS (SELECT 1) SELECT 1",
       "syntax error at line 1, column 6: WITH RECURSIVE is not supported"},
      {"SELECT DISTINCT ON (a) a FROM t",
       "syntax error at line 1, column 17: DISTINCT ON is not supported"},
      {"SELECT a FROM t WINDOW w AS ()",
       "syntax error at line 1, column 17: WINDOW clauses (named windows) are not supported"},
      {"SELECT count(*) OVER w FROM t",
       "syntax error at line 1, column 22: named windows (OVER name) are not supported"},
      {"SELECT (a, b) IN (SELECT 1, 2)",
       "syntax error at line 1, column 10: expected an operator or ')', found ','"},
      {"SELECT * FROM a, LATERAL (SELECT 1) b",
       "syntax error at line 1, column 18: LATERAL is not supported"},
      {"SELECT a FROM t GROUP BY ROLLUP (a)",
       "syntax error at line 1, column 26: ROLLUP, CUBE and GROUPING SETS are not supported"},
      {"SELECT a FROM t GROUP BY grouping sets ((a))",
       "syntax error at line 1, column 26: ROLLUP, CUBE and GROUPING SETS are not supported"},
      {"SELECT a = ANY (SELECT 1)",
       "syntax error at line 1, column 12: ANY and SOME comparisons are not supported (use IN)"},
      {"SELECT a < all (SELECT 1)",
       "syntax error at line 1, column 12: expected an expression, found 'all'"},
      {"SELECT 1 AS a; SELECT",
       "syntax error at line 1, column 22: expected an expression, found end of input"},
  };
  for (const auto& [sql, message] : cases) {
    EXPECT_EQ(Error(sql), message) << sql;
  }
}

TEST(ParserErrorTest, FieldAccessTakesOnlyAStringLiteral) {
  const std::pair<const char*, const char*> cases[] = {
      {"SELECT x[1]",
       "syntax error at line 1, column 10: expected a string literal field name, found '1'"},
      {"SELECT x[]",
       "syntax error at line 1, column 10: expected a string literal field name, found ']'"},
      {"SELECT x['a'",
       "syntax error at line 1, column 13: expected ']' after the field name, found end of "
       "input"},
      {"SELECT x['a', 'b']",
       "syntax error at line 1, column 13: expected ']' after the field name, found ','"},
      {"SELECT x[\"a\"]",
       "syntax error at line 1, column 10: expected a string literal field name, found '\"a\"'"},
      {"SELECT x[i]",
       "syntax error at line 1, column 10: expected a string literal field name, found 'i'"},
      {"SELECT x[1:2]",  // Slices: the lexer rejects the lone ':' first.
       "syntax error at line 1, column 11: unexpected character ':'"},
      {"SELECT ['a']", "syntax error at line 1, column 8: expected an expression, found '['"},
      {"SELECT x['a']]", "syntax error at line 1, column 14: expected end of statement, found ']'"},
  };
  for (const auto& [sql, message] : cases) {
    EXPECT_EQ(Error(sql), message) << sql;
  }
}

TEST(ParserErrorTest, ParseStatementWantsExactlyOne) {
  absl::StatusOr<std::unique_ptr<Statement>> statement = ParseStatement("SELECT 1; SELECT 2");
  ASSERT_FALSE(statement.ok());
  EXPECT_EQ(statement.status().message(),
            "syntax error at line 1, column 11: expected one statement, found a second one "
            "starting with 'SELECT 2'");
  EXPECT_EQ(SyntaxErrorOffset(statement.status()), 10u);
  EXPECT_TRUE(ParseStatement("SELECT 1;").ok());
}

TEST(ParserErrorTest, ParseExpressionWantsTheWholeText) {
  EXPECT_EQ(ExpressionError("a b"),
            "syntax error at line 1, column 3: expected end of expression, found 'b'");
  EXPECT_EQ(ExpressionError("a;"),
            "syntax error at line 1, column 2: expected end of expression, found ';'");
  EXPECT_EQ(ExpressionError(""),
            "syntax error at line 1, column 1: expected an expression, found end of input");
}

TEST(ParserErrorTest, LexicalErrorsComeThrough) {
  EXPECT_EQ(Error("SELECT 'abc"), "syntax error at line 1, column 8: unterminated string literal");
  EXPECT_EQ(Error("SELECT \"abc"),
            "syntax error at line 1, column 8: unterminated quoted identifier");
  EXPECT_EQ(Error("SELECT 1 /* abc"), "syntax error at line 1, column 10: unterminated /* comment");
}

TEST(ParserErrorTest, LongTokensAreAbbreviated) {
  const std::string long_name(200, 'x');
  const std::string message = Error("SELECT a b " + long_name);
  EXPECT_EQ(message,
            "syntax error at line 1, column 12: expected end of statement, found '" +
                std::string(40, 'x') + "...'");
}

// ---------------------------------------------------------------------------------------------
// Depth limits: deep input fails cleanly, never by stack overflow.

TEST(ParserDepthTest, NestedParenthesesUpToTheLimit) {
  auto nested = [](int depth) {
    return "SELECT " + std::string(depth, '(') + "1" + std::string(depth, ')');
  };
  EXPECT_TRUE(ParseStatement(nested(900)).ok());
  const std::string message = Error(nested(5000));
  EXPECT_THAT(message, HasSubstr("query nested too deeply (the limit is 1000 levels"));
  ParseOptions small;
  small.max_depth = 10;
  EXPECT_THAT(Error(nested(20), small), HasSubstr("the limit is 10 levels"));
}

TEST(ParserDepthTest, DeepInputOfEveryKindFailsCleanly) {
  auto repeat = [](std::string_view text, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
      out += text;
    }
    return out;
  };
  const int n = 100000;
  const std::string inputs[] = {
      "SELECT " + repeat("- ", n) + "1",
      "SELECT " + repeat("NOT ", n) + "a",
      "SELECT 1" + repeat(" + 1", n),
      "SELECT a" + repeat(" OR a", n),
      "SELECT a" + repeat("::int", n),
      "SELECT a" + repeat("['x']", n),
      "SELECT " + repeat("f(", n) + repeat(")", n),
      "SELECT " + repeat("(SELECT ", n) + "1" + repeat(")", n),
      "SELECT " + repeat("CASE WHEN ", n),
      "SELECT " + repeat("EXISTS (SELECT ", n),
      repeat("(", n) + "SELECT 1" + repeat(")", n),
      "SELECT 1" + repeat(" UNION SELECT 1", n),
      "SELECT * FROM a" + repeat(" JOIN a ON TRUE", n),
      "SELECT * FROM " + repeat("(", n) + "a" + repeat(")", n),
      "SELECT * FROM " + repeat("(SELECT * FROM ", n) + "a" + repeat(")", n),
      "SELECT a" + repeat(" IS NULL = a", n),
      "SELECT " + repeat("CAST(", n) + "a",
      "SELECT " + repeat("a IN (", n),
  };
  for (const std::string& sql : inputs) {
    const std::string message = Error(sql);
    EXPECT_THAT(message, HasSubstr("nested too deeply")) << sql.substr(0, 40);
  }
}

// The deepest input of each kind that the default limit accepts parses, prints and is destroyed
// without exhausting the stack (this matters most in the ASan build, whose frames are larger).
TEST(ParserDepthTest, DeepestAcceptedInputOfEveryKindWorks) {
  auto repeat = [](std::string_view text, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
      out += text;
    }
    return out;
  };
  const std::function<std::string(int)> generators[] = {
      [&](int n) { return "SELECT " + repeat("(", n) + "1" + repeat(")", n); },
      [&](int n) { return "SELECT " + repeat("- ", n) + "a"; },
      [&](int n) { return "SELECT " + repeat("NOT ", n) + "a"; },
      [&](int n) { return "SELECT a" + repeat(" OR a", n); },
      [&](int n) { return "SELECT " + repeat("f(", n) + "1" + repeat(")", n); },
      [&](int n) { return "SELECT " + repeat("(SELECT ", n) + "1" + repeat(")", n); },
      [&](int n) { return "SELECT " + repeat("EXISTS (SELECT ", n) + "1" + repeat(")", n); },
      [&](int n) { return "SELECT " + repeat("a IN (SELECT ", n) + "1" + repeat(")", n); },
      [&](int n) { return repeat("(", n) + "SELECT 1" + repeat(")", n); },
      [&](int n) { return "SELECT * FROM " + repeat("(SELECT * FROM ", n) + "a" + repeat(")", n); },
      [&](int n) { return "SELECT * FROM " + repeat("(", n) + "a" + repeat(")", n); },
      [&](int n) { return "SELECT * FROM a" + repeat(" JOIN (a", n) + repeat(") ON TRUE", n); },
      [&](int n) { return repeat("WITH a AS (", n) + "SELECT 1" + repeat(") SELECT 1", n); },
      [&](int n) { return "SELECT " + repeat("CASE WHEN a THEN ", n) + "1" + repeat(" END", n); },
      [&](int n) { return "SELECT " + repeat("CAST(", n) + "a" + repeat(" AS INT)", n); },
      [&](int n) { return "SELECT a" + repeat("['x']", n); },
      [&](int n) { return "SELECT " + repeat("sum(", n) + "1" + repeat(") OVER (ORDER BY a)", n); },
  };
  for (const auto& generate : generators) {
    int accepted = 0;  // Binary search for the largest n that parses.
    int rejected = 2 * kDefaultMaxParseDepth + 2;
    while (rejected - accepted > 1) {
      const int n = (accepted + rejected) / 2;
      (ParseStatement(generate(n)).ok() ? accepted : rejected) = n;
    }
    const std::string sql = generate(accepted);
    SCOPED_TRACE(sql.substr(0, 40) + " at n = " + std::to_string(accepted));
    EXPECT_GE(accepted, 150);  // Even the costliest kinds nest deeply enough for real queries.
    absl::StatusOr<std::unique_ptr<Statement>> statement = ParseStatement(sql);
    ASSERT_TRUE(statement.ok()) << statement.status();
    EXPECT_FALSE((*statement)->ToString().empty());
    EXPECT_THAT(Error(generate(accepted + 1)), HasSubstr("nested too deeply"));
  }
}

TEST(ParserDepthTest, LongFlatListsAreNotDeep) {
  std::string in_list = "SELECT a FROM t WHERE host IN ('h0'";
  std::string select_list = "SELECT a0";
  for (int i = 1; i < 20000; ++i) {
    in_list += ", 'h" + std::to_string(i) + "'";
    select_list += ", a" + std::to_string(i);
  }
  in_list += ")";
  EXPECT_TRUE(ParseStatement(in_list).ok());
  EXPECT_TRUE(ParseStatement(select_list).ok());
}

}  // namespace
}  // namespace strata::sql
