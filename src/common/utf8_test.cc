// Tests of the UTF-8 validator, the decoder and the replacement of invalid bytes.
#include "common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace strata {
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

TEST(Utf8Test, DecodesCodePoints) {
  const std::string text = "a\xC3\xBC\xE2\x98\x80\xF0\x9D\x84\x9E";  // a, U+00FC, U+2600, U+1D11E
  uint32_t code_point = 0;
  EXPECT_EQ(DecodeUtf8(text, 0, &code_point), 1u);
  EXPECT_EQ(code_point, 0x61u);
  EXPECT_EQ(DecodeUtf8(text, 1, &code_point), 2u);
  EXPECT_EQ(code_point, 0xFCu);
  EXPECT_EQ(DecodeUtf8(text, 3, &code_point), 3u);
  EXPECT_EQ(code_point, 0x2600u);
  EXPECT_EQ(DecodeUtf8(text, 6, &code_point), 4u);
  EXPECT_EQ(code_point, 0x1D11Eu);
  EXPECT_EQ(DecodeUtf8("\xF4\x8F\xBF\xBF", 0, &code_point), 4u);
  EXPECT_EQ(code_point, 0x10FFFFu);
  // Invalid sequences, including one cut by the end of the text, leave code_point alone.
  code_point = 7;
  EXPECT_EQ(DecodeUtf8(text, 2, &code_point), 0u);  // A continuation byte.
  EXPECT_EQ(DecodeUtf8(text.substr(0, 8), 6, &code_point), 0u);
  EXPECT_EQ(DecodeUtf8("\xC0\xAF", 0, &code_point), 0u);
  EXPECT_EQ(DecodeUtf8("\xED\xA0\x80", 0, &code_point), 0u);
  EXPECT_EQ(code_point, 7u);
}

TEST(Utf8Test, ReplacesInvalidBytes) {
  std::string out;
  AppendValidUtf8("a\xffü\xc3", &out);
  EXPECT_EQ(out, "a\xEF\xBF\xBDü\xEF\xBF\xBD");
  EXPECT_EQ(FindInvalidUtf8(out), std::string_view::npos);
}

}  // namespace
}  // namespace strata
