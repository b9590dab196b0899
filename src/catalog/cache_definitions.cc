// Validation and defaults of cache definitions.
#include "catalog/cache_definitions.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "catalog/names.h"
#include "catalog/schema.h"
#include "common/status.h"
#include "fmt/format.h"

namespace strata::catalog {
namespace {

bool IsLastCacheKeyType(const ColumnSchema& column) {
  return column.kind == ColumnKind::kTag ||
         (column.kind == ColumnKind::kField &&
          (column.type == TypeId::kString || column.type == TypeId::kInt64 ||
           column.type == TypeId::kUInt64 || column.type == TypeId::kBool));
}

bool IsDistinctCacheColumnType(const ColumnSchema& column) {
  return column.kind == ColumnKind::kTag ||
         (column.kind == ColumnKind::kField && column.type == TypeId::kString);
}

// Resolves `names` against `table`; `role` names the list in errors ("key column").
absl::StatusOr<std::vector<uint32_t>> ResolveColumns(const TableSchema& table,
                                                     const std::vector<std::string>& names,
                                                     std::string_view role) {
  std::vector<uint32_t> ids;
  absl::flat_hash_set<uint32_t> seen;
  for (const std::string& name : names) {
    const ColumnSchema* column = table.FindColumn(name);
    if (column == nullptr) {
      return absl::InvalidArgumentError(
          fmt::format("{} '{}' not found in table '{}'", role, name, table.name()));
    }
    if (!seen.insert(column->id).second) {
      return absl::InvalidArgumentError(fmt::format("{} '{}' is listed twice", role, name));
    }
    ids.push_back(column->id);
  }
  return ids;
}

std::string JoinColumnNames(const TableSchema& table, const std::vector<uint32_t>& ids) {
  std::string joined;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) {
      joined += '_';
    }
    joined += table.ColumnById(ids[i])->name;
  }
  return joined;
}

absl::Status CheckName(std::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError("the cache name must not be empty");
  }
  if (name.size() > 256) {
    return absl::InvalidArgumentError(
        fmt::format("the cache name is {} bytes long; the limit is 256", name.size()));
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          fmt::format("the cache name '{}' contains a control character", name));
    }
  }
  return absl::OkStatus();
}

}  // namespace

const LastCacheDefinition* TableCaches::FindLastCache(std::string_view name) const {
  for (const LastCacheDefinition& cache : last_caches) {
    if (cache.name == name) {
      return &cache;
    }
  }
  return nullptr;
}

const DistinctCacheDefinition* TableCaches::FindDistinctCache(std::string_view name) const {
  for (const DistinctCacheDefinition& cache : distinct_caches) {
    if (cache.name == name) {
      return &cache;
    }
  }
  return nullptr;
}

absl::StatusOr<LastCacheDefinition> MakeLastCacheDefinition(const TableSchema& table,
                                                            const LastCacheRequest& request) {
  LastCacheDefinition cache;
  if (request.key_columns.has_value()) {
    auto ids = ResolveColumns(table, *request.key_columns, "key column");
    if (!ids.ok()) {
      return ids.status();
    }
    cache.key_column_ids = *std::move(ids);
  } else {
    for (const ColumnSchema& column : table.columns()) {
      if (column.kind == ColumnKind::kTag) {
        cache.key_column_ids.push_back(column.id);
      }
    }
  }
  for (uint32_t id : cache.key_column_ids) {
    const ColumnSchema& column = *table.ColumnById(id);
    if (!IsLastCacheKeyType(column)) {
      return absl::InvalidArgumentError(fmt::format(
          "key column '{}' has type {}; a last cache key must be a tag or a string, integer, "
          "uinteger or boolean field",
          column.name,
          ColumnTypeName(column.kind, column.type)));
    }
  }
  if (request.value_columns.has_value()) {
    cache.all_value_columns = false;
    auto ids = ResolveColumns(table, *request.value_columns, "value column");
    if (!ids.ok()) {
      return ids.status();
    }
    for (uint32_t id : *ids) {
      for (uint32_t key : cache.key_column_ids) {
        if (id == key) {
          return absl::InvalidArgumentError(
              fmt::format("column '{}' cannot be both a key column and a value column",
                          table.ColumnById(id)->name));
        }
      }
      cache.value_column_ids.push_back(id);
    }
    bool has_time = false;
    for (uint32_t id : cache.value_column_ids) {
      has_time = has_time || id == kTimeColumnId;
    }
    if (!has_time) {
      cache.value_column_ids.push_back(kTimeColumnId);
    }
  }
  cache.count = request.count.value_or(1);
  if (cache.count < kMinLastCacheCount || cache.count > kMaxLastCacheCount) {
    return absl::InvalidArgumentError(fmt::format(
        "count {} is out of range: a last cache keeps 1 to 10 rows per key", cache.count));
  }
  cache.ttl_seconds = request.ttl_seconds.value_or(4 * 3600);
  if (cache.ttl_seconds <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("ttl {} is not positive (it is in seconds)", cache.ttl_seconds));
  }
  if (cache.ttl_seconds > int64_t{100} * 365 * 86400) {
    return absl::InvalidArgumentError(
        fmt::format("ttl {} seconds is longer than 100 years", cache.ttl_seconds));
  }
  cache.name = request.name.value_or(
      fmt::format("{}_{}_last_cache", table.name(), JoinColumnNames(table, cache.key_column_ids)));
  STRATA_RETURN_IF_ERROR(CheckName(cache.name));
  return cache;
}

absl::StatusOr<DistinctCacheDefinition> MakeDistinctCacheDefinition(
    const TableSchema& table, const DistinctCacheRequest& request) {
  DistinctCacheDefinition cache;
  if (request.columns.empty()) {
    return absl::InvalidArgumentError("a distinct cache needs at least one column");
  }
  auto ids = ResolveColumns(table, request.columns, "column");
  if (!ids.ok()) {
    return ids.status();
  }
  cache.column_ids = *std::move(ids);
  if (cache.column_ids.size() > kMaxDistinctCacheColumns) {
    return absl::InvalidArgumentError(fmt::format("a distinct cache has at most {} columns, not {}",
                                                  kMaxDistinctCacheColumns,
                                                  cache.column_ids.size()));
  }
  for (uint32_t id : cache.column_ids) {
    const ColumnSchema& column = *table.ColumnById(id);
    if (!IsDistinctCacheColumnType(column)) {
      return absl::InvalidArgumentError(
          fmt::format("column '{}' has type {}; a distinct cache column must be a tag or a "
                      "string field",
                      column.name,
                      ColumnTypeName(column.kind, column.type)));
    }
  }
  cache.max_cardinality = request.max_cardinality.value_or(100'000);
  if (cache.max_cardinality <= 0 || cache.max_cardinality > int64_t{100'000'000}) {
    return absl::InvalidArgumentError(
        fmt::format("max_cardinality {} is out of range (1 to 100000000)", cache.max_cardinality));
  }
  cache.max_age_seconds = request.max_age_seconds.value_or(86'400);
  if (cache.max_age_seconds <= 0 || cache.max_age_seconds > int64_t{100} * 365 * 86400) {
    return absl::InvalidArgumentError(
        fmt::format("max_age {} is out of range (1 second to 100 years; it is in seconds)",
                    cache.max_age_seconds));
  }
  cache.name = request.name.value_or(
      fmt::format("{}_{}_distinct_cache", table.name(), JoinColumnNames(table, cache.column_ids)));
  STRATA_RETURN_IF_ERROR(CheckName(cache.name));
  return cache;
}

absl::Status CheckLastCacheDefinition(const TableSchema& table, const LastCacheDefinition& cache) {
  STRATA_RETURN_IF_ERROR(CheckName(cache.name));
  absl::flat_hash_set<uint32_t> keys;
  for (uint32_t id : cache.key_column_ids) {
    const ColumnSchema* column = table.ColumnById(id);
    if (column == nullptr || !IsLastCacheKeyType(*column) || !keys.insert(id).second) {
      return absl::InvalidArgumentError(
          fmt::format("last cache '{}': bad key column id {}", cache.name, id));
    }
  }
  if (cache.all_value_columns != cache.value_column_ids.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("last cache '{}': value columns and all_value_columns disagree", cache.name));
  }
  absl::flat_hash_set<uint32_t> values;
  for (uint32_t id : cache.value_column_ids) {
    if (table.ColumnById(id) == nullptr || keys.contains(id) || !values.insert(id).second) {
      return absl::InvalidArgumentError(
          fmt::format("last cache '{}': bad value column id {}", cache.name, id));
    }
  }
  if (cache.count < kMinLastCacheCount || cache.count > kMaxLastCacheCount ||
      cache.ttl_seconds <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("last cache '{}': count or ttl out of range", cache.name));
  }
  return absl::OkStatus();
}

absl::Status CheckDistinctCacheDefinition(const TableSchema& table,
                                          const DistinctCacheDefinition& cache) {
  STRATA_RETURN_IF_ERROR(CheckName(cache.name));
  absl::flat_hash_set<uint32_t> seen;
  if (cache.column_ids.empty() || cache.column_ids.size() > kMaxDistinctCacheColumns) {
    return absl::InvalidArgumentError(
        fmt::format("distinct cache '{}': no columns or too many", cache.name));
  }
  for (uint32_t id : cache.column_ids) {
    const ColumnSchema* column = table.ColumnById(id);
    if (column == nullptr || !IsDistinctCacheColumnType(*column) || !seen.insert(id).second) {
      return absl::InvalidArgumentError(
          fmt::format("distinct cache '{}': bad column id {}", cache.name, id));
    }
  }
  if (cache.max_cardinality <= 0 || cache.max_age_seconds <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("distinct cache '{}': max_cardinality or max_age out of range", cache.name));
  }
  return absl::OkStatus();
}

}  // namespace strata::catalog
