// Filling the last-value and distinct-value caches from data already written: a cache created
// on a table that holds rows, and every cache after a restart (the WAL replay refills only what
// the WAL still holds; the rest is in Parquet files). A fill is a scan of the table through the
// query engine (write buffer and Parquet files), so it sees what a query would.
#pragma once

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"
#include "cache/cache_manager.h"
#include "catalog/catalog.h"
#include "query/query_engine.h"

namespace strata::query {

struct CacheFillStats {
  int64_t rows_scanned = 0;  // rows the scan returned
  int64_t rows_offered = 0;  // rows handed to the cache (after each batch kept its newest)
};

// Fills `cache`, a last-value cache of `table` in `database`, with the newest rows per key of the
// table as it is now, at wall clock `now_ns` (the ttl of these rows counts from then), then opens
// its gate, also when the fill fails (the cache then holds what writes have added, and is marked
// incomplete: it never answers a query of the table itself). Rows written
// while the fill runs reach the cache through the write path and win over the fill's rows of
// the same time. `stop` (may be null) is checked between batches: when true the fill ends
// with Cancelled.
absl::StatusOr<CacheFillStats> FillLastCache(const QueryEngine& engine,
                                             const catalog::DatabaseSchema& database,
                                             const catalog::TableSchema& table,
                                             cache::LastCache* cache,
                                             int64_t now_ns,
                                             const std::atomic<bool>* stop = nullptr);

// Fills `cache`, a distinct-value cache of `table`, with the distinct tuples of its columns in
// the table as it is now (at wall clock `now_ns`), then opens its gate; as FillLastCache.
absl::StatusOr<CacheFillStats> FillDistinctCache(const QueryEngine& engine,
                                                 const catalog::DatabaseSchema& database,
                                                 const catalog::TableSchema& table,
                                                 cache::DistinctCache* cache,
                                                 int64_t now_ns,
                                                 const std::atomic<bool>* stop = nullptr);

// Fills every cache of `caches` whose gate is closed (those CacheManager::LoadDefinitions made
// at start-up with filled = false), one after another, logging each. A cache whose table or
// definition is gone is opened empty; a failed fill is logged and its cache opened. Returns the
// number of caches filled without error.
int FillPendingCaches(const QueryEngine& engine,
                      const catalog::Catalog& catalog,
                      cache::CacheManager* caches,
                      const std::atomic<bool>* stop = nullptr);

}  // namespace strata::query
