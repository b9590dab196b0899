// Tests that the 16-bytes-at-a-time searches find exactly what a byte-by-byte search finds, at
// every alignment and near the end of the buffer.
#include "lineprotocol/byte_classes.h"

#include <memory>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace strata::lineprotocol::internal {
namespace {

const char* ReferenceFind(const char* p, const char* end, uint8_t class_bit) {
  while (p < end && !(ClassOf(*p) & class_bit)) {
    ++p;
  }
  return p;
}

TEST(ByteClassesTest, CandidatesAreSupersetsOfStopAndSlowBytes) {
  for (int c = 0; c < 256; ++c) {
    const uint8_t cls = kCharClass[c];
    if (cls & (kMeasurementStop | kTagValueStop | kSlow)) {
      EXPECT_TRUE(cls & kCandidateComma) << c;
    }
    if (cls & (kKeyStop | kSlow)) {
      EXPECT_TRUE(cls & kCandidateEquals) << c;
    }
  }
  EXPECT_TRUE(kCharClass[','] & kMeasurementStop);
  EXPECT_FALSE(kCharClass['='] & kMeasurementStop);
  EXPECT_TRUE(kCharClass['='] & kKeyStop);
  EXPECT_FALSE(kCharClass[','] & kKeyStop);
  EXPECT_TRUE(kCharClass[0] & kMeasurementStop);
  EXPECT_FALSE(kCharClass[0] & kKeyStop);
}

TEST(ByteClassesTest, SearchesMatchByteByByteSearch) {
  std::mt19937 random(1);
  const std::string alphabet = "abcXYZ019_-.,= \t\n\r\\\"\x01\x7f\x80\xc3\xff";
  for (int round = 0; round < 3000; ++round) {
    const size_t size = random() % 80;
    // An exact-size heap buffer, so that AddressSanitizer catches any read past the end.
    auto buffer = std::make_unique<char[]>(size + 1);
    const int density = 1 + random() % 40;  // Fewer special bytes in some rounds.
    for (size_t i = 0; i < size; ++i) {
      buffer[i] = random() % density == 0 ? alphabet[random() % alphabet.size()]
                                          : static_cast<char>('a' + random() % 26);
    }
    const char* end = buffer.get() + size;
    for (size_t start = 0; start <= size; ++start) {
      const char* p = buffer.get() + start;
      ASSERT_EQ((FindNameCandidate<kCandidateComma, ','>(p, end)),
                ReferenceFind(p, end, kCandidateComma));
      ASSERT_EQ((FindNameCandidate<kCandidateEquals, '='>(p, end)),
                ReferenceFind(p, end, kCandidateEquals));
      ASSERT_EQ(FindStringSpecial(p, end), ReferenceFind(p, end, kStringSpecial));
    }
  }
}

}  // namespace
}  // namespace strata::lineprotocol::internal
