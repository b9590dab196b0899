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

}  // namespace

std::vector<std::string> SystemTableNames() {
  return {std::string(kDistinctCachesTable),
          std::string(kLastCachesTable),
          std::string(kParquetFilesTable)};
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
  return nullptr;
}

}  // namespace strata::query
