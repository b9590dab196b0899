// The definitions of a table's last-value caches and distinct-value caches, as the catalog
// persists them (docs/catalog.md), and their validation against the table when a user creates
// one. The caches themselves live in src/cache.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::catalog {

class TableSchema;

// A last-value cache: the newest `count` rows per distinct combination of the key columns.
struct LastCacheDefinition {
  std::string name;
  // Key column ids, in key order (tags, string, int64, uint64 or bool columns).
  std::vector<uint32_t> key_column_ids;
  // True: every column that is not a key column, including columns added to the table later
  // (value_column_ids is empty). False: exactly value_column_ids, which includes time.
  bool all_value_columns = true;
  std::vector<uint32_t> value_column_ids;
  int64_t count = 1;
  int64_t ttl_seconds = 4 * 3600;

  friend bool operator==(const LastCacheDefinition&, const LastCacheDefinition&) = default;
};

// A distinct-value cache: the distinct tuples of values of `column_ids` (tags or string fields).
struct DistinctCacheDefinition {
  std::string name;
  std::vector<uint32_t> column_ids;
  int64_t max_cardinality = 100'000;
  int64_t max_age_seconds = 86'400;

  friend bool operator==(const DistinctCacheDefinition&, const DistinctCacheDefinition&) = default;
};

// The caches defined on one table. Names are unique per table and kind.
struct TableCaches {
  std::vector<LastCacheDefinition> last_caches;
  std::vector<DistinctCacheDefinition> distinct_caches;

  bool empty() const { return last_caches.empty() && distinct_caches.empty(); }
  const LastCacheDefinition* FindLastCache(std::string_view name) const;
  const DistinctCacheDefinition* FindDistinctCache(std::string_view name) const;

  friend bool operator==(const TableCaches&, const TableCaches&) = default;
};

// Limits of a last-value cache's count.
inline constexpr int64_t kMinLastCacheCount = 1;
inline constexpr int64_t kMaxLastCacheCount = 10;
// The most columns a distinct-value cache may have.
inline constexpr size_t kMaxDistinctCacheColumns = 64;

// What a user asks for when creating a last-value cache; unset members take their defaults.
struct LastCacheRequest {
  std::string database = {};
  std::string table = {};
  std::optional<std::string> name = {};
  std::optional<std::vector<std::string>> key_columns = {};
  std::optional<std::vector<std::string>> value_columns = {};
  std::optional<int64_t> count = {};
  std::optional<int64_t> ttl_seconds = {};
};

// What a user asks for when creating a distinct-value cache.
struct DistinctCacheRequest {
  std::string database = {};
  std::string table = {};
  std::optional<std::string> name = {};
  std::vector<std::string> columns = {};
  std::optional<int64_t> max_cardinality = {};
  std::optional<int64_t> max_age_seconds = {};
};

// Builds the definition `request` asks for on `table`: defaults filled in (key columns: the
// table's tags in column order; name `<table>_<key columns joined by _>_last_cache`), every column
// resolved and checked. InvalidArgument naming the offending column or value.
absl::StatusOr<LastCacheDefinition> MakeLastCacheDefinition(const TableSchema& table,
                                                            const LastCacheRequest& request);

// As MakeLastCacheDefinition, for a distinct-value cache (name
// `<table>_<columns joined by _>_distinct_cache`).
absl::StatusOr<DistinctCacheDefinition> MakeDistinctCacheDefinition(
    const TableSchema& table, const DistinctCacheRequest& request);

// Checks a definition read from the catalog file against its table (ids in range, kinds
// allowed, names unique); the message names what is wrong.
absl::Status CheckLastCacheDefinition(const TableSchema& table, const LastCacheDefinition& cache);
absl::Status CheckDistinctCacheDefinition(const TableSchema& table,
                                          const DistinctCacheDefinition& cache);

}  // namespace strata::catalog
