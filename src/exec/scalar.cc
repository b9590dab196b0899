// Scalar values.
#include "exec/scalar.h"

#include <cmath>
#include <cstring>

#include "common/civil_time.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

// 2016-01-01T00:00:00.5Z style, as a TIMESTAMP literal shows it.
std::string TimestampText(int64_t nanos) {
  return FormatIso8601(nanos, SecondFraction::kTrimmed) + "Z";
}

std::string IntervalText(const Interval& v) {
  std::string text;
  auto add = [&text](int64_t n, std::string_view unit) {
    if (n == 0) {
      return;
    }
    if (!text.empty()) {
      text += ' ';
    }
    text += fmt::format("{} {}{}", n, unit, n == 1 || n == -1 ? "" : "s");
  };
  add(v.months / 12, "year");
  add(v.months % 12, "month");
  add(v.days, "day");
  int64_t nanos = v.nanos;
  add(nanos / 3'600'000'000'000, "hour");
  nanos %= 3'600'000'000'000;
  add(nanos / 60'000'000'000, "minute");
  nanos %= 60'000'000'000;
  add(nanos / 1'000'000'000, "second");
  nanos %= 1'000'000'000;
  add(nanos, "nanosecond");
  return text.empty() ? "0 seconds" : text;
}

}  // namespace

Scalar Scalar::Null(TypeId type) {
  Scalar s;
  s.type_ = type == TypeId::kDictionary ? TypeId::kString : type;
  return s;
}

std::string Scalar::ToString() const {
  if (is_null()) {
    return "NULL";
  }
  switch (type_) {
    case TypeId::kBool:
      return bool_value() ? "true" : "false";
    case TypeId::kInt64:
      return fmt::format("{}", int64_value());
    case TypeId::kUInt64:
      return fmt::format("{}", uint64_value());
    case TypeId::kFloat64: {
      double v = float64_value();
      if (std::isnan(v)) {
        return "'NaN'::double";
      }
      if (std::isinf(v)) {
        return v > 0 ? "'Infinity'::double" : "'-Infinity'::double";
      }
      std::string text = fmt::format("{}", v);
      if (text.find_first_of(".eE") == std::string::npos) {
        text += ".0";
      }
      return text;
    }
    case TypeId::kString:
    case TypeId::kDictionary: {
      std::string text = "'";
      for (char c : string_value()) {
        text += c;
        if (c == '\'') {
          text += '\'';
        }
      }
      return text + "'";
    }
    case TypeId::kTimestamp:
      return "TIMESTAMP '" + TimestampText(int64_value()) + "'";
    case TypeId::kInterval:
      return "INTERVAL '" + IntervalText(interval_value()) + "'";
    case TypeId::kNull:
      return "NULL";
  }
  return "?";
}

bool Scalar::operator==(const Scalar& other) const {
  if (type_ != other.type_ || is_null() != other.is_null()) {
    return false;
  }
  if (is_null()) {
    return true;
  }
  if (type_ == TypeId::kFloat64) {
    double a = float64_value();
    double b = other.float64_value();
    return std::memcmp(&a, &b, sizeof(double)) == 0;
  }
  return value_ == other.value_;
}

}  // namespace strata::exec
