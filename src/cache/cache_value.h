// Values held by the caches and the key filters queries push into a cache lookup.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "catalog/write_batch.h"

namespace strata::cache {

// One cached value: null (the row had no value for the column), or a value of the column's type
// (tags and string fields as strings; time is kept apart, as the row's time).
using Value = std::variant<std::monostate, int64_t, uint64_t, double, bool, std::string>;

// The value of `cell`, a cell of `write`.
Value ValueOf(const TableWrite& write, const CellValue& cell);
// The value of `cell` whose string bytes (for a tag or string cell) are `bytes`.
Value ValueOf(const CellValue& cell, std::string_view bytes);

// Appends an unambiguous encoding of `value` to `out` (a type byte, then the payload; strings
// with their length): the encoded values of a key, one after another, identify it.
void AppendEncodedValue(const Value& value, std::string* out);
// The encoding AppendEncodedValue(ValueOf(write, cell)) writes, without building the value, in
// two steps (a key of several cells is encoded in one buffer): the encoding's size, and writing
// it at `out` (EncodedCellSize bytes), returning the end.
size_t EncodedCellSize(const TableWrite& write, const CellValue& cell);
char* EncodeCell(const TableWrite& write, const CellValue& cell, char* out);

// Whether a cache holds the data written before it existed. A cache the server creates (on
// request, or from the catalog at start-up) starts empty and closed; a scan of its table fills
// it (src/query/cache_fill.h), and then opens the gate. Lookups wait for the gate: a query never
// reads a half-filled cache. Writes are applied at any time (filling does not replace newer
// values). A cache made without a fill to wait for starts open.
class FillGate {
 public:
  explicit FillGate(bool open) : open_(open) {}
  void Open() {
    absl::MutexLock lock(&mutex_);
    open_ = true;
  }
  bool is_open() const {
    absl::MutexLock lock(&mutex_);
    return open_;
  }
  void Wait() const {
    absl::MutexLock lock(&mutex_);
    mutex_.Await(absl::Condition(&open_));
  }

 private:
  mutable absl::Mutex mutex_;
  bool open_ ABSL_GUARDED_BY(mutex_);
};

// A condition on one column pushed into a lookup: the value must be one of `allowed` (when set:
// equality and IN lists, intersected) and none of `excluded` (NOT IN and <>). A null value passes
// only an empty filter (no condition), as SQL comparisons with NULL are never true.
struct ColumnFilter {
  std::optional<std::vector<Value>> allowed;
  std::vector<Value> excluded;

  bool Matches(const Value& value) const;
  // True when no value can pass (an empty allowed list).
  bool Impossible() const { return allowed.has_value() && allowed->empty(); }
};

}  // namespace strata::cache
