#include "query/compaction.h"

#include <memory>
#include <utility>
#include <vector>

#include "common/status.h"
#include "exec/operators/row_table.h"
#include "fmt/format.h"
#include "persist/partition_encoder.h"
#include "query/buffer_scan_exec.h"

namespace strata::query {

persist::CompactionEncoder MakeCompactionEncoder(const catalog::Catalog* catalog,
                                                 persist::ParquetFileCache* files,
                                                 parquet::WriterOptions options) {
  return [catalog, files, options = std::move(options)](
             const std::vector<persist::ParquetFileInfo>& inputs)
             -> absl::StatusOr<persist::EncodedFile> {
    if (inputs.empty()) {
      return absl::InvalidArgumentError("a compaction needs at least one file");
    }
    std::shared_ptr<const catalog::CatalogSnapshot> snapshot = catalog->snapshot();
    const catalog::DatabaseSchema* database = snapshot->DatabaseById(inputs[0].database_id);
    const catalog::TableSchema* table =
        database == nullptr ? nullptr : database->TableById(inputs[0].table_id);
    if (table == nullptr) {
      return absl::InternalError(fmt::format(
          "the catalog has no table {} in database {}", inputs[0].table_id, inputs[0].database_id));
    }

    // Every column of the table, in id order (time first); the tags are the series key, in the
    // order files sort by.
    BufferScanSpec spec;
    spec.database_id = database->id();
    spec.table_id = table->id();
    spec.table_name = table->name();
    std::vector<Field> fields;
    for (const catalog::ColumnSchema& column : table->columns()) {
      spec.column_ids.push_back(column.id);
      fields.push_back(Field{column.name, column.type, column.kind != catalog::ColumnKind::kTime});
      if (column.kind == catalog::ColumnKind::kTag) {
        spec.series_key_column_ids.push_back(column.id);
      }
    }
    spec.scan_schema = std::make_shared<const Schema>(std::move(fields));
    spec.output_columns = spec.scan_schema->num_fields();
    spec.partitions = 1;
    STRATA_ASSIGN_OR_RETURN(exec::ExecutionPlanPtr plan,
                            MakeBufferScanExec(ScanSources{.files = files}, spec));
    const auto& scan = static_cast<const BufferScanExec&>(*plan);
    auto units = std::make_shared<ScanSnapshot>();
    ScanUnit unit;
    unit.kind = ScanUnit::Kind::kMerge;
    for (const persist::ParquetFileInfo& input : inputs) {
      unit.sources.push_back(ScanUnit::Source{&input, {}});
    }
    units->units.push_back(std::move(unit));
    scan.UseSnapshot(std::move(units));

    auto context = std::make_shared<exec::TaskContext>();
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<exec::BatchStream> stream, scan.Execute(0, context));
    std::vector<std::vector<ColumnPtr>> parts(spec.column_ids.size());
    int64_t rows = 0;
    for (;;) {
      exec::Batch batch;
      STRATA_ASSIGN_OR_RETURN(bool more, stream->Next(&batch));
      if (!more) {
        break;
      }
      if (batch.has_selection()) {
        return absl::InternalError("compaction: the merge returned a selection");
      }
      for (size_t c = 0; c < parts.size(); ++c) {
        parts[c].push_back(batch.columns()[c]);
      }
      rows += batch.num_rows();
    }
    if (rows == 0) {
      return absl::InternalError(fmt::format(
          "compaction of {} files of table {} merged to no rows", inputs.size(), table->name()));
    }
    ColumnPtr time = exec::Concatenate(parts[0]);
    std::vector<persist::SortedColumn> columns;
    for (size_t c = 1; c < parts.size(); ++c) {
      const catalog::ColumnSchema& schema = table->columns()[c];
      ColumnPtr values = exec::Concatenate(parts[c]);
      if (schema.kind == catalog::ColumnKind::kTag && values->type() != TypeId::kDictionary) {
        values = ToDictionary(*values);
      }
      columns.push_back(persist::SortedColumn{&schema, std::move(values)});
    }
    return persist::EncodeSortedColumns(*table, time, columns, options);
  };
}

}  // namespace strata::query
