// Series identity for one table: maps a row's tag set to a dense series id, so that duplicate
// detection hashes one small integer per row instead of the tag strings.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "catalog/write_batch.h"

namespace strata::buffer {

// The tag set of one row of a TableWrite: its kDictionary cells, in cell order. Cells whose
// string lies outside the write's string heap are skipped (the caller counts them).
struct RowTags {
  const TableWrite* write;
  const CellValue* begin;
  const CellValue* end;

  // Calls fn(column_id, value) for each usable tag cell.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    const size_t heap = write->string_heap.size();
    for (const CellValue* cell = begin; cell != end; ++cell) {
      if (cell->type == TypeId::kDictionary && cell->str.offset <= heap &&
          cell->str.length <= heap - cell->str.offset) {
        fn(cell->column_id,
           std::string_view(write->string_heap.data() + cell->str.offset, cell->str.length));
      }
    }
  }
};

// Append-only: ids are dense from 0 in insertion order and never change. A series is stored once
// as its canonical key, (column id, length, bytes) per tag, in an arena of large blocks (no
// allocation per series); lookups hash and compare a row's cells directly, without building the
// key. Two rows are the same series exactly when they have the same tag columns with the same
// values in the same column order, so {a=1} and {a=1,b=2} differ. Not thread-safe: the owning
// table locks.
class SeriesRegistry {
 public:
  SeriesRegistry() = default;
  SeriesRegistry(const SeriesRegistry&) = delete;
  SeriesRegistry& operator=(const SeriesRegistry&) = delete;

  // Returns the id of the series with the tags of `tags`, adding it when new (then *added is
  // true).
  uint32_t FindOrAdd(const RowTags& tags, bool* added);

  // The number of series.
  uint32_t size() const { return static_cast<uint32_t>(ids_.size()); }

  // Approximate heap bytes held (arena and hash table).
  size_t MemoryUsage() const;

 private:
  // A stored series: its canonical key in the arena, the hash of its tags, and its id.
  struct Entry {
    std::string_view key;
    size_t hash;
    uint32_t id;
  };
  // A lookup: a row's tags and their hash, computed once.
  struct Probe {
    const RowTags* tags;
    size_t hash;
  };
  struct EntryHash {
    using is_transparent = void;
    size_t operator()(const Entry& entry) const { return entry.hash; }
    size_t operator()(const Probe& probe) const { return probe.hash; }
  };
  struct EntryEq {
    using is_transparent = void;
    bool operator()(const Entry& a, const Entry& b) const { return a.key == b.key; }
    bool operator()(const Entry& a, const Probe& b) const { return KeyEquals(a.key, *b.tags); }
    bool operator()(const Probe& a, const Entry& b) const { return KeyEquals(b.key, *a.tags); }
  };

  static size_t HashOf(const RowTags& tags);
  static bool KeyEquals(std::string_view key, const RowTags& tags);
  std::string_view StoreKey(const RowTags& tags);

  static constexpr size_t kBlockSize = 64 * 1024;

  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t arena_bytes_ = 0;      // bytes allocated in blocks_
  char* block_next_ = nullptr;  // the first free byte of blocks_.back()
  size_t block_remaining_ = 0;  // free bytes at block_next_
  absl::flat_hash_set<Entry, EntryHash, EntryEq> ids_;
};

}  // namespace strata::buffer
