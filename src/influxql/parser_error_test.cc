// Tests of the InfluxQL parser's errors: each message with its line and column and what was
// expected and found, unsupported statements named as such, literal limits, and the nesting limit
// that keeps deep input from exhausting the stack.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "influxql/ast.h"
#include "influxql/parser.h"
#include "sql/source_position.h"

namespace strata::influxql {
namespace {

using ::testing::HasSubstr;

// Returns the error message of a statement list that must fail to parse.
std::string Error(std::string_view text, const ParseOptions& options = {}) {
  absl::StatusOr<std::vector<std::unique_ptr<Statement>>> statements =
      ParseStatements(text, options);
  if (statements.ok()) {
    ADD_FAILURE() << "expected a syntax error for: " << text;
    return "";
  }
  EXPECT_EQ(statements.status().code(), absl::StatusCode::kInvalidArgument);
  const std::optional<size_t> offset = sql::SyntaxErrorOffset(statements.status());
  EXPECT_TRUE(offset.has_value());
  EXPECT_LE(offset.value_or(0), text.size());
  return std::string(statements.status().message());
}

void ExpectErrors(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [text, message] : cases) {
    EXPECT_EQ(Error(text), message) << text;
  }
}

TEST(ParserErrorTest, Select) {
  ExpectErrors({
      {"SELECT a", "syntax error at line 1, column 9: expected ',' or FROM, found end of input"},
      {"SELECT a WHERE b = 1",
       "syntax error at line 1, column 10: expected ',' or FROM, found 'WHERE'"},
      {"SELECT a b FROM m", "syntax error at line 1, column 10: expected ',' or FROM, found 'b'"},
      {"SELECT", "syntax error at line 1, column 7: expected an expression, found end of input"},
      {"SELECT FROM m", "syntax error at line 1, column 8: expected an expression, found 'FROM'"},
      {"SELECT a, FROM m",
       "syntax error at line 1, column 11: expected an expression, found 'FROM'"},
      {"SELECT a FROM",
       "syntax error at line 1, column 14: expected a measurement, a regular expression or '(', "
       "found end of input"},
      {"SELECT a FROM m WHERE",
       "syntax error at line 1, column 22: expected an expression, found end of input"},
      {"SELECT a FROM m xyz",
       "syntax error at line 1, column 17: expected end of statement, found 'xyz'"},
      {"SELECT a FROM m WHERE a = 1 b",
       "syntax error at line 1, column 29: expected end of statement, found 'b'"},
      {"SELECT a FROM m LIMIT 1 WHERE a = 1",
       "syntax error at line 1, column 25: expected end of statement, found 'WHERE'"},
      {"SELECT a FROM m GROUP host",
       "syntax error at line 1, column 23: expected BY after GROUP, found 'host'"},
      {"SELECT a AS FROM m",
       "syntax error at line 1, column 13: expected an alias after AS, found 'FROM'"},
      {"SELECT name FROM m",
       "syntax error at line 1, column 8: expected an expression, found keyword 'name' (write it "
       "in double quotes to use it as a name)"},
      {"SELECT a FROM measurement",
       "syntax error at line 1, column 15: expected a measurement, a regular expression or '(', "
       "found keyword 'measurement' (write it in double quotes to use it as a name)"},
      {"SELECT a AS key FROM m",
       "syntax error at line 1, column 13: expected an alias after AS, found keyword 'key' (write "
       "it in double quotes to use it as a name)"},
      {"SELECT (a FROM m",
       "syntax error at line 1, column 11: expected an operator or ')', found 'FROM'"},
      {"SELECT mean(a FROM m",
       "syntax error at line 1, column 15: expected ',' or ')' in the arguments of mean(), found "
       "'FROM'"},
      {"SELECT a + FROM m",
       "syntax error at line 1, column 12: expected an expression, found 'FROM'"},
      {"SELECT -'a' FROM m",
       "syntax error at line 1, column 9: expected a number, duration, name or '(' after '-', "
       "found string 'a'"},
      {"SELECT DISTINCT 1 FROM m",
       "syntax error at line 1, column 17: expected '(' or a field name after DISTINCT, found "
       "'1'"},
      {"SELECT a::int FROM m",
       "syntax error at line 1, column 11: expected float, integer, unsigned, string, boolean, "
       "field or tag after '::', found 'int'"},
      {"SELECT *::float FROM m",
       "syntax error at line 1, column 11: expected field or tag after '*::', found 'float'"},
      {"SELECT a.b.c.d FROM m",
       "syntax error at line 1, column 13: a field reference has at most 3 dotted parts"},
      {"SELECT a. FROM m",
       "syntax error at line 1, column 11: expected a name after '.', found 'FROM'"},
      {"SELECT a FROM a.b.c.d",
       "syntax error at line 1, column 20: a measurement has at most 3 dotted parts "
       "(database.retention_policy.measurement)"},
      {"SELECT a FROM a.b.c./d/",
       "syntax error at line 1, column 20: a measurement has at most 3 dotted parts "
       "(database.retention_policy.measurement)"},
      {"SELECT a FROM (SHOW DATABASES)",
       "syntax error at line 1, column 16: expected SELECT after '(', found 'SHOW'"},
      {"SELECT a FROM (SELECT b FROM m",
       "syntax error at line 1, column 31: expected ')' after the subquery, found end of input"},
      {"SELECT a FROM (SELECT b FROM m c)",
       "syntax error at line 1, column 32: expected ')' after the subquery, found 'c'"},
  });
}

TEST(ParserErrorTest, InvalidOperatorsInFields) {
  ExpectErrors({
      {"SELECT a = 1 FROM m",
       "syntax error at line 1, column 10: invalid operator = in the SELECT clause (comparison "
       "and logical operators are for the WHERE clause)"},
      {"SELECT a, mean(b > 1) + c FROM m",
       "syntax error at line 1, column 18: invalid operator > in the SELECT clause (comparison "
       "and logical operators are for the WHERE clause)"},
      {"SELECT a AND b OR c FROM m",
       "syntax error at line 1, column 10: invalid operator AND in the SELECT clause (comparison "
       "and logical operators are for the WHERE clause)"},
      {"SELECT a =~ /x/ FROM m",
       "syntax error at line 1, column 10: invalid operator =~ in the SELECT clause (comparison "
       "and logical operators are for the WHERE clause)"},
  });
}

TEST(ParserErrorTest, Regexes) {
  ExpectErrors({
      {"SELECT a FROM m WHERE h =~ /abc",
       "syntax error at line 1, column 28: unterminated regular expression"},
      {"SELECT a FROM /abc", "syntax error at line 1, column 15: unterminated regular expression"},
      {"SELECT a FROM m WHERE h =~ 'abc'",
       "syntax error at line 1, column 28: expected a regular expression (/.../) or a bound "
       "parameter after =~ or !~, found string 'abc'"},
      {"SELECT a FROM m WHERE h = /abc/",
       "syntax error at line 1, column 27: expected an expression, found '/' (a regular "
       "expression is allowed only after =~ and !~, as a whole field or function argument, in "
       "FROM and in GROUP BY)"},
      {"SELECT a FROM m WHERE h =~ /(ab/",
       "syntax error at line 1, column 28: invalid regular expression /(ab/: missing ): (ab"},
      {"SELECT a FROM /[z-a]/",
       "syntax error at line 1, column 15: invalid regular expression /[z-a]/: invalid character "
       "class range: z-a"},
      {"SELECT mean(/x/ + 1) FROM m",
       "syntax error at line 1, column 17: expected ',' or ')' in the arguments of mean(), found "
       "'+'"},
      {"SELECT /x/ + 1 FROM m",
       "syntax error at line 1, column 12: expected ',' or FROM, found '+'"},
      {"SELECT a FROM m WHERE h =~ /a\nb/",
       "syntax error at line 1, column 30: line break in regular expression"},
  });
}

TEST(ParserErrorTest, StringsAndIdentifiers) {
  ExpectErrors({
      {"SELECT a FROM m WHERE h = 'abc",
       "syntax error at line 1, column 27: unterminated string literal"},
      {"SELECT \"a FROM m", "syntax error at line 1, column 8: unterminated quoted identifier"},
      {"SELECT a FROM \"\"", "syntax error at line 1, column 15: empty quoted identifier"},
      {"SELECT a FROM m WHERE h = 'a\\xb'",
       "syntax error at line 1, column 29: invalid escape sequence \\x in string literal (the "
       "escapes are \\n, \\\\, \\' and \\\")"},
      {"SELECT a FROM m WHERE h = 'a\nb'",
       "syntax error at line 1, column 29: line break in string literal (write \\n for a "
       "newline)"},
      {"SELECT a FROM m WHERE h # 1",
       "syntax error at line 1, column 25: unexpected character '#'"},
      {"SELECT a FROM m WHERE h = $",
       "syntax error at line 1, column 27: expected a parameter "
       "name after '$'"},
      {"SELECT a FROM m /* comment", "syntax error at line 1, column 17: unterminated /* comment"},
  });
}

TEST(ParserErrorTest, Numbers) {
  ExpectErrors({
      {"SELECT 99999999999999999999 FROM m",
       "syntax error at line 1, column 8: integer 99999999999999999999 is out of range (integers "
       "are 64-bit)"},
      {"SELECT -9223372036854775809 FROM m",
       "syntax error at line 1, column 8: integer -9223372036854775809 is out of range (integers "
       "are 64-bit)"},
      {"SELECT -18446744073709551615 FROM m",
       "syntax error at line 1, column 8: integer -18446744073709551615 is out of range (integers "
       "are 64-bit)"},
      {"SELECT 1" + std::string(400, '0') + ".5 FROM m",
       "syntax error at line 1, column 8: number 1" + std::string(39, '0') +
           "... is out of "
           "range"},
      {"SELECT a FROM m GROUP BY time(5x)",
       "syntax error at line 1, column 31: invalid duration 5x: units are ns, u, µ, ms, s, m, h, "
       "d and w"},
      {"SELECT a FROM m WHERE time > now() - 1e5",
       "syntax error at line 1, column 38: invalid duration 1e5: units are ns, u, µ, ms, s, m, h, "
       "d and w"},
      {"SELECT 1000000w FROM m",
       "syntax error at line 1, column 8: duration 1000000w is out of range (the limit is "
       "9223372036854775807ns, about 292 years)"},
      {"SELECT a FROM m LIMIT -1",
       "syntax error at line 1, column 23: expected an integer after LIMIT, found '-'"},
      {"SELECT a FROM m LIMIT 1.5",
       "syntax error at line 1, column 23: expected an integer after LIMIT, found '1.5'"},
      {"SELECT a FROM m SLIMIT 99999999999999999999",
       "syntax error at line 1, column 24: SLIMIT 99999999999999999999 is out of range (the "
       "limit is 9223372036854775807)"},
      {"SELECT a FROM m OFFSET x",
       "syntax error at line 1, column 24: expected an integer after OFFSET, found 'x'"},
  });
}

TEST(ParserErrorTest, Clauses) {
  ExpectErrors({
      {"SELECT a FROM m GROUP BY time",
       "syntax error at line 1, column 26: GROUP BY time needs an interval: time(10m) or "
       "time(10m, offset)"},
      {"SELECT a FROM m GROUP BY time()",
       "syntax error at line 1, column 26: time() in GROUP BY takes an interval and an optional "
       "offset: time(10m) or time(10m, 5m)"},
      {"SELECT a FROM m GROUP BY time(1m, 2m, 3m)",
       "syntax error at line 1, column 26: time() in GROUP BY takes an interval and an optional "
       "offset: time(10m) or time(10m, 5m)"},
      {"SELECT a FROM m GROUP BY time(10)",
       "syntax error at line 1, column 31: the interval of time() must be a duration such as 10m"},
      {"SELECT a FROM m GROUP BY time(0s)",
       "syntax error at line 1, column 31: the interval of time() must be positive"},
      {"SELECT a FROM m GROUP BY time(-1m)",
       "syntax error at line 1, column 31: the interval of time() must be positive"},
      {"SELECT a FROM m GROUP BY time(1m, 2)",
       "syntax error at line 1, column 35: the offset of time() must be a duration or now()"},
      {"SELECT a FROM m GROUP BY time(1m, now(1))",
       "syntax error at line 1, column 35: the offset of time() must be a duration or now()"},
      {"SELECT a FROM m GROUP BY mean(x)",
       "syntax error at line 1, column 26: GROUP BY takes time(interval[, offset]), tag keys, * "
       "and regular expressions"},
      {"SELECT a FROM m GROUP BY host::field",
       "syntax error at line 1, column 26: GROUP BY takes time(interval[, offset]), tag keys, * "
       "and regular expressions"},
      {"SELECT a FROM m GROUP BY 'host'",
       "syntax error at line 1, column 26: GROUP BY takes time(interval[, offset]), tag keys, * "
       "and regular expressions"},
      {"SELECT a FROM m GROUP BY time(1m) fill(foo)",
       "syntax error at line 1, column 40: expected null, none, previous, linear or a number in "
       "fill(), found 'foo'"},
      {"SELECT a FROM m GROUP BY time(1m) fill()",
       "syntax error at line 1, column 40: expected null, none, previous, linear or a number in "
       "fill(), found ')'"},
      {"SELECT a FROM m GROUP BY time(1m) fill(1, 2)",
       "syntax error at line 1, column 41: expected ')' after the fill option, found ','"},
      {"SELECT a FROM m GROUP BY time(1m) fill(-x)",
       "syntax error at line 1, column 41: expected null, none, previous, linear or a number in "
       "fill(), found 'x'"},
      {"SELECT a FROM m GROUP BY time(1m) fill(18446744073709551615)",
       "syntax error at line 1, column 40: fill value 18446744073709551615 is out of range (the "
       "limit is 9223372036854775807)"},
      {"SELECT a FROM m GROUP BY time(1m) fill(99999999999999999999)",
       "syntax error at line 1, column 40: integer 99999999999999999999 is out of range "
       "(integers are 64-bit)"},
      {"SELECT a FROM diagnostics",
       "syntax error at line 1, column 15: expected a measurement, a regular expression or '(', "
       "found keyword 'diagnostics' (write it in double quotes to use it as a name)"},
      {"SELECT a FROM m ORDER BY host",
       "syntax error at line 1, column 26: only ORDER BY time is supported"},
      {"SELECT a FROM m ORDER BY time DESC, host",
       "syntax error at line 1, column 35: only ORDER BY time is supported (one sort key)"},
      {"SELECT a FROM m ORDER BY 1",
       "syntax error at line 1, column 26: expected time, ASC or DESC after ORDER BY, found '1'"},
      {"SELECT a FROM m ORDER time",
       "syntax error at line 1, column 23: expected BY after ORDER, found 'time'"},
      {"SELECT a FROM m tz(UTC)",
       "syntax error at line 1, column 20: expected a time zone name string in tz(), found 'UTC'"},
      {"SELECT a FROM m tz('UTC'",
       "syntax error at line 1, column 25: expected ')' after the time zone, found end of input"},
      {"SELECT a FROM m WHERE host IN ('a', 'b')",
       "syntax error at line 1, column 28: IN is not supported in InfluxQL expressions (write tag "
       "= 'a' OR tag = 'b')"},
  });
}

TEST(ParserErrorTest, IntoIsNotSupported) {
  ExpectErrors({
      {"SELECT mean(a) INTO b FROM c",
       "syntax error at line 1, column 16: SELECT ... INTO is not supported: strata does not "
       "write query results back into a database"},
      {"SELECT * INTO db.rp.:MEASUREMENT FROM /.*/ GROUP BY *",
       "syntax error at line 1, column 10: SELECT ... INTO is not supported: strata does not "
       "write query results back into a database"},
      {"SELECT a FROM (SELECT b INTO c FROM d)",
       "syntax error at line 1, column 25: SELECT ... INTO is not supported: strata does not "
       "write query results back into a database"},
  });
}

TEST(ParserErrorTest, ShowAndExplain) {
  ExpectErrors({
      {"SHOW",
       "syntax error at line 1, column 5: expected DATABASES, MEASUREMENTS, TAG KEYS, TAG "
       "VALUES, FIELD KEYS, SERIES or RETENTION POLICIES after SHOW, found end of input"},
      {"SHOW TABLES",
       "syntax error at line 1, column 6: expected DATABASES, MEASUREMENTS, TAG KEYS, TAG "
       "VALUES, FIELD KEYS, SERIES or RETENTION POLICIES after SHOW, found 'TABLES'"},
      {"SHOW TAG x",
       "syntax error at line 1, column 10: expected KEYS or VALUES after SHOW TAG, "
       "found 'x'"},
      {"SHOW FIELD VALUES",
       "syntax error at line 1, column 12: expected KEYS after SHOW FIELD, found 'VALUES'"},
      {"SHOW RETENTION",
       "syntax error at line 1, column 15: expected POLICIES after SHOW RETENTION, found end of "
       "input"},
      {"SHOW MEASUREMENT",
       "syntax error at line 1, column 17: expected EXACT or CARDINALITY after SHOW MEASUREMENT, "
       "found end of input"},
      {"SHOW TAG VALUES FROM cpu",
       "syntax error at line 1, column 25: expected WITH KEY after SHOW TAG VALUES, found end of "
       "input"},
      {"SHOW TAG VALUES WITH host = x",
       "syntax error at line 1, column 22: expected KEY after WITH, found 'host'"},
      {"SHOW TAG VALUES WITH KEY host",
       "syntax error at line 1, column 26: expected =, !=, =~, !~ or IN after WITH KEY, found "
       "'host'"},
      {"SHOW TAG VALUES WITH KEY =~ host",
       "syntax error at line 1, column 29: expected a regular expression (/.../), found 'host'"},
      {"SHOW TAG VALUES WITH KEY IN host",
       "syntax error at line 1, column 29: expected '(' after IN, found 'host'"},
      {"SHOW TAG VALUES WITH KEY IN (a b)",
       "syntax error at line 1, column 32: expected ',' or ')' in the tag key list, found 'b'"},
      {"SHOW TAG VALUES WITH KEY = 'host'",
       "syntax error at line 1, column 28: expected a tag key, found string 'host'"},
      {"SHOW MEASUREMENTS WITH MEASUREMENT cpu",
       "syntax error at line 1, column 36: expected = or =~ after WITH MEASUREMENT, found 'cpu'"},
      {"SHOW MEASUREMENTS ON",
       "syntax error at line 1, column 21: expected a database name after ON, found end of "
       "input"},
      {"SHOW FIELD KEYS WHERE a = 1",
       "syntax error at line 1, column 17: expected end of statement, found 'WHERE'"},
      {"SHOW DATABASES ON db",
       "syntax error at line 1, column 16: expected end of statement, found 'ON'"},
      {"EXPLAIN",
       "syntax error at line 1, column 8: expected ANALYZE or SELECT after EXPLAIN, "
       "found end of input"},
      {"EXPLAIN SHOW DATABASES",
       "syntax error at line 1, column 9: expected ANALYZE or SELECT after EXPLAIN, found 'SHOW'"},
      {"EXPLAIN ANALYZE ANALYZE SELECT a FROM m",
       "syntax error at line 1, column 17: expected SELECT after EXPLAIN ANALYZE, found 'ANALYZE'"},
  });
}

TEST(ParserErrorTest, UnsupportedStatements) {
  ExpectErrors({
      {"CREATE DATABASE foo",
       "syntax error at line 1, column 1: CREATE DATABASE is not supported by strata (a database "
       "is created by its first write)"},
      {"create retention policy rp on db duration 1d replication 1",
       "syntax error at line 1, column 1: CREATE RETENTION POLICY is not supported by strata"},
      {"CREATE USER admin WITH PASSWORD 'x'",
       "syntax error at line 1, column 1: CREATE USER is not supported by strata"},
      {"CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(a) INTO b FROM c GROUP BY time(1m) END",
       "syntax error at line 1, column 1: CREATE CONTINUOUS QUERY is not supported by strata"},
      {"CREATE SUBSCRIPTION s ON db.rp DESTINATIONS ALL 'udp://h:1'",
       "syntax error at line 1, column 1: CREATE SUBSCRIPTION is not supported by strata"},
      {"CREATE TABLE t", "syntax error at line 1, column 1: CREATE is not supported by strata"},
      {"DROP DATABASE foo",
       "syntax error at line 1, column 1: DROP DATABASE is not supported by strata"},
      {"DROP MEASUREMENT cpu",
       "syntax error at line 1, column 1: DROP MEASUREMENT is not supported by strata"},
      {"DROP SERIES FROM cpu WHERE host = 'a'",
       "syntax error at line 1, column 1: DROP SERIES is not supported by strata"},
      {"DROP SHARD 1", "syntax error at line 1, column 1: DROP SHARD is not supported by strata"},
      {"ALTER RETENTION POLICY rp ON db DURATION 2d",
       "syntax error at line 1, column 1: ALTER RETENTION POLICY is not supported by strata"},
      {"GRANT ALL TO admin", "syntax error at line 1, column 1: GRANT is not supported by strata"},
      {"REVOKE READ ON db FROM u",
       "syntax error at line 1, column 1: REVOKE is not supported by strata"},
      {"DELETE FROM cpu WHERE time < '2020-01-01'",
       "syntax error at line 1, column 1: DELETE is not supported by strata"},
      {"KILL QUERY 36", "syntax error at line 1, column 1: KILL QUERY is not supported by strata"},
      {"SET PASSWORD FOR u = 'x'",
       "syntax error at line 1, column 1: SET PASSWORD is not supported by strata"},
      {"INSERT cpu,host=a value=1",
       "syntax error at line 1, column 1: INSERT is not supported by strata"},
      {"SHOW USERS", "syntax error at line 1, column 1: SHOW USERS is not supported by strata"},
      {"SHOW GRANTS FOR u",
       "syntax error at line 1, column 1: SHOW GRANTS is not supported by strata"},
      {"SHOW CONTINUOUS QUERIES",
       "syntax error at line 1, column 1: SHOW CONTINUOUS QUERIES is not supported by strata"},
      {"SHOW QUERIES", "syntax error at line 1, column 1: SHOW QUERIES is not supported by strata"},
      {"SHOW SHARDS", "syntax error at line 1, column 1: SHOW SHARDS is not supported by strata"},
      {"SHOW SHARD GROUPS",
       "syntax error at line 1, column 1: SHOW SHARD GROUPS is not supported by strata"},
      {"SHOW STATS", "syntax error at line 1, column 1: SHOW STATS is not supported by strata"},
      {"SHOW DIAGNOSTICS",
       "syntax error at line 1, column 1: SHOW DIAGNOSTICS is not supported by strata"},
      {"SHOW SUBSCRIPTIONS",
       "syntax error at line 1, column 1: SHOW SUBSCRIPTIONS is not supported by strata"},
      {"SHOW SERIES CARDINALITY",
       "syntax error at line 1, column 1: SHOW SERIES CARDINALITY is not supported by strata"},
      {"SHOW SERIES EXACT CARDINALITY ON db",
       "syntax error at line 1, column 1: SHOW SERIES EXACT CARDINALITY is not supported by "
       "strata"},
      {"SHOW MEASUREMENT CARDINALITY",
       "syntax error at line 1, column 1: SHOW MEASUREMENT CARDINALITY is not supported by "
       "strata"},
      {"SHOW TAG KEY EXACT CARDINALITY",
       "syntax error at line 1, column 1: SHOW TAG KEY EXACT CARDINALITY is not supported by "
       "strata"},
      {"SHOW TAG VALUES CARDINALITY WITH KEY = host",
       "syntax error at line 1, column 1: SHOW TAG VALUES CARDINALITY is not supported by strata"},
      {"SHOW FIELD KEY CARDINALITY",
       "syntax error at line 1, column 1: SHOW FIELD KEY CARDINALITY is not supported by strata"},
      {"SELECT a FROM m;\n  DROP SERIES FROM cpu",
       "syntax error at line 2, column 3: DROP SERIES is not supported by strata"},
  });
}

TEST(ParserErrorTest, StatementLists) {
  ExpectErrors({
      {"", "syntax error at line 1, column 1: expected a statement, found end of input"},
      {" ;; ", "syntax error at line 1, column 5: expected a statement, found end of input"},
      {"-- only a comment",
       "syntax error at line 1, column 18: expected a statement, found end of input"},
      {"foo",
       "syntax error at line 1, column 1: expected a statement (SELECT, SHOW or EXPLAIN), found "
       "'foo'"},
      {"SELECT a FROM m SELECT b FROM n",
       "syntax error at line 1, column 17: expected end of statement, found 'SELECT'"},
      {"SELECT a FROM m; SELECT",
       "syntax error at line 1, column 24: expected an expression, found end of input"},
      {"SELECT a FROM m WHERE a = 1\n  AND b =",
       "syntax error at line 2, column 10: expected an expression, found end of input"},
      {"SELECT a FROM m \xff", "syntax error at line 1, column 17: invalid UTF-8"},
      {std::string("SELECT a FROM m\0", 16),
       "syntax error at line 1, column 16: unexpected NUL character"},
  });
}

TEST(ParserErrorTest, ParseStatementWantsExactlyOne) {
  absl::StatusOr<std::unique_ptr<Statement>> statement =
      ParseStatement("SELECT a FROM m; SHOW DATABASES");
  ASSERT_FALSE(statement.ok());
  EXPECT_EQ(statement.status().message(),
            "syntax error at line 1, column 18: expected one statement, found a second one "
            "starting with 'SHOW DATABASES'");
  EXPECT_EQ(sql::SyntaxErrorOffset(statement.status()), 17u);
}

TEST(ParserErrorTest, ParseExpressionWantsTheWholeText) {
  auto error = [](std::string_view text) {
    absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpression(text);
    EXPECT_FALSE(expr.ok()) << text;
    return expr.ok() ? std::string() : std::string(expr.status().message());
  };
  EXPECT_EQ(error("a b"),
            "syntax error at line 1, column 3: expected end of expression, found 'b'");
  EXPECT_EQ(error("a;"), "syntax error at line 1, column 2: expected end of expression, found ';'");
  EXPECT_EQ(error(""),
            "syntax error at line 1, column 1: expected an expression, found end of input");
  EXPECT_EQ(error("a = 'x"), "syntax error at line 1, column 5: unterminated string literal");
}

TEST(ParserErrorTest, LongTokensAreAbbreviated) {
  const std::string long_name(200, 'x');
  EXPECT_EQ(Error("SELECT a FROM m " + long_name),
            "syntax error at line 1, column 17: expected end of statement, found '" +
                std::string(40, 'x') + "...'");
}

TEST(ParserErrorTest, LiteralSizeLimit) {
  ParseOptions options;
  options.max_literal_bytes = 16;
  EXPECT_TRUE(
      ParseStatement("SELECT a FROM m WHERE h = '" + std::string(16, 'x') + "'", options).ok());
  EXPECT_EQ(Error("SELECT a FROM m WHERE h = '" + std::string(17, 'x') + "'", options),
            "syntax error at line 1, column 27: string literal is too long (17 bytes; the limit is "
            "16)");
  EXPECT_EQ(Error("SELECT a FROM /" + std::string(17, 'x') + "/", options),
            "syntax error at line 1, column 15: regular expression is too long (17 bytes; the "
            "limit is 16)");
  // A dotted field reference is one name, which must fit too (it prints as one identifier).
  EXPECT_TRUE(ParseStatement(
                  "SELECT " + std::string(8, 'a') + "." + std::string(7, 'b') + " FROM m", options)
                  .ok());
  EXPECT_EQ(Error("SELECT " + std::string(8, 'a') + "." + std::string(8, 'b') + " FROM m", options),
            "syntax error at line 1, column 8: field name is too long (17 bytes; the limit is 16)");
  // The default limit is 1 MiB.
  EXPECT_TRUE(ParseStatement("SELECT a FROM m WHERE h = '" + std::string(1 << 20, 'x') + "'").ok());
  EXPECT_THAT(Error("SELECT a FROM m WHERE h = '" + std::string((1 << 20) + 1, 'x') + "'"),
              HasSubstr("string literal is too long (1048577 bytes; the limit is 1048576)"));
}

// ---------------------------------------------------------------------------------------------
// Depth limits: deep input fails cleanly, never by stack overflow.

std::string Repeat(std::string_view text, int count) {
  std::string out;
  out.reserve(text.size() * count);
  for (int i = 0; i < count; ++i) {
    out += text;
  }
  return out;
}

TEST(ParserDepthTest, NestedParenthesesUpToTheLimit) {
  auto nested = [](int depth) {
    return "SELECT " + std::string(depth, '(') + "a" + std::string(depth, ')') + " FROM m";
  };
  EXPECT_TRUE(ParseStatement(nested(900)).ok());
  EXPECT_THAT(Error(nested(5000)),
              HasSubstr("query nested too deeply (the limit is 1000 levels of nested expressions, "
                        "operators and subqueries)"));
  ParseOptions small;
  small.max_depth = 10;
  EXPECT_THAT(Error(nested(20), small), HasSubstr("the limit is 10 levels"));
}

TEST(ParserDepthTest, DeepInputOfEveryKindFailsCleanly) {
  const int n = 100000;
  const std::string inputs[] = {
      "SELECT " + Repeat("-(", n) + "a",
      "SELECT a" + Repeat(" + a", n) + " FROM m",
      "SELECT a FROM m WHERE a" + Repeat(" OR a", n),
      "SELECT a FROM m WHERE a" + Repeat(" =~ /x/", n),
      "SELECT " + Repeat("f(", n) + Repeat(")", n) + " FROM m",
      "SELECT " + Repeat("(", n),
      "SELECT a FROM " + Repeat("(SELECT a FROM ", n) + "m" + Repeat(")", n),
      "EXPLAIN SELECT a FROM " + Repeat("(SELECT a FROM ", n),
      "SELECT a FROM m GROUP BY " + Repeat("time(", n),
      "SHOW SERIES WHERE " + Repeat("(", n),
  };
  for (const std::string& text : inputs) {
    EXPECT_THAT(Error(text), HasSubstr("nested too deeply")) << text.substr(0, 40);
  }
}

// The deepest input of each kind that the default limit accepts parses, prints, re-parses and is
// destroyed without exhausting the stack (this matters most in the ASan build, whose frames are
// larger).
TEST(ParserDepthTest, DeepestAcceptedInputOfEveryKindWorks) {
  const std::function<std::string(int)> generators[] = {
      [](int n) { return "SELECT " + Repeat("(", n) + "a" + Repeat(")", n) + " FROM m"; },
      [](int n) { return "SELECT " + Repeat("-(", n) + "a" + Repeat(")", n) + " FROM m"; },
      [](int n) { return "SELECT a" + Repeat(" + a", n) + " FROM m"; },
      [](int n) { return "SELECT a FROM m WHERE a" + Repeat(" OR a", n); },
      [](int n) { return "SELECT a FROM m WHERE a" + Repeat(" =~ /x/", n); },
      [](int n) { return "SELECT " + Repeat("f(", n) + "a" + Repeat(")", n) + " FROM m"; },
      [](int n) { return "SELECT a FROM " + Repeat("(SELECT a FROM ", n) + "m" + Repeat(")", n); },
      [](int n) {
        return "SELECT a FROM m WHERE " + Repeat("(a = 1 OR ", n) + "b" + Repeat(")", n);
      },
  };
  for (const auto& generate : generators) {
    int accepted = 0;  // Binary search for the largest n that parses.
    int rejected = 2 * kDefaultMaxParseDepth + 2;
    while (rejected - accepted > 1) {
      const int n = (accepted + rejected) / 2;
      (ParseStatement(generate(n)).ok() ? accepted : rejected) = n;
    }
    const std::string text = generate(accepted);
    SCOPED_TRACE(text.substr(0, 40) + " at n = " + std::to_string(accepted));
    EXPECT_GE(accepted, 150);  // Even the costliest kinds nest deeply enough for real queries.
    absl::StatusOr<std::unique_ptr<Statement>> statement = ParseStatement(text);
    ASSERT_TRUE(statement.ok()) << statement.status();
    const std::string canonical = (*statement)->ToString();
    EXPECT_FALSE(canonical.empty());
    EXPECT_THAT(Error(generate(accepted + 1)), HasSubstr("nested too deeply"));
  }
}

TEST(ParserDepthTest, LongFlatListsAreNotDeep) {
  std::string fields = "SELECT a0";
  std::string sources = "SELECT a FROM m0";
  std::string args = "SELECT f(a0";
  std::string keys = "SHOW TAG VALUES WITH KEY IN (k0";
  for (int i = 1; i < 20000; ++i) {
    fields += ", a" + std::to_string(i);
    sources += ", m" + std::to_string(i);
    args += ", a" + std::to_string(i);
    keys += ", k" + std::to_string(i);
  }
  EXPECT_TRUE(ParseStatement(fields + " FROM m").ok());
  EXPECT_TRUE(ParseStatement(sources).ok());
  EXPECT_TRUE(ParseStatement(args + ") FROM m").ok());
  EXPECT_TRUE(ParseStatement(keys + ")").ok());
}

}  // namespace
}  // namespace strata::influxql
