#include "server/gzip.h"

#include "gtest/gtest.h"

namespace strata::server {
namespace {

TEST(GzipTest, RoundTrip) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "cpu,host=a usage=1 " + std::to_string(i) + "\n";
  auto out = GunzipBounded(Gzip(text), text.size());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, text);
}

TEST(GzipTest, ConcatenatedMembers) {
  auto out = GunzipBounded(Gzip("a=1\n") + Gzip("b=2\n"), 100);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "a=1\nb=2\n");
}

TEST(GzipTest, BombIsBounded) {
  std::string zeros(50 << 20, '0');  // compresses to ~50 KB
  auto out = GunzipBounded(Gzip(zeros), 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(std::string(out.status().message()).find("--max-http-request-size"), std::string::npos);
}

TEST(GzipTest, GarbageAndTruncation) {
  EXPECT_EQ(GunzipBounded("not gzip at all", 100).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string compressed = Gzip("hello world, hello world");
  auto truncated = GunzipBounded(compressed.substr(0, compressed.size() / 2), 100);
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GunzipBounded("", 100).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::server
