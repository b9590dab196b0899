// Group key hashing.
#include "exec/operators/group_table.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/check.h"

namespace strata::exec {
namespace {

uint64_t FloatWord(double v) {
  if (v == 0) {
    v = 0.0;  // -0.0 groups with 0.0
  }
  if (std::isnan(v)) {
    v = std::numeric_limits<double>::quiet_NaN();
  }
  return std::bit_cast<uint64_t>(v);
}

// Calls f(i, row) for the i-th selected row.
template <typename F>
inline void ForSelected(const SelectionVector* selection, int64_t n, F&& f) {
  if (selection == nullptr) {
    for (int64_t i = 0; i < n; ++i) {
      f(i, i);
    }
  } else {
    const uint32_t* rows = selection->data();
    for (int64_t i = 0; i < n; ++i) {
      f(i, static_cast<int64_t>(rows[i]));
    }
  }
}

}  // namespace

GroupTable::GroupTable(std::vector<TypeId> key_types) {
  for (TypeId type : key_types) {
    KeyColumnState state;
    state.type = type;
    state.is_string = IsStringType(type) || type == TypeId::kInterval;
    if (state.is_string) {
      state.strings = std::make_shared<StringDictionary>();
    }
    columns_.push_back(std::move(state));
  }
  if (columns_.empty()) {
    num_groups_ = 1;
  }
  words_per_group_ = static_cast<int>(columns_.size()) + 1;
}

void GroupTable::TupleHashes(
    const uint64_t* words, const uint64_t* masks, size_t k, size_t n, uint64_t* hashes) {
  // Column at a time (vectorizable): a multiply-xorshift combine per word, then the splitmix64
  // finalizer so that the low bits, which pick the slot, depend on every word.
  for (size_t i = 0; i < n; ++i) {
    hashes[i] = masks[i] * 0x9E3779B97F4A7C15ULL;
  }
  for (size_t c = 0; c < k; ++c) {
    const uint64_t* column = words + c * n;
    for (size_t i = 0; i < n; ++i) {
      uint64_t h = (hashes[i] ^ column[i]) * 0xD6E8FEB86659FD93ULL;
      hashes[i] = h ^ (h >> 32);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t h = hashes[i];
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
    hashes[i] = h ^ (h >> 31);
  }
}

bool GroupTable::TupleEquals(
    uint32_t g, const uint64_t* words, size_t n, size_t i, uint64_t mask) const {
  const size_t k = columns_.size();
  const uint64_t* stored = tuple_words_.data() + static_cast<size_t>(g) * (k + 1);
  if (stored[k] != mask) {
    return false;
  }
  for (size_t c = 0; c < k; ++c) {
    if (stored[c] != words[c * n + i]) {
      return false;
    }
  }
  return true;
}

size_t GroupTable::ProbeTupleSlot(
    const uint64_t* words, size_t n, size_t i, uint64_t mask, uint64_t hash) const {
  const size_t slot_mask = tuple_slots_.size() - 1;
  for (size_t slot = hash & slot_mask;; slot = (slot + 1) & slot_mask) {
    const uint32_t entry = tuple_slots_[slot];
    if (entry == 0 ||
        (tuple_hashes_[entry - 1] == hash && TupleEquals(entry - 1, words, n, i, mask))) {
      return slot;
    }
  }
}

int64_t GroupTable::FindTuple(
    const uint64_t* words, size_t n, size_t i, uint64_t mask, uint64_t hash) const {
  if (tuple_slots_.empty()) {
    return -1;
  }
  const uint32_t entry = tuple_slots_[ProbeTupleSlot(words, n, i, mask, hash)];
  return static_cast<int64_t>(entry) - 1;
}

uint32_t GroupTable::FindOrInsertTuple(
    const uint64_t* words, size_t n, size_t i, uint64_t mask, uint64_t hash) {
  if ((static_cast<size_t>(num_groups_) + 1) * 2 > tuple_slots_.size()) {
    GrowTupleSlots();
  }
  const size_t slot = ProbeTupleSlot(words, n, i, mask, hash);
  if (tuple_slots_[slot] != 0) {
    return tuple_slots_[slot] - 1;
  }
  const size_t k = columns_.size();
  const uint32_t g = num_groups_++;
  for (size_t c = 0; c < k; ++c) {
    tuple_words_.push_back(words[c * n + i]);
  }
  tuple_words_.push_back(mask);
  tuple_hashes_.push_back(hash);
  tuple_slots_[slot] = g + 1;
  return g;
}

void GroupTable::GrowTupleSlots() {
  const size_t size = std::max<size_t>(64, tuple_slots_.size() * 2);
  tuple_slots_.assign(size, 0);
  const size_t slot_mask = size - 1;
  for (uint32_t g = 0; g < num_groups_; ++g) {
    size_t slot = tuple_hashes_[g] & slot_mask;
    while (tuple_slots_[slot] != 0) {
      slot = (slot + 1) & slot_mask;
    }
    tuple_slots_[slot] = g + 1;
  }
}

uint32_t GroupTable::SingleKeyGroup(uint64_t word) {
  auto [it, inserted] = single_map_.try_emplace(word, num_groups_);
  if (inserted) {
    single_words_.push_back(word);
    ++num_groups_;
  }
  return it->second;
}

uint32_t GroupTable::NullGroup() {
  if (null_group_ < 0) {
    null_group_ = num_groups_++;
    single_words_.push_back(0);
  }
  return static_cast<uint32_t>(null_group_);
}

void GroupTable::EncodeColumn(int k,
                              const Column& column,
                              const SelectionVector* selection,
                              int64_t n,
                              uint64_t* words,
                              std::vector<uint8_t>* valid) {
  KeyColumnState& state = columns_[static_cast<size_t>(k)];
  const bool nulls = column.has_nulls() || column.type() == TypeId::kNull;
  if (nulls) {
    ForSelected(selection, n, [&](int64_t i, int64_t row) {
      if (column.type() == TypeId::kNull || column.IsNull(row)) {
        (*valid)[static_cast<size_t>(i)] = 0;
      }
    });
  }
  auto is_valid = [&](int64_t i) { return !nulls || (*valid)[static_cast<size_t>(i)] != 0; };
  switch (column.type()) {
    case TypeId::kNull:
      std::fill_n(words, n, 0);
      return;
    case TypeId::kBool: {
      const uint8_t* data = column.data<uint8_t>();
      ForSelected(selection, n, [&](int64_t i, int64_t row) { words[i] = data[row] != 0; });
      break;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kUInt64: {
      const uint64_t* data = column.data<uint64_t>();
      ForSelected(selection, n, [&](int64_t i, int64_t row) { words[i] = data[row]; });
      break;
    }
    case TypeId::kFloat64: {
      const double* data = column.data<double>();
      ForSelected(selection, n, [&](int64_t i, int64_t row) { words[i] = FloatWord(data[row]); });
      break;
    }
    case TypeId::kDictionary: {
      const int32_t* codes = column.data<int32_t>();
      const StringDictionary& dictionary = *column.dictionary();
      if (state.cached_dictionary != column.dictionary()) {
        state.cached_dictionary = column.dictionary();
        state.code_to_id.clear();
      }
      // Size the cache for the batch's largest code first, so that the per-row loop only
      // translates (and looks a code up the first time it appears).
      int32_t max_code = -1;
      ForSelected(selection, n, [&](int64_t i, int64_t row) {
        if (is_valid(i)) {
          max_code = std::max(max_code, codes[row]);
        }
      });
      if (static_cast<size_t>(max_code + 1) > state.code_to_id.size()) {
        state.code_to_id.resize(static_cast<size_t>(max_code) + 1, -1);
      }
      int32_t* code_to_id = state.code_to_id.data();
      ForSelected(selection, n, [&](int64_t i, int64_t row) {
        if (!is_valid(i)) {
          return;
        }
        const int32_t code = codes[row];
        int32_t id = code_to_id[code];
        if (id < 0) [[unlikely]] {
          id = state.strings->GetOrInsert(dictionary.Value(code));
          code_to_id[code] = id;
        }
        words[i] = static_cast<uint64_t>(id);
      });
      break;
    }
    case TypeId::kString:
      ForSelected(selection, n, [&](int64_t i, int64_t row) {
        if (is_valid(i)) {
          words[i] = static_cast<uint64_t>(state.strings->GetOrInsert(column.GetString(row)));
        }
      });
      break;
    case TypeId::kInterval: {
      const Interval* data = column.data<Interval>();
      ForSelected(selection, n, [&](int64_t i, int64_t row) {
        if (is_valid(i)) {
          std::string_view bytes(reinterpret_cast<const char*>(&data[row]), sizeof(Interval));
          words[i] = static_cast<uint64_t>(state.strings->GetOrInsert(bytes));
        }
      });
      break;
    }
  }
  if (nulls) {
    for (int64_t i = 0; i < n; ++i) {
      if ((*valid)[static_cast<size_t>(i)] == 0) {
        words[i] = 0;
      }
    }
  }
}

void GroupTable::InsertSingleDictionary(const Column& column,
                                        int64_t num_rows,
                                        const SelectionVector* selection,
                                        std::vector<uint32_t>* group_ids) {
  const int64_t n = selection ? static_cast<int64_t>(selection->size()) : num_rows;
  uint32_t* out = group_ids->data() + (group_ids->size() - static_cast<size_t>(n));
  const int32_t* codes = column.data<int32_t>();
  const StringDictionary& dictionary = *column.dictionary();
  KeyColumnState& state = columns_[0];
  if (group_cache_dictionary_ != column.dictionary()) {
    group_cache_dictionary_ = column.dictionary();
    code_to_group_.clear();
  }
  // Size the cache by the largest code present rather than the dictionary's size: a shared
  // dictionary may be far larger than the codes a batch uses (and may be growing).
  const bool nulls = column.has_nulls();
  int32_t max_code = -1;
  ForSelected(selection, n, [&](int64_t, int64_t row) {
    if (!nulls || column.IsValid(row)) {
      max_code = std::max(max_code, codes[row]);
    }
  });
  if (static_cast<int64_t>(code_to_group_.size()) <= max_code) {
    code_to_group_.resize(static_cast<size_t>(max_code) + 1, -1);
  }
  int32_t* cache = code_to_group_.data();
  auto group_of = [&](int32_t code) -> uint32_t {
    int32_t group = cache[code];
    if (group < 0) [[unlikely]] {
      int32_t id = state.strings->GetOrInsert(dictionary.Value(code));
      group = static_cast<int32_t>(SingleKeyGroup(static_cast<uint64_t>(id)));
      cache[code] = group;
    }
    return static_cast<uint32_t>(group);
  };
  if (!nulls) {
    ForSelected(selection, n, [&](int64_t i, int64_t row) { out[i] = group_of(codes[row]); });
  } else {
    ForSelected(selection, n, [&](int64_t i, int64_t row) {
      out[i] = column.IsValid(row) ? group_of(codes[row]) : NullGroup();
    });
  }
}

void GroupTable::Insert(const std::vector<ColumnPtr>& keys,
                        int64_t num_rows,
                        const SelectionVector* selection,
                        std::vector<uint32_t>* group_ids) {
  STRATA_DCHECK_EQ(keys.size(), columns_.size());
  const int64_t n = selection ? static_cast<int64_t>(selection->size()) : num_rows;
  const size_t old_size = group_ids->size();
  group_ids->resize(old_size + static_cast<size_t>(n));
  uint32_t* out = group_ids->data() + old_size;
  if (columns_.empty()) {
    std::fill_n(out, n, 0);
    return;
  }
  if (columns_.size() == 1) {
    const Column& column = *keys[0];
    if (column.type() == TypeId::kDictionary) {
      InsertSingleDictionary(column, num_rows, selection, group_ids);
      return;
    }
    std::vector<uint64_t> words(static_cast<size_t>(n));
    std::vector<uint8_t> valid(static_cast<size_t>(n), 1);
    EncodeColumn(0, column, selection, n, words.data(), &valid);
    // Keys often come in runs (time buckets of sorted data): remember the last one.
    uint64_t last_word = 0;
    int64_t last_group = -1;
    const bool nulls = column.has_nulls() || column.type() == TypeId::kNull;
    for (int64_t i = 0; i < n; ++i) {
      if (nulls && valid[static_cast<size_t>(i)] == 0) {
        out[i] = NullGroup();
        continue;
      }
      uint64_t word = words[static_cast<size_t>(i)];
      if (word != last_word || last_group < 0) {
        last_group = SingleKeyGroup(word);
        last_word = word;
      }
      out[i] = static_cast<uint32_t>(last_group);
    }
    return;
  }
  const size_t k = columns_.size();
  const size_t rows = static_cast<size_t>(n);
  std::vector<uint64_t> words(k * rows);
  const uint64_t all_valid = (k >= 64 ? ~uint64_t{0} : (uint64_t{1} << k) - 1);
  std::vector<uint64_t> masks(rows, all_valid);
  std::vector<uint8_t> column_valid(rows);
  for (size_t c = 0; c < k; ++c) {
    std::fill(column_valid.begin(), column_valid.end(), 1);
    EncodeColumn(
        static_cast<int>(c), *keys[c], selection, n, words.data() + c * rows, &column_valid);
    if (keys[c]->has_nulls() || keys[c]->type() == TypeId::kNull) {
      for (size_t i = 0; i < rows; ++i) {
        if (column_valid[i] == 0) {
          masks[i] &= ~(uint64_t{1} << c);  // EncodeColumn wrote word 0 for it
        }
      }
    }
  }
  std::vector<uint64_t> hashes(rows);
  TupleHashes(words.data(), masks.data(), k, rows, hashes.data());
  for (size_t i = 0; i < rows; ++i) {
    out[i] = FindOrInsertTuple(words.data(), rows, i, masks[i], hashes[i]);
  }
}

ColumnPtr GroupTable::KeyColumn(int k,
                                uint32_t start,
                                uint32_t count,
                                bool dictionary_output) const {
  const KeyColumnState& state = columns_[static_cast<size_t>(k)];
  const bool single = columns_.size() == 1;
  const size_t width = static_cast<size_t>(words_per_group_);
  auto word_of = [&](uint32_t g) -> uint64_t {
    return single ? single_words_[g] : tuple_words_[g * width + static_cast<size_t>(k)];
  };
  auto valid_of = [&](uint32_t g) -> bool {
    return single ? static_cast<int64_t>(g) != null_group_
                  : ((tuple_words_[g * width + columns_.size()] >> k) & 1) != 0;
  };
  TypeId type = state.type;
  std::shared_ptr<Column> column;
  if (state.is_string && type != TypeId::kInterval) {
    if (dictionary_output) {
      column = std::make_shared<Column>(TypeId::kDictionary, state.strings);
    } else {
      column = std::make_shared<Column>(TypeId::kString);
    }
    column->Reserve(count);
    for (uint32_t g = start; g < start + count; ++g) {
      if (!valid_of(g)) {
        column->AppendNull();
      } else if (dictionary_output) {
        column->AppendDictionaryCode(static_cast<int32_t>(word_of(g)));
      } else {
        column->AppendString(state.strings->Value(static_cast<int32_t>(word_of(g))));
      }
    }
    return column;
  }
  if (type == TypeId::kNull) {
    column = std::make_shared<Column>(TypeId::kNull);
    column->AppendNulls(count);
    return column;
  }
  column = std::make_shared<Column>(type);
  column->ResizeFixed(count);
  Bitmap validity(count, true);
  bool any_null = false;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t g = start + i;
    if (!valid_of(g)) {
      validity.Set(i, false);
      any_null = true;
      continue;
    }
    uint64_t word = word_of(g);
    switch (type) {
      case TypeId::kBool:
        column->mutable_data<uint8_t>()[i] = static_cast<uint8_t>(word);
        break;
      case TypeId::kInterval: {
        std::string_view bytes = state.strings->Value(static_cast<int32_t>(word));
        std::memcpy(&column->mutable_data<Interval>()[i], bytes.data(), sizeof(Interval));
        break;
      }
      default:
        column->mutable_data<uint64_t>()[i] = word;
        break;
    }
  }
  if (any_null) {
    column->SetValidity(std::move(validity));
  }
  return column;
}

void GroupTable::EncodeForLookup(int k,
                                 const Column& column,
                                 const SelectionVector* selection,
                                 int64_t n,
                                 uint64_t* words,
                                 std::vector<uint8_t>* missing) const {
  const KeyColumnState& state = columns_[static_cast<size_t>(k)];
  if (column.type() == TypeId::kNull) {
    std::fill(missing->begin(), missing->end(), 1);
    return;
  }
  const bool nulls = column.has_nulls();
  ForSelected(selection, n, [&](int64_t i, int64_t row) {
    if (nulls && column.IsNull(row)) {
      (*missing)[static_cast<size_t>(i)] = 1;
    }
  });
  auto present = [&](int64_t i) { return (*missing)[static_cast<size_t>(i)] == 0; };
  switch (column.type()) {
    case TypeId::kBool: {
      const uint8_t* data = column.data<uint8_t>();
      ForSelected(selection, n, [&](int64_t i, int64_t row) { words[i] = data[row] != 0; });
      return;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kUInt64: {
      const uint64_t* data = column.data<uint64_t>();
      ForSelected(selection, n, [&](int64_t i, int64_t row) { words[i] = data[row]; });
      return;
    }
    case TypeId::kFloat64: {
      const double* data = column.data<double>();
      ForSelected(selection, n, [&](int64_t i, int64_t row) { words[i] = FloatWord(data[row]); });
      return;
    }
    case TypeId::kDictionary: {
      const int32_t* codes = column.data<int32_t>();
      const StringDictionary& dictionary = *column.dictionary();
      std::vector<int32_t> cache;  // code -> interned id; -2 unknown, -1 absent
      ForSelected(selection, n, [&](int64_t i, int64_t row) {
        if (!present(i)) {
          return;
        }
        size_t code = static_cast<size_t>(codes[row]);
        if (code >= cache.size()) {
          cache.resize(code + 1, -2);
        }
        if (cache[code] == -2) {
          cache[code] = state.strings ? state.strings->Find(dictionary.Value(codes[row])) : -1;
        }
        if (cache[code] < 0) {
          (*missing)[static_cast<size_t>(i)] = 1;
        } else {
          words[i] = static_cast<uint64_t>(cache[code]);
        }
      });
      return;
    }
    case TypeId::kString:
      ForSelected(selection, n, [&](int64_t i, int64_t row) {
        if (!present(i)) {
          return;
        }
        int32_t id = state.strings ? state.strings->Find(column.GetString(row)) : -1;
        if (id < 0) {
          (*missing)[static_cast<size_t>(i)] = 1;
        } else {
          words[i] = static_cast<uint64_t>(id);
        }
      });
      return;
    case TypeId::kInterval: {
      const Interval* data = column.data<Interval>();
      ForSelected(selection, n, [&](int64_t i, int64_t row) {
        if (!present(i)) {
          return;
        }
        std::string_view bytes(reinterpret_cast<const char*>(&data[row]), sizeof(Interval));
        int32_t id = state.strings ? state.strings->Find(bytes) : -1;
        if (id < 0) {
          (*missing)[static_cast<size_t>(i)] = 1;
        } else {
          words[i] = static_cast<uint64_t>(id);
        }
      });
      return;
    }
    case TypeId::kNull:
      return;
  }
}

void GroupTable::Lookup(const std::vector<ColumnPtr>& keys,
                        int64_t num_rows,
                        const SelectionVector* selection,
                        std::vector<int32_t>* groups,
                        const std::vector<uint8_t>* null_matches) const {
  const int64_t n = selection ? static_cast<int64_t>(selection->size()) : num_rows;
  groups->assign(static_cast<size_t>(n), -1);
  const size_t k = columns_.size();
  if (k == 0) {
    std::fill(groups->begin(), groups->end(), num_groups_ > 0 ? 0 : -1);
    return;
  }
  const size_t rows = static_cast<size_t>(n);
  std::vector<uint64_t> words(k * rows, 0);
  std::vector<uint8_t> missing(rows, 0);
  // Per row, the key columns that hold a value (a NULL that matches clears its bit, as Insert
  // does for a NULL).
  const uint64_t all_valid = (k >= 64 ? ~uint64_t{0} : (uint64_t{1} << k) - 1);
  std::vector<uint64_t> masks(rows, all_valid);
  bool any_null_matched = false;
  std::vector<uint8_t> column_missing;
  for (size_t c = 0; c < k; ++c) {
    const Column& column = *keys[c];
    uint64_t* column_words = words.data() + c * rows;
    const bool nulls_match = null_matches != nullptr && (*null_matches)[c] != 0 &&
                             (column.has_nulls() || column.type() == TypeId::kNull);
    if (!nulls_match) {
      EncodeForLookup(static_cast<int>(c), column, selection, n, column_words, &missing);
      continue;
    }
    STRATA_CHECK_LT(c, size_t{64});  // a validity bit per key column
    column_missing.assign(rows, 0);
    EncodeForLookup(static_cast<int>(c), column, selection, n, column_words, &column_missing);
    ForSelected(selection, n, [&](int64_t i, int64_t row) {
      const auto at = static_cast<size_t>(i);
      if (column.type() == TypeId::kNull || column.IsNull(row)) {
        column_words[at] = 0;  // as Insert encodes a NULL
        masks[at] &= ~(uint64_t{1} << c);
        any_null_matched = true;
      } else if (column_missing[at] != 0) {
        missing[at] = 1;
      }
    });
  }
  if (k == 1) {
    for (size_t i = 0; i < rows; ++i) {
      if (missing[i] != 0) {
        continue;
      }
      if (masks[i] != all_valid) {
        (*groups)[i] = static_cast<int32_t>(null_group_);  // -1 when no NULL was inserted
        continue;
      }
      auto it = single_map_.find(words[i]);
      if (it != single_map_.end()) {
        (*groups)[i] = static_cast<int32_t>(it->second);
      }
    }
    return;
  }
  std::vector<uint64_t> hashes(rows);
  TupleHashes(words.data(), masks.data(), k, rows, hashes.data());
  for (size_t i = 0; i < rows; ++i) {
    if (missing[i] == 0) {
      (*groups)[i] = static_cast<int32_t>(
          FindTuple(words.data(), rows, i, any_null_matched ? masks[i] : all_valid, hashes[i]));
    }
  }
}

bool GroupTable::GroupHasNull(uint32_t g) const {
  if (columns_.empty()) {
    return false;
  }
  if (columns_.size() == 1) {
    return static_cast<int64_t>(g) == null_group_;
  }
  const size_t k = columns_.size();
  const uint64_t all_valid = (k >= 64 ? ~uint64_t{0} : (uint64_t{1} << k) - 1);
  return tuple_words_[g * static_cast<size_t>(words_per_group_) + k] != all_valid;
}

bool GroupTable::GroupKeyIsNull(uint32_t g, size_t key) const {
  STRATA_DCHECK_LT(key, columns_.size());
  if (columns_.size() == 1) {
    return static_cast<int64_t>(g) == null_group_;
  }
  STRATA_CHECK_LT(key, size_t{64});  // the validity word has a bit per key
  const uint64_t valid = tuple_words_[g * static_cast<size_t>(words_per_group_) + columns_.size()];
  return ((valid >> key) & 1) == 0;
}

size_t GroupTable::MemoryUsage() const {
  size_t bytes =
      single_map_.capacity() * (sizeof(uint64_t) + sizeof(uint32_t) + 1) +
      single_words_.capacity() * sizeof(uint64_t) + tuple_words_.capacity() * sizeof(uint64_t) +
      tuple_hashes_.capacity() * sizeof(uint64_t) + tuple_slots_.capacity() * sizeof(uint32_t) +
      code_to_group_.capacity() * sizeof(int32_t);
  for (const KeyColumnState& state : columns_) {
    bytes += state.code_to_id.capacity() * sizeof(int32_t);
    if (state.strings) {
      bytes += state.strings->MemoryUsage();
    }
  }
  return bytes;
}

}  // namespace strata::exec
