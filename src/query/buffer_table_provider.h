// Table providers over the write buffer: one table (BufferTableProvider) and one database's
// tables (BufferSchemaProvider), resolved against a catalog snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "buffer/write_buffer.h"
#include "catalog/schema.h"
#include "plan/table_provider.h"
#include "query/buffer_scan_exec.h"
#include "query/scan_sources.h"

namespace strata::query {

// One table of one database in the write buffer. Its schema is the catalog table's columns
// sorted by name (tags kDictionary, time kTimestamp, fields by type), as SELECT * shows them.
//
// Filters: every filter made only of scalar expressions over the table's columns is kExact: the
// scan evaluates it after pruning (BufferScanExec). Time comparisons with timestamp literals
// bound the chunks taken from the buffer; comparisons, IN lists and IS [NOT] NULL on any column
// prune chunks by their statistics.
//
// Thread-safe (immutable). `buffer` must outlive the provider and every plan built from it.
class BufferTableProvider : public plan::TableProvider {
 public:
  BufferTableProvider(ScanSources sources,
                      uint32_t database_id,
                      std::shared_ptr<const catalog::TableSchema> table);

  const SchemaPtr& schema() const override { return schema_; }
  const std::string& name() const override { return table_->name(); }
  std::vector<plan::FilterPushdown> SupportsFiltersPushdown(
      const std::vector<plan::ExprPtr>& filters) const override;
  absl::StatusOr<exec::ExecutionPlanPtr> Scan(const plan::ScanRequest& request,
                                              const exec::TaskContext& context) const override;
  std::optional<int64_t> EstimatedRowCount() const override;
  // The table's last-value and distinct-value caches (cache_table_functions.h).
  plan::TableProviderPtr NewestRowsSource(const plan::NewestRowsRequest& request) const override;
  plan::TableProviderPtr DistinctValuesSource(const std::vector<int>& fields) const override;

  // The catalog column id of each schema field.
  const std::vector<uint32_t>& column_ids() const { return column_ids_; }

 private:
  // Rows, chunks plus files, and time range of the table in the buffer and in files.
  struct TableSize {
    int64_t rows = 0;
    int64_t units = 0;
    int64_t min_time = INT64_MAX;
    int64_t max_time = INT64_MIN;
  };
  TableSize Size() const;

  // How many partitions a scan of `spec` uses: the context's target, but no more than the
  // table's chunks, and no more than one per min_rows_per_partition rows the scan is expected to
  // read in its time range.
  int ScanPartitions(const BufferScanSpec& spec, const exec::TaskContext& context) const;

  ScanSources sources_;
  uint32_t database_id_;
  std::shared_ptr<const catalog::TableSchema> table_;
  SchemaPtr schema_;
  std::vector<uint32_t> column_ids_;
};

// The tables of one database, as of one catalog snapshot (held for the provider's life, so one
// query sees one catalog state): its own tables in schema "iox", the views of information_schema
// (information_schema.h) over them, and the system tables (system_tables.h). `buffer` must
// outlive the provider.
class BufferSchemaProvider : public plan::SchemaProvider {
 public:
  // REQUIRES: `database` belongs to `snapshot`.
  BufferSchemaProvider(ScanSources sources,
                       std::shared_ptr<const catalog::CatalogSnapshot> snapshot,
                       const catalog::DatabaseSchema* database);

  plan::TableProviderPtr FindTable(std::string_view name) const override;
  std::vector<std::string> TableNames() const override;
  plan::TableProviderPtr FindTableInSchema(std::string_view schema,
                                           std::string_view table) const override;
  std::vector<std::string> SchemaNames() const override;
  std::vector<std::string> TableNamesInSchema(std::string_view schema) const override;
  // last_cache() and distinct_cache() (cache_table_functions.h).
  absl::StatusOr<plan::TableProviderPtr> CallTableFunction(
      std::string_view name, const std::vector<exec::Scalar>& args) const override;

 private:
  ScanSources sources_;
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot_;
  const catalog::DatabaseSchema* database_;
};

}  // namespace strata::query
