// Time functions: now, date_trunc, date_bin, date_part/extract, to_timestamp*, from_unixtime,
// and arrow_typeof (type introspection, as DataFusion names types). All in UTC.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/civil_time.h"
#include "common/status.h"
#include "exec/expr/cast.h"
#include "exec/functions/builtin_functions.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

enum class TruncUnit { kNanos, kWeek, kMonth, kQuarter, kYear };

struct Truncation {
  TruncUnit unit;
  int64_t nanos;  // for kNanos
};

absl::StatusOr<Truncation> ParseTruncUnit(std::string_view text) {
  std::string unit = Lower(text);
  if (unit.size() > 1 && unit.back() == 's') {
    unit.pop_back();  // PostgreSQL also takes plurals
  }
  if (unit == "nanosecond")
    return Truncation{TruncUnit::kNanos, 1};
  if (unit == "microsecond")
    return Truncation{TruncUnit::kNanos, kNanosPerMicro};
  if (unit == "millisecond")
    return Truncation{TruncUnit::kNanos, kNanosPerMilli};
  if (unit == "second")
    return Truncation{TruncUnit::kNanos, kNanosPerSecond};
  if (unit == "minute")
    return Truncation{TruncUnit::kNanos, kNanosPerMinute};
  if (unit == "hour")
    return Truncation{TruncUnit::kNanos, kNanosPerHour};
  if (unit == "day")
    return Truncation{TruncUnit::kNanos, kNanosPerDay};
  if (unit == "week")
    return Truncation{TruncUnit::kWeek, 0};
  if (unit == "month")
    return Truncation{TruncUnit::kMonth, 0};
  if (unit == "quarter")
    return Truncation{TruncUnit::kQuarter, 0};
  if (unit == "year")
    return Truncation{TruncUnit::kYear, 0};
  return absl::InvalidArgumentError(
      fmt::format("function 'date_trunc': unsupported unit '{}'", text));
}

// The start of the unit holding `nanos`; nullopt when that start precedes the first
// representable timestamp (the year 1677 truncated to its start, for instance).
std::optional<int64_t> Truncate(const Truncation& t, int64_t nanos) {
  int64_t days = 0;
  switch (t.unit) {
    case TruncUnit::kNanos: {
      int64_t result;
      if (__builtin_mul_overflow(FloorDiv(nanos, t.nanos), t.nanos, &result)) {
        return std::nullopt;
      }
      return result;
    }
    case TruncUnit::kWeek:
      // Weeks start on Monday; 1970-01-01 was a Thursday, 3 days after one.
      days = FloorDiv(FloorDiv(nanos, kNanosPerDay) + 3, 7) * 7 - 3;
      break;
    default: {
      const CivilDate date = SplitTimestamp(nanos).date;
      int month = 1;
      if (t.unit == TruncUnit::kMonth) {
        month = date.month;
      } else if (t.unit == TruncUnit::kQuarter) {
        month = (date.month - 1) / 3 * 3 + 1;
      }
      days = DaysFromCivil(date.year, month, 1);
      break;
    }
  }
  int64_t result;
  if (__builtin_mul_overflow(days, kNanosPerDay, &result)) {
    return std::nullopt;
  }
  return result;
}

absl::Status TruncateOutOfRange() {
  return absl::InvalidArgumentError("function 'date_trunc': timestamp out of range");
}

absl::StatusOr<Datum> DateTrunc(const std::vector<Datum>& args, int64_t num_rows) {
  const Datum& unit = args[0];
  const Datum& ts = args[1];
  if (unit.is_scalar() && !unit.scalar().is_null() && ts.is_column() &&
      ts.type() == TypeId::kTimestamp) {
    STRATA_ASSIGN_OR_RETURN(Truncation t, ParseTruncUnit(unit.scalar().string_value()));
    const Column& in = *ts.column();
    const int64_t n = in.size();
    auto out = AllocateFixedColumn(TypeId::kTimestamp, n);
    const int64_t* src = in.data<int64_t>();
    int64_t* dst = out->mutable_data<int64_t>();
    const uint64_t* valid = ValidityWords(in);
    bool overflow = false;
    if (t.unit == TruncUnit::kNanos) {
      const int64_t step = t.nanos;
      for (int64_t i = 0; i < n; ++i) {
        overflow |= __builtin_mul_overflow(FloorDiv(src[i], step), step, &dst[i]);
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        std::optional<int64_t> start = Truncate(t, src[i]);
        overflow |= !start.has_value();
        dst[i] = start.value_or(0);
      }
    }
    if (overflow) {
      for (int64_t i = 0; i < n; ++i) {
        if (RowIsValid(valid, i) && !Truncate(t, src[i]).has_value()) {
          return TruncateOutOfRange();
        }
      }
    }
    return Datum(FinishColumn(std::move(out), CopyValidity(valid, n)));
  }
  return MapRows(args,
                 num_rows,
                 TypeId::kTimestamp,
                 [](const std::vector<DatumReader>& r, int64_t i, Column* out) -> absl::Status {
                   STRATA_ASSIGN_OR_RETURN(Truncation t, ParseTruncUnit(r[0].String(i)));
                   std::optional<int64_t> start = Truncate(t, r[1].Int64(i));
                   if (!start.has_value()) {
                     return TruncateOutOfRange();
                   }
                   out->AppendInt64(*start);
                   return absl::OkStatus();
                 });
}

// DataFusion's date_bin for strides of days and nanoseconds: the bin of `source` counting
// stride-sized steps from `origin` (floor, also before the origin). Computed in 128 bits so that
// far-apart origins cannot overflow; nullopt when the bin start is not a representable timestamp.
std::optional<int64_t> BinNanos(int64_t stride, int64_t source, int64_t origin) {
  const __int128 diff = static_cast<__int128>(source) - origin;
  __int128 delta = diff - diff % stride;
  if (diff < 0 && delta != diff) {
    delta -= stride;
  }
  const __int128 bin = origin + delta;
  if (bin < INT64_MIN || bin > INT64_MAX) {
    return std::nullopt;
  }
  return static_cast<int64_t>(bin);
}

// DataFusion's date_bin for month strides: calendar months counted from the origin.
std::optional<int64_t> BinMonths(int64_t stride, int64_t source, int64_t origin) {
  const CivilDate s = SplitTimestamp(source).date;
  const CivilDate o = SplitTimestamp(origin).date;
  const int64_t month_diff = (s.year - o.year) * 12 + (s.month - o.month);
  int64_t delta = month_diff - month_diff % stride;
  std::optional<int64_t> bin = AddMonths(origin, delta);
  if (bin.has_value() && *bin > source) {
    bin = AddMonths(origin, delta - stride);
  }
  return bin;
}

absl::Status ValidateStride(const Interval& stride) {
  if (stride.months != 0 && (stride.days != 0 || stride.nanos != 0)) {
    return absl::InvalidArgumentError(
        "function 'date_bin': a stride cannot mix months with days or smaller units");
  }
  if (stride.months < 0 || stride.days < 0 || stride.nanos < 0 ||
      (stride.months == 0 && stride.days == 0 && stride.nanos == 0)) {
    return absl::InvalidArgumentError("function 'date_bin': the stride must be positive");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> StrideNanos(const Interval& stride) {
  int64_t nanos;
  if (__builtin_mul_overflow(int64_t{stride.days}, kNanosPerDay, &nanos) ||
      __builtin_add_overflow(nanos, stride.nanos, &nanos)) {
    return absl::InvalidArgumentError("function 'date_bin': stride out of range");
  }
  if (nanos <= 0) {
    return absl::InvalidArgumentError("function 'date_bin': the stride must be positive");
  }
  return nanos;
}

absl::StatusOr<Datum> DateBin(const std::vector<Datum>& args, int64_t num_rows) {
  const Datum& stride = args[0];
  const Datum& ts = args[1];
  const bool origin_scalar = args.size() < 3 || args[2].is_scalar();
  // The common case: constant stride and origin over a timestamp column, a tight loop.
  if (stride.is_scalar() && !stride.scalar().is_null() && origin_scalar && ts.is_column() &&
      ts.type() == TypeId::kTimestamp && stride.scalar().interval_value().months == 0) {
    if (args.size() == 3 && args[2].scalar().is_null()) {
      return Datum(Scalar::Null(TypeId::kTimestamp));
    }
    const Interval& v = stride.scalar().interval_value();
    STRATA_RETURN_IF_ERROR(ValidateStride(v));
    STRATA_ASSIGN_OR_RETURN(const int64_t step, StrideNanos(v));
    const int64_t origin = args.size() == 3 ? args[2].scalar().int64_value() : 0;
    const Column& in = *ts.column();
    const int64_t n = in.size();
    auto out = AllocateFixedColumn(TypeId::kTimestamp, n);
    const int64_t* src = in.data<int64_t>();
    int64_t* dst = out->mutable_data<int64_t>();
    const uint64_t* valid = ValidityWords(in);
    bool overflow = false;
    if (origin == 0) {
      for (int64_t i = 0; i < n; ++i) {
        overflow |= __builtin_mul_overflow(FloorDiv(src[i], step), step, &dst[i]);
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        std::optional<int64_t> bin = BinNanos(step, src[i], origin);
        overflow |= !bin.has_value() && RowIsValid(valid, i);
        dst[i] = bin.value_or(0);
      }
    }
    if (overflow) {
      for (int64_t i = 0; i < n; ++i) {
        if (RowIsValid(valid, i) && !BinNanos(step, src[i], origin).has_value()) {
          return absl::InvalidArgumentError("function 'date_bin': timestamp out of range");
        }
      }
    }
    return Datum(FinishColumn(std::move(out), CopyValidity(valid, n)));
  }
  return MapRows(
      args,
      num_rows,
      TypeId::kTimestamp,
      [](const std::vector<DatumReader>& r, int64_t i, Column* out) -> absl::Status {
        const Interval v = r[0].IntervalValue(i);
        STRATA_RETURN_IF_ERROR(ValidateStride(v));
        const int64_t source = r[1].Int64(i);
        const int64_t origin = r.size() == 3 ? r[2].Int64(i) : 0;
        if (v.months != 0) {
          std::optional<int64_t> bin = BinMonths(v.months, source, origin);
          if (!bin.has_value()) {
            return absl::InvalidArgumentError("timestamp out of range");
          }
          out->AppendInt64(*bin);
          return absl::OkStatus();
        }
        STRATA_ASSIGN_OR_RETURN(const int64_t step, StrideNanos(v));
        std::optional<int64_t> bin = BinNanos(step, source, origin);
        if (!bin.has_value()) {
          return absl::InvalidArgumentError("function 'date_bin': timestamp out of range");
        }
        out->AppendInt64(*bin);
        return absl::OkStatus();
      });
}

enum class Field {
  kYear,
  kQuarter,
  kMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kMicrosecond,
  kNanosecond,
  kDow,
  kIsoDow,
  kDoy,
  kEpoch,
};

absl::StatusOr<Field> ParseField(std::string_view text) {
  std::string f = Lower(text);
  static constexpr std::pair<std::string_view, Field> kFields[] = {
      {"year", Field::kYear},
      {"years", Field::kYear},
      {"quarter", Field::kQuarter},
      {"month", Field::kMonth},
      {"months", Field::kMonth},
      {"week", Field::kWeek},
      {"weeks", Field::kWeek},
      {"day", Field::kDay},
      {"days", Field::kDay},
      {"hour", Field::kHour},
      {"hours", Field::kHour},
      {"minute", Field::kMinute},
      {"minutes", Field::kMinute},
      {"second", Field::kSecond},
      {"seconds", Field::kSecond},
      {"millisecond", Field::kMillisecond},
      {"milliseconds", Field::kMillisecond},
      {"microsecond", Field::kMicrosecond},
      {"microseconds", Field::kMicrosecond},
      {"nanosecond", Field::kNanosecond},
      {"nanoseconds", Field::kNanosecond},
      {"dow", Field::kDow},
      {"isodow", Field::kIsoDow},
      {"doy", Field::kDoy},
      {"epoch", Field::kEpoch},
  };
  for (const auto& [name, field] : kFields) {
    if (name == f) {
      return field;
    }
  }
  return absl::InvalidArgumentError(
      fmt::format("function 'date_part': unsupported field '{}'", text));
}

// ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday).
int IsoWeek(const CivilDate& date, int64_t days) {
  const int weekday = static_cast<int>(FloorMod(days + 3, 7)) + 1;  // Monday = 1
  const int64_t doy = days - DaysFromCivil(date.year, 1, 1) + 1;
  int64_t week = (doy - weekday + 10) / 7;
  auto weeks_in_year = [](int64_t year) {
    const int64_t jan1 = DaysFromCivil(year, 1, 1);
    const int64_t jan1_weekday = FloorMod(jan1 + 3, 7) + 1;
    const bool leap = DaysInMonth(year, 2) == 29;
    return (jan1_weekday == 4 || (leap && jan1_weekday == 3)) ? 53 : 52;
  };
  if (week < 1) {
    week = weeks_in_year(date.year - 1);
  } else if (week > weeks_in_year(date.year)) {
    week = 1;
  }
  return static_cast<int>(week);
}

// Every field but epoch, as an integer (DataFusion): `second` is the whole seconds (0-59),
// millisecond/microsecond/nanosecond the seconds and their fraction in that unit, truncated.
int64_t ExtractIntegerField(Field field, int64_t nanos) {
  const int64_t days = FloorDiv(nanos, kNanosPerDay);
  const int64_t time = FloorMod(nanos, kNanosPerDay);
  const int64_t nanos_of_minute = time % kNanosPerMinute;
  switch (field) {
    case Field::kHour:
      return time / kNanosPerHour;
    case Field::kMinute:
      return time / kNanosPerMinute % 60;
    case Field::kSecond:
      return nanos_of_minute / kNanosPerSecond;
    case Field::kMillisecond:
      return nanos_of_minute / kNanosPerMilli;
    case Field::kMicrosecond:
      return nanos_of_minute / kNanosPerMicro;
    case Field::kNanosecond:
      return nanos_of_minute;
    case Field::kDow:
      return FloorMod(days + 4, 7);  // Sunday = 0
    case Field::kIsoDow:
      return FloorMod(days + 3, 7) + 1;  // Monday = 1
    default:
      break;
  }
  const CivilDate date = CivilFromDays(days);
  switch (field) {
    case Field::kYear:
      return date.year;
    case Field::kQuarter:
      return (date.month - 1) / 3 + 1;
    case Field::kMonth:
      return date.month;
    case Field::kDay:
      return date.day;
    case Field::kDoy:
      return days - DaysFromCivil(date.year, 1, 1) + 1;
    case Field::kWeek:
      return IsoWeek(date, days);
    default:
      break;
  }
  return 0;
}

// Seconds since the epoch, with their fraction.
double EpochSeconds(int64_t nanos) {
  return static_cast<double>(FloorDiv(nanos, kNanosPerSecond)) +
         static_cast<double>(FloorMod(nanos, kNanosPerSecond)) / 1e9;
}

double ExtractFloatField(Field field, int64_t nanos) {
  return field == Field::kEpoch ? EpochSeconds(nanos)
                                : static_cast<double>(ExtractIntegerField(field, nanos));
}

// The result type of date_part for a constant field: float64 for epoch, int64 otherwise.
TypeId DatePartType(Field field) {
  return field == Field::kEpoch ? TypeId::kFloat64 : TypeId::kInt64;
}

// date_part(field, time) with the result type it was resolved to: int64 (a constant field other
// than epoch) or float64 (epoch, or a field that was not a constant, which may vary by row).
absl::StatusOr<Datum> DatePart(const std::vector<Datum>& args, int64_t num_rows, TypeId result) {
  const Datum& field = args[0];
  const Datum& ts = args[1];
  const bool integer = result == TypeId::kInt64;
  if (field.is_scalar() && !field.scalar().is_null()) {
    STRATA_ASSIGN_OR_RETURN(Field f, ParseField(field.scalar().string_value()));
    if (integer && f == Field::kEpoch) {
      return absl::InternalError("function 'date_part': epoch resolved to an integer");
    }
    if (ts.is_column()) {
      const Column& in = *ts.column();
      const int64_t n = in.size();
      auto out = AllocateFixedColumn(result, n);
      const int64_t* src = in.data<int64_t>();
      if (integer) {
        int64_t* dst = out->mutable_data<int64_t>();
        for (int64_t i = 0; i < n; ++i) {
          dst[i] = ExtractIntegerField(f, src[i]);
        }
      } else {
        double* dst = out->mutable_data<double>();
        for (int64_t i = 0; i < n; ++i) {
          dst[i] = ExtractFloatField(f, src[i]);
        }
      }
      return Datum(FinishColumn(std::move(out), CopyValidity(ValidityWords(in), n)));
    }
  }
  if (integer) {
    return MapRows(
        args,
        num_rows,
        TypeId::kInt64,
        [](const std::vector<DatumReader>& r, int64_t i, Column* out) -> absl::Status {
          STRATA_ASSIGN_OR_RETURN(Field f, ParseField(r[0].String(i)));
          if (f == Field::kEpoch) {
            return absl::InternalError("function 'date_part': epoch resolved to an integer");
          }
          out->AppendInt64(ExtractIntegerField(f, r[1].Int64(i)));
          return absl::OkStatus();
        });
  }
  return MapRows(args,
                 num_rows,
                 TypeId::kFloat64,
                 [](const std::vector<DatumReader>& r, int64_t i, Column* out) -> absl::Status {
                   STRATA_ASSIGN_OR_RETURN(Field f, ParseField(r[0].String(i)));
                   out->AppendFloat64(ExtractFloatField(f, r[1].Int64(i)));
                   return absl::OkStatus();
                 });
}

// to_timestamp and its unit variants: integers and floats count `unit` nanoseconds since the
// epoch; strings and timestamps are truncated to `precision` (to_timestamp keeps nanoseconds,
// to_timestamp_millis truncates to milliseconds, as DataFusion's result types do).
void RegisterToTimestamp(FunctionRegistry* registry,
                         const std::string& name,
                         int64_t unit,
                         int64_t precision,
                         bool strings_allowed) {
  ScalarFunction f;
  f.name = name;
  f.resolve = [name, strings_allowed](
                  const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
    STRATA_RETURN_IF_ERROR(CheckArity(name, args.size(), 1, 1));
    TypeId t = args[0];
    if (t == TypeId::kUInt64 || t == TypeId::kNull) {
      t = TypeId::kInt64;
    } else if (t == TypeId::kDictionary) {
      t = TypeId::kString;
    }
    if (t != TypeId::kInt64 && t != TypeId::kFloat64 && t != TypeId::kTimestamp &&
        !(strings_allowed && t == TypeId::kString)) {
      return NotAccepted(name, args[0]);
    }
    return FunctionSignature{{t}, TypeId::kTimestamp};
  };
  f.execute = [name, unit, precision](const std::vector<Datum>& args,
                                      int64_t num_rows) -> absl::StatusOr<Datum> {
    const TypeId t = args[0].type();
    return MapRows(
        args,
        num_rows,
        TypeId::kTimestamp,
        [&](const std::vector<DatumReader>& r, int64_t i, Column* out) -> absl::Status {
          int64_t result = 0;
          switch (t) {
            case TypeId::kInt64:
              if (__builtin_mul_overflow(r[0].Int64(i), unit, &result)) {
                return absl::InvalidArgumentError(fmt::format(
                    "function '{}': {} is out of the timestamp range", name, r[0].Int64(i)));
              }
              break;
            case TypeId::kFloat64: {
              const double v = r[0].Float64(i) * static_cast<double>(unit);
              if (!(v >= -9.2e18 && v <= 9.2e18)) {
                return absl::InvalidArgumentError(
                    fmt::format("function '{}': {} is out of the timestamp range",
                                name,
                                FormatFloat64(r[0].Float64(i))));
              }
              result = static_cast<int64_t>(v);
              break;
            }
            case TypeId::kTimestamp:
              result = FloorDiv(r[0].Int64(i), precision) * precision;
              break;
            default: {
              std::optional<int64_t> parsed = ParseTimestamp(r[0].String(i));
              if (!parsed.has_value()) {
                return absl::InvalidArgumentError(fmt::format(
                    "function '{}': cannot parse '{}' as a timestamp", name, r[0].String(i)));
              }
              result = FloorDiv(*parsed, precision) * precision;
              break;
            }
          }
          out->AppendInt64(result);
          return absl::OkStatus();
        });
  };
  registry->Register(std::move(f));
}

// Type names as DataFusion's arrow_typeof prints them.
std::string_view ArrowTypeName(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return "Boolean";
    case TypeId::kInt64:
      return "Int64";
    case TypeId::kUInt64:
      return "UInt64";
    case TypeId::kFloat64:
      return "Float64";
    case TypeId::kString:
      return "Utf8";
    case TypeId::kDictionary:
      return "Dictionary(Int32, Utf8)";
    case TypeId::kTimestamp:
      return "Timestamp(Nanosecond, None)";
    case TypeId::kNull:
      return "Null";
    case TypeId::kInterval:
      return "Interval(MonthDayNano)";
  }
  return "Unknown";
}

}  // namespace

void RegisterTimeFunctions(FunctionRegistry* registry) {
  {
    ScalarFunction f;
    f.name = "now";
    f.deterministic = false;
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      STRATA_RETURN_IF_ERROR(CheckArity("now", args.size(), 0, 0));
      return FunctionSignature{{}, TypeId::kTimestamp};
    };
    f.execute = [](const std::vector<Datum>&, int64_t) -> absl::StatusOr<Datum> {
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      return Datum(
          Scalar::Timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()));
    };
    registry->Register(std::move(f));
  }
  for (const char* name : {"date_trunc", "datetrunc"}) {
    ScalarFunction f;
    f.name = name;
    f.resolve = [name = std::string(name)](
                    const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      STRATA_RETURN_IF_ERROR(CheckArity(name, args.size(), 2, 2));
      if (!IsStringOrNull(args[0])) {
        return NotAccepted(name, args[0]);
      }
      if (!IsTimestampLike(args[1])) {
        return NotAccepted(name, args[1]);
      }
      return FunctionSignature{{TypeId::kString, TypeId::kTimestamp}, TypeId::kTimestamp};
    };
    f.execute = DateTrunc;
    registry->Register(std::move(f));
  }
  {
    ScalarFunction f;
    f.name = "date_bin";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      STRATA_RETURN_IF_ERROR(CheckArity("date_bin", args.size(), 2, 3));
      if (args[0] != TypeId::kInterval && !IsStringOrNull(args[0])) {
        return NotAccepted("date_bin", args[0]);
      }
      for (size_t k = 1; k < args.size(); ++k) {
        if (!IsTimestampLike(args[k])) {
          return NotAccepted("date_bin", args[k]);
        }
      }
      FunctionSignature signature{{TypeId::kInterval}, TypeId::kTimestamp};
      signature.args.resize(args.size(), TypeId::kTimestamp);
      return signature;
    };
    f.execute = DateBin;
    registry->Register(std::move(f));
  }
  for (const char* name : {"date_part", "datepart", "extract"}) {
    ScalarFunction f;
    f.name = name;
    f.resolve = [name = std::string(name)](
                    const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      STRATA_RETURN_IF_ERROR(CheckArity(name, args.size(), 2, 2));
      if (!IsStringOrNull(args[0])) {
        return NotAccepted(name, args[0]);
      }
      if (!IsTimestampLike(args[1])) {
        return NotAccepted(name, args[1]);
      }
      return FunctionSignature{{TypeId::kString, TypeId::kTimestamp}, TypeId::kFloat64};
    };
    // A constant field fixes the type, and an unknown field is an error when the call is bound.
    f.resolve_with_constants =
        [resolve = f.resolve](
            const std::vector<TypeId>& args,
            const std::vector<const Scalar*>& constants) -> absl::StatusOr<FunctionSignature> {
      STRATA_ASSIGN_OR_RETURN(FunctionSignature signature, resolve(args));
      const Scalar* field = constants[0];
      if (field != nullptr && !field->is_null() && IsStringType(field->type())) {
        STRATA_ASSIGN_OR_RETURN(Field parsed, ParseField(field->string_value()));
        signature.result = DatePartType(parsed);
      }
      return signature;
    };
    f.execute_with_result_type = DatePart;
    registry->Register(std::move(f));
  }
  RegisterToTimestamp(registry, "to_timestamp", kNanosPerSecond, 1, true);
  RegisterToTimestamp(registry, "to_timestamp_seconds", kNanosPerSecond, kNanosPerSecond, true);
  RegisterToTimestamp(registry, "to_timestamp_millis", kNanosPerMilli, kNanosPerMilli, true);
  RegisterToTimestamp(registry, "to_timestamp_micros", kNanosPerMicro, kNanosPerMicro, true);
  RegisterToTimestamp(registry, "to_timestamp_nanos", 1, 1, true);
  RegisterToTimestamp(registry, "from_unixtime", kNanosPerSecond, kNanosPerSecond, false);
  {
    ScalarFunction f;
    f.name = "arrow_typeof";
    f.resolve = [](const std::vector<TypeId>& args) -> absl::StatusOr<FunctionSignature> {
      STRATA_RETURN_IF_ERROR(CheckArity("arrow_typeof", args.size(), 1, 1));
      return FunctionSignature{{args[0]}, TypeId::kString};
    };
    f.execute = [](const std::vector<Datum>& args, int64_t) -> absl::StatusOr<Datum> {
      return Datum(Scalar::String(std::string(ArrowTypeName(args[0].type()))));
    };
    registry->Register(std::move(f));
  }
}

}  // namespace strata::exec
