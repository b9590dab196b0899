// Tests of the catalog's tokens: the operator token is created once, regenerated in place,
// persisted with the rest of the catalog, kept across schema changes, and checked on load.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "catalog/catalog.h"
#include "catalog/catalog_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::catalog {
namespace {

using ::testing::HasSubstr;

std::string Hash(char digit) {
  return std::string(128, digit);
}

class CatalogTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/catalog_tokens_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Catalog> Open() {
    auto catalog = Catalog::Open(dir_, CatalogLimits{});
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? std::move(catalog).value() : nullptr;
  }

  std::string FileText() {
    std::ifstream in(dir_ + "/catalog.json");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  void WriteFile(const std::string& text) {
    std::ofstream out(dir_ + "/catalog.json", std::ios::trunc);
    out << text;
  }

  std::string dir_;
};

TEST_F(CatalogTokensTest, OperatorTokenIsCreatedOnceAndPersisted) {
  auto catalog = Open();
  EXPECT_TRUE(catalog->snapshot()->tokens().empty());
  const uint64_t sequence = catalog->snapshot()->sequence();
  absl::StatusOr<TokenInfo> created = catalog->CreateOperatorToken(Hash('a'), 1234);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name, "_admin");
  EXPECT_EQ(created->hash, Hash('a'));
  EXPECT_EQ(created->created_at_ms, 1234);
  EXPECT_FALSE(created->expiry_ms.has_value());
  EXPECT_EQ(created->permissions, std::vector<std::string>{"*:*:*"});
  EXPECT_EQ(catalog->snapshot()->sequence(), sequence + 1);

  absl::StatusOr<TokenInfo> again = catalog->CreateOperatorToken(Hash('b'), 5678);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "token name already exists, _admin");
  EXPECT_EQ(catalog->snapshot()->tokens().size(), 1u);
  EXPECT_EQ(catalog->snapshot()->tokens()[0].hash, Hash('a'));

  // The file holds the hash, never anything else secret.
  EXPECT_THAT(FileText(), HasSubstr(Hash('a')));
  catalog.reset();
  auto reopened = Open();
  ASSERT_EQ(reopened->snapshot()->tokens().size(), 1u);
  EXPECT_EQ(reopened->snapshot()->tokens()[0], *created);
}

TEST_F(CatalogTokensTest, RegenerateReplacesTheHash) {
  auto catalog = Open();
  EXPECT_EQ(catalog->RegenerateOperatorToken(Hash('c'), 1).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(catalog->CreateOperatorToken(Hash('a'), 10).ok());
  absl::StatusOr<TokenInfo> regenerated = catalog->RegenerateOperatorToken(Hash('b'), 20);
  ASSERT_TRUE(regenerated.ok()) << regenerated.status();
  EXPECT_EQ(regenerated->hash, Hash('b'));
  EXPECT_EQ(regenerated->created_at_ms, 20);
  EXPECT_EQ(catalog->snapshot()->tokens().size(), 1u);
  EXPECT_EQ(catalog->snapshot()->FindToken("_admin")->hash, Hash('b'));
  catalog.reset();
  auto reopened = Open();
  EXPECT_EQ(reopened->snapshot()->FindToken("_admin")->hash, Hash('b'));
  EXPECT_EQ(FileText().find(Hash('a')), std::string::npos);
}

TEST_F(CatalogTokensTest, SchemaChangesKeepTokens) {
  auto catalog = Open();
  ASSERT_TRUE(catalog->CreateOperatorToken(Hash('a'), 10).ok());
  ASSERT_TRUE(catalog->CreateDatabase("db").ok());
  EXPECT_EQ(catalog->snapshot()->tokens().size(), 1u);
  catalog.reset();
  auto reopened = Open();
  EXPECT_NE(reopened->snapshot()->FindDatabase("db"), nullptr);
  EXPECT_NE(reopened->snapshot()->FindToken("_admin"), nullptr);
}

TEST_F(CatalogTokensTest, BadHashIsRefused) {
  auto catalog = Open();
  EXPECT_EQ(catalog->CreateOperatorToken("abc", 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->CreateOperatorToken(std::string(128, 'A'), 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(catalog->snapshot()->tokens().empty());
}

TEST_F(CatalogTokensTest, FileWithoutTokensLoads) {
  WriteFile(R"({"format":"strata-catalog","format_version":1,"sequence":0,"databases":[]})");
  auto catalog = Open();
  ASSERT_NE(catalog, nullptr);
  EXPECT_TRUE(catalog->snapshot()->tokens().empty());
}

TEST_F(CatalogTokensTest, CorruptTokensAreDataLoss) {
  const std::string hash = Hash('a');
  const std::pair<std::string, std::string> cases[] = {
      {R"("tokens":{})", "\"tokens\" is not an array"},
      {R"("tokens":[{"id":0,"name":"_admin","hash":"xyz","created_at":1,"permissions":["*:*:*"]}])",
       "tokens[0]: \"hash\" is not 128"},
      {R"("tokens":[{"id":0,"name":"_admin","created_at":1,"permissions":["*:*:*"]}])",
       "tokens[0]: missing \"hash\""},
      {R"("tokens":[{"id":0,"name":"_admin","hash":")" + hash +
           R"(","created_at":1,"permissions":["db:read"]}])",
       "tokens[0]: unsupported permission \"db:read\""},
      {R"("tokens":[{"id":0,"name":"_admin","hash":")" + hash +
           R"(","created_at":1,"expiry":"soon","permissions":["*:*:*"]}])",
       "tokens[0]: \"expiry\" must be null"},
      {R"("tokens":[{"id":0,"name":"_admin","hash":")" + hash +
           R"(","created_at":1,"permissions":["*:*:*"]},{"id":0,"name":"x","hash":")" + hash +
           R"(","created_at":1,"permissions":["*:*:*"]}])",
       "tokens[1]: duplicate token id 0"},
  };
  for (const auto& [tokens, message] : cases) {
    absl::StatusOr<std::shared_ptr<const CatalogSnapshot>> decoded = DecodeCatalogJson(
        R"({"format":"strata-catalog","format_version":1,"sequence":0,"databases":[],)" + tokens +
        "}");
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << tokens;
    EXPECT_THAT(std::string(decoded.status().message()), HasSubstr(message)) << tokens;
  }
}

TEST_F(CatalogTokensTest, EncodeDecodeRoundTripsExpiry) {
  auto snapshot = CatalogSnapshot::MakeEmpty()->WithTokens({TokenInfo{.id = 3,
                                                                      .name = "ops",
                                                                      .hash = Hash('e'),
                                                                      .created_at_ms = 7,
                                                                      .expiry_ms = 99,
                                                                      .permissions = {"*:*:*"}}},
                                                           4);
  auto decoded = DecodeCatalogJson(EncodeCatalogJson(*snapshot));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE((*decoded)->SameContentAs(*snapshot));
  EXPECT_EQ((*decoded)->tokens()[0].expiry_ms, 99);
}

}  // namespace
}  // namespace strata::catalog
