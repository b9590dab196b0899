// Tests for ObjectPath: what parses, what is rejected (hostile strings included) and why, and
// segment operations.
#include "objectstore/object_path.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::objectstore {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ObjectPath MustParse(std::string_view text) {
  absl::StatusOr<ObjectPath> path = ObjectPath::Parse(text);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : ObjectPath();
}

TEST(ObjectPathTest, ParsesValidPaths) {
  for (std::string_view text : {"a",
                                "dbs/1/tables/7/00000042.parquet",
                                "snapshots/00000000000000000017.json",
                                "A-Z_a-z.0-9",
                                "x.",
                                "a..b",
                                "_",
                                "-"}) {
    absl::StatusOr<ObjectPath> path = ObjectPath::Parse(text);
    ASSERT_TRUE(path.ok()) << text << ": " << path.status();
    EXPECT_EQ(path->str(), text);
    EXPECT_FALSE(path->is_root());
  }
}

TEST(ObjectPathTest, RejectsHostileAndMalformedText) {
  struct Case {
    std::string text;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"", "is empty"},
      {"/etc/passwd", "is absolute"},
      {"/", "is absolute"},
      {"../x", "begins with '.'"},
      {"a/../b", "begins with '.'"},
      {"..", "begins with '.'"},
      {".", "begins with '.'"},
      {"a/./b", "begins with '.'"},
      {".hidden", "begins with '.'"},
      {".tmp-0123456789abcdef", "begins with '.'"},
      {"a//b", "segment at offset 2 is empty"},
      {"a/", "segment at offset 2 is empty"},
      {"a\\b", "\"\\\\\" at offset 1"},
      {"..\\..\\windows", "begins with '.'"},
      {"%2e%2e/x", "\"%\" at offset 0"},
      {"a%2Fb", "\"%\" at offset 1"},
      {std::string("a\0b", 3), "\"\\x00\" at offset 1"},
      {std::string("a\0", 2), "\"\\x00\" at offset 1"},
      {"a b", "\" \" at offset 1"},
      {"a:b", "\":\" at offset 1"},
      {"~/x", "\"~\" at offset 0"},
      {"caf\xc3\xa9", "\"\\xc3\" at offset 3"},
      {"a\nb", "\"\\n\" at offset 1"},
      {"a/b*", "\"*\" at offset 1"},
      {std::string(256, 'a'), "longer than 255 characters"},
      {std::string(1025, 'a'), "longer than 1024 characters"},
      {std::string(100000, '/'), "longer than 1024 characters"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ObjectPath> path = ObjectPath::Parse(c.text);
    ASSERT_FALSE(path.ok()) << absl::CHexEscape(c.text) << " parsed as " << *path;
    EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(path.status().message(), HasSubstr("invalid object path"));
    EXPECT_THAT(path.status().message(), HasSubstr(c.reason)) << absl::CHexEscape(c.text);
  }
}

TEST(ObjectPathTest, ErrorMessagesQuoteLongTextsShortened) {
  absl::StatusOr<ObjectPath> path = ObjectPath::Parse(std::string(5000, 'x') + "/..");
  ASSERT_FALSE(path.ok());
  EXPECT_LT(path.status().message().size(), 300u);
  EXPECT_THAT(path.status().message(), HasSubstr("(5003 bytes)"));
}

TEST(ObjectPathTest, LengthLimitsAreInclusive) {
  std::string segment(ObjectPath::kMaxSegmentLength, 'a');
  EXPECT_TRUE(ObjectPath::Parse(segment).ok());
  // Paths of exactly kMaxLength characters: one whose last segment is one character too long,
  // then a valid one.
  std::string text = segment + "/" + segment + "/" + segment + "/" + segment;  // 1023
  text += "b";                                                                 // 1024
  ASSERT_EQ(text.size(), ObjectPath::kMaxLength);
  EXPECT_FALSE(ObjectPath::Parse(text).ok());  // the last segment has 256 characters
  text = segment + "/" + segment + "/" + segment + "/" + segment.substr(1) + "/b";
  ASSERT_EQ(text.size(), ObjectPath::kMaxLength);
  EXPECT_TRUE(ObjectPath::Parse(text).ok());
  EXPECT_FALSE(ObjectPath::Parse(text + "c").ok());
}

TEST(ObjectPathTest, FromSegmentsValidatesEachSegment) {
  absl::StatusOr<ObjectPath> path = ObjectPath::FromSegments({"dbs", "12", "file.parquet"});
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(path->str(), "dbs/12/file.parquet");

  for (std::string_view bad : {"", "a/b", "..", ".", "/", "a\\b", ".tmp-1"}) {
    absl::StatusOr<ObjectPath> rejected = ObjectPath::FromSegments({"dbs", bad});
    ASSERT_FALSE(rejected.ok()) << bad;
    EXPECT_EQ(rejected.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(rejected.status().message(), HasSubstr("invalid object path segment"));
  }
  EXPECT_FALSE(ObjectPath::FromSegments({}).ok());
  std::string segment(200, 's');
  std::vector<std::string_view> many(6, segment);  // 6 * 200 + 5 > 1024
  EXPECT_THAT(ObjectPath::FromSegments(many).status().message(),
              HasSubstr("longer than 1024 characters"));
}

TEST(ObjectPathTest, ChildValidates) {
  ObjectPath root;
  absl::StatusOr<ObjectPath> a = root.Child("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->str(), "a");
  absl::StatusOr<ObjectPath> ab = a->Child("b");
  ASSERT_TRUE(ab.ok());
  EXPECT_EQ(ab->str(), "a/b");
  EXPECT_FALSE(a->Child("..").ok());
  EXPECT_FALSE(a->Child("b/c").ok());
  EXPECT_FALSE(a->Child("").ok());
}

TEST(ObjectPathTest, SegmentsFilenameAndParent) {
  ObjectPath path = MustParse("a/bc/d.parquet");
  EXPECT_THAT(path.Segments(), ElementsAre("a", "bc", "d.parquet"));
  EXPECT_EQ(path.Filename(), "d.parquet");
  EXPECT_EQ(path.Parent().str(), "a/bc");
  EXPECT_EQ(path.Parent().Parent().str(), "a");
  EXPECT_TRUE(path.Parent().Parent().Parent().is_root());
  EXPECT_TRUE(ObjectPath().Parent().is_root());
  EXPECT_TRUE(ObjectPath().Segments().empty());
  EXPECT_EQ(ObjectPath().Filename(), "");
  EXPECT_EQ(MustParse("x").Filename(), "x");
}

TEST(ObjectPathTest, IsPrefixOfIsSegmentWise) {
  ObjectPath ab = MustParse("a/b");
  EXPECT_TRUE(ab.IsPrefixOf(MustParse("a/b/c")));
  EXPECT_TRUE(ab.IsPrefixOf(MustParse("a/b/c/d")));
  EXPECT_FALSE(ab.IsPrefixOf(MustParse("a/bc")));
  EXPECT_FALSE(ab.IsPrefixOf(MustParse("a/bc/d")));
  EXPECT_FALSE(ab.IsPrefixOf(ab));
  EXPECT_FALSE(ab.IsPrefixOf(MustParse("a")));
  EXPECT_TRUE(ObjectPath().IsPrefixOf(ab));
  EXPECT_FALSE(ObjectPath().IsPrefixOf(ObjectPath()));
}

TEST(ObjectPathTest, OrdersByteWiseAndHashesByText) {
  // '-' (0x2d) sorts before '/' (0x2f), as S3 orders keys.
  EXPECT_LT(MustParse("a-b/c"), MustParse("a/b"));
  EXPECT_LT(MustParse("a/b"), MustParse("a/b/c"));
  EXPECT_LT(ObjectPath(), MustParse("a"));
  EXPECT_EQ(MustParse("a/b"), *ObjectPath::FromSegments({"a", "b"}));
  EXPECT_EQ(absl::HashOf(MustParse("a/b")), absl::HashOf(*ObjectPath::FromSegments({"a", "b"})));
  EXPECT_EQ(fmt::format("[{}]", MustParse("x/y")), "[x/y]");
}

}  // namespace
}  // namespace strata::objectstore
