// Tests of the InfluxQL parser and the canonical printer: every construct round-trips to its
// canonical text (which parses back to itself), precedence is checked on the tree, and the AST's
// fields are checked for each statement and clause. Real-world query shapes (TSBS, Grafana,
// Chronograf) are at the end. Errors and limits: parser_error_test.cc.
#include "influxql/parser.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "influxql/ast.h"
#include "influxql/duration.h"

namespace strata::influxql {
namespace {

using ::testing::ElementsAre;

// Parses one statement and returns its canonical text; also checks that the canonical text
// parses back to itself.
std::string Canonical(std::string_view text) {
  absl::StatusOr<std::unique_ptr<Statement>> statement = ParseStatement(text);
  if (!statement.ok()) {
    ADD_FAILURE() << text << "\n  " << statement.status();
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

// Checks that `text` is already canonical.
void ExpectCanonical(std::string_view text) {
  EXPECT_EQ(Canonical(text), text);
}

std::unique_ptr<Statement> Parse(std::string_view text) {
  absl::StatusOr<std::unique_ptr<Statement>> statement = ParseStatement(text);
  EXPECT_TRUE(statement.ok()) << text << "\n  " << statement.status();
  return statement.ok() ? *std::move(statement) : nullptr;
}

std::unique_ptr<SelectStatement> ParseSelect(std::string_view text) {
  std::unique_ptr<Statement> statement = Parse(text);
  if (statement == nullptr || !statement->Is<SelectStatement>()) {
    ADD_FAILURE() << "not a SELECT: " << text;
    return nullptr;
  }
  return std::unique_ptr<SelectStatement>(&statement.release()->As<SelectStatement>());
}

std::unique_ptr<Expr> Expression(std::string_view text) {
  absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpression(text);
  EXPECT_TRUE(expr.ok()) << text << "\n  " << expr.status();
  return expr.ok() ? *std::move(expr) : nullptr;
}

// A fully parenthesized prefix form of an expression tree, independent of the printer, so that
// precedence tests check the tree itself: a + b * c is (+ a (* b c)).
std::string Tree(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kLiteral: {
      const auto& literal = expr.As<LiteralExpr>();
      switch (literal.literal_kind) {
        case LiteralKind::kInteger:
          return "i" + std::to_string(literal.integer_value);
        case LiteralKind::kUnsigned:
          return "u" + std::to_string(literal.unsigned_value);
        case LiteralKind::kFloat:
          return "f" + FormatFloat(literal.float_value);
        case LiteralKind::kString:
          return "'" + literal.text + "'";
        case LiteralKind::kBoolean:
          return literal.boolean_value ? "true" : "false";
        case LiteralKind::kDuration:
          return "d" + std::to_string(literal.integer_value);
        case LiteralKind::kRegex:
          return "/" + literal.text + "/";
      }
      return "?";
    }
    case ExprKind::kVarRef: {
      const auto& ref = expr.As<VarRefExpr>();
      return ref.type == DataType::kUnspecified
                 ? ref.name
                 : ref.name + ":" + std::string(DataTypeName(ref.type));
    }
    case ExprKind::kWildcard:
      return "*" + std::string(DataTypeName(expr.As<WildcardExpr>().type));
    case ExprKind::kBoundParameter:
      return "$" + expr.As<BoundParameterExpr>().name;
    case ExprKind::kCall: {
      std::string out = "(" + expr.As<CallExpr>().name + "()";
      for (const auto& arg : expr.As<CallExpr>().args) {
        out += " " + Tree(*arg);
      }
      return out + ")";
    }
    case ExprKind::kBinary: {
      const auto& binary = expr.As<BinaryExpr>();
      return "(" + std::string(BinaryOperatorName(binary.op)) + " " + Tree(*binary.left) + " " +
             Tree(*binary.right) + ")";
    }
  }
  return "?";
}

std::string TreeOf(std::string_view text) {
  std::unique_ptr<Expr> expr = Expression(text);
  return expr == nullptr ? "" : Tree(*expr);
}

// ---------------------------------------------------------------------------------------------
// SELECT fields

TEST(ParserTest, SelectFields) {
  ExpectCanonical("SELECT * FROM cpu");
  EXPECT_EQ(Canonical("select value from cpu"), "SELECT value FROM cpu");
  ExpectCanonical("SELECT usage_user, usage_system AS sys FROM cpu");
  EXPECT_EQ(Canonical(R"(SELECT "value", "usage user" AS "u u" FROM "cpu")"),
            R"(SELECT value, "usage user" AS "u u" FROM cpu)");
  // Keywords as names must stay quoted; names keep their case.
  ExpectCanonical(R"(SELECT "name", "key", "Field", Value FROM "measurement")");
  ExpectCanonical("SELECT time, fill, tz, now FROM m");
  // A dotted reference is one field name, as in InfluxDB 1.8.
  EXPECT_EQ(Canonical("SELECT cpu.usage, a..b FROM cpu"), R"(SELECT "cpu.usage", "a..b" FROM cpu)");
}

TEST(ParserTest, FunctionCalls) {
  ExpectCanonical("SELECT mean(value) FROM cpu");
  EXPECT_EQ(Canonical("SELECT MEAN(value), Max(x) FROM cpu"),
            "SELECT mean(value), max(x) FROM cpu");
  ExpectCanonical("SELECT count(*) FROM cpu");
  ExpectCanonical("SELECT top(value, host, 3), bottom(value, 2) FROM cpu");
  ExpectCanonical("SELECT percentile(value, 95.5) FROM cpu");
  ExpectCanonical("SELECT derivative(mean(value), 1s) FROM cpu GROUP BY time(1m)");
  ExpectCanonical("SELECT non_negative_derivative(max(bytes), 10s) / 8 FROM net");
  ExpectCanonical("SELECT holt_winters(first(water_level), 10, 4) FROM h2o GROUP BY time(6h)");
  ExpectCanonical("SELECT mean(/^usage/) FROM cpu");
  ExpectCanonical("SELECT max(/^usage/), min(value) AS lo FROM cpu");
  ExpectCanonical("SELECT now() FROM cpu");
  ExpectCanonical(R"(SELECT "my func"(x), "select"(y) FROM m)");
  EXPECT_EQ(Canonical(R"(SELECT "MEAN"(x) FROM m)"), "SELECT mean(x) FROM m");
  EXPECT_EQ(Canonical("SELECT mean ( x ) FROM m"), "SELECT mean(x) FROM m");
}

TEST(ParserTest, Distinct) {
  EXPECT_EQ(Canonical("SELECT DISTINCT host FROM cpu"), "SELECT distinct(host) FROM cpu");
  EXPECT_EQ(Canonical("SELECT DISTINCT(host) FROM cpu"), "SELECT distinct(host) FROM cpu");
  EXPECT_EQ(Canonical("SELECT count(DISTINCT host) FROM cpu"),
            "SELECT count(distinct(host)) FROM cpu");
  ExpectCanonical("SELECT count(distinct(host)) FROM cpu");
  EXPECT_EQ(Canonical(R"(SELECT DISTINCT "my field", x FROM cpu)"),
            R"(SELECT distinct("my field"), x FROM cpu)");
  std::unique_ptr<SelectStatement> select = ParseSelect("SELECT DISTINCT host FROM cpu");
  ASSERT_NE(select, nullptr);
  const auto& call = select->fields[0].expr->As<CallExpr>();
  EXPECT_EQ(call.name, "distinct");
  ASSERT_EQ(call.args.size(), 1u);
  EXPECT_EQ(call.args[0]->As<VarRefExpr>().name, "host");
  EXPECT_EQ(call.position, 7u);
  EXPECT_EQ(call.args[0]->position, 16u);
}

TEST(ParserTest, CastsAndWildcards) {
  ExpectCanonical(
      "SELECT a::field, b::tag, c::integer, d::float, e::string, f::boolean, g::unsigned FROM m");
  EXPECT_EQ(Canonical(R"(SELECT x::FLOAT, "y"::Tag, z :: field FROM m)"),
            "SELECT x::float, y::tag, z::field FROM m");
  ExpectCanonical("SELECT *::field FROM m");
  ExpectCanonical("SELECT *::tag, *::field FROM m");
  ExpectCanonical("SELECT mean(*) FROM m");
  std::unique_ptr<SelectStatement> select = ParseSelect("SELECT \"v\"::integer, *::tag FROM m");
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->fields[0].expr->As<VarRefExpr>().type, DataType::kInteger);
  EXPECT_EQ(select->fields[1].expr->As<WildcardExpr>().type, DataType::kTag);
}

TEST(ParserTest, RegexFields) {
  ExpectCanonical("SELECT /^usage_/ FROM cpu");
  ExpectCanonical("SELECT /^usage_/ AS u, host FROM cpu");
  std::unique_ptr<SelectStatement> select = ParseSelect(R"(SELECT /a\/b\d/ FROM cpu)");
  ASSERT_NE(select, nullptr);
  const auto& literal = select->fields[0].expr->As<LiteralExpr>();
  EXPECT_EQ(literal.literal_kind, LiteralKind::kRegex);
  EXPECT_EQ(literal.text, R"(a/b\d)");
  EXPECT_EQ(select->ToString(), R"(SELECT /a\/b\d/ FROM cpu)");
}

TEST(ParserTest, Literals) {
  EXPECT_EQ(Canonical("SELECT 1, 1.5, .5, 1., -2, -2.5, 'str', true, FALSE, 5m, -5m, 1h30m FROM m"),
            "SELECT 1, 1.5, 0.5, 1.0, -2, -2.5, 'str', true, false, 5m, -5m, 90m FROM m");
  ExpectCanonical("SELECT 9223372036854775807, -9223372036854775808 FROM m");
  ExpectCanonical("SELECT 18446744073709551615 FROM m");  // Unsigned.
  ExpectCanonical("SELECT 100000000000000000000.0, 0.000001, -0.0 FROM m");
  EXPECT_EQ(Canonical("SELECT +5, +1.5, +5m FROM m"), "SELECT 5, 1.5, 5m FROM m");
  EXPECT_EQ(Canonical("SELECT 5µ, 5u, 1500ms, 7d, 14d FROM m"),
            "SELECT 5u, 5u, 1500ms, 1w, 2w FROM m");
  EXPECT_EQ(Canonical(R"(SELECT 'it\'s', 'a\\b', 'x\ny', 'say \"hi\"' FROM m)"),
            R"(SELECT 'it\'s', 'a\\b', 'x\ny', 'say "hi"' FROM m)");
  EXPECT_EQ(Canonical(R"(SELECT "a \"b\"", "c\'d" FROM m)"), R"(SELECT "a \"b\"", "c'd" FROM m)");
  ExpectCanonical("SELECT 'héllo wörld' FROM \"日本\"");
}

TEST(ParserTest, LiteralValues) {
  auto literal = [](std::string_view text) {
    static std::unique_ptr<Expr> expr;
    expr = Expression(text);
    EXPECT_NE(expr, nullptr);
    EXPECT_TRUE(expr->Is<LiteralExpr>()) << text;
    return &expr->As<LiteralExpr>();
  };
  EXPECT_EQ(literal("42")->integer_value, 42);
  EXPECT_EQ(literal("-42")->integer_value, -42);
  EXPECT_EQ(literal("- 42")->integer_value, -42);
  EXPECT_EQ(literal("-9223372036854775808")->integer_value, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(literal("9223372036854775808")->literal_kind, LiteralKind::kUnsigned);
  EXPECT_EQ(literal("9223372036854775808")->unsigned_value, uint64_t{1} << 63);
  EXPECT_EQ(literal("1.25")->float_value, 1.25);
  EXPECT_EQ(literal("-.5")->float_value, -0.5);
  EXPECT_EQ(literal("1h30m")->literal_kind, LiteralKind::kDuration);
  EXPECT_EQ(literal("1h30m")->integer_value, 90 * kMinute);
  EXPECT_EQ(literal("-10s")->integer_value, -10 * kSecond);
  EXPECT_EQ(literal("'2016-01-01T00:00:00Z'")->literal_kind, LiteralKind::kString);
  EXPECT_EQ(literal("'2016-01-01T00:00:00Z'")->text, "2016-01-01T00:00:00Z");
  EXPECT_TRUE(literal("TRUE")->boolean_value);
  EXPECT_FALSE(literal("false")->boolean_value);
  // The sign's position is the literal's.
  EXPECT_EQ(literal("  -5")->position, 2u);
}

// ---------------------------------------------------------------------------------------------
// Expressions

TEST(ParserTest, Precedence) {
  EXPECT_EQ(TreeOf("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(TreeOf("a * b + c"), "(+ (* a b) c)");
  EXPECT_EQ(TreeOf("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(TreeOf("a / b % c * d"), "(* (% (/ a b) c) d)");
  EXPECT_EQ(TreeOf("a | b & c"), "(| a (& b c))");  // & binds like *, | like +.
  EXPECT_EQ(TreeOf("a ^ b + c"), "(+ (^ a b) c)");
  EXPECT_EQ(TreeOf("a + b | c"), "(| (+ a b) c)");
  EXPECT_EQ(TreeOf("a = 1 AND b = 2 OR c = 3"), "(OR (AND (= a i1) (= b i2)) (= c i3))");
  EXPECT_EQ(TreeOf("a = 1 OR b = 2 AND c = 3"), "(OR (= a i1) (AND (= b i2) (= c i3)))");
  EXPECT_EQ(TreeOf("a + 1 > b * 2"), "(> (+ a i1) (* b i2))");
  EXPECT_EQ(TreeOf("a = b = c"), "(= (= a b) c)");  // Comparisons chain, left to right.
  EXPECT_EQ(TreeOf("(a OR b) AND c"), "(AND (OR a b) c)");
  EXPECT_EQ(TreeOf("a <> b"), "(!= a b)");
  EXPECT_EQ(TreeOf("host =~ /^a/ AND host !~ /b$/"), "(AND (=~ host /^a/) (!~ host /b$/))");
  EXPECT_EQ(TreeOf("x =~ /a/ + 1"), "(=~ x (+ /a/ i1))");
  EXPECT_EQ(TreeOf("time > now() - 1h"), "(> time (- (now()) d3600000000000))");
}

TEST(ParserTest, Signs) {
  EXPECT_EQ(TreeOf("-x"), "(* i-1 x)");
  EXPECT_EQ(TreeOf("+x"), "(* i1 x)");
  EXPECT_EQ(TreeOf("-mean(x)"), "(* i-1 (mean() x))");
  EXPECT_EQ(TreeOf("-(a + b)"), "(* i-1 (+ a b))");
  EXPECT_EQ(TreeOf("-(5)"), "(* i-1 i5)");
  EXPECT_EQ(TreeOf("a * -b"), "(* a (* i-1 b))");
  EXPECT_EQ(TreeOf("a - -1"), "(- a i-1)");
  EXPECT_EQ(TreeOf("-x::float"), "(* i-1 x:float)");
  EXPECT_EQ(Canonical("SELECT -x, -mean(x), -(a + b), a * -b, a - -1, -(-x) FROM m"),
            "SELECT -1 * x, -1 * mean(x), -1 * (a + b), a * (-1 * b), a - -1, -1 * (-1 * x) "
            "FROM m");
}

TEST(ParserTest, Parentheses) {
  EXPECT_EQ(Canonical("SELECT (a + b) * c, a - (b - c), (a - b) - c, ((a)) FROM m"),
            "SELECT (a + b) * c, a - (b - c), a - b - c, a FROM m");
  EXPECT_EQ(Canonical("SELECT a FROM m WHERE (a = 1 OR b = 2) AND (c = 3)"),
            "SELECT a FROM m WHERE (a = 1 OR b = 2) AND c = 3");
  EXPECT_EQ(Canonical("SELECT a FROM m WHERE a = 1 OR (b = 2 AND c = 3)"),
            "SELECT a FROM m WHERE a = 1 OR b = 2 AND c = 3");
  EXPECT_EQ(Canonical("SELECT (a | b) & c, a | (b & c) FROM m"),
            "SELECT (a | b) & c, a | b & c FROM m");
}

TEST(ParserTest, BoundParameters) {
  ExpectCanonical("SELECT a FROM m WHERE host = $host AND region =~ $re AND x > $1");
  ExpectCanonical(R"(SELECT a FROM m WHERE host = $"my param")");
  std::unique_ptr<Expr> expr = Expression("$host");
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(expr->As<BoundParameterExpr>().name, "host");
}

TEST(ParserTest, Positions) {
  std::unique_ptr<SelectStatement> select = ParseSelect("SELECT a + b FROM m WHERE\n  host = 'x'");
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->position, 0u);
  EXPECT_EQ(select->fields[0].position, 7u);
  const auto& sum = select->fields[0].expr->As<BinaryExpr>();
  EXPECT_EQ(sum.position, 9u);  // The operator.
  EXPECT_EQ(sum.left->position, 7u);
  EXPECT_EQ(sum.right->position, 11u);
  EXPECT_EQ(select->sources[0]->position, 18u);
  EXPECT_EQ(select->condition->position, 33u);  // The '='.
  EXPECT_EQ(select->condition->As<BinaryExpr>().left->position, 28u);
}

TEST(ParserTest, CommentsAndCase) {
  EXPECT_EQ(Canonical("select A -- the field\nfrom B /* the\nmeasurement */ where C = 1 "
                      "group BY D"),
            "SELECT A FROM B WHERE C = 1 GROUP BY D");
}

// ---------------------------------------------------------------------------------------------
// FROM

TEST(ParserTest, Sources) {
  EXPECT_EQ(Canonical(R"(SELECT a FROM "telegraf"."autogen"."cpu")"),
            "SELECT a FROM telegraf.autogen.cpu");
  ExpectCanonical("SELECT a FROM telegraf..cpu");
  ExpectCanonical("SELECT a FROM autogen.cpu");
  ExpectCanonical("SELECT a FROM /cpu.*/");
  ExpectCanonical("SELECT a FROM telegraf.autogen./cpu.*/");
  ExpectCanonical("SELECT a FROM autogen./cpu/");
  ExpectCanonical("SELECT a FROM telegraf../cpu/");
  ExpectCanonical("SELECT a FROM cpu, mem, /disk.*/");
  ExpectCanonical(R"(SELECT a FROM "my.measurement", "1m", "select")");

  std::unique_ptr<SelectStatement> select =
      ParseSelect("SELECT a FROM db.rp.cpu, db..mem, rp.disk, net, /re/, db.rp./r2/, rp./r3/");
  ASSERT_NE(select, nullptr);
  ASSERT_EQ(select->sources.size(), 7u);
  auto measurement = [&](size_t i) -> const Measurement& {
    return select->sources[i]->As<MeasurementSource>().measurement;
  };
  EXPECT_EQ(measurement(0).database, "db");
  EXPECT_EQ(measurement(0).retention_policy, "rp");
  EXPECT_EQ(measurement(0).name, "cpu");
  EXPECT_EQ(measurement(1).database, "db");
  EXPECT_EQ(measurement(1).retention_policy, "");
  EXPECT_EQ(measurement(1).name, "mem");
  EXPECT_EQ(measurement(2).database, "");
  EXPECT_EQ(measurement(2).retention_policy, "rp");
  EXPECT_EQ(measurement(3).name, "net");
  EXPECT_FALSE(measurement(3).regex.has_value());
  EXPECT_EQ(measurement(4).regex, "re");
  EXPECT_EQ(measurement(4).name, "");
  EXPECT_EQ(measurement(5).database, "db");
  EXPECT_EQ(measurement(5).retention_policy, "rp");
  EXPECT_EQ(measurement(5).regex, "r2");
  EXPECT_EQ(measurement(6).database, "");
  EXPECT_EQ(measurement(6).retention_policy, "rp");
  EXPECT_EQ(measurement(6).regex, "r3");
}

TEST(ParserTest, Subqueries) {
  ExpectCanonical(
      "SELECT mean(max) FROM (SELECT max(usage_user) FROM cpu GROUP BY time(1m), host) GROUP BY "
      "time(10m)");
  ExpectCanonical(
      "SELECT a FROM (SELECT b AS a FROM (SELECT c AS b FROM m WHERE c > 1) LIMIT 5), other");
  std::unique_ptr<SelectStatement> select = ParseSelect("SELECT x FROM (SELECT y AS x FROM m)");
  ASSERT_NE(select, nullptr);
  ASSERT_TRUE(select->sources[0]->Is<SubquerySource>());
  const SelectStatement& inner = *select->sources[0]->As<SubquerySource>().select;
  EXPECT_EQ(inner.position, 15u);
  EXPECT_EQ(inner.fields[0].alias->name, "x");
}

// ---------------------------------------------------------------------------------------------
// WHERE, GROUP BY, fill, ORDER BY, LIMIT, tz

TEST(ParserTest, Conditions) {
  EXPECT_EQ(Canonical("SELECT a FROM m WHERE host = 'a' AND region <> 'b' OR x != 1"),
            "SELECT a FROM m WHERE host = 'a' AND region != 'b' OR x != 1");
  ExpectCanonical("SELECT a FROM m WHERE host =~ /^a/ AND host !~ /b$/");
  ExpectCanonical(
      "SELECT a FROM m WHERE time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T01:00:00Z'");
  ExpectCanonical("SELECT a FROM m WHERE time > now() - 1h");
  EXPECT_EQ(Canonical("SELECT a FROM m WHERE time >= 1600000000000ms and time <= 1600003600000ms"),
            "SELECT a FROM m WHERE time >= 1600000000s AND time <= 1600003600s");
  ExpectCanonical("SELECT a FROM m WHERE value > 1.5 AND flag = true AND n % 2 = 0");
}

TEST(ParserTest, GroupBy) {
  ExpectCanonical("SELECT mean(a) FROM m GROUP BY time(1m)");
  ExpectCanonical("SELECT mean(a) FROM m GROUP BY time(1h, 15m), host, region");
  ExpectCanonical("SELECT mean(a) FROM m GROUP BY time(1h, -15m)");
  ExpectCanonical("SELECT mean(a) FROM m GROUP BY time(1d, now())");
  ExpectCanonical("SELECT mean(a) FROM m GROUP BY *");
  ExpectCanonical("SELECT mean(a) FROM m GROUP BY time(10m), *");
  ExpectCanonical("SELECT mean(a) FROM m GROUP BY /^h/, host");
  EXPECT_EQ(Canonical(R"(SELECT mean(a) FROM m GROUP BY "host"::tag, TIME(90s))"),
            "SELECT mean(a) FROM m GROUP BY host, time(90s)");

  std::unique_ptr<SelectStatement> select =
      ParseSelect("SELECT mean(a) FROM m GROUP BY host, time(1h, -15m), *, /re/");
  ASSERT_NE(select, nullptr);
  ASSERT_EQ(select->dimensions.size(), 4u);
  EXPECT_EQ(select->dimensions[0].kind, Dimension::Kind::kTag);
  EXPECT_EQ(select->dimensions[0].tag, "host");
  EXPECT_EQ(select->dimensions[1].kind, Dimension::Kind::kTime);
  EXPECT_EQ(select->dimensions[1].interval, kHour);
  ASSERT_TRUE(select->dimensions[1].offset.has_value());
  EXPECT_FALSE(select->dimensions[1].offset->now);
  EXPECT_EQ(select->dimensions[1].offset->nanoseconds, -15 * kMinute);
  EXPECT_EQ(select->dimensions[2].kind, Dimension::Kind::kWildcard);
  EXPECT_EQ(select->dimensions[3].kind, Dimension::Kind::kRegex);
  EXPECT_EQ(select->dimensions[3].regex, "re");
  ASSERT_NE(select->TimeDimension(), nullptr);
  EXPECT_EQ(select->TimeDimension()->interval, kHour);

  select = ParseSelect("SELECT mean(a) FROM m GROUP BY time(1d, now())");
  ASSERT_NE(select, nullptr);
  EXPECT_TRUE(select->dimensions[0].offset->now);
  select = ParseSelect("SELECT a FROM m GROUP BY host");
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->TimeDimension(), nullptr);
}

TEST(ParserTest, Fill) {
  for (const char* option : {"null", "none", "previous", "linear", "0", "-1", "1.5", "-0.25"}) {
    ExpectCanonical(std::string("SELECT mean(a) FROM m GROUP BY time(1m) fill(") + option + ")");
  }
  EXPECT_EQ(Canonical("SELECT mean(a) FROM m GROUP BY time(1m) FILL(NULL)"),
            "SELECT mean(a) FROM m GROUP BY time(1m) fill(null)");
  EXPECT_EQ(Canonical("SELECT mean(a) FROM m GROUP BY time(1m) fill(+3)"),
            "SELECT mean(a) FROM m GROUP BY time(1m) fill(3)");
  // fill() without GROUP BY parses (as in InfluxDB; it has no effect there).
  ExpectCanonical("SELECT a FROM m fill(none)");

  std::unique_ptr<SelectStatement> select =
      ParseSelect("SELECT mean(a) FROM m GROUP BY time(1m) fill(-7)");
  ASSERT_NE(select, nullptr);
  ASSERT_TRUE(select->fill.has_value());
  EXPECT_EQ(select->fill->mode, FillMode::kValue);
  EXPECT_EQ(std::get<int64_t>(select->fill->value), -7);
  EXPECT_EQ(select->fill->position, 40u);
  select = ParseSelect("SELECT mean(a) FROM m GROUP BY time(1m) fill(2.5)");
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(std::get<double>(select->fill->value), 2.5);
  select = ParseSelect("SELECT mean(a) FROM m GROUP BY time(1m) fill(previous)");
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->fill->mode, FillMode::kPrevious);
  select = ParseSelect("SELECT mean(a) FROM m GROUP BY time(1m)");
  ASSERT_NE(select, nullptr);
  EXPECT_FALSE(select->fill.has_value());
}

TEST(ParserTest, OrderLimitOffsetTimeZone) {
  ExpectCanonical("SELECT a FROM m ORDER BY time DESC");
  EXPECT_EQ(Canonical("SELECT a FROM m ORDER BY DESC"), "SELECT a FROM m ORDER BY time DESC");
  EXPECT_EQ(Canonical("SELECT a FROM m order by time"), "SELECT a FROM m ORDER BY time ASC");
  EXPECT_EQ(Canonical("SELECT a FROM m ORDER BY asc"), "SELECT a FROM m ORDER BY time ASC");
  ExpectCanonical("SELECT a FROM m LIMIT 10 OFFSET 5 SLIMIT 2 SOFFSET 1");
  ExpectCanonical("SELECT a FROM m LIMIT 0");
  ExpectCanonical("SELECT a FROM m tz('America/Chicago')");
  ExpectCanonical(
      "SELECT mean(a) AS m FROM db.rp.cpu WHERE host =~ /^web/ AND time > now() - 1d GROUP BY "
      "time(1h, 30m), host fill(linear) ORDER BY time DESC LIMIT 100 OFFSET 10 SLIMIT 5 SOFFSET 1 "
      "tz('Europe/Paris')");

  std::unique_ptr<SelectStatement> select = ParseSelect(
      "SELECT a FROM m ORDER BY time DESC LIMIT 10 OFFSET 5 SLIMIT 2 SOFFSET 1 TZ('UTC')");
  ASSERT_NE(select, nullptr);
  ASSERT_TRUE(select->order_by.has_value());
  EXPECT_FALSE(select->order_by->ascending);
  EXPECT_EQ(select->limit, 10);
  EXPECT_EQ(select->offset, 5);
  EXPECT_EQ(select->series_limit, 2);
  EXPECT_EQ(select->series_offset, 1);
  ASSERT_TRUE(select->time_zone.has_value());
  EXPECT_EQ(select->time_zone->name, "UTC");
  select = ParseSelect("SELECT a FROM m");
  ASSERT_NE(select, nullptr);
  EXPECT_FALSE(select->order_by.has_value());
  EXPECT_FALSE(select->limit.has_value());
  EXPECT_FALSE(select->time_zone.has_value());
}

TEST(ParserTest, RawAndAggregateQueries) {
  EXPECT_TRUE(ParseSelect("SELECT a, b + 1 FROM m")->IsRawQuery());
  EXPECT_FALSE(ParseSelect("SELECT a, mean(b) FROM m")->IsRawQuery());
  EXPECT_FALSE(ParseSelect("SELECT 2 * max(b) FROM m")->IsRawQuery());
}

// ---------------------------------------------------------------------------------------------
// Other statements

TEST(ParserTest, Explain) {
  ExpectCanonical("EXPLAIN SELECT a FROM m");
  ExpectCanonical("EXPLAIN ANALYZE SELECT mean(a) FROM m GROUP BY time(1m)");
  std::unique_ptr<Statement> statement = Parse("explain analyze select a from m");
  ASSERT_NE(statement, nullptr);
  ASSERT_TRUE(statement->Is<ExplainStatement>());
  EXPECT_TRUE(statement->As<ExplainStatement>().analyze);
  EXPECT_EQ(statement->As<ExplainStatement>().select->position, 16u);
}

TEST(ParserTest, ShowDatabasesAndRetentionPolicies) {
  ExpectCanonical("SHOW DATABASES");
  ExpectCanonical("SHOW RETENTION POLICIES");
  ExpectCanonical("SHOW RETENTION POLICIES ON telegraf");
  EXPECT_EQ(Canonical(R"(show retention policies on "my db")"),
            R"(SHOW RETENTION POLICIES ON "my db")");
  std::unique_ptr<Statement> statement = Parse("SHOW RETENTION POLICIES ON db");
  ASSERT_NE(statement, nullptr);
  EXPECT_EQ(statement->As<ShowRetentionPoliciesStatement>().database->name, "db");
  EXPECT_EQ(statement->As<ShowRetentionPoliciesStatement>().database->position, 27u);
  EXPECT_TRUE(Parse("SHOW DATABASES")->Is<ShowDatabasesStatement>());
}

TEST(ParserTest, ShowMeasurements) {
  ExpectCanonical("SHOW MEASUREMENTS");
  ExpectCanonical(
      "SHOW MEASUREMENTS ON db WITH MEASUREMENT =~ /cpu.*/ WHERE host = 'a' LIMIT 10 OFFSET 2");
  ExpectCanonical("SHOW MEASUREMENTS WITH MEASUREMENT = cpu");
  ExpectCanonical("SHOW MEASUREMENTS WITH MEASUREMENT = db.rp.cpu");
  EXPECT_EQ(Canonical("SHOW MEASUREMENTS WITH MEASUREMENT = /cpu/"),
            "SHOW MEASUREMENTS WITH MEASUREMENT =~ /cpu/");
  std::unique_ptr<Statement> statement = Parse("SHOW MEASUREMENTS WITH MEASUREMENT =~ /c/ LIMIT 3");
  ASSERT_NE(statement, nullptr);
  const auto& show = statement->As<ShowMeasurementsStatement>();
  EXPECT_FALSE(show.database.has_value());
  ASSERT_TRUE(show.with_measurement.has_value());
  EXPECT_EQ(show.with_measurement->regex, "c");
  EXPECT_EQ(show.condition, nullptr);
  EXPECT_EQ(show.limit, 3);
  EXPECT_FALSE(show.offset.has_value());
}

TEST(ParserTest, ShowTagKeys) {
  ExpectCanonical("SHOW TAG KEYS");
  ExpectCanonical("SHOW TAG KEYS ON db FROM cpu, /m.*/ WHERE host = 'a' LIMIT 1 OFFSET 1");
  std::unique_ptr<Statement> statement = Parse("SHOW TAG KEYS FROM cpu");
  ASSERT_NE(statement, nullptr);
  const auto& show = statement->As<ShowTagKeysStatement>();
  ASSERT_EQ(show.from.size(), 1u);
  EXPECT_EQ(show.from[0].name, "cpu");
  EXPECT_EQ(show.from[0].position, 19u);
}

TEST(ParserTest, ShowTagValues) {
  ExpectCanonical("SHOW TAG VALUES WITH KEY = host");
  EXPECT_EQ(Canonical(R"(SHOW TAG VALUES FROM "cpu" WITH KEY = "host")"),
            "SHOW TAG VALUES FROM cpu WITH KEY = host");
  ExpectCanonical("SHOW TAG VALUES FROM cpu WITH KEY != host");
  ExpectCanonical("SHOW TAG VALUES FROM cpu WITH KEY =~ /h.*/");
  ExpectCanonical("SHOW TAG VALUES FROM cpu WITH KEY !~ /h.*/");
  ExpectCanonical("SHOW TAG VALUES FROM cpu WITH KEY IN (host, region)");
  ExpectCanonical(
      "SHOW TAG VALUES ON db FROM cpu WITH KEY = host WHERE region = 'us' LIMIT 5 OFFSET 1");
  ExpectCanonical(R"(SHOW TAG VALUES WITH KEY = "key")");

  std::unique_ptr<Statement> statement =
      Parse("SHOW TAG VALUES FROM cpu WITH KEY IN (host, \"region\")");
  ASSERT_NE(statement, nullptr);
  const TagKeyFilter& key = statement->As<ShowTagValuesStatement>().key;
  EXPECT_EQ(key.op, TagKeyOperator::kIn);
  ASSERT_EQ(key.keys.size(), 2u);
  EXPECT_EQ(key.keys[1].name, "region");
  EXPECT_EQ(key.position, 25u);
  statement = Parse("SHOW TAG VALUES WITH KEY !~ /^x/");
  ASSERT_NE(statement, nullptr);
  EXPECT_EQ(statement->As<ShowTagValuesStatement>().key.op, TagKeyOperator::kRegexNotMatch);
  EXPECT_EQ(statement->As<ShowTagValuesStatement>().key.regex, "^x");
}

TEST(ParserTest, ShowFieldKeysAndSeries) {
  ExpectCanonical("SHOW FIELD KEYS");
  ExpectCanonical("SHOW FIELD KEYS ON db FROM cpu LIMIT 5 OFFSET 1");
  ExpectCanonical("SHOW SERIES");
  ExpectCanonical("SHOW SERIES ON db FROM cpu, mem WHERE host = 'a' LIMIT 5 OFFSET 10");
  std::unique_ptr<Statement> statement = Parse("SHOW SERIES FROM cpu WHERE host = 'a'");
  ASSERT_NE(statement, nullptr);
  const auto& show = statement->As<ShowSeriesStatement>();
  EXPECT_EQ(show.from.size(), 1u);
  EXPECT_EQ(show.condition->ToString(), "host = 'a'");
}

TEST(ParserTest, MultipleStatements) {
  absl::StatusOr<std::vector<std::unique_ptr<Statement>>> statements =
      ParseStatements("SELECT a FROM m; SHOW DATABASES;; EXPLAIN SELECT b FROM n;");
  ASSERT_TRUE(statements.ok()) << statements.status();
  ASSERT_EQ(statements->size(), 3u);
  EXPECT_TRUE((*statements)[0]->Is<SelectStatement>());
  EXPECT_TRUE((*statements)[1]->Is<ShowDatabasesStatement>());
  EXPECT_EQ((*statements)[1]->position, 17u);
  EXPECT_TRUE((*statements)[2]->Is<ExplainStatement>());
  EXPECT_TRUE(ParseStatement("SHOW DATABASES;").ok());
}

// ---------------------------------------------------------------------------------------------
// Real-world queries

TEST(ParserTest, TsbsQueries) {
  // Query shapes of the Time Series Benchmark Suite's InfluxQL (devops and IoT use cases).
  EXPECT_EQ(Canonical("SELECT max(usage_user) FROM cpu WHERE (hostname = 'host_1') AND time >= "
                      "'2016-01-01T00:00:00Z' AND time < '2016-01-01T01:00:00Z' GROUP BY time(1m)"),
            "SELECT max(usage_user) FROM cpu WHERE hostname = 'host_1' AND time >= "
            "'2016-01-01T00:00:00Z' AND time < '2016-01-01T01:00:00Z' GROUP BY time(1m)");
  EXPECT_EQ(
      Canonical("SELECT max(usage_user),max(usage_system),max(usage_idle) from cpu where "
                "(hostname = 'host_1' or hostname = 'host_2') and time >= '2016-01-01T00:00:00Z' "
                "and time < '2016-01-01T12:00:00Z' group by time(1h)"),
      "SELECT max(usage_user), max(usage_system), max(usage_idle) FROM cpu WHERE (hostname = "
      "'host_1' OR hostname = 'host_2') AND time >= '2016-01-01T00:00:00Z' AND time < "
      "'2016-01-01T12:00:00Z' GROUP BY time(1h)");
  ExpectCanonical(
      "SELECT mean(usage_user) FROM cpu WHERE time >= '2016-01-01T00:00:00Z' AND time < "
      "'2016-01-01T12:00:00Z' GROUP BY time(1h), hostname");
  EXPECT_EQ(Canonical("SELECT max(usage_user) from cpu where time < '2016-01-01T12:00:00Z' group "
                      "by time(1m) ORDER BY time DESC LIMIT 5"),
            "SELECT max(usage_user) FROM cpu WHERE time < '2016-01-01T12:00:00Z' GROUP BY time(1m) "
            "ORDER BY time DESC LIMIT 5");
  EXPECT_EQ(Canonical("SELECT * from cpu where usage_user > 90.0 and time >= "
                      "'2016-01-01T00:00:00Z' and time < '2016-01-01T12:00:00Z'"),
            "SELECT * FROM cpu WHERE usage_user > 90.0 AND time >= '2016-01-01T00:00:00Z' AND "
            "time < '2016-01-01T12:00:00Z'");
  EXPECT_EQ(Canonical(R"(SELECT last("usage_user") FROM "cpu" GROUP BY "hostname")"),
            "SELECT last(usage_user) FROM cpu GROUP BY hostname");
  ExpectCanonical(
      R"(SELECT "name", driver, current_load, load_capacity FROM (SELECT current_load, )"
      R"(load_capacity FROM "diagnostics" WHERE fleet = 'South') WHERE current_load >= 0.9 * )"
      R"(load_capacity GROUP BY "name")");
}

TEST(ParserTest, GrafanaQueries) {
  // Grafana expands $timeFilter, $__interval and template variables before sending.
  EXPECT_EQ(
      Canonical(
          R"(SELECT mean("usage_idle") FROM "autogen"."cpu" WHERE ("host" =~ /^(web1|web2)$/))"
          R"( AND time >= now() - 6h and time <= now() GROUP BY time(20s), "host" fill(null))"),
      "SELECT mean(usage_idle) FROM autogen.cpu WHERE host =~ /^(web1|web2)$/ AND time >= "
      "now() - 6h AND time <= now() GROUP BY time(20s), host fill(null)");
  EXPECT_EQ(Canonical(R"(SELECT non_negative_derivative(mean("bytes_recv"), 1s) *8 FROM "net" )"
                      R"(WHERE time >= 1600000000000ms and time <= 1600003600000ms GROUP BY )"
                      R"(time(10s), "interface" fill(none))"),
            "SELECT non_negative_derivative(mean(bytes_recv), 1s) * 8 FROM net WHERE time >= "
            "1600000000s AND time <= 1600003600s GROUP BY time(10s), interface fill(none)");
  EXPECT_EQ(Canonical(R"(SHOW TAG VALUES FROM "cpu" WITH KEY = "host" WHERE "region" =~ /^us/)"),
            "SHOW TAG VALUES FROM cpu WITH KEY = host WHERE region =~ /^us/");
  ExpectCanonical("SHOW MEASUREMENTS WITH MEASUREMENT =~ /cpu/ LIMIT 100");
  EXPECT_EQ(Canonical(R"(SHOW FIELD KEYS FROM "cpu")"), "SHOW FIELD KEYS FROM cpu");
  EXPECT_EQ(Canonical(R"(SELECT "usage_user" FROM "telegraf"."autogen"."cpu" WHERE time > now() )"
                      R"(- 5m LIMIT 10)"),
            "SELECT usage_user FROM telegraf.autogen.cpu WHERE time > now() - 5m LIMIT 10");
  // Chronograf's data explorer, after it expands :dashboardTime: and :interval:.
  EXPECT_EQ(Canonical(R"(SELECT mean("value") AS "mean_value" FROM "telegraf"."autogen"."mem" )"
                      R"(WHERE time > now() - 1h GROUP BY time(10s) FILL(null))"),
            "SELECT mean(value) AS mean_value FROM telegraf.autogen.mem WHERE time > now() - 1h "
            "GROUP BY time(10s) fill(null)");
  EXPECT_EQ(Canonical(R"(SHOW TAG VALUES ON "telegraf" FROM "autogen"."cpu" WITH KEY = "host")"),
            "SHOW TAG VALUES ON telegraf FROM autogen.cpu WITH KEY = host");
}

}  // namespace
}  // namespace strata::influxql
