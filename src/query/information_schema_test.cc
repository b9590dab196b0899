// information_schema views over a fake database: their rows, projection and limit in the scan,
// settings read from the task context.
#include "query/information_schema.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::query {
namespace {

using ::testing::ElementsAre;

// A table that is only a schema (the views read nothing else).
class SchemaOnlyTable : public plan::TableProvider {
 public:
  SchemaOnlyTable(std::string name, std::vector<Field> fields)
      : name_(std::move(name)), schema_(std::make_shared<const Schema>(std::move(fields))) {}
  const SchemaPtr& schema() const override { return schema_; }
  const std::string& name() const override { return name_; }
  std::vector<plan::FilterPushdown> SupportsFiltersPushdown(
      const std::vector<plan::ExprPtr>& filters) const override {
    return std::vector<plan::FilterPushdown>(filters.size(), plan::FilterPushdown::kUnsupported);
  }
  absl::StatusOr<exec::ExecutionPlanPtr> Scan(const plan::ScanRequest&,
                                              const exec::TaskContext&) const override {
    return absl::UnimplementedError("schema only");
  }

 private:
  std::string name_;
  SchemaPtr schema_;
};

class FakeDatabase : public plan::SchemaProvider {
 public:
  FakeDatabase() {
    tables_["mem"] =
        std::make_shared<SchemaOnlyTable>("mem",
                                          std::vector<Field>{{"free", TypeId::kUInt64},
                                                             {"host", TypeId::kDictionary},
                                                             {"time", TypeId::kTimestamp, false}});
    tables_["cpu"] =
        std::make_shared<SchemaOnlyTable>("cpu",
                                          std::vector<Field>{{"ok", TypeId::kBool},
                                                             {"msg", TypeId::kString},
                                                             {"n", TypeId::kInt64},
                                                             {"usage", TypeId::kFloat64}});
  }
  plan::TableProviderPtr FindTable(std::string_view name) const override {
    auto it = tables_.find(std::string(name));
    return it == tables_.end() ? nullptr : it->second;
  }
  std::vector<std::string> TableNames() const override { return {"cpu", "mem"}; }

 private:
  std::map<std::string, plan::TableProviderPtr> tables_;
};

// Scans `table` with `request` and returns its rows as "v1|v2|..." strings.
std::vector<std::string> ScanRows(const plan::TableProvider& table,
                                  const plan::ScanRequest& request,
                                  std::shared_ptr<exec::TaskContext> context = nullptr) {
  if (context == nullptr) {
    context = std::make_shared<exec::TaskContext>();
  }
  auto plan = table.Scan(request, *context);
  EXPECT_TRUE(plan.ok()) << plan.status();
  if (!plan.ok()) {
    return {};
  }
  auto batches = exec::Collect(*plan, context);
  EXPECT_TRUE(batches.ok()) << batches.status();
  if (!batches.ok()) {
    return {};
  }
  std::vector<std::string> rows;
  for (const exec::Batch& batch : *batches) {
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < batch.num_columns(); ++c) {
        const Column& column = *batch.column(c);
        row += c > 0 ? "|" : "";
        if (column.IsNull(r)) {
          row += "NULL";
        } else if (column.type() == TypeId::kUInt64) {
          row += std::to_string(column.GetUInt64(r));
        } else {
          row += column.GetString(r);
        }
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

plan::ScanRequest AllFields(const plan::TableProvider& table) {
  plan::ScanRequest request;
  for (int i = 0; i < table.schema()->num_fields(); ++i) {
    request.projection.push_back(i);
  }
  return request;
}

TEST(InformationSchemaTest, TablesListsUserTablesThenViews) {
  FakeDatabase database;
  plan::TableProviderPtr tables = FindInformationSchemaTable("tables", database);
  ASSERT_NE(tables, nullptr);
  EXPECT_EQ(tables->name(), "tables");
  EXPECT_THAT(ScanRows(*tables, AllFields(*tables)),
              ElementsAre("public|iox|cpu|BASE TABLE",
                          "public|iox|mem|BASE TABLE",
                          "public|information_schema|columns|VIEW",
                          "public|information_schema|df_settings|VIEW",
                          "public|information_schema|tables|VIEW"));
}

TEST(InformationSchemaTest, ColumnsInSchemaOrderWithDataFusionTypes) {
  FakeDatabase database;
  plan::TableProviderPtr columns = FindInformationSchemaTable("columns", database);
  ASSERT_NE(columns, nullptr);
  std::vector<std::string> rows = ScanRows(*columns, AllFields(*columns));
  ASSERT_GE(rows.size(), 7u);
  EXPECT_THAT(std::vector<std::string>(rows.begin(), rows.begin() + 7),
              ElementsAre("public|iox|cpu|ok|0|NULL|YES|Boolean",
                          "public|iox|cpu|msg|1|NULL|YES|Utf8",
                          "public|iox|cpu|n|2|NULL|YES|Int64",
                          "public|iox|cpu|usage|3|NULL|YES|Float64",
                          "public|iox|mem|free|0|NULL|YES|UInt64",
                          "public|iox|mem|host|1|NULL|YES|Dictionary(Int32, Utf8)",
                          "public|iox|mem|time|2|NULL|NO|Timestamp(Nanosecond, None)"));
  // The views' own columns follow: 8 of columns, 3 of df_settings, 4 of tables.
  EXPECT_EQ(rows.size(), 7u + 8u + 3u + 4u);
  EXPECT_EQ(rows[7], "public|information_schema|columns|table_catalog|0|NULL|NO|Utf8");
  EXPECT_EQ(rows.back(), "public|information_schema|tables|table_type|3|NULL|NO|Utf8");
}

TEST(InformationSchemaTest, ScanProjectsInRequestOrderAndLimits) {
  FakeDatabase database;
  plan::TableProviderPtr columns = FindInformationSchemaTable("columns", database);
  ASSERT_NE(columns, nullptr);
  plan::ScanRequest request;
  request.projection = {7, 3};  // data_type, column_name
  request.limit = 2;
  EXPECT_THAT(ScanRows(*columns, request), ElementsAre("Boolean|ok", "Utf8|msg"));
  // No fields: only the row count (count(*)).
  request.projection.clear();
  request.limit.reset();
  plan::TableProviderPtr tables = FindInformationSchemaTable("tables", database);
  EXPECT_EQ(ScanRows(*tables, request).size(), 5u);
  request.projection = {9};
  EXPECT_FALSE(tables->Scan(request, exec::TaskContext()).ok());
  // Filters are left to a Filter above the scan.
  EXPECT_THAT(tables->SupportsFiltersPushdown({nullptr, nullptr}),
              ElementsAre(plan::FilterPushdown::kUnsupported, plan::FilterPushdown::kUnsupported));
}

TEST(InformationSchemaTest, SettingsComeFromTheTaskContext) {
  FakeDatabase database;
  plan::TableProviderPtr settings = FindInformationSchemaTable("df_settings", database);
  ASSERT_NE(settings, nullptr);
  auto context = std::make_shared<exec::TaskContext>();
  context->set_target_partitions(7);
  context->set_batch_size(100);
  plan::ScanRequest request;
  request.projection = {0, 1};
  EXPECT_THAT(ScanRows(*settings, request, context),
              ElementsAre("datafusion.execution.batch_size|100",
                          "datafusion.execution.target_partitions|7",
                          "datafusion.execution.time_zone|+00:00"));
}

TEST(InformationSchemaTest, UnknownViewsAndNames) {
  FakeDatabase database;
  EXPECT_EQ(FindInformationSchemaTable("schemata", database), nullptr);
  EXPECT_EQ(FindInformationSchemaTable("cpu", database), nullptr);
  EXPECT_EQ(FindInformationSchemaTable("TABLES", database), nullptr);  // names are exact
  EXPECT_THAT(InformationSchemaTableNames(), ElementsAre("columns", "df_settings", "tables"));
  EXPECT_EQ(DataFusionTypeName(TypeId::kInterval), "Interval(MonthDayNano)");
}

}  // namespace
}  // namespace strata::query
