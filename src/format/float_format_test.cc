#include "format/float_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace strata::format {
namespace {

// Writes into a heap buffer of exactly kMaxFloatLength bytes, so that AddressSanitizer catches a
// write past the room WriteFloat asks for.
std::string Write(double value, FloatNotation notation) {
  auto buffer = std::make_unique<char[]>(kMaxFloatLength);
  char* end = WriteFloat(value, notation, buffer.get());
  EXPECT_LE(end - buffer.get(), notation == FloatNotation::kGoJson ? 25 : 24);
  return std::string(buffer.get(), end);
}

std::string Display(double value) {
  return Write(value, FloatNotation::kDisplay);
}
std::string Json(double value) {
  return Write(value, FloatNotation::kJson);
}
std::string GoJson(double value) {
  return Write(value, FloatNotation::kGoJson);
}

// The ryu crate's layout (arrow-cast display: CSV and pretty).
TEST(WriteFloatTest, DisplayNotation) {
  EXPECT_EQ(Display(0.0), "0.0");
  EXPECT_EQ(Display(-0.0), "-0.0");
  EXPECT_EQ(Display(1.0), "1.0");
  EXPECT_EQ(Display(-1.0), "-1.0");
  EXPECT_EQ(Display(100.0), "100.0");
  EXPECT_EQ(Display(0.1), "0.1");
  EXPECT_EQ(Display(0.3), "0.3");
  EXPECT_EQ(Display(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Display(1.5), "1.5");
  EXPECT_EQ(Display(-123.456), "-123.456");
  EXPECT_EQ(Display(21.5), "21.5");
  EXPECT_EQ(Display(1e9), "1000000000.0");
  EXPECT_EQ(Display(1e10), "10000000000.0");
  EXPECT_EQ(Display(1e15), "1000000000000000.0");
  EXPECT_EQ(Display(9007199254740993.0), "9007199254740992.0");
  EXPECT_EQ(Display(1234567890123456.7), "1234567890123456.8");
  EXPECT_EQ(Display(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(Display(-1234567890123456.0), "-1234567890123456.0");
  EXPECT_EQ(Display(1e16), "1e16");
  EXPECT_EQ(Display(1.5e16), "1.5e16");
  EXPECT_EQ(Display(123456789012345680.0), "1.2345678901234568e17");
  EXPECT_EQ(Display(1e21), "1e21");
  EXPECT_EQ(Display(1e300), "1e300");
  EXPECT_EQ(Display(0.001), "0.001");
  EXPECT_EQ(Display(1e-5), "0.00001");
  EXPECT_EQ(Display(2.5e-5), "0.000025");
  EXPECT_EQ(Display(1.2345e-5), "0.000012345");
  EXPECT_EQ(Display(1e-6), "1e-6");
  EXPECT_EQ(Display(1e-7), "1e-7");
  EXPECT_EQ(Display(-1.234e-7), "-1.234e-7");
  EXPECT_EQ(Display(5e-324), "5e-324");
  EXPECT_EQ(Display(std::numeric_limits<double>::denorm_min()), "5e-324");
  EXPECT_EQ(Display(std::numeric_limits<double>::min()), "2.2250738585072014e-308");
  EXPECT_EQ(Display(std::numeric_limits<double>::max()), "1.7976931348623157e308");
  EXPECT_EQ(Display(-std::numeric_limits<double>::max()), "-1.7976931348623157e308");
}

TEST(WriteFloatTest, DisplayNonFinite) {
  EXPECT_EQ(Display(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Display(-std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Display(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(Display(-std::numeric_limits<double>::infinity()), "-inf");
}

// lexical-core's default layout (arrow-json: JSON and JSON lines).
TEST(WriteFloatTest, JsonNotation) {
  EXPECT_EQ(Json(0.0), "0.0");
  EXPECT_EQ(Json(-0.0), "-0.0");
  EXPECT_EQ(Json(1.0), "1.0");
  EXPECT_EQ(Json(-1.0), "-1.0");
  EXPECT_EQ(Json(0.1), "0.1");
  EXPECT_EQ(Json(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Json(-123.456), "-123.456");
  EXPECT_EQ(Json(123456789.0), "123456789.0");
  EXPECT_EQ(Json(1e9), "1000000000.0");
  EXPECT_EQ(Json(1234567890.5), "1234567890.5");
  EXPECT_EQ(Json(-1234567891.0), "-1234567891.0");
  EXPECT_EQ(Json(-0.000012345678901234567), "-0.000012345678901234568");
  EXPECT_EQ(Json(1e10), "1.0e10");
  EXPECT_EQ(Json(1.5e10), "1.5e10");
  EXPECT_EQ(Json(12345678901.5), "1.23456789015e10");
  EXPECT_EQ(Json(1e16), "1.0e16");
  EXPECT_EQ(Json(1e21), "1.0e21");
  EXPECT_EQ(Json(0.001), "0.001");
  EXPECT_EQ(Json(1e-5), "0.00001");
  EXPECT_EQ(Json(1.2345e-5), "0.000012345");
  EXPECT_EQ(Json(1e-6), "1.0e-6");
  EXPECT_EQ(Json(1.5e-6), "1.5e-6");
  EXPECT_EQ(Json(1e-7), "1.0e-7");
  EXPECT_EQ(Json(-1.234e-7), "-1.234e-7");
  EXPECT_EQ(Json(5e-324), "5.0e-324");
  EXPECT_EQ(Json(std::numeric_limits<double>::max()), "1.7976931348623157e308");
}

// Go's encoding/json (InfluxDB 1.x /query).
TEST(WriteFloatTest, GoJsonNotation) {
  EXPECT_EQ(GoJson(0.0), "0");
  EXPECT_EQ(GoJson(-0.0), "-0");
  EXPECT_EQ(GoJson(2.0), "2");
  EXPECT_EQ(GoJson(-1.5), "-1.5");
  EXPECT_EQ(GoJson(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(GoJson(123456789.0), "123456789");
  EXPECT_EQ(GoJson(1e-6), "0.000001");
  EXPECT_EQ(GoJson(-1.2345678901234567e-6), "-0.0000012345678901234567");
  EXPECT_EQ(GoJson(1e20), "100000000000000000000");
  EXPECT_EQ(GoJson(1.2345678901234568e20), "123456789012345680000");
  EXPECT_EQ(GoJson(9.999999999999999e20), "999999999999999900000");
  EXPECT_EQ(GoJson(1e21), "1e+21");
  EXPECT_EQ(GoJson(-1.5e21), "-1.5e+21");
  EXPECT_EQ(GoJson(1e100), "1e+100");
  EXPECT_EQ(GoJson(9.99999999999999e-7), "9.99999999999999e-7");
  EXPECT_EQ(GoJson(1e-7), "1e-7");
  EXPECT_EQ(GoJson(9.99e-10), "9.99e-10");
  EXPECT_EQ(GoJson(5e-324), "5e-324");
  EXPECT_EQ(GoJson(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
}

// A decimal number's significant digits (no leading or trailing zeros) and the power of ten of its
// first digit, e.g. "0.00120" and "1.2e-3" both give {"12", -3}.
std::pair<std::string, int> Significant(const std::string& text) {
  std::string digits;
  int point = 0;  // digits before the decimal point
  bool seen_point = false;
  size_t i = text[0] == '-' ? 1 : 0;
  for (; i < text.size() && text[i] != 'e'; ++i) {
    if (text[i] == '.') {
      seen_point = true;
    } else {
      digits += text[i];
      point += seen_point ? 0 : 1;
    }
  }
  const int exponent = i < text.size() ? std::stoi(text.substr(i + 1)) : 0;
  const size_t first = digits.find_first_not_of('0');
  const size_t last = digits.find_last_not_of('0');
  return {digits.substr(first, last - first + 1), point - static_cast<int>(first) - 1 + exponent};
}

// The digits are the shortest that round-trip, exactly as Ryu (libstdc++'s std::to_chars) picks
// them, and all notations read back to the same double without ever looking like integers.
TEST(WriteFloatTest, DigitsMatchRyuAndRoundTrip) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 300'000; ++i) {
    double value;
    const uint64_t bits = random();
    std::memcpy(&value, &bits, sizeof(value));
    if (i % 3 == 1) {
      value = std::ldexp(static_cast<double>(random() % 1'000'000),
                         static_cast<int>(random() % 80) - 40);
    } else if (i % 3 == 2) {
      value = static_cast<double>(random() % 100'000'000) / 1'000'000;
    }
    if (!std::isfinite(value) || value == 0) {
      continue;
    }
    char ryu[kMaxFloatLength];
    const char* ryu_end =
        std::to_chars(ryu, ryu + sizeof(ryu), value, std::chars_format::scientific).ptr;
    const auto expected = Significant(std::string(ryu, static_cast<size_t>(ryu_end - ryu)));
    for (const std::string& text : {Display(value), Json(value)}) {
      ASSERT_EQ(Significant(text), expected) << text;
      ASSERT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
      ASSERT_NE(text.find_first_of(".e"), std::string::npos) << text;
    }
    // Go's layout: the same digits; an exponent exactly outside [1e-6, 1e21), signed, two
    // digits at least when positive.
    const std::string go = GoJson(value);
    ASSERT_EQ(Significant(go), expected) << go;
    ASSERT_EQ(std::strtod(go.c_str(), nullptr), value) << go;
    const double magnitude = std::fabs(value);
    const size_t e = go.find('e');
    ASSERT_EQ(e != std::string::npos, magnitude < 1e-6 || magnitude >= 1e21) << go;
    if (e != std::string::npos) {
      ASSERT_TRUE(go[e + 1] == '-' ? go[e + 2] != '0' : go[e + 1] == '+' && go.size() - e >= 4)
          << go;
    }
  }
}

}  // namespace
}  // namespace strata::format
