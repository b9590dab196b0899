// Tests of the UTF-8 validator and the replacement of invalid bytes.
#include "lineprotocol/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace strata::lineprotocol {
namespace {

TEST(Utf8Test, AcceptsValidSequences) {
  EXPECT_EQ(FindInvalidUtf8(""), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ascii only"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("Zürich ☀ 𝄞"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("\xed\x9f\xbf"), std::string_view::npos);      // U+D7FF
  EXPECT_EQ(FindInvalidUtf8("\xf4\x8f\xbf\xbf"), std::string_view::npos);  // U+10FFFF
}

TEST(Utf8Test, FindsTheFirstInvalidByte) {
  EXPECT_EQ(FindInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FindInvalidUtf8("a\xc3"), 1u);             // Truncated sequence.
  EXPECT_EQ(FindInvalidUtf8("a\xc3\x28"), 1u);         // Bad continuation.
  EXPECT_EQ(FindInvalidUtf8("\xc0\xaf"), 0u);          // Overlong '/'.
  EXPECT_EQ(FindInvalidUtf8("\xe0\x80\xaf"), 0u);      // Overlong.
  EXPECT_EQ(FindInvalidUtf8("x\xed\xa0\x80"), 1u);     // Surrogate U+D800.
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // Above U+10FFFF.
  EXPECT_EQ(FindInvalidUtf8("\xf8\x88\x80\x80\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);  // Lone continuation byte.
}

TEST(Utf8Test, ReplacesInvalidBytes) {
  std::string out;
  AppendValidUtf8("a\xffü\xc3", &out);
  EXPECT_EQ(out, "a\xEF\xBF\xBDü\xEF\xBF\xBD");
  EXPECT_EQ(FindInvalidUtf8(out), std::string_view::npos);
}

}  // namespace
}  // namespace strata::lineprotocol
