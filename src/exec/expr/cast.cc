// CAST and TRY_CAST kernels: one tight loop per (from, to) pair; conversions that can fail check
// each valid row and either fail naming the value or (TRY_CAST) null it.
#include "exec/expr/cast.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "common/status.h"
#include "exec/expr/datum_access.h"
#include "exec/take.h"
#include "exec/type_coercion.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

// 2^63 and 2^64 as doubles: the exclusive upper bounds of int64 and uint64 after truncation.
constexpr double kTwoPow63 = 9223372036854775808.0;
constexpr double kTwoPow64 = 18446744073709551616.0;

std::string QuoteText(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

absl::Status CastError(const std::string& value_text, TypeId to) {
  return absl::InvalidArgumentError(fmt::format("cannot cast {} to {}", value_text, TypeName(to)));
}

std::string_view TrimSpaces(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != b[i]) {
      return false;
    }
  }
  return true;
}

template <typename T>
std::optional<T> ParseInteger(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  T value;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> ParseFloat(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  bool negative = false;
  std::string_view body = s;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (EqualsIgnoreCase(body, "nan")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (EqualsIgnoreCase(body, "inf") || EqualsIgnoreCase(body, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (body.empty() || body.front() == '+' || body.front() == '-') {
    return std::nullopt;
  }
  double value;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

std::optional<uint8_t> ParseBool(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  for (std::string_view t : {"true", "t", "yes", "y", "on", "1"}) {
    if (EqualsIgnoreCase(s, t)) {
      return 1;
    }
  }
  for (std::string_view f : {"false", "f", "no", "n", "off", "0"}) {
    if (EqualsIgnoreCase(s, f)) {
      return 0;
    }
  }
  return std::nullopt;
}

// A float cast to an integer truncates toward zero, as DataFusion (Arrow's cast kernel) and
// InfluxDB 3 do; PostgreSQL would round half away from zero.
std::optional<int64_t> TruncateToInt64(double v) {
  const double r = std::trunc(v);
  if (!(r >= -kTwoPow63 && r < kTwoPow63)) {
    return std::nullopt;  // also NaN
  }
  return static_cast<int64_t>(r);
}

std::optional<uint64_t> TruncateToUInt64(double v) {
  const double r = std::trunc(v);
  if (!(r > -1.0 && r < kTwoPow64)) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(r);
}

// Converts valid rows with `convert` (value -> optional<Out>); a failed row is an error built by
// `describe(value)` or, with try_cast, a NULL. Null rows are skipped.
template <typename Out, typename Get, typename Convert, typename Describe>
absl::StatusOr<ColumnPtr> CastChecked(
    const Column& in, TypeId to, bool try_cast, Get get, Convert convert, Describe describe) {
  const int64_t n = in.size();
  auto out = AllocateFixedColumn(to, n);
  Out* dst = out->mutable_data<Out>();
  const uint64_t* valid = ValidityWords(in);
  std::optional<Bitmap> validity = CopyValidity(valid, n);
  for (int64_t i = 0; i < n; ++i) {
    if (!RowIsValid(valid, i)) {
      continue;
    }
    auto value = get(i);
    std::optional<Out> converted = convert(value);
    if (converted.has_value()) {
      dst[i] = *converted;
      continue;
    }
    if (!try_cast) {
      return CastError(describe(value), to);
    }
    if (!validity.has_value()) {
      validity.emplace(n, true);
    }
    validity->Set(i, false);
  }
  return FinishColumn(std::move(out), std::move(validity));
}

// Infallible fixed-width conversions.
template <typename In, typename Out, typename Convert>
ColumnPtr CastFixed(const Column& in, TypeId to, Convert convert) {
  const int64_t n = in.size();
  auto out = AllocateFixedColumn(to, n);
  const In* src = in.data<In>();
  Out* dst = out->mutable_data<Out>();
  for (int64_t i = 0; i < n; ++i) {
    dst[i] = convert(src[i]);
  }
  return FinishColumn(std::move(out), CopyValidity(ValidityWords(in), n));
}

template <typename Format>
ColumnPtr CastToString(const Column& in, Format format) {
  const int64_t n = in.size();
  auto out = std::make_shared<Column>(TypeId::kString);
  out->Reserve(n);
  const uint64_t* valid = ValidityWords(in);
  for (int64_t i = 0; i < n; ++i) {
    if (RowIsValid(valid, i)) {
      out->AppendString(format(i));
    } else {
      out->AppendNull();
    }
  }
  return out;
}

absl::StatusOr<ColumnPtr> CastFromString(const Column& in, TypeId to, bool try_cast) {
  StringReader strings(in);
  auto get = [&strings](int64_t i) { return strings[i]; };
  auto describe = [](std::string_view s) { return QuoteText(s); };
  switch (to) {
    case TypeId::kString: {
      if (in.type() == TypeId::kString) {
        return std::make_shared<Column>(in);
      }
      return CastToString(in, [&strings](int64_t i) { return strings[i]; });
    }
    case TypeId::kDictionary: {
      if (in.type() == TypeId::kDictionary) {
        return std::make_shared<Column>(in);
      }
      auto out = std::make_shared<Column>(TypeId::kDictionary);
      const uint64_t* valid = ValidityWords(in);
      for (int64_t i = 0; i < in.size(); ++i) {
        if (RowIsValid(valid, i)) {
          out->AppendString(strings[i]);
        } else {
          out->AppendNull();
        }
      }
      return ColumnPtr(std::move(out));
    }
    case TypeId::kBool:
      return CastChecked<uint8_t>(in, to, try_cast, get, ParseBool, describe);
    case TypeId::kInt64:
      return CastChecked<int64_t>(in, to, try_cast, get, ParseInteger<int64_t>, describe);
    case TypeId::kUInt64:
      return CastChecked<uint64_t>(in, to, try_cast, get, ParseInteger<uint64_t>, describe);
    case TypeId::kFloat64:
      return CastChecked<double>(in, to, try_cast, get, ParseFloat, describe);
    case TypeId::kTimestamp:
      return CastChecked<int64_t>(in, to, try_cast, get, ParseTimestamp, describe);
    case TypeId::kInterval:
      return CastChecked<Interval>(in, to, try_cast, get, ParseInterval, describe);
    case TypeId::kNull:
      break;
  }
  return absl::InvalidArgumentError(
      fmt::format("cannot cast {} to {}", TypeName(in.type()), TypeName(to)));
}

absl::StatusOr<ColumnPtr> CastColumn(const Column& in, TypeId to, bool try_cast) {
  const TypeId from = in.type();
  if (!CanCast(from, to)) {
    return absl::InvalidArgumentError(
        fmt::format("cannot cast {} to {}", TypeName(from), TypeName(to)));
  }
  if (from == TypeId::kNull) {
    return MakeNullColumn(to, in.size());
  }
  if (IsStringType(from)) {
    return CastFromString(in, to, try_cast);
  }
  if (from == to) {
    return std::make_shared<Column>(in);
  }
  auto describe_int = [](int64_t v) { return fmt::format("{}", v); };
  auto describe_uint = [](uint64_t v) { return fmt::format("{}", v); };
  auto describe_float = [](double v) { return FormatFloat64(v); };
  if (to == TypeId::kString) {
    switch (from) {
      case TypeId::kBool: {
        const uint8_t* v = in.data<uint8_t>();
        return CastToString(in, [v](int64_t i) { return std::string(v[i] ? "true" : "false"); });
      }
      case TypeId::kInt64: {
        const int64_t* v = in.data<int64_t>();
        return CastToString(in, [v](int64_t i) { return fmt::format("{}", v[i]); });
      }
      case TypeId::kUInt64: {
        const uint64_t* v = in.data<uint64_t>();
        return CastToString(in, [v](int64_t i) { return fmt::format("{}", v[i]); });
      }
      case TypeId::kFloat64: {
        const double* v = in.data<double>();
        return CastToString(in, [v](int64_t i) { return FormatFloat64(v[i]); });
      }
      case TypeId::kTimestamp: {
        const int64_t* v = in.data<int64_t>();
        return CastToString(in, [v](int64_t i) { return FormatTimestampText(v[i]); });
      }
      case TypeId::kInterval: {
        const Interval* v = in.data<Interval>();
        return CastToString(in, [v](int64_t i) { return FormatIntervalText(v[i]); });
      }
      default:
        break;
    }
  }
  switch (from) {
    case TypeId::kBool:
      switch (to) {
        case TypeId::kInt64:
          return CastFixed<uint8_t, int64_t>(in, to, [](uint8_t v) { return int64_t{v != 0}; });
        case TypeId::kUInt64:
          return CastFixed<uint8_t, uint64_t>(in, to, [](uint8_t v) { return uint64_t{v != 0}; });
        case TypeId::kFloat64:
          return CastFixed<uint8_t, double>(in, to, [](uint8_t v) { return v != 0 ? 1.0 : 0.0; });
        default:
          break;
      }
      break;
    case TypeId::kInt64: {
      const int64_t* v = in.data<int64_t>();
      switch (to) {
        case TypeId::kBool:
          return CastFixed<int64_t, uint8_t>(in, to, [](int64_t x) { return uint8_t{x != 0}; });
        case TypeId::kUInt64:
          return CastChecked<uint64_t>(
              in,
              to,
              try_cast,
              [v](int64_t i) { return v[i]; },
              [](int64_t x) {
                return x >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(x)) : std::nullopt;
              },
              describe_int);
        case TypeId::kFloat64:
          return CastFixed<int64_t, double>(
              in, to, [](int64_t x) { return static_cast<double>(x); });
        case TypeId::kTimestamp:
          return CastFixed<int64_t, int64_t>(in, to, [](int64_t x) { return x; });
        default:
          break;
      }
      break;
    }
    case TypeId::kUInt64: {
      const uint64_t* v = in.data<uint64_t>();
      auto to_int64 = [](uint64_t x) {
        return x <= static_cast<uint64_t>(INT64_MAX)
                   ? std::optional<int64_t>(static_cast<int64_t>(x))
                   : std::nullopt;
      };
      switch (to) {
        case TypeId::kBool:
          return CastFixed<uint64_t, uint8_t>(in, to, [](uint64_t x) { return uint8_t{x != 0}; });
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          return CastChecked<int64_t>(
              in, to, try_cast, [v](int64_t i) { return v[i]; }, to_int64, describe_uint);
        case TypeId::kFloat64:
          return CastFixed<uint64_t, double>(
              in, to, [](uint64_t x) { return static_cast<double>(x); });
        default:
          break;
      }
      break;
    }
    case TypeId::kFloat64: {
      const double* v = in.data<double>();
      auto get = [v](int64_t i) { return v[i]; };
      switch (to) {
        case TypeId::kBool:
          return CastFixed<double, uint8_t>(in, to, [](double x) { return uint8_t{x != 0}; });
        case TypeId::kInt64:
          return CastChecked<int64_t>(in, to, try_cast, get, TruncateToInt64, describe_float);
        case TypeId::kUInt64:
          return CastChecked<uint64_t>(in, to, try_cast, get, TruncateToUInt64, describe_float);
        default:
          break;
      }
      break;
    }
    case TypeId::kTimestamp: {
      const int64_t* v = in.data<int64_t>();
      switch (to) {
        case TypeId::kInt64:
          return CastFixed<int64_t, int64_t>(in, to, [](int64_t x) { return x; });
        case TypeId::kUInt64:
          return CastChecked<uint64_t>(
              in,
              to,
              try_cast,
              [v](int64_t i) { return v[i]; },
              [](int64_t x) {
                return x >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(x)) : std::nullopt;
              },
              [](int64_t x) { return "TIMESTAMP '" + FormatTimestampText(x) + "'"; });
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(
      fmt::format("cannot cast {} to {}", TypeName(from), TypeName(to)));
}

}  // namespace

absl::StatusOr<Datum> CastDatum(const Datum& input, TypeId to, bool try_cast) {
  if (input.is_scalar()) {
    STRATA_ASSIGN_OR_RETURN(Scalar s, CastScalar(input.scalar(), to, try_cast));
    return Datum(std::move(s));
  }
  const Column& column = *input.column();
  // A dictionary column already is a string to every consumer: no copy.
  if (column.type() == to || (to == TypeId::kString && column.type() == TypeId::kDictionary)) {
    return input;
  }
  STRATA_ASSIGN_OR_RETURN(ColumnPtr out, CastColumn(column, to, try_cast));
  return Datum(std::move(out));
}

absl::StatusOr<Scalar> CastScalar(const Scalar& input, TypeId to, bool try_cast) {
  const TypeId target = to == TypeId::kDictionary ? TypeId::kString : to;
  if (input.type() == target) {
    return input;
  }
  if (!CanCast(input.type(), to)) {
    return absl::InvalidArgumentError(
        fmt::format("cannot cast {} to {}", TypeName(input.type()), TypeName(to)));
  }
  if (input.is_null()) {
    return Scalar::Null(target);
  }
  STRATA_ASSIGN_OR_RETURN(ColumnPtr column,
                          CastColumn(*ScalarToColumn(input, 1), target, try_cast));
  return ScalarAt(*column, 0);
}

}  // namespace strata::exec
