// Tests of FilterExec, ProjectionExec, LimitExec, LocalLimitExec, UnionExec, ValuesExec and
// EmptyExec.
#include "exec/operators.h"
#include "exec/operators/row_table.h"
#include "exec/operators/test_util.h"
#include "gtest/gtest.h"

namespace strata::exec {
namespace {

using testing::Bools;
using testing::Col;
using testing::Float64s;
using testing::Int64s;
using testing::MakeBatch;
using testing::MakeSchema;
using testing::MemoryExec;
using testing::NewContext;
using testing::Rows;
using testing::RunRows;
using testing::Sorted;
using testing::Strings;

using Strings_ = std::vector<std::string>;

SchemaPtr XabSchema() {
  return MakeSchema({{"x", TypeId::kInt64}, {"a", TypeId::kBool}, {"b", TypeId::kBool}});
}

std::shared_ptr<MemoryExec> XabSource() {
  return std::make_shared<MemoryExec>(
      XabSchema(),
      std::vector<std::vector<Batch>>{
          {MakeBatch(XabSchema(),
                     {Int64s({1, 2, 3, 4, 5}),
                      Bools({true, false, std::nullopt, true, true}),
                      Bools({true, true, true, false, std::nullopt})}),
           MakeBatch(XabSchema(), {Int64s({6, 7}), Bools({false, false}), Bools({true, true})}),
           MakeBatch(XabSchema(), {Int64s({8}), Bools({true}), Bools({true})})}});
}

TEST(FilterExecTest, KeepsTrueRowsAndSkipsEmptyBatches) {
  auto plan = MakeFilterExec(Col(1, TypeId::kBool, "a"), XabSource());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)->ToString(), "FilterExec: a");
  auto batches = Collect(*plan, NewContext());
  ASSERT_TRUE(batches.ok());
  EXPECT_EQ(Rows(*batches),
            (Strings_{"1|true|true", "4|true|false", "5|true|NULL", "8|true|true"}));
  EXPECT_EQ((*plan)->metrics().output_rows(), 4);
  EXPECT_EQ((*plan)->metrics().output_batches(), 2);  // the all-false batch is skipped
}

TEST(FilterExecTest, SecondFilterRefinesTheSelectionWithoutCopying) {
  auto first = MakeFilterExec(Col(1, TypeId::kBool, "a"), XabSource());
  auto second = MakeFilterExec(Col(2, TypeId::kBool, "b"), *first);
  ASSERT_TRUE(second.ok());
  auto stream = ExecuteStream(*second, NewContext());
  ASSERT_TRUE(stream.ok());
  Batch batch;
  ASSERT_TRUE(*(*stream)->Next(&batch));
  EXPECT_TRUE(batch.has_selection());
  EXPECT_EQ(batch.num_rows(), 5);
  EXPECT_EQ(*batch.selection(), (SelectionVector{0}));
  ASSERT_TRUE(*(*stream)->Next(&batch));
  EXPECT_FALSE(batch.has_selection());  // every row of the last batch passes
  EXPECT_EQ(Rows({batch}), (Strings_{"8|true|true"}));
  EXPECT_FALSE(*(*stream)->Next(&batch));
}

TEST(FilterExecTest, RejectsNonBoolPredicate) {
  EXPECT_FALSE(MakeFilterExec(Col(0, TypeId::kInt64), XabSource()).ok());
}

TEST(ProjectionExecTest, ColumnReferencesPassThroughKeepingSelection) {
  auto filter = MakeFilterExec(Col(1, TypeId::kBool, "a"), XabSource());
  auto plan = MakeProjectionExec(
      {{Col(2, TypeId::kBool, "b"), "b"}, {Col(0, TypeId::kInt64, "x"), "y"}}, *filter);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)->ToString(), "ProjectionExec: expr=[b, x AS y]");
  EXPECT_EQ((*plan)->schema()->ToString(),
            MakeSchema({{"b", TypeId::kBool}, {"y", TypeId::kInt64}})->ToString());
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Strings_{"true|1", "false|4", "NULL|5", "true|8"}));
}

TEST(ProjectionExecTest, RejectsOutOfRangeColumn) {
  EXPECT_FALSE(MakeProjectionExec({{Col(7, TypeId::kInt64), "z"}}, XabSource()).ok());
}

SchemaPtr XSchema() {
  return MakeSchema({{"x", TypeId::kInt64}});
}

std::shared_ptr<MemoryExec> Numbers(int partitions, int batches, int rows_per_batch, bool endless) {
  std::vector<std::vector<Batch>> parts(static_cast<size_t>(partitions));
  int64_t v = 0;
  for (auto& part : parts) {
    for (int b = 0; b < batches; ++b) {
      testing::Values<int64_t> values;
      for (int r = 0; r < rows_per_batch; ++r) {
        values.push_back(v++);
      }
      part.push_back(MakeBatch(XSchema(), {Int64s(values)}));
    }
  }
  MemoryExec::Options options;
  options.endless = endless;
  return std::make_shared<MemoryExec>(XSchema(), std::move(parts), options);
}

TEST(LimitExecTest, SkipAndFetchAcrossBatches) {
  auto plan = MakeLimitExec(3, 4, Numbers(1, 4, 2, false));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)->ToString(), "LimitExec: skip=3, fetch=4");
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Strings_{"3", "4", "5", "6"}));
  rows = RunRows(*MakeLimitExec(7, std::nullopt, Numbers(1, 4, 2, false)));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Strings_{"7"}));
  rows = RunRows(*MakeLimitExec(0, 0, Numbers(1, 4, 2, false)));
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
  rows = RunRows(*MakeLimitExec(100, 1, Numbers(1, 4, 2, false)));
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST(LimitExecTest, SkipWithinAFilteredBatch) {
  auto filter = MakeFilterExec(Col(1, TypeId::kBool, "a"), XabSource());
  auto plan = MakeLimitExec(1, 2, *filter);
  auto rows = RunRows(*MakeProjectionExec({{Col(0, TypeId::kInt64, "x"), "x"}}, *plan));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Strings_{"4", "5"}));
}

TEST(LimitExecTest, StopsPullingAnEndlessInput) {
  auto source = Numbers(1, 1, 3, /*endless=*/true);
  auto rows = RunRows(*MakeLimitExec(2, 5, source));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Strings_{"2", "0", "1", "2", "0"}));
  EXPECT_EQ(source->counters()->batches_pulled.load(), 3);
  EXPECT_EQ(source->counters()->open_streams.load(), 0);
}

TEST(LimitExecTest, StopsAParallelEndlessInput) {
  auto source = Numbers(4, 1, 3, /*endless=*/true);
  auto rows = RunRows(*MakeLimitExec(0, 10, MakeCoalescePartitionsExec(source)));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 10u);
  EXPECT_EQ(source->counters()->open_streams.load(), 0);
}

TEST(LimitExecTest, RequiresOnePartition) {
  EXPECT_FALSE(MakeLimitExec(0, 1, Numbers(2, 1, 1, false)).ok());
}

TEST(LocalLimitExecTest, LimitsEachPartition) {
  auto plan = MakeLocalLimitExec(3, Numbers(2, 2, 2, false));
  EXPECT_EQ(plan->output_partitions(), 2);
  EXPECT_EQ(plan->ToString(), "LocalLimitExec: fetch=3");
  auto rows = RunRows(plan);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Sorted(*rows), (Strings_{"0", "1", "2", "4", "5", "6"}));
}

TEST(UnionExecTest, ConcatenatesPartitionsUnderTheFirstSchema) {
  SchemaPtr other = MakeSchema({{"y", TypeId::kInt64}});
  auto second = std::make_shared<MemoryExec>(
      other, std::vector<std::vector<Batch>>{{MakeBatch(other, {Int64s({100})})}});
  auto plan = MakeUnionExec({Numbers(2, 1, 1, false), second});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)->output_partitions(), 3);
  EXPECT_EQ((*plan)->schema()->field(0).name, "x");
  auto batches = Collect(*plan, NewContext());
  ASSERT_TRUE(batches.ok());
  for (const Batch& batch : *batches) {
    EXPECT_EQ(batch.schema()->field(0).name, "x");
  }
  EXPECT_EQ(Sorted(Rows(*batches)), (Strings_{"0", "1", "100"}));
  auto copy = (*plan)->WithChildren((*plan)->children());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ((*copy)->output_partitions(), 3);
}

TEST(UnionExecTest, RejectsMismatchedInputs) {
  SchemaPtr strings = MakeSchema({{"s", TypeId::kString}});
  auto source = std::make_shared<MemoryExec>(strings, std::vector<std::vector<Batch>>{});
  EXPECT_FALSE(MakeUnionExec({Numbers(1, 1, 1, false), source}).ok());
  EXPECT_FALSE(MakeUnionExec({}).ok());
}

TEST(ValuesExecTest, LiteralRowsInBatches) {
  SchemaPtr schema =
      MakeSchema({{"i", TypeId::kInt64}, {"s", TypeId::kString}, {"f", TypeId::kFloat64}});
  auto plan =
      MakeValuesExec(schema,
                     {{Scalar::Int64(1), Scalar::String("a"), Scalar::Float64(1.5)},
                      {Scalar::Null(TypeId::kInt64), Scalar(), Scalar::Float64(-2)},
                      {Scalar::Int64(3), Scalar::String("c"), Scalar::Null(TypeId::kFloat64)}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->ToString(), "ValuesExec: rows=3");
  auto context = NewContext();
  context->set_batch_size(2);
  auto batches = Collect(*plan, context);
  ASSERT_TRUE(batches.ok());
  EXPECT_EQ(batches->size(), 2u);
  EXPECT_EQ(Rows(*batches), (Strings_{"1|a|1.5", "NULL|NULL|-2", "3|c|NULL"}));
  EXPECT_FALSE(MakeValuesExec(schema, {{Scalar::Int64(1)}}).ok());
  EXPECT_FALSE(
      MakeValuesExec(schema, {{Scalar::String("x"), Scalar::String("a"), Scalar::Float64(1)}})
          .ok());
}

// Rows already in columns (a cache scan's): the same output, and the Scalar rows the codec
// encodes.
TEST(ValuesExecTest, RowsInColumns) {
  SchemaPtr schema = MakeSchema({{"i", TypeId::kInt64}, {"s", TypeId::kString}});
  auto ints = std::make_shared<Column>(TypeId::kInt64);
  auto strings = std::make_shared<Column>(TypeId::kString);
  ints->AppendInt64(7);
  strings->AppendString("a");
  ints->AppendNull();
  strings->AppendString("b");
  auto plan = MakeValuesExec(schema, Batch(schema, {ints, strings}, 2), "last_cache('c')");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->ToString(), "ValuesExec: source=last_cache('c'), rows=2");
  auto rows = RunRows(*plan);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (Strings_{"7|a", "NULL|b"}));
  const auto* params = dynamic_cast<const ValuesExecParams*>(plan->get());
  ASSERT_NE(params, nullptr);
  ASSERT_EQ(params->rows().size(), 2u);
  EXPECT_EQ(params->rows()[0][0], Scalar::Int64(7));
  EXPECT_TRUE(params->rows()[1][0].is_null());
  EXPECT_EQ(params->rows()[1][1], Scalar::String("b"));
  EXPECT_FALSE(MakeValuesExec(schema, Batch(schema, {ints}, 2), "").ok());
}

TEST(EmptyExecTest, NoRowsOrOnePlaceholderRow) {
  auto rows = RunRows(MakeEmptyExec(XSchema(), false));
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
  auto batches = Collect(MakeEmptyExec(MakeSchema({}), true), NewContext());
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_EQ((*batches)[0].length(), 1);
  EXPECT_EQ((*batches)[0].num_columns(), 0);
  EXPECT_EQ(MakeEmptyExec(XSchema(), true)->ToString(), "EmptyExec: produce_one_row=true");
}

}  // namespace
}  // namespace strata::exec

namespace strata::exec {
namespace {

// A dictionary column of `values` ("" for NULL) over its own dictionary holding `extra` values
// first (codes the column does not use).
ColumnPtr DictionaryColumn(std::vector<std::string> values, int extra = 0) {
  auto dictionary = std::make_shared<StringDictionary>();
  for (int i = 0; i < extra; ++i) {
    dictionary->GetOrInsert("unused" + std::to_string(i));
  }
  auto column = std::make_shared<Column>(TypeId::kDictionary, dictionary);
  for (const std::string& v : values) {
    if (v.empty()) {
      column->AppendNull();
    } else {
      column->AppendDictionaryCode(dictionary->GetOrInsert(v));
    }
  }
  return column;
}

TEST(ConcatenateTest, DictionaryColumnsWithTheirOwnDictionariesStayDictionaries) {
  // Three parts, three dictionaries: the second with many unused values (mapped one value at a
  // time), NULLs in two.
  ColumnPtr out = Concatenate({DictionaryColumn({"b", "a", "", "b"}),
                               DictionaryColumn({"c", "a"}, 5000),
                               DictionaryColumn({"", "c", "d"})});
  ASSERT_EQ(out->type(), TypeId::kDictionary);
  std::vector<std::string> values;
  for (int64_t i = 0; i < out->size(); ++i) {
    values.push_back(out->IsNull(i) ? "NULL" : std::string(out->GetString(i)));
  }
  EXPECT_EQ(values, (std::vector<std::string>{"b", "a", "NULL", "b", "c", "a", "NULL", "c", "d"}));
  // Only the values used: no unused ones from the second part's dictionary.
  EXPECT_EQ(out->dictionary()->size(), 4);
  // A plain string part among them: strings.
  auto plain = std::make_shared<Column>(TypeId::kString);
  plain->AppendString("e");
  ColumnPtr mixed = Concatenate({DictionaryColumn({"a"}), plain});
  EXPECT_EQ(mixed->type(), TypeId::kString);
  EXPECT_EQ(mixed->GetString(1), "e");
}

}  // namespace
}  // namespace strata::exec
