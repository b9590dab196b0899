// Tests of digit runs (eight at a time, with overflow detection) and float scanning.
#include "lineprotocol/number_scanner.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace strata::lineprotocol {
namespace {

// Copies `text` into a heap buffer of exactly its size, so that a read past the end is caught
// by AddressSanitizer.
std::unique_ptr<char[]> Exact(const std::string& text) {
  auto buffer = std::make_unique<char[]>(text.size());
  std::memcpy(buffer.get(), text.data(), text.size());
  return buffer;
}

TEST(ScanDigitsTest, EveryLengthAndTerminator) {
  for (int length = 0; length <= 21; ++length) {
    for (const std::string suffix : {"", "i", " 12345678", ",x", "\n", "a", "/", ":", "\xff"}) {
      std::string digits;
      for (int d = 0; d < length; ++d) {
        digits += static_cast<char>('0' + (d * 7 + 3) % 10);
      }
      const std::string text = digits + suffix;
      auto buffer = Exact(text);
      const DigitRun run = ScanDigits(buffer.get(), buffer.get() + text.size());
      ASSERT_EQ(run.end - buffer.get(), length) << text;
      uint64_t expected = 0;
      const auto [ptr, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), expected);
      if (length == 0) {
        EXPECT_EQ(run.value, 0u);
        EXPECT_FALSE(run.overflow);
      } else if (ec == std::errc::result_out_of_range) {
        EXPECT_TRUE(run.overflow) << text;
      } else {
        EXPECT_FALSE(run.overflow) << text;
        EXPECT_EQ(run.value, expected) << text;
      }
    }
  }
}

TEST(ScanDigitsTest, Uint64Limits) {
  const std::string max = "18446744073709551615";
  DigitRun run = ScanDigits(max.data(), max.data() + max.size());
  EXPECT_FALSE(run.overflow);
  EXPECT_EQ(run.value, std::numeric_limits<uint64_t>::max());
  const std::string above = "18446744073709551616";
  EXPECT_TRUE(ScanDigits(above.data(), above.data() + above.size()).overflow);
  const std::string zeros = "000000000000000000000000000042";
  run = ScanDigits(zeros.data(), zeros.data() + zeros.size());
  EXPECT_FALSE(run.overflow);
  EXPECT_EQ(run.value, 42u);
}

TEST(ScanDigitsTest, RandomRuns) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t value = random() >> (random() % 64);
    const std::string text = std::to_string(value) + static_cast<char>(random() % 256);
    const DigitRun run = ScanDigits(text.data(), text.data() + text.size());
    const bool last_is_digit = static_cast<unsigned>(text.back() - '0') < 10;
    if (!last_is_digit) {
      ASSERT_EQ(run.value, value) << text;
      ASSERT_EQ(run.end, text.data() + text.size() - 1) << text;
    }
  }
}

struct FloatCase {
  std::string text;
  FloatScan scan;
  double value;
  size_t consumed;
};

TEST(ScanFloatTest, GrammarAndValues) {
  const FloatCase cases[] = {
      {"1", FloatScan::kOk, 1.0, 1},
      {"-1.5", FloatScan::kOk, -1.5, 4},
      {"1e5", FloatScan::kOk, 1e5, 3},
      {"1.25E-3x", FloatScan::kOk, 1.25e-3, 7},
      {"2e+3", FloatScan::kOk, 2e3, 4},
      {"1.", FloatScan::kSyntaxError, 0, 2},
      {"1.e5", FloatScan::kSyntaxError, 0, 2},
      {"1e", FloatScan::kSyntaxError, 0, 2},
      {"1e+", FloatScan::kSyntaxError, 0, 3},
      {"-", FloatScan::kSyntaxError, 0, 1},
      {".5", FloatScan::kSyntaxError, 0, 0},
      {"1e309", FloatScan::kOutOfRange, 0, 5},
      {"-1e99999999999999999999", FloatScan::kOutOfRange, 0, 23},
      {"0.0000000000000000000000000000001e-400", FloatScan::kOk, 0.0, 38},
      {"123456789012345678901234567890e-10", FloatScan::kOk, 12345678901234567890.1234567890, 34},
  };
  for (const FloatCase& c : cases) {
    auto buffer = Exact(c.text);
    const char* stop = nullptr;
    double value = -42;
    const FloatScan scan = ScanFloat(buffer.get(), buffer.get() + c.text.size(), &stop, &value);
    EXPECT_EQ(scan, c.scan) << c.text;
    EXPECT_EQ(static_cast<size_t>(stop - buffer.get()), c.consumed) << c.text;
    if (scan == FloatScan::kOk) {
      EXPECT_EQ(value, c.value) << c.text;
    }
  }
}

TEST(ScanFloatTest, UnderflowKeepsTheSign) {
  const std::string text = "-1e-400";
  const char* stop;
  double value = 1;
  ASSERT_EQ(ScanFloat(text.data(), text.data() + text.size(), &stop, &value), FloatScan::kOk);
  EXPECT_EQ(value, 0.0);
  EXPECT_TRUE(std::signbit(value));
}

TEST(ExactDecimalToDoubleTest, OnlyExactCases) {
  double value = 0;
  EXPECT_TRUE(ExactDecimalToDouble(125, -2, &value));
  EXPECT_EQ(value, 1.25);
  EXPECT_TRUE(ExactDecimalToDouble(uint64_t{1} << 53, 22, &value));
  EXPECT_EQ(value, 9007199254740992e22);
  EXPECT_FALSE(ExactDecimalToDouble((uint64_t{1} << 53) + 1, 0, &value));
  EXPECT_FALSE(ExactDecimalToDouble(1, 23, &value));
  EXPECT_FALSE(ExactDecimalToDouble(1, -23, &value));
}

}  // namespace
}  // namespace strata::lineprotocol
