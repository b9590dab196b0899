// The last-value cache (InfluxDB 3's LVC): per distinct combination of key column values, the
// newest `count` rows of a table, with the values of its value columns.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "cache/cache_value.h"
#include "catalog/cache_definitions.h"
#include "catalog/write_batch.h"

namespace strata::cache {

// One cached row: its time, when it entered the cache (wall clock), and its cells sorted by
// column id: the value columns the row had (a value column it lacks is NULL) and its tags outside
// the key, which tell two series apart (SameSeries). Cells are kept as the write batch has them,
// their strings in `strings`, so keeping a row copies bytes and builds no values.
struct LastRow {
  int64_t time = 0;
  int64_t inserted_ns = 0;
  std::vector<CellValue> cells;  // str.offset points into `strings`
  std::string strings;

  // The value of column `column_id` (monostate when the row has none). Meant for value columns
  // (tags outside the key that are not value columns are held too, but only for SameSeries).
  Value Find(uint32_t column_id) const;
  // The same as a cell (null when the row has none); a string's bytes are StringOf(*cell).
  const CellValue* FindCell(uint32_t column_id) const;
  // Adds the cell `column_id` = `value` (monostate adds nothing), replacing one of that column;
  // `tag` marks a string as a tag (part of the series, see SameSeries).
  void Add(uint32_t column_id, const Value& value, bool tag = false);
  std::string_view StringOf(const CellValue& cell) const {
    return std::string_view(strings).substr(cell.str.offset, cell.str.length);
  }
  // Whether the two rows have the same tags outside the key (so, with the same key, belong to
  // the same series).
  bool SameSeries(const LastRow& other) const;
};

// The rows of one key, newest first.
struct LastCacheEntry {
  std::vector<Value> key;  // one per key column, in key order; never null
  std::vector<LastRow> rows;
};

// Thread-safe: writes (Insert) and lookups (Lookup) may run concurrently; each takes the cache's
// mutex, lookups copying the rows they return.
//
// Semantics: a row missing any key column is not cached (it has no key). Per key, the newest
// `count` rows by row time are kept; a row older than every cached row of a full key is dropped;
// a row with the time of a cached row is merged into it (its values replace those of the same
// columns), as the write buffer resolves a duplicate point. The ttl counts from the moment a row
// entered the cache (wall clock, as in InfluxDB 3; on restart the WAL replay time): expired rows
// are never returned and are removed when their key is written or by EvictExpired.
class LastCache {
 public:
  // `filled`: whether the cache starts with its gate open (false: a fill from the table's data
  // follows, and lookups wait for it; see FillGate).
  explicit LastCache(catalog::LastCacheDefinition definition, bool filled = true);

  const catalog::LastCacheDefinition& definition() const { return definition_; }
  FillGate& fill_gate() const { return fill_gate_; }

  // Adds the rows of `write` (a write to this cache's table) at wall clock `now_ns`.
  void Insert(const TableWrite& write, int64_t now_ns);

  // Adds `row` of key `key` (the values of the key columns in key order, none null) from data
  // written before the cache existed (a fill), at wall clock `now_ns`. As Insert, except that a
  // cached row of the same time keeps its values and only gains the columns it lacks: it came
  // from a write at least as new as the fill's snapshot of the table.
  void Backfill(const std::vector<Value>& key, LastRow row, int64_t now_ns);

  // The entries whose key passes `filters` (one per key column, or empty for none), each with
  // its unexpired rows (at `now_ns`); entries left with no row are left out. Order unspecified.
  std::vector<LastCacheEntry> Lookup(const std::vector<ColumnFilter>& filters,
                                     int64_t now_ns) const;

  // Calls `fn(entry, row)` for every unexpired row (at `now_ns`), under the cache's lock and
  // without copying: `fn` must be quick and must not call back into the cache.
  void ForEachRow(int64_t now_ns,
                  const std::function<void(const LastCacheEntry&, const LastRow&)>& fn) const;

  // Removes expired rows and keys left without rows.
  void EvictExpired(int64_t now_ns);

  // Whether the cache holds, at `now_ns`, the newest `count` rows of every key of its table
  // (the condition for answering a query of the table, see UseCaches): it was filled, no row
  // was lost (expired, or a failed fill), and no two series met at one key and time.
  struct Completeness {
    bool complete = false;
    // Rows written without a key column (not cached): the groups with a NULL key are missing.
    int64_t rows_without_key = 0;
  };
  Completeness CheckComplete(int64_t now_ns) const;
  // Records that the cache misses rows (a fill that failed).
  void MarkIncomplete();
  // Counts rows a fill skipped for lacking a key column.
  void AddRowsWithoutKey(int64_t rows);

  // The number of keys held (including keys whose rows have expired but are not evicted yet).
  size_t key_count() const;

 private:
  // Whether Insert keeps a cell of column `column_id` of type `type` in a row: a value column,
  // or a tag outside the key.
  bool Keeps(uint32_t column_id, TypeId type) const {
    if (column_id < keep_.size()) {
      const Keep keep = keep_[column_id];
      return keep == Keep::kAlways || (keep == Keep::kIfTag && type == TypeId::kDictionary);
    }
    return definition_.all_value_columns || type == TypeId::kDictionary;
  }
  void InsertRow(LastCacheEntry* entry, LastRow row, int64_t now_ns)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Removes the expired rows of `rows` (noting the loss).
  void RemoveExpired(std::vector<LastRow>* rows, int64_t cutoff)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const catalog::LastCacheDefinition definition_;
  const int64_t ttl_ns_;
  // What rows keep of each column id up to the largest named in the definition (beyond it: a
  // column added later, kept when all_value_columns, or when it is a tag).
  enum class Keep : uint8_t { kNever, kAlways, kIfTag };
  std::vector<Keep> keep_;
  // The key columns by column id: (column id, position in the key).
  std::vector<std::pair<uint32_t, size_t>> key_by_id_;

  mutable FillGate fill_gate_;
  mutable absl::Mutex mutex_;
  // Keyed by the encoded key values.
  absl::flat_hash_map<std::string, LastCacheEntry> entries_ ABSL_GUARDED_BY(mutex_);
  // A row expired or a fill failed.
  mutable bool lost_ ABSL_GUARDED_BY(mutex_) = false;
  // Rows of two series met at one key and time (and were merged).
  bool ambiguous_ ABSL_GUARDED_BY(mutex_) = false;
  int64_t rows_without_key_ ABSL_GUARDED_BY(mutex_) = 0;
  // No held row entered the cache before this (a lower bound; CheckComplete raises it).
  mutable int64_t oldest_insert_bound_ns_ ABSL_GUARDED_BY(mutex_) = INT64_MAX;
};

}  // namespace strata::cache
