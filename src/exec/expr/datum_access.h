// Building blocks of the vectorized kernels: typed views of a Datum's values, validity masks
// combined a word at a time, result column allocation, and the conversions between scalars and
// one-row columns that let a kernel written for columns also answer scalar-only calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "columnar/bitmap.h"
#include "columnar/column.h"
#include "columnar/record_batch.h"
#include "exec/datum.h"
#include "exec/scalar.h"

namespace strata::exec {

// The validity words of a column, or nullptr when every row is valid (so loops can skip the
// mask entirely in the common no-null case).
inline const uint64_t* ValidityWords(const Column& column) {
  return column.has_nulls() ? column.validity().words() : nullptr;
}
inline const uint64_t* ValidityWords(const Datum& datum) {
  return datum.is_column() ? ValidityWords(*datum.column()) : nullptr;
}
inline bool BitIsSet(const uint64_t* words, int64_t i) {
  return (words[i >> 6] >> (i & 63)) & 1;
}
// True when row i is valid under a mask from ValidityWords (nullptr: all valid).
inline bool RowIsValid(const uint64_t* words, int64_t i) {
  return words == nullptr || BitIsSet(words, i);
}

// The AND of two validity masks (either may be nullptr: all valid) over n rows, or nullopt when
// both are nullptr.
std::optional<Bitmap> IntersectValidity(const uint64_t* a, const uint64_t* b, int64_t n);
// A copy of a mask over n rows, or nullopt for nullptr.
std::optional<Bitmap> CopyValidity(const uint64_t* words, int64_t n);

// A new column of `type` with n zero values, to be filled through mutable_data<T>().
// REQUIRES: a fixed-width type.
std::shared_ptr<Column> AllocateFixedColumn(TypeId type, int64_t n);

// Hands a finished column out, applying `validity` when there is one.
ColumnPtr FinishColumn(std::shared_ptr<Column> column, std::optional<Bitmap> validity);

// A column of n copies of `scalar` (NULLs of its type when it is null).
ColumnPtr ScalarToColumn(const Scalar& scalar, int64_t n);
// Row i of a column as a scalar (a kDictionary value becomes a kString scalar).
Scalar ScalarAt(const Column& column, int64_t i);

// The value of a non-null scalar in a column's value layout (uint8_t for bool, int64_t for
// int64 and timestamp).
template <typename T>
T ScalarValue(const Scalar& scalar);
template <>
inline uint8_t ScalarValue<uint8_t>(const Scalar& s) {
  return s.bool_value() ? 1 : 0;
}
template <>
inline int64_t ScalarValue<int64_t>(const Scalar& s) {
  return s.int64_value();
}
template <>
inline uint64_t ScalarValue<uint64_t>(const Scalar& s) {
  return s.uint64_value();
}
template <>
inline double ScalarValue<double>(const Scalar& s) {
  return s.float64_value();
}
template <>
inline Interval ScalarValue<Interval>(const Scalar& s) {
  return s.interval_value();
}

// Row-wise access to the strings of a kString or kDictionary column without a call per row.
class StringReader {
 public:
  explicit StringReader(const Column& column);
  std::string_view operator[](int64_t i) const {
    if (codes_ != nullptr) {
      return dictionary_->Value(codes_[i]);
    }
    const StringRef ref = refs_[i];
    return std::string_view(heap_ + ref.offset, ref.length);
  }

 private:
  const StringRef* refs_ = nullptr;
  const char* heap_ = nullptr;
  const int32_t* codes_ = nullptr;
  const StringDictionary* dictionary_ = nullptr;
};

// Reads the rows of an argument that is a column or a scalar standing for every row, one row at
// a time (for functions, where the per-row work dominates the branch).
class DatumReader {
 public:
  explicit DatumReader(const Datum& datum);

  bool is_scalar() const { return column_ == nullptr; }
  bool IsNull(int64_t i) const {
    return column_ == nullptr ? scalar_null_ : !RowIsValid(validity_, i);
  }
  bool AllNull() const { return column_ == nullptr && scalar_null_; }
  int64_t Int64(int64_t i) const {
    return column_ == nullptr ? scalar_->int64_value() : column_->data<int64_t>()[i];
  }
  uint64_t UInt64(int64_t i) const {
    return column_ == nullptr ? scalar_->uint64_value() : column_->data<uint64_t>()[i];
  }
  double Float64(int64_t i) const {
    return column_ == nullptr ? scalar_->float64_value() : column_->data<double>()[i];
  }
  bool Bool(int64_t i) const {
    return column_ == nullptr ? scalar_->bool_value() : column_->data<uint8_t>()[i] != 0;
  }
  Interval IntervalValue(int64_t i) const {
    return column_ == nullptr ? scalar_->interval_value() : column_->data<Interval>()[i];
  }
  std::string_view String(int64_t i) const {
    return column_ == nullptr ? std::string_view(scalar_->string_value()) : (*strings_)[i];
  }

 private:
  const Column* column_ = nullptr;
  const Scalar* scalar_ = nullptr;
  bool scalar_null_ = false;
  const uint64_t* validity_ = nullptr;
  std::optional<StringReader> strings_;
};

// True when every datum is a scalar.
bool AllScalars(const std::vector<Datum>& args);

// Runs a column kernel for a call whose arguments may all be scalars: scalar-only calls are
// evaluated as one row and return a Scalar (this is how the planner constant-folds), otherwise
// `kernel` gets the arguments as they are and `num_rows`.
template <typename Kernel>
absl::StatusOr<Datum> EvaluateScalarAware(const std::vector<Datum>& args,
                                          int64_t num_rows,
                                          Kernel&& kernel) {
  if (AllScalars(args)) {
    absl::StatusOr<ColumnPtr> one = kernel(args, int64_t{1});
    if (!one.ok()) {
      return one.status();
    }
    return Datum(ScalarAt(**one, 0));
  }
  absl::StatusOr<ColumnPtr> column = kernel(args, num_rows);
  if (!column.ok()) {
    return column.status();
  }
  return Datum(*std::move(column));
}

}  // namespace strata::exec
