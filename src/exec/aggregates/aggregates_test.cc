// Tests of the aggregate functions through their GroupsAccumulators: direct updates, and the
// same rows split in two accumulators whose states are merged (partial/final) must agree.
#include <cmath>

#include "common/status.h"
#include "exec/function.h"
#include "exec/operators/test_util.h"
#include "exec/take.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::CellText;
using testing::Float64s;
using testing::Int64s;
using testing::Strings;
using testing::Timestamps;

struct Call {
  std::string function;
  std::vector<ColumnPtr> args;
  std::vector<uint32_t> groups;
  uint32_t total_groups;
  bool distinct = false;
  std::vector<Scalar> constants = {};
};

std::vector<std::string> Texts(const Column& column) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < column.size(); ++i) {
    out.push_back(CellText(column, i));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<GroupsAccumulator>> Create(const Call& call,
                                                          FunctionSignature* signature) {
  const AggregateFunction* f = FunctionRegistry::Default().FindAggregate(call.function);
  if (f == nullptr) {
    return absl::NotFoundError(call.function);
  }
  std::vector<TypeId> types;
  for (const ColumnPtr& arg : call.args) {
    types.push_back(arg->type());
  }
  for (const Scalar& c : call.constants) {
    types.push_back(c.type());
  }
  STRATA_ASSIGN_OR_RETURN(*signature, f->resolve(types));
  AggregateCallOptions options;
  options.distinct = call.distinct;
  options.constant_args = call.constants;
  return f->create(*signature, options);
}

// Evaluates the call directly, and as two halves merged; checks they agree; returns the result.
std::vector<std::string> RunCall(const Call& call) {
  FunctionSignature signature;
  auto direct = Create(call, &signature);
  EXPECT_TRUE(direct.ok()) << direct.status();
  EXPECT_TRUE((*direct)->Update(call.args, nullptr, call.groups.data(), call.total_groups).ok());
  auto value = (*direct)->Evaluate();
  EXPECT_TRUE(value.ok()) << value.status();
  EXPECT_EQ((*value)->type(),
            signature.result == TypeId::kDictionary ? TypeId::kString : signature.result);
  std::vector<std::string> result = Texts(**value);

  // Split rows: even rows to one accumulator, odd rows to another (via selections).
  SelectionVector even;
  SelectionVector odd;
  std::vector<uint32_t> even_groups;
  std::vector<uint32_t> odd_groups;
  for (size_t i = 0; i < call.groups.size(); ++i) {
    (i % 2 == 0 ? even : odd).push_back(static_cast<uint32_t>(i));
    (i % 2 == 0 ? even_groups : odd_groups).push_back(call.groups[i]);
  }
  auto a = Create(call, &signature);
  auto b = Create(call, &signature);
  auto final_acc = Create(call, &signature);
  EXPECT_TRUE((*a)->Update(call.args, &even, even_groups.data(), call.total_groups).ok());
  EXPECT_TRUE((*b)->Update(call.args, &odd, odd_groups.data(), call.total_groups).ok());
  std::vector<uint32_t> identity(call.total_groups);
  for (uint32_t g = 0; g < call.total_groups; ++g) {
    identity[g] = g;
  }
  // b's states are merged in reverse group order to exercise the group mapping.
  std::vector<uint32_t> reversed(identity.rbegin(), identity.rend());
  auto state_a = (*a)->State();
  auto state_b = (*b)->State();
  EXPECT_TRUE(state_a.ok() && state_b.ok());
  std::vector<ColumnPtr> reversed_b;
  for (const ColumnPtr& column : *state_b) {
    std::vector<uint32_t> rows(reversed.begin(), reversed.end());
    reversed_b.push_back(Take(*column, rows.data(), static_cast<int64_t>(rows.size())));
  }
  EXPECT_TRUE((*final_acc)->Merge(*state_a, identity.data(), call.total_groups).ok());
  EXPECT_TRUE((*final_acc)->Merge(reversed_b, reversed.data(), call.total_groups).ok());
  auto merged = (*final_acc)->Evaluate();
  EXPECT_TRUE(merged.ok());
  EXPECT_EQ(Texts(**merged), result) << call.function << " merged";
  return result;
}

using Texts_ = std::vector<std::string>;

TEST(AggregatesTest, VarianceAndStddev) {
  Call call{"var_samp", {Float64s({1, 2, 3, 4, 10, std::nullopt, 5})}, {0, 0, 0, 0, 1, 1, 2}, 4};
  EXPECT_EQ(RunCall(call), (Texts_{"1.6666666666666667", "NULL", "NULL", "NULL"}));
  call.function = "var_pop";
  EXPECT_EQ(RunCall(call), (Texts_{"1.25", "0", "0", "NULL"}));
  call.function = "stddev";
  EXPECT_EQ(RunCall(call), (Texts_{"1.2909944487358056", "NULL", "NULL", "NULL"}));
  call.function = "stddev_pop";
  EXPECT_EQ(RunCall(call), (Texts_{"1.118033988749895", "0", "0", "NULL"}));
  call.function = "variance";
  EXPECT_EQ(RunCall(call)[0], "1.6666666666666667");
}

// The last digits of a sample standard deviation depend on how it is computed. Six water levels
// of InfluxDB 1.8's sample data (h2o_feet, santa_monica, 2015-08-18T00:00Z to 00:30Z), in time
// order: InfluxDB 1.8 answers 0.040615268065100824 (incremental mean, then the squared
// deviations), Welford's algorithm 0.04061526806510077.
constexpr double kSantaMonica[] = {2.064, 2.116, 2.028, 2.126, 2.041, 2.051};

TEST(AggregatesTest, InfluxQLStddevIsInfluxDB1xFormulaInTimeOrder) {
  // The points arrive in reverse time order: influxql_stddev sorts them by time.
  Call call{"influxql_stddev",
            {Float64s({kSantaMonica[5],
                       kSantaMonica[4],
                       kSantaMonica[3],
                       kSantaMonica[2],
                       kSantaMonica[1],
                       kSantaMonica[0]}),
             Timestamps({360, 288, 216, 144, 72, 0})},
            {0, 0, 0, 0, 0, 0},
            1};
  EXPECT_EQ(RunCall(call), (Texts_{"0.040615268065100824"}));

  // stddev_samp (Welford) over the same values in time order differs in the last digits.
  Call welford{"stddev_samp",
               {Float64s({kSantaMonica[0],
                          kSantaMonica[1],
                          kSantaMonica[2],
                          kSantaMonica[3],
                          kSantaMonica[4],
                          kSantaMonica[5]})},
               {0, 0, 0, 0, 0, 0},
               1};
  FunctionSignature signature;
  auto accumulator = Create(welford, &signature);
  ASSERT_TRUE(accumulator.ok()) << accumulator.status();
  ASSERT_TRUE((*accumulator)->Update(welford.args, nullptr, welford.groups.data(), 1).ok());
  auto value = (*accumulator)->Evaluate();
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(Texts(**value), (Texts_{"0.04061526806510077"}));

  // 1.x's formula depends on the order: the values arriving in the order of kSantaMonica, but
  // with times that make the last one the fourth, round differently. The time order decides.
  Call reordered{"influxql_stddev",
                 {Float64s({kSantaMonica[0],
                            kSantaMonica[1],
                            kSantaMonica[2],
                            kSantaMonica[3],
                            kSantaMonica[4],
                            kSantaMonica[5]}),
                  Timestamps({0, 72, 144, 288, 360, 216})},
                 {0, 0, 0, 0, 0, 0},
                 1};
  EXPECT_EQ(RunCall(reordered), (Texts_{"0.04061526806510082"}));
}

TEST(AggregatesTest, InfluxQLStddevGroupsNullsAndTies) {
  // Group 0: four points, one with a NULL value and one with a NULL time (both skipped), so
  // two count; group 1: one point (NULL); group 2: nothing (NULL); group 3: the santa_monica
  // values at one time, which sort by value: ascending values round to ...082, where their
  // arrival order (kSantaMonica's) would give ...0824.
  Call call{"influxql_stddev",
            {Float64s({1,
                       std::nullopt,
                       4,
                       3,
                       7,
                       kSantaMonica[0],
                       kSantaMonica[1],
                       kSantaMonica[2],
                       kSantaMonica[3],
                       kSantaMonica[4],
                       kSantaMonica[5]}),
             Timestamps({10, 20, std::nullopt, 30, 5, 1, 1, 1, 1, 1, 1})},
            {0, 0, 0, 0, 1, 3, 3, 3, 3, 3, 3},
            4};
  EXPECT_EQ(RunCall(call), (Texts_{"1.4142135623730951", "NULL", "NULL", "0.04061526806510082"}));

  FunctionSignature signature;
  EXPECT_FALSE(Create({"influxql_stddev", {Float64s({1})}, {0}, 1}, &signature).ok());
  EXPECT_FALSE(
      Create({"influxql_stddev", {Strings({"a"}), Timestamps({1})}, {0}, 1}, &signature).ok());
  EXPECT_FALSE(Create({"influxql_stddev", {Float64s({1}), Int64s({1})}, {0}, 1}, &signature).ok());
  EXPECT_FALSE(
      Create({"influxql_stddev", {Float64s({1}), Timestamps({1})}, {0}, 1, true}, &signature).ok());
  // Integers are cast to float64; the result is a float.
  auto accumulator =
      Create({"influxql_stddev", {Int64s({1}), Timestamps({1})}, {0}, 1}, &signature);
  ASSERT_TRUE(accumulator.ok()) << accumulator.status();
  EXPECT_EQ(signature.args, (std::vector<TypeId>{TypeId::kFloat64, TypeId::kTimestamp}));
  EXPECT_EQ(signature.result, TypeId::kFloat64);
}

TEST(AggregatesTest, InfluxQLStddevReportsThePointsItHolds) {
  FunctionSignature signature;
  Call call{"influxql_stddev", {Float64s({1, 2, 3, 4}), Timestamps({1, 2, 3, 4})}, {0, 0, 0, 0}, 1};
  auto accumulator = Create(call, &signature);
  ASSERT_TRUE(accumulator.ok());
  ASSERT_TRUE((*accumulator)->Update(call.args, nullptr, call.groups.data(), 1).ok());
  const size_t four = (*accumulator)->MemoryUsage();
  EXPECT_GE(four, 4 * 16u);
  ASSERT_TRUE((*accumulator)->Update(call.args, nullptr, call.groups.data(), 1).ok());
  EXPECT_EQ((*accumulator)->MemoryUsage(), four + 4 * 16u);
}

TEST(AggregatesTest, MedianAndPercentile) {
  Call call{"median", {Float64s({5, 1, 3, 2, 7, std::nullopt, 4, 8})}, {0, 0, 0, 0, 1, 1, 1, 1}, 3};
  EXPECT_EQ(RunCall(call), (Texts_{"2.5", "7", "NULL"}));
  call.function = "approx_percentile_cont";
  call.constants = {Scalar::Float64(0.9)};
  EXPECT_EQ(RunCall(call), (Texts_{"4.4", "7.8", "NULL"}));
  call.constants = {Scalar::Float64(1.5)};
  FunctionSignature signature;
  EXPECT_FALSE(Create(call, &signature).ok());
}

TEST(AggregatesTest, MedianOfIntegersIsAFloat) {
  // The binder casts integer input to float64 (DuckDB; DataFusion since 54): the median of an
  // even count is the average of the two middle values, not truncated.
  Call call{"median", {Int64s({4, 9, 5, 7})}, {0, 0, 1, 1}, 2};
  FunctionSignature signature;
  ASSERT_TRUE(Create(call, &signature).ok());
  EXPECT_EQ(signature.result, TypeId::kFloat64);
  EXPECT_EQ(signature.args, std::vector<TypeId>{TypeId::kFloat64});
  // What the accumulator then sees: the values cast.
  Call cast{
      "median", {Float64s({4, 9, 5, -3, 0, 1, 2, std::nullopt})}, {0, 0, 0, 1, 1, 2, 2, 3}, 4};
  EXPECT_EQ(RunCall(cast), (Texts_{"5", "-1.5", "1.5", "NULL"}));
  Call distinct{"median", {Float64s({2, 2, 2, 7})}, {0, 0, 0, 0}, 1, true};
  EXPECT_EQ(RunCall(distinct), (Texts_{"4.5"}));
  // approx_percentile_cont of integers stays a float.
  Call percentile{"approx_percentile_cont", {Int64s({1, 2})}, {0, 0}, 1};
  percentile.constants = {Scalar::Float64(0.5)};
  ASSERT_TRUE(Create(percentile, &signature).ok());
  EXPECT_EQ(signature.result, TypeId::kFloat64);
}

TEST(AggregatesTest, FirstAndLastValue) {
  // value, order key t; group 0's first row has a NULL value (kept: first_value respects
  // NULLs); group 1 has a NULL t.
  Call call{
      "first_value",
      {Strings({"a", "b", std::nullopt, "d", "e", "f"}), Timestamps({3, 1, 0, 2, std::nullopt, 5})},
      {0, 0, 0, 0, 1, 1},
      2};
  EXPECT_EQ(RunCall(call), (Texts_{"NULL", "f"}));
  call.function = "last_value";
  // NULL order keys sort last, so the row with t = NULL is group 1's last.
  EXPECT_EQ(RunCall(call), (Texts_{"a", "e"}));
  Call by_arrival{"first_value", {Int64s({std::nullopt, 2, 3})}, {0, 0, 1}, 2};
  EXPECT_EQ(RunCall(by_arrival)[1], "3");
}

TEST(AggregatesTest, Selectors) {
  Call call{
      "selector_first",
      {Float64s({5, 1, std::nullopt, 9, 9, 2}), Timestamps({30, 20, 10, 40, 15, std::nullopt})},
      {0, 0, 0, 0, 0, 0},
      2};
  EXPECT_EQ(RunCall(call), (Texts_{"9", "NULL"}));  // earliest non-null value: t = 15
  call.function = "selector_first_time";
  EXPECT_EQ(RunCall(call), (Texts_{"15", "NULL"}));
  call.function = "selector_last";
  EXPECT_EQ(RunCall(call), (Texts_{"9", "NULL"}));
  call.function = "selector_last_time";
  EXPECT_EQ(RunCall(call), (Texts_{"40", "NULL"}));
  call.function = "selector_max";
  EXPECT_EQ(RunCall(call), (Texts_{"9", "NULL"}));
  call.function = "selector_max_time";  // tie on 9: the earliest time
  EXPECT_EQ(RunCall(call), (Texts_{"15", "NULL"}));
  call.function = "selector_min";
  EXPECT_EQ(RunCall(call), (Texts_{"1", "NULL"}));
  call.function = "selector_min_time";
  EXPECT_EQ(RunCall(call), (Texts_{"20", "NULL"}));
  FunctionSignature signature;
  Call bad{"selector_max", {Float64s({1}), Int64s({1})}, {0}, 1};
  EXPECT_FALSE(Create(bad, &signature).ok());
}

TEST(AggregatesTest, BasicAggregatesMerge) {
  EXPECT_EQ(RunCall({"sum", {Int64s({1, 2, std::nullopt, 4})}, {0, 1, 1, 0}, 3}),
            (Texts_{"5", "2", "NULL"}));
  EXPECT_EQ(RunCall({"avg", {Int64s({1, 2, std::nullopt, 4})}, {0, 1, 1, 0}, 3}),
            (Texts_{"2.5", "2", "NULL"}));
  EXPECT_EQ(RunCall({"count", {Int64s({1, 2, std::nullopt, 4})}, {0, 1, 1, 0}, 3}),
            (Texts_{"2", "1", "0"}));
  EXPECT_EQ(RunCall({"min", {Strings({"b", "a", "c", std::nullopt})}, {0, 0, 1, 1}, 2}),
            (Texts_{"a", "c"}));
  EXPECT_EQ(RunCall({"max", {Float64s({1, std::nan(""), 3, -1})}, {0, 0, 1, 1}, 2}),
            (Texts_{"nan", "3"}));
  EXPECT_EQ(RunCall({"min", {Float64s({1, std::nan(""), std::nan(""), -1})}, {0, 0, 1, 2}, 3}),
            (Texts_{"1", "nan", "-1"}));
  EXPECT_EQ(RunCall({"count", {Int64s({1, 1, 2, 2, 3})}, {0, 0, 0, 1, 1}, 2, true}),
            (Texts_{"2", "2"}));
  EXPECT_EQ(RunCall({"sum", {Float64s({1.5, 1.5, -0.0, 0.0})}, {0, 0, 1, 1}, 2, true}),
            (Texts_{"1.5", "0"}));
  EXPECT_EQ(RunCall({"count", {Strings({"x", "x", "y", std::nullopt})}, {0, 0, 0, 0}, 1, true}),
            (Texts_{"2"}));
  EXPECT_EQ(RunCall({"median", {Float64s({1, 1, 3})}, {0, 0, 0}, 1, true}), (Texts_{"2"}));
}

}  // namespace
}  // namespace strata::exec
