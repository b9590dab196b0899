// Arithmetic, comparison and logical kernels over columns with and without nulls, scalar/column
// mixes, dictionary operands, and the errors they raise.
#include "exec/expr/binary_kernels.h"

#include <limits>

#include "exec/expr/expr_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using ::testing::ElementsAre;
using namespace ::strata::exec::testing;  // NOLINT

std::vector<std::string> Binary(BinaryOp op, const Datum& l, const Datum& r, TypeId result) {
  return Rows(EvaluateBinaryKernel(op, l, r, result));
}

TEST(ArithmeticTest, Int64ColumnsPropagateNulls) {
  Datum a = Int64Column({1, std::nullopt, -7, 10});
  Datum b = Int64Column({2, 3, std::nullopt, -3});
  EXPECT_THAT(Binary(BinaryOp::kAdd, a, b, TypeId::kInt64), ElementsAre("3", "NULL", "NULL", "7"));
  EXPECT_THAT(Binary(BinaryOp::kSubtract, a, b, TypeId::kInt64),
              ElementsAre("-1", "NULL", "NULL", "13"));
  EXPECT_THAT(Binary(BinaryOp::kMultiply, a, b, TypeId::kInt64),
              ElementsAre("2", "NULL", "NULL", "-30"));
  // Truncating division; % takes the dividend's sign.
  EXPECT_THAT(Binary(BinaryOp::kDivide, a, b, TypeId::kInt64),
              ElementsAre("0", "NULL", "NULL", "-3"));
  EXPECT_THAT(
      Binary(BinaryOp::kModulo, Int64Column({-7, 7, -7}), Int64Column({2, -2, -2}), TypeId::kInt64),
      ElementsAre("-1", "1", "-1"));
}

TEST(ArithmeticTest, ColumnScalarMixes) {
  Datum a = Int64Column({10, 20, std::nullopt});
  EXPECT_THAT(Binary(BinaryOp::kSubtract, a, Scalar::Int64(1), TypeId::kInt64),
              ElementsAre("9", "19", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kSubtract, Scalar::Int64(1), a, TypeId::kInt64),
              ElementsAre("-9", "-19", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kAdd, a, Scalar::Null(TypeId::kInt64), TypeId::kInt64),
              ElementsAre("scalar:NULL"));
  EXPECT_THAT(Binary(BinaryOp::kMultiply, Scalar::Int64(6), Scalar::Int64(7), TypeId::kInt64),
              ElementsAre("scalar:42"));
}

TEST(ArithmeticTest, Int64OverflowIsAnError) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  EXPECT_THAT(Binary(BinaryOp::kAdd, Int64Column({1, max}), Scalar::Int64(1), TypeId::kInt64),
              ElementsAre("error:integer overflow"));
  EXPECT_THAT(Binary(BinaryOp::kSubtract, Scalar::Int64(min), Int64Column({1}), TypeId::kInt64),
              ElementsAre("error:integer overflow"));
  EXPECT_THAT(
      Binary(BinaryOp::kMultiply, Int64Column({max / 2 + 1}), Scalar::Int64(2), TypeId::kInt64),
      ElementsAre("error:integer overflow"));
  EXPECT_THAT(Binary(BinaryOp::kDivide, Int64Column({min}), Scalar::Int64(-1), TypeId::kInt64),
              ElementsAre("error:integer overflow"));
  EXPECT_THAT(Binary(BinaryOp::kModulo, Int64Column({min}), Scalar::Int64(-1), TypeId::kInt64),
              ElementsAre("0"));
  EXPECT_THAT(Binary(BinaryOp::kSubtract, UInt64Column({1}), UInt64Column({2}), TypeId::kUInt64),
              ElementsAre("error:integer overflow"));
}

TEST(ArithmeticTest, DivisionByZeroOnlyForValidRows) {
  Datum a = Int64Column({10, 20, std::nullopt});
  Datum b = Int64Column({2, std::nullopt, 0});
  // The zero divisor sits in a row whose dividend is NULL: no error.
  EXPECT_THAT(Binary(BinaryOp::kDivide, a, b, TypeId::kInt64), ElementsAre("5", "NULL", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kDivide, a, Scalar::Int64(0), TypeId::kInt64),
              ElementsAre("error:division by zero"));
  EXPECT_THAT(Binary(BinaryOp::kModulo, Int64Column({1, 2}), Int64Column({1, 0}), TypeId::kInt64),
              ElementsAre("error:division by zero"));
  EXPECT_THAT(Binary(BinaryOp::kDivide, Scalar::Int64(1), Scalar::Int64(0), TypeId::kInt64),
              ElementsAre("error:division by zero"));
}

TEST(ArithmeticTest, FloatsFollowIeee) {
  Datum a = Float64Column({1.5, -1, 0, std::nullopt});
  EXPECT_THAT(Binary(BinaryOp::kDivide, a, Scalar::Float64(0), TypeId::kFloat64),
              ElementsAre("Infinity", "-Infinity", "NaN", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kModulo, Float64Column({7.5}), Scalar::Float64(2), TypeId::kFloat64),
              ElementsAre("1.5"));
  EXPECT_THAT(Binary(BinaryOp::kAdd, a, Float64Column({0.25, 1, 2, 3}), TypeId::kFloat64),
              ElementsAre("1.75", "0", "2", "NULL"));
}

TEST(ArithmeticTest, TimestampsAndIntervals) {
  // 2016-01-31T12:00:00 and 1969-12-31T23:59:59.5
  Datum ts = TimestampColumn({1454241600000000000, -500000000});
  Datum month = Scalar::FromInterval(Interval{1, 0, 0});
  EXPECT_THAT(Binary(BinaryOp::kAdd, ts, month, TypeId::kTimestamp),
              ElementsAre("2016-02-29T12:00:00", "1970-01-31T23:59:59.500"));
  EXPECT_THAT(
      Binary(BinaryOp::kSubtract, ts, Scalar::FromInterval(Interval{0, 1, 1}), TypeId::kTimestamp),
      ElementsAre("2016-01-30T11:59:59.999999999", "1969-12-30T23:59:59.499999999"));
  EXPECT_THAT(Binary(BinaryOp::kAdd, month, ts, TypeId::kTimestamp),
              ElementsAre("2016-02-29T12:00:00", "1970-01-31T23:59:59.500"));
  EXPECT_THAT(Binary(BinaryOp::kSubtract, ts, Scalar::Timestamp(0), TypeId::kInterval),
              ElementsAre("403956:00:00", "-00:00:00.5"));
  EXPECT_THAT(Binary(BinaryOp::kAdd,
                     Scalar::FromInterval(Interval{1, 2, 3}),
                     Scalar::FromInterval(Interval{13, 0, 3600000000000}),
                     TypeId::kInterval),
              ElementsAre("scalar:1 year 2 mons 2 days 01:00:00.000000003"));
  EXPECT_THAT(Binary(BinaryOp::kAdd,
                     TimestampColumn({std::numeric_limits<int64_t>::max()}),
                     Scalar::FromInterval(Interval{0, 1, 0}),
                     TypeId::kTimestamp),
              ElementsAre("error:timestamp out of range"));
}

TEST(ComparisonTest, NumericColumnsAndScalars) {
  Datum a = Int64Column({1, 2, std::nullopt, 4});
  Datum b = Int64Column({1, 3, 3, 3});
  EXPECT_THAT(Binary(BinaryOp::kEq, a, b, TypeId::kBool),
              ElementsAre("true", "false", "NULL", "false"));
  EXPECT_THAT(Binary(BinaryOp::kNotEq, a, b, TypeId::kBool),
              ElementsAre("false", "true", "NULL", "true"));
  EXPECT_THAT(Binary(BinaryOp::kLt, a, b, TypeId::kBool),
              ElementsAre("false", "true", "NULL", "false"));
  EXPECT_THAT(Binary(BinaryOp::kLtEq, a, b, TypeId::kBool),
              ElementsAre("true", "true", "NULL", "false"));
  EXPECT_THAT(Binary(BinaryOp::kGt, a, Scalar::Int64(2), TypeId::kBool),
              ElementsAre("false", "false", "NULL", "true"));
  // Scalar on the left flips the operator.
  EXPECT_THAT(Binary(BinaryOp::kGt, Scalar::Int64(2), a, TypeId::kBool),
              ElementsAre("true", "false", "NULL", "false"));
  EXPECT_THAT(Binary(BinaryOp::kGtEq, Scalar::Int64(2), a, TypeId::kBool),
              ElementsAre("true", "true", "NULL", "false"));
  EXPECT_THAT(Binary(BinaryOp::kLt, Scalar::UInt64(1), Scalar::UInt64(2), TypeId::kBool),
              ElementsAre("scalar:true"));
  EXPECT_THAT(Binary(BinaryOp::kEq, a, Scalar::Null(TypeId::kInt64), TypeId::kBool),
              ElementsAre("scalar:NULL"));
}

TEST(ComparisonTest, FloatsOrderNanLastAndZeroesEqual) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Datum a = Float64Column({nan, 1.0, -0.0, nan});
  Datum b = Float64Column({nan, nan, 0.0, 5.0});
  EXPECT_THAT(Binary(BinaryOp::kEq, a, b, TypeId::kBool),
              ElementsAre("true", "false", "true", "false"));
  EXPECT_THAT(Binary(BinaryOp::kLt, a, b, TypeId::kBool),
              ElementsAre("false", "true", "false", "false"));
  EXPECT_THAT(Binary(BinaryOp::kGt, a, Scalar::Float64(2.5), TypeId::kBool),
              ElementsAre("true", "false", "false", "true"));
}

TEST(ComparisonTest, StringsCompareBytewise) {
  Datum a = StringColumn({"a", "B", "\xc3\xa9", std::nullopt, ""});
  EXPECT_THAT(Binary(BinaryOp::kLt, a, Scalar::String("a"), TypeId::kBool),
              ElementsAre("false", "true", "false", "NULL", "true"));
  EXPECT_THAT(Binary(BinaryOp::kGt, a, Scalar::String("z"), TypeId::kBool),
              ElementsAre("false", "false", "true", "NULL", "false"));
  EXPECT_THAT(
      Binary(BinaryOp::kEq, a, StringColumn({"a", "b", "\xc3\xa9", "x", ""}), TypeId::kBool),
      ElementsAre("true", "false", "true", "NULL", "true"));
}

TEST(ComparisonTest, DictionaryAgainstScalar) {
  Datum tags = DictColumn({"web", "db", std::nullopt, "web", "cache"});
  EXPECT_THAT(Binary(BinaryOp::kEq, tags, Scalar::String("web"), TypeId::kBool),
              ElementsAre("true", "false", "NULL", "true", "false"));
  EXPECT_THAT(Binary(BinaryOp::kNotEq, Scalar::String("web"), tags, TypeId::kBool),
              ElementsAre("false", "true", "NULL", "false", "true"));
  // A value the dictionary does not hold: = is all false, <> all true.
  EXPECT_THAT(Binary(BinaryOp::kEq, tags, Scalar::String("nope"), TypeId::kBool),
              ElementsAre("false", "false", "NULL", "false", "false"));
  EXPECT_THAT(Binary(BinaryOp::kNotEq, tags, Scalar::String("nope"), TypeId::kBool),
              ElementsAre("true", "true", "NULL", "true", "true"));
  // Ordering compares the strings, not the codes (web has code 0).
  EXPECT_THAT(Binary(BinaryOp::kLt, tags, Scalar::String("d"), TypeId::kBool),
              ElementsAre("false", "false", "NULL", "false", "true"));
  EXPECT_THAT(Binary(BinaryOp::kGtEq, Scalar::String("db"), tags, TypeId::kBool),
              ElementsAre("false", "true", "NULL", "false", "true"));
}

TEST(ComparisonTest, DictionaryAgainstColumns) {
  auto dictionary = std::make_shared<StringDictionary>();
  Datum a = DictColumn({"x", "y", "z"}, dictionary);
  Datum b = DictColumn({"x", "z", "z"}, dictionary);
  EXPECT_THAT(Binary(BinaryOp::kEq, a, b, TypeId::kBool), ElementsAre("true", "false", "true"));
  Datum other = DictColumn({"z", "y", "x"});  // a different dictionary: strings compared
  EXPECT_THAT(Binary(BinaryOp::kEq, a, other, TypeId::kBool),
              ElementsAre("false", "true", "false"));
  EXPECT_THAT(Binary(BinaryOp::kLt, a, StringColumn({"y", "y", "y"}), TypeId::kBool),
              ElementsAre("true", "false", "false"));
}

TEST(ComparisonTest, DictionaryNullSlotWithEmptyDictionary) {
  // Only NULLs: the dictionary is empty and the null slots' codes point nowhere.
  Datum tags = DictColumn({std::nullopt, std::nullopt});
  EXPECT_THAT(Binary(BinaryOp::kLt, tags, Scalar::String("a"), TypeId::kBool),
              ElementsAre("NULL", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kEq, tags, Scalar::String("a"), TypeId::kBool),
              ElementsAre("NULL", "NULL"));
}

TEST(ComparisonTest, IsDistinctFrom) {
  Datum a = Int64Column({1, std::nullopt, std::nullopt, 2});
  Datum b = Int64Column({1, std::nullopt, 3, 3});
  EXPECT_THAT(Binary(BinaryOp::kIsDistinctFrom, a, b, TypeId::kBool),
              ElementsAre("false", "false", "true", "true"));
  EXPECT_THAT(Binary(BinaryOp::kIsNotDistinctFrom, a, b, TypeId::kBool),
              ElementsAre("true", "true", "false", "false"));
  EXPECT_THAT(Binary(BinaryOp::kIsDistinctFrom, a, Scalar::Null(TypeId::kInt64), TypeId::kBool),
              ElementsAre("true", "false", "false", "true"));
  EXPECT_THAT(Binary(BinaryOp::kIsDistinctFrom, Scalar(), Scalar(), TypeId::kBool),
              ElementsAre("scalar:false"));
}

TEST(ComparisonTest, IntervalsCompareAsPostgres) {
  Datum a = Scalar::FromInterval(Interval{1, 0, 0});
  Datum b = Scalar::FromInterval(Interval{0, 30, 0});
  EXPECT_THAT(Binary(BinaryOp::kEq, a, b, TypeId::kBool), ElementsAre("scalar:true"));
  EXPECT_THAT(Binary(BinaryOp::kLt,
                     b,
                     Scalar::FromInterval(Interval{0, 29, 25 * 3600000000000}),
                     TypeId::kBool),
              ElementsAre("scalar:true"));
}

TEST(LogicalTest, ThreeValuedAndOr) {
  Datum a =
      BoolColumn({true, true, true, false, false, false, std::nullopt, std::nullopt, std::nullopt});
  Datum b =
      BoolColumn({true, false, std::nullopt, true, false, std::nullopt, true, false, std::nullopt});
  EXPECT_THAT(
      Binary(BinaryOp::kAnd, a, b, TypeId::kBool),
      ElementsAre("true", "false", "NULL", "false", "false", "false", "NULL", "false", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kOr, a, b, TypeId::kBool),
              ElementsAre("true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL"));
  Datum c = BoolColumn({true, false, std::nullopt});
  EXPECT_THAT(Binary(BinaryOp::kAnd, c, Scalar::Null(TypeId::kBool), TypeId::kBool),
              ElementsAre("NULL", "false", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kOr, Scalar::Null(TypeId::kBool), c, TypeId::kBool),
              ElementsAre("true", "NULL", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kAnd, c, Scalar::Bool(true), TypeId::kBool),
              ElementsAre("true", "false", "NULL"));
  EXPECT_THAT(Binary(BinaryOp::kOr, c, Scalar::Bool(true), TypeId::kBool),
              ElementsAre("true", "true", "true"));
  EXPECT_THAT(
      Binary(BinaryOp::kAnd, Scalar::Bool(false), Scalar::Null(TypeId::kBool), TypeId::kBool),
      ElementsAre("scalar:false"));
  EXPECT_THAT(
      Binary(BinaryOp::kAnd, BoolColumn({true, false}), BoolColumn({true, true}), TypeId::kBool),
      ElementsAre("true", "false"));
}

TEST(LogicalTest, NotKeepsNull) {
  EXPECT_THAT(Rows(EvaluateNot(BoolColumn({true, false, std::nullopt}))),
              ElementsAre("false", "true", "NULL"));
  EXPECT_THAT(Rows(EvaluateNot(Scalar::Null(TypeId::kBool))), ElementsAre("scalar:NULL"));
}

TEST(LogicalTest, Concat) {
  EXPECT_THAT(Binary(BinaryOp::kConcat,
                     StringColumn({"a", std::nullopt}),
                     Scalar::String("-x"),
                     TypeId::kString),
              ElementsAre("a-x", "NULL"));
  EXPECT_THAT(
      Binary(BinaryOp::kConcat, Scalar::String("h"), DictColumn({"web", "db"}), TypeId::kString),
      ElementsAre("hweb", "hdb"));
  EXPECT_THAT(Binary(BinaryOp::kConcat, Scalar::String("a"), Scalar::String("b"), TypeId::kString),
              ElementsAre("scalar:ab"));
}

}  // namespace
}  // namespace strata::exec
