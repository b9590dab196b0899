// Tests of the SQL parser and the canonical printer: every construct round-trips to its canonical
// text (which parses back to itself), precedence and associativity are checked on the tree, and
// the AST's fields are checked for each node type. Errors and limits: parser_error_test.cc.
#include "sql/parser.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/ast.h"
#include "sql/source_position.h"

namespace strata::sql {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Parses one statement and returns its canonical text; also checks that the canonical text
// parses back to itself.
std::string Canonical(std::string_view sql) {
  absl::StatusOr<std::unique_ptr<Statement>> statement = ParseStatement(sql);
  if (!statement.ok()) {
    ADD_FAILURE() << sql << "\n  " << statement.status();
    return "";
  }
  const std::string canonical = (*statement)->ToString();
  absl::StatusOr<std::unique_ptr<Statement>> again = ParseStatement(canonical);
  if (!again.ok()) {
    ADD_FAILURE() << "canonical text does not parse: " << canonical << "\n  " << again.status();
    return canonical;
  }
  EXPECT_EQ((*again)->ToString(), canonical) << "canonical text is not a fixed point";
  return canonical;
}

std::string ExpressionError(std::string_view sql) {
  absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpression(sql);
  if (expr.ok()) {
    ADD_FAILURE() << "expected a syntax error for: " << sql;
    return "";
  }
  return std::string(expr.status().message());
}

std::unique_ptr<Expr> Expression(std::string_view sql) {
  absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpression(sql);
  EXPECT_TRUE(expr.ok()) << sql << "\n  " << expr.status();
  return expr.ok() ? *std::move(expr) : nullptr;
}

std::unique_ptr<Query> ParseQueryText(std::string_view sql) {
  absl::StatusOr<std::unique_ptr<Statement>> statement = ParseStatement(sql);
  EXPECT_TRUE(statement.ok()) << sql << "\n  " << statement.status();
  if (!statement.ok() || !(*statement)->Is<QueryStatement>()) {
    return nullptr;
  }
  return std::move((*statement)->As<QueryStatement>().query);
}

// A fully parenthesized prefix form of an expression tree, independent of the printer, so that
// precedence tests check the tree itself: a + b * c is (+ a (* b c)).
std::string Tree(const Expr& expr) {
  auto join = [](const std::vector<std::unique_ptr<Expr>>& list) {
    std::string out;
    for (const auto& item : list) {
      out += " " + Tree(*item);
    }
    return out;
  };
  switch (expr.kind) {
    case ExprKind::kLiteral: {
      const auto& literal = expr.As<LiteralExpr>();
      switch (literal.literal_kind) {
        case LiteralKind::kNull:
          return "NULL";
        case LiteralKind::kBoolean:
          return literal.boolean_value ? "TRUE" : "FALSE";
        case LiteralKind::kInteger:
          return "i" + std::to_string(literal.integer_value);
        case LiteralKind::kFloat:
          return "f" + literal.text;
        case LiteralKind::kString:
          return "'" + literal.text + "'";
        case LiteralKind::kTypedString:
          return literal.type.name + "'" + literal.text + "'";
        case LiteralKind::kInterval:
          return "interval'" + literal.text + "'" + literal.interval_unit;
      }
      return "?";
    }
    case ExprKind::kColumnRef: {
      std::string out;
      for (const Identifier& part : expr.As<ColumnRefExpr>().parts) {
        out += (out.empty() ? "" : ".") + part.value;
      }
      return out;
    }
    case ExprKind::kParameter:
      return "$" + expr.As<ParameterExpr>().name;
    case ExprKind::kUnary: {
      const auto& unary = expr.As<UnaryExpr>();
      return "(" + std::string(UnaryOperatorName(unary.op)) + " " + Tree(*unary.operand) + ")";
    }
    case ExprKind::kBinary: {
      const auto& binary = expr.As<BinaryExpr>();
      return "(" + std::string(BinaryOperatorName(binary.op)) + " " + Tree(*binary.left) + " " +
             Tree(*binary.right) + ")";
    }
    case ExprKind::kIs: {
      const auto& is = expr.As<IsExpr>();
      const char* predicates[] = {"NULL", "TRUE", "FALSE", "UNKNOWN"};
      return std::string("(IS ") + (is.negated ? "NOT " : "") +
             predicates[static_cast<int>(is.predicate)] + " " + Tree(*is.operand) + ")";
    }
    case ExprKind::kBetween: {
      const auto& between = expr.As<BetweenExpr>();
      return std::string(between.negated ? "(NOT BETWEEN " : "(BETWEEN ") + Tree(*between.operand) +
             " " + Tree(*between.low) + " " + Tree(*between.high) + ")";
    }
    case ExprKind::kInList: {
      const auto& in = expr.As<InListExpr>();
      return std::string(in.negated ? "(NOT IN " : "(IN ") + Tree(*in.operand) + join(in.list) +
             ")";
    }
    case ExprKind::kInSubquery: {
      const auto& in = expr.As<InSubqueryExpr>();
      return std::string(in.negated ? "(NOT IN " : "(IN ") + Tree(*in.operand) + " <" +
             in.subquery->ToString() + ">)";
    }
    case ExprKind::kExists: {
      const auto& exists = expr.As<ExistsExpr>();
      return std::string(exists.negated ? "(NOT EXISTS <" : "(EXISTS <") +
             exists.subquery->ToString() + ">)";
    }
    case ExprKind::kSubquery:
      return "<" + expr.As<SubqueryExpr>().subquery->ToString() + ">";
    case ExprKind::kLike: {
      const auto& like = expr.As<LikeExpr>();
      std::string out = std::string("(") + (like.negated ? "NOT " : "") +
                        (like.case_insensitive ? "ILIKE " : "LIKE ") + Tree(*like.operand) + " " +
                        Tree(*like.pattern);
      if (like.escape != nullptr) {
        out += " " + Tree(*like.escape);
      }
      return out + ")";
    }
    case ExprKind::kCase: {
      const auto& case_expr = expr.As<CaseExpr>();
      std::string out = "(CASE";
      if (case_expr.operand != nullptr) {
        out += " " + Tree(*case_expr.operand);
      }
      for (const WhenClause& when : case_expr.when_clauses) {
        out += " (" + Tree(*when.condition) + " " + Tree(*when.result) + ")";
      }
      if (case_expr.else_result != nullptr) {
        out += " (ELSE " + Tree(*case_expr.else_result) + ")";
      }
      return out + ")";
    }
    case ExprKind::kCast: {
      const auto& cast = expr.As<CastExpr>();
      return std::string(cast.try_cast ? "(TRY_CAST " : "(CAST ") + Tree(*cast.operand) + " " +
             cast.type.ToString() + ")";
    }
    case ExprKind::kFunctionCall: {
      const auto& call = expr.As<FunctionCallExpr>();
      return "(" + call.name.value + "()" + (call.star ? " *" : "") + join(call.args) + ")";
    }
    case ExprKind::kFieldAccess: {
      const auto& access = expr.As<FieldAccessExpr>();
      return "([] " + Tree(*access.operand) + " '" + access.field + "')";
    }
  }
  return "?";
}

std::string ExprTree(std::string_view sql) {
  std::unique_ptr<Expr> expr = Expression(sql);
  return expr == nullptr ? "" : Tree(*expr);
}

// ---------------------------------------------------------------------------------------------
// Round trips to canonical SQL

struct RoundTrip {
  const char* sql;
  const char* canonical;
};

void CheckRoundTrips(const std::vector<RoundTrip>& cases) {
  for (const RoundTrip& c : cases) {
    EXPECT_EQ(Canonical(c.sql), c.canonical) << "input: " << c.sql;
  }
}

TEST(ParserRoundTripTest, SelectClauses) {
  CheckRoundTrips({
      {"select 1", "SELECT 1"},
      {"SELECT 1;", "SELECT 1"},
      {"select a, b as c, d e from t", "SELECT a, b AS c, d AS e FROM t"},
      {"select * from t", "SELECT * FROM t"},
      {"select t.*, s.t.*, \"T\".* from t", "SELECT t.*, s.t.*, \"T\".* FROM t"},
      {"select distinct a from t", "SELECT DISTINCT a FROM t"},
      {"select all a from t", "SELECT a FROM t"},
      {"select a from t where a > 1 group by a, 2 having count(*) > 1",
       "SELECT a FROM t WHERE a > 1 GROUP BY a, 2 HAVING count(*) > 1"},
      {"select a from t order by a, b asc, c desc, d nulls first, e desc nulls last",
       "SELECT a FROM t ORDER BY a, b ASC, c DESC, d NULLS FIRST, e DESC NULLS LAST"},
      {"select a from t limit 10 offset 5", "SELECT a FROM t LIMIT 10 OFFSET 5"},
      {"select a from t offset 5 limit 10", "SELECT a FROM t LIMIT 10 OFFSET 5"},
      {"select a from t limit all", "SELECT a FROM t"},
      {"select a from t offset 2 rows", "SELECT a FROM t OFFSET 2"},
      {"select a from t limit $1 offset $2", "SELECT a FROM t LIMIT $1 OFFSET $2"},
      {"select a from t fetch first 3 rows only", "SELECT a FROM t LIMIT 3"},
      {"select a from t offset 1 row fetch next row only", "SELECT a FROM t LIMIT 1 OFFSET 1"},
      {"select 1 as \"select\", 2 as from, 3 as \"Mixed Case\"",
       "SELECT 1 AS \"select\", 2 AS \"from\", 3 AS \"Mixed Case\""},
      {"SELECT a FROM t WHERE a = 1 -- trailing comment", "SELECT a FROM t WHERE a = 1"},
  });
}

TEST(ParserRoundTripTest, TsbsQueries) {
  CheckRoundTrips({
      {"SELECT date_bin(INTERVAL '1 minute', time) AS minute, max(usage_user) FROM cpu WHERE "
       "hostname IN ('host_1','host_2') AND time >= '2016-01-01T00:00:00Z' AND time < "
       "'2016-01-01T01:00:00Z' GROUP BY 1 ORDER BY 1",
       "SELECT date_bin(INTERVAL '1 minute', time) AS minute, max(usage_user) FROM cpu WHERE "
       "hostname IN ('host_1', 'host_2') AND time >= '2016-01-01T00:00:00Z' AND time < "
       "'2016-01-01T01:00:00Z' GROUP BY 1 ORDER BY 1"},
      {"WITH cpu_avg AS ( SELECT date_bin(INTERVAL '1 hour', time) AS hour, hostname, "
       "avg(usage_user) AS mean_usage_user FROM cpu WHERE time >= '2016-01-01T02:00:00Z' AND time "
       "< '2016-01-01T14:00:00Z' GROUP BY 1, 2) SELECT hour, hostname, mean_usage_user FROM "
       "cpu_avg ORDER BY hour, hostname",
       "WITH cpu_avg AS (SELECT date_bin(INTERVAL '1 hour', time) AS hour, hostname, "
       "avg(usage_user) AS mean_usage_user FROM cpu WHERE time >= '2016-01-01T02:00:00Z' AND time "
       "< '2016-01-01T14:00:00Z' GROUP BY 1, 2) SELECT hour, hostname, mean_usage_user FROM "
       "cpu_avg ORDER BY hour, hostname"},
      {"SELECT * FROM cpu WHERE usage_user > 90.0 AND time >= '2016-01-01T00:00:00Z' AND time < "
       "'2016-01-01T12:00:00Z' AND hostname IN ('host_9')",
       "SELECT * FROM cpu WHERE usage_user > 90.0 AND time >= '2016-01-01T00:00:00Z' AND time < "
       "'2016-01-01T12:00:00Z' AND hostname IN ('host_9')"},
      {"SELECT c.* FROM cpu c INNER JOIN ( SELECT hostname, max(time) AS max_time FROM cpu GROUP "
       "BY hostname) m ON c.hostname = m.hostname AND c.time = m.max_time ORDER BY c.hostname",
       "SELECT c.* FROM cpu AS c INNER JOIN (SELECT hostname, max(time) AS max_time FROM cpu GROUP "
       "BY hostname) AS m ON c.hostname = m.hostname AND c.time = m.max_time ORDER BY c.hostname"},
      {"SELECT date_bin(INTERVAL '1 minute', time) AS minute, max(usage_user) AS max_usage_user "
       "FROM cpu WHERE time < '2016-01-01T05:00:00Z' GROUP BY minute ORDER BY minute DESC LIMIT 5",
       "SELECT date_bin(INTERVAL '1 minute', time) AS minute, max(usage_user) AS max_usage_user "
       "FROM cpu WHERE time < '2016-01-01T05:00:00Z' GROUP BY minute ORDER BY minute DESC LIMIT 5"},
      {"SELECT * FROM last_cache('cpu')", "SELECT * FROM last_cache('cpu')"},
  });
}

TEST(ParserRoundTripTest, FromClause) {
  CheckRoundTrips({
      {"select * from information_schema.tables", "SELECT * FROM information_schema.tables"},
      {"select * from db.iox.cpu", "SELECT * FROM db.iox.cpu"},
      {"select * from cpu as c", "SELECT * FROM cpu AS c"},
      {"select * from cpu c (a, b)", "SELECT * FROM cpu AS c (a, b)"},
      {"select * from \"My Table\" \"T\"", "SELECT * FROM \"My Table\" AS \"T\""},
      {"select * from a, b, c", "SELECT * FROM a, b, c"},
      {"select * from a join b on a.x = b.x", "SELECT * FROM a INNER JOIN b ON a.x = b.x"},
      {"select * from a inner join b using (x, y)", "SELECT * FROM a INNER JOIN b USING (x, y)"},
      {"select * from a left outer join b on true right join c on false full outer join d using "
       "(k)",
       "SELECT * FROM a LEFT JOIN b ON TRUE RIGHT JOIN c ON FALSE FULL JOIN d USING (k)"},
      {"select * from a cross join b, c join d on x",
       "SELECT * FROM a CROSS JOIN b, c INNER JOIN d ON x"},
      {"select * from (select 1) s", "SELECT * FROM (SELECT 1) AS s"},
      {"select * from (select 1)", "SELECT * FROM (SELECT 1)"},
      {"select * from (select 1, 2) as s (x, y)", "SELECT * FROM (SELECT 1, 2) AS s (x, y)"},
      {"select * from ((select 1)) s", "SELECT * FROM (SELECT 1) AS s"},
      {"select * from a join (b join c on b.x = c.x) on a.x = b.x",
       "SELECT * FROM a INNER JOIN (b INNER JOIN c ON b.x = c.x) ON a.x = b.x"},
      {"select * from (a join b on x) join c on y",
       "SELECT * FROM a INNER JOIN b ON x INNER JOIN c ON y"},
      {"select * from f() as x", "SELECT * FROM f() AS x"},
      {"select * from \"select\"", "SELECT * FROM \"select\""},
  });
}

TEST(ParserRoundTripTest, SetOperationsAndNestedQueries) {
  CheckRoundTrips({
      {"select 1 union select 2", "SELECT 1 UNION SELECT 2"},
      {"select 1 union all select 2 union distinct select 3",
       "SELECT 1 UNION ALL SELECT 2 UNION SELECT 3"},
      {"select 1 except select 2 intersect all select 3",
       "SELECT 1 EXCEPT SELECT 2 INTERSECT ALL SELECT 3"},
      {"(select 1 union select 2) intersect select 3",
       "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3"},
      {"select 1 union (select 2 union select 3)", "SELECT 1 UNION (SELECT 2 UNION SELECT 3)"},
      {"(select 1) union (select 2)", "SELECT 1 UNION SELECT 2"},
      {"(select 1 order by 1 limit 1) union all (select 2 limit 1) order by 1 limit 2",
       "(SELECT 1 ORDER BY 1 LIMIT 1) UNION ALL (SELECT 2 LIMIT 1) ORDER BY 1 LIMIT 2"},
      {"((select 1))", "SELECT 1"},
      {"(select 1 limit 1) limit 2", "(SELECT 1 LIMIT 1) LIMIT 2"},
      {"with a as (select 1), b (x, y) as (select 2, 3) select * from a, b",
       "WITH a AS (SELECT 1), b (x, y) AS (SELECT 2, 3) SELECT * FROM a, b"},
      {"select * from (with a as (select 1) select * from a) s",
       "SELECT * FROM (WITH a AS (SELECT 1) SELECT * FROM a) AS s"},
      {"(with a as (select 1) select * from a) union select 2",
       "(WITH a AS (SELECT 1) SELECT * FROM a) UNION SELECT 2"},
  });
}

TEST(ParserRoundTripTest, OtherStatements) {
  CheckRoundTrips({
      {"explain select 1", "EXPLAIN SELECT 1"},
      {"explain analyze select 1", "EXPLAIN ANALYZE SELECT 1"},
      {"explain verbose select 1", "EXPLAIN VERBOSE SELECT 1"},
      {"EXPLAIN ANALYZE VERBOSE WITH a AS (SELECT 1) SELECT * FROM a",
       "EXPLAIN ANALYZE VERBOSE WITH a AS (SELECT 1) SELECT * FROM a"},
      {"show tables", "SHOW TABLES"},
      {"SHOW TABLES;", "SHOW TABLES"},
      {"show columns from cpu", "SHOW COLUMNS FROM cpu"},
      {"show columns in iox.\"Cpu\"", "SHOW COLUMNS FROM iox.\"Cpu\""},
  });
}

TEST(ParserRoundTripTest, Literals) {
  CheckRoundTrips({
      {"select 42, -7, 007, 1.50, -2.5e3, .5, 5., 1E10",
       "SELECT 42, -7, 7, 1.50, -2.5e3, .5, 5., 1E10"},
      {"select 9223372036854775807, -9223372036854775808, 9223372036854775808",
       "SELECT 9223372036854775807, -9223372036854775808, 9223372036854775808"},
      {"select 'it''s', '', E'tab\\there', e'\\''", "SELECT 'it''s', '', 'tab\there', ''''"},
      {"select true, FALSE, null", "SELECT TRUE, FALSE, NULL"},
      {"select interval '5 minutes', INTERVAL '5' minute, interval '1' DAY",
       "SELECT INTERVAL '5 minutes', INTERVAL '5' MINUTE, INTERVAL '1' DAY"},
      {"select timestamp '2016-01-01T00:00:00Z', date '2016-01-01', time '12:00:00'",
       "SELECT TIMESTAMP '2016-01-01T00:00:00Z', DATE '2016-01-01', TIME '12:00:00'"},
      {"select timestamp with time zone '2016-01-01', timestamp without time zone 'x'",
       "SELECT TIMESTAMP WITH TIME ZONE '2016-01-01', TIMESTAMP WITHOUT TIME ZONE 'x'"},
      {"select $1, $host, $Host", "SELECT $1, $host, $Host"},
      {"select 'multi\nline'", "SELECT 'multi\nline'"},
  });
}

TEST(ParserRoundTripTest, Identifiers) {
  CheckRoundTrips({
      {"select Host, \"Host\", \"host\", HOST from Cpu",
       "SELECT host, \"Host\", host, host FROM cpu"},
      {"select \"a\"\"b\", \"with space\", \"1abc\", \"é\", é from t",
       "SELECT \"a\"\"b\", \"with space\", \"1abc\", \"é\", \"é\" FROM t"},
      {"select t.a, s.t.a, d.s.t.a, \"T\".\"A\" from t",
       "SELECT t.a, s.t.a, d.s.t.a, \"T\".\"A\" FROM t"},
      {"select \"order\", t.order, t.\"from\" from t",
       "SELECT \"order\", t.\"order\", t.\"from\" FROM t"},
      {"select a$b, _x from t", "SELECT a$b, _x FROM t"},
  });
}

// InfluxDB tables have a `time` column, and tags and fields are often named like keywords.
TEST(ParserRoundTripTest, NonReservedKeywordsAreNames) {
  CheckRoundTrips({
      {"select time, \"time\", timestamp, interval, date, value, name, type from cpu",
       "SELECT time, time, timestamp, interval, date, value, name, type FROM cpu"},
      {"select first, last, range, rows, filter, over, partition, current, zone from t",
       "SELECT first, last, range, rows, filter, over, partition, current, zone FROM t"},
      {"select time from time where time > time order by time",
       "SELECT time FROM time WHERE time > time ORDER BY time"},
      {"select max(time) time from cpu time group by time",
       "SELECT max(time) AS time FROM cpu AS time GROUP BY time"},
      {"select timestamp + interval, date || time from t",
       "SELECT timestamp + interval, date || time FROM t"},
      {"select show, tables, columns, explain, analyze, verbose, nulls from t",
       "SELECT show, tables, columns, explain, analyze, verbose, nulls FROM t"},
      {"select count(*) filter from t", "SELECT count(*) AS filter FROM t"},
      {"select count(*) over from t", "SELECT count(*) AS over FROM t"},
      {"select lateral, rollup, cube, grouping, any, some from lateral",
       "SELECT lateral, rollup, cube, grouping, any, some FROM lateral"},
      {"select rollup(a), any(b) from t group by cube",
       "SELECT rollup(a), any(b) FROM t GROUP BY cube"},
      {"select interval(1), timestamp(2), extract(a, b), substring from t",
       "SELECT interval(1), timestamp(2), extract(a, b), substring FROM t"},
      {"select trim, position, both, leading, trailing from trim where position > both",
       "SELECT trim, position, both, leading, trailing FROM trim WHERE position > both"},
  });
}

TEST(ParserRoundTripTest, Operators) {
  CheckRoundTrips({
      {"select a+b-c*d/e%f", "SELECT a + b - c * d / e % f"},
      {"select (a+b)*c, a*(b+c), a-(b-c), (a-b)-c",
       "SELECT (a + b) * c, a * (b + c), a - (b - c), a - b - c"},
      {"select -a, +a, - -a, -(-a), -(a+b), - 5, -(5)",
       "SELECT -a, +a, -(-a), -(-a), -(a + b), -5, -5"},
      {"select - -5, -(-5), 3 - -5", "SELECT 5, 5, 3 - -5"},
      {"select a || b || 'c'", "SELECT a || b || 'c'"},
      {"select a=b, a<>b, a!=b, a<b, a<=b, a>b, a>=b",
       "SELECT a = b, a <> b, a <> b, a < b, a <= b, a > b, a >= b"},
      {"select a ~ 'x', a ~* 'x', a !~ 'x', a !~* 'x'",
       "SELECT a ~ 'x', a ~* 'x', a !~ 'x', a !~* 'x'"},
      {"select a and b or c and not d", "SELECT a AND b OR c AND NOT d"},
      {"select (a or b) and c", "SELECT (a OR b) AND c"},
      {"select not not a, not (a and b)", "SELECT NOT NOT a, NOT (a AND b)"},
      {"select a is null, a is not null, a is true, a is not false, a is unknown",
       "SELECT a IS NULL, a IS NOT NULL, a IS TRUE, a IS NOT FALSE, a IS UNKNOWN"},
      {"select a is distinct from b, a is not distinct from b",
       "SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b"},
      {"select a between 1 and 2, a not between b and c + 1",
       "SELECT a BETWEEN 1 AND 2, a NOT BETWEEN b AND c + 1"},
      {"select a in (1, 2, 3), a not in ('x')", "SELECT a IN (1, 2, 3), a NOT IN ('x')"},
      {"select a like 'x%', a not like 'x%' escape '!', a ilike 'X', a not ilike b",
       "SELECT a LIKE 'x%', a NOT LIKE 'x%' ESCAPE '!', a ILIKE 'X', a NOT ILIKE b"},
      {"select (a = b) = c, a = (b = c), (a is null) is null",
       "SELECT (a = b) = c, a = (b = c), (a IS NULL) IS NULL"},
      {"select (a < b) is true", "SELECT a < b IS TRUE"},
      {"select a = (not b), (not a) = b, a + (not b)",
       "SELECT a = (NOT b), (NOT a) = b, a + (NOT b)"},
      {"select (a between 1 and 2) between false and true",
       "SELECT (a BETWEEN 1 AND 2) BETWEEN FALSE AND TRUE"},
      {"select a between (1 and 2) and 3", "SELECT a BETWEEN (1 AND 2) AND 3"},
      {"select (a like b) in (true)", "SELECT (a LIKE b) IN (TRUE)"},
      {"select (-5)::int, -5::int, (a + b)::text",
       "SELECT CAST(-5 AS INT), -CAST(5 AS INT), CAST(a + b AS TEXT)"},
      {"select 2 * (-3), 2 * -3, -2 * 3", "SELECT 2 * -3, 2 * -3, -2 * 3"},
  });
}

TEST(ParserRoundTripTest, CastsAndTypes) {
  CheckRoundTrips({
      {"select cast(a as int), a::bigint, try_cast(a as double)",
       "SELECT CAST(a AS INT), CAST(a AS BIGINT), TRY_CAST(a AS DOUBLE)"},
      {"select a::double precision, a::varchar(10), a::decimal(10, 2), a::numeric",
       "SELECT CAST(a AS DOUBLE PRECISION), CAST(a AS VARCHAR(10)), CAST(a AS DECIMAL(10, 2)), "
       "CAST(a AS NUMERIC)"},
      {"select a::timestamp with time zone, a::timestamp(3) without time zone, a::time(6)",
       "SELECT CAST(a AS TIMESTAMP WITH TIME ZONE), CAST(a AS TIMESTAMP(3) WITHOUT TIME ZONE), "
       "CAST(a AS TIME(6))"},
      {"select a::bigint unsigned, a::int unsigned, a::character varying(5), a::char",
       "SELECT CAST(a AS BIGINT UNSIGNED), CAST(a AS INT UNSIGNED), CAST(a AS CHARACTER "
       "VARYING(5)), CAST(a AS CHAR)"},
      {"select a::text::int, a::float8, a::real, a::boolean, a::bool, a::date, a::interval",
       "SELECT CAST(CAST(a AS TEXT) AS INT), CAST(a AS FLOAT8), CAST(a AS REAL), CAST(a AS "
       "BOOLEAN), CAST(a AS BOOL), CAST(a AS DATE), CAST(a AS INTERVAL)"},
      {"select a::string, a::smallint, a::integer, a::float, a::Float64",
       "SELECT CAST(a AS STRING), CAST(a AS SMALLINT), CAST(a AS INTEGER), CAST(a AS FLOAT), "
       "CAST(a AS FLOAT64)"},
  });
}

TEST(ParserRoundTripTest, FieldAccess) {
  CheckRoundTrips({
      {"select selector_max(usage, time)['value'], selector_first(v, time) [ 'time' ] from cpu",
       "SELECT selector_max(usage, time)['value'], selector_first(v, time)['time'] FROM cpu"},
      {"select x['a']['b'], t.x['Value'], x['it''s'], x[e'tab\\there'], $1['a']",
       "SELECT x['a']['b'], t.x['Value'], x['it''s'], x['tab\there'], $1['a']"},
      {"select (a + b)['x'], -x['a'], (-x)['a'], (-5)['a'], -5['a'], - -x['a'], not x['a']",
       "SELECT (a + b)['x'], -x['a'], (-x)['a'], (-5)['a'], -5['a'], -(-x['a']), NOT x['a']"},
      {"select x['a']::int, cast(x as t)['a'], (x::t)['a'], (x['a'] || 'b')['c']",
       "SELECT CAST(x['a'] AS INT), CAST(x AS T)['a'], CAST(x AS T)['a'], (x['a'] || 'b')['c']"},
      {"select (select s from t)['a'], case when a then b end['x'], f(x) over (order by t)['a']",
       "SELECT (SELECT s FROM t)['a'], CASE WHEN a THEN b END['x'], f(x) OVER (ORDER BY t)['a']"},
      {"select (x is null)['a'], x['a'] is null, x['a'] in (1, 2), 'abc'['a']",
       "SELECT (x IS NULL)['a'], x['a'] IS NULL, x['a'] IN (1, 2), 'abc'['a']"},
      {"select host, selector_max(usage_user, time)['value'] as v from cpu where "
       "selector_last(x, time)['time'] > now() group by host order by s['a'] desc",
       "SELECT host, selector_max(usage_user, time)['value'] AS v FROM cpu WHERE "
       "selector_last(x, time)['time'] > now() GROUP BY host ORDER BY s['a'] DESC"},
  });
}

TEST(ParserRoundTripTest, FunctionCalls) {
  CheckRoundTrips({
      {"select now(), count(*), count(distinct host), count(all x)",
       "SELECT now(), count(*), count(DISTINCT host), count(x)"},
      {"select date_bin(interval '1 hour', time, timestamp '2016-01-01')",
       "SELECT date_bin(INTERVAL '1 hour', time, TIMESTAMP '2016-01-01')"},
      {"select \"MyFunc\"(1), \"count\"(x)", "SELECT \"MyFunc\"(1), count(x)"},
      {"select first_value(x order by time desc), array_agg(x order by a, b)",
       "SELECT first_value(x ORDER BY time DESC), array_agg(x ORDER BY a, b)"},
      {"select sum(x) filter (where x > 0), count(*) filter (where ok)",
       "SELECT sum(x) FILTER (WHERE x > 0), count(*) FILTER (WHERE ok)"},
      {"select extract(hour from time), extract('epoch' from t), EXTRACT(Year FROM t)",
       "SELECT date_part('hour', time), date_part('epoch', t), date_part('year', t)"},
      {"select date_part('hour', time)", "SELECT date_part('hour', time)"},
      {"select substring(s from 2 for 3), substring(s from 2), substring(s for 3), substring(s, 1, "
       "2)",
       "SELECT substring(s, 2, 3), substring(s, 2), substring(s, 1, 3), substring(s, 1, 2)"},
      {"select trim(both 'x' from s), trim(leading 'x' from s), trim(trailing 'xy' from s)",
       "SELECT btrim(s, 'x'), ltrim(s, 'x'), rtrim(s, 'xy')"},
      {"select trim(s), TRIM(' a '), trim(from s), trim(leading from s), trim(trailing s)",
       "SELECT btrim(s), btrim(' a '), btrim(s), ltrim(s), rtrim(s)"},
      {"select trim(s, 'x'), trim(both s, 'x'), trim('x' || y from lower(s)), trim(a + b)",
       "SELECT btrim(s, 'x'), btrim(s, 'x'), btrim(lower(s), 'x' || y), btrim(a + b)"},
      {"select trim(both), trim(leading, 'x'), trim(both from both), btrim(s), \"trim\"(s)",
       "SELECT btrim(both), btrim(leading, 'x'), btrim(both), btrim(s), \"trim\"(s)"},
      {"select \"position\"(a, b), \"POSITION\"(a)", "SELECT \"position\"(a, b), \"POSITION\"(a)"},
      {"select position('é' in msg), POSITION(a || b IN lower(s)), position(-1 in s::text)",
       "SELECT strpos(msg, 'é'), strpos(lower(s), a || b), strpos(CAST(s AS TEXT), -1)"},
      {"select position('a' in s) = 0, trim(s) in ('a'), strpos(s, 'a')",
       "SELECT strpos(s, 'a') = 0, btrim(s) IN ('a'), strpos(s, 'a')"},
      {"select current_timestamp, current_date, current_time, current_timestamp()",
       "SELECT current_timestamp(), current_date(), current_time(), current_timestamp()"},
      {"select left(s, 2), right(s, 1), \"left\"(s, 3)",
       "SELECT left(s, 2), right(s, 1), left(s, 3)"},
      {"select \"try_cast\"(x)", "SELECT \"try_cast\"(x)"},
      {"select coalesce(a, b, 0), lower(Host), regexp_like(host, '^h')",
       "SELECT coalesce(a, b, 0), lower(host), regexp_like(host, '^h')"},
  });
}

TEST(ParserRoundTripTest, WindowFunctions) {
  CheckRoundTrips({
      {"select row_number() over ()", "SELECT row_number() OVER ()"},
      {"select rank() over (partition by host order by time desc)",
       "SELECT rank() OVER (PARTITION BY host ORDER BY time DESC)"},
      {"select lag(x, 1) over (order by time), lead(x) over (partition by a, b)",
       "SELECT lag(x, 1) OVER (ORDER BY time), lead(x) OVER (PARTITION BY a, b)"},
      {"select sum(x) over (order by t rows between unbounded preceding and current row)",
       "SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"},
      {"select sum(x) over (order by t rows 3 preceding)",
       "SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)"},
      {"select avg(x) over (order by t range between interval '1 hour' preceding and unbounded "
       "following)",
       "SELECT avg(x) OVER (ORDER BY t RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND UNBOUNDED "
       "FOLLOWING)"},
      {"select avg(x) over (groups between 1 following and 2 following)",
       "SELECT avg(x) OVER (GROUPS BETWEEN 1 FOLLOWING AND 2 FOLLOWING)"},
      {"select count(*) filter (where a) over (partition by b)",
       "SELECT count(*) FILTER (WHERE a) OVER (PARTITION BY b)"},
  });
}

TEST(ParserRoundTripTest, CaseAndSubqueries) {
  CheckRoundTrips({
      {"select case when a > 1 then 'big' when a > 0 then 'small' else 'none' end",
       "SELECT CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"},
      {"select case host when 'a' then 1 end", "SELECT CASE host WHEN 'a' THEN 1 END"},
      {"select (select max(x) from t), exists (select 1), not exists (select 1 from u)",
       "SELECT (SELECT max(x) FROM t), EXISTS (SELECT 1), NOT EXISTS (SELECT 1 FROM u)"},
      {"select a in (select b from u), a not in (with w as (select 1) select * from w)",
       "SELECT a IN (SELECT b FROM u), a NOT IN (WITH w AS (SELECT 1) SELECT * FROM w)"},
      {"select ((select 1)), ((select 1)) + 1", "SELECT (SELECT 1), (SELECT 1) + 1"},
      {"select exists ((select 1) union (select 2))", "SELECT EXISTS (SELECT 1 UNION SELECT 2)"},
      {"select (not exists (select 1)) is null, not not exists (select 1)",
       "SELECT (NOT EXISTS (SELECT 1)) IS NULL, NOT NOT EXISTS (SELECT 1)"},
      {"select * from t where x in (select y from u where u.z = t.z) and exists (select 1)",
       "SELECT * FROM t WHERE x IN (SELECT y FROM u WHERE u.z = t.z) AND EXISTS (SELECT 1)"},
  });
}

TEST(ParserRoundTripTest, MultipleStatements) {
  absl::StatusOr<std::vector<std::unique_ptr<Statement>>> statements =
      ParseStatements("select 1; ; show tables;explain select 2;;");
  ASSERT_TRUE(statements.ok()) << statements.status();
  ASSERT_EQ(statements->size(), 3u);
  EXPECT_EQ((*statements)[0]->ToString(), "SELECT 1");
  EXPECT_EQ((*statements)[1]->ToString(), "SHOW TABLES");
  EXPECT_EQ((*statements)[2]->ToString(), "EXPLAIN SELECT 2");
  EXPECT_EQ((*statements)[1]->position, 12u);
}

// ---------------------------------------------------------------------------------------------
// Precedence and associativity, checked on the tree

TEST(ParserPrecedenceTest, ArithmeticIsLeftAssociativeWithMultiplicationFirst) {
  EXPECT_EQ(ExprTree("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(ExprTree("a * b + c"), "(+ (* a b) c)");
  EXPECT_EQ(ExprTree("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(ExprTree("a / b * c % d"), "(% (* (/ a b) c) d)");
  EXPECT_EQ(ExprTree("(a + b) * c"), "(* (+ a b) c)");
}

TEST(ParserPrecedenceTest, UnaryOperators) {
  EXPECT_EQ(ExprTree("-a * b"), "(* (- a) b)");
  EXPECT_EQ(ExprTree("-a::int"), "(- (CAST a INT))");
  EXPECT_EQ(ExprTree("-5"), "i-5");
  EXPECT_EQ(ExprTree("- 5"), "i-5");
  EXPECT_EQ(ExprTree("-(5)"), "i-5");
  EXPECT_EQ(ExprTree("- -5"), "i5");
  EXPECT_EQ(ExprTree("-5::int"), "(- (CAST i5 INT))");
  EXPECT_EQ(ExprTree("-2.5"), "f-2.5");
  EXPECT_EQ(ExprTree("+5"), "(+ i5)");
  EXPECT_EQ(ExprTree("- +5"), "(- (+ i5))");
  EXPECT_EQ(ExprTree("a - -5"), "(- a i-5)");
  EXPECT_EQ(ExprTree("NOT a AND b"), "(AND (NOT a) b)");
  EXPECT_EQ(ExprTree("NOT a = b"), "(NOT (= a b))");
  EXPECT_EQ(ExprTree("NOT a IS NULL"), "(NOT (IS NULL a))");
  EXPECT_EQ(ExprTree("a = NOT b"), "(= a (NOT b))");
  EXPECT_EQ(ExprTree("NOT NOT a"), "(NOT (NOT a))");
}

TEST(ParserPrecedenceTest, BooleanOperators) {
  EXPECT_EQ(ExprTree("a OR b AND c"), "(OR a (AND b c))");
  EXPECT_EQ(ExprTree("a AND b OR c"), "(OR (AND a b) c)");
  EXPECT_EQ(ExprTree("a OR b OR c"), "(OR (OR a b) c)");
  EXPECT_EQ(ExprTree("a = 1 AND b < 2"), "(AND (= a i1) (< b i2))");
}

TEST(ParserPrecedenceTest, ComparisonsAgainstOtherLevels) {
  EXPECT_EQ(ExprTree("a || b = c"), "(= (|| a b) c)");
  EXPECT_EQ(ExprTree("a + 1 < b * 2"), "(< (+ a i1) (* b i2))");
  EXPECT_EQ(ExprTree("a ~ 'x' = true"), "(= (~ a 'x') TRUE)");
  EXPECT_EQ(ExprTree("a || b ~ c"), "(~ (|| a b) c)");
  EXPECT_EQ(ExprTree("a + b || c"), "(|| (+ a b) c)");
  EXPECT_EQ(ExprTree("a = b IS NULL"), "(IS NULL (= a b))");
  EXPECT_EQ(ExprTree("a IS NULL = b"), "(= (IS NULL a) b)");
  EXPECT_EQ(ExprTree("a IS DISTINCT FROM b = c"), "(IS DISTINCT FROM a (= b c))");
  EXPECT_EQ(ExprTree("a = b IS NOT DISTINCT FROM c"), "(IS NOT DISTINCT FROM (= a b) c)");
}

TEST(ParserPrecedenceTest, BetweenInLike) {
  EXPECT_EQ(ExprTree("x BETWEEN 1 AND 2 AND y"), "(AND (BETWEEN x i1 i2) y)");
  EXPECT_EQ(ExprTree("x BETWEEN a + 1 AND b * 2"), "(BETWEEN x (+ a i1) (* b i2))");
  EXPECT_EQ(ExprTree("x NOT BETWEEN 1 AND 2"), "(NOT BETWEEN x i1 i2)");
  EXPECT_EQ(ExprTree("x BETWEEN 1 AND 2 = y"), "(= (BETWEEN x i1 i2) y)");
  EXPECT_EQ(ExprTree("x = y BETWEEN 1 AND 2"), "(= x (BETWEEN y i1 i2))");
  EXPECT_EQ(ExprTree("a + 1 IN (1, 2)"), "(IN (+ a i1) i1 i2)");
  EXPECT_EQ(ExprTree("a NOT IN (1) OR b"), "(OR (NOT IN a i1) b)");
  EXPECT_EQ(ExprTree("a LIKE 'x' || 'y'"), "(LIKE a (|| 'x' 'y'))");
  EXPECT_EQ(ExprTree("a NOT ILIKE 'x' ESCAPE '!' AND b"), "(AND (NOT ILIKE a 'x' '!') b)");
  EXPECT_EQ(ExprTree("NOT a LIKE b"), "(NOT (LIKE a b))");
}

TEST(ParserPrecedenceTest, CastBindsTightest) {
  EXPECT_EQ(ExprTree("a + b::int"), "(+ a (CAST b INT))");
  EXPECT_EQ(ExprTree("a::int::text"), "(CAST (CAST a INT) TEXT)");
  EXPECT_EQ(ExprTree("(a + b)::int"), "(CAST (+ a b) INT)");
  EXPECT_EQ(ExprTree("t.a::int"), "(CAST t.a INT)");
}

TEST(ParserPrecedenceTest, FieldAccessBindsLikeCast) {
  EXPECT_EQ(ExprTree("-x['a']"), "(- ([] x 'a'))");
  EXPECT_EQ(ExprTree("-5['a']"), "(- ([] i5 'a'))");
  EXPECT_EQ(ExprTree("(-5)['a']"), "([] i-5 'a')");
  EXPECT_EQ(ExprTree("x['a']['b']"), "([] ([] x 'a') 'b')");
  EXPECT_EQ(ExprTree("x['a']::int"), "(CAST ([] x 'a') INT)");
  EXPECT_EQ(ExprTree("a + b['x'] * c"), "(+ a (* ([] b 'x') c))");
  EXPECT_EQ(ExprTree("NOT x['a'] = 1"), "(NOT (= ([] x 'a') i1))");
  EXPECT_EQ(ExprTree("(a + b)['x']"), "([] (+ a b) 'x')");
  EXPECT_EQ(ExprTree("f(x, t)['value'] > 1"), "(> ([] (f() x t) 'value') i1)");
}

TEST(ParserPrecedenceTest, NonAssociativeOperatorsDoNotChain) {
  EXPECT_EQ(
      ExpressionError("a = b = c"),
      "syntax error at line 1, column 7: expected an operator of another precedence level or the "
      "end of the expression, found '=': comparison operators do not chain, add parentheses");
  EXPECT_EQ(
      ExpressionError("a < b > c"),
      "syntax error at line 1, column 7: expected an operator of another precedence level or the "
      "end of the expression, found '>': comparison operators do not chain, add parentheses");
  EXPECT_THAT(ExpressionError("a IS NULL IS NULL"), HasSubstr("IS tests do not chain"));
  EXPECT_THAT(ExpressionError("a LIKE b LIKE c"),
              HasSubstr("column 10: expected an operator of another precedence level"));
  EXPECT_THAT(ExpressionError("a IN (1) IN (2)"),
              HasSubstr("IN, BETWEEN, LIKE and ILIKE do not chain"));
  EXPECT_THAT(ExpressionError("a BETWEEN 1 AND 2 NOT BETWEEN 3 AND 4"),
              HasSubstr("column 19: expected an operator"));
  EXPECT_EQ(ExprTree("(a = b) = c"), "(= (= a b) c)");
}

// ---------------------------------------------------------------------------------------------
// The AST's fields

TEST(ParserAstTest, SelectFields) {
  std::unique_ptr<Query> query = ParseQueryText(
      "SELECT DISTINCT a AS x, t.*, b y FROM t WHERE a > 1 GROUP BY 1, b HAVING count(*) > 2 ORDER "
      "BY x DESC LIMIT 10 OFFSET 3");
  ASSERT_NE(query, nullptr);
  ASSERT_TRUE(query->body->Is<Select>());
  const Select& select = query->body->As<Select>();
  EXPECT_TRUE(select.distinct);
  ASSERT_EQ(select.items.size(), 3u);
  EXPECT_EQ(select.items[0].kind, SelectItem::Kind::kExpression);
  EXPECT_EQ(select.items[0].alias->value, "x");
  EXPECT_EQ(select.items[1].kind, SelectItem::Kind::kWildcard);
  ASSERT_EQ(select.items[1].qualifier.size(), 1u);
  EXPECT_EQ(select.items[1].qualifier[0].value, "t");
  EXPECT_EQ(select.items[1].position, 24u);
  EXPECT_EQ(select.items[2].alias->value, "y");
  ASSERT_EQ(select.from.size(), 1u);
  EXPECT_EQ(select.from[0]->As<NamedTableRef>().name[0].value, "t");
  EXPECT_FALSE(select.from[0]->As<NamedTableRef>().alias.has_value());
  EXPECT_EQ(select.where->ToString(), "a > 1");
  ASSERT_EQ(select.group_by.size(), 2u);
  EXPECT_EQ(select.group_by[0]->As<LiteralExpr>().integer_value, 1);
  EXPECT_EQ(select.having->ToString(), "count(*) > 2");
  ASSERT_EQ(query->order_by.size(), 1u);
  EXPECT_FALSE(query->order_by[0].ascending());
  EXPECT_TRUE(query->order_by[0].nulls_first());  // PostgreSQL: NULLs first when descending.
  EXPECT_EQ(query->limit->As<LiteralExpr>().integer_value, 10);
  EXPECT_EQ(query->offset->As<LiteralExpr>().integer_value, 3);
}

TEST(ParserAstTest, OrderByDefaults) {
  std::unique_ptr<Query> query =
      ParseQueryText("SELECT a FROM t ORDER BY a, b ASC NULLS FIRST, c DESC NULLS LAST");
  ASSERT_NE(query, nullptr);
  ASSERT_EQ(query->order_by.size(), 3u);
  EXPECT_EQ(query->order_by[0].direction, SortDirection::kUnspecified);
  EXPECT_TRUE(query->order_by[0].ascending());
  EXPECT_FALSE(query->order_by[0].nulls_first());
  EXPECT_TRUE(query->order_by[1].ascending());
  EXPECT_TRUE(query->order_by[1].nulls_first());
  EXPECT_FALSE(query->order_by[2].ascending());
  EXPECT_FALSE(query->order_by[2].nulls_first());
}

TEST(ParserAstTest, IdentifiersKeepSpellingAndQuoting) {
  std::unique_ptr<Expr> expr = Expression("Cpu.\"Host\"");
  ASSERT_NE(expr, nullptr);
  const auto& column = expr->As<ColumnRefExpr>();
  ASSERT_EQ(column.parts.size(), 2u);
  EXPECT_EQ(column.parts[0].value, "cpu");
  EXPECT_EQ(column.parts[0].spelling, "Cpu");
  EXPECT_FALSE(column.parts[0].quoted);
  EXPECT_EQ(column.parts[0].position, 0u);
  EXPECT_EQ(column.column().value, "Host");
  EXPECT_EQ(column.column().spelling, "Host");
  EXPECT_TRUE(column.column().quoted);
  EXPECT_EQ(column.column().position, 4u);
}

TEST(ParserAstTest, Literals) {
  std::vector<std::unique_ptr<Expr>> parsed;  // Keeps the returned literals alive.
  const LiteralExpr empty(0);
  auto literal = [&](std::string_view sql) -> const LiteralExpr& {
    parsed.push_back(Expression(sql));
    if (parsed.back() == nullptr || !parsed.back()->Is<LiteralExpr>()) {
      ADD_FAILURE() << "not a literal: " << sql;
      return empty;
    }
    return parsed.back()->As<LiteralExpr>();
  };
  EXPECT_EQ(literal("42").literal_kind, LiteralKind::kInteger);
  EXPECT_EQ(literal("42").integer_value, 42);
  EXPECT_EQ(literal("-9223372036854775808").integer_value, INT64_MIN);
  EXPECT_EQ(literal("9223372036854775807").integer_value, INT64_MAX);
  // Beyond int64: a float, as DataFusion falls back to Float64.
  EXPECT_EQ(literal("9223372036854775808").literal_kind, LiteralKind::kFloat);
  EXPECT_DOUBLE_EQ(literal("9223372036854775808").float_value, 9223372036854775808.0);
  EXPECT_EQ(literal("-9223372036854775809").literal_kind, LiteralKind::kFloat);
  EXPECT_EQ(literal("1.5").literal_kind, LiteralKind::kFloat);
  EXPECT_DOUBLE_EQ(literal("1.5").float_value, 1.5);
  EXPECT_DOUBLE_EQ(literal("-2e-3").float_value, -0.002);
  EXPECT_EQ(literal("-2e-3").text, "-2e-3");
  EXPECT_EQ(literal("-2e-3").position, 0u);
  EXPECT_EQ(literal("'x'").literal_kind, LiteralKind::kString);
  EXPECT_EQ(literal("TRUE").boolean_value, true);
  EXPECT_EQ(literal("false").literal_kind, LiteralKind::kBoolean);
  EXPECT_EQ(literal("NULL").literal_kind, LiteralKind::kNull);
  EXPECT_EQ(literal("TIMESTAMP '2016-01-01T00:00:00Z'").literal_kind, LiteralKind::kTypedString);
  EXPECT_EQ(literal("TIMESTAMP '2016-01-01T00:00:00Z'").type.name, "timestamp");
  EXPECT_EQ(literal("TIMESTAMP '2016-01-01T00:00:00Z'").text, "2016-01-01T00:00:00Z");
  EXPECT_EQ(literal("time with time zone '12:00'").type.name, "time with time zone");
  EXPECT_EQ(literal("INTERVAL '5 minutes'").literal_kind, LiteralKind::kInterval);
  EXPECT_EQ(literal("INTERVAL '5 minutes'").text, "5 minutes");
  EXPECT_EQ(literal("INTERVAL '5 minutes'").interval_unit, "");
  EXPECT_EQ(literal("INTERVAL '5' Minute").interval_unit, "minute");
}

TEST(ParserAstTest, OperatorNodes) {
  std::unique_ptr<Expr> expr = Expression("a NOT LIKE 'x%' ESCAPE '!'");
  ASSERT_NE(expr, nullptr);
  const auto& like = expr->As<LikeExpr>();
  EXPECT_TRUE(like.negated);
  EXPECT_FALSE(like.case_insensitive);
  EXPECT_EQ(like.pattern->As<LiteralExpr>().text, "x%");
  EXPECT_EQ(like.escape->As<LiteralExpr>().text, "!");
  EXPECT_EQ(like.position, 2u);  // The operator.

  expr = Expression("x IS NOT TRUE");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(expr->As<IsExpr>().predicate, IsPredicate::kTrue);
  EXPECT_TRUE(expr->As<IsExpr>().negated);
  EXPECT_EQ(expr->position, 2u);

  expr = Expression("x NOT IN (SELECT y FROM t)");
  ASSERT_NE(expr, nullptr);
  EXPECT_TRUE(expr->As<InSubqueryExpr>().negated);
  EXPECT_EQ(expr->As<InSubqueryExpr>().subquery->ToString(), "SELECT y FROM t");

  expr = Expression("NOT EXISTS (SELECT 1)");
  ASSERT_NE(expr, nullptr);
  EXPECT_TRUE(expr->As<ExistsExpr>().negated);
  EXPECT_EQ(expr->position, 0u);

  expr = Expression("a + b");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(expr->As<BinaryExpr>().op, BinaryOperator::kAdd);
  EXPECT_EQ(expr->position, 2u);
}

TEST(ParserAstTest, FunctionCallFields) {
  std::unique_ptr<Expr> expr = Expression(
      "count(DISTINCT host ORDER BY time) FILTER (WHERE ok) OVER (PARTITION BY region ORDER BY "
      "time ROWS BETWEEN 2 PRECEDING AND UNBOUNDED FOLLOWING)");
  ASSERT_NE(expr, nullptr);
  const auto& call = expr->As<FunctionCallExpr>();
  EXPECT_EQ(call.name.value, "count");
  EXPECT_TRUE(call.distinct);
  EXPECT_FALSE(call.star);
  ASSERT_EQ(call.args.size(), 1u);
  ASSERT_EQ(call.order_by.size(), 1u);
  EXPECT_EQ(call.filter->ToString(), "ok");
  ASSERT_NE(call.over, nullptr);
  EXPECT_EQ(call.over->partition_by.size(), 1u);
  EXPECT_EQ(call.over->order_by.size(), 1u);
  ASSERT_TRUE(call.over->frame.has_value());
  EXPECT_EQ(call.over->frame->units, FrameUnits::kRows);
  EXPECT_EQ(call.over->frame->start.kind, FrameBoundKind::kPreceding);
  EXPECT_EQ(call.over->frame->start.offset->As<LiteralExpr>().integer_value, 2);
  EXPECT_EQ(call.over->frame->end.kind, FrameBoundKind::kUnboundedFollowing);
  EXPECT_EQ(call.over->frame->end.offset, nullptr);

  expr = Expression("count(*)");
  ASSERT_NE(expr, nullptr);
  EXPECT_TRUE(expr->As<FunctionCallExpr>().star);
  EXPECT_TRUE(expr->As<FunctionCallExpr>().args.empty());

  expr = Expression("extract(HOUR FROM time)");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(expr->As<FunctionCallExpr>().name.value, "date_part");
  EXPECT_EQ(expr->As<FunctionCallExpr>().name.spelling, "extract");
  EXPECT_EQ(Tree(*expr), "(date_part() 'hour' time)");
}

TEST(ParserAstTest, TrimAndPositionBecomeCalls) {
  std::unique_ptr<Expr> expr = Expression("trim(LEADING 'x' FROM s)");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(expr->As<FunctionCallExpr>().name.value, "ltrim");
  EXPECT_EQ(expr->As<FunctionCallExpr>().name.spelling, "trim");
  EXPECT_EQ(Tree(*expr), "(ltrim() s 'x')");

  expr = Expression("trim(TRAILING FROM s)");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(Tree(*expr), "(rtrim() s)");

  expr = Expression("position('b' IN s)");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(expr->As<FunctionCallExpr>().name.value, "strpos");
  EXPECT_EQ(expr->As<FunctionCallExpr>().name.spelling, "position");
  EXPECT_EQ(expr->position, 0u);
  EXPECT_EQ(Tree(*expr), "(strpos() s 'b')");
}

TEST(ParserAstTest, CastAndTypeName) {
  std::unique_ptr<Expr> expr = Expression("CAST(x AS DECIMAL(10, 2))");
  ASSERT_NE(expr, nullptr);
  const auto& cast = expr->As<CastExpr>();
  EXPECT_FALSE(cast.try_cast);
  EXPECT_EQ(cast.type.name, "decimal");
  EXPECT_THAT(cast.type.parameters, ElementsAre(10, 2));
  EXPECT_EQ(cast.type.position, 10u);

  expr = Expression("x::timestamp(3) with time zone");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(expr->As<CastExpr>().type.name, "timestamp with time zone");
  EXPECT_THAT(expr->As<CastExpr>().type.parameters, ElementsAre(3));
  EXPECT_EQ(expr->position, 1u);  // The '::'.
}

TEST(ParserAstTest, FieldAccessFields) {
  std::unique_ptr<Expr> expr = Expression("selector_max(usage, time)['Value']");
  ASSERT_NE(expr, nullptr);
  ASSERT_EQ(expr->kind, ExprKind::kFieldAccess);
  EXPECT_EQ(ExprKindName(expr->kind), "FieldAccess");
  const auto& access = expr->As<FieldAccessExpr>();
  EXPECT_EQ(access.field, "Value");  // A string literal: case kept.
  EXPECT_EQ(access.position, 25u);   // The '['.
  EXPECT_EQ(access.operand->As<FunctionCallExpr>().name.value, "selector_max");
  std::vector<std::string> children;
  ForEachChild(*expr, [&](const Expr& child) { children.push_back(child.ToString()); });
  EXPECT_THAT(children, ElementsAre("selector_max(usage, time)"));

  ForEachMutableChild(*expr, [&](std::unique_ptr<Expr>& child) { child = Expression("s"); });
  EXPECT_EQ(expr->ToString(), "s['Value']");
}

TEST(ParserAstTest, JoinTree) {
  std::unique_ptr<Query> query =
      ParseQueryText("SELECT * FROM a LEFT JOIN b USING (k) JOIN c ON c.k = a.k, d");
  ASSERT_NE(query, nullptr);
  const Select& select = query->body->As<Select>();
  ASSERT_EQ(select.from.size(), 2u);
  const auto& outer = select.from[0]->As<JoinTableRef>();
  EXPECT_EQ(outer.join_type, JoinType::kInner);
  EXPECT_EQ(outer.condition->ToString(), "c.k = a.k");
  EXPECT_EQ(outer.right->As<NamedTableRef>().name[0].value, "c");
  const auto& inner = outer.left->As<JoinTableRef>();
  EXPECT_EQ(inner.join_type, JoinType::kLeft);
  EXPECT_EQ(inner.condition, nullptr);
  ASSERT_EQ(inner.using_columns.size(), 1u);
  EXPECT_EQ(inner.using_columns[0].value, "k");
  EXPECT_EQ(select.from[1]->kind, TableRefKind::kTable);
}

TEST(ParserAstTest, SetOperationTree) {
  std::unique_ptr<Query> query =
      ParseQueryText("SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4");
  ASSERT_NE(query, nullptr);
  // ((1 UNION ALL (2 INTERSECT 3)) EXCEPT 4)
  const auto& except = query->body->As<SetOperation>();
  EXPECT_EQ(except.op, SetOperator::kExcept);
  EXPECT_FALSE(except.all);
  const auto& union_all = except.left->As<SetOperation>();
  EXPECT_EQ(union_all.op, SetOperator::kUnion);
  EXPECT_TRUE(union_all.all);
  EXPECT_EQ(union_all.right->As<SetOperation>().op, SetOperator::kIntersect);
  EXPECT_TRUE(union_all.left->Is<Select>());
}

TEST(ParserAstTest, NestedQueryKeepsItsOwnLimit) {
  std::unique_ptr<Query> query = ParseQueryText("(SELECT 1 LIMIT 1) UNION (SELECT 2) LIMIT 5");
  ASSERT_NE(query, nullptr);
  const auto& set = query->body->As<SetOperation>();
  ASSERT_TRUE(set.left->Is<NestedQuery>());
  EXPECT_EQ(set.left->As<NestedQuery>().query->limit->ToString(), "1");
  EXPECT_TRUE(set.right->Is<Select>());  // Plain parentheses are dropped.
  EXPECT_EQ(query->limit->ToString(), "5");
}

TEST(ParserAstTest, CommonTableExpressions) {
  std::unique_ptr<Query> query =
      ParseQueryText("WITH a (x) AS (SELECT 1), \"B\" AS (SELECT 2) SELECT * FROM a, \"B\"");
  ASSERT_NE(query, nullptr);
  ASSERT_EQ(query->with.size(), 2u);
  EXPECT_EQ(query->with[0].name.value, "a");
  ASSERT_EQ(query->with[0].columns.size(), 1u);
  EXPECT_EQ(query->with[0].columns[0].value, "x");
  EXPECT_EQ(query->with[0].query->ToString(), "SELECT 1");
  EXPECT_EQ(query->with[1].name.value, "B");
  EXPECT_TRUE(query->with[1].name.quoted);
}

TEST(ParserAstTest, Statements) {
  absl::StatusOr<std::unique_ptr<Statement>> statement = ParseStatement("EXPLAIN ANALYZE SELECT 1");
  ASSERT_TRUE(statement.ok());
  ASSERT_EQ((*statement)->kind, StatementKind::kExplain);
  EXPECT_TRUE((*statement)->As<ExplainStatement>().analyze);
  EXPECT_FALSE((*statement)->As<ExplainStatement>().verbose);
  EXPECT_EQ((*statement)->As<ExplainStatement>().query->ToString(), "SELECT 1");

  statement = ParseStatement("SHOW COLUMNS FROM iox.cpu");
  ASSERT_TRUE(statement.ok());
  ASSERT_EQ((*statement)->kind, StatementKind::kShowColumns);
  const auto& table = (*statement)->As<ShowColumnsStatement>().table;
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[1].value, "cpu");

  statement = ParseStatement("  show tables");
  ASSERT_TRUE(statement.ok());
  EXPECT_EQ((*statement)->kind, StatementKind::kShowTables);
  EXPECT_EQ((*statement)->position, 2u);
}

TEST(ParserAstTest, ForEachChildVisitsDirectChildrenInOrder) {
  std::unique_ptr<Expr> expr = Expression(
      "f(a, b ORDER BY c) FILTER (WHERE d) OVER (PARTITION BY e ORDER BY g ROWS BETWEEN h "
      "PRECEDING AND i FOLLOWING)");
  ASSERT_NE(expr, nullptr);
  std::vector<std::string> children;
  ForEachChild(*expr, [&](const Expr& child) { children.push_back(child.ToString()); });
  EXPECT_THAT(children, ElementsAre("a", "b", "c", "d", "e", "g", "h", "i"));

  expr = Expression("CASE x WHEN 1 THEN y + 1 ELSE z END");
  ASSERT_NE(expr, nullptr);
  children.clear();
  ForEachChild(*expr, [&](const Expr& child) { children.push_back(child.ToString()); });
  EXPECT_THAT(children, ElementsAre("x", "1", "y + 1", "z"));

  expr = Expression("a IN (SELECT b FROM t)");  // The subquery is not an expression child.
  ASSERT_NE(expr, nullptr);
  children.clear();
  ForEachChild(*expr, [&](const Expr& child) { children.push_back(child.ToString()); });
  EXPECT_THAT(children, ElementsAre("a"));
}

TEST(ParserAstTest, ForEachMutableChildCanReplaceChildren) {
  std::unique_ptr<Expr> expr = Expression("a + b * c");
  ASSERT_NE(expr, nullptr);
  ForEachMutableChild(*expr, [&](std::unique_ptr<Expr>& child) {
    if (child->Is<ColumnRefExpr>()) {
      child = Expression("$p");
    }
  });
  EXPECT_EQ(expr->ToString(), "$p + b * c");
}

TEST(ParserAstTest, QuoteIdentifier) {
  EXPECT_EQ(QuoteIdentifier("host"), "host");
  EXPECT_EQ(QuoteIdentifier("time"), "time");
  EXPECT_EQ(QuoteIdentifier("_a1$"), "_a1$");
  EXPECT_EQ(QuoteIdentifier("Host"), "\"Host\"");
  EXPECT_EQ(QuoteIdentifier("select"), "\"select\"");
  EXPECT_EQ(QuoteIdentifier("1a"), "\"1a\"");
  EXPECT_EQ(QuoteIdentifier("$a"), "\"$a\"");
  EXPECT_EQ(QuoteIdentifier("a b"), "\"a b\"");
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteIdentifier(""), "\"\"");
  EXPECT_EQ(QuoteString("it's"), "'it''s'");
}

}  // namespace
}  // namespace strata::sql
