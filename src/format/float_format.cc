// The shortest round-trip digits come from fmt's Dragonbox (fmt::detail::dragonbox::to_decimal,
// exported by libfmt): for every double it gives the same digits as Ryu, which both the ryu and
// lexical-core crates implement (shortest, then closest, ties to even), and it is about twice as
// fast as std::to_chars. Only the layout of those digits is ours; digits are written straight to
// their place in the output, since staging them and copying them over costs more than it saves.
#include "format/float_format.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/check.h"
#include "fmt/format.h"

static_assert(FMT_VERSION >= 80000, "fmt::detail::dragonbox::to_decimal appeared in fmt 8");

namespace strata::format {
namespace {

constexpr char kTwoDigits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

constexpr uint64_t kPowersOf10[] = {1ULL,
                                    10ULL,
                                    100ULL,
                                    1000ULL,
                                    10000ULL,
                                    100000ULL,
                                    1000000ULL,
                                    10000000ULL,
                                    100000000ULL,
                                    1000000000ULL,
                                    10000000000ULL,
                                    100000000000ULL,
                                    1000000000000ULL,
                                    10000000000000ULL,
                                    100000000000000ULL,
                                    1000000000000000ULL,
                                    10000000000000000ULL,
                                    100000000000000000ULL,
                                    1000000000000000000ULL,
                                    10000000000000000000ULL};

// The number of decimal digits of `value` > 0.
int CountDigits(uint64_t value) {
  // log10(2) ~ 1233 / 4096: a guess from the bit width, off by at most one.
  const int guess = std::bit_width(value) * 1233 >> 12;
  return guess + (value >= kPowersOf10[guess] ? 1 : 0);
}

// A positive finite double as d1.d2d3...dn x 10^exponent with the fewest digits that round-trip.
struct ShortestDecimal {
  uint64_t significand;  // d1d2...dn, no trailing zeros
  int count;             // n
  int exponent;
};

ShortestDecimal ToShortestDecimal(double positive) {
  const auto decimal = fmt::detail::dragonbox::to_decimal(positive);
  uint64_t significand = decimal.significand;  // at most 17 digits
  int exponent = decimal.exponent;
  while (significand % 10 == 0) {
    significand /= 10;
    ++exponent;
  }
  const int count = CountDigits(significand);
  return {significand, count, exponent + count - 1};
}

// Writes the `count` digits of `value` (< 10^count) at `out`, with a decimal point after the first
// `point` of them if point < count, and returns the end. Digits go straight to their final place,
// right to left, two at a time with 32-bit arithmetic (dividing by 100 is then a multiplication);
// only a pair that straddles the point is split.
char* WriteDigits(uint64_t value, int count, int point, char* out) {
  const int first_shifted = point < count ? point : count;  // digits from here on move right by 1
  int remaining = count;
  auto write = [&](uint32_t digits, int n) {
    for (; n >= 2; n -= 2, remaining -= 2) {
      const uint32_t pair = digits % 100 * 2;
      digits /= 100;
      const int high = remaining - 2;
      const int low = remaining - 1;
      out[high + (high >= first_shifted ? 1 : 0)] = kTwoDigits[pair];
      out[low + (low >= first_shifted ? 1 : 0)] = kTwoDigits[pair + 1];
    }
    if (n == 1) {
      const int index = remaining - 1;
      out[index + (index >= first_shifted ? 1 : 0)] = static_cast<char>('0' + digits);
      remaining -= 1;
    }
  };
  if (value > UINT32_MAX) {
    write(static_cast<uint32_t>(value % 100'000'000), 8);  // eight low digits, zero-padded
    value /= 100'000'000;                                  // now below 10^9
  }
  write(static_cast<uint32_t>(value), remaining);
  if (point < count) {
    out[point] = '.';
    return out + count + 1;
  }
  return out + count;
}

// Writes the digits as d1.d2...dn (just d1 for one digit unless `always_point`, then d1.0).
char* WriteMantissa(const ShortestDecimal& d, bool always_point, char* out) {
  if (d.count > 1) {
    return WriteDigits(d.significand, d.count, 1, out);
  }
  out[0] = static_cast<char>('0' + d.significand);
  if (always_point) {
    out[1] = '.';
    out[2] = '0';
    return out + 3;
  }
  return out + 1;
}

// Writes the digits with a decimal point after the first `point` of them (0 < point < count).
char* WritePointInside(const ShortestDecimal& d, int point, char* out) {
  return WriteDigits(d.significand, d.count, point, out);
}

// Writes the digits, `zeros` zeros and ".0".
char* WriteInteger(const ShortestDecimal& d, int zeros, char* out) {
  out = WriteDigits(d.significand, d.count, d.count, out);
  std::memset(out, '0', 16);  // a fixed-size fill; zeros <= 15
  out += zeros;
  out[0] = '.';
  out[1] = '0';
  return out + 2;
}

// Writes "0.", `zeros` zeros and the digits.
char* WriteFraction(const ShortestDecimal& d, int zeros, char* out) {
  out[0] = '0';
  out[1] = '.';
  std::memset(out + 2, '0', 8);  // a fixed-size fill; zeros <= 5
  return WriteDigits(d.significand, d.count, d.count, out + 2 + zeros);
}

char* WriteExponent(int exponent, char* out) {
  *out++ = 'e';
  if (exponent < 0) {
    *out++ = '-';
    exponent = -exponent;
  }
  if (exponent >= 100) {
    *out++ = static_cast<char>('0' + exponent / 100);
    exponent %= 100;
    *out++ = kTwoDigits[2 * exponent];
    *out++ = kTwoDigits[2 * exponent + 1];
  } else if (exponent >= 10) {
    *out++ = kTwoDigits[2 * exponent];
    *out++ = kTwoDigits[2 * exponent + 1];
  } else {
    *out++ = static_cast<char>('0' + exponent);
  }
  return out;
}

// The `ryu` crate's layout (ryu::Buffer::format): positional for 1e-5 <= v < 1e16.
char* WriteDisplayLayout(const ShortestDecimal& d, char* out) {
  const int point = d.exponent + 1;  // digits before the decimal point
  if (point >= d.count && point <= 16) {
    return WriteInteger(d, point - d.count, out);  // 1234e7 -> 12340000000.0
  }
  if (point > 0 && point <= 16) {
    return WritePointInside(d, point, out);  // 1234e-2 -> 12.34
  }
  if (point > -5 && point <= 0) {
    return WriteFraction(d, -point, out);  // 1234e-6 -> 0.001234
  }
  return WriteExponent(d.exponent, WriteMantissa(d, false, out));  // 1e30, 1.234e-7
}

// lexical-core's default layout (no exponent breaks set): positional for exponents -5..9.
char* WriteJsonLayout(const ShortestDecimal& d, char* out) {
  if (d.exponent < -5 || d.exponent > 9) {
    return WriteExponent(d.exponent, WriteMantissa(d, true, out));  // 1.0e10, 1.234e-7
  }
  if (d.exponent < 0) {
    return WriteFraction(d, -d.exponent - 1, out);  // 1234e-6 -> 0.001234
  }
  const int point = d.exponent + 1;
  if (point >= d.count) {
    return WriteInteger(d, point - d.count, out);  // 1234e5 -> 123400000.0
  }
  return WritePointInside(d, point, out);  // 1234e-2 -> 12.34
}

// Go's encoding/json layout of a float64 (strconv.AppendFloat(v, 'f' or 'e', -1, 64)):
// positional without a trailing ".0" unless `exponent_form` (|v| < 1e-6 or >= 1e21), then
// d.ddde+XX (two exponent digits at least) or d.ddde-X.
char* WriteGoJsonLayout(const ShortestDecimal& d, bool exponent_form, char* out) {
  if (exponent_form) {
    out = WriteMantissa(d, false, out);
    if (d.exponent < 0) {
      return WriteExponent(d.exponent, out);  // 1.5e-7
    }
    // 1e+21: a sign, and at least two digits (the exponent is 21 to 308 here).
    *out++ = 'e';
    *out++ = '+';
    if (d.exponent >= 100) {
      *out++ = static_cast<char>('0' + d.exponent / 100);
    }
    const int last_two = d.exponent % 100;
    out[0] = kTwoDigits[2 * last_two];
    out[1] = kTwoDigits[2 * last_two + 1];
    return out + 2;
  }
  if (d.exponent < 0) {
    return WriteFraction(d, -d.exponent - 1, out);  // 1234e-6 -> 0.001234
  }
  const int point = d.exponent + 1;
  if (point >= d.count) {
    out = WriteDigits(d.significand, d.count, d.count, out);  // 1234e5 -> 123400000
    std::memset(out, '0', static_cast<size_t>(point - d.count));
    return out + (point - d.count);
  }
  return WritePointInside(d, point, out);  // 1234e-2 -> 12.34
}

char* WriteLiteral(const char* text, char* out) {
  const size_t length = std::strlen(text);
  std::memcpy(out, text, length);
  return out + length;
}

}  // namespace

char* WriteFloat(double value, FloatNotation notation, char* out) {
  if (!std::isfinite(value)) [[unlikely]] {
    STRATA_DCHECK(notation == FloatNotation::kDisplay);
    if (std::isnan(value)) {
      return WriteLiteral("NaN", out);
    }
    return WriteLiteral(value < 0 ? "-inf" : "inf", out);
  }
  // All three print the sign of negative zero.
  if (std::signbit(value)) {
    *out++ = '-';
    value = -value;
  }
  if (value == 0) {
    return WriteLiteral(notation == FloatNotation::kGoJson ? "0" : "0.0", out);
  }
  const ShortestDecimal decimal = ToShortestDecimal(value);
  switch (notation) {
    case FloatNotation::kDisplay:
      return WriteDisplayLayout(decimal, out);
    case FloatNotation::kJson:
      return WriteJsonLayout(decimal, out);
    case FloatNotation::kGoJson:
      return WriteGoJsonLayout(decimal, value < 1e-6 || value >= 1e21, out);
  }
  return out;
}

}  // namespace strata::format
