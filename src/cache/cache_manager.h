// The caches of one server: every last-value and distinct-value cache by database, table and
// name, kept up to date by the write path (live writes and WAL replay).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "cache/distinct_cache.h"
#include "cache/last_cache.h"
#include "catalog/schema.h"
#include "catalog/write_batch.h"

namespace strata::cache {

// Nanoseconds since the epoch by the system clock.
int64_t WallClockNs();

// Thread-safe. Caches are held by shared_ptr: a query keeps the one it reads alive even if the
// cache is deleted meanwhile.
class CacheManager {
 public:
  // `clock` gives the wall clock the ttl and max_age count in (tests pass their own).
  explicit CacheManager(std::function<int64_t()> clock = WallClockNs);

  // Creates (empty) every cache `snapshot` defines that is not held yet. Call at start-up,
  // before the WAL is replayed.
  void LoadDefinitions(const catalog::CatalogSnapshot& snapshot);

  // Adds an empty cache (replacing nothing: a cache of that name that exists is kept).
  void AddLastCache(uint32_t database_id,
                    uint32_t table_id,
                    const catalog::LastCacheDefinition& definition);
  void AddDistinctCache(uint32_t database_id,
                        uint32_t table_id,
                        const catalog::DistinctCacheDefinition& definition);
  // Drops a cache; false when there was none of that name.
  bool RemoveLastCache(uint32_t database_id, uint32_t table_id, std::string_view name);
  bool RemoveDistinctCache(uint32_t database_id, uint32_t table_id, std::string_view name);

  // Adds the rows of `batch` to the caches of its tables. Cheap when no cache is defined (one
  // atomic load).
  void Apply(const WriteBatch& batch);

  // The cache, or nullptr.
  std::shared_ptr<const LastCache> FindLastCache(uint32_t database_id,
                                                 uint32_t table_id,
                                                 std::string_view name) const;
  std::shared_ptr<const DistinctCache> FindDistinctCache(uint32_t database_id,
                                                         uint32_t table_id,
                                                         std::string_view name) const;

  int64_t Now() const { return clock_(); }

 private:
  struct TableCacheSet {
    std::vector<std::shared_ptr<LastCache>> last;
    std::vector<std::shared_ptr<DistinctCache>> distinct;
  };
  static uint64_t Key(uint32_t database_id, uint32_t table_id) {
    return (uint64_t{database_id} << 32) | table_id;
  }
  void UpdateCount() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Removes the cache `name` from `list` of the table's set; false when there is none.
  template <typename List>
  bool RemoveCache(uint32_t database_id,
                   uint32_t table_id,
                   std::string_view name,
                   List TableCacheSet::*list);

  const std::function<int64_t()> clock_;
  mutable absl::Mutex mutex_;
  // Readers (the write hook, queries) take it shared.
  absl::flat_hash_map<uint64_t, TableCacheSet> tables_ ABSL_GUARDED_BY(mutex_);
  std::atomic<int64_t> cache_count_{0};
  // When the last-value caches were last swept of expired keys.
  std::atomic<int64_t> last_sweep_ns_{0};
};

}  // namespace strata::cache
