// The table functions last_cache('table'[, 'name']) and distinct_cache('table'[, 'name']): the
// rows of a last-value or distinct-value cache as a table, with equality, IN and NOT IN filters
// on the cache's key columns answered by the cache lookup.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "catalog/schema.h"
#include "exec/scalar.h"
#include "plan/table_provider.h"
#include "query/scan_sources.h"

namespace strata::query {

// The table of table function `name` ("last_cache" or "distinct_cache") called with `args` over
// `database`; nullptr when `name` is neither. Errors (InvalidArgument) for bad arguments, an
// unknown table, a table without such a cache, or several caches and no name (the message
// lists them). Schemas, as InfluxDB 3's:
//   last_cache:     the key columns in key order (never null), then the value columns: those
//                   listed when the cache was created (time last when not listed), or every
//                   other column of the table as it is now, in column order, with time last.
//                   Tags are Utf8. One row per cached row, keys in ascending order, each key's
//                   rows newest first; rows past the ttl are left out.
//   distinct_cache: the cache's columns in order (Utf8, nullable): one row per distinct tuple,
//                   ascending; a pushed-down LIMIT stops the lookup early.
// The provider keeps `snapshot` (which owns `database`) alive; `sources.caches` must outlive
// the plans built from it.
absl::StatusOr<plan::TableProviderPtr> CallCacheTableFunction(
    std::string_view name,
    const std::vector<exec::Scalar>& args,
    const ScanSources& sources,
    std::shared_ptr<const catalog::CatalogSnapshot> snapshot,
    const catalog::DatabaseSchema* database);

// A provider with `table`'s `schema` (fields in the order of `column_ids`) whose scans read one
// of its last-value caches that holds what `request` asks for (see plan::NewestRowsRequest and
// UseCaches): filled, complete (no row expired or lost), keyed by the request's group fields or
// finer, holding rows_per_group rows, covering the fields. nullptr when no cache can answer.
plan::TableProviderPtr MakeNewestRowsSource(const ScanSources& sources,
                                            uint32_t database_id,
                                            const catalog::TableSchema& table,
                                            SchemaPtr schema,
                                            const std::vector<uint32_t>& column_ids,
                                            const plan::NewestRowsRequest& request);

// As MakeNewestRowsSource, from a complete distinct-value cache whose columns include `fields`.
plan::TableProviderPtr MakeDistinctValuesSource(const ScanSources& sources,
                                                uint32_t database_id,
                                                const catalog::TableSchema& table,
                                                SchemaPtr schema,
                                                const std::vector<uint32_t>& column_ids,
                                                const std::vector<int>& fields);

}  // namespace strata::query
