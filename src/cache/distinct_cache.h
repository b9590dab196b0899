// The distinct-value cache (InfluxDB 3's DVC, the "meta cache"): the distinct tuples of values
// of an ordered list of columns (tags or string fields), kept as a tree by column order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "cache/cache_value.h"
#include "catalog/cache_definitions.h"
#include "catalog/write_batch.h"

namespace strata::cache {

// Thread-safe (one mutex; lookups copy what they return).
//
// Semantics: each written row adds the tuple of its values of the cache's columns; a column the
// row lacks is NULL in the tuple, and a row lacking all of them adds nothing. A tuple's age is
// the wall clock time it was last written; tuples older than max_age are never returned and are
// removed on the next write at least a second later (or by Prune). When a write takes the cache
// past max_cardinality tuples, the least recently written tuples are removed until 90% of
// max_cardinality remain (so a cache at its limit does not scan the tree on every new tuple).
class DistinctCache {
 public:
  explicit DistinctCache(catalog::DistinctCacheDefinition definition);
  ~DistinctCache();

  const catalog::DistinctCacheDefinition& definition() const { return definition_; }

  // Adds the rows of `write` (a write to this cache's table) at wall clock `now_ns`.
  void Insert(const TableWrite& write, int64_t now_ns);

  // The unexpired tuples (at `now_ns`) whose values pass `filters` (one per column, or empty),
  // in ascending order (NULL first), at most `limit` of them (when set). Each tuple has one
  // value per column: a string, or monostate for NULL.
  std::vector<std::vector<Value>> Lookup(const std::vector<ColumnFilter>& filters,
                                         std::optional<int64_t> limit,
                                         int64_t now_ns) const;

  // Removes expired tuples, then the least recently written ones beyond `max_cardinality`.
  void Prune(int64_t now_ns);

  // The number of tuples held.
  int64_t cardinality() const;

  struct Node;

 private:
  void PruneLocked(int64_t now_ns, int64_t target) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const catalog::DistinctCacheDefinition definition_;
  const int64_t max_age_ns_;

  mutable absl::Mutex mutex_;
  std::unique_ptr<Node> root_ ABSL_GUARDED_BY(mutex_);
  int64_t cardinality_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t last_prune_ns_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace strata::cache
