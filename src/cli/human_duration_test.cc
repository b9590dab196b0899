#include "cli/human_duration.h"

#include "gtest/gtest.h"

namespace strata::cli {
namespace {

TEST(HumanDurationTest, ParsesTermsAndUnits) {
  EXPECT_EQ(*ParseHumanDurationSeconds("10s"), 10);
  EXPECT_EQ(*ParseHumanDurationSeconds("1min 30sec"), 90);
  EXPECT_EQ(*ParseHumanDurationSeconds("3 hours"), 3 * 3600);
  EXPECT_EQ(*ParseHumanDurationSeconds("4h"), 4 * 3600);
  EXPECT_EQ(*ParseHumanDurationSeconds("1d 2h"), 86400 + 7200);
  EXPECT_EQ(*ParseHumanDurationSeconds("1w"), 7 * 86400);
  EXPECT_EQ(*ParseHumanDurationSeconds("3600"), 3600);
}

TEST(HumanDurationTest, RejectsWithTheText) {
  EXPECT_EQ(ParseHumanDurationSeconds("10 parsecs").status().message(),
            "invalid duration '10 parsecs': unknown unit 'parsecs' (use s, min, h, d or w)");
  EXPECT_FALSE(ParseHumanDurationSeconds("").ok());
  EXPECT_FALSE(ParseHumanDurationSeconds("0s").ok());
  EXPECT_FALSE(ParseHumanDurationSeconds("h").ok());
  EXPECT_FALSE(ParseHumanDurationSeconds("1h 30").ok());
  EXPECT_FALSE(ParseHumanDurationSeconds("-5s").ok());
  EXPECT_FALSE(ParseHumanDurationSeconds("99999999999999999999s").ok());
}

}  // namespace
}  // namespace strata::cli
