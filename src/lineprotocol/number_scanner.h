// Exact scanning of the numbers of line protocol: runs of decimal digits with overflow
// detection (eight digits at a time), and decimal floats in InfluxDB's grammar, correctly
// rounded (Clinger's exact fast path, std::from_chars otherwise).
#pragma once

#include <cstdint>
#include <cstring>

namespace strata::lineprotocol {

// A run of decimal digits.
struct DigitRun {
  const char* end;  // The first byte after the run (the start if there were no digits).
  uint64_t value;   // The value; meaningless if `overflow`.
  bool overflow;    // True if the value does not fit in a uint64.
};

namespace internal {

inline constexpr uint64_t kPowersOfTen[] = {
    1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000};

// Converts 8 bytes holding one decimal digit value (0-9) each, the first digit in the lowest
// byte, to their value (a well-known SWAR reduction: pairs, then quads, then all eight).
inline uint64_t EightDigitsValue(uint64_t digits) {
  digits = digits * 10 + (digits >> 8);
  return (((digits & 0x000000FF000000FF) * (100 + (1000000ULL << 32))) +
          (((digits >> 16) & 0x000000FF000000FF) * (1 + (10000ULL << 32)))) >>
         32;
}

}  // namespace internal

// Scans the decimal digits at the start of [p, end). Reads eight bytes at a time where at least
// eight remain (only bytes before `end` are read).
inline DigitRun ScanDigits(const char* p, const char* end) {
  uint64_t value = 0;
  bool overflow = false;
  if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
    while (end - p >= 8) {
      uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      // A byte is a digit iff its high nibble is 3 and adding 6 keeps it 3. A carry out of a
      // non-digit byte can only spoil later bytes, which do not matter.
      const uint64_t non_digits =
          ((chunk & 0xF0F0F0F0F0F0F0F0) ^ 0x3030303030303030) |
          (((chunk + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) ^ 0x3030303030303030);
      const int count = non_digits == 0 ? 8 : __builtin_ctzll(non_digits) >> 3;
      if (count == 0) {
        return {p, value, overflow};
      }
      // Digit values; the bytes from the first non-digit on are shifted out (a borrow there
      // only moves upwards, into bytes that are shifted out too).
      uint64_t digits = chunk - 0x3030303030303030;
      if (count < 8) {
        digits <<= 64 - 8 * count;
      }
      overflow |= __builtin_mul_overflow(value, internal::kPowersOfTen[count], &value);
      overflow |= __builtin_add_overflow(value, internal::EightDigitsValue(digits), &value);
      p += count;
      if (count < 8) {
        return {p, value, overflow};
      }
    }
  }
  while (p < end && static_cast<unsigned>(*p - '0') < 10) {
    overflow |= __builtin_mul_overflow(value, 10, &value);
    overflow |= __builtin_add_overflow(value, static_cast<uint64_t>(*p - '0'), &value);
    ++p;
  }
  return {p, value, overflow};
}

// Returns mantissa * 10^exponent10 correctly rounded in *value if that can be done exactly with
// one floating-point operation (mantissa <= 2^53 and |exponent10| <= 22: both operands are
// exact doubles); false otherwise.
inline bool ExactDecimalToDouble(uint64_t mantissa, int64_t exponent10, double* value) {
  static constexpr double kExactPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (mantissa > (uint64_t{1} << 53) || exponent10 < -22 || exponent10 > 22) {
    return false;
  }
  const auto d = static_cast<double>(mantissa);
  *value = exponent10 < 0 ? d / kExactPowers[-exponent10] : d * kExactPowers[exponent10];
  return true;
}

// The outcome of ScanFloat.
enum class FloatScan { kOk, kSyntaxError, kOutOfRange };

// Parses a float in InfluxDB's grammar, -?D+(\.D+)?([eE][+-]?D+)?, at the start of [start, end)
// and sets *stop to the first byte after it. Something that starts like a number but breaks the
// grammar ("1.", "1e", "1.e5", "-") is kSyntaxError; a magnitude too large for a double is
// kOutOfRange (InfluxDB has no infinity); one too small becomes a zero of the same sign. The
// caller decides whether the byte at *stop may follow a number.
FloatScan ScanFloat(const char* start, const char* end, const char** stop, double* value);

}  // namespace strata::lineprotocol
