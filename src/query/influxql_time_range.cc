#include "query/influxql_time_range.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/civil_time.h"

namespace strata::query::influxql_select {
namespace {

using influxql::BinaryExpr;
using influxql::BinaryOperator;
using influxql::BoundParameterExpr;
using influxql::CallExpr;
using influxql::Expr;
using influxql::LiteralExpr;
using influxql::LiteralKind;
using influxql::VarRefExpr;

absl::Status InvalidTimestamp() {
  return absl::InvalidArgumentError("invalid timestamp string");
}

// Reads exactly `digits` decimal digits at `*pos`.
std::optional<int> ReadDigits(std::string_view text, size_t* pos, int digits) {
  if (*pos + digits > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  return value;
}

bool Consume(std::string_view text, size_t* pos, char c) {
  if (*pos < text.size() && text[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

// The Go type name InfluxDB puts in "not compatible" errors, for the same wording.
std::string_view GoTypeName(const Expr& expr) {
  switch (expr.kind) {
    case influxql::ExprKind::kLiteral:
      switch (expr.As<LiteralExpr>().literal_kind) {
        case LiteralKind::kInteger:
          return "*influxql.IntegerLiteral";
        case LiteralKind::kUnsigned:
          return "*influxql.UnsignedLiteral";
        case LiteralKind::kFloat:
          return "*influxql.NumberLiteral";
        case LiteralKind::kString:
          return "*influxql.StringLiteral";
        case LiteralKind::kBoolean:
          return "*influxql.BooleanLiteral";
        case LiteralKind::kDuration:
          return "*influxql.DurationLiteral";
        case LiteralKind::kRegex:
          return "*influxql.RegexLiteral";
      }
      break;
    case influxql::ExprKind::kVarRef:
      return "*influxql.VarRef";
    case influxql::ExprKind::kWildcard:
      return "*influxql.Wildcard";
    case influxql::ExprKind::kBoundParameter:
      return "*influxql.BoundParameter";
    case influxql::ExprKind::kCall:
      return "*influxql.Call";
    case influxql::ExprKind::kBinary:
      return "*influxql.BinaryExpr";
  }
  return "influxql.Expr";
}

absl::Status NotCompatibleWithTime(const Expr& expr) {
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid operation: time and ", std::string(GoTypeName(expr)), " are not compatible"));
}

// A value in time arithmetic (`now() - 1h`, `'2016-01-01' + 10m`, `1500000000s`).
struct TimeOperand {
  enum class Kind { kTime, kDuration, kInteger, kFloat, kString };
  Kind kind = Kind::kInteger;
  int64_t integer = 0;  // kTime, kDuration, kInteger: nanoseconds or the integer.
  double number = 0;    // kFloat
  std::string text;     // kString
};

absl::StatusOr<TimeOperand> EvalTimeOperand(const Expr& expr, const EvalContext& ctx);

absl::StatusOr<TimeOperand> LiteralTimeOperand(const LiteralExpr& literal) {
  TimeOperand out;
  switch (literal.literal_kind) {
    case LiteralKind::kInteger:
      out.kind = TimeOperand::Kind::kInteger;
      out.integer = literal.integer_value;
      return out;
    case LiteralKind::kDuration:
      out.kind = TimeOperand::Kind::kDuration;
      out.integer = literal.integer_value;
      return out;
    case LiteralKind::kFloat:
      out.kind = TimeOperand::Kind::kFloat;
      out.number = literal.float_value;
      return out;
    case LiteralKind::kString:
      out.kind = TimeOperand::Kind::kString;
      out.text = literal.text;
      return out;
    default:
      return NotCompatibleWithTime(literal);
  }
}

// Turns a time string operand into a time (other kinds are returned unchanged).
absl::StatusOr<TimeOperand> StringToTime(TimeOperand operand, const EvalContext& ctx) {
  if (operand.kind != TimeOperand::Kind::kString) {
    return operand;
  }
  if (!LooksLikeTime(operand.text)) {
    return absl::InvalidArgumentError(
        "invalid operation: time and *influxql.StringLiteral are not compatible");
  }
  auto nanos = ParseTimeString(operand.text, ctx.zone);
  if (!nanos.ok()) {
    return nanos.status();
  }
  TimeOperand out;
  out.kind = TimeOperand::Kind::kTime;
  out.integer = *nanos;
  return out;
}

absl::Status TimeOverflow() {
  return absl::InvalidArgumentError("time arithmetic overflows the range of time");
}

absl::StatusOr<TimeOperand> EvalTimeArithmetic(const BinaryExpr& binary, const EvalContext& ctx) {
  auto left = EvalTimeOperand(*binary.left, ctx);
  if (!left.ok()) {
    return left.status();
  }
  auto right = EvalTimeOperand(*binary.right, ctx);
  if (!right.ok()) {
    return right.status();
  }
  using Kind = TimeOperand::Kind;
  TimeOperand l = *std::move(left);
  TimeOperand r = *std::move(right);
  // A string next to a duration or a time is a time string.
  if (l.kind == Kind::kString && r.kind != Kind::kString) {
    auto converted = StringToTime(std::move(l), ctx);
    if (!converted.ok()) {
      return converted.status();
    }
    l = *std::move(converted);
  }
  if (r.kind == Kind::kString && l.kind != Kind::kString) {
    auto converted = StringToTime(std::move(r), ctx);
    if (!converted.ok()) {
      return converted.status();
    }
    r = *std::move(converted);
  }
  const BinaryOperator op = binary.op;
  const bool l_int = l.kind != Kind::kFloat && l.kind != Kind::kString;
  const bool r_int = r.kind != Kind::kFloat && r.kind != Kind::kString;
  TimeOperand out;
  if ((op == BinaryOperator::kAdd || op == BinaryOperator::kSubtract) && l_int && r_int) {
    int64_t value = 0;
    const bool overflow = op == BinaryOperator::kAdd
                              ? __builtin_add_overflow(l.integer, r.integer, &value)
                              : __builtin_sub_overflow(l.integer, r.integer, &value);
    if (overflow) {
      return TimeOverflow();
    }
    out.integer = value;
    if (l.kind == Kind::kTime && r.kind == Kind::kTime) {
      out.kind = op == BinaryOperator::kSubtract ? Kind::kDuration : Kind::kTime;
    } else if (l.kind == Kind::kTime || r.kind == Kind::kTime) {
      out.kind = Kind::kTime;
    } else if (l.kind == Kind::kDuration && r.kind == Kind::kDuration) {
      out.kind = Kind::kDuration;
    } else if (l.kind == Kind::kInteger && r.kind == Kind::kInteger) {
      out.kind = Kind::kInteger;
    } else {
      // An integer and a duration: the integer is a timestamp, as in InfluxDB.
      out.kind = Kind::kTime;
    }
    return out;
  }
  if ((op == BinaryOperator::kMultiply || op == BinaryOperator::kDivide) && l_int && r_int &&
      (l.kind == Kind::kDuration || l.kind == Kind::kInteger) && r.kind == Kind::kInteger) {
    int64_t value = 0;
    if (op == BinaryOperator::kMultiply) {
      if (__builtin_mul_overflow(l.integer, r.integer, &value)) {
        return TimeOverflow();
      }
    } else {
      value =
          r.integer == 0 || (l.integer == INT64_MIN && r.integer == -1) ? 0 : l.integer / r.integer;
    }
    out.kind = l.kind;
    out.integer = value;
    return out;
  }
  const bool l_number = l.kind == Kind::kInteger || l.kind == Kind::kFloat;
  const bool r_number = r.kind == Kind::kInteger || r.kind == Kind::kFloat;
  if (l_number && r_number) {
    const double a = l.kind == Kind::kFloat ? l.number : static_cast<double>(l.integer);
    const double b = r.kind == Kind::kFloat ? r.number : static_cast<double>(r.integer);
    out.kind = Kind::kFloat;
    switch (op) {
      case BinaryOperator::kAdd:
        out.number = a + b;
        return out;
      case BinaryOperator::kSubtract:
        out.number = a - b;
        return out;
      case BinaryOperator::kMultiply:
        out.number = a * b;
        return out;
      case BinaryOperator::kDivide:
        out.number = b == 0 ? 0 : a / b;
        return out;
      default:
        break;
    }
  }
  return NotCompatibleWithTime(binary);
}

absl::StatusOr<TimeOperand> EvalTimeOperand(const Expr& expr, const EvalContext& ctx) {
  switch (expr.kind) {
    case influxql::ExprKind::kLiteral:
      return LiteralTimeOperand(expr.As<LiteralExpr>());
    case influxql::ExprKind::kBoundParameter: {
      auto literal = ResolveParameter(expr.As<BoundParameterExpr>(), ctx);
      if (!literal.ok()) {
        return literal.status();
      }
      return LiteralTimeOperand(**literal);
    }
    case influxql::ExprKind::kCall:
      if (influxql::IsCallTo(expr, "now") && expr.As<CallExpr>().args.empty()) {
        TimeOperand out;
        out.kind = TimeOperand::Kind::kTime;
        out.integer = ctx.now_ns;
        return out;
      }
      return NotCompatibleWithTime(expr);
    case influxql::ExprKind::kBinary:
      return EvalTimeArithmetic(expr.As<BinaryExpr>(), ctx);
    default:
      return NotCompatibleWithTime(expr);
  }
}

// The nanosecond time an operand compared with `time` stands for.
absl::StatusOr<int64_t> EvalTime(const Expr& expr, const EvalContext& ctx) {
  auto operand = EvalTimeOperand(expr, ctx);
  if (!operand.ok()) {
    return operand.status();
  }
  switch (operand->kind) {
    case TimeOperand::Kind::kTime:
    case TimeOperand::Kind::kDuration:
    case TimeOperand::Kind::kInteger:
      return operand->integer;
    case TimeOperand::Kind::kFloat:
      if (!(operand->number >= static_cast<double>(kMinTime) &&
            operand->number <= static_cast<double>(kMaxTime))) {
        return absl::InvalidArgumentError("time value out of range");
      }
      return static_cast<int64_t>(operand->number);
    case TimeOperand::Kind::kString: {
      auto time = StringToTime(*std::move(operand), ctx);
      if (!time.ok()) {
        return time.status();
      }
      return time->integer;
    }
  }
  return absl::InternalError("unreachable");
}

absl::Status InvalidTimeOperator(BinaryOperator op) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid time comparison operator: ", std::string(BinaryOperatorName(op))));
}

bool IsTimeComparison(const Expr& expr) {
  if (!expr.Is<BinaryExpr>()) {
    return false;
  }
  const auto& binary = expr.As<BinaryExpr>();
  if (binary.op == BinaryOperator::kAnd || binary.op == BinaryOperator::kOr) {
    return false;
  }
  return influxql::IsTimeRef(*binary.left) || influxql::IsTimeRef(*binary.right);
}

bool ContainsTimeComparison(const Expr& expr) {
  if (IsTimeComparison(expr)) {
    return true;
  }
  if (expr.Is<BinaryExpr>()) {
    const auto& binary = expr.As<BinaryExpr>();
    if (binary.op == BinaryOperator::kAnd || binary.op == BinaryOperator::kOr) {
      return ContainsTimeComparison(*binary.left) || ContainsTimeComparison(*binary.right);
    }
  }
  return false;
}

absl::Status Intersect(const Expr& expr, const EvalContext& ctx, TimeRange* range) {
  if (!expr.Is<BinaryExpr>()) {
    return absl::OkStatus();
  }
  const auto& binary = expr.As<BinaryExpr>();
  if (binary.op == BinaryOperator::kAnd) {
    absl::Status status = Intersect(*binary.left, ctx, range);
    if (!status.ok()) {
      return status;
    }
    return Intersect(*binary.right, ctx, range);
  }
  if (binary.op == BinaryOperator::kOr) {
    if (ContainsTimeComparison(*binary.left) || ContainsTimeComparison(*binary.right)) {
      return absl::InvalidArgumentError(
          "invalid time condition: time ranges joined with OR are not supported; use AND");
    }
    return absl::OkStatus();
  }
  if (!IsTimeComparison(expr)) {
    return absl::OkStatus();
  }
  // A range has no holes: `time != x` is refused before its value is read.
  if (binary.op == BinaryOperator::kNotEq) {
    return InvalidTimeOperator(binary.op);
  }
  auto comparison = EvaluateTimeComparison(binary, ctx);
  if (!comparison.ok()) {
    return comparison.status();
  }
  const int64_t t = comparison->time;
  int64_t min = kMinTime;
  int64_t max = kMaxTime;
  switch (comparison->op) {
    case BinaryOperator::kEq:
      min = max = t;
      break;
    case BinaryOperator::kLt:
      max = t - 1;
      break;
    case BinaryOperator::kLtEq:
      max = t;
      break;
    case BinaryOperator::kGt:
      min = t == kMaxTime ? kMaxTime : t + 1;
      break;
    case BinaryOperator::kGtEq:
      min = t;
      break;
    default:
      break;
  }
  range->min = std::max(range->min, min);
  range->max = std::min(range->max, max);
  return absl::OkStatus();
}

}  // namespace

bool LooksLikeTime(std::string_view text) {
  size_t pos = 0;
  return ReadDigits(text, &pos, 4).has_value() && Consume(text, &pos, '-') &&
         ReadDigits(text, &pos, 2).has_value() && Consume(text, &pos, '-') &&
         ReadDigits(text, &pos, 2).has_value();
}

absl::StatusOr<int64_t> ParseTimeString(std::string_view text, const absl::TimeZone* zone) {
  size_t pos = 0;
  auto year = ReadDigits(text, &pos, 4);
  if (!year || !Consume(text, &pos, '-')) {
    return InvalidTimestamp();
  }
  auto month = ReadDigits(text, &pos, 2);
  if (!month || !Consume(text, &pos, '-')) {
    return InvalidTimestamp();
  }
  auto day = ReadDigits(text, &pos, 2);
  if (!day) {
    return InvalidTimestamp();
  }
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t fraction = 0;
  std::optional<int64_t> offset_seconds;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') {
      return InvalidTimestamp();
    }
    ++pos;
    auto h = ReadDigits(text, &pos, 2);
    if (!h || !Consume(text, &pos, ':')) {
      return InvalidTimestamp();
    }
    auto m = ReadDigits(text, &pos, 2);
    if (!m || !Consume(text, &pos, ':')) {
      return InvalidTimestamp();
    }
    auto s = ReadDigits(text, &pos, 2);
    if (!s) {
      return InvalidTimestamp();
    }
    hour = *h;
    minute = *m;
    second = *s;
    if (Consume(text, &pos, '.')) {
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits == 9) {
          return InvalidTimestamp();
        }
        fraction = fraction * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) {
        return InvalidTimestamp();
      }
      for (; digits < 9; ++digits) {
        fraction *= 10;
      }
    }
    if (Consume(text, &pos, 'Z') || Consume(text, &pos, 'z')) {
      offset_seconds = 0;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      auto oh = ReadDigits(text, &pos, 2);
      if (!oh || !Consume(text, &pos, ':')) {
        return InvalidTimestamp();
      }
      auto om = ReadDigits(text, &pos, 2);
      if (!om || *oh > 23 || *om > 59) {
        return InvalidTimestamp();
      }
      offset_seconds = sign * (*oh * 3600 + *om * 60);
    }
    if (pos != text.size()) {
      return InvalidTimestamp();
    }
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > DaysInMonth(*year, *month) || hour > 23 ||
      minute > 59 || second > 59) {
    return InvalidTimestamp();
  }
  int64_t seconds = 0;
  if (offset_seconds.has_value()) {
    seconds = DaysFromCivil(*year, *month, *day) * 86400 + hour * 3600 + minute * 60 + second -
              *offset_seconds;
  } else {
    const absl::TimeZone tz = zone != nullptr ? *zone : absl::UTCTimeZone();
    const absl::Time t =
        absl::FromCivil(absl::CivilSecond(*year, *month, *day, hour, minute, second), tz);
    seconds = absl::ToUnixSeconds(t);
  }
  int64_t nanos = 0;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &nanos) ||
      __builtin_add_overflow(nanos, fraction, &nanos) || nanos < kMinTime + 1 || nanos > kMaxTime) {
    return absl::InvalidArgumentError(
        absl::StrCat("time ", std::string(text), " overflows time literal"));
  }
  return nanos;
}

absl::StatusOr<TimeComparison> EvaluateTimeComparison(const influxql::BinaryExpr& comparison,
                                                      const EvalContext& ctx) {
  TimeComparison out{.op = comparison.op};
  const Expr* other = comparison.right.get();
  if (!influxql::IsTimeRef(*comparison.left)) {
    other = comparison.left.get();
    out.op = influxql::MirrorComparison(out.op);
  }
  if (!influxql::IsComparisonOperator(out.op) || out.op == BinaryOperator::kEqRegex ||
      out.op == BinaryOperator::kNotEqRegex) {
    return InvalidTimeOperator(out.op);
  }
  auto value = EvalTime(*other, ctx);
  if (!value.ok()) {
    return value.status();
  }
  if (*value > kMaxTime || *value < kMinTime + 1) {
    return absl::InvalidArgumentError("time value is outside the range of time");
  }
  out.time = *value;
  return out;
}

absl::StatusOr<TimeRange> ExtractTimeRange(const influxql::Expr* condition,
                                           const EvalContext& ctx) {
  TimeRange range;
  if (condition == nullptr) {
    return range;
  }
  absl::Status status = Intersect(*condition, ctx, &range);
  if (!status.ok()) {
    return status;
  }
  return range;
}

absl::StatusOr<std::unique_ptr<influxql::LiteralExpr>> ResolveParameter(
    const influxql::BoundParameterExpr& parameter, const EvalContext& ctx) {
  if (ctx.params == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("missing parameter: ", parameter.name));
  }
  auto it = ctx.params->find(parameter.name);
  if (it == ctx.params->end()) {
    return absl::InvalidArgumentError(absl::StrCat("missing parameter: ", parameter.name));
  }
  auto literal = std::make_unique<LiteralExpr>(parameter.position);
  const influxql::ResultValue& value = it->second;
  if (const auto* d = std::get_if<double>(&value)) {
    literal->literal_kind = LiteralKind::kFloat;
    literal->float_value = *d;
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    literal->literal_kind = LiteralKind::kInteger;
    literal->integer_value = *i;
  } else if (const auto* u = std::get_if<uint64_t>(&value)) {
    literal->literal_kind = LiteralKind::kUnsigned;
    literal->unsigned_value = *u;
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    literal->literal_kind = LiteralKind::kString;
    literal->text = *s;
  } else if (const auto* b = std::get_if<bool>(&value)) {
    literal->literal_kind = LiteralKind::kBoolean;
    literal->boolean_value = *b;
  } else if (const auto* t = std::get_if<influxql::ResultTime>(&value)) {
    literal->literal_kind = LiteralKind::kInteger;
    literal->integer_value = t->nanos;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter ", parameter.name, " has no value (null)"));
  }
  return literal;
}

}  // namespace strata::query::influxql_select
