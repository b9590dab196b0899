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

}  // namespace

std::vector<std::string> SystemTableNames() {
  return {std::string(kParquetFilesTable)};
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
  return nullptr;
}

}  // namespace strata::query
