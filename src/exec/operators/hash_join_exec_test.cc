// Tests of HashJoinExec: every join type, NULL keys, multi-column keys, string/dictionary keys,
// an extra filter, NOT IN semantics, several probe partitions and a partitioned build side,
// dictionaries that differ per batch and per side, a self join on a tag and a shifted time.
#include "common/status.h"
#include "exec/operators.h"
#include "exec/operators/test_util.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::Col;
using testing::Dict;
using testing::Int64s;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::MemoryExec;
using testing::MemoryExecOptions;
using testing::RunRows;
using testing::Sorted;
using testing::Strings;

using Rows_ = std::vector<std::string>;

SchemaPtr LeftSchema() {
  return MakeSchema({{"lk", TypeId::kInt64}, {"lname", TypeId::kString}});
}
SchemaPtr RightSchema() {
  return MakeSchema({{"rk", TypeId::kInt64}, {"rv", TypeId::kInt64}});
}

// Left: keys 1, 2, 2, NULL, 4 in two partitions. Right: keys 2, 3, NULL, 1, 2 in two partitions.
std::shared_ptr<MemoryExec> Left() {
  return std::make_shared<MemoryExec>(
      LeftSchema(),
      std::vector<std::vector<Batch>>{
          {MakeBatch(LeftSchema(), {Int64s({1, 2}), Strings({"a", "b"})})},
          {MakeBatch(LeftSchema(), {Int64s({2, std::nullopt, 4}), Strings({"c", "d", "e"})})}});
}
std::shared_ptr<MemoryExec> Right(bool with_null = true) {
  return std::make_shared<MemoryExec>(
      RightSchema(),
      std::vector<std::vector<Batch>>{
          {MakeBatch(RightSchema(),
                     {Int64s({2, 3, with_null ? std::nullopt : std::optional<int64_t>(5)}),
                      Int64s({20, 30, 99})})},
          {MakeBatch(RightSchema(), {Int64s({1, 2}), Int64s({10, 21})})}});
}

absl::StatusOr<std::vector<std::string>> Join(JoinType type,
                                              PhysicalExprPtr filter = nullptr,
                                              bool null_aware = false,
                                              bool right_null = true) {
  auto plan = MakeHashJoinExec(type,
                               {{Col(0, TypeId::kInt64, "lk"), Col(0, TypeId::kInt64, "rk")}},
                               std::move(filter),
                               null_aware,
                               Left(),
                               Right(right_null));
  if (!plan.ok()) {
    return plan.status();
  }
  EXPECT_EQ((*plan)->output_partitions(), 2);
  auto rows = RunRows(*plan);
  if (!rows.ok()) {
    return rows.status();
  }
  return Sorted(*rows);
}

TEST(HashJoinExecTest, Inner) {
  auto rows = Join(JoinType::kInner);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (Rows_{"1|a|1|10", "2|b|2|20", "2|b|2|21", "2|c|2|20", "2|c|2|21"}));
}

TEST(HashJoinExecTest, LeftRightFull) {
  auto rows = Join(JoinType::kLeft);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"1|a|1|10",
                   "2|b|2|20",
                   "2|b|2|21",
                   "2|c|2|20",
                   "2|c|2|21",
                   "4|e|NULL|NULL",
                   "NULL|d|NULL|NULL"}));
  rows = Join(JoinType::kRight);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows,
            (Rows_{"1|a|1|10",
                   "2|b|2|20",
                   "2|b|2|21",
                   "2|c|2|20",
                   "2|c|2|21",
                   "NULL|NULL|3|30",
                   "NULL|NULL|NULL|99"}));
  rows = Join(JoinType::kFull);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows,
            (Rows_{"1|a|1|10",
                   "2|b|2|20",
                   "2|b|2|21",
                   "2|c|2|20",
                   "2|c|2|21",
                   "4|e|NULL|NULL",
                   "NULL|NULL|3|30",
                   "NULL|NULL|NULL|99",
                   "NULL|d|NULL|NULL"}));
}

// `null_equal` keys (IS NOT DISTINCT FROM): the left's NULL key matches the right's NULL key.
TEST(HashJoinExecTest, NullEqualKeysMatchNull) {
  auto join = [](JoinType type) -> absl::StatusOr<std::vector<std::string>> {
    STRATA_ASSIGN_OR_RETURN(
        ExecutionPlanPtr plan,
        MakeHashJoinExec(type,
                         {{Col(0, TypeId::kInt64, "lk"), Col(0, TypeId::kInt64, "rk"), true}},
                         nullptr,
                         false,
                         Left(),
                         Right()));
    EXPECT_EQ(
        plan->ToString(),
        "HashJoinExec: type=" + std::string(JoinTypeName(type)) + ", on=[(lk, rk, nulls equal)]");
    STRATA_ASSIGN_OR_RETURN(std::vector<std::string> rows, RunRows(plan));
    return Sorted(rows);
  };
  auto rows = join(JoinType::kInner);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"1|a|1|10", "2|b|2|20", "2|b|2|21", "2|c|2|20", "2|c|2|21", "NULL|d|NULL|99"}));
  rows = join(JoinType::kFull);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"1|a|1|10",
                   "2|b|2|20",
                   "2|b|2|21",
                   "2|c|2|20",
                   "2|c|2|21",
                   "4|e|NULL|NULL",
                   "NULL|NULL|3|30",
                   "NULL|d|NULL|99"}));
  rows = join(JoinType::kLeftAnti);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (Rows_{"4|e"}));

  // Two keys, one null-equal (a dictionary tag), one not (an integer): NULL in the second never
  // matches.
  SchemaPtr left_schema = MakeSchema({{"host", TypeId::kDictionary}, {"n", TypeId::kInt64}});
  SchemaPtr right_schema = MakeSchema({{"h", TypeId::kString}, {"m", TypeId::kInt64}});
  auto left = std::make_shared<MemoryExec>(
      left_schema,
      std::vector<std::vector<Batch>>{{MakeBatch(
          left_schema,
          {Dict({"a", std::nullopt, std::nullopt, "b"}), Int64s({1, 1, std::nullopt, 2})})}});
  auto right = std::make_shared<MemoryExec>(
      right_schema,
      std::vector<std::vector<Batch>>{{MakeBatch(
          right_schema,
          {Strings({std::nullopt, "a", std::nullopt, "b"}), Int64s({1, 1, std::nullopt, 3})})}});
  auto plan =
      MakeHashJoinExec(JoinType::kInner,
                       {{Col(0, TypeId::kDictionary, "host"), Col(0, TypeId::kString, "h"), true},
                        {Col(1, TypeId::kInt64, "n"), Col(1, TypeId::kInt64, "m")}},
                       nullptr,
                       false,
                       left,
                       right);
  ASSERT_TRUE(plan.ok()) << plan.status();
  auto multi = RunRows(*plan);
  ASSERT_TRUE(multi.ok()) << multi.status();
  EXPECT_EQ(Sorted(*multi), (Rows_{"NULL|1|NULL|1", "a|1|a|1"}));
}

TEST(HashJoinExecTest, SemiAndAnti) {
  auto rows = Join(JoinType::kLeftSemi);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"1|a", "2|b", "2|c"}));
  rows = Join(JoinType::kLeftAnti);  // NOT EXISTS: NULL-key rows are kept
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"4|e", "NULL|d"}));
  // NOT IN with a NULL on the right: nothing qualifies.
  rows = Join(JoinType::kLeftAnti, nullptr, true, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
  // NOT IN without NULLs on the right: a NULL on the left is unknown, so dropped.
  rows = Join(JoinType::kLeftAnti, nullptr, true, false);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"4|e"}));
}

TEST(HashJoinExecTest, FilterOverTheJoinedRow) {
  // rv > 20 (joined schema: lk, lname, rk, rv).
  auto filter = MakeBinaryExpr(
      BinaryOp::kGt, Col(3, TypeId::kInt64, "rv"), MakeLiteralExpr(Scalar::Int64(20)));
  ASSERT_TRUE(filter.ok());
  auto rows = Join(JoinType::kInner, *filter);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"2|b|2|21", "2|c|2|21"}));
  rows = Join(JoinType::kLeft, *filter);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows,
            (Rows_{"1|a|NULL|NULL", "2|b|2|21", "2|c|2|21", "4|e|NULL|NULL", "NULL|d|NULL|NULL"}));
  rows = Join(JoinType::kLeftSemi, *filter);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"2|b", "2|c"}));
}

TEST(HashJoinExecTest, MultiColumnStringAndDictionaryKeys) {
  SchemaPtr left_schema = MakeSchema({{"host", TypeId::kDictionary}, {"n", TypeId::kInt64}});
  SchemaPtr right_schema =
      MakeSchema({{"h", TypeId::kString}, {"m", TypeId::kInt64}, {"x", TypeId::kInt64}});
  auto left = std::make_shared<MemoryExec>(
      left_schema,
      std::vector<std::vector<Batch>>{
          {MakeBatch(left_schema, {Dict({"a", "b", "a"}), Int64s({1, 1, 2})})},
          {MakeBatch(left_schema, {Dict({"c", "a"}), Int64s({1, 1})})}});
  auto right = std::make_shared<MemoryExec>(
      right_schema,
      std::vector<std::vector<Batch>>{{MakeBatch(right_schema,
                                                 {Strings({"a", "a", "b", "z", std::nullopt}),
                                                  Int64s({1, 2, 2, 1, 1}),
                                                  Int64s({7, 8, 9, 10, 11})})}});
  auto plan = MakeHashJoinExec(JoinType::kInner,
                               {{Col(0, TypeId::kDictionary, "host"), Col(0, TypeId::kString, "h")},
                                {Col(1, TypeId::kInt64, "n"), Col(1, TypeId::kInt64, "m")}},
                               nullptr,
                               false,
                               left,
                               right);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->ToString(), "HashJoinExec: type=Inner, on=[(host, h), (n, m)]");
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Sorted(*rows), (Rows_{"a|1|a|1|7", "a|1|a|1|7", "a|2|a|2|8"}));
}

// Dictionary codes mean something only within their dictionary: every batch here has its own,
// and the same code stands for different strings on the two sides ("b" is code 0 on the left,
// "a" on the right). Keys must match by string, in every join type, over two probe partitions.
TEST(HashJoinExecTest, SingleDictionaryKeyAcrossDictionaries) {
  SchemaPtr left_schema = MakeSchema({{"lhost", TypeId::kDictionary}, {"v", TypeId::kInt64}});
  SchemaPtr right_schema = MakeSchema({{"rhost", TypeId::kDictionary}, {"w", TypeId::kInt64}});
  auto left = std::make_shared<MemoryExec>(
      left_schema,
      std::vector<std::vector<Batch>>{
          {MakeBatch(left_schema, {Dict({"b", "a"}), Int64s({1, 2})})},
          {MakeBatch(left_schema, {Dict({"x", "c", "a", std::nullopt}), Int64s({3, 4, 5, 6})})}});
  auto right = std::make_shared<MemoryExec>(
      right_schema,
      std::vector<std::vector<Batch>>{
          {MakeBatch(right_schema, {Dict({"a", "c", "z"}), Int64s({10, 20, 30})})},
          {MakeBatch(right_schema, {Dict({std::nullopt, "c"}), Int64s({40, 50})}),
           MakeBatch(right_schema, {Dict({"b"}), Int64s({60})})}});
  auto join = [&](JoinType type) -> Rows_ {
    auto plan = MakeHashJoinExec(
        type,
        {{Col(0, TypeId::kDictionary, "lhost"), Col(0, TypeId::kDictionary, "rhost")}},
        nullptr,
        false,
        left,
        right);
    EXPECT_TRUE(plan.ok()) << plan.status();
    EXPECT_EQ((*plan)->output_partitions(), 2);
    auto rows = RunRows(*plan);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? Sorted(*rows) : Rows_{};
  };
  const Rows_ matches = {"a|2|a|10", "a|5|a|10", "b|1|b|60", "c|4|c|20", "c|4|c|50"};
  auto with = [&](Rows_ extra) {
    Rows_ all = matches;
    all.insert(all.end(), extra.begin(), extra.end());
    return Sorted(all);
  };
  EXPECT_EQ(join(JoinType::kInner), matches);
  EXPECT_EQ(join(JoinType::kLeft), with({"x|3|NULL|NULL", "NULL|6|NULL|NULL"}));
  EXPECT_EQ(join(JoinType::kRight), with({"NULL|NULL|z|30", "NULL|NULL|NULL|40"}));
  EXPECT_EQ(join(JoinType::kFull),
            with({"x|3|NULL|NULL", "NULL|6|NULL|NULL", "NULL|NULL|z|30", "NULL|NULL|NULL|40"}));
  EXPECT_EQ(join(JoinType::kLeftSemi), (Rows_{"a|2", "a|5", "b|1", "c|4"}));
  EXPECT_EQ(join(JoinType::kLeftAnti), (Rows_{"NULL|6", "x|3"}));
}

// A self join on (tag, time) with the left time shifted, as `ON x.host = y.host AND y.time =
// x.time + INTERVAL '1 minute'` plans it: both sides read the same batches (one dictionary
// object shared by the sides, another one per partition), and a FULL join keeps the unmatched
// rows of both sides.
TEST(HashJoinExecTest, SelfJoinOnTagAndShiftedTime) {
  SchemaPtr schema = MakeSchema({{"host", TypeId::kDictionary}, {"time", TypeId::kTimestamp}});
  auto shared = std::make_shared<StringDictionary>();
  std::vector<std::vector<Batch>> partitions = {
      {MakeBatch(schema, {Dict({"a", "b", "a"}, shared), testing::Timestamps({0, 0, 60})})},
      {MakeBatch(schema, {Dict({"b", "a", "c"}), testing::Timestamps({60, 120, 0})})}};
  auto x = std::make_shared<MemoryExec>(schema, partitions);
  auto y = std::make_shared<MemoryExec>(schema, partitions);
  auto shifted = MakeBinaryExpr(BinaryOp::kAdd,
                                Col(1, TypeId::kTimestamp, "time"),
                                MakeLiteralExpr(Scalar::FromInterval(Interval{0, 0, 60})));
  ASSERT_TRUE(shifted.ok()) << shifted.status();
  auto plan =
      MakeHashJoinExec(JoinType::kFull,
                       {{Col(0, TypeId::kDictionary, "host"), Col(0, TypeId::kDictionary, "host")},
                        {*shifted, Col(1, TypeId::kTimestamp, "time")}},
                       nullptr,
                       false,
                       x,
                       y);
  ASSERT_TRUE(plan.ok()) << plan.status();
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Sorted(*rows),
            Sorted({"a|0|a|60",
                    "a|60|a|120",
                    "b|0|b|60",
                    "a|120|NULL|NULL",
                    "b|60|NULL|NULL",
                    "c|0|NULL|NULL",
                    "NULL|NULL|a|0",
                    "NULL|NULL|b|0",
                    "NULL|NULL|c|0"}));
}

TEST(HashJoinExecTest, EmptySidesAndErrors) {
  auto empty_left = std::make_shared<MemoryExec>(LeftSchema(), std::vector<std::vector<Batch>>{{}});
  auto empty_right =
      std::make_shared<MemoryExec>(RightSchema(), std::vector<std::vector<Batch>>{{}});
  JoinKey key{Col(0, TypeId::kInt64, "lk"), Col(0, TypeId::kInt64, "rk")};
  auto rows =
      RunRows(*MakeHashJoinExec(JoinType::kRight, {key}, nullptr, false, empty_left, Right()));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 5u);
  rows = RunRows(*MakeHashJoinExec(JoinType::kLeftAnti, {key}, nullptr, true, Left(), empty_right));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Sorted(*rows), (Rows_{"1|a", "2|b", "2|c", "4|e", "NULL|d"}));  // NOT IN (empty)
  EXPECT_FALSE(MakeHashJoinExec(JoinType::kInner, {}, nullptr, false, Left(), Right()).ok());
  EXPECT_FALSE(MakeHashJoinExec(JoinType::kInner,
                                {{Col(1, TypeId::kString, "lname"), Col(0, TypeId::kInt64, "rk")}},
                                nullptr,
                                false,
                                Left(),
                                Right())
                   .ok());
  MemoryExecOptions failing;
  failing.fail_partition = 1;
  auto bad_left =
      std::make_shared<MemoryExec>(LeftSchema(), std::vector<std::vector<Batch>>{{}, {}}, failing);
  auto result =
      RunRows(*MakeHashJoinExec(JoinType::kInner, {key}, nullptr, false, bad_left, Right()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "injected failure");
}

TEST(HashJoinExecTest, ManyRows) {
  SchemaPtr schema = MakeSchema({{"k", TypeId::kInt64}});
  testing::Values<int64_t> left_keys;
  testing::Values<int64_t> right_keys;
  for (int64_t i = 0; i < 20000; ++i) {
    left_keys.push_back(i);
    right_keys.push_back(i % 5000);
  }
  auto left = std::make_shared<MemoryExec>(
      schema, std::vector<std::vector<Batch>>{{MakeBatch(schema, {Int64s(left_keys)})}});
  auto right = std::make_shared<MemoryExec>(
      schema, std::vector<std::vector<Batch>>{{MakeBatch(schema, {Int64s(right_keys)})}});
  auto plan = MakeHashJoinExec(JoinType::kLeft,
                               {{Col(0, TypeId::kInt64, "k"), Col(0, TypeId::kInt64, "k")}},
                               nullptr,
                               false,
                               left,
                               right);
  auto context = testing::NewContext();
  context->set_batch_size(1000);
  auto batches = Collect(*plan, context);
  ASSERT_TRUE(batches.ok());
  int64_t matched = 0;
  int64_t unmatched = 0;
  for (const Batch& batch : *batches) {
    EXPECT_LE(batch.length(), 1000);
    for (int64_t i = 0; i < batch.length(); ++i) {
      if (batch.column(1)->IsNull(i)) {
        ++unmatched;
      } else {
        EXPECT_EQ(batch.column(0)->GetInt64(i), batch.column(1)->GetInt64(i));
        ++matched;
      }
    }
  }
  EXPECT_EQ(matched, 20000);
  EXPECT_EQ(unmatched, 15000);
}

}  // namespace
}  // namespace strata::exec
