// Physical expression nodes end to end: factories (type checks), evaluation over batches,
// constant folding over an empty batch, predicates, LIKE, regular expressions, IN lists and CASE.
#include "exec/physical_expr.h"

#include "exec/expr/expr_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace ::strata::exec::testing;  // NOLINT

PhysicalExprPtr Must(absl::StatusOr<PhysicalExprPtr> expr) {
  EXPECT_TRUE(expr.ok()) << expr.status();
  return *std::move(expr);
}

TEST(PhysicalExprTest, ColumnsLiteralsAndText) {
  Batch batch = MakeBatch({Int64Column({1, 2}), Float64Column({0.5, 1.5})});
  PhysicalExprPtr sum = Must(
      MakeBinaryExpr(BinaryOp::kMultiply,
                     Must(MakeBinaryExpr(BinaryOp::kAdd, Col(batch, 0), Lit(Scalar::Int64(1)))),
                     Lit(Scalar::Int64(3))));
  EXPECT_EQ(sum->type(), TypeId::kInt64);
  EXPECT_EQ(sum->ToString(), "(c0 + 1) * 3");
  EXPECT_THAT(Rows(sum->Evaluate(batch)), ElementsAre("6", "9"));
  EXPECT_EQ(MakeColumnExpr(3, "", TypeId::kInt64)->ToString(), "#3");
  PhysicalExprPtr cast = Must(MakeCastExpr(Col(batch, 1), TypeId::kInt64, false));
  EXPECT_EQ(cast->ToString(), "CAST(c1 AS int64)");
  EXPECT_THAT(Rows(cast->Evaluate(batch)), ElementsAre("0", "1"));  // truncated toward zero
}

TEST(PhysicalExprTest, FactoriesRejectBadTypes) {
  Batch batch = MakeBatch({Int64Column({1}), StringColumn({"a"})});
  EXPECT_THAT(Eval(MakeBinaryExpr(BinaryOp::kAdd, Col(batch, 1), Col(batch, 0)), batch),
              ElementsAre("build:no kernel for operator '+' on string and int64"));
  EXPECT_THAT(Eval(MakeBinaryExpr(BinaryOp::kAdd, Col(batch, 0), Lit(Scalar::Float64(1))), batch),
              ElementsAre("build:no kernel for operator '+' on int64 and float64"));
  EXPECT_THAT(Eval(MakeNotExpr(Col(batch, 0)), batch),
              ElementsAre("build:NOT expects a boolean, got int64"));
  EXPECT_THAT(Eval(MakeLikeExpr(Col(batch, 0), Lit(Scalar::String("a")), false, false), batch),
              ElementsAre("build:LIKE expects strings, got int64 and string"));
  EXPECT_THAT(Eval(MakeCastExpr(Col(batch, 1), TypeId::kInterval, false), batch),
              ElementsAre("error:cannot cast 'a' to interval"));
  EXPECT_THAT(Eval(MakeCastExpr(Col(batch, 0), TypeId::kInterval, false), batch),
              ElementsAre("build:cannot cast int64 to interval"));
}

TEST(PhysicalExprTest, ConstantFoldingOverEmptyBatch) {
  Batch empty = MakeBatch({Int64Column({})});
  PhysicalExprPtr expr = Must(MakeBinaryExpr(
      BinaryOp::kGt,
      Must(MakeBinaryExpr(BinaryOp::kAdd, Lit(Scalar::Int64(2)), Lit(Scalar::Int64(3)))),
      Lit(Scalar::Int64(4))));
  EXPECT_THAT(Rows(expr->Evaluate(empty)), ElementsAre("scalar:true"));
  PhysicalExprPtr cast = Must(MakeCastExpr(Lit(Scalar::String("12")), TypeId::kInt64, false));
  EXPECT_THAT(Rows(cast->Evaluate(empty)), ElementsAre("scalar:12"));
  PhysicalExprPtr bad =
      Must(MakeBinaryExpr(BinaryOp::kDivide, Lit(Scalar::Int64(1)), Lit(Scalar::Int64(0))));
  EXPECT_THAT(Rows(bad->Evaluate(empty)), ElementsAre("error:division by zero"));
  PhysicalExprPtr neg = Must(MakeNegativeExpr(Lit(Scalar::Int64(INT64_MIN))));
  EXPECT_THAT(Rows(neg->Evaluate(empty)), ElementsAre("error:integer overflow"));
}

TEST(PhysicalExprTest, NegativeAndIsNullAndIsTrue) {
  Batch batch = MakeBatch(
      {Int64Column({1, std::nullopt, INT64_MIN}), BoolColumn({true, false, std::nullopt})});
  EXPECT_THAT(Eval(MakeNegativeExpr(Col(batch, 0)), batch), ElementsAre("error:integer overflow"));
  Batch ok = MakeBatch({Int64Column({1, std::nullopt, -5})});
  EXPECT_THAT(Eval(MakeNegativeExpr(Col(ok, 0)), ok), ElementsAre("-1", "NULL", "5"));
  EXPECT_THAT(Rows(MakeIsNullExpr(Col(batch, 0), false)->Evaluate(batch)),
              ElementsAre("false", "true", "false"));
  EXPECT_THAT(Rows(MakeIsNullExpr(Col(batch, 0), true)->Evaluate(batch)),
              ElementsAre("true", "false", "true"));
  EXPECT_THAT(Rows(MakeIsNullExpr(Lit(Scalar()), false)->Evaluate(batch)),
              ElementsAre("scalar:true"));
  EXPECT_THAT(Eval(MakeIsTrueExpr(Col(batch, 1), true, false), batch),
              ElementsAre("true", "false", "false"));
  EXPECT_THAT(Eval(MakeIsTrueExpr(Col(batch, 1), false, true), batch),
              ElementsAre("true", "false", "true"));
  EXPECT_THAT(Eval(MakeNotExpr(Col(batch, 1)), batch), ElementsAre("false", "true", "NULL"));
}

TEST(PhysicalExprTest, AndShortCircuitsOnAllFalse) {
  // The right side would divide by zero; the left side is false on every row.
  Batch batch = MakeBatch({Int64Column({0, 0})});
  PhysicalExprPtr left = Must(MakeBinaryExpr(BinaryOp::kGt, Col(batch, 0), Lit(Scalar::Int64(5))));
  PhysicalExprPtr right = Must(
      MakeBinaryExpr(BinaryOp::kEq,
                     Must(MakeBinaryExpr(BinaryOp::kDivide, Lit(Scalar::Int64(1)), Col(batch, 0))),
                     Lit(Scalar::Int64(1))));
  EXPECT_THAT(Eval(MakeBinaryExpr(BinaryOp::kAnd, left, right), batch),
              ElementsAre("false", "false"));
  EXPECT_THAT(Eval(MakeBinaryExpr(BinaryOp::kOr, left, right), batch),
              ElementsAre("error:division by zero"));
}

TEST(PhysicalExprTest, PredicateSelection) {
  Batch batch = MakeBatch({Float64Column({1, 95, std::nullopt, 91, 20})});
  PhysicalExprPtr p = Must(MakeBinaryExpr(BinaryOp::kGt, Col(batch, 0), Lit(Scalar::Float64(90))));
  absl::StatusOr<SelectionVector> selected = EvaluatePredicate(*p, batch);
  ASSERT_TRUE(selected.ok());
  EXPECT_THAT(*selected, ElementsAre(1u, 3u));
  absl::StatusOr<SelectionVector> all = EvaluatePredicate(*Lit(Scalar::Bool(true)), batch);
  EXPECT_THAT(*all, ElementsAre(0u, 1u, 2u, 3u, 4u));
  absl::StatusOr<SelectionVector> none = EvaluatePredicate(*Lit(Scalar()), batch);
  EXPECT_THAT(*none, IsEmpty());
  absl::StatusOr<ColumnPtr> column = EvaluateToColumn(*Lit(Scalar::Int64(7)), batch);
  ASSERT_TRUE(column.ok());
  EXPECT_THAT(Rows(Datum(*column)), ElementsAre("7", "7", "7", "7", "7"));
}

TEST(LikeTest, FastPathsAndGeneralPatterns) {
  Batch batch = MakeBatch({StringColumn(
      {"server01", "db01", "web_server", std::nullopt, "\xc3\xa9t\xc3\xa9", "100%"})});
  auto like = [&](std::string pattern, bool negated = false, bool ci = false) {
    return Eval(MakeLikeExpr(Col(batch, 0), Lit(Scalar::String(pattern)), negated, ci), batch);
  };
  EXPECT_THAT(like("server%"), ElementsAre("true", "false", "false", "NULL", "false", "false"));
  EXPECT_THAT(like("%01"), ElementsAre("true", "true", "false", "NULL", "false", "false"));
  EXPECT_THAT(like("%erv%"), ElementsAre("true", "false", "true", "NULL", "false", "false"));
  EXPECT_THAT(like("db01"), ElementsAre("false", "true", "false", "NULL", "false", "false"));
  EXPECT_THAT(like("%"), ElementsAre("true", "true", "true", "NULL", "true", "true"));
  // _ is one character, also a multi-byte one.
  EXPECT_THAT(like("_t_"), ElementsAre("false", "false", "false", "NULL", "true", "false"));
  EXPECT_THAT(like("d_0%"), ElementsAre("false", "true", "false", "NULL", "false", "false"));
  // Escapes: \_ and \% are literal.
  EXPECT_THAT(like("web\\_%"), ElementsAre("false", "false", "true", "NULL", "false", "false"));
  EXPECT_THAT(like("%\\%"), ElementsAre("false", "false", "false", "NULL", "false", "true"));
  EXPECT_THAT(like("web_s%"), ElementsAre("false", "false", "true", "NULL", "false", "false"));
  EXPECT_THAT(like("SERVER%", false, true),
              ElementsAre("true", "false", "false", "NULL", "false", "false"));
  EXPECT_THAT(like("server%", true), ElementsAre("false", "true", "true", "NULL", "true", "true"));
  EXPECT_THAT(like("a.c"), ElementsAre("false", "false", "false", "NULL", "false", "false"));
  EXPECT_THAT(like("oops\\"), ElementsAre("build:LIKE pattern must not end with escape character"));
}

TEST(LikeTest, DictionaryAndPerRowPatterns) {
  Batch batch = MakeBatch({DictColumn({"us-east", "eu-west", "us-west", "us-east", std::nullopt}),
                           StringColumn({"us%", "%west", "eu%", "%", "%"})});
  EXPECT_THAT(Eval(MakeLikeExpr(Col(batch, 0), Lit(Scalar::String("us-%")), false, false), batch),
              ElementsAre("true", "false", "true", "true", "NULL"));
  EXPECT_THAT(Eval(MakeLikeExpr(Col(batch, 0), Col(batch, 1), false, false), batch),
              ElementsAre("true", "true", "false", "true", "NULL"));
  EXPECT_THAT(
      Eval(MakeLikeExpr(Lit(Scalar::String("abc")), Lit(Scalar::String("a_c")), false, false),
           batch),
      ElementsAre("scalar:true"));
}

TEST(RegexTest, MatchOperators) {
  Batch batch = MakeBatch(
      {StringColumn({"cpu0", "CPU1", "mem", std::nullopt}), DictColumn({"a1", "b2", "a1", "c3"})});
  auto match = [&](BinaryOp op, int column, std::string pattern) {
    return Eval(MakeBinaryExpr(op, Col(batch, column), Lit(Scalar::String(pattern))), batch);
  };
  EXPECT_THAT(match(BinaryOp::kRegexMatch, 0, "^cpu[0-9]$"),
              ElementsAre("true", "false", "false", "NULL"));
  EXPECT_THAT(match(BinaryOp::kRegexIMatch, 0, "^cpu"),
              ElementsAre("true", "true", "false", "NULL"));
  EXPECT_THAT(match(BinaryOp::kRegexNotMatch, 0, "u"),
              ElementsAre("false", "true", "true", "NULL"));
  EXPECT_THAT(match(BinaryOp::kRegexNotIMatch, 0, "U"),
              ElementsAre("false", "false", "true", "NULL"));
  EXPECT_THAT(match(BinaryOp::kRegexMatch, 1, "1|3"), ElementsAre("true", "false", "true", "true"));
  EXPECT_THAT(match(BinaryOp::kRegexMatch, 0, "(unclosed"),
              ElementsAre("build:invalid regular expression '(unclosed': missing ): (unclosed"));
  // A pattern per row.
  EXPECT_THAT(Eval(MakeBinaryExpr(BinaryOp::kRegexMatch, Col(batch, 0), Col(batch, 1)), batch),
              ElementsAre("false", "false", "false", "NULL"));
}

TEST(InListTest, LiteralSets) {
  Batch batch = MakeBatch({Int64Column({1, 2, 3, std::nullopt}),
                           DictColumn({"a", "b", "c", std::nullopt}),
                           Float64Column({0.0, -0.0, std::nan(""), 1.5}),
                           StringColumn({"a", "b", "c", "d"})});
  auto in = [&](int column, std::vector<Scalar> list, bool negated = false) {
    std::vector<PhysicalExprPtr> exprs;
    for (Scalar& s : list) {
      exprs.push_back(Lit(std::move(s)));
    }
    return Eval(MakeInListExpr(Col(batch, column), std::move(exprs), negated), batch);
  };
  EXPECT_THAT(in(0, {Scalar::Int64(1), Scalar::Int64(3)}),
              ElementsAre("true", "false", "true", "NULL"));
  EXPECT_THAT(in(0, {Scalar::Int64(1), Scalar::Int64(3)}, true),
              ElementsAre("false", "true", "false", "NULL"));
  // A NULL in the list: no match is unknown.
  EXPECT_THAT(in(0, {Scalar::Int64(1), Scalar::Null(TypeId::kInt64)}),
              ElementsAre("true", "NULL", "NULL", "NULL"));
  EXPECT_THAT(in(0, {Scalar::Int64(1), Scalar::Null(TypeId::kInt64)}, true),
              ElementsAre("false", "NULL", "NULL", "NULL"));
  EXPECT_THAT(in(1, {Scalar::String("c"), Scalar::String("a"), Scalar::String("zz")}),
              ElementsAre("true", "false", "true", "NULL"));
  EXPECT_THAT(in(2, {Scalar::Float64(0.0), Scalar::Float64(std::nan(""))}),
              ElementsAre("true", "true", "true", "false"));
  EXPECT_THAT(in(3, {Scalar::String("d"), Scalar::String("b")}),
              ElementsAre("false", "true", "false", "true"));
  EXPECT_THAT(Eval(MakeInListExpr(Lit(Scalar::Int64(2)), {Lit(Scalar::Int64(2))}, false), batch),
              ElementsAre("scalar:true"));
  EXPECT_THAT(Eval(MakeInListExpr(Col(batch, 0), {Lit(Scalar::String("x"))}, false), batch),
              ElementsAre("build:IN list element of type string does not match int64"));
}

TEST(InListTest, NonLiteralElements) {
  Batch batch =
      MakeBatch({Int64Column({1, 2, 3, std::nullopt}), Int64Column({5, 2, std::nullopt, 1})});
  EXPECT_THAT(
      Eval(MakeInListExpr(Col(batch, 0), {Col(batch, 1), Lit(Scalar::Int64(1))}, false), batch),
      ElementsAre("true", "true", "NULL", "NULL"));
  EXPECT_THAT(
      Eval(MakeInListExpr(Col(batch, 0), {Col(batch, 1), Lit(Scalar::Int64(1))}, true), batch),
      ElementsAre("false", "false", "NULL", "NULL"));
}

TEST(CaseTest, BranchesOnlySeeTheirRows) {
  Batch batch = MakeBatch({Int64Column({0, 4, -2, std::nullopt})});
  // CASE WHEN c0 <> 0 THEN 8 / c0 ELSE -1 END
  PhysicalExprPtr nonzero =
      Must(MakeBinaryExpr(BinaryOp::kNotEq, Col(batch, 0), Lit(Scalar::Int64(0))));
  PhysicalExprPtr divide =
      Must(MakeBinaryExpr(BinaryOp::kDivide, Lit(Scalar::Int64(8)), Col(batch, 0)));
  EXPECT_THAT(
      Eval(MakeCaseExpr(TypeId::kInt64, false, true, {nonzero, divide, Lit(Scalar::Int64(-1))}),
           batch),
      ElementsAre("-1", "2", "-4", "-1"));
  // Without ELSE: NULL.
  EXPECT_THAT(Eval(MakeCaseExpr(TypeId::kInt64, false, false, {nonzero, divide}), batch),
              ElementsAre("NULL", "2", "-4", "NULL"));
}

TEST(CaseTest, OperandFormAndStrings) {
  Batch batch =
      MakeBatch({DictColumn({"a", "b", "c", std::nullopt}), StringColumn({"x", "y", "z", "w"})});
  PhysicalExprPtr expr = Must(MakeCaseExpr(TypeId::kString,
                                           true,
                                           true,
                                           {Col(batch, 0),
                                            Lit(Scalar::String("a")),
                                            Lit(Scalar::String("first")),
                                            Lit(Scalar::String("c")),
                                            Col(batch, 1),
                                            Lit(Scalar::String("other"))}));
  EXPECT_EQ(expr->ToString(), "CASE c0 WHEN 'a' THEN 'first' WHEN 'c' THEN c1 ELSE 'other' END");
  EXPECT_THAT(Rows(expr->Evaluate(batch)), ElementsAre("first", "other", "z", "other"));
}

TEST(CaseTest, ScalarConditionsAndFolding) {
  Batch empty = MakeBatch({Int64Column({})});
  PhysicalExprPtr folded = Must(MakeCaseExpr(TypeId::kInt64,
                                             false,
                                             true,
                                             {Lit(Scalar::Bool(false)),
                                              Lit(Scalar::Int64(1)),
                                              Lit(Scalar()),
                                              Lit(Scalar::Int64(2)),
                                              Lit(Scalar::Bool(true)),
                                              Lit(Scalar::Int64(3)),
                                              Lit(Scalar::Int64(4))}));
  EXPECT_THAT(Rows(folded->Evaluate(empty)), ElementsAre("scalar:3"));
  Batch batch = MakeBatch({Float64Column({1.5, 2.5})});
  PhysicalExprPtr all =
      Must(MakeCaseExpr(TypeId::kFloat64, false, false, {Lit(Scalar::Bool(true)), Col(batch, 0)}));
  EXPECT_THAT(Rows(all->Evaluate(batch)), ElementsAre("1.5", "2.5"));
  EXPECT_THAT(
      Eval(MakeCaseExpr(
               TypeId::kInt64, false, false, {Lit(Scalar::Int64(1)), Lit(Scalar::Int64(1))}),
           batch),
      ElementsAre("build:CASE WHEN of type int64 does not fit"));
}

}  // namespace
}  // namespace strata::exec
