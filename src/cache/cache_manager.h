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
  // before the WAL is replayed. `filled` as for AddLastCache: false when a fill from the tables'
  // data follows (FillPendingCaches in src/query/cache_fill.h).
  void LoadDefinitions(const catalog::CatalogSnapshot& snapshot, bool filled = true);

  // Adds an empty cache and returns it, or returns nullptr when a cache of that name exists (it
  // is kept). `filled` false: the cache's gate starts closed, lookups wait until whoever fills
  // it from the table's data opens it (see FillGate).
  std::shared_ptr<LastCache> AddLastCache(uint32_t database_id,
                                          uint32_t table_id,
                                          const catalog::LastCacheDefinition& definition,
                                          bool filled = true);
  std::shared_ptr<DistinctCache> AddDistinctCache(
      uint32_t database_id,
      uint32_t table_id,
      const catalog::DistinctCacheDefinition& definition,
      bool filled = true);
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

  // Lookups of the caches by queries (last_cache(), distinct_cache(), and queries of a table
  // answered from a cache): a hit returned rows, a miss none. For /metrics.
  enum class CacheKind : uint8_t { kLast = 0, kDistinct = 1 };
  void RecordLookup(CacheKind kind, bool hit) const {
    (hit ? hits_ : misses_)[static_cast<int>(kind)].fetch_add(1, std::memory_order_relaxed);
  }
  int64_t hits(CacheKind kind) const {
    return hits_[static_cast<int>(kind)].load(std::memory_order_relaxed);
  }
  int64_t misses(CacheKind kind) const {
    return misses_[static_cast<int>(kind)].load(std::memory_order_relaxed);
  }

  // The caches whose gate is closed (waiting for a fill), with their table.
  struct UnfilledCache {
    uint32_t database_id = 0;
    uint32_t table_id = 0;
    std::shared_ptr<LastCache> last;  // one of the two is set
    std::shared_ptr<DistinctCache> distinct;
  };
  std::vector<UnfilledCache> Unfilled() const;

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
  mutable std::atomic<int64_t> hits_[2] = {0, 0};
  mutable std::atomic<int64_t> misses_[2] = {0, 0};
  // When the last-value caches were last swept of expired keys.
  std::atomic<int64_t> last_sweep_ns_{0};
};

}  // namespace strata::cache
