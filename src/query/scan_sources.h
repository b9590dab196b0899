// What table scans read: the write buffer and, once persistence is on, the Parquet files of the
// file index (through the persister, which hands out consistent views of both).
#pragma once

#include "buffer/write_buffer.h"
#include "cache/cache_manager.h"
#include "persist/file_cache.h"
#include "persist/persister.h"
#include "query/query_log.h"

namespace strata::query {

struct ScanSources {
  const buffer::WriteBuffer* buffer = nullptr;
  // Null: the scan reads only the buffer. Set together.
  const persist::Persister* persister = nullptr;
  persist::ParquetFileCache* files = nullptr;
  // A scan of one table may read at most this many files (0: no limit); beyond, the query fails
  // with a message naming --query-file-limit.
  int64_t file_limit = 0;
  // The last-value and distinct-value caches (null: the cache table functions fail).
  const cache::CacheManager* caches = nullptr;
  // The server's query log, read by system.queries (null: the table is empty).
  const QueryLog* query_log = nullptr;
};

}  // namespace strata::query
