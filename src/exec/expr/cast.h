// Conversions between query types: the CAST/TRY_CAST kernels and the text forms they read and
// write. The binder also uses the parsers directly for literals (TIMESTAMP '...', INTERVAL '...').
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "exec/datum.h"

namespace strata::exec {

// Casts every row of `input` to `to` (see CanCast in exec/type_coercion.h for the pairs). A value
// that does not convert is an InvalidArgument error naming it ("cannot cast 'abc' to int64"), or
// NULL when `try_cast`. A scalar input gives a scalar; a column gives a column of num_rows.
absl::StatusOr<Datum> CastDatum(const Datum& input, TypeId to, bool try_cast);
absl::StatusOr<Scalar> CastScalar(const Scalar& input, TypeId to, bool try_cast = false);

// Timestamp text: RFC 3339 (`2016-01-01T00:00:00Z`, `2016-01-01T00:00:00.123+02:00`), the same
// with a space instead of `T` and without an offset (UTC), or a date alone (`2016-01-01`).
std::optional<int64_t> ParseTimestamp(std::string_view text);

// Interval text as DataFusion accepts it: a sequence of `<number> <unit>` or `<number><unit>`
// (`1 hour`, `2 days 3 minutes`, `1h30m`, `-1.5 days`); units year(s)/y, month(s)/mon(s),
// week(s)/w, day(s)/d, hour(s)/h, minute(s)/min(s)/m, second(s)/sec(s)/s, millisecond(s)/ms,
// microsecond(s)/us, nanosecond(s)/ns; a bare number is seconds. Fractions of a month or a day
// spill into days (30 per month) or nanoseconds, as PostgreSQL does.
std::optional<Interval> ParseInterval(std::string_view text);

// float64 text as PostgreSQL prints double precision: the shortest digits that read back to the
// same value, positional for decimal exponents -4..14, otherwise `1e+20`, `1.5e-07`; `NaN`,
// `Infinity`, `-Infinity`.
std::string FormatFloat64(double value);
// Timestamp text as DataFusion casts it to a string: `2016-01-01T00:00:00` plus a fraction of 3,
// 6 or 9 digits when non-zero (the same text query results show).
std::string FormatTimestampText(int64_t nanos);
// Interval text as PostgreSQL prints it: `1 year 2 mons 3 days 04:05:06.5`, `00:00:00` for zero.
std::string FormatIntervalText(const Interval& value);

}  // namespace strata::exec
