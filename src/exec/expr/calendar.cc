// Timestamp + interval arithmetic on top of the civil calendar of common/civil_time.h.
#include "exec/expr/calendar.h"

namespace strata::exec {

std::optional<int64_t> AddInterval(int64_t nanos, const Interval& interval) {
  std::optional<int64_t> result = AddMonths(nanos, interval.months);
  if (!result) {
    return std::nullopt;
  }
  int64_t value = *result;
  int64_t day_nanos;
  if (__builtin_mul_overflow(int64_t{interval.days}, kNanosPerDay, &day_nanos) ||
      __builtin_add_overflow(value, day_nanos, &value) ||
      __builtin_add_overflow(value, interval.nanos, &value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace strata::exec
