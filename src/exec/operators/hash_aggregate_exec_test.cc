// Tests of HashAggregateExec with the basic aggregates: modes, keys of every kind, nulls, empty
// input, many groups, dictionaries that differ per batch, FILTER and DISTINCT.
#include "exec/operators.h"
#include "exec/operators/test_util.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::Aggregate;
using testing::Bools;
using testing::Col;
using testing::Dict;
using testing::Float64s;
using testing::Int64s;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::MemoryExec;
using testing::NewContext;
using testing::RunRows;
using testing::Sorted;
using testing::Strings;
using testing::Timestamps;
using testing::UInt64s;

using Rows_ = std::vector<std::string>;

// host (dictionary), usage (float64), n (int64), name (string)
SchemaPtr CpuSchema() {
  return MakeSchema({{"host", TypeId::kDictionary},
                     {"usage", TypeId::kFloat64},
                     {"n", TypeId::kInt64},
                     {"name", TypeId::kString}});
}

// Three batches in two partitions; each batch has its own dictionary with other codes.
std::vector<std::vector<Batch>> CpuPartitions() {
  return {{MakeBatch(CpuSchema(),
                     {Dict({"a", "b", "a", std::nullopt}),
                      Float64s({1.0, 2.0, 3.0, 4.0}),
                      Int64s({1, 2, std::nullopt, 4}),
                      Strings({"x", "y", "z", "w"})}),
           MakeBatch(CpuSchema(),
                     {Dict({"c", "b", "b"}),
                      Float64s({5.0, std::nullopt, 7.0}),
                      Int64s({5, 6, 7}),
                      Strings({"q", std::nullopt, "a"})})},
          {MakeBatch(CpuSchema(),
                     {Dict({"b", "a", std::nullopt}),
                      Float64s({8.0, 9.0, 10.0}),
                      Int64s({8, 9, 10}),
                      Strings({"m", "n", "o"})})}};
}

std::shared_ptr<MemoryExec> CpuSource() {
  return std::make_shared<MemoryExec>(CpuSchema(), CpuPartitions());
}

std::vector<AggregateItem> CpuAggregates() {
  return {Aggregate("count", {}, false, {}, "count(*)"),
          Aggregate("count", {Col(2, TypeId::kInt64, "n")}),
          Aggregate("max", {Col(1, TypeId::kFloat64, "usage")}),
          Aggregate("avg", {Col(1, TypeId::kFloat64, "usage")}),
          Aggregate("sum", {Col(2, TypeId::kInt64, "n")}),
          Aggregate("min", {Col(3, TypeId::kString, "name")}),
          Aggregate("max", {Col(0, TypeId::kDictionary, "host")})};
}

const Rows_ kCpuByHost = {
    "NULL|2|2|10|7|14|o|NULL",
    "a|3|2|9|4.333333333333333|10|n|a",
    "b|4|4|8|5.666666666666667|23|a|b",
    "c|1|1|5|5|5|q|c",
};

TEST(HashAggregateExecTest, SingleModeGroupByDictionaryAcrossDictionaries) {
  auto coalesced = MakeCoalescePartitionsExec(CpuSource());
  auto plan = MakeHashAggregateExec(AggregateMode::kSingle,
                                    {{Col(0, TypeId::kDictionary, "host"), "host"}},
                                    CpuAggregates(),
                                    coalesced);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->ToString(),
            "HashAggregateExec: mode=single, gby=[host], aggr=[count(*), count(n), max(usage), "
            "avg(usage), sum(n), min(name), max(host)]");
  EXPECT_EQ((*plan)->schema()->field(0).type, TypeId::kString);
  EXPECT_EQ((*plan)->schema()->field(1).type, TypeId::kInt64);
  EXPECT_EQ((*plan)->schema()->field(7).type, TypeId::kString);
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Sorted(*rows), kCpuByHost);
  EXPECT_EQ((*plan)->metrics().output_rows(), 4);
  EXPECT_EQ((*plan)->metrics().counters().at("groups"), 4);
}

TEST(HashAggregateExecTest, PartialThenFinalEqualsSingle) {
  auto partial = MakeHashAggregateExec(AggregateMode::kPartial,
                                       {{Col(0, TypeId::kDictionary, "host"), "host"}},
                                       CpuAggregates(),
                                       CpuSource());
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_EQ((*partial)->output_partitions(), 2);
  EXPECT_EQ((*partial)->schema()->field(0).type, TypeId::kDictionary);
  // avg has two state columns (sum, count).
  EXPECT_EQ((*partial)->schema()->num_fields(), 1 + 8);
  auto final_plan = MakeHashAggregateExec(AggregateMode::kFinal,
                                          {{Col(0, TypeId::kDictionary, "host"), "host"}},
                                          CpuAggregates(),
                                          MakeCoalescePartitionsExec(*partial));
  ASSERT_TRUE(final_plan.ok()) << final_plan.status();
  auto rows = RunRows(*final_plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Sorted(*rows), kCpuByHost);
}

TEST(HashAggregateExecTest, NoGroupsOnEmptyInputYieldsOneRow) {
  auto empty = std::make_shared<MemoryExec>(CpuSchema(), std::vector<std::vector<Batch>>{{}});
  auto plan = MakeHashAggregateExec(AggregateMode::kSingle, {}, CpuAggregates(), empty);
  ASSERT_TRUE(plan.ok());
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (Rows_{"0|0|NULL|NULL|NULL|NULL|NULL"}));
  // Partial then final over empty partitions: still one row.
  auto partial = MakeHashAggregateExec(AggregateMode::kPartial, {}, CpuAggregates(), empty);
  auto final_plan = MakeHashAggregateExec(
      AggregateMode::kFinal, {}, CpuAggregates(), MakeCoalescePartitionsExec(*partial));
  rows = RunRows(*final_plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (Rows_{"0|0|NULL|NULL|NULL|NULL|NULL"}));
}

TEST(HashAggregateExecTest, NoGroups) {
  auto plan = MakeHashAggregateExec(
      AggregateMode::kSingle, {}, CpuAggregates(), MakeCoalescePartitionsExec(CpuSource()));
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Rows_{"10|9|10|5.444444444444445|52|a|c"}));
}

TEST(HashAggregateExecTest, GroupsWithEmptyInputYieldNoRows) {
  auto empty = std::make_shared<MemoryExec>(CpuSchema(), std::vector<std::vector<Batch>>{{}});
  auto plan = MakeHashAggregateExec(AggregateMode::kSingle,
                                    {{Col(0, TypeId::kDictionary, "host"), "host"}},
                                    CpuAggregates(),
                                    empty);
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST(HashAggregateExecTest, MultipleKeysWithNulls) {
  auto plan = MakeHashAggregateExec(
      AggregateMode::kSingle,
      {{Col(0, TypeId::kDictionary, "host"), "host"}, {Col(2, TypeId::kInt64, "n"), "n"}},
      {Aggregate("count", {}, false, {}, "count(*)")},
      MakeCoalescePartitionsExec(std::make_shared<MemoryExec>(
          CpuSchema(),
          std::vector<std::vector<Batch>>{
              {MakeBatch(CpuSchema(),
                         {Dict({"a", "a", std::nullopt, "a", std::nullopt, "b"}),
                          Float64s({1, 1, 1, 1, 1, 1}),
                          Int64s({1, std::nullopt, 1, 1, 1, std::nullopt}),
                          Strings({"", "", "", "", "", ""})})}})));
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Sorted(*rows), (Rows_{"NULL|1|2", "a|1|2", "a|NULL|1", "b|NULL|1"}));
}

TEST(HashAggregateExecTest, StringAndFloatAndBoolKeys) {
  SchemaPtr schema =
      MakeSchema({{"s", TypeId::kString}, {"f", TypeId::kFloat64}, {"b", TypeId::kBool}});
  auto source = std::make_shared<MemoryExec>(
      schema,
      std::vector<std::vector<Batch>>{
          {MakeBatch(schema,
                     {Strings({"x", "y", "x", std::nullopt}),
                      Float64s({0.0, -0.0, std::nan(""), -std::nan("")}),
                      Bools({true, false, std::nullopt, true})})}});
  for (int key = 0; key < 3; ++key) {
    TypeId type = schema->field(key).type;
    auto plan = MakeHashAggregateExec(AggregateMode::kSingle,
                                      {{Col(key, type, "k"), "k"}},
                                      {Aggregate("count", {}, false, {}, "count(*)")},
                                      source);
    auto rows = RunRows(*plan);
    ASSERT_TRUE(rows.ok());
    if (key == 0) {
      EXPECT_EQ(Sorted(*rows), (Rows_{"NULL|1", "x|2", "y|1"}));
    } else if (key == 1) {
      EXPECT_EQ(Sorted(*rows), (Rows_{"0|2", "nan|2"}));
    } else {
      EXPECT_EQ(Sorted(*rows), (Rows_{"NULL|1", "false|1", "true|2"}));
    }
  }
}

TEST(HashAggregateExecTest, ManyGroupsInBoundedBatches) {
  SchemaPtr schema = MakeSchema({{"k", TypeId::kInt64}, {"v", TypeId::kInt64}});
  std::vector<Batch> batches;
  const int64_t kGroups = 100'000;
  for (int round = 0; round < 3; ++round) {
    for (int64_t start = 0; start < kGroups; start += 8192) {
      testing::Values<int64_t> keys;
      testing::Values<int64_t> values;
      for (int64_t k = start; k < std::min(kGroups, start + 8192); ++k) {
        // Keys in a scattered order so groups are created out of key order.
        keys.push_back((k * 7919) % kGroups);
        values.push_back(round);
      }
      batches.push_back(MakeBatch(schema, {Int64s(keys), Int64s(values)}));
    }
  }
  auto plan = MakeHashAggregateExec(
      AggregateMode::kSingle,
      {{Col(0, TypeId::kInt64, "k"), "k"}},
      {Aggregate("sum", {Col(1, TypeId::kInt64, "v")}),
       Aggregate("count", {}, false, {}, "count(*)")},
      std::make_shared<MemoryExec>(schema, std::vector<std::vector<Batch>>{batches}));
  auto context = NewContext();
  context->set_batch_size(10'000);
  auto result = Collect(*plan, context);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->size(), 10u);
  int64_t total = 0;
  std::vector<bool> seen(kGroups, false);
  for (const Batch& batch : *result) {
    EXPECT_LE(batch.length(), 10'000);
    for (int64_t i = 0; i < batch.length(); ++i) {
      int64_t key = batch.column(0)->GetInt64(i);
      EXPECT_FALSE(seen[static_cast<size_t>(key)]);
      seen[static_cast<size_t>(key)] = true;
      EXPECT_EQ(batch.column(1)->GetInt64(i), 0 + 1 + 2);
      EXPECT_EQ(batch.column(2)->GetInt64(i), 3);
      ++total;
    }
  }
  EXPECT_EQ(total, kGroups);
}

TEST(HashAggregateExecTest, SumOverflowIsAnError) {
  SchemaPtr schema = MakeSchema({{"v", TypeId::kInt64}});
  auto source = std::make_shared<MemoryExec>(
      schema,
      std::vector<std::vector<Batch>>{
          {MakeBatch(schema, {Int64s({std::numeric_limits<int64_t>::max(), 1})})}});
  auto plan = MakeHashAggregateExec(
      AggregateMode::kSingle, {}, {Aggregate("sum", {Col(0, TypeId::kInt64, "v")})}, source);
  auto rows = RunRows(*plan);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(), "integer overflow");
}

TEST(HashAggregateExecTest, UnsignedBoolAndTimestampAggregates) {
  SchemaPtr schema =
      MakeSchema({{"u", TypeId::kUInt64}, {"b", TypeId::kBool}, {"t", TypeId::kTimestamp}});
  auto source = std::make_shared<MemoryExec>(
      schema,
      std::vector<std::vector<Batch>>{{MakeBatch(schema,
                                                 {UInt64s({uint64_t{1} << 63, 5, std::nullopt}),
                                                  Bools({true, std::nullopt, false}),
                                                  Timestamps({30, 10, 20})})}});
  auto plan = MakeHashAggregateExec(AggregateMode::kSingle,
                                    {},
                                    {Aggregate("sum", {Col(0, TypeId::kUInt64, "u")}),
                                     Aggregate("max", {Col(0, TypeId::kUInt64, "u")}),
                                     Aggregate("bool_and", {Col(1, TypeId::kBool, "b")}),
                                     Aggregate("bool_or", {Col(1, TypeId::kBool, "b")}),
                                     Aggregate("min", {Col(2, TypeId::kTimestamp, "t")}),
                                     Aggregate("max", {Col(2, TypeId::kTimestamp, "t")})},
                                    source);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)->schema()->field(4).type, TypeId::kTimestamp);
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, (Rows_{"9223372036854775813|9223372036854775808|false|true|10|30"}));
}

TEST(HashAggregateExecTest, FilterClauseAndSelectedInput) {
  // WHERE usage > 2 (a FilterExec below), then count(*) FILTER (WHERE n > 5).
  auto usage_gt_2 = MakeBinaryExpr(
      BinaryOp::kGt, Col(1, TypeId::kFloat64, "usage"), MakeLiteralExpr(Scalar::Float64(2)));
  ASSERT_TRUE(usage_gt_2.ok());
  auto filter = MakeFilterExec(*usage_gt_2, CpuSource());
  auto n_gt_5 =
      MakeBinaryExpr(BinaryOp::kGt, Col(2, TypeId::kInt64, "n"), MakeLiteralExpr(Scalar::Int64(5)));
  AggregateItem filtered = Aggregate("count", {}, false, {}, "count(*) FILTER (WHERE n > 5)");
  filtered.filter = *n_gt_5;
  auto plan = MakeHashAggregateExec(AggregateMode::kSingle,
                                    {{Col(0, TypeId::kDictionary, "host"), "host"}},
                                    {Aggregate("count", {}, false, {}, "count(*)"), filtered},
                                    MakeCoalescePartitionsExec(*filter));
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Sorted(*rows), (Rows_{"NULL|2|1", "a|2|1", "b|2|2", "c|1|0"}));
}

// Each aggregate keeps its own FILTER through partial (one per input partition, over batches
// with different dictionaries) and final aggregation, with and without groups.
TEST(HashAggregateExecTest, FilterClausesInPartialAndFinalModes) {
  auto usage_gt_2 = MakeBinaryExpr(
      BinaryOp::kGt, Col(1, TypeId::kFloat64, "usage"), MakeLiteralExpr(Scalar::Float64(2)));
  auto host_is_b = MakeBinaryExpr(
      BinaryOp::kEq, Col(0, TypeId::kDictionary, "host"), MakeLiteralExpr(Scalar::String("b")));
  ASSERT_TRUE(usage_gt_2.ok() && host_is_b.ok());
  auto aggregates = [&] {
    AggregateItem by_usage = Aggregate("count", {}, false, {}, "count(*) FILTER (usage > 2)");
    by_usage.filter = *usage_gt_2;
    AggregateItem by_host = Aggregate("count", {}, false, {}, "count(*) FILTER (host = 'b')");
    by_host.filter = *host_is_b;
    AggregateItem sum_b = Aggregate(
        "sum", {Col(1, TypeId::kFloat64, "usage")}, false, {}, "sum(usage) FILTER (host = 'b')");
    sum_b.filter = *host_is_b;
    return std::vector<AggregateItem>{
        by_usage, Aggregate("count", {}, false, {}, "count(*)"), by_host, sum_b};
  };
  for (bool grouped : {false, true}) {
    SCOPED_TRACE(grouped ? "GROUP BY host" : "no groups");
    std::vector<GroupItem> groups;
    if (grouped) {
      groups.push_back({Col(0, TypeId::kDictionary, "host"), "host"});
    }
    auto partial =
        MakeHashAggregateExec(AggregateMode::kPartial, groups, aggregates(), CpuSource());
    ASSERT_TRUE(partial.ok()) << partial.status();
    ASSERT_EQ((*partial)->output_partitions(), 2);
    std::vector<AggregateItem> final_aggregates = aggregates();
    for (AggregateItem& item : final_aggregates) {
      item.args.clear();
      item.filter = nullptr;  // applied by the partial aggregation
    }
    std::vector<GroupItem> final_groups;
    if (grouped) {
      final_groups.push_back({Col(0, TypeId::kDictionary, "host"), "host"});
    }
    auto final_plan = MakeHashAggregateExec(AggregateMode::kFinal,
                                            final_groups,
                                            final_aggregates,
                                            MakeCoalescePartitionsExec(*partial));
    ASSERT_TRUE(final_plan.ok()) << final_plan.status();
    auto rows = RunRows(*final_plan);
    ASSERT_TRUE(rows.ok()) << rows.status();
    auto single = MakeHashAggregateExec(
        AggregateMode::kSingle, groups, aggregates(), MakeCoalescePartitionsExec(CpuSource()));
    auto single_rows = RunRows(*single);
    ASSERT_TRUE(single_rows.ok()) << single_rows.status();
    if (grouped) {
      EXPECT_EQ(Sorted(*rows),
                (Rows_{"NULL|2|2|0|NULL", "a|2|3|0|NULL", "b|2|4|4|17", "c|1|1|0|NULL"}));
    } else {
      EXPECT_EQ(*rows, (Rows_{"7|10|4|17"}));
    }
    EXPECT_EQ(Sorted(*single_rows), Sorted(*rows));
  }
}

TEST(HashAggregateExecTest, DistinctSingleAndPartialFinal) {
  SchemaPtr schema =
      MakeSchema({{"k", TypeId::kInt64}, {"v", TypeId::kInt64}, {"s", TypeId::kDictionary}});
  auto source = std::make_shared<MemoryExec>(
      schema,
      std::vector<std::vector<Batch>>{
          {MakeBatch(
              schema,
              {Int64s({1, 1, 1, 2}), Int64s({5, 5, 6, std::nullopt}), Dict({"a", "a", "b", "c"})})},
          {MakeBatch(schema, {Int64s({1, 2, 2}), Int64s({6, 7, 7}), Dict({"b", "c", "d"})})}});
  auto aggregates = [] {
    return std::vector<AggregateItem>{Aggregate("count", {Col(1, TypeId::kInt64, "v")}, true),
                                      Aggregate("sum", {Col(1, TypeId::kInt64, "v")}, true),
                                      Aggregate("count", {Col(2, TypeId::kDictionary, "s")}, true)};
  };
  std::vector<GroupItem> groups = {{Col(0, TypeId::kInt64, "k"), "k"}};
  auto single = MakeHashAggregateExec(
      AggregateMode::kSingle, groups, aggregates(), MakeCoalescePartitionsExec(source));
  auto rows = RunRows(*single);
  ASSERT_TRUE(rows.ok()) << rows.status();
  const Rows_ expected = {"1|2|11|2", "2|1|7|2"};
  EXPECT_EQ(Sorted(*rows), expected);
  auto partial = MakeHashAggregateExec(AggregateMode::kPartial, groups, aggregates(), source);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ((*partial)->schema()->field(1).type, TypeId::kString);
  auto final_plan = MakeHashAggregateExec(
      AggregateMode::kFinal, groups, aggregates(), MakeCoalescePartitionsExec(*partial));
  rows = RunRows(*final_plan);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(Sorted(*rows), expected);
}

TEST(HashAggregateExecTest, FinalModeChecksItsInput) {
  EXPECT_FALSE(
      MakeHashAggregateExec(
          AggregateMode::kFinal,
          {{Col(0, TypeId::kInt64, "k"), "k"}},
          {Aggregate("avg", {Col(1, TypeId::kFloat64, "usage")})},
          std::make_shared<MemoryExec>(MakeSchema({{"k", TypeId::kInt64}, {"s", TypeId::kFloat64}}),
                                       std::vector<std::vector<Batch>>{}))
          .ok());
}

TEST(AggregateResolveTest, SignaturesAndErrors) {
  const FunctionRegistry& registry = FunctionRegistry::Default();
  auto count = registry.FindAggregate("count");
  ASSERT_NE(count, nullptr);
  EXPECT_TRUE(count->resolve({}).ok());
  EXPECT_EQ(count->resolve({TypeId::kString})->result, TypeId::kInt64);
  EXPECT_FALSE(count->resolve({TypeId::kString, TypeId::kInt64}).ok());
  EXPECT_EQ(registry.FindAggregate("sum")->resolve({TypeId::kUInt64})->result, TypeId::kUInt64);
  EXPECT_EQ(registry.FindAggregate("avg")->resolve({TypeId::kInt64})->result, TypeId::kFloat64);
  EXPECT_EQ(registry.FindAggregate("max")->resolve({TypeId::kDictionary})->result, TypeId::kString);
  auto bad = registry.FindAggregate("sum")->resolve({TypeId::kString});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "function 'sum' does not accept string");
  EXPECT_FALSE(registry.FindAggregate("bool_and")->resolve({TypeId::kInt64}).ok());
}

}  // namespace
}  // namespace strata::exec
