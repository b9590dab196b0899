#include "server/http_types.h"

#include "gtest/gtest.h"

namespace strata::server {
namespace {

TEST(ParseTargetTest, PathAndDecodedQuery) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  ParseTarget("/api/v3/write_lp?db=my%20db&precision=ns&flag&x=a+b&&bad=%zz%4", &path, &query);
  EXPECT_EQ(path, "/api/v3/write_lp");
  ASSERT_EQ(query.size(), 5u);
  EXPECT_EQ(query[0], (std::pair<std::string, std::string>{"db", "my db"}));
  EXPECT_EQ(query[1].second, "ns");
  EXPECT_EQ(query[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(query[3].second, "a b");
  EXPECT_EQ(query[4].second, "%zz%4");  // malformed escapes stay literal
}

TEST(ParseTargetTest, NoQuery) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query = {{"stale", "x"}};
  ParseTarget("/health", &path, &query);
  EXPECT_EQ(path, "/health");
  EXPECT_TRUE(query.empty());
}

TEST(HttpRequestTest, ParamReturnsFirst) {
  HttpRequest request;
  request.query = {{"db", "a"}, {"db", "b"}};
  ASSERT_NE(request.Param("db"), nullptr);
  EXPECT_EQ(*request.Param("db"), "a");
  EXPECT_EQ(request.Param("bucket"), nullptr);
}

}  // namespace
}  // namespace strata::server
