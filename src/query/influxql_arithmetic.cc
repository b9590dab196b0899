#include "query/influxql_arithmetic.h"

#include <cmath>
#include <cstdint>

namespace strata::query::influxql_select {

using influxql::BinaryOperator;
using influxql::ResultValue;

namespace {

bool IsNull(const ResultValue& value) {
  return IsNullValue(value);
}

double Round(double x) {
  return std::round(x);
}

}  // namespace

std::optional<double> AsDouble(const ResultValue& value) {
  if (const auto* d = std::get_if<double>(&value)) {
    return *d;
  }
  if (const auto* i = std::get_if<int64_t>(&value)) {
    return static_cast<double>(*i);
  }
  if (const auto* u = std::get_if<uint64_t>(&value)) {
    return static_cast<double>(*u);
  }
  return std::nullopt;
}

int CompareValues(const ResultValue& a, const ResultValue& b) {
  if (a.index() == b.index()) {
    if (const auto* x = std::get_if<int64_t>(&a)) {
      const int64_t y = std::get<int64_t>(b);
      return *x < y ? -1 : (*x > y ? 1 : 0);
    }
    if (const auto* x = std::get_if<uint64_t>(&a)) {
      const uint64_t y = std::get<uint64_t>(b);
      return *x < y ? -1 : (*x > y ? 1 : 0);
    }
    if (const auto* x = std::get_if<std::string>(&a)) {
      return x->compare(std::get<std::string>(b));
    }
    if (const auto* x = std::get_if<bool>(&a)) {
      return static_cast<int>(*x) - static_cast<int>(std::get<bool>(b));
    }
  }
  const std::optional<double> x = AsDouble(a);
  const std::optional<double> y = AsDouble(b);
  if (x.has_value() && y.has_value()) {
    return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  return static_cast<int>(a.index()) - static_cast<int>(b.index());
}

ResultValue EvalMath(std::string_view name, const std::vector<ResultValue>& args) {
  for (const ResultValue& arg : args) {
    if (!AsDouble(arg).has_value()) {
      return std::monostate{};
    }
  }
  const ResultValue& x = args[0];
  const double v = *AsDouble(x);
  if (name == "abs") {
    if (const auto* i = std::get_if<int64_t>(&x)) {
      return *i < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(*i)) : *i;
    }
    if (std::holds_alternative<uint64_t>(x)) {
      return x;
    }
    return std::fabs(v);
  }
  if (name == "floor" || name == "ceil" || name == "round") {
    if (!std::holds_alternative<double>(x)) {
      return x;
    }
    return name == "floor" ? std::floor(v) : (name == "ceil" ? std::ceil(v) : Round(v));
  }
  if (name == "sin") {
    return std::sin(v);
  }
  if (name == "cos") {
    return std::cos(v);
  }
  if (name == "tan") {
    return std::tan(v);
  }
  if (name == "asin") {
    return std::asin(v);
  }
  if (name == "acos") {
    return std::acos(v);
  }
  if (name == "atan") {
    return std::atan(v);
  }
  if (name == "exp") {
    return std::exp(v);
  }
  if (name == "ln") {
    return std::log(v);
  }
  if (name == "log2") {
    return std::log2(v);
  }
  if (name == "log10") {
    return std::log10(v);
  }
  if (name == "sqrt") {
    return std::sqrt(v);
  }
  const double y = *AsDouble(args.back());
  if (name == "pow") {
    return std::pow(v, y);
  }
  if (name == "atan2") {
    return std::atan2(v, y);
  }
  if (name == "log") {
    return std::log(v) / std::log(y);
  }
  return std::monostate{};
}

ResultValue EvalBinary(BinaryOperator op, const ResultValue& left, const ResultValue& right) {
  if (IsNull(left) || IsNull(right)) {
    return std::monostate{};
  }
  if (const auto* l = std::get_if<bool>(&left)) {
    const auto* r = std::get_if<bool>(&right);
    if (r == nullptr) {
      return std::monostate{};
    }
    switch (op) {
      case BinaryOperator::kBitwiseAnd:
        return *l && *r;
      case BinaryOperator::kBitwiseOr:
        return *l || *r;
      case BinaryOperator::kBitwiseXor:
        return *l != *r;
      default:
        return std::monostate{};
    }
  }
  const bool any_float =
      std::holds_alternative<double>(left) || std::holds_alternative<double>(right);
  if (any_float) {
    const std::optional<double> l = AsDouble(left);
    const std::optional<double> r = AsDouble(right);
    if (!l.has_value() || !r.has_value()) {
      return std::monostate{};
    }
    switch (op) {
      case BinaryOperator::kAdd:
        return *l + *r;
      case BinaryOperator::kSubtract:
        return *l - *r;
      case BinaryOperator::kMultiply:
        return *l * *r;
      case BinaryOperator::kDivide:
        return *r == 0 ? 0.0 : *l / *r;
      case BinaryOperator::kModulo:
        return std::fmod(*l, *r);
      default:
        return std::monostate{};
    }
  }
  const auto* li = std::get_if<int64_t>(&left);
  const auto* ri = std::get_if<int64_t>(&right);
  if (li != nullptr && ri != nullptr) {
    const auto a = static_cast<uint64_t>(*li);
    const auto b = static_cast<uint64_t>(*ri);
    switch (op) {
      case BinaryOperator::kAdd:
        return static_cast<int64_t>(a + b);
      case BinaryOperator::kSubtract:
        return static_cast<int64_t>(a - b);
      case BinaryOperator::kMultiply:
        return static_cast<int64_t>(a * b);
      case BinaryOperator::kDivide:
        return *ri == 0 ? 0.0 : static_cast<double>(*li) / static_cast<double>(*ri);
      case BinaryOperator::kModulo:
        return *ri == 0 || *ri == -1 ? int64_t{0} : *li % *ri;
      case BinaryOperator::kBitwiseAnd:
        return *li & *ri;
      case BinaryOperator::kBitwiseOr:
        return *li | *ri;
      case BinaryOperator::kBitwiseXor:
        return *li ^ *ri;
      default:
        return std::monostate{};
    }
  }
  // Unsigned with unsigned or integer: unsigned arithmetic.
  std::optional<uint64_t> a;
  std::optional<uint64_t> b;
  if (const auto* u = std::get_if<uint64_t>(&left)) {
    a = *u;
  } else if (li != nullptr) {
    a = static_cast<uint64_t>(*li);
  }
  if (const auto* u = std::get_if<uint64_t>(&right)) {
    b = *u;
  } else if (ri != nullptr) {
    b = static_cast<uint64_t>(*ri);
  }
  if (!a.has_value() || !b.has_value()) {
    return std::monostate{};
  }
  switch (op) {
    case BinaryOperator::kAdd:
      return *a + *b;
    case BinaryOperator::kSubtract:
      return *a - *b;
    case BinaryOperator::kMultiply:
      return *a * *b;
    case BinaryOperator::kDivide:
      return *b == 0 ? uint64_t{0} : *a / *b;
    case BinaryOperator::kModulo:
      return *b == 0 ? uint64_t{0} : *a % *b;
    case BinaryOperator::kBitwiseAnd:
      return *a & *b;
    case BinaryOperator::kBitwiseOr:
      return *a | *b;
    case BinaryOperator::kBitwiseXor:
      return *a ^ *b;
    default:
      return std::monostate{};
  }
}

ResultValue CastValue(const ResultValue& value, influxql::DataType type) {
  using influxql::DataType;
  switch (type) {
    case DataType::kUnspecified:
    case DataType::kField:
      return value;
    case DataType::kTag:
      return std::monostate{};
    case DataType::kFloat:
      if (const std::optional<double> d = AsDouble(value)) {
        return *d;
      }
      return std::monostate{};
    case DataType::kInteger:
      if (const auto* d = std::get_if<double>(&value)) {
        if (!(*d >= -9.2233720368547758e18 && *d < 9.2233720368547758e18)) {
          return std::monostate{};
        }
        return static_cast<int64_t>(*d);
      }
      if (const auto* u = std::get_if<uint64_t>(&value)) {
        return static_cast<int64_t>(*u);
      }
      return std::holds_alternative<int64_t>(value) ? value : ResultValue();
    case DataType::kUnsigned:
      if (const auto* d = std::get_if<double>(&value)) {
        if (!(*d > -1.0 && *d < 1.8446744073709552e19)) {
          return std::monostate{};
        }
        return static_cast<uint64_t>(*d);
      }
      if (const auto* i = std::get_if<int64_t>(&value)) {
        return static_cast<uint64_t>(*i);
      }
      return std::holds_alternative<uint64_t>(value) ? value : ResultValue();
    case DataType::kString:
      return std::holds_alternative<std::string>(value) ? value : ResultValue();
    case DataType::kBoolean:
      return std::holds_alternative<bool>(value) ? value : ResultValue();
  }
  return std::monostate{};
}

}  // namespace strata::query::influxql_select
