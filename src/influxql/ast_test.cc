// Tests of the AST helpers: quoting, number and duration printing, the printer on trees built by
// hand (as the translator or a rewrite would build them), and the walkers.
#include "influxql/ast.h"

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "influxql/duration.h"
#include "influxql/parser.h"

namespace strata::influxql {
namespace {

using ::testing::ElementsAre;

std::unique_ptr<Expr> Ref(std::string name) {
  auto ref = std::make_unique<VarRefExpr>(0);
  ref->name = std::move(name);
  return ref;
}

std::unique_ptr<Expr> Integer(int64_t value) {
  auto literal = std::make_unique<LiteralExpr>(0);
  literal->literal_kind = LiteralKind::kInteger;
  literal->integer_value = value;
  return literal;
}

std::unique_ptr<Expr> Binary(BinaryOperator op,
                             std::unique_ptr<Expr> left,
                             std::unique_ptr<Expr> right) {
  auto binary = std::make_unique<BinaryExpr>(0);
  binary->op = op;
  binary->left = std::move(left);
  binary->right = std::move(right);
  return binary;
}

TEST(AstTest, QuoteIdentifier) {
  EXPECT_EQ(QuoteIdentifier("cpu"), "cpu");
  EXPECT_EQ(QuoteIdentifier("_x9"), "_x9");
  EXPECT_EQ(QuoteIdentifier("Usage_Idle"), "Usage_Idle");
  EXPECT_EQ(QuoteIdentifier("time"), "time");
  EXPECT_EQ(QuoteIdentifier("select"), "\"select\"");
  EXPECT_EQ(QuoteIdentifier("Name"), "\"Name\"");  // Keywords in any case.
  EXPECT_EQ(QuoteIdentifier("true"), "\"true\"");
  EXPECT_EQ(QuoteIdentifier("9lives"), "\"9lives\"");
  EXPECT_EQ(QuoteIdentifier("a.b"), "\"a.b\"");
  EXPECT_EQ(QuoteIdentifier("a b"), "\"a b\"");
  EXPECT_EQ(QuoteIdentifier("日本"), "\"日本\"");
  EXPECT_EQ(QuoteIdentifier("say \"hi\"\\\n"), R"("say \"hi\"\\\n")");
  EXPECT_EQ(QuoteIdentifier(""), "\"\"");
}

TEST(AstTest, QuoteStringAndRegex) {
  EXPECT_EQ(QuoteString("abc"), "'abc'");
  EXPECT_EQ(QuoteString("it's a \\ \"x\"\n"), R"('it\'s a \\ "x"\n')");
  EXPECT_EQ(QuoteRegex("^cpu.*"), "/^cpu.*/");
  EXPECT_EQ(QuoteRegex("a/b\\d"), R"(/a\/b\d/)");
  EXPECT_EQ(QuoteRegex(""), "//");
}

TEST(AstTest, FormatFloat) {
  EXPECT_EQ(FormatFloat(1.5), "1.5");
  EXPECT_EQ(FormatFloat(2), "2.0");
  EXPECT_EQ(FormatFloat(-0.25), "-0.25");
  EXPECT_EQ(FormatFloat(0.1), "0.1");
  EXPECT_EQ(FormatFloat(1e20), "100000000000000000000.0");
  EXPECT_EQ(FormatFloat(-0.0), "-0.0");
  EXPECT_EQ(FormatFloat(1e-7), "0.0000001");
  // Every double reads back as itself, including the extremes.
  for (const double value : {0.1,
                             1.0 / 3,
                             123456.789,
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::min(),
                             std::numeric_limits<double>::denorm_min(),
                             5e-324,
                             -1.7976931348623157e308}) {
    const std::string text = FormatFloat(value);
    absl::StatusOr<std::unique_ptr<Expr>> expr = ParseExpression(text);
    ASSERT_TRUE(expr.ok()) << text << ": " << expr.status();
    ASSERT_TRUE((*expr)->Is<LiteralExpr>());
    EXPECT_EQ((*expr)->As<LiteralExpr>().float_value, value) << text;
  }
}

TEST(AstTest, PrinterAddsOnlyNeededParentheses) {
  // (a + b) * c
  EXPECT_EQ(
      Binary(BinaryOperator::kMultiply, Binary(BinaryOperator::kAdd, Ref("a"), Ref("b")), Ref("c"))
          ->ToString(),
      "(a + b) * c");
  // a + (b * c)
  EXPECT_EQ(
      Binary(BinaryOperator::kAdd, Ref("a"), Binary(BinaryOperator::kMultiply, Ref("b"), Ref("c")))
          ->ToString(),
      "a + b * c");
  // a - (b - c) and (a - b) - c
  EXPECT_EQ(Binary(BinaryOperator::kSubtract,
                   Ref("a"),
                   Binary(BinaryOperator::kSubtract, Ref("b"), Ref("c")))
                ->ToString(),
            "a - (b - c)");
  EXPECT_EQ(Binary(BinaryOperator::kSubtract,
                   Binary(BinaryOperator::kSubtract, Ref("a"), Ref("b")),
                   Ref("c"))
                ->ToString(),
            "a - b - c");
  // (a OR b) AND c, and a comparison of comparisons.
  EXPECT_EQ(Binary(BinaryOperator::kAnd, Binary(BinaryOperator::kOr, Ref("a"), Ref("b")), Ref("c"))
                ->ToString(),
            "(a OR b) AND c");
  EXPECT_EQ(
      Binary(BinaryOperator::kEq, Ref("a"), Binary(BinaryOperator::kEq, Ref("b"), Integer(-1)))
          ->ToString(),
      "a = (b = -1)");
  // & binds like *: (a | b) & c needs its parentheses.
  EXPECT_EQ(Binary(BinaryOperator::kBitwiseAnd,
                   Binary(BinaryOperator::kBitwiseOr, Ref("a"), Ref("b")),
                   Ref("c"))
                ->ToString(),
            "(a | b) & c");
}

TEST(AstTest, PrintedLeavesParseBack) {
  auto wildcard = std::make_unique<WildcardExpr>(0);
  wildcard->type = DataType::kTag;
  EXPECT_EQ(wildcard->ToString(), "*::tag");
  auto parameter = std::make_unique<BoundParameterExpr>(0);
  parameter->name = "x y";
  EXPECT_EQ(parameter->ToString(), "$\"x y\"");
  parameter->name = "1";
  EXPECT_EQ(parameter->ToString(), "$1");
  auto call = std::make_unique<CallExpr>(0);
  call->name = "distinct";
  call->args.push_back(Ref("from"));
  EXPECT_EQ(call->ToString(), "distinct(\"from\")");
  call->name = "count";
  EXPECT_EQ(call->ToString(), "count(\"from\")");
  auto ref = std::make_unique<VarRefExpr>(0);
  ref->name = "v";
  ref->type = DataType::kUnsigned;
  EXPECT_EQ(ref->ToString(), "v::unsigned");
  auto duration = std::make_unique<LiteralExpr>(0);
  duration->literal_kind = LiteralKind::kDuration;
  duration->integer_value = -90 * kSecond;
  EXPECT_EQ(duration->ToString(), "-90s");
  auto unsigned_literal = std::make_unique<LiteralExpr>(0);
  unsigned_literal->literal_kind = LiteralKind::kUnsigned;
  unsigned_literal->unsigned_value = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(unsigned_literal->ToString(), "18446744073709551615");
}

TEST(AstTest, ClausesPrint) {
  Measurement measurement;
  measurement.database = "tele graf";
  measurement.name = "cpu";
  EXPECT_EQ(measurement.ToString(), "\"tele graf\"..cpu");
  measurement.retention_policy = "autogen";
  EXPECT_EQ(measurement.ToString(), "\"tele graf\".autogen.cpu");
  measurement.database.clear();
  measurement.regex = "^c";
  EXPECT_EQ(measurement.ToString(), "autogen./^c/");

  Dimension time;
  time.kind = Dimension::Kind::kTime;
  time.interval = 5 * kMinute;
  EXPECT_EQ(time.ToString(), "time(5m)");
  time.offset = TimeOffset{.now = true};
  EXPECT_EQ(time.ToString(), "time(5m, now())");
  time.offset = TimeOffset{.nanoseconds = -kSecond};
  EXPECT_EQ(time.ToString(), "time(5m, -1s)");
  Dimension tag;
  tag.tag = "key";
  EXPECT_EQ(tag.ToString(), "\"key\"");

  Fill fill;
  EXPECT_EQ(fill.ToString(), "fill(null)");
  fill.mode = FillMode::kValue;
  fill.value = 0.5;
  EXPECT_EQ(fill.ToString(), "fill(0.5)");
  fill.value = int64_t{-3};
  EXPECT_EQ(fill.ToString(), "fill(-3)");

  TagKeyFilter filter;
  filter.op = TagKeyOperator::kIn;
  filter.keys = {Identifier{"host", 0}, Identifier{"the region", 0}};
  EXPECT_EQ(filter.ToString(), "WITH KEY IN (host, \"the region\")");
  filter.op = TagKeyOperator::kRegexNotMatch;
  filter.regex = "a/b";
  EXPECT_EQ(filter.ToString(), R"(WITH KEY !~ /a\/b/)");
}

TEST(AstTest, Walkers) {
  absl::StatusOr<std::unique_ptr<Expr>> expr =
      ParseExpression("mean(a) + b * 2 > 3 AND host =~ /x/");
  ASSERT_TRUE(expr.ok()) << expr.status();
  std::vector<std::string> children;
  ForEachChild(**expr, [&](const Expr& child) { children.push_back(child.ToString()); });
  EXPECT_THAT(children, ElementsAre("mean(a) + b * 2 > 3", "host =~ /x/"));

  std::vector<std::string> kinds;
  WalkExpr(**expr,
           [&](const Expr& node) { kinds.push_back(std::string(ExprKindName(node.kind))); });
  EXPECT_THAT(kinds,
              ElementsAre("Binary",
                          "Binary",
                          "Binary",
                          "Call",
                          "VarRef",
                          "Binary",
                          "VarRef",
                          "Literal",
                          "Literal",
                          "Binary",
                          "VarRef",
                          "Literal"));

  // Replace every reference to `b` with `c`.
  std::function<void(std::unique_ptr<Expr>&)> rename = [&](std::unique_ptr<Expr>& node) {
    if (node->Is<VarRefExpr>() && node->As<VarRefExpr>().name == "b") {
      node = Ref("c");
      return;
    }
    ForEachMutableChild(*node, rename);
  };
  rename(*expr);
  EXPECT_EQ((*expr)->ToString(), "mean(a) + c * 2 > 3 AND host =~ /x/");
}

TEST(AstTest, Predicates) {
  EXPECT_TRUE(IsTimeRef(*Ref("time")));
  EXPECT_TRUE(IsTimeRef(*Ref("TIME")));
  EXPECT_FALSE(IsTimeRef(*Ref("times")));
  EXPECT_FALSE(IsTimeRef(*Integer(1)));
  absl::StatusOr<std::unique_ptr<Expr>> now = ParseExpression("NOW()");
  ASSERT_TRUE(now.ok());
  EXPECT_TRUE(IsCallTo(**now, "now"));
  EXPECT_FALSE(IsCallTo(**now, "mean"));
  EXPECT_EQ(BinaryOperatorPrecedence(BinaryOperator::kOr), 1);
  EXPECT_EQ(BinaryOperatorPrecedence(BinaryOperator::kBitwiseXor), 4);
  EXPECT_EQ(BinaryOperatorPrecedence(BinaryOperator::kBitwiseAnd), 5);
  EXPECT_TRUE(IsComparisonOperator(BinaryOperator::kNotEqRegex));
  EXPECT_FALSE(IsComparisonOperator(BinaryOperator::kAnd));
  EXPECT_EQ(DataTypeName(DataType::kBoolean), "boolean");
  EXPECT_EQ(DataTypeName(DataType::kUnspecified), "");
}

}  // namespace
}  // namespace strata::influxql
