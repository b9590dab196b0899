// InfluxQL's arithmetic and math functions on result values, as InfluxDB 1.8 evaluates a field
// expression (influxql's ValuerEval with integer division as float division): a null operand or
// types that do not combine give null, dividing by zero gives 0, integers wrap around. Shared by
// the compiler (constant folding) and the per-series processing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "influxql/ast.h"
#include "influxql/result.h"

namespace strata::query::influxql_select {

inline bool IsNullValue(const influxql::ResultValue& value) {
  return std::holds_alternative<std::monostate>(value);
}

// A number as a double (floats, integers, unsigned); nullopt for anything else.
std::optional<double> AsDouble(const influxql::ResultValue& value);

// Orders values of one type: numbers (across types by value), false before true, strings
// bytewise. Returns <0, 0 or >0.
int CompareValues(const influxql::ResultValue& a, const influxql::ResultValue& b);

// `value` read as `x::type` reads a field: numbers convert between float, integer and unsigned
// (floats truncated toward zero), other types only match themselves; null when it does not.
influxql::ResultValue CastValue(const influxql::ResultValue& value, influxql::DataType type);

// `left op right` for the arithmetic and bitwise operators.
influxql::ResultValue EvalBinary(influxql::BinaryOperator op,
                                 const influxql::ResultValue& left,
                                 const influxql::ResultValue& right);

// A math function (abs, sin, ..., pow, log(x, base), round): null unless every argument is a
// number. abs, floor, ceil and round keep integers integers.
influxql::ResultValue EvalMath(std::string_view name,
                               const std::vector<influxql::ResultValue>& args);

}  // namespace strata::query::influxql_select
