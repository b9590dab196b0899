// Column vectors: a typed sequence of values with a validity bitmap, the unit every later layer
// (write buffer chunks, Parquet readers, query operators) works on.
//
// Layout by type:
//   kBool                      uint8_t per value (0 or 1)
//   kInt64, kTimestamp         int64_t per value
//   kUInt64                    uint64_t per value
//   kFloat64                   double per value
//   kString                    StringRef {offset, length} per value into a byte heap; setting a
//                              value appends to the heap, so values can be replaced in place
//   kDictionary                int32_t code per value into a shared StringDictionary
// A null slot holds a zero value. Validity is tracked only once the first null arrives.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "columnar/bitmap.h"
#include "columnar/buffer.h"
#include "columnar/string_dictionary.h"
#include "common/check.h"
#include "types/data_type.h"

namespace strata {

// A string value's place in a kString column's heap.
struct StringRef {
  uint32_t offset;
  uint32_t length;
};

// A mutable, growable column. Append and Set are for builders (write buffer chunks, operators
// producing output); once shared, a column is handed out as std::shared_ptr<const Column>.
class Column {
 public:
  // Creates an empty column. A kDictionary column uses `dictionary` (shared with other columns,
  // e.g. all chunks of one tag) or creates its own when null.
  explicit Column(TypeId type, std::shared_ptr<StringDictionary> dictionary = nullptr);

  TypeId type() const { return type_; }
  int64_t size() const { return size_; }
  int64_t null_count() const { return null_count_; }
  bool has_nulls() const { return null_count_ > 0; }
  bool IsNull(int64_t i) const { return has_validity_ && !validity_.Get(i); }
  bool IsValid(int64_t i) const { return !IsNull(i); }
  // The validity bitmap; only meaningful when has_nulls() (otherwise every row is valid).
  const Bitmap& validity() const { return validity_; }

  // Typed access to the value buffer. T must match the type's layout (see the file comment).
  template <typename T>
  const T* data() const {
    return values_.as<T>();
  }
  template <typename T>
  T* mutable_data() {
    return values_.as<T>();
  }

  int64_t GetInt64(int64_t i) const { return Get<int64_t>(i); }
  uint64_t GetUInt64(int64_t i) const { return Get<uint64_t>(i); }
  double GetFloat64(int64_t i) const { return Get<double>(i); }
  bool GetBool(int64_t i) const { return Get<uint8_t>(i) != 0; }
  // The string at row i of a kString or kDictionary column.
  std::string_view GetString(int64_t i) const;
  int32_t GetDictionaryCode(int64_t i) const { return Get<int32_t>(i); }

  // The dictionary of a kDictionary column (null otherwise).
  const std::shared_ptr<StringDictionary>& dictionary() const { return dictionary_; }
  // Makes a kDictionary column use `same` in place of its dictionary: one with the same values in
  // the same order (DictionaryInterner), so that every code keeps its value.
  void ShareDictionary(std::shared_ptr<StringDictionary> same);

  void Reserve(int64_t rows);
  void AppendNull();
  void AppendNulls(int64_t count);
  void AppendInt64(int64_t v) { AppendFixed(v); }  // kInt64 and kTimestamp
  void AppendUInt64(uint64_t v) { AppendFixed(v); }
  void AppendFloat64(double v) { AppendFixed(v); }
  void AppendBool(bool v) { AppendFixed(static_cast<uint8_t>(v)); }
  // Appends to a kString or kDictionary column.
  void AppendString(std::string_view v);
  void AppendDictionaryCode(int32_t code) { AppendFixed(code); }

  // Grows to `rows` values, the new ones zero (and valid), for kernels that then fill
  // mutable_data<T>() directly. REQUIRES: a fixed-width type (not kString), rows >= size().
  void ResizeFixed(int64_t rows);
  // Like ResizeFixed, but the new values are unspecified: for a kernel that writes every one of
  // them next (a gather). Saves zeroing memory that is overwritten at once.
  void ResizeFixedForOverwrite(int64_t rows);
  // Replaces the validity: bit i set means row i is valid. REQUIRES: validity.size() == size().
  // Null slots keep whatever value they hold (kernels may leave garbage there; readers must not
  // look at a null slot's value).
  void SetValidity(Bitmap validity);
  // Reserves `bytes` of string heap (kString) ahead of AppendString calls.
  void ReserveHeap(size_t bytes) { heap_.Reserve(bytes); }

  // Replace the value at row i (making it valid). Used to merge duplicate points.
  void SetNull(int64_t i);
  void SetInt64(int64_t i, int64_t v) { SetFixed(i, v); }
  void SetUInt64(int64_t i, uint64_t v) { SetFixed(i, v); }
  void SetFloat64(int64_t i, double v) { SetFixed(i, v); }
  void SetBool(int64_t i, bool v) { SetFixed(i, static_cast<uint8_t>(v)); }
  void SetString(int64_t i, std::string_view v);

  // Heap bytes held by this column (values, heap, validity; not a shared dictionary).
  size_t MemoryUsage() const;

 private:
  template <typename T>
  T Get(int64_t i) const {
    STRATA_DCHECK_LT(i, size_);
    STRATA_DCHECK_EQ(static_cast<int>(sizeof(T)), FixedWidth(type_));
    return values_.as<T>()[i];
  }
  template <typename T>
  void AppendFixed(T v) {
    STRATA_DCHECK_EQ(static_cast<int>(sizeof(T)), FixedWidth(type_));
    values_.AppendValue(v);
    ++size_;
    if (has_validity_) {
      validity_.Append(true);
    }
  }
  template <typename T>
  void SetFixed(int64_t i, T v) {
    STRATA_DCHECK_LT(i, size_);
    STRATA_DCHECK_EQ(static_cast<int>(sizeof(T)), FixedWidth(type_));
    values_.as<T>()[i] = v;
    MarkValid(i);
  }
  void MarkValid(int64_t i) {
    if (has_validity_ && !validity_.Get(i)) {
      validity_.Set(i, true);
      --null_count_;
    }
  }
  StringRef AppendToHeap(std::string_view v);
  void EnsureValidity();

  TypeId type_;
  int64_t size_ = 0;
  int64_t null_count_ = 0;
  bool has_validity_ = false;
  Buffer values_;
  Buffer heap_;  // kString bytes
  Bitmap validity_;
  std::shared_ptr<StringDictionary> dictionary_;
};

}  // namespace strata
