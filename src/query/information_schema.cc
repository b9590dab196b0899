// information_schema views and the in-memory table provider behind them.
#include "query/information_schema.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "exec/operators.h"
#include "fmt/format.h"

namespace strata::query {
namespace {

using exec::Scalar;
using Row = MemoryTableProvider::Row;

constexpr std::string_view kTablesView = "tables";
constexpr std::string_view kColumnsView = "columns";
constexpr std::string_view kSettingsView = "df_settings";

SchemaPtr StringSchema(const std::vector<std::string>& names) {
  std::vector<Field> fields;
  for (const std::string& name : names) {
    fields.push_back(Field{name, TypeId::kString, false});
  }
  return std::make_shared<const Schema>(std::move(fields));
}

const SchemaPtr& TablesSchema() {
  static const SchemaPtr* schema =
      new SchemaPtr(StringSchema({"table_catalog", "table_schema", "table_name", "table_type"}));
  return *schema;
}

const SchemaPtr& ColumnsSchema() {
  static const SchemaPtr* schema = new SchemaPtr(std::make_shared<const Schema>(std::vector<Field>{
      {"table_catalog", TypeId::kString, false},
      {"table_schema", TypeId::kString, false},
      {"table_name", TypeId::kString, false},
      {"column_name", TypeId::kString, false},
      {"ordinal_position", TypeId::kUInt64, false},
      {"column_default", TypeId::kString, true},
      {"is_nullable", TypeId::kString, false},
      {"data_type", TypeId::kString, false},
  }));
  return *schema;
}

const SchemaPtr& SettingsSchema() {
  static const SchemaPtr* schema = new SchemaPtr(std::make_shared<const Schema>(std::vector<Field>{
      {"name", TypeId::kString, false},
      {"value", TypeId::kString, true},
      {"description", TypeId::kString, true},
  }));
  return *schema;
}

// The schema of a view, by name; null for an unknown name.
SchemaPtr ViewSchema(std::string_view name) {
  if (name == kTablesView) {
    return TablesSchema();
  }
  if (name == kColumnsView) {
    return ColumnsSchema();
  }
  if (name == kSettingsView) {
    return SettingsSchema();
  }
  return nullptr;
}

// One table as the views list it.
struct ListedTable {
  std::string_view schema_name;
  std::string name;
  SchemaPtr schema;
  bool view = false;
};

// The user tables (sorted by name), then the system tables (when the provider has that schema),
// as InfluxDB 3 lists them, then the views.
std::vector<ListedTable> ListTables(const plan::SchemaProvider& user_tables) {
  std::vector<ListedTable> tables;
  for (std::string& name : user_tables.TableNames()) {
    plan::TableProviderPtr table = user_tables.FindTable(name);
    if (table == nullptr) {
      continue;  // Cannot happen with one snapshot; skip rather than list a phantom.
    }
    tables.push_back({plan::kDefaultSchema, std::move(name), table->schema(), false});
  }
  if (std::vector<std::string> schemas = user_tables.SchemaNames();
      std::find(schemas.begin(), schemas.end(), plan::kSystemSchema) != schemas.end()) {
    for (std::string& name : user_tables.TableNamesInSchema(plan::kSystemSchema)) {
      plan::TableProviderPtr table = user_tables.FindTableInSchema(plan::kSystemSchema, name);
      if (table != nullptr) {
        tables.push_back({plan::kSystemSchema, std::move(name), table->schema(), false});
      }
    }
  }
  for (std::string& name : InformationSchemaTableNames()) {
    SchemaPtr schema = ViewSchema(name);
    tables.push_back({plan::kInformationSchema, std::move(name), std::move(schema), true});
  }
  return tables;
}

std::vector<Row> TablesRows(const std::vector<ListedTable>& tables) {
  std::vector<Row> rows;
  for (const ListedTable& t : tables) {
    rows.push_back({Scalar::String(std::string(plan::kDefaultCatalog)),
                    Scalar::String(std::string(t.schema_name)),
                    Scalar::String(t.name),
                    Scalar::String(t.view ? "VIEW" : "BASE TABLE")});
  }
  return rows;
}

std::vector<Row> ColumnsRows(const std::vector<ListedTable>& tables) {
  std::vector<Row> rows;
  for (const ListedTable& t : tables) {
    uint64_t position = 0;
    for (const Field& f : t.schema->fields()) {
      rows.push_back({Scalar::String(std::string(plan::kDefaultCatalog)),
                      Scalar::String(std::string(t.schema_name)),
                      Scalar::String(t.name),
                      Scalar::String(f.name),
                      Scalar::UInt64(position++),
                      Scalar::Null(TypeId::kString),
                      Scalar::String(f.nullable ? "YES" : "NO"),
                      Scalar::String(std::string(DataFusionTypeName(f.type)))});
    }
  }
  return rows;
}

std::vector<Row> SettingsRows(const exec::TaskContext& context) {
  auto row = [](std::string_view name, std::string value, std::string_view description) {
    return Row{Scalar::String(std::string(name)),
               Scalar::String(std::move(value)),
               Scalar::String(std::string(description))};
  };
  return {
      row("datafusion.execution.batch_size",
          std::to_string(context.batch_size()),
          "The most rows an operator puts in one batch."),
      row("datafusion.execution.target_partitions",
          std::to_string(context.target_partitions()),
          "How many partitions a query runs in parallel."),
      row("datafusion.execution.time_zone",
          "+00:00",
          "The time zone of timestamps: always UTC (timestamps have no time zone)."),
  };
}

}  // namespace

MemoryTableProvider::MemoryTableProvider(std::string name, SchemaPtr schema, std::vector<Row> rows)
    : name_(std::move(name)), schema_(std::move(schema)) {
  auto shared = std::make_shared<const std::vector<Row>>(std::move(rows));
  source_ = [shared](const exec::TaskContext&) { return *shared; };
}

MemoryTableProvider::MemoryTableProvider(std::string name, SchemaPtr schema, RowSource source)
    : name_(std::move(name)), schema_(std::move(schema)), source_(std::move(source)) {}

std::vector<plan::FilterPushdown> MemoryTableProvider::SupportsFiltersPushdown(
    const std::vector<plan::ExprPtr>& filters) const {
  return std::vector<plan::FilterPushdown>(filters.size(), plan::FilterPushdown::kUnsupported);
}

absl::StatusOr<exec::ExecutionPlanPtr> MemoryTableProvider::Scan(
    const plan::ScanRequest& request, const exec::TaskContext& context) const {
  std::vector<Field> fields;
  for (int field : request.projection) {
    if (field < 0 || field >= schema_->num_fields()) {
      return absl::InvalidArgumentError(
          fmt::format("scan of {}: field {} out of range", name_, field));
    }
    fields.push_back(schema_->field(field));
  }
  std::vector<Row> rows = source_(context);
  if (request.limit && static_cast<int64_t>(rows.size()) > *request.limit) {
    rows.resize(static_cast<size_t>(std::max<int64_t>(*request.limit, 0)));
  }
  std::vector<Row> projected;
  projected.reserve(rows.size());
  for (Row& row : rows) {
    Row out;
    out.reserve(request.projection.size());
    for (int field : request.projection) {
      out.push_back(std::move(row[static_cast<size_t>(field)]));
    }
    projected.push_back(std::move(out));
  }
  return exec::MakeValuesExec(std::make_shared<const Schema>(std::move(fields)),
                              std::move(projected));
}

std::vector<std::string> InformationSchemaTableNames() {
  return {std::string(kColumnsView), std::string(kSettingsView), std::string(kTablesView)};
}

plan::TableProviderPtr FindInformationSchemaTable(std::string_view name,
                                                  const plan::SchemaProvider& user_tables) {
  if (name == kTablesView) {
    return std::make_shared<MemoryTableProvider>(
        std::string(name), TablesSchema(), TablesRows(ListTables(user_tables)));
  }
  if (name == kColumnsView) {
    return std::make_shared<MemoryTableProvider>(
        std::string(name), ColumnsSchema(), ColumnsRows(ListTables(user_tables)));
  }
  if (name == kSettingsView) {
    return std::make_shared<MemoryTableProvider>(
        std::string(name), SettingsSchema(), MemoryTableProvider::RowSource(SettingsRows));
  }
  return nullptr;
}

std::string_view DataFusionTypeName(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return "Boolean";
    case TypeId::kInt64:
      return "Int64";
    case TypeId::kUInt64:
      return "UInt64";
    case TypeId::kFloat64:
      return "Float64";
    case TypeId::kString:
      return "Utf8";
    case TypeId::kDictionary:
      return "Dictionary(Int32, Utf8)";
    case TypeId::kTimestamp:
      return "Timestamp(Nanosecond, None)";
    case TypeId::kInterval:
      return "Interval(MonthDayNano)";
    case TypeId::kNull:
      return "Null";
  }
  return "Unknown";
}

}  // namespace strata::query
