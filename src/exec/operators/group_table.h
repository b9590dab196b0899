// The hash table of group keys behind HashAggregateExec: maps each input row's key (any number
// of columns of any type) to a dense group id, and turns the distinct keys back into columns.
//
// Every key column value is first encoded as one 64-bit word: numbers and timestamps by their
// bits (floats canonicalized so -0.0 = 0.0 and all NaNs are equal), strings by an id interned
// in a per-column dictionary. A dictionary-encoded column is translated through a cache from its
// codes to interned ids, so each distinct code is looked up once per dictionary, not per row.
// One key column has a direct word -> group map (and for dictionary keys a code -> group cache);
// several are hashed as a tuple of words plus a null mask.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "columnar/record_batch.h"
#include "exec/batch.h"

namespace strata::exec {

// Not thread-safe: one per partition of an aggregation.
class GroupTable {
 public:
  // `key_types` are the types of the key columns as they arrive (kString and kDictionary are
  // interchangeable per batch).
  explicit GroupTable(std::vector<TypeId> key_types);
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  // Appends to *group_ids the group of each selected row of `keys` (columns of num_rows physical
  // rows; selection null: every row), creating groups for new keys. With no key columns every
  // row belongs to group 0, which always exists.
  void Insert(const std::vector<ColumnPtr>& keys,
              int64_t num_rows,
              const SelectionVector* selection,
              std::vector<uint32_t>* group_ids);

  uint32_t num_groups() const { return num_groups_; }

  // Sets (*groups)[i] to the group of the i-th selected row, or -1 when its key is not in the
  // table or has a NULL column (for join probes: NULL never matches), except in the columns
  // `null_matches` flags (may be null: none), where NULL finds the group with NULL there.
  // Read-only: safe to call from several threads once no more Insert calls happen.
  void Lookup(const std::vector<ColumnPtr>& keys,
              int64_t num_rows,
              const SelectionVector* selection,
              std::vector<int32_t>* groups,
              const std::vector<uint8_t>* null_matches = nullptr) const;
  // True when group g's key has a NULL in some column.
  bool GroupHasNull(uint32_t g) const;
  // True when key column `key` of group `g` is NULL.
  bool GroupKeyIsNull(uint32_t g, size_t key) const;

  // Key column `k` for groups [start, start + count). String keys are kDictionary columns over
  // the table's interned strings when `dictionary_output`, else kString.
  ColumnPtr KeyColumn(int k, uint32_t start, uint32_t count, bool dictionary_output) const;

  size_t MemoryUsage() const;

 private:
  // Per key column: how its values become words.
  struct KeyColumnState {
    TypeId type;
    bool is_string = false;
    std::shared_ptr<StringDictionary> strings;  // interned values of a string key
    // Cache of the last dictionary seen: its codes -> interned ids (-1: not yet looked up).
    // The shared_ptr keeps the dictionary alive so that its address is not reused.
    std::shared_ptr<StringDictionary> cached_dictionary;
    std::vector<int32_t> code_to_id;
  };

  // Encodes the selected rows of `column` into words[i] and clears bit i of *valid for nulls.
  void EncodeColumn(int k,
                    const Column& column,
                    const SelectionVector* selection,
                    int64_t n,
                    uint64_t* words,
                    std::vector<uint8_t>* valid);
  // The interned id of each code of a dictionary column's dictionary (refreshing the cache).
  const int32_t* DictionaryIds(int k, const Column& column);
  uint32_t SingleKeyGroup(uint64_t word);
  uint32_t NullGroup();
  void InsertSingleDictionary(const Column& column,
                              int64_t num_rows,
                              const SelectionVector* selection,
                              std::vector<uint32_t>* group_ids);

  // Several key columns. The probe keys of a batch are column-major: word c of row i is
  // words[c * n + i]; hashes[i] is the row's TupleHashes value and masks[i] its null mask.
  static void TupleHashes(
      const uint64_t* words, const uint64_t* masks, size_t k, size_t n, uint64_t* hashes);
  // The slot holding the group whose key equals row i's, or the empty slot where it would go.
  // REQUIRES: tuple_slots_ is not empty (and, being at most half full, has an empty slot).
  size_t ProbeTupleSlot(
      const uint64_t* words, size_t n, size_t i, uint64_t mask, uint64_t hash) const;
  // The group whose key equals row i's, inserting it when absent.
  uint32_t FindOrInsertTuple(
      const uint64_t* words, size_t n, size_t i, uint64_t mask, uint64_t hash);
  // The group whose key equals row i's, or -1.
  int64_t FindTuple(const uint64_t* words, size_t n, size_t i, uint64_t mask, uint64_t hash) const;
  bool TupleEquals(uint32_t g, const uint64_t* words, size_t n, size_t i, uint64_t mask) const;
  void GrowTupleSlots();
  // Encodes the selected rows of key column k without changing the table; rows whose value is
  // NULL or not in the table get missing[i] = 1.
  void EncodeForLookup(int k,
                       const Column& column,
                       const SelectionVector* selection,
                       int64_t n,
                       uint64_t* words,
                       std::vector<uint8_t>* missing) const;

  std::vector<KeyColumnState> columns_;
  uint32_t num_groups_ = 0;

  // One key column: the word of every group (null group: word 0, flagged in null_group_).
  absl::flat_hash_map<uint64_t, uint32_t> single_map_;
  std::vector<uint64_t> single_words_;
  int64_t null_group_ = -1;
  // Single dictionary key: cached dictionary's codes -> group id (-1: unknown).
  std::shared_ptr<StringDictionary> group_cache_dictionary_;
  std::vector<int32_t> code_to_group_;

  // Several key columns: words_per_group_ words per group (keys, then the null mask), each
  // group's hash, and an open-addressing table (linear probing, at most half full) of group + 1
  // (0: empty slot) whose size is a power of two.
  int words_per_group_ = 0;
  std::vector<uint64_t> tuple_words_;
  std::vector<uint64_t> tuple_hashes_;
  std::vector<uint32_t> tuple_slots_;
};

}  // namespace strata::exec
