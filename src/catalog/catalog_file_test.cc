// Tests of the catalog's JSON form and of the durable file replacement.
#include "catalog/catalog_file.h"

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::catalog {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const CatalogSnapshot> Sample() {
  auto table = TableSchema::MakeNew(0, "cpu")->WithColumns({
      ColumnSchema{1, "host", ColumnKind::kTag, TypeId::kDictionary},
      ColumnSchema{2, "f", ColumnKind::kField, TypeId::kFloat64},
      ColumnSchema{3, "i", ColumnKind::kField, TypeId::kInt64},
      ColumnSchema{4, "u", ColumnKind::kField, TypeId::kUInt64},
      ColumnSchema{5, "s \"q\" \\", ColumnKind::kField, TypeId::kString},
      ColumnSchema{6, "\xC3\xA9t\xC3\xA9", ColumnKind::kField, TypeId::kBool},
  });
  auto db = std::make_shared<const DatabaseSchema>(
      0,
      "db",
      std::vector<std::shared_ptr<const TableSchema>>{table, TableSchema::MakeNew(1, "mem")});
  auto empty = std::make_shared<const DatabaseSchema>(
      1, "empty/rp", std::vector<std::shared_ptr<const TableSchema>>{});
  return CatalogSnapshot::MakeEmpty()->WithDatabase(db, 41)->WithDatabase(empty, 42);
}

TEST(CatalogJsonTest, RoundTrips) {
  auto snapshot = Sample();
  std::string text = EncodeCatalogJson(*snapshot);
  EXPECT_THAT(text, HasSubstr("\"format_version\": 1"));
  EXPECT_THAT(text, HasSubstr("\"sequence\": 42"));
  absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> decoded = DecodeCatalogJson(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE((*decoded)->SameContentAs(*snapshot));
  EXPECT_EQ((*decoded)->sequence(), 42u);
  EXPECT_EQ(EncodeCatalogJson(**decoded), text);
}

TEST(CatalogJsonTest, RejectsWrongTypesAndKinds) {
  std::string text = EncodeCatalogJson(*Sample());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string changed = text;
    size_t at = changed.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return changed.replace(at, from.size(), to);
  };
  struct Case {
    std::string text;
    std::string detail;
  };
  for (const Case& c : std::vector<Case>{
           {replace("\"sequence\": 42", "\"sequence\": -1"), "\"sequence\" has the wrong type"},
           {replace("\"sequence\": 42", "\"sequence\": \"42\""), "\"sequence\" has the wrong type"},
           {replace("\"kind\": \"tag\"", "\"kind\": \"label\""), "unknown column kind \"label\""},
           {replace("\"type\": \"int64\"", "\"type\": \"int32\""), "unknown column type \"int32\""},
           {replace("\"name\": \"host\"", "\"name\": \"f\""), "duplicate column name 'f'"},
           {replace("\"name\": \"mem\"", "\"name\": \"cpu\""), "duplicate table name 'cpu'"},
           {replace("\"name\": \"host\"", "\"name\": \"time\""), "'time' is a reserved column"},
           {replace("\"format\": \"strata-catalog\"", "\"format\": \"other\""),
            "\"format\" is not \"strata-catalog\""},
       }) {
    auto decoded = DecodeCatalogJson(c.text);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << c.detail;
    EXPECT_THAT(std::string(decoded.status().message()), HasSubstr(c.detail));
  }
}

TEST(ReplaceFileDurablyTest, ReplacesAndLeavesNoTempFile) {
  std::string pattern = ::testing::TempDir() + "/catalog_file_test.XXXXXX";
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  ASSERT_TRUE(ReplaceFileDurably(pattern, "f.json", "f.json.tmp", "first").ok());
  ASSERT_TRUE(ReplaceFileDurably(pattern, "f.json", "f.json.tmp", "second").ok());
  EXPECT_EQ(*ReadWholeFile(pattern + "/f.json"), "second");
  EXPECT_FALSE(std::filesystem::exists(pattern + "/f.json.tmp"));
  EXPECT_TRUE(absl::IsNotFound(ReadWholeFile(pattern + "/missing").status()));
  absl::Status status = ReplaceFileDurably(pattern + "/nope", "f.json", "f.json.tmp", "x");
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr("f.json.tmp: No such file or directory"));
  std::filesystem::remove_all(pattern);
}

}  // namespace
}  // namespace strata::catalog
