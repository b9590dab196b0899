// Min/max accumulation for chunk columns.
#include "buffer/column_statistics.h"

#include <limits>

namespace strata::buffer {

ColumnStatisticsBuilder::ColumnStatisticsBuilder(TypeId type) : type_(type) {
  switch (type) {
    case TypeId::kUInt64:
      min_.u64 = std::numeric_limits<uint64_t>::max();
      max_.u64 = 0;
      break;
    case TypeId::kFloat64:
      min_.f64 = std::numeric_limits<double>::infinity();
      max_.f64 = -std::numeric_limits<double>::infinity();
      break;
    default:  // kInt64, kTimestamp, kBool (as 0/1); unused for strings
      min_.i64 = std::numeric_limits<int64_t>::max();
      max_.i64 = std::numeric_limits<int64_t>::min();
      break;
  }
}

void ColumnStatisticsBuilder::AddString(std::string_view v) {
  // std::string_view compares with char_traits<char>, which compares as unsigned char.
  if (!has_value_) {
    has_value_ = true;
    min_string_.assign(v);
    max_string_.assign(v);
  } else if (v < std::string_view(min_string_)) {
    min_string_.assign(v);
  } else if (v > std::string_view(max_string_)) {
    max_string_.assign(v);
  }
}

StatisticValue ColumnStatisticsBuilder::ToValue(const Number& number,
                                                const std::string& text) const {
  if (!has_value_) {
    return std::monostate{};
  }
  switch (type_) {
    case TypeId::kBool:
      return number.i64 != 0;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return number.i64;
    case TypeId::kUInt64:
      return number.u64;
    case TypeId::kFloat64:
      return number.f64;
    case TypeId::kString:
    case TypeId::kDictionary:
      return text;
    case TypeId::kNull:
    case TypeId::kInterval:
      break;
  }
  return std::monostate{};
}

StatisticValue ColumnStatisticsBuilder::Min() const {
  return ToValue(min_, min_string_);
}

StatisticValue ColumnStatisticsBuilder::Max() const {
  return ToValue(max_, max_string_);
}

ColumnStatistics ColumnStatisticsBuilder::Finish(int64_t null_count) const {
  ColumnStatistics stats;
  stats.null_count = null_count;
  stats.min = Min();
  stats.max = Max();
  return stats;
}

}  // namespace strata::buffer
