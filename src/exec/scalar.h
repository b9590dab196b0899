// Scalar values: one typed, possibly null value of a query type. Literals, constant-folded
// expressions, aggregate results before they become columns, and the scalar side of
// column-vs-scalar kernels.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "types/data_type.h"

namespace strata::exec {

// A value of one TypeId. Never kDictionary: a string scalar is kString whatever column it came
// from. The default-constructed Scalar is the untyped NULL (type kNull).
class Scalar {
 public:
  Scalar() = default;

  // A NULL of `type` (kDictionary becomes kString).
  static Scalar Null(TypeId type);
  static Scalar Bool(bool v) { return Scalar(TypeId::kBool, v); }
  static Scalar Int64(int64_t v) { return Scalar(TypeId::kInt64, v); }
  static Scalar UInt64(uint64_t v) { return Scalar(TypeId::kUInt64, v); }
  static Scalar Float64(double v) { return Scalar(TypeId::kFloat64, v); }
  static Scalar String(std::string v) { return Scalar(TypeId::kString, std::move(v)); }
  // Nanoseconds since the Unix epoch, UTC.
  static Scalar Timestamp(int64_t nanos) { return Scalar(TypeId::kTimestamp, nanos); }
  static Scalar FromInterval(Interval v) { return Scalar(TypeId::kInterval, v); }

  TypeId type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }

  // Typed access. REQUIRES: !is_null() and the matching type (int64_value for kInt64 and
  // kTimestamp).
  bool bool_value() const { return std::get<bool>(value_); }
  int64_t int64_value() const { return std::get<int64_t>(value_); }
  uint64_t uint64_value() const { return std::get<uint64_t>(value_); }
  double float64_value() const { return std::get<double>(value_); }
  const std::string& string_value() const { return std::get<std::string>(value_); }
  const Interval& interval_value() const { return std::get<Interval>(value_); }

  // The value as SQL text for plans and messages: NULL, true, 42, 1.5, 'it''s',
  // TIMESTAMP '2016-01-01T00:00:00Z', INTERVAL '1 day 2 hours'.
  std::string ToString() const;

  // Same type, same nullness and same value (floats compare by bits, so NaN equals NaN).
  bool operator==(const Scalar& other) const;

 private:
  using Value =
      std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Interval>;
  Scalar(TypeId type, Value value) : type_(type), value_(std::move(value)) {}

  TypeId type_ = TypeId::kNull;
  Value value_;
};

}  // namespace strata::exec
