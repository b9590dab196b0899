// Write buffer table providers: schema, filter pushdown answers and scan construction.
#include "query/buffer_table_provider.h"

#include <algorithm>
#include <utility>

#include "common/status.h"
#include "fmt/format.h"
#include "plan/physical_planner.h"
#include "query/buffer_scan_exec.h"
#include "query/cache_table_functions.h"
#include "query/information_schema.h"
#include "query/system_tables.h"

namespace strata::query {
namespace {

// True when the scan can evaluate `expr` itself: scalar expressions only.
bool IsScalarExpr(const plan::ExprPtr& expr) {
  bool scalar = true;
  plan::VisitExpr(expr, [&](const plan::Expr& e) {
    switch (e.kind) {
      case plan::ExprKind::kAggregate:
      case plan::ExprKind::kWindow:
      case plan::ExprKind::kScalarSubquery:
      case plan::ExprKind::kInSubquery:
      case plan::ExprKind::kExists:
        scalar = false;
        break;
      default:
        break;
    }
  });
  return scalar;
}

}  // namespace

BufferTableProvider::BufferTableProvider(ScanSources sources,
                                         uint32_t database_id,
                                         std::shared_ptr<const catalog::TableSchema> table)
    : sources_(sources), database_id_(database_id), table_(std::move(table)) {
  std::vector<const catalog::ColumnSchema*> columns;
  for (const catalog::ColumnSchema& c : table_->columns()) {
    columns.push_back(&c);
  }
  std::sort(columns.begin(), columns.end(), [](const auto* a, const auto* b) {
    return a->name < b->name;
  });
  std::vector<Field> fields;
  for (const catalog::ColumnSchema* c : columns) {
    // Only the time column is never null.
    fields.push_back(Field{c->name, c->type, c->kind != catalog::ColumnKind::kTime});
    column_ids_.push_back(c->id);
  }
  schema_ = std::make_shared<const Schema>(std::move(fields));
}

plan::TableProviderPtr BufferTableProvider::NewestRowsSource(
    const plan::NewestRowsRequest& request) const {
  return MakeNewestRowsSource(sources_, database_id_, *table_, schema_, column_ids_, request);
}

plan::TableProviderPtr BufferTableProvider::DistinctValuesSource(
    const std::vector<int>& fields) const {
  return MakeDistinctValuesSource(sources_, database_id_, *table_, schema_, column_ids_, fields);
}

std::vector<plan::FilterPushdown> BufferTableProvider::SupportsFiltersPushdown(
    const std::vector<plan::ExprPtr>& filters) const {
  std::vector<plan::FilterPushdown> answers;
  answers.reserve(filters.size());
  for (const plan::ExprPtr& f : filters) {
    answers.push_back(IsScalarExpr(f) ? plan::FilterPushdown::kExact
                                      : plan::FilterPushdown::kUnsupported);
  }
  return answers;
}

BufferTableProvider::TableSize BufferTableProvider::Size() const {
  TableSize size;
  if (std::optional<buffer::TableStats> stats =
          sources_.buffer->table_stats(database_id_, table_->id());
      stats && stats->rows > 0) {
    size.rows = stats->rows;
    size.units = stats->chunks;
    size.min_time = stats->min_time;
    size.max_time = stats->max_time;
  }
  if (sources_.persister != nullptr) {
    std::shared_ptr<const persist::FileIndex> index = sources_.persister->index();
    for (const persist::ParquetFileInfo* file : index->TableFiles(database_id_, table_->id())) {
      size.rows += file->row_count;
      ++size.units;
      size.min_time = std::min(size.min_time, file->min_time);
      size.max_time = std::max(size.max_time, file->max_time);
    }
  }
  return size;
}

int BufferTableProvider::ScanPartitions(const BufferScanSpec& spec,
                                        const exec::TaskContext& context) const {
  const TableSize size = Size();
  if (size.rows == 0) {
    return 1;
  }
  // The rows the scan reads: the table's, scaled by the part of its time range the filters keep
  // (rows spread evenly over time is assumption enough to choose a partition count).
  int time_index = -1;
  for (size_t i = 0; i < spec.column_ids.size(); ++i) {
    if (spec.column_ids[i] == catalog::kTimeColumnId) {
      time_index = static_cast<int>(i);
    }
  }
  const TimeBounds bounds = DeriveTimeBounds(spec.filters, time_index);
  double fraction = 1.0;
  if (bounds.empty()) {
    fraction = 0.0;
  } else if (size.max_time > size.min_time) {
    const double lo = static_cast<double>(std::max(bounds.min_time, size.min_time));
    const double hi = static_cast<double>(std::min(bounds.max_time, size.max_time));
    const double span = static_cast<double>(size.max_time) - static_cast<double>(size.min_time);
    fraction = std::clamp((hi - lo) / span, 0.0, 1.0);
  }
  const double rows = fraction * static_cast<double>(size.rows);
  const int64_t by_rows =
      static_cast<int64_t>(rows / static_cast<double>(context.min_rows_per_partition()));
  int64_t partitions = std::max<int64_t>(context.target_partitions(), 1);
  partitions = std::min(partitions, std::max<int64_t>(size.units, 1));
  partitions = std::min(partitions, std::max<int64_t>(by_rows, 1));
  return static_cast<int>(partitions);
}

absl::StatusOr<exec::ExecutionPlanPtr> BufferTableProvider::Scan(
    const plan::ScanRequest& request, const exec::TaskContext& context) const {
  int num_fields = schema_->num_fields();
  // Scan columns: the projection, then the columns only the filters read.
  std::vector<int> mapping(static_cast<size_t>(num_fields), -1);
  std::vector<int> scan_fields;
  auto add_field = [&](int field) -> absl::Status {
    if (field < 0 || field >= num_fields) {
      return absl::InvalidArgumentError(
          fmt::format("scan of {}: field {} out of range", table_->name(), field));
    }
    if (mapping[static_cast<size_t>(field)] < 0) {
      mapping[static_cast<size_t>(field)] = static_cast<int>(scan_fields.size());
      scan_fields.push_back(field);
    }
    return absl::OkStatus();
  };
  for (int field : request.projection) {
    if (field >= 0 && field < num_fields && mapping[static_cast<size_t>(field)] >= 0) {
      // A field projected twice: the scan produces each field once.
      return absl::InvalidArgumentError(
          fmt::format("scan of {}: field {} projected twice", table_->name(), field));
    }
    STRATA_RETURN_IF_ERROR(add_field(field));
  }
  int output_columns = static_cast<int>(scan_fields.size());
  std::vector<plan::ExprPtr> conjuncts;
  for (const plan::ExprPtr& filter : request.filters) {
    for (plan::ExprPtr& term : plan::SplitConjunction(filter)) {
      conjuncts.push_back(std::move(term));
    }
  }
  for (const plan::ExprPtr& term : conjuncts) {
    for (int field : plan::ReferencedColumns(*term)) {
      STRATA_RETURN_IF_ERROR(add_field(field));
    }
  }

  BufferScanSpec spec;
  spec.database_id = database_id_;
  spec.table_id = table_->id();
  spec.table_name = table_->name();
  std::vector<Field> fields;
  for (int field : scan_fields) {
    spec.column_ids.push_back(column_ids_[static_cast<size_t>(field)]);
    fields.push_back(schema_->field(field));
  }
  spec.scan_schema = std::make_shared<const Schema>(std::move(fields));
  spec.output_columns = output_columns;
  for (const catalog::ColumnSchema& column : table_->columns()) {
    if (column.kind == catalog::ColumnKind::kTag) {
      spec.series_key_column_ids.push_back(column.id);
    }
  }
  for (const plan::ExprPtr& term : conjuncts) {
    plan::ExprPtr remapped = plan::RemapColumns(term, mapping);
    STRATA_ASSIGN_OR_RETURN(exec::PhysicalExprPtr physical, plan::CreatePhysicalExpr(*remapped));
    spec.filters.push_back(std::move(physical));
  }
  spec.limit = request.limit;
  spec.partitions = ScanPartitions(spec, context);
  return MakeBufferScanExec(sources_, std::move(spec));
}

BufferSchemaProvider::BufferSchemaProvider(ScanSources sources,
                                           std::shared_ptr<const catalog::CatalogSnapshot> snapshot,
                                           const catalog::DatabaseSchema* database)
    : sources_(sources), snapshot_(std::move(snapshot)), database_(database) {}

plan::TableProviderPtr BufferSchemaProvider::FindTable(std::string_view name) const {
  const catalog::TableSchema* table = database_->FindTable(name);
  if (table == nullptr) {
    return nullptr;
  }
  return std::make_shared<BufferTableProvider>(
      sources_, database_->id(), database_->tables()[table->id()]);
}

std::vector<std::string> BufferSchemaProvider::TableNames() const {
  std::vector<std::string> names;
  for (const auto& table : database_->tables()) {
    names.push_back(table->name());
  }
  std::sort(names.begin(), names.end());
  return names;
}

plan::TableProviderPtr BufferSchemaProvider::FindTableInSchema(std::string_view schema,
                                                               std::string_view table) const {
  if (schema == plan::kInformationSchema) {
    return FindInformationSchemaTable(table, *this);
  }
  if (schema == plan::kSystemSchema) {
    return FindSystemTable(table, sources_, snapshot_, database_);
  }
  return plan::SchemaProvider::FindTableInSchema(schema, table);
}

std::vector<std::string> BufferSchemaProvider::SchemaNames() const {
  return {std::string(plan::kInformationSchema),
          std::string(plan::kDefaultSchema),
          std::string(plan::kSystemSchema)};
}

std::vector<std::string> BufferSchemaProvider::TableNamesInSchema(std::string_view schema) const {
  if (schema == plan::kInformationSchema) {
    return InformationSchemaTableNames();
  }
  if (schema == plan::kSystemSchema) {
    return SystemTableNames();
  }
  return plan::SchemaProvider::TableNamesInSchema(schema);
}

absl::StatusOr<plan::TableProviderPtr> BufferSchemaProvider::CallTableFunction(
    std::string_view name, const std::vector<exec::Scalar>& args) const {
  return CallCacheTableFunction(name, args, sources_, snapshot_, database_);
}

std::optional<int64_t> BufferTableProvider::EstimatedRowCount() const {
  return Size().rows;
}

}  // namespace strata::query
