// The `system` schema: InfluxDB 3's system tables over one database: `system.parquet_files`
// (the Parquet files of the database's tables in the file index), `system.queries` (the query
// log), and strata's own `system.tables` and `system.columns` (the catalog with row and file
// counts). docs/sql.md describes them for users.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/schema.h"
#include "plan/table_provider.h"
#include "query/scan_sources.h"

namespace strata::query {

// The names of the system tables, sorted: "columns", "distinct_caches", "last_caches",
// "parquet_files", "queries", "tables".
std::vector<std::string> SystemTableNames();

// The system table `name` of `database`, or nullptr when there is no such table:
//   parquet_files (table_name Utf8, path Utf8, size_bytes UInt64, row_count UInt64,
//                  min_time Int64, max_time Int64), every column non-nullable, as InfluxDB 3's
//                  (min_time and max_time are nanoseconds since the epoch, of the file's first
//                  and last rows): one row per file of the database's tables in the persister's
//                  file index, by table name and then in the order the files were written. The
//                  index is read when the table is scanned; tables are named as `snapshot`
//                  names them (a file of a table newer than the snapshot is left out, as the
//                  table is). Empty when persistence is off (no persister in `sources`).
//   last_caches (table, name, key_column_ids, key_column_names, value_column_ids,
//                value_column_names Utf8, count UInt64, ttl UInt64 seconds): one row per last
//                cache, by table and name. The lists are text ("[1, 2]", "[host, region]"),
//                as InfluxDB 3 prints its list columns; value columns leave out time.
//   distinct_caches (table, name, column_ids, column_names Utf8, max_cardinality UInt64,
//                max_age_seconds UInt64): one row per distinct cache, by table and name.
//   queries (id Utf8, phase Utf8, issue_time Timestamp, query_type Utf8, query_text Utf8,
//            partitions Int64?, parquet_files Int64?, plan_duration Int64?,
//            permit_duration Int64?, execute_duration Int64?, end2end_duration Int64?,
//            compute_duration Int64?, max_memory Int64, success Bool, running Bool,
//            cancelled Bool, trace_id Utf8?): InfluxDB 3's columns (? marks nullable ones;
//            durations are nanoseconds, as strata has no Duration type), one row per entry of
//            `sources.query_log` for this database, oldest first, as of the scan. Empty without
//            a log.
//   tables (table_name Utf8, table_id UInt64, column_count UInt64, tag_count UInt64,
//           field_count UInt64, buffer_rows UInt64, buffer_chunks UInt64, buffer_series UInt64,
//           parquet_files UInt64, parquet_rows UInt64, parquet_size_bytes UInt64): one row per
//           table of the snapshot, by name; buffer counts from the write buffer as of the scan
//           (rows include those of windows being persisted), file counts from the file index.
//   columns (table_name Utf8, column_name Utf8, column_id UInt64, kind Utf8 ("tag", "field",
//            "time"), influx_type Utf8 ("tag", "float", "integer", ...), data_type Utf8 (as
//            information_schema.columns names it)): one row per column, by table name, then id.
// The provider keeps `snapshot` (which owns `database`) alive; `sources.persister` must outlive
// the plans built from it.
plan::TableProviderPtr FindSystemTable(std::string_view name,
                                       const ScanSources& sources,
                                       std::shared_ptr<const catalog::CatalogSnapshot> snapshot,
                                       const catalog::DatabaseSchema* database);

}  // namespace strata::query
