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
  // `filled`: whether the cache starts with its gate open (false: a fill from the table's data
  // follows, and lookups wait for it; see FillGate).
  explicit DistinctCache(catalog::DistinctCacheDefinition definition, bool filled = true);
  ~DistinctCache();

  const catalog::DistinctCacheDefinition& definition() const { return definition_; }
  FillGate& fill_gate() const { return fill_gate_; }

  // Adds the rows of `write` (a write to this cache's table) at wall clock `now_ns`.
  void Insert(const TableWrite& write, int64_t now_ns);

  // Adds tuples (one value per column, nullopt for NULL) from data written before the cache
  // existed (a fill), at wall clock `now_ns`; all-NULL tuples are skipped, as in Insert.
  void Backfill(const std::vector<std::vector<std::optional<std::string>>>& tuples, int64_t now_ns);

  // The unexpired tuples (at `now_ns`) whose values pass `filters` (one per column, or empty),
  // in ascending order (NULL first), at most `limit` of them (when set). Each tuple has one
  // value per column: a string, or monostate for NULL.
  std::vector<std::vector<Value>> Lookup(const std::vector<ColumnFilter>& filters,
                                         std::optional<int64_t> limit,
                                         int64_t now_ns) const;

  // Whether the cache holds, at `now_ns`, every distinct tuple of its table (the condition for
  // answering SELECT DISTINCT over the table, see UseCaches): it was filled, no tuple left it
  // (max_age, max_cardinality, a failed fill), and no row lacked all its columns.
  bool IsComplete(int64_t now_ns) const;
  // Records that the cache misses tuples (a fill that failed).
  void MarkIncomplete();

  // Removes expired tuples, then the least recently written ones beyond `max_cardinality`.
  void Prune(int64_t now_ns);

  // The number of tuples held.
  int64_t cardinality() const;

  struct Node;

 private:
  void PruneLocked(int64_t now_ns, int64_t target) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Adds the tuple values[0..n) seen at `now_ns`; true when it is new.
  bool AddTuple(const std::optional<std::string_view>* values, size_t n, int64_t now_ns)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Prunes after tuples were added (`grew`: some were new).
  void PruneAfterAdd(bool grew, int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const catalog::DistinctCacheDefinition definition_;
  const int64_t max_age_ns_;

  mutable FillGate fill_gate_;
  mutable absl::Mutex mutex_;
  std::unique_ptr<Node> root_ ABSL_GUARDED_BY(mutex_);
  int64_t cardinality_ ABSL_GUARDED_BY(mutex_) = 0;
  int64_t last_prune_ns_ ABSL_GUARDED_BY(mutex_) = 0;
  mutable bool lost_ ABSL_GUARDED_BY(mutex_) = false;
  int64_t rows_without_values_ ABSL_GUARDED_BY(mutex_) = 0;
  // No held tuple was last written before this (a lower bound; IsComplete raises it).
  mutable int64_t oldest_seen_bound_ns_ ABSL_GUARDED_BY(mutex_) = INT64_MAX;
};

}  // namespace strata::cache
