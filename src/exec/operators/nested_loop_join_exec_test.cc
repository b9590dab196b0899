// Tests of NestedLoopJoinExec: cross join, non-equi conditions and outer/semi/anti variants.
#include "exec/operators.h"
#include "exec/operators/test_util.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::Col;
using testing::Int64s;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::MemoryExec;
using testing::RunRows;
using testing::Sorted;

using Rows_ = std::vector<std::string>;

std::shared_ptr<MemoryExec> Ints(std::string name,
                                 testing::Values<int64_t> a,
                                 testing::Values<int64_t> b) {
  SchemaPtr schema = MakeSchema({{name, TypeId::kInt64}});
  return std::make_shared<MemoryExec>(
      schema,
      std::vector<std::vector<Batch>>{{MakeBatch(schema, {Int64s(a)})},
                                      {MakeBatch(schema, {Int64s(b)})}});
}

absl::StatusOr<Rows_> RunJoin(JoinType type, bool with_filter) {
  PhysicalExprPtr filter;
  if (with_filter) {
    // l < r over the joined schema (l, r).
    filter = MakeBinaryExpr(BinaryOp::kLt, Col(0, TypeId::kInt64, "l"), Col(1, TypeId::kInt64, "r"))
                 .value();
  }
  auto plan = MakeNestedLoopJoinExec(
      type, filter, Ints("l", {1, 5}, {std::nullopt, 3}), Ints("r", {2}, {4, 0}));
  if (!plan.ok()) {
    return plan.status();
  }
  auto rows = RunRows(*plan);
  if (!rows.ok()) {
    return rows.status();
  }
  return Sorted(*rows);
}

TEST(NestedLoopJoinExecTest, CrossJoin) {
  auto rows = RunJoin(JoinType::kInner, false);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 12u);
  EXPECT_EQ((*rows)[0], "1|0");
}

TEST(NestedLoopJoinExecTest, NonEquiConditions) {
  auto rows = RunJoin(JoinType::kInner, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"1|2", "1|4", "3|4"}));
  rows = RunJoin(JoinType::kLeft, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"1|2", "1|4", "3|4", "5|NULL", "NULL|NULL"}));
  rows = RunJoin(JoinType::kRight, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"1|2", "1|4", "3|4", "NULL|0"}));
  rows = RunJoin(JoinType::kFull, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"1|2", "1|4", "3|4", "5|NULL", "NULL|0", "NULL|NULL"}));
  rows = RunJoin(JoinType::kLeftSemi, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"1", "3"}));
  rows = RunJoin(JoinType::kLeftAnti, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"5", "NULL"}));
}

TEST(NestedLoopJoinExecTest, DescriptionAndChildren) {
  auto plan =
      MakeNestedLoopJoinExec(JoinType::kLeft, nullptr, Ints("l", {1}, {}), Ints("r", {2}, {}));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)->name(), "NestedLoopJoinExec");
  EXPECT_EQ((*plan)->ToString(), "NestedLoopJoinExec: type=Left");
  auto copy = (*plan)->WithChildren((*plan)->children());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ((*copy)->ToString(), "NestedLoopJoinExec: type=Left");
  EXPECT_FALSE(
      MakeNestedLoopJoinExec(
          JoinType::kInner, Col(0, TypeId::kInt64, "l"), Ints("l", {1}, {}), Ints("r", {2}, {}))
          .ok());
}

}  // namespace
}  // namespace strata::exec
