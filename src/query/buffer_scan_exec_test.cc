// Tests of the write buffer table provider and scan: schema, pruning by time and statistics,
// NULL and dictionary columns across chunks, limits and partitioned execution.
#include "query/buffer_scan_exec.h"

#include <memory>
#include <string>
#include <vector>

#include "buffer/table_write_builder.h"
#include "catalog/catalog.h"
#include "gtest/gtest.h"
#include "query/buffer_table_provider.h"

namespace strata::query {
namespace {

using exec::BinaryOp;
using exec::Scalar;

constexpr int64_t kMinute = 60'000'000'000;

// cpu(host tag, region tag, usage float, note string) in database "db"; the write buffer's time
// partitions are 10 minutes wide, so rows 10 minutes apart land in different chunks.
class BufferScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = catalog::Catalog::CreateInMemory({});
    catalog::CatalogChanges changes;
    changes.databases.push_back({"db",
                                 {{"cpu",
                                   {{"host", catalog::ColumnKind::kTag, TypeId::kDictionary},
                                    {"region", catalog::ColumnKind::kTag, TypeId::kDictionary},
                                    {"usage", catalog::ColumnKind::kField, TypeId::kFloat64},
                                    {"note", catalog::ColumnKind::kField, TypeId::kString}}}}});
    ASSERT_TRUE(catalog_->Apply(changes).ok());
    snapshot_ = catalog_->snapshot();
    db_ = snapshot_->FindDatabase("db");
    table_ = db_->tables()[0];
    host_ = table_->FindColumn("host")->id;
    region_ = table_->FindColumn("region")->id;
    usage_ = table_->FindColumn("usage")->id;
    note_ = table_->FindColumn("note")->id;
    provider_ =
        std::make_shared<BufferTableProvider>(ScanSources{.buffer = &buffer_}, db_->id(), table_);
  }

  // Three chunks: minute 0 (hosts a, b), minute 10 (host c, with region), minute 20 (host a).
  void WriteThreeChunks() {
    buffer::TableWriteBuilder b(table_->id());
    b.Row(0).Tag(host_, "a").Float64(usage_, 10);
    b.Row(1).Tag(host_, "b").Float64(usage_, 20);
    b.Row(10 * kMinute).Tag(host_, "c").Tag(region_, "eu").Float64(usage_, 30);
    b.Row(10 * kMinute + 1).Tag(host_, "c").Tag(region_, "eu").Float64(usage_, 35);
    b.Row(20 * kMinute).Tag(host_, "a").Float64(usage_, 40).String(note_, "x");
    WriteBatch batch;
    batch.database_id = db_->id();
    batch.tables.push_back(b.Build());
    buffer_.Apply(batch);
  }

  int Field(const char* name) const { return *provider_->schema()->FieldIndex(name); }
  plan::ExprPtr Col(const char* name) const {
    int i = Field(name);
    return plan::MakeColumn(i, name, provider_->schema()->field(i).type);
  }

  // Scans with the given projection (by name) and filters; returns the plan.
  exec::ExecutionPlanPtr ScanOf(std::vector<const char*> columns,
                                std::vector<plan::ExprPtr> filters,
                                std::optional<int64_t> limit = std::nullopt,
                                int partitions = 1,
                                int64_t min_rows_per_partition = 1) {
    plan::ScanRequest request;
    for (const char* c : columns) {
      request.projection.push_back(Field(c));
    }
    request.filters = std::move(filters);
    request.limit = limit;
    exec::TaskContext context;
    context.set_target_partitions(partitions);
    context.set_min_rows_per_partition(min_rows_per_partition);
    absl::StatusOr<exec::ExecutionPlanPtr> plan = provider_->Scan(request, context);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : nullptr;
  }

  // Runs every partition and returns each selected row as "v1|v2|..." (NULL for nulls).
  std::vector<std::string> Rows(const exec::ExecutionPlanPtr& plan) {
    auto context = std::make_shared<exec::TaskContext>();
    std::vector<std::string> rows;
    for (int p = 0; p < plan->output_partitions(); ++p) {
      auto stream = plan->Execute(p, context);
      EXPECT_TRUE(stream.ok()) << stream.status();
      if (!stream.ok()) {
        return rows;
      }
      exec::Batch batch;
      while (true) {
        absl::StatusOr<bool> more = (*stream)->Next(&batch);
        EXPECT_TRUE(more.ok()) << more.status();
        if (!more.ok() || !*more) {
          break;
        }
        exec::Batch dense = batch.Compact();
        for (int64_t r = 0; r < dense.num_rows(); ++r) {
          std::string row;
          for (int c = 0; c < dense.num_columns(); ++c) {
            const Column& col = *dense.column(c);
            row += c == 0 ? "" : "|";
            if (col.IsNull(r)) {
              row += "NULL";
            } else if (IsStringType(col.type())) {
              row += std::string(col.GetString(r));
            } else if (col.type() == TypeId::kFloat64) {
              row += std::to_string(static_cast<int64_t>(col.GetFloat64(r)));
            } else {
              row += std::to_string(col.GetInt64(r));
            }
          }
          rows.push_back(row);
        }
      }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  int64_t Counter(const exec::ExecutionPlanPtr& plan, const char* name) {
    auto counters = plan->metrics().counters();
    auto it = counters.find(name);
    return it == counters.end() ? 0 : it->second;
  }

  buffer::WriteBuffer buffer_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot_;
  const catalog::DatabaseSchema* db_ = nullptr;
  std::shared_ptr<const catalog::TableSchema> table_;
  uint32_t host_ = 0, region_ = 0, usage_ = 0, note_ = 0;
  std::shared_ptr<BufferTableProvider> provider_;
};

plan::ExprPtr Cmp(BinaryOp op, plan::ExprPtr l, plan::ExprPtr r) {
  return plan::MakeBinary(op, std::move(l), std::move(r), TypeId::kBool);
}
plan::ExprPtr Str(const char* s) {
  return plan::MakeLiteral(Scalar::String(s));
}
plan::ExprPtr Ts(int64_t t) {
  return plan::MakeLiteral(Scalar::Timestamp(t));
}

TEST_F(BufferScanTest, SchemaIsSortedByNameWithTagsAsDictionaries) {
  EXPECT_EQ(provider_->schema()->ToString(),
            Schema({{"host", TypeId::kDictionary},
                    {"note", TypeId::kString},
                    {"region", TypeId::kDictionary},
                    {"time", TypeId::kTimestamp, false},
                    {"usage", TypeId::kFloat64}})
                .ToString());
  EXPECT_EQ(provider_->SupportsFiltersPushdown({Cmp(BinaryOp::kEq, Col("host"), Str("a"))}),
            std::vector<plan::FilterPushdown>{plan::FilterPushdown::kExact});
}

TEST_F(BufferScanTest, ScansEveryChunkWithNullColumns) {
  WriteThreeChunks();
  exec::ExecutionPlanPtr scan = ScanOf({"host", "region", "usage"}, {});
  EXPECT_EQ(
      Rows(scan),
      (std::vector<std::string>{"a|NULL|10", "a|NULL|40", "b|NULL|20", "c|eu|30", "c|eu|35"}));
  EXPECT_EQ(Counter(scan, "chunks_scanned"), 3);
  EXPECT_EQ(Counter(scan, "rows_scanned"), 5);
  // The region column is absent from the first and last chunk: a dictionary column of NULLs.
  EXPECT_EQ(scan->schema()->field(1).type, TypeId::kDictionary);
}

TEST_F(BufferScanTest, TimeBoundsPruneChunks) {
  WriteThreeChunks();
  exec::ExecutionPlanPtr scan = ScanOf({"host", "usage"},
                                       {Cmp(BinaryOp::kGtEq, Col("time"), Ts(10 * kMinute)),
                                        Cmp(BinaryOp::kLt, Col("time"), Ts(20 * kMinute))});
  EXPECT_EQ(Rows(scan), (std::vector<std::string>{"c|30", "c|35"}));
  EXPECT_EQ(Counter(scan, "chunks_pruned_by_time"), 2);
  EXPECT_EQ(Counter(scan, "chunks_scanned"), 1);
  EXPECT_NE(scan->ToString().find("time=[TIMESTAMP"), std::string::npos) << scan->ToString();
}

TEST_F(BufferScanTest, TagStatisticsPruneChunksAndFiltersAreExact) {
  WriteThreeChunks();
  exec::ExecutionPlanPtr scan = ScanOf({"usage"}, {Cmp(BinaryOp::kEq, Col("host"), Str("a"))});
  EXPECT_EQ(Rows(scan), (std::vector<std::string>{"10", "40"}));
  EXPECT_EQ(Counter(scan, "chunks_pruned_by_stats"), 1);  // the chunk of host c
  EXPECT_EQ(Counter(scan, "chunks_scanned"), 2);
  // region = 'eu': chunks without a region column hold only NULLs and are pruned.
  scan = ScanOf({"host"}, {Cmp(BinaryOp::kEq, Col("region"), Str("eu"))});
  EXPECT_EQ(Rows(scan), (std::vector<std::string>{"c", "c"}));
  EXPECT_EQ(Counter(scan, "chunks_pruned_by_stats"), 2);
  // region IS NULL keeps those chunks and prunes the one where region is never null.
  auto is_null = std::make_shared<plan::Expr>();
  is_null->kind = plan::ExprKind::kIsNull;
  is_null->type = TypeId::kBool;
  is_null->args = {Col("region")};
  scan = ScanOf({"host"}, {is_null});
  EXPECT_EQ(Rows(scan), (std::vector<std::string>{"a", "a", "b"}));
  EXPECT_EQ(Counter(scan, "chunks_pruned_by_stats"), 1);
}

TEST_F(BufferScanTest, LimitStopsEachPartition) {
  WriteThreeChunks();
  exec::ExecutionPlanPtr scan = ScanOf({"host"}, {}, /*limit=*/2);
  EXPECT_EQ(Rows(scan).size(), 2u);
}

TEST_F(BufferScanTest, SmallScansStayInOnePartition) {
  WriteThreeChunks();  // five rows in three chunks
  // The default threshold: five rows are not worth a second thread.
  EXPECT_EQ(
      ScanOf({"host"}, {}, std::nullopt, 2, exec::kDefaultMinRowsPerPartition)->output_partitions(),
      1);
  // Two rows per partition: two partitions for five rows; never more than the chunks.
  EXPECT_EQ(ScanOf({"host"}, {}, std::nullopt, 2, 2)->output_partitions(), 2);
  EXPECT_EQ(ScanOf({"host"}, {}, std::nullopt, 8, 1)->output_partitions(), 3);
  // A time range keeping a small part of the table's span expects fewer rows: one partition.
  plan::ExprPtr early = Cmp(BinaryOp::kLt, Col("time"), Ts(2));
  EXPECT_EQ(ScanOf({"host"}, {early}, std::nullopt, 2, 2)->output_partitions(), 1);
}

TEST_F(BufferScanTest, PartitionsShareOneSnapshot) {
  WriteThreeChunks();
  exec::ExecutionPlanPtr scan = ScanOf({"host", "usage"}, {}, std::nullopt, /*partitions=*/2);
  EXPECT_EQ(scan->output_partitions(), 2);
  EXPECT_EQ(Rows(scan), (std::vector<std::string>{"a|10", "a|40", "b|20", "c|30", "c|35"}));
  EXPECT_EQ(Counter(scan, "chunks_scanned"), 3);
}

TEST_F(BufferScanTest, EmptyTableHasOnePartitionAndNoRows) {
  exec::ExecutionPlanPtr scan = ScanOf({"host"}, {}, std::nullopt, 4);
  EXPECT_EQ(scan->output_partitions(), 1);
  EXPECT_TRUE(Rows(scan).empty());
}

}  // namespace
}  // namespace strata::query
