// The last-value cache.
#include "cache/last_cache.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace strata::cache {
namespace {

bool IsString(const CellValue& cell) {
  return cell.type == TypeId::kDictionary || cell.type == TypeId::kString;
}

// The first cell of `cells` (sorted by column id) of `column_id` or a later column.
template <typename Cells>
auto CellAtOrAfter(Cells& cells, uint32_t column_id) {
  return std::lower_bound(
      cells.begin(), cells.end(), column_id, [](const CellValue& c, uint32_t id) {
        return c.column_id < id;
      });
}

// The cells of `a` and `b` (rows of one time) merged: a column in both takes `b`'s value when
// `b_wins`, else `a`'s.
LastRow MergeCells(const LastRow& a, const LastRow& b, bool b_wins) {
  LastRow merged;
  merged.cells.reserve(a.cells.size() + b.cells.size());
  merged.strings.reserve(a.strings.size() + b.strings.size());
  auto copy = [&merged](const LastRow& from, const CellValue& cell) {
    CellValue out = cell;
    if (IsString(cell)) {
      out.str.offset = static_cast<uint32_t>(merged.strings.size());
      merged.strings.append(from.StringOf(cell));
    }
    merged.cells.push_back(out);
  };
  auto x = a.cells.begin();
  auto y = b.cells.begin();
  while (x != a.cells.end() || y != b.cells.end()) {
    if (y == b.cells.end() || (x != a.cells.end() && x->column_id < y->column_id)) {
      copy(a, *x++);
    } else if (x == a.cells.end() || y->column_id < x->column_id) {
      copy(b, *y++);
    } else {
      b_wins ? copy(b, *y) : copy(a, *x);
      ++x;
      ++y;
    }
  }
  return merged;
}

}  // namespace

const CellValue* LastRow::FindCell(uint32_t column_id) const {
  auto it = CellAtOrAfter(cells, column_id);
  return it == cells.end() || it->column_id != column_id ? nullptr : &*it;
}

Value LastRow::Find(uint32_t column_id) const {
  const CellValue* cell = FindCell(column_id);
  if (cell == nullptr) {
    return std::monostate{};
  }
  return ValueOf(*cell, IsString(*cell) ? StringOf(*cell) : std::string_view());
}

void LastRow::Add(uint32_t column_id, const Value& value, bool tag) {
  CellValue cell{};
  cell.column_id = column_id;
  switch (value.index()) {
    case 0:
      return;
    case 1:
      cell.type = TypeId::kInt64;
      cell.i64 = std::get<int64_t>(value);
      break;
    case 2:
      cell.type = TypeId::kUInt64;
      cell.u64 = std::get<uint64_t>(value);
      break;
    case 3:
      cell.type = TypeId::kFloat64;
      cell.f64 = std::get<double>(value);
      break;
    case 4:
      cell.type = TypeId::kBool;
      cell.b = std::get<bool>(value);
      break;
    default: {
      const std::string& text = std::get<std::string>(value);
      cell.type = tag ? TypeId::kDictionary : TypeId::kString;
      cell.str.offset = static_cast<uint32_t>(strings.size());
      cell.str.length = static_cast<uint32_t>(text.size());
      strings.append(text);  // a replaced cell's bytes stay until the row is rebuilt
      break;
    }
  }
  auto it = CellAtOrAfter(cells, column_id);
  if (it != cells.end() && it->column_id == column_id) {
    *it = cell;
  } else {
    cells.insert(it, cell);
  }
}

bool LastRow::SameSeries(const LastRow& other) const {
  auto next_tag = [](const LastRow& row, size_t i) {
    while (i < row.cells.size() && row.cells[i].type != TypeId::kDictionary) {
      ++i;
    }
    return i;
  };
  size_t i = next_tag(*this, 0);
  size_t j = next_tag(other, 0);
  while (i < cells.size() && j < other.cells.size()) {
    if (cells[i].column_id != other.cells[j].column_id ||
        StringOf(cells[i]) != other.StringOf(other.cells[j])) {
      return false;
    }
    i = next_tag(*this, i + 1);
    j = next_tag(other, j + 1);
  }
  return i == cells.size() && j == other.cells.size();
}

LastCache::LastCache(catalog::LastCacheDefinition definition, bool filled)
    : definition_(std::move(definition)),
      ttl_ns_(definition_.ttl_seconds > INT64_MAX / 1'000'000'000
                  ? INT64_MAX
                  : definition_.ttl_seconds * 1'000'000'000),
      fill_gate_(filled) {
  uint32_t largest = 0;
  for (const auto* ids : {&definition_.key_column_ids, &definition_.value_column_ids}) {
    for (uint32_t id : *ids) {
      largest = std::max(largest, id);
    }
  }
  keep_.assign(size_t{largest} + 1, definition_.all_value_columns ? Keep::kAlways : Keep::kIfTag);
  if (!definition_.all_value_columns) {
    for (uint32_t id : definition_.value_column_ids) {
      keep_[id] = Keep::kAlways;
    }
  }
  for (uint32_t id : definition_.key_column_ids) {
    keep_[id] = Keep::kNever;  // every row of an entry has the entry's key values
  }
  for (size_t k = 0; k < definition_.key_column_ids.size(); ++k) {
    key_by_id_.emplace_back(definition_.key_column_ids[k], k);
  }
  std::sort(key_by_id_.begin(), key_by_id_.end());
}

void LastCache::Insert(const TableWrite& write, int64_t now_ns) {
  std::string key;
  std::vector<const CellValue*> key_cells(key_by_id_.size());
  absl::MutexLock lock(&mutex_);
  for (const RowRef& row : write.rows) {
    // The key cells, in one walk of the row's cells (both sorted by column id).
    const CellValue* cell = write.cells.data() + row.cell_begin;
    const CellValue* cells_end = write.cells.data() + row.cell_end;
    bool complete = true;
    for (const auto& [key_id, position] : key_by_id_) {
      while (cell != cells_end && cell->column_id < key_id) {
        ++cell;
      }
      if (cell == cells_end || cell->column_id != key_id) {
        complete = false;
        break;
      }
      key_cells[position] = cell;
    }
    if (!complete) {
      ++rows_without_key_;
      continue;
    }
    size_t key_size = 0;
    for (const CellValue* key_cell : key_cells) {
      key_size += EncodedCellSize(write, *key_cell);
    }
    key.resize(key_size);
    char* key_end = key.data();
    for (const CellValue* key_cell : key_cells) {
      key_end = EncodeCell(write, *key_cell, key_end);
    }
    auto [it, inserted] = entries_.try_emplace(key);
    LastCacheEntry& entry = it->second;
    if (inserted) {
      for (const CellValue* key_cell : key_cells) {
        entry.key.push_back(ValueOf(write, *key_cell));
      }
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
      cached = std::move(rows.back());  // its cells and strings are resized below
      rows.pop_back();
    }
    cached.time = row.time;
    cached.inserted_ns = now_ns;
    oldest_insert_bound_ns_ = std::min(oldest_insert_bound_ns_, now_ns);
    // The kept cells and their strings, sized first (a recycled row usually has the sizes).
    const CellValue* cells = write.cells.data();
    size_t kept = 0;
    size_t string_bytes = 0;
    for (uint32_t c = row.cell_begin; c < row.cell_end; ++c) {
      if (Keeps(cells[c].column_id, cells[c].type)) {
        ++kept;
        string_bytes += IsString(cells[c]) ? cells[c].str.length : 0;
      }
    }
    cached.cells.resize(kept);
    cached.strings.resize(string_bytes);
    CellValue* out = cached.cells.data();
    char* bytes = cached.strings.data();
    uint32_t offset = 0;
    for (uint32_t c = row.cell_begin; c < row.cell_end; ++c) {
      if (Keeps(cells[c].column_id, cells[c].type)) {
        *out = cells[c];
        if (IsString(cells[c])) {
          std::memcpy(
              bytes + offset, write.string_heap.data() + cells[c].str.offset, cells[c].str.length);
          out->str.offset = offset;
          offset += cells[c].str.length;
        }
        ++out;
      }
    }
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
    ambiguous_ |= !it->SameSeries(row);
    LastRow merged = MergeCells(*it, row, /*b_wins=*/true);
    merged.time = row.time;
    merged.inserted_ns = now_ns;
    *it = std::move(merged);
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
  ambiguous_ |= !it->SameSeries(row);
  // The cached row wins; the filled one adds only the columns it lacks.
  LastRow merged = MergeCells(*it, row, /*b_wins=*/false);
  merged.time = it->time;
  merged.inserted_ns = it->inserted_ns;
  *it = std::move(merged);
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
