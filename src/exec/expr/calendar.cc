// Timestamp + interval arithmetic on top of the civil calendar of common/civil_time.h.
#include "exec/expr/calendar.h"

namespace strata::exec {
namespace {

// nanos + sign * interval, sign 1 or -1.
std::optional<int64_t> ShiftByInterval(int64_t nanos, const Interval& interval, int sign) {
  std::optional<int64_t> result = AddMonths(nanos, sign * int64_t{interval.months});
  if (!result) {
    return std::nullopt;
  }
  int64_t value = *result;
  int64_t day_nanos;
  if (__builtin_mul_overflow(int64_t{interval.days}, kNanosPerDay, &day_nanos)) {
    return std::nullopt;
  }
  const bool overflow = sign > 0 ? __builtin_add_overflow(value, day_nanos, &value) ||
                                       __builtin_add_overflow(value, interval.nanos, &value)
                                 : __builtin_sub_overflow(value, day_nanos, &value) ||
                                       __builtin_sub_overflow(value, interval.nanos, &value);
  if (overflow) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<int64_t> AddInterval(int64_t nanos, const Interval& interval) {
  return ShiftByInterval(nanos, interval, 1);
}

std::optional<int64_t> SubtractInterval(int64_t nanos, const Interval& interval) {
  return ShiftByInterval(nanos, interval, -1);
}

}  // namespace strata::exec
