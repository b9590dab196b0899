// Tests of WindowExec: ranking functions, lag/lead, value functions and aggregates over ROWS and
// RANGE frames, several orderings in one operator.
#include <cmath>

#include "exec/operators.h"
#include "exec/operators/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::Aggregate;
using testing::Col;
using testing::Dict;
using testing::Int64s;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::MemoryExec;
using testing::RunRows;

using Rows_ = std::vector<std::string>;
using Bound = WindowFrame::BoundKind;

SchemaPtr Schema3() {
  return MakeSchema({{"host", TypeId::kDictionary}, {"t", TypeId::kInt64}, {"v", TypeId::kInt64}});
}

// (host, t, v): a 1 10; a 2 20; a 2 30; a 3 NULL; b 5 7; b 6 8 -- shuffled over two batches.
std::shared_ptr<MemoryExec> Source() {
  return std::make_shared<MemoryExec>(
      Schema3(),
      std::vector<std::vector<Batch>>{
          {MakeBatch(Schema3(),
                     {Dict({"b", "a", "a"}), Int64s({6, 2, 3}), Int64s({8, 20, std::nullopt})}),
           MakeBatch(Schema3(), {Dict({"a", "b", "a"}), Int64s({1, 5, 2}), Int64s({10, 7, 30})})}});
}

WindowItem Item(WindowFunctionKind kind, std::string name, TypeId type = TypeId::kInt64) {
  WindowItem item;
  item.kind = kind;
  item.name = std::move(name);
  item.type = type;
  item.partition_by = {Col(0, TypeId::kDictionary, "host")};
  item.order_by = {{Col(1, TypeId::kInt64, "t"), true, false}};
  return item;
}

TEST(WindowExecTest, RankingFunctions) {
  std::vector<WindowItem> items = {
      Item(WindowFunctionKind::kRowNumber, "row_number"),
      Item(WindowFunctionKind::kRank, "rank"),
      Item(WindowFunctionKind::kDenseRank, "dense_rank"),
      Item(WindowFunctionKind::kPercentRank, "percent_rank", TypeId::kFloat64),
      Item(WindowFunctionKind::kCumeDist, "cume_dist", TypeId::kFloat64),
      Item(WindowFunctionKind::kNtile, "ntile"),
  };
  items.back().args = {MakeLiteralExpr(Scalar::Int64(3))};
  auto plan = MakeWindowExec(items, Source());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->ToString(),
            "WindowExec: [row_number, rank, dense_rank, percent_rank, cume_dist, ntile]");
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"a|1|10|1|1|1|0|0.25|1",
                   "a|2|20|2|2|2|0.3333333333333333|0.75|1",
                   "a|2|30|3|2|2|0.3333333333333333|0.75|2",
                   "a|3|NULL|4|4|3|1|1|3",
                   "b|5|7|1|1|1|0|0.5|1",
                   "b|6|8|2|2|2|1|1|2"}));
}

TEST(WindowExecTest, LagLeadAndValueFunctions) {
  WindowItem lag = Item(WindowFunctionKind::kLag, "lag");
  lag.args = {Col(2, TypeId::kInt64, "v"),
              MakeLiteralExpr(Scalar::Int64(1)),
              MakeLiteralExpr(Scalar::Int64(-1))};
  WindowItem lead = Item(WindowFunctionKind::kLead, "lead");
  lead.args = {Col(2, TypeId::kInt64, "v")};
  WindowItem first = Item(WindowFunctionKind::kFirstValue, "first_value");
  first.args = {Col(2, TypeId::kInt64, "v")};
  WindowItem last = Item(WindowFunctionKind::kLastValue, "last_value");  // default RANGE frame
  last.args = {Col(2, TypeId::kInt64, "v")};
  WindowItem nth = Item(WindowFunctionKind::kNthValue, "nth_value");
  nth.args = {Col(2, TypeId::kInt64, "v"), MakeLiteralExpr(Scalar::Int64(2))};
  auto rows = RunRows(*MakeWindowExec({lag, lead, first, last, nth}, Source()));
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"a|1|10|-1|20|10|10|NULL",
                   "a|2|20|10|30|10|30|20",
                   "a|2|30|20|NULL|10|30|20",
                   "a|3|NULL|30|NULL|10|NULL|20",
                   "b|5|7|-1|8|7|7|NULL",
                   "b|6|8|7|NULL|7|8|8"}));
}

TEST(WindowExecTest, AggregatesOverFrames) {
  WindowItem running = Item(WindowFunctionKind::kAggregate, "sum");  // RANGE: peers share
  running.aggregate = FunctionRegistry::Default().FindAggregate("sum");
  AggregateItem sum = Aggregate("sum", {Col(2, TypeId::kInt64, "v")});
  running.signature = sum.signature;
  running.args = sum.args;
  WindowItem rows_sum = running;
  rows_sum.name = "rows_sum";
  rows_sum.frame.units = WindowFrame::Units::kRows;  // ROWS UNBOUNDED PRECEDING..CURRENT ROW
  WindowItem sliding = Item(WindowFunctionKind::kAggregate, "count");
  AggregateItem count = Aggregate("count", {}, false, {}, "count(*)");
  sliding.aggregate = count.function;
  sliding.signature = count.signature;
  sliding.frame.units = WindowFrame::Units::kRows;
  sliding.frame.start = Bound::kPreceding;
  sliding.frame.start_offset = 1;
  sliding.frame.end = Bound::kFollowing;
  sliding.frame.end_offset = 1;
  WindowItem whole = Item(WindowFunctionKind::kAggregate, "max");
  AggregateItem max = Aggregate("max", {Col(2, TypeId::kInt64, "v")});
  whole.aggregate = max.function;
  whole.signature = max.signature;
  whole.args = max.args;
  whole.frame.end = Bound::kUnboundedFollowing;
  WindowItem following = whole;  // CURRENT ROW (RANGE) .. UNBOUNDED FOLLOWING
  following.name = "max_following";
  following.frame.start = Bound::kCurrentRow;
  auto rows = RunRows(*MakeWindowExec({running, rows_sum, sliding, whole, following}, Source()));
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"a|1|10|10|10|2|30|30",
                   "a|2|20|60|30|3|30|30",
                   "a|2|30|60|60|3|30|30",
                   "a|3|NULL|60|60|2|30|NULL",
                   "b|5|7|7|7|2|8|8",
                   "b|6|8|15|15|2|8|8"}));
}

// RANGE frames with offsets: the frame holds the rows whose key is within the offsets of the
// current row's; a NULL key's frame is its peer group.
TEST(WindowExecTest, RangeFramesWithOffsets) {
  AggregateItem sum = Aggregate("sum", {Col(2, TypeId::kInt64, "v")});
  AggregateItem count = Aggregate("count", {}, false, {}, "count(*)");
  auto aggregate = [](std::string name, const AggregateItem& call) {
    WindowItem item = Item(WindowFunctionKind::kAggregate, std::move(name));
    item.aggregate = call.function;
    item.signature = call.signature;
    item.args = call.args;
    item.frame.units = WindowFrame::Units::kRange;
    return item;
  };
  WindowItem trailing = aggregate("sum_t_1_preceding", sum);  // t in [t - 1, t]
  trailing.frame.start = Bound::kPreceding;
  trailing.frame.start_range_offset = Scalar::Int64(1);
  WindowItem leading = aggregate("count_t_1_following", count);  // t in [t, t + 1]
  leading.frame.start = Bound::kCurrentRow;
  leading.frame.end = Bound::kFollowing;
  leading.frame.end_range_offset = Scalar::Int64(1);
  WindowItem around = aggregate("count_v_10_around", count);  // v in [v - 10, v + 10]
  around.order_by = {{Col(2, TypeId::kInt64, "v"), true, false}};
  around.frame.start = Bound::kPreceding;
  around.frame.start_range_offset = Scalar::Float64(10.5);  // floor(10.5) for integer keys
  around.frame.end = Bound::kFollowing;
  around.frame.end_range_offset = Scalar::UInt64(10);
  WindowItem descending = aggregate("count_v_desc", count);  // v DESC: v in [v, v + 10]
  descending.order_by = {{Col(2, TypeId::kInt64, "v"), false, true}};
  descending.frame.start = Bound::kPreceding;
  descending.frame.start_range_offset = Scalar::Int64(10);
  WindowItem empty = aggregate("sum_t_3_to_2_preceding", sum);  // t in [t - 3, t - 2]
  empty.frame.start = Bound::kPreceding;
  empty.frame.start_range_offset = Scalar::Int64(3);
  empty.frame.end = Bound::kPreceding;
  empty.frame.end_range_offset = Scalar::Int64(2);
  WindowItem last = Item(WindowFunctionKind::kLastValue, "last_v_1_following");
  last.args = {Col(2, TypeId::kInt64, "v")};
  last.frame.units = WindowFrame::Units::kRange;
  last.frame.end = Bound::kFollowing;
  last.frame.end_range_offset = Scalar::Int64(1);
  auto plan = MakeWindowExec({trailing, leading, around, descending, empty, last}, Source());
  ASSERT_TRUE(plan.ok()) << plan.status();
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"a|1|10|10|3|2|2|NULL|30",
                   "a|2|20|60|3|3|2|NULL|NULL",
                   "a|2|30|60|3|2|1|NULL|NULL",
                   "a|3|NULL|50|1|1|1|10|NULL",
                   "b|5|7|7|2|2|2|NULL|8",
                   "b|6|8|15|1|2|1|NULL|8"}));
  EXPECT_EQ(WindowFrameText(empty.frame), "RANGE BETWEEN 3 PRECEDING AND 2 PRECEDING");
  EXPECT_FALSE(IsDefaultWindowFrame(empty.frame, true));
  EXPECT_TRUE(IsDefaultWindowFrame(WindowFrame{}, true));
}

TEST(WindowExecTest, RangeOffsetsOverTimestampAndFloatKeys) {
  auto schema = MakeSchema({{"t", TypeId::kTimestamp}, {"x", TypeId::kFloat64}});
  constexpr int64_t kMinute = 60'000'000'000;
  auto source = std::make_shared<MemoryExec>(
      schema,
      std::vector<std::vector<Batch>>{
          {MakeBatch(schema,
                     {testing::Timestamps({0, kMinute, 2 * kMinute, 4 * kMinute, std::nullopt}),
                      testing::Float64s({0.5, 1.0, std::nan(""), -INFINITY, 2.0})})}});
  AggregateItem count = Aggregate("count", {}, false, {}, "count(*)");
  auto counted = [&](std::string name, PhysicalExprPtr key, bool ascending) {
    WindowItem item;
    item.kind = WindowFunctionKind::kAggregate;
    item.name = std::move(name);
    item.aggregate = count.function;
    item.signature = count.signature;
    item.order_by = {{std::move(key), ascending, false}};
    item.frame.units = WindowFrame::Units::kRange;
    item.frame.start = Bound::kPreceding;
    return item;
  };
  // t in [t - 2 minutes, t]; the NULL time is its own frame.
  WindowItem minutes = counted("by_time", Col(0, TypeId::kTimestamp, "t"), true);
  minutes.frame.start_range_offset = Scalar::FromInterval({0, 0, 2 * kMinute});
  // x in [x - 0.5, x]: NaN sorts last and is only within range of NaN; -Infinity of itself.
  WindowItem floats = counted("by_x", Col(1, TypeId::kFloat64, "x"), true);
  floats.frame.start_range_offset = Scalar::Float64(0.5);
  // x DESC in [x, x + inf]: every number from x on (NaN is beyond any offset from a number);
  // -Infinity + Infinity reaches every number, as in PostgreSQL.
  WindowItem infinite = counted("by_x_desc", Col(1, TypeId::kFloat64, "x"), false);
  infinite.frame.start_range_offset = Scalar::Float64(INFINITY);
  auto rows = RunRows(*MakeWindowExec({minutes, floats, infinite}, source));
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"0|0.5|1|1|3",
                   "60000000000|1|2|2|2",
                   "120000000000|nan|3|1|1",
                   "240000000000|-inf|2|1|4",
                   "NULL|2|1|1|1"}));
}

TEST(WindowExecTest, ItemsWithDifferentOrderings) {
  WindowItem by_t = Item(WindowFunctionKind::kRowNumber, "rn_t");
  WindowItem by_v = Item(WindowFunctionKind::kRowNumber, "rn_v");
  by_v.partition_by.clear();
  by_v.order_by = {{Col(2, TypeId::kInt64, "v"), false, false}};  // v DESC NULLS LAST
  auto rows = RunRows(*MakeWindowExec({by_t, by_v}, Source()));
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(
      *rows,
      (Rows_{"a|1|10|1|3", "a|2|20|2|2", "a|2|30|3|1", "a|3|NULL|4|6", "b|5|7|1|5", "b|6|8|2|4"}));
}

TEST(WindowExecTest, EmptyInputAndErrors) {
  auto empty = std::make_shared<MemoryExec>(Schema3(), std::vector<std::vector<Batch>>{{}});
  auto rows = RunRows(*MakeWindowExec({Item(WindowFunctionKind::kRank, "rank")}, empty));
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
  EXPECT_FALSE(MakeWindowExec({}, empty).ok());
  WindowItem range_offset = Item(WindowFunctionKind::kFirstValue, "f");
  range_offset.args = {Col(2, TypeId::kInt64, "v")};
  range_offset.frame.start = Bound::kPreceding;
  range_offset.frame.start_offset = 2;  // a ROWS offset: RANGE needs start_range_offset
  EXPECT_THAT(MakeWindowExec({range_offset}, empty).status().message(),
              ::testing::HasSubstr("frame offset must not be NULL"));
  range_offset.frame.start_range_offset = Scalar::Int64(-2);
  EXPECT_THAT(MakeWindowExec({range_offset}, empty).status().message(),
              ::testing::HasSubstr("frame offset must not be negative"));
  range_offset.frame.start_range_offset = Scalar::FromInterval({0, 1, 0});
  EXPECT_THAT(MakeWindowExec({range_offset}, empty).status().message(),
              ::testing::HasSubstr(
                  "RANGE frame offset for an ORDER BY key of type int64 must be a number"));
  range_offset.frame.start_range_offset = Scalar::Float64(std::nan(""));
  EXPECT_THAT(MakeWindowExec({range_offset}, empty).status().message(),
              ::testing::HasSubstr("frame offset must not be NaN"));
  range_offset.frame.start_range_offset = Scalar::Int64(2);
  EXPECT_TRUE(MakeWindowExec({range_offset}, empty).ok());
  range_offset.order_by.push_back({Col(2, TypeId::kInt64, "v"), true, false});
  EXPECT_THAT(MakeWindowExec({range_offset}, empty).status().message(),
              ::testing::HasSubstr("requires exactly one ORDER BY column"));
  range_offset.order_by = {{Col(0, TypeId::kDictionary, "host"), true, false}};
  EXPECT_THAT(MakeWindowExec({range_offset}, empty).status().message(),
              ::testing::HasSubstr("not supported for ORDER BY type"));
  EXPECT_THAT(
      CheckRangeFrameOffset(TypeId::kTimestamp, Scalar::FromInterval({1, -31, 0})).message(),
      ::testing::HasSubstr("must not be negative"));  // 1 month - 31 days < 0
  EXPECT_TRUE(CheckRangeFrameOffset(TypeId::kTimestamp, Scalar::FromInterval({1, -29, 0})).ok());
  WindowItem ntile = Item(WindowFunctionKind::kNtile, "ntile");
  ntile.args = {MakeLiteralExpr(Scalar::Int64(0))};
  EXPECT_FALSE(RunRows(*MakeWindowExec({ntile}, Source())).ok());
}

}  // namespace
}  // namespace strata::exec
