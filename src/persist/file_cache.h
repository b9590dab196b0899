// ParquetFileCache: opens the Parquet files of the file index for queries, keeping recently used
// ones in memory (--parquet-mem-cache-size). A file is fetched whole from the object store (files
// are written per time window, megabytes rather than gigabytes), its footer parsed once, and the
// strata.columns metadata mapped to catalog column ids.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "objectstore/object_store.h"
#include "parquet/file_reader.h"
#include "persist/file_index.h"

namespace strata::persist {

// One opened file: its reader and, per catalog column id, the file's column index.
struct OpenedFile {
  std::unique_ptr<parquet::FileReader> reader;
  uint32_t table_id = 0;
  // Catalog column id -> column index in reader->schema(); absent ids are null in every row.
  absl::flat_hash_map<uint32_t, int> column_of_id;
  uint64_t size_bytes = 0;

  // Decoded column chunks ParquetFileCache::ReadColumns kept, by (row group, column), and their
  // bytes; `cached` while the cache holds the file. Guarded by the cache's mutex.
  mutable absl::flat_hash_map<std::pair<int, int>, ColumnPtr> decoded;
  mutable uint64_t decoded_bytes = 0;
  // The dictionaries of `decoded` counted in decoded_bytes.
  mutable absl::flat_hash_set<const StringDictionary*> decoded_dictionaries;
  mutable bool cached = false;

  // The file's column of catalog column `id`, or -1 when the file has none.
  int ColumnOf(uint32_t id) const {
    auto it = column_of_id.find(id);
    return it == column_of_id.end() ? -1 : it->second;
  }
};

// Counters since start.
struct FileCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t bytes = 0;          // held now: files and decoded columns
  uint64_t decoded_bytes = 0;  // of which decoded columns
  uint64_t files = 0;          // held now
};

// Thread-safe. `store` must outlive the cache.
class ParquetFileCache {
 public:
  // capacity_bytes 0: nothing is kept (every open fetches the file).
  ParquetFileCache(objectstore::ObjectStore* store, uint64_t capacity_bytes);

  // The file, from memory or fetched. DataLoss when the object is missing, is not a Parquet
  // file, or its strata.columns metadata is absent or malformed, naming the path.
  absl::StatusOr<std::shared_ptr<const OpenedFile>> Open(const ParquetFileInfo& file);

  // Columns `columns` (indices into the file's schema) of row group `row_group` of `file`,
  // whole: the decoded columns an earlier read kept, the others decoded now and kept while the
  // cache holds the file and they fit in its capacity (hot files are then scanned without
  // decompressing or decoding anything). DataLoss naming the file for a corrupt column.
  absl::StatusOr<std::vector<ColumnPtr>> ReadColumns(const OpenedFile& file,
                                                     const ParquetFileInfo& info,
                                                     int row_group,
                                                     const std::vector<int>& columns);

  FileCacheStats stats() const;
  // The dictionaries of the string columns read are interned here: a tag's row groups and files
  // share one dictionary while its values are the same.
  DictionaryInterner& dictionaries() { return *reader_options_.dictionaries; }
  uint64_t capacity_bytes() const { return capacity_bytes_; }

 private:
  // Evicts least recently used files until the cache is within its capacity.
  void EvictLocked();

  objectstore::ObjectStore* const store_;
  const uint64_t capacity_bytes_;
  parquet::ReaderOptions reader_options_;  // with the interner of the files' dictionaries

  mutable std::mutex mu_;
  // Most recently used first.
  std::list<std::pair<std::string, std::shared_ptr<const OpenedFile>>> lru_;
  absl::flat_hash_map<std::string, decltype(lru_)::iterator> by_path_;
  FileCacheStats stats_;
};

// Parses the strata.columns key-value metadata of a file strata wrote into `file`'s table_id and
// column_of_id (exposed for tests).
absl::Status MapStrataColumns(const parquet::FileReader& reader,
                              std::string_view what,
                              OpenedFile* file);

}  // namespace strata::persist
