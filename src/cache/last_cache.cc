// The last-value cache.
#include "cache/last_cache.h"

#include <algorithm>
#include <utility>

namespace strata::cache {
namespace {

const CellValue* FindCell(const TableWrite& write, const RowRef& row, uint32_t column_id) {
  auto begin = write.cells.begin() + row.cell_begin;
  auto end = write.cells.begin() + row.cell_end;
  auto it = std::lower_bound(begin, end, column_id, [](const CellValue& cell, uint32_t id) {
    return cell.column_id < id;
  });
  return it != end && it->column_id == column_id ? &*it : nullptr;
}

// Sets `*value` to the value of `cell`, reusing a string's capacity.
void AssignValue(const TableWrite& write, const CellValue& cell, Value* value) {
  if ((cell.type == TypeId::kDictionary || cell.type == TypeId::kString) &&
      std::holds_alternative<std::string>(*value)) {
    std::get<std::string>(*value).assign(write.StringOf(cell));
    return;
  }
  *value = ValueOf(write, cell);
}

}  // namespace

const Value& LastRow::Find(uint32_t column_id) const {
  static const Value kNull;
  auto it =
      std::lower_bound(values.begin(), values.end(), column_id, [](const auto& cell, uint32_t id) {
        return cell.first < id;
      });
  return it != values.end() && it->first == column_id ? it->second : kNull;
}

LastCache::LastCache(catalog::LastCacheDefinition definition, bool filled)
    : definition_(std::move(definition)),
      ttl_ns_(definition_.ttl_seconds > INT64_MAX / 1'000'000'000
                  ? INT64_MAX
                  : definition_.ttl_seconds * 1'000'000'000),
      value_ids_sorted_(definition_.value_column_ids),
      fill_gate_(filled) {
  std::sort(value_ids_sorted_.begin(), value_ids_sorted_.end());
}

bool LastCache::IsValueColumn(uint32_t column_id) const {
  if (definition_.all_value_columns) {
    return std::find(definition_.key_column_ids.begin(),
                     definition_.key_column_ids.end(),
                     column_id) == definition_.key_column_ids.end();
  }
  return std::binary_search(value_ids_sorted_.begin(), value_ids_sorted_.end(), column_id);
}

void LastCache::Insert(const TableWrite& write, int64_t now_ns) {
  std::string key;
  std::vector<Value> key_values;
  absl::MutexLock lock(&mutex_);
  for (const RowRef& row : write.rows) {
    key.clear();
    key_values.clear();
    bool complete = true;
    for (uint32_t key_id : definition_.key_column_ids) {
      const CellValue* cell = FindCell(write, row, key_id);
      if (cell == nullptr) {
        complete = false;
        break;
      }
      key_values.push_back(ValueOf(write, *cell));
      AppendEncodedValue(key_values.back(), &key);
    }
    if (!complete) {
      ++rows_without_key_;
      continue;
    }
    auto [it, inserted] = entries_.try_emplace(key);
    LastCacheEntry& entry = it->second;
    if (inserted) {
      entry.key = key_values;
    }
    // Cheap rejection before building the row: the key is full and the row is older than all.
    if (static_cast<int64_t>(entry.rows.size()) >= definition_.count &&
        row.time < entry.rows.back().time && entry.rows.back().inserted_ns >= now_ns - ttl_ns_) {
      continue;
    }
    // The common case, a row newer than every row of a full key with none expired, reuses the
    // storage of the oldest row (which it pushes out) instead of allocating.
    std::vector<LastRow>& rows = entry.rows;
    bool recycle =
        static_cast<int64_t>(rows.size()) >= definition_.count && row.time > rows.front().time;
    for (size_t r = 0; recycle && r < rows.size(); ++r) {
      recycle = rows[r].inserted_ns >= now_ns - ttl_ns_;
    }
    LastRow cached;
    if (recycle) {
      cached = std::move(rows.back());
      rows.pop_back();
    }
    cached.time = row.time;
    cached.inserted_ns = now_ns;
    cached.series = kSeriesHashSeed;
    oldest_insert_bound_ns_ = std::min(oldest_insert_bound_ns_, now_ns);
    size_t used = 0;
    for (uint32_t c = row.cell_begin; c < row.cell_end; ++c) {
      const CellValue& cell = write.cells[c];
      if (cell.type == TypeId::kDictionary) {
        cached.series = MixSeriesHash(cached.series, cell.column_id, write.StringOf(cell));
      }
      if (!IsValueColumn(cell.column_id)) {
        continue;
      }
      if (used < cached.values.size()) {
        cached.values[used].first = cell.column_id;
        AssignValue(write, cell, &cached.values[used].second);
      } else {
        cached.values.emplace_back(cell.column_id, ValueOf(write, cell));
      }
      ++used;
    }
    cached.values.resize(used);
    if (recycle) {
      rows.insert(rows.begin(), std::move(cached));
      continue;
    }
    InsertRow(&entry, std::move(cached), now_ns);
  }
}

void LastCache::InsertRow(LastCacheEntry* entry, LastRow row, int64_t now_ns) {
  std::vector<LastRow>& rows = entry->rows;
  // Expired rows make room first.
  RemoveExpired(&rows, now_ns - ttl_ns_);
  // Newest first: the first row not newer than `row`.
  auto it =
      std::find_if(rows.begin(), rows.end(), [&](const LastRow& r) { return r.time <= row.time; });
  if (it != rows.end() && it->time == row.time) {
    // A duplicate point: its values replace those of the same columns. Rows of two series
    // at one key and time are two rows in the table but one here.
    ambiguous_ |= it->series != row.series;
    it->series = row.series;
    std::vector<std::pair<uint32_t, Value>> merged;
    merged.reserve(it->values.size() + row.values.size());
    auto a = it->values.begin();
    auto b = row.values.begin();
    while (a != it->values.end() || b != row.values.end()) {
      if (b == row.values.end() || (a != it->values.end() && a->first < b->first)) {
        merged.push_back(std::move(*a++));
      } else {
        if (a != it->values.end() && a->first == b->first) {
          ++a;
        }
        merged.push_back(std::move(*b++));
      }
    }
    it->values = std::move(merged);
    it->inserted_ns = now_ns;
    return;
  }
  if (it == rows.end() && static_cast<int64_t>(rows.size()) >= definition_.count) {
    return;  // older than every cached row of a full key
  }
  rows.insert(it, std::move(row));
  if (static_cast<int64_t>(rows.size()) > definition_.count) {
    rows.pop_back();
  }
}

void LastCache::Backfill(const std::vector<Value>& key, LastRow row, int64_t now_ns) {
  std::string encoded;
  for (const Value& value : key) {
    AppendEncodedValue(value, &encoded);
  }
  row.inserted_ns = now_ns;
  absl::MutexLock lock(&mutex_);
  auto [entry_it, inserted] = entries_.try_emplace(std::move(encoded));
  LastCacheEntry& entry = entry_it->second;
  if (inserted) {
    entry.key = key;
  }
  std::vector<LastRow>& rows = entry.rows;
  auto it =
      std::find_if(rows.begin(), rows.end(), [&](const LastRow& r) { return r.time <= row.time; });
  oldest_insert_bound_ns_ = std::min(oldest_insert_bound_ns_, now_ns);
  if (it == rows.end() || it->time != row.time) {
    InsertRow(&entry, std::move(row), now_ns);
    return;
  }
  ambiguous_ |= it->series != row.series;
  // The cached row wins; the filled one adds only the columns it lacks.
  for (auto& cell : row.values) {
    auto at = std::lower_bound(
        it->values.begin(), it->values.end(), cell.first, [](const auto& c, uint32_t id) {
          return c.first < id;
        });
    if (at == it->values.end() || at->first != cell.first) {
      it->values.insert(at, std::move(cell));
    }
  }
}

std::vector<LastCacheEntry> LastCache::Lookup(const std::vector<ColumnFilter>& filters,
                                              int64_t now_ns) const {
  for (const ColumnFilter& filter : filters) {
    if (filter.Impossible()) {
      return {};
    }
  }
  const int64_t cutoff = now_ns - ttl_ns_;
  std::vector<LastCacheEntry> result;
  auto add = [&](const LastCacheEntry& entry) {
    for (size_t i = 0; i < filters.size() && i < entry.key.size(); ++i) {
      if (!filters[i].Matches(entry.key[i])) {
        return;
      }
    }
    LastCacheEntry out;
    for (const LastRow& row : entry.rows) {
      if (row.inserted_ns >= cutoff) {
        out.rows.push_back(row);
      }
    }
    if (!out.rows.empty()) {
      out.key = entry.key;
      result.push_back(std::move(out));
    }
  };

  absl::MutexLock lock(&mutex_);
  // When every key column has a short allowed list, look the combinations up directly.
  bool direct =
      !definition_.key_column_ids.empty() && filters.size() == definition_.key_column_ids.size();
  size_t combinations = 1;
  for (size_t i = 0; direct && i < filters.size(); ++i) {
    direct = filters[i].allowed.has_value();
    if (direct) {
      combinations *= filters[i].allowed->size();
      direct = combinations <= 1024;
    }
  }
  if (!direct) {
    for (const auto& [encoded, entry] : entries_) {
      add(entry);
    }
    return result;
  }
  std::vector<size_t> position(filters.size(), 0);
  std::string key;
  while (true) {
    key.clear();
    for (size_t i = 0; i < filters.size(); ++i) {
      AppendEncodedValue((*filters[i].allowed)[position[i]], &key);
    }
    if (auto it = entries_.find(key); it != entries_.end()) {
      add(it->second);
    }
    size_t i = 0;
    while (i < position.size() && ++position[i] == filters[i].allowed->size()) {
      position[i++] = 0;
    }
    if (i == position.size()) {
      break;
    }
  }
  return result;
}

void LastCache::RemoveExpired(std::vector<LastRow>* rows, int64_t cutoff) {
  auto end = std::remove_if(
      rows->begin(), rows->end(), [cutoff](const LastRow& r) { return r.inserted_ns < cutoff; });
  if (end != rows->end()) {
    lost_ = true;
    rows->erase(end, rows->end());
  }
}

LastCache::Completeness LastCache::CheckComplete(int64_t now_ns) const {
  if (!fill_gate_.is_open()) {
    return {};
  }
  absl::MutexLock lock(&mutex_);
  Completeness result{.complete = false, .rows_without_key = rows_without_key_};
  if (lost_ || ambiguous_) {
    return result;
  }
  const int64_t cutoff = now_ns - ttl_ns_;
  if (oldest_insert_bound_ns_ < cutoff) {
    // Some row may have expired: look.
    int64_t oldest = INT64_MAX;
    for (const auto& [encoded, entry] : entries_) {
      for (const LastRow& row : entry.rows) {
        oldest = std::min(oldest, row.inserted_ns);
      }
    }
    if (oldest < cutoff) {
      lost_ = true;
      return result;
    }
    oldest_insert_bound_ns_ = oldest;
  }
  result.complete = true;
  return result;
}

void LastCache::MarkIncomplete() {
  absl::MutexLock lock(&mutex_);
  lost_ = true;
}

void LastCache::AddRowsWithoutKey(int64_t rows) {
  absl::MutexLock lock(&mutex_);
  rows_without_key_ += rows;
}

void LastCache::ForEachRow(
    int64_t now_ns, const std::function<void(const LastCacheEntry&, const LastRow&)>& fn) const {
  const int64_t cutoff = now_ns - ttl_ns_;
  absl::MutexLock lock(&mutex_);
  for (const auto& [encoded, entry] : entries_) {
    for (const LastRow& row : entry.rows) {
      if (row.inserted_ns >= cutoff) {
        fn(entry, row);
      }
    }
  }
}

void LastCache::EvictExpired(int64_t now_ns) {
  const int64_t cutoff = now_ns - ttl_ns_;
  absl::MutexLock lock(&mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto& rows = it->second.rows;
    RemoveExpired(&rows, cutoff);
    if (rows.empty()) {
      entries_.erase(it++);
    } else {
      ++it;
    }
  }
}

size_t LastCache::key_count() const {
  absl::MutexLock lock(&mutex_);
  return entries_.size();
}

}  // namespace strata::cache
