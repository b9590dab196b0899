// Cache fills: a scan of the table through the query engine, reduced batch by batch.
#include "query/cache_fill.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "columnar/cell_visit.h"
#include "common/logging.h"
#include "fmt/format.h"
#include "sql/ast.h"

namespace strata::query {
namespace {

// The cache value of row `row` of `column` (monostate for NULL).
cache::Value ValueAt(const Column& column, int64_t row) {
  return VisitCell(column, row, [](auto value) -> cache::Value {
    if constexpr (std::is_same_v<decltype(value), std::string_view>) {
      return std::string(value);
    } else {
      return value;
    }
  });
}

// SELECT of the columns `ids` of `table` (quoted), FROM the table.
std::string SelectColumns(const catalog::TableSchema& table,
                          const std::vector<uint32_t>& ids,
                          std::string_view suffix = "") {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) {
      sql += ", ";
    }
    sql += sql::QuoteIdentifier(table.ColumnById(ids[i])->name);
  }
  sql += " FROM " + sql::QuoteIdentifier(table.name());
  sql += suffix;
  return sql;
}

// Runs `sql` over `database` and hands each batch (without a selection) to `consume`.
absl::Status ScanBatches(const QueryEngine& engine,
                         const catalog::DatabaseSchema& database,
                         const std::string& sql,
                         const std::atomic<bool>* stop,
                         const std::function<void(const exec::Batch&)>& consume) {
  QueryOptions options;
  options.unlimited_files = true;
  auto result = engine.Execute(database.name(), sql, options);
  if (!result.ok()) {
    return result.status();
  }
  while (true) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      return absl::CancelledError("the server is shutting down");
    }
    exec::Batch batch;
    absl::StatusOr<bool> more = (*result)->Next(&batch);
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      return absl::OkStatus();
    }
    if (batch.has_selection()) {
      batch = batch.Compact();
    }
    consume(batch);
  }
}

// Whatever happens the cache's gate opens when the fill ends; a cache not filled in full is
// marked incomplete, so it never answers a query of its table.
template <typename Cache>
class FillGuard {
 public:
  explicit FillGuard(Cache* cache) : cache_(cache) {}
  FillGuard(const FillGuard&) = delete;
  FillGuard& operator=(const FillGuard&) = delete;
  ~FillGuard() {
    if (!filled_) {
      cache_->MarkIncomplete();
    }
    cache_->fill_gate().Open();
  }
  void Filled() { filled_ = true; }

 private:
  Cache* cache_;
  bool filled_ = false;
};

}  // namespace

absl::StatusOr<CacheFillStats> FillLastCache(const QueryEngine& engine,
                                             const catalog::DatabaseSchema& database,
                                             const catalog::TableSchema& table,
                                             cache::LastCache* cache,
                                             int64_t now_ns,
                                             const std::atomic<bool>* stop) {
  FillGuard<cache::LastCache> guard(cache);
  const catalog::LastCacheDefinition& definition = cache->definition();
  // The key columns, then the value columns, with time among them.
  std::vector<uint32_t> ids = definition.key_column_ids;
  const size_t keys = ids.size();
  for (const catalog::ColumnSchema& column : table.columns()) {
    bool is_key =
        std::find(definition.key_column_ids.begin(), definition.key_column_ids.end(), column.id) !=
        definition.key_column_ids.end();
    bool wanted =
        column.id == catalog::kTimeColumnId ||
        (definition.all_value_columns ? !is_key
                                      : std::find(definition.value_column_ids.begin(),
                                                  definition.value_column_ids.end(),
                                                  column.id) != definition.value_column_ids.end());
    if (wanted && !is_key) {
      ids.push_back(column.id);
    }
  }
  // Then every tag not among them: a cached row keeps its tags outside the key, which tell its
  // series apart (LastRow::SameSeries).
  for (const catalog::ColumnSchema& column : table.columns()) {
    if (column.kind == catalog::ColumnKind::kTag &&
        std::find(ids.begin(), ids.end(), column.id) == ids.end()) {
      ids.push_back(column.id);
    }
  }
  // Whether each column is a tag.
  std::vector<bool> is_tag(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    const catalog::ColumnSchema* column = table.ColumnById(ids[i]);
    is_tag[i] = column != nullptr && column->kind == catalog::ColumnKind::kTag;
  }
  for (uint32_t id : ids) {
    if (table.ColumnById(id) == nullptr) {
      return absl::InternalError(fmt::format(
          "last cache '{}': column id {} is not in table '{}'", definition.name, id, table.name()));
    }
  }
  const int time_index =
      static_cast<int>(std::find(ids.begin(), ids.end(), catalog::kTimeColumnId) - ids.begin());
  const size_t count = static_cast<size_t>(std::max<int64_t>(definition.count, 1));

  CacheFillStats stats;
  int64_t rows_without_key = 0;
  // Per batch: each key's newest `count` rows (row indices, newest first).
  struct Candidates {
    std::vector<cache::Value> key;
    std::vector<std::pair<int64_t, int64_t>> rows;  // (time, row)
  };
  absl::flat_hash_map<std::string, Candidates> best;
  std::string encoded;
  std::vector<cache::Value> key;
  auto consume = [&](const exec::Batch& batch) {
    stats.rows_scanned += batch.num_rows();
    best.clear();
    const Column& time = *batch.column(time_index);
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      encoded.clear();
      key.clear();
      bool complete = true;
      for (size_t k = 0; k < keys && complete; ++k) {
        key.push_back(ValueAt(*batch.column(static_cast<int>(k)), row));
        complete = !std::holds_alternative<std::monostate>(key.back());
        cache::AppendEncodedValue(key.back(), &encoded);
      }
      if (!complete || time.IsNull(row)) {
        ++rows_without_key;  // a row without a key is not cached
        continue;
      }
      auto [it, inserted] = best.try_emplace(encoded);
      Candidates& candidates = it->second;
      if (inserted) {
        candidates.key = key;
      }
      const int64_t t = time.GetInt64(row);
      auto& rows = candidates.rows;
      if (rows.size() >= count && t < rows.back().first) {
        continue;
      }
      auto at = std::find_if(rows.begin(), rows.end(), [t](const auto& r) { return r.first <= t; });
      rows.insert(at, {t, row});
      if (rows.size() > count) {
        rows.pop_back();
      }
    }
    for (auto& [unused, candidates] : best) {
      for (const auto& [t, row] : candidates.rows) {
        cache::LastRow cached;
        cached.time = t;
        for (size_t c = keys; c < ids.size(); ++c) {
          if (ids[c] != catalog::kTimeColumnId) {
            cached.Add(ids[c], ValueAt(*batch.column(static_cast<int>(c)), row), is_tag[c]);
          }
        }
        cache->Backfill(candidates.key, std::move(cached), now_ns);
        ++stats.rows_offered;
      }
    }
  };
  absl::Status status = ScanBatches(engine, database, SelectColumns(table, ids), stop, consume);
  cache->AddRowsWithoutKey(rows_without_key);
  if (!status.ok()) {
    return status;
  }
  guard.Filled();
  return stats;
}

absl::StatusOr<CacheFillStats> FillDistinctCache(const QueryEngine& engine,
                                                 const catalog::DatabaseSchema& database,
                                                 const catalog::TableSchema& table,
                                                 cache::DistinctCache* cache,
                                                 int64_t now_ns,
                                                 const std::atomic<bool>* stop) {
  FillGuard<cache::DistinctCache> guard(cache);
  const std::vector<uint32_t>& ids = cache->definition().column_ids;
  std::string group_by = " GROUP BY ";
  for (size_t i = 0; i < ids.size(); ++i) {
    const catalog::ColumnSchema* column = table.ColumnById(ids[i]);
    if (column == nullptr) {
      return absl::InternalError(
          fmt::format("distinct cache '{}': column id {} is not in table '{}'",
                      cache->definition().name,
                      ids[i],
                      table.name()));
    }
    group_by += (i > 0 ? ", " : "") + sql::QuoteIdentifier(column->name);
  }
  CacheFillStats stats;
  std::vector<std::vector<std::optional<std::string>>> tuples;
  auto consume = [&](const exec::Batch& batch) {
    stats.rows_scanned += batch.num_rows();
    tuples.assign(static_cast<size_t>(batch.num_rows()),
                  std::vector<std::optional<std::string>>(ids.size()));
    for (size_t c = 0; c < ids.size(); ++c) {
      const Column& column = *batch.column(static_cast<int>(c));
      for (int64_t row = 0; row < batch.num_rows(); ++row) {
        if (!column.IsNull(row)) {
          tuples[static_cast<size_t>(row)][c] = std::string(column.GetString(row));
        }
      }
    }
    stats.rows_offered += batch.num_rows();
    cache->Backfill(tuples, now_ns);
  };
  absl::Status status =
      ScanBatches(engine, database, SelectColumns(table, ids, group_by), stop, consume);
  if (!status.ok()) {
    return status;
  }
  guard.Filled();
  return stats;
}

int FillPendingCaches(const QueryEngine& engine,
                      const catalog::Catalog& catalog,
                      cache::CacheManager* caches,
                      const std::atomic<bool>* stop) {
  int filled = 0;
  for (const cache::CacheManager::UnfilledCache& pending : caches->Unfilled()) {
    auto snapshot = catalog.snapshot();
    const catalog::DatabaseSchema* database = snapshot->DatabaseById(pending.database_id);
    const catalog::TableSchema* table =
        database == nullptr ? nullptr : database->TableById(pending.table_id);
    const std::string& name =
        pending.last ? pending.last->definition().name : pending.distinct->definition().name;
    const char* kind = pending.last ? "last cache" : "distinct cache";
    if (table == nullptr) {
      // Dropped meanwhile: nothing to fill.
      if (pending.last) {
        pending.last->fill_gate().Open();
      } else {
        pending.distinct->fill_gate().Open();
      }
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    absl::StatusOr<CacheFillStats> stats =
        pending.last
            ? FillLastCache(engine, *database, *table, pending.last.get(), caches->Now(), stop)
            : FillDistinctCache(
                  engine, *database, *table, pending.distinct.get(), caches->Now(), stop);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!stats.ok()) {
      STRATA_LOG_WARN("{} '{}' of {}.{} not filled from the table's data: {}",
                      kind,
                      name,
                      database->name(),
                      table->name(),
                      std::string(stats.status().message()));
      continue;
    }
    ++filled;
    STRATA_LOG_INFO("{} '{}' of {}.{} filled rows_scanned={} seconds={:.3f}",
                    kind,
                    name,
                    database->name(),
                    table->name(),
                    stats->rows_scanned,
                    seconds);
  }
  return filled;
}

}  // namespace strata::query
