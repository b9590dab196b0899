// The per-server cache registry and the write hook.
#include "cache/cache_manager.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace strata::cache {

int64_t WallClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CacheManager::CacheManager(std::function<int64_t()> clock) : clock_(std::move(clock)) {}

void CacheManager::LoadDefinitions(const catalog::CatalogSnapshot& snapshot, bool filled) {
  for (const auto& database : snapshot.databases()) {
    for (const auto& table : database->tables()) {
      for (const auto& definition : table->caches().last_caches) {
        AddLastCache(database->id(), table->id(), definition, filled);
      }
      for (const auto& definition : table->caches().distinct_caches) {
        AddDistinctCache(database->id(), table->id(), definition, filled);
      }
    }
  }
}

void CacheManager::UpdateCount() {
  int64_t count = 0;
  for (const auto& [key, set] : tables_) {
    count += static_cast<int64_t>(set.last.size() + set.distinct.size());
  }
  cache_count_.store(count, std::memory_order_release);
}

std::shared_ptr<LastCache> CacheManager::AddLastCache(
    uint32_t database_id,
    uint32_t table_id,
    const catalog::LastCacheDefinition& definition,
    bool filled) {
  absl::WriterMutexLock lock(&mutex_);
  TableCacheSet& set = tables_[Key(database_id, table_id)];
  for (const auto& cache : set.last) {
    if (cache->definition().name == definition.name) {
      return nullptr;
    }
  }
  set.last.push_back(std::make_shared<LastCache>(definition, filled));
  UpdateCount();
  return set.last.back();
}

std::shared_ptr<DistinctCache> CacheManager::AddDistinctCache(
    uint32_t database_id,
    uint32_t table_id,
    const catalog::DistinctCacheDefinition& definition,
    bool filled) {
  absl::WriterMutexLock lock(&mutex_);
  TableCacheSet& set = tables_[Key(database_id, table_id)];
  for (const auto& cache : set.distinct) {
    if (cache->definition().name == definition.name) {
      return nullptr;
    }
  }
  set.distinct.push_back(std::make_shared<DistinctCache>(definition, filled));
  UpdateCount();
  return set.distinct.back();
}

std::vector<CacheManager::UnfilledCache> CacheManager::Unfilled() const {
  std::vector<UnfilledCache> result;
  absl::ReaderMutexLock lock(&mutex_);
  for (const auto& [key, set] : tables_) {
    const auto database_id = static_cast<uint32_t>(key >> 32);
    const auto table_id = static_cast<uint32_t>(key);
    for (const auto& cache : set.last) {
      if (!cache->fill_gate().is_open()) {
        result.push_back({database_id, table_id, cache, nullptr});
      }
    }
    for (const auto& cache : set.distinct) {
      if (!cache->fill_gate().is_open()) {
        result.push_back({database_id, table_id, nullptr, cache});
      }
    }
  }
  return result;
}

template <typename List>
bool CacheManager::RemoveCache(uint32_t database_id,
                               uint32_t table_id,
                               std::string_view name,
                               List TableCacheSet::*list) {
  absl::WriterMutexLock lock(&mutex_);
  auto it = tables_.find(Key(database_id, table_id));
  if (it == tables_.end()) {
    return false;
  }
  List& caches = it->second.*list;
  auto found = std::find_if(
      caches.begin(), caches.end(), [&](const auto& c) { return c->definition().name == name; });
  if (found == caches.end()) {
    return false;
  }
  caches.erase(found);
  UpdateCount();
  return true;
}

bool CacheManager::RemoveLastCache(uint32_t database_id, uint32_t table_id, std::string_view name) {
  return RemoveCache(database_id, table_id, name, &TableCacheSet::last);
}

bool CacheManager::RemoveDistinctCache(uint32_t database_id,
                                       uint32_t table_id,
                                       std::string_view name) {
  return RemoveCache(database_id, table_id, name, &TableCacheSet::distinct);
}

void CacheManager::Apply(const WriteBatch& batch) {
  if (cache_count_.load(std::memory_order_acquire) == 0) {
    return;
  }
  const int64_t now = clock_();
  // Keys of last caches that are no longer written would keep their expired rows: sweep them
  // at most once a minute.
  int64_t last_sweep = last_sweep_ns_.load(std::memory_order_relaxed);
  bool sweep = now - last_sweep >= int64_t{60} * 1'000'000'000 &&
               last_sweep_ns_.compare_exchange_strong(last_sweep, now);
  absl::ReaderMutexLock lock(&mutex_);
  for (const TableWrite& write : batch.tables) {
    auto it = tables_.find(Key(batch.database_id, write.table_id));
    if (it == tables_.end()) {
      continue;
    }
    for (const auto& cache : it->second.last) {
      cache->Insert(write, now);
    }
    for (const auto& cache : it->second.distinct) {
      cache->Insert(write, now);
    }
  }
  if (sweep) {
    for (const auto& [key, set] : tables_) {
      for (const auto& cache : set.last) {
        cache->EvictExpired(now);
      }
    }
  }
}

std::shared_ptr<const LastCache> CacheManager::FindLastCache(uint32_t database_id,
                                                             uint32_t table_id,
                                                             std::string_view name) const {
  absl::ReaderMutexLock lock(&mutex_);
  auto it = tables_.find(Key(database_id, table_id));
  if (it == tables_.end()) {
    return nullptr;
  }
  for (const auto& cache : it->second.last) {
    if (cache->definition().name == name) {
      return cache;
    }
  }
  return nullptr;
}

std::shared_ptr<const DistinctCache> CacheManager::FindDistinctCache(uint32_t database_id,
                                                                     uint32_t table_id,
                                                                     std::string_view name) const {
  absl::ReaderMutexLock lock(&mutex_);
  auto it = tables_.find(Key(database_id, table_id));
  if (it == tables_.end()) {
    return nullptr;
  }
  for (const auto& cache : it->second.distinct) {
    if (cache->definition().name == name) {
      return cache;
    }
  }
  return nullptr;
}

}  // namespace strata::cache
