// Timestamp + interval arithmetic (UTC, proleptic Gregorian, no leap seconds), shared by
// timestamp +/- interval and the time functions. The calendar itself (civil dates, months of
// varying length) is common/civil_time.h.
#pragma once

#include <cstdint>
#include <optional>

#include "common/civil_time.h"
#include "types/data_type.h"

namespace strata::exec {

// `nanos` + interval (months first, then days, then nanoseconds, as PostgreSQL); nullopt on
// overflow. Subtraction passes the negated interval.
std::optional<int64_t> AddInterval(int64_t nanos, const Interval& interval);

// `nanos` - interval (each part subtracted in the same order), for intervals whose negation
// would overflow; nullopt on overflow.
std::optional<int64_t> SubtractInterval(int64_t nanos, const Interval& interval);

}  // namespace strata::exec
