// Float scanning: grammar check and digit bookkeeping for the exact fast path, with
// std::from_chars (correctly rounded in libstdc++ >= 12) as the general case.
#include "lineprotocol/number_scanner.h"

#include <charconv>
#include <system_error>

#include "common/check.h"

namespace strata::lineprotocol {
namespace {

inline bool IsDigit(char c) {
  return static_cast<unsigned>(c - '0') < 10;
}

}  // namespace

FloatScan ScanFloat(const char* start, const char* end, const char** stop, double* value) {
  const char* q = start;
  const bool negative = q < end && *q == '-';
  q += negative;
  uint64_t mantissa = 0;               // The first (up to) 19 significant digits.
  int mantissa_digits = 0;             // Significant digits in `mantissa`.
  bool mantissa_exact = true;          // False once a nonzero digit did not fit into `mantissa`.
  int64_t dropped_integer_digits = 0;  // Integer digits that did not fit (scale by 10 each).
  int64_t fraction_digits = 0;         // Fraction digits that count (scale by 1/10 each).
  int64_t magnitude = 0;  // Decimal position of the first significant digit (overflow test).
  bool seen_nonzero = false;

  const char* const integer_start = q;
  for (; q < end && IsDigit(*q); ++q) {
    const int digit = *q - '0';
    seen_nonzero |= digit != 0;
    if (!seen_nonzero) {
      continue;  // A leading zero.
    }
    ++magnitude;
    if (mantissa_digits < 19) {
      mantissa = mantissa * 10 + digit;
      ++mantissa_digits;
    } else {
      ++dropped_integer_digits;
      mantissa_exact &= digit == 0;
    }
  }
  bool valid = q > integer_start;
  if (valid && q < end && *q == '.') {
    ++q;
    const char* const fraction_start = q;
    for (; q < end && IsDigit(*q); ++q) {
      const int digit = *q - '0';
      if (!seen_nonzero && digit == 0) {
        --magnitude;  // A leading zero of the fraction shifts the value.
        ++fraction_digits;
        continue;
      }
      seen_nonzero = true;
      if (mantissa_digits < 19) {
        mantissa = mantissa * 10 + digit;
        ++mantissa_digits;
        ++fraction_digits;
      } else {
        mantissa_exact &= digit == 0;
      }
    }
    valid = q > fraction_start;
  }
  int64_t exponent = 0;
  if (valid && q < end && (*q == 'e' || *q == 'E')) {
    ++q;
    bool exponent_negative = false;
    if (q < end && (*q == '+' || *q == '-')) {
      exponent_negative = *q == '-';
      ++q;
    }
    const char* const exponent_start = q;
    for (; q < end && IsDigit(*q); ++q) {
      if (exponent < 1'000'000) {  // Saturate: anything beyond is out of range anyway.
        exponent = exponent * 10 + (*q - '0');
      }
    }
    valid = q > exponent_start;
    if (exponent_negative) {
      exponent = -exponent;
    }
  }
  *stop = q;
  if (!valid) {
    return FloatScan::kSyntaxError;
  }
  if (!seen_nonzero) {
    *value = negative ? -0.0 : 0.0;
    return FloatScan::kOk;
  }
  double result = 0;
  if (mantissa_exact &&
      ExactDecimalToDouble(
          mantissa, exponent + dropped_integer_digits - fraction_digits, &result)) {
    *value = negative ? -result : result;
    return FloatScan::kOk;
  }
  const std::from_chars_result parsed = std::from_chars(start, q, result);
  if (parsed.ec == std::errc::result_out_of_range) {
    // The decimal magnitude tells overflow from underflow (which rounds to zero).
    if (magnitude + exponent > 0) {
      return FloatScan::kOutOfRange;
    }
    *value = negative ? -0.0 : 0.0;
    return FloatScan::kOk;
  }
  STRATA_CHECK(parsed.ec == std::errc() && parsed.ptr == q);
  *value = result;
  return FloatScan::kOk;
}

}  // namespace strata::lineprotocol
