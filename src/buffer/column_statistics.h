// Per-column statistics of write buffer chunks: the null count and min/max bounds that let the
// query engine skip chunks a predicate cannot match, kept up to date while rows are appended and
// merged.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>

#include "types/data_type.h"

namespace strata::buffer {

// A statistic's value: bool for kBool, int64_t for kInt64 and kTimestamp, uint64_t for kUInt64,
// double for kFloat64, std::string for kString and kDictionary; std::monostate when there is none
// (every value is null).
using StatisticValue = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string>;

// Statistics of one column of one chunk.
struct ColumnStatistics {
  int64_t null_count = 0;
  // Bounds of the non-null values: numbers by value, strings (plain and dictionary) by their bytes
  // (lexicographically, as unsigned bytes), false < true. After a duplicate point overwrote a
  // value the bounds may be wider than the values present, never narrower.
  StatisticValue min;
  StatisticValue max;

  // True when min and max are set (the column has at least one non-null value).
  bool has_min_max() const { return !std::holds_alternative<std::monostate>(min); }
};

// Accumulates the min/max bounds of one column while values are added. Cheap enough to call for
// every appended value: numeric types cost two compares and no branch on "first value".
class ColumnStatisticsBuilder {
 public:
  explicit ColumnStatisticsBuilder(TypeId type);

  TypeId type() const { return type_; }
  bool has_value() const { return has_value_; }

  // Adds a value; the Add* function must match type() (Int64 for kInt64 and kTimestamp, String
  // for kString and kDictionary).
  void AddInt64(int64_t v) {
    has_value_ = true;
    min_.i64 = v < min_.i64 ? v : min_.i64;
    max_.i64 = v > max_.i64 ? v : max_.i64;
  }
  void AddUInt64(uint64_t v) {
    has_value_ = true;
    min_.u64 = v < min_.u64 ? v : min_.u64;
    max_.u64 = v > max_.u64 ? v : max_.u64;
  }
  // NaN does not move the bounds (line protocol rejects NaN, so none arrives).
  void AddFloat64(double v) {
    has_value_ = true;
    min_.f64 = v < min_.f64 ? v : min_.f64;
    max_.f64 = v > max_.f64 ? v : max_.f64;
  }
  void AddBool(bool v) { AddInt64(v ? 1 : 0); }
  void AddString(std::string_view v);

  // The bounds so far (std::monostate before the first value).
  StatisticValue Min() const;
  StatisticValue Max() const;

  // Returns the statistics of a column with `null_count` nulls and the values added so far.
  ColumnStatistics Finish(int64_t null_count) const;

  // Heap bytes held (the string bounds).
  size_t MemoryUsage() const { return min_string_.capacity() + max_string_.capacity(); }

 private:
  union Number {
    int64_t i64;
    uint64_t u64;
    double f64;
  };
  StatisticValue ToValue(const Number& number, const std::string& text) const;

  TypeId type_;
  bool has_value_ = false;
  Number min_;
  Number max_;
  std::string min_string_;
  std::string max_string_;
};

}  // namespace strata::buffer
