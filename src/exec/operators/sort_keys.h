// Order-preserving encodings of sort keys, shared by SortExec, TopK and WindowExec. Each key
// value becomes a null rank and a 64-bit word whose unsigned order is the SQL order (integers
// with the sign bit flipped, floats by their IEEE bits with NaN above every number, descending
// keys inverted); strings keep their first 8 bytes as the word and are compared in full only on
// ties. Comparing rows is then a few integer compares per key, without type dispatch.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "columnar/record_batch.h"
#include "exec/batch.h"

namespace strata::exec {

struct SortOrder {
  bool ascending = true;
  bool nulls_first = false;
};

class EncodedKeys {
 public:
  // Encodes the covered rows (selection, or rows [0, n)) of `keys`; row i of the encoding is the
  // i-th covered row. With `dictionary_ranks`, a dictionary column's codes are ranked by their
  // strings (only comparable within one EncodedKeys: use it when all rows are encoded at once).
  // String views point into the columns: they must outlive this object.
  void Encode(const std::vector<ColumnPtr>& keys,
              const std::vector<SortOrder>& orders,
              const SelectionVector* selection,
              int64_t n,
              bool dictionary_ranks);

  int64_t num_rows() const { return n_; }
  // Heap bytes of the encoding.
  size_t MemoryUsage() const;

  // <0, 0, >0 as row i of `a` sorts before, with, or after row j of `b`. REQUIRES: both encoded
  // with the same orders and key types.
  static int Compare(const EncodedKeys& a, int64_t i, const EncodedKeys& b, int64_t j);
  int Compare(int64_t i, int64_t j) const { return Compare(*this, i, *this, j); }

 private:
  struct Key {
    bool ascending = true;
    bool has_text = false;
    std::vector<uint8_t> null_rank;  // 0 nulls first, 1 value, 2 nulls last
    std::vector<uint64_t> words;
    std::vector<std::string_view> texts;  // strings compared on word ties
  };
  std::vector<Key> keys_;
  int64_t n_ = 0;
};

}  // namespace strata::exec
