#include "format/display_width.h"

#include "gtest/gtest.h"

namespace strata::format {
namespace {

TEST(DisplayWidthTest, AsciiCountsPrintableCharacters) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("value"), 5u);
  EXPECT_EQ(DisplayWidth("a b"), 3u);
  EXPECT_EQ(DisplayWidth("a\x01"
                         "b\x7f"),
            2u);
}

TEST(DisplayWidthTest, WideCharactersTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth("日本語"), 6u);
  EXPECT_EQ(DisplayWidth("한국어"), 6u);
  EXPECT_EQ(DisplayWidth("ｘ"), 2u);  // U+FF58 fullwidth x
  EXPECT_EQ(DisplayWidth("😀"), 2u);
  EXPECT_EQ(DisplayWidth("a日b"), 4u);
}

TEST(DisplayWidthTest, CombiningAndZeroWidthCharactersTakeNone) {
  EXPECT_EQ(DisplayWidth("é"), 1u);         // precomposed U+00E9
  EXPECT_EQ(DisplayWidth("e\u0301"), 1u);   // e + combining acute accent
  EXPECT_EQ(DisplayWidth("a\u200Bb"), 2u);  // zero width space
  EXPECT_EQ(DisplayWidth("\uFEFF"), 0u);
}

TEST(DisplayWidthTest, OtherCharactersTakeOne) {
  EXPECT_EQ(DisplayWidth("°C"), 2u);
  EXPECT_EQ(DisplayWidth("Ωμ"), 2u);
  EXPECT_EQ(DisplayWidth("\u00A0"), 1u);  // no-break space
}

TEST(DisplayWidthTest, InvalidBytesCountAsReplacementCharacters) {
  EXPECT_EQ(DisplayWidth("\xff"), 1u);
  EXPECT_EQ(DisplayWidth("a\xc3"), 2u);  // truncated sequence
}

TEST(CodePointWidthTest, Boundaries) {
  EXPECT_EQ(CodePointWidth(0x1F), 0);
  EXPECT_EQ(CodePointWidth(0x20), 1);
  EXPECT_EQ(CodePointWidth(0x7E), 1);
  EXPECT_EQ(CodePointWidth(0x7F), 0);
  EXPECT_EQ(CodePointWidth(0x9F), 0);
  EXPECT_EQ(CodePointWidth(0xA0), 1);
  EXPECT_EQ(CodePointWidth(0x10FF), 1);
  EXPECT_EQ(CodePointWidth(0x1100), 2);
  EXPECT_EQ(CodePointWidth(0x115F), 2);
  EXPECT_EQ(CodePointWidth(0x1160), 0);
  EXPECT_EQ(CodePointWidth(0x4E00), 2);
  EXPECT_EQ(CodePointWidth(0xAC00), 2);
  EXPECT_EQ(CodePointWidth(0xD7A3), 2);
  EXPECT_EQ(CodePointWidth(0xD7A4), 1);
  EXPECT_EQ(CodePointWidth(0x20000), 2);
  EXPECT_EQ(CodePointWidth(0xE0100), 0);
}

}  // namespace
}  // namespace strata::format
