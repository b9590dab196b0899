// Tests of SortExec: multi-key ordering, NULL placement, stability, dictionary keys across
// dictionaries, long string prefixes, and TopK against a full sort.
#include <random>

#include "exec/operators.h"
#include "exec/operators/test_util.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::Col;
using testing::Dict;
using testing::Float64s;
using testing::Int64s;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::MemoryExec;
using testing::NewContext;
using testing::RunRows;
using testing::Strings;

using Rows_ = std::vector<std::string>;

SchemaPtr Schema3() {
  return MakeSchema(
      {{"host", TypeId::kDictionary}, {"v", TypeId::kFloat64}, {"id", TypeId::kInt64}});
}

std::shared_ptr<MemoryExec> Source3() {
  return std::make_shared<MemoryExec>(
      Schema3(),
      std::vector<std::vector<Batch>>{
          {MakeBatch(Schema3(),
                     {Dict({"b", "a", std::nullopt, "b"}),
                      Float64s({1.0, std::nullopt, 3.0, 1.0}),
                      Int64s({1, 2, 3, 4})}),
           MakeBatch(Schema3(),
                     {Dict({"a", "b", "a"}),  // another dictionary, other codes
                      Float64s({-0.5, std::nan(""), 2.0}),
                      Int64s({5, 6, 7})})}});
}

ExecutionPlanPtr Sort(std::vector<SortKey> keys,
                      std::optional<int64_t> fetch,
                      ExecutionPlanPtr input) {
  auto plan = MakeSortExec(std::move(keys), fetch, std::move(input));
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *plan;
}

TEST(SortExecTest, MultiKeyStableWithNulls) {
  auto host = Col(0, TypeId::kDictionary, "host");
  auto v = Col(1, TypeId::kFloat64, "v");
  // host ASC NULLS LAST, v DESC NULLS FIRST; rows 1 and 4 tie and keep input order.
  auto plan = Sort({{host, true, false}, {v, false, true}}, std::nullopt, Source3());
  EXPECT_EQ(plan->ToString(), "SortExec: expr=[host ASC NULLS LAST, v DESC NULLS FIRST]");
  auto rows = RunRows(plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows,
            (Rows_{"a|NULL|2", "a|2|7", "a|-0.5|5", "b|nan|6", "b|1|1", "b|1|4", "NULL|3|3"}));
  EXPECT_EQ(plan->metrics().output_rows(), 7);
}

TEST(SortExecTest, NullsFirstAscendingAndLastDescending) {
  auto v = Col(1, TypeId::kFloat64, "v");
  auto rows = RunRows(Sort({{v, true, true}}, std::nullopt, Source3()));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows,
            (Rows_{"a|NULL|2", "a|-0.5|5", "b|1|1", "b|1|4", "a|2|7", "NULL|3|3", "b|nan|6"}));
  rows = RunRows(Sort({{v, false, false}}, std::nullopt, Source3()));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows,
            (Rows_{"b|nan|6", "NULL|3|3", "a|2|7", "b|1|1", "b|1|4", "a|-0.5|5", "a|NULL|2"}));
}

TEST(SortExecTest, StringsSharingLongPrefixes) {
  SchemaPtr schema = MakeSchema({{"s", TypeId::kString}});
  auto source = std::make_shared<MemoryExec>(
      schema,
      std::vector<std::vector<Batch>>{{MakeBatch(
          schema,
          {Strings(
              {"prefix__zz", "prefix__a", "prefix_", "prefix__", "", "prefix__\xff", "Z"})})}});
  auto rows = RunRows(Sort({{Col(0, TypeId::kString, "s"), true, false}}, std::nullopt, source));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows,
            (Rows_{"", "Z", "prefix_", "prefix__", "prefix__a", "prefix__zz", "prefix__\xff"}));
  rows = RunRows(Sort({{Col(0, TypeId::kString, "s"), false, false}}, 3, source));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"prefix__\xff", "prefix__zz", "prefix__a"}));
}

TEST(SortExecTest, TopKMatchesFullSortPrefix) {
  SchemaPtr schema =
      MakeSchema({{"k", TypeId::kInt64}, {"tag", TypeId::kDictionary}, {"id", TypeId::kInt64}});
  std::mt19937 random(7);
  std::vector<Batch> batches;
  int64_t id = 0;
  for (int b = 0; b < 20; ++b) {
    testing::Values<int64_t> keys;
    testing::Values<std::string> tags;
    testing::Values<int64_t> ids;
    for (int r = 0; r < 500; ++r) {
      int x = static_cast<int>(random() % 200);
      keys.push_back(x == 0 ? std::nullopt : std::optional<int64_t>(x - 100));
      tags.push_back("t" + std::to_string(random() % 13));
      ids.push_back(id++);
    }
    batches.push_back(MakeBatch(schema, {Int64s(keys), Dict(tags), Int64s(ids)}));
  }
  auto source = std::make_shared<MemoryExec>(schema, std::vector<std::vector<Batch>>{batches});
  std::vector<SortKey> keys = {{Col(0, TypeId::kInt64, "k"), false, false},
                               {Col(1, TypeId::kDictionary, "tag"), true, true}};
  auto full = RunRows(Sort(keys, std::nullopt, source));
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->size(), 10000u);
  for (int64_t k : {0, 1, 5, 100, 777, 9999, 10000, 20000}) {
    auto plan = Sort(keys, k, source);
    auto top = RunRows(plan);
    ASSERT_TRUE(top.ok()) << top.status();
    Rows_ expected(full->begin(), full->begin() + std::min<int64_t>(k, 10000));
    EXPECT_EQ(*top, expected) << "k=" << k;
  }
  EXPECT_EQ(Sort(keys, 5, source)->ToString(),
            "SortExec: TopK(fetch=5), expr=[k DESC NULLS LAST, tag ASC NULLS FIRST]");
}

TEST(SortExecTest, TopKOverFilteredBatchesAndPartitions) {
  auto filter = MakeFilterExec(
      MakeBinaryExpr(BinaryOp::kGt, Col(2, TypeId::kInt64, "id"), MakeLiteralExpr(Scalar::Int64(2)))
          .value(),
      Source3());
  auto plan = Sort({{Col(2, TypeId::kInt64, "id"), false, false}}, 2, *filter);
  auto rows = RunRows(plan);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"a|2|7", "b|nan|6"}));
  // Two partitions sort independently.
  SchemaPtr schema = MakeSchema({{"x", TypeId::kInt64}});
  auto source = std::make_shared<MemoryExec>(
      schema,
      std::vector<std::vector<Batch>>{{MakeBatch(schema, {Int64s({3, 1, 2})})},
                                      {MakeBatch(schema, {Int64s({6, 5})})}});
  auto sorted = Sort({{Col(0, TypeId::kInt64, "x"), true, false}}, std::nullopt, source);
  EXPECT_EQ(sorted->output_partitions(), 2);
  auto stream = sorted->Execute(1, NewContext());
  ASSERT_TRUE(stream.ok());
  Batch batch;
  ASSERT_TRUE(*(*stream)->Next(&batch));
  EXPECT_EQ(testing::Rows({batch}), (Rows_{"5", "6"}));
}

TEST(SortExecTest, EmptyInputAndErrors) {
  auto empty = std::make_shared<MemoryExec>(Schema3(), std::vector<std::vector<Batch>>{{}});
  auto rows = RunRows(Sort({{Col(2, TypeId::kInt64, "id"), true, false}}, std::nullopt, empty));
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
  EXPECT_FALSE(MakeSortExec({}, std::nullopt, empty).ok());
  EXPECT_FALSE(MakeSortExec({{Col(2, TypeId::kInt64, "id"), true, false}}, -1, empty).ok());
  auto copy =
      Sort({{Col(2, TypeId::kInt64, "id"), true, false}}, 3, empty)->WithChildren({Source3()});
  ASSERT_TRUE(copy.ok());
  rows = RunRows(*copy);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"b|1|1", "a|NULL|2", "NULL|3|3"}));
}

}  // namespace
}  // namespace strata::exec
