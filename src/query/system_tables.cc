// The system tables, each an in-memory table computed when it is scanned.
#include "query/system_tables.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "exec/scalar.h"
#include "query/information_schema.h"

namespace strata::query {
namespace {

using exec::Scalar;
using Row = MemoryTableProvider::Row;

constexpr std::string_view kParquetFilesTable = "parquet_files";
constexpr std::string_view kQueriesTable = "queries";
constexpr std::string_view kTablesTable = "tables";
constexpr std::string_view kColumnsTable = "columns";

const SchemaPtr& ParquetFilesSchema() {
  static const SchemaPtr* schema = new SchemaPtr(std::make_shared<const Schema>(std::vector<Field>{
      {"table_name", TypeId::kString, false},
      {"path", TypeId::kString, false},
      {"size_bytes", TypeId::kUInt64, false},
      {"row_count", TypeId::kUInt64, false},
      {"min_time", TypeId::kInt64, false},
      {"max_time", TypeId::kInt64, false},
  }));
  return *schema;
}

// The rows of system.parquet_files as of the persister's current index.
std::vector<Row> ParquetFilesRows(const persist::Persister* persister,
                                  const catalog::DatabaseSchema& database) {
  if (persister == nullptr) {
    return {};
  }
  const std::shared_ptr<const persist::FileIndex> index = persister->index();
  if (index == nullptr) {
    return {};
  }
  // (table name, file id, file): by table, then in the order the files were written.
  std::vector<std::tuple<std::string_view, uint64_t, const persist::ParquetFileInfo*>> files;
  const auto& tables = database.tables();
  for (const auto& [file_id, file] : index->files()) {
    if (file.database_id != database.id() || file.table_id >= tables.size()) {
      continue;
    }
    files.emplace_back(tables[file.table_id]->name(), file_id, &file);
  }
  std::sort(files.begin(), files.end());
  std::vector<Row> rows;
  rows.reserve(files.size());
  for (const auto& [table_name, file_id, file] : files) {
    rows.push_back({Scalar::String(std::string(table_name)),
                    Scalar::String(file->path),
                    Scalar::UInt64(file->size_bytes),
                    Scalar::UInt64(static_cast<uint64_t>(std::max<int64_t>(file->row_count, 0))),
                    Scalar::Int64(file->min_time),
                    Scalar::Int64(file->max_time)});
  }
  return rows;
}

constexpr std::string_view kLastCachesTable = "last_caches";
constexpr std::string_view kDistinctCachesTable = "distinct_caches";

const SchemaPtr& LastCachesSchema() {
  static const SchemaPtr* schema = new SchemaPtr(std::make_shared<const Schema>(std::vector<Field>{
      {"table", TypeId::kString, false},
      {"name", TypeId::kString, false},
      {"key_column_ids", TypeId::kString, false},
      {"key_column_names", TypeId::kString, false},
      {"value_column_ids", TypeId::kString, false},
      {"value_column_names", TypeId::kString, false},
      {"count", TypeId::kUInt64, false},
      {"ttl", TypeId::kUInt64, false},
  }));
  return *schema;
}

const SchemaPtr& QueriesSchema() {
  static const SchemaPtr* schema = new SchemaPtr(std::make_shared<const Schema>(std::vector<Field>{
      {"id", TypeId::kString, false},
      {"phase", TypeId::kString, false},
      {"issue_time", TypeId::kTimestamp, false},
      {"query_type", TypeId::kString, false},
      {"query_text", TypeId::kString, false},
      {"partitions", TypeId::kInt64, true},
      {"parquet_files", TypeId::kInt64, true},
      {"plan_duration", TypeId::kInt64, true},
      {"permit_duration", TypeId::kInt64, true},
      {"execute_duration", TypeId::kInt64, true},
      {"end2end_duration", TypeId::kInt64, true},
      {"compute_duration", TypeId::kInt64, true},
      {"max_memory", TypeId::kInt64, false},
      {"success", TypeId::kBool, false},
      {"running", TypeId::kBool, false},
      {"cancelled", TypeId::kBool, false},
      {"trace_id", TypeId::kString, true},
  }));
  return *schema;
}

const SchemaPtr& DistinctCachesSchema() {
  static const SchemaPtr* schema = new SchemaPtr(std::make_shared<const Schema>(std::vector<Field>{
      {"table", TypeId::kString, false},
      {"name", TypeId::kString, false},
      {"column_ids", TypeId::kString, false},
      {"column_names", TypeId::kString, false},
      {"max_cardinality", TypeId::kUInt64, false},
      {"max_age_seconds", TypeId::kUInt64, false},
  }));
  return *schema;
}

// "[1, 2]" and "[host, region]": the ids and names of `ids`, as InfluxDB 3 shows its lists.
std::pair<Scalar, Scalar> ColumnLists(const catalog::TableSchema& table,
                                      const std::vector<uint32_t>& ids) {
  std::string id_text = "[";
  std::string name_text = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    const catalog::ColumnSchema* column = table.ColumnById(ids[i]);
    id_text += (i > 0 ? ", " : "") + std::to_string(ids[i]);
    name_text += (i > 0 ? ", " : "") + (column != nullptr ? column->name : std::string("?"));
  }
  return {Scalar::String(id_text + "]"), Scalar::String(name_text + "]")};
}

// The rows of system.last_caches: every last cache of the database's tables, by table and
// name. Value columns leave time out (every cache has it); a cache of all non-key columns lists
// the table's current ones.
std::vector<Row> LastCachesRows(const catalog::DatabaseSchema& database) {
  std::vector<Row> rows;
  for (const auto& table : database.tables()) {
    for (const catalog::LastCacheDefinition& cache : table->caches().last_caches) {
      std::vector<uint32_t> values;
      if (cache.all_value_columns) {
        for (const catalog::ColumnSchema& column : table->columns()) {
          if (std::find(cache.key_column_ids.begin(), cache.key_column_ids.end(), column.id) ==
              cache.key_column_ids.end()) {
            values.push_back(column.id);
          }
        }
      } else {
        values = cache.value_column_ids;
      }
      values.erase(std::remove(values.begin(), values.end(), catalog::kTimeColumnId), values.end());
      auto [key_ids, key_names] = ColumnLists(*table, cache.key_column_ids);
      auto [value_ids, value_names] = ColumnLists(*table, values);
      rows.push_back({Scalar::String(table->name()),
                      Scalar::String(cache.name),
                      std::move(key_ids),
                      std::move(key_names),
                      std::move(value_ids),
                      std::move(value_names),
                      Scalar::UInt64(static_cast<uint64_t>(cache.count)),
                      Scalar::UInt64(static_cast<uint64_t>(cache.ttl_seconds))});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a[0].string_value(), a[1].string_value()) <
           std::tie(b[0].string_value(), b[1].string_value());
  });
  return rows;
}

std::vector<Row> DistinctCachesRows(const catalog::DatabaseSchema& database) {
  std::vector<Row> rows;
  for (const auto& table : database.tables()) {
    for (const catalog::DistinctCacheDefinition& cache : table->caches().distinct_caches) {
      auto [ids, names] = ColumnLists(*table, cache.column_ids);
      rows.push_back({Scalar::String(table->name()),
                      Scalar::String(cache.name),
                      std::move(ids),
                      std::move(names),
                      Scalar::UInt64(static_cast<uint64_t>(cache.max_cardinality)),
                      Scalar::UInt64(static_cast<uint64_t>(cache.max_age_seconds))});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a[0].string_value(), a[1].string_value()) <
           std::tie(b[0].string_value(), b[1].string_value());
  });
  return rows;
}

Scalar OptionalInt64(const std::optional<int64_t>& value) {
  return value.has_value() ? Scalar::Int64(*value) : Scalar::Null(TypeId::kInt64);
}

std::vector<Row> QueriesRows(const QueryLog* log, const catalog::DatabaseSchema& database) {
  if (log == nullptr) {
    return {};
  }
  std::vector<Row> rows;
  for (QueryLogRow& entry : log->Rows(database.name())) {
    rows.push_back({Scalar::String(std::move(entry.id)),
                    Scalar::String(std::string(QueryPhaseName(entry.phase))),
                    Scalar::Timestamp(entry.issue_time_ns),
                    Scalar::String(std::move(entry.query_type)),
                    Scalar::String(std::move(entry.query_text)),
                    OptionalInt64(entry.partitions),
                    OptionalInt64(entry.parquet_files),
                    OptionalInt64(entry.plan_duration_ns),
                    OptionalInt64(entry.permit_duration_ns),
                    OptionalInt64(entry.execute_duration_ns),
                    OptionalInt64(entry.end2end_duration_ns),
                    OptionalInt64(entry.compute_duration_ns),
                    Scalar::Int64(entry.max_memory),
                    Scalar::Bool(entry.success),
                    Scalar::Bool(entry.running),
                    Scalar::Bool(entry.cancelled),
                    entry.trace_id.has_value() ? Scalar::String(std::move(*entry.trace_id))
                                               : Scalar::Null(TypeId::kString)});
  }
  return rows;
}

const SchemaPtr& TablesSchema() {
  static const SchemaPtr* schema = new SchemaPtr(std::make_shared<const Schema>(std::vector<Field>{
      {"table_name", TypeId::kString, false},
      {"table_id", TypeId::kUInt64, false},
      {"column_count", TypeId::kUInt64, false},
      {"tag_count", TypeId::kUInt64, false},
      {"field_count", TypeId::kUInt64, false},
      {"buffer_rows", TypeId::kUInt64, false},
      {"buffer_chunks", TypeId::kUInt64, false},
      {"buffer_series", TypeId::kUInt64, false},
      {"parquet_files", TypeId::kUInt64, false},
      {"parquet_rows", TypeId::kUInt64, false},
      {"parquet_size_bytes", TypeId::kUInt64, false},
  }));
  return *schema;
}

uint64_t Unsigned(int64_t value) {
  return static_cast<uint64_t>(std::max<int64_t>(value, 0));
}

std::vector<Row> TablesRows(const ScanSources& sources, const catalog::DatabaseSchema& database) {
  struct FileTotals {
    uint64_t files = 0;
    uint64_t rows = 0;
    uint64_t bytes = 0;
  };
  std::vector<FileTotals> files(database.tables().size());
  if (sources.persister != nullptr) {
    if (const std::shared_ptr<const persist::FileIndex> index = sources.persister->index()) {
      for (const auto& [file_id, file] : index->files()) {
        if (file.database_id == database.id() && file.table_id < files.size()) {
          FileTotals& totals = files[file.table_id];
          ++totals.files;
          totals.rows += Unsigned(file.row_count);
          totals.bytes += file.size_bytes;
        }
      }
    }
  }
  std::vector<const catalog::TableSchema*> tables;
  for (const auto& table : database.tables()) {
    tables.push_back(table.get());
  }
  std::sort(tables.begin(), tables.end(), [](const auto* a, const auto* b) {
    return a->name() < b->name();
  });
  std::vector<Row> rows;
  for (const catalog::TableSchema* table : tables) {
    uint64_t tags = 0;
    uint64_t fields = 0;
    for (const catalog::ColumnSchema& column : table->columns()) {
      tags += column.kind == catalog::ColumnKind::kTag;
      fields += column.kind == catalog::ColumnKind::kField;
    }
    buffer::TableStats stats;
    if (sources.buffer != nullptr) {
      stats = sources.buffer->table_stats(database.id(), table->id()).value_or(stats);
    }
    const FileTotals& totals = files[table->id()];
    rows.push_back({Scalar::String(table->name()),
                    Scalar::UInt64(table->id()),
                    Scalar::UInt64(table->column_count()),
                    Scalar::UInt64(tags),
                    Scalar::UInt64(fields),
                    Scalar::UInt64(Unsigned(stats.rows)),
                    Scalar::UInt64(Unsigned(stats.chunks)),
                    Scalar::UInt64(Unsigned(stats.series)),
                    Scalar::UInt64(totals.files),
                    Scalar::UInt64(totals.rows),
                    Scalar::UInt64(totals.bytes)});
  }
  return rows;
}

const SchemaPtr& ColumnsSchema() {
  static const SchemaPtr* schema = new SchemaPtr(std::make_shared<const Schema>(std::vector<Field>{
      {"table_name", TypeId::kString, false},
      {"column_name", TypeId::kString, false},
      {"column_id", TypeId::kUInt64, false},
      {"kind", TypeId::kString, false},
      {"influx_type", TypeId::kString, false},
      {"data_type", TypeId::kString, false},
  }));
  return *schema;
}

std::vector<Row> ColumnsRows(const catalog::DatabaseSchema& database) {
  std::vector<const catalog::TableSchema*> tables;
  for (const auto& table : database.tables()) {
    tables.push_back(table.get());
  }
  std::sort(tables.begin(), tables.end(), [](const auto* a, const auto* b) {
    return a->name() < b->name();
  });
  std::vector<Row> rows;
  for (const catalog::TableSchema* table : tables) {
    for (const catalog::ColumnSchema& column : table->columns()) {
      rows.push_back(
          {Scalar::String(table->name()),
           Scalar::String(column.name),
           Scalar::UInt64(column.id),
           Scalar::String(std::string(catalog::ColumnKindName(column.kind))),
           Scalar::String(std::string(catalog::ColumnTypeName(column.kind, column.type))),
           Scalar::String(std::string(DataFusionTypeName(column.type)))});
    }
  }
  return rows;
}

}  // namespace

std::vector<std::string> SystemTableNames() {
  return {std::string(kColumnsTable),
          std::string(kDistinctCachesTable),
          std::string(kLastCachesTable),
          std::string(kParquetFilesTable),
          std::string(kQueriesTable),
          std::string(kTablesTable)};
}

plan::TableProviderPtr FindSystemTable(std::string_view name,
                                       const ScanSources& sources,
                                       std::shared_ptr<const catalog::CatalogSnapshot> snapshot,
                                       const catalog::DatabaseSchema* database) {
  if (name == kParquetFilesTable) {
    const persist::Persister* persister = sources.persister;
    return std::make_shared<MemoryTableProvider>(
        std::string(name),
        ParquetFilesSchema(),
        // `snapshot` owns `database`: the lambda keeps it alive for the plans built from it.
        [persister, snapshot = std::move(snapshot), database](const exec::TaskContext&) {
          return ParquetFilesRows(persister, *database);
        });
  }
  if (name == kLastCachesTable || name == kDistinctCachesTable) {
    // The rows come from `snapshot`, the catalog the query sees.
    const bool last = name == kLastCachesTable;
    return std::make_shared<MemoryTableProvider>(
        std::string(name),
        last ? LastCachesSchema() : DistinctCachesSchema(),
        [last, snapshot = std::move(snapshot), database](const exec::TaskContext&) {
          return last ? LastCachesRows(*database) : DistinctCachesRows(*database);
        });
  }
  if (name == kQueriesTable) {
    const QueryLog* log = sources.query_log;
    return std::make_shared<MemoryTableProvider>(
        std::string(name),
        QueriesSchema(),
        [log, snapshot = std::move(snapshot), database](const exec::TaskContext&) {
          return QueriesRows(log, *database);
        });
  }
  if (name == kTablesTable) {
    return std::make_shared<MemoryTableProvider>(
        std::string(name),
        TablesSchema(),
        [sources, snapshot = std::move(snapshot), database](const exec::TaskContext&) {
          return TablesRows(sources, *database);
        });
  }
  if (name == kColumnsTable) {
    return std::make_shared<MemoryTableProvider>(
        std::string(name),
        ColumnsSchema(),
        [snapshot = std::move(snapshot), database](const exec::TaskContext&) {
          return ColumnsRows(*database);
        });
  }
  return nullptr;
}

}  // namespace strata::query
