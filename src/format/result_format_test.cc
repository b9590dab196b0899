#include "format/result_format.h"

#include "gtest/gtest.h"

namespace strata::format {
namespace {

TEST(ParseResultFormatTest, AcceptsEveryNameIgnoringCase) {
  EXPECT_EQ(*ParseResultFormat("json"), ResultFormat::kJson);
  EXPECT_EQ(*ParseResultFormat("JSON"), ResultFormat::kJson);
  EXPECT_EQ(*ParseResultFormat("jsonl"), ResultFormat::kJsonLines);
  EXPECT_EQ(*ParseResultFormat("JsonL"), ResultFormat::kJsonLines);
  EXPECT_EQ(*ParseResultFormat("json_lines"), ResultFormat::kJsonLines);
  EXPECT_EQ(*ParseResultFormat("csv"), ResultFormat::kCsv);
  EXPECT_EQ(*ParseResultFormat("Pretty"), ResultFormat::kPretty);
  EXPECT_EQ(*ParseResultFormat("PARQUET"), ResultFormat::kParquet);
}

TEST(ParseResultFormatTest, RejectsOtherNamesListingTheValidOnes) {
  for (std::string_view name : {"", "xml", "json ", "jsonlines", "tsv"}) {
    absl::StatusOr<ResultFormat> format = ParseResultFormat(name);
    ASSERT_FALSE(format.ok()) << name;
    EXPECT_EQ(format.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ParseResultFormat("xml").status().message(),
            "unknown result format 'xml': expected one of json, jsonl, csv, pretty, parquet");
}

TEST(FormatNameTest, RoundTripsThroughParse) {
  for (ResultFormat format : {ResultFormat::kJson,
                              ResultFormat::kJsonLines,
                              ResultFormat::kCsv,
                              ResultFormat::kPretty,
                              ResultFormat::kParquet}) {
    EXPECT_EQ(*ParseResultFormat(FormatName(format)), format);
  }
}

TEST(ResultFormatFromAcceptTest, SingleTypes) {
  EXPECT_EQ(ResultFormatFromAccept("application/json"), ResultFormat::kJson);
  EXPECT_EQ(ResultFormatFromAccept("application/jsonl"), ResultFormat::kJsonLines);
  EXPECT_EQ(ResultFormatFromAccept("application/x-ndjson"), ResultFormat::kJsonLines);
  EXPECT_EQ(ResultFormatFromAccept("text/csv"), ResultFormat::kCsv);
  EXPECT_EQ(ResultFormatFromAccept("text/plain"), ResultFormat::kPretty);
  EXPECT_EQ(ResultFormatFromAccept("application/vnd.apache.parquet"), ResultFormat::kParquet);
  EXPECT_EQ(ResultFormatFromAccept("text/html"), ResultFormat::kJson);
  EXPECT_EQ(ResultFormatFromAccept("TEXT/CSV"), ResultFormat::kCsv);
  EXPECT_EQ(ResultFormatFromAccept(" text/csv ; charset=utf-8 "), ResultFormat::kCsv);
}

TEST(ResultFormatFromAcceptTest, Wildcards) {
  EXPECT_EQ(ResultFormatFromAccept("*/*"), ResultFormat::kJson);
  EXPECT_EQ(ResultFormatFromAccept("application/*"), ResultFormat::kJson);
  EXPECT_EQ(ResultFormatFromAccept("text/*"), ResultFormat::kCsv);
  EXPECT_EQ(ResultFormatFromAccept(""), ResultFormat::kJson);
  EXPECT_EQ(ResultFormatFromAccept("  "), ResultFormat::kJson);
}

TEST(ResultFormatFromAcceptTest, QualityValuesDecide) {
  EXPECT_EQ(ResultFormatFromAccept("application/json;q=0.5, text/csv"), ResultFormat::kCsv);
  EXPECT_EQ(ResultFormatFromAccept("text/csv;q=0.2, text/plain;q=0.9"), ResultFormat::kPretty);
  EXPECT_EQ(ResultFormatFromAccept("text/csv;Q=1.0, text/plain;q=0.999"), ResultFormat::kCsv);
  // Equal quality: the first listed wins.
  EXPECT_EQ(ResultFormatFromAccept("text/plain, application/json"), ResultFormat::kPretty);
  EXPECT_EQ(ResultFormatFromAccept("application/json, text/plain"), ResultFormat::kJson);
  // A browser's header.
  EXPECT_EQ(ResultFormatFromAccept("text/html,application/xhtml+xml,application/xml;q=0.9,"
                                   "image/avif,image/webp,*/*;q=0.8"),
            ResultFormat::kJson);
}

TEST(ResultFormatFromAcceptTest, ZeroQualityRulesATypeOut) {
  // JSON refused; */* still allows the others, CSV being preferred among them.
  EXPECT_EQ(ResultFormatFromAccept("application/json;q=0, */*"), ResultFormat::kCsv);
  EXPECT_EQ(ResultFormatFromAccept("text/csv;q=0"), std::nullopt);
  EXPECT_EQ(ResultFormatFromAccept("*/*;q=0"), std::nullopt);
}

TEST(ResultFormatFromAcceptTest, NothingAcceptable) {
  EXPECT_EQ(ResultFormatFromAccept("application/xml"), std::nullopt);
  EXPECT_EQ(ResultFormatFromAccept("image/png, text/xml;q=0.5"), std::nullopt);
  EXPECT_EQ(ResultFormatFromAccept("garbage"), std::nullopt);
  EXPECT_EQ(ResultFormatFromAccept("text/csv;q=2"), std::nullopt);  // malformed q: ignored
  EXPECT_EQ(ResultFormatFromAccept("text/csv;q=abc, application/json"), ResultFormat::kJson);
}

TEST(ContentTypeTest, MatchesInfluxDb) {
  EXPECT_EQ(ContentType(ResultFormat::kJson), "application/json");
  EXPECT_EQ(ContentType(ResultFormat::kJsonLines), "application/jsonl");
  EXPECT_EQ(ContentType(ResultFormat::kCsv), "text/csv");
  EXPECT_EQ(ContentType(ResultFormat::kPretty), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentType(ResultFormat::kParquet), "application/vnd.apache.parquet");
}

}  // namespace
}  // namespace strata::format
