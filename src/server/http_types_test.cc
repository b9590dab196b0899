#include "server/http_types.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

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

namespace strata::server {
namespace {

// Drains a stream as the server does, a piece at a time into one reused buffer.
absl::StatusOr<std::string> Drain(const HttpBodyStream& stream) {
  std::string body;
  std::string piece;
  absl::StatusOr<bool> more = true;
  while (more.ok() && *more) {
    piece.clear();
    more = stream(&piece);
    body += piece;
  }
  if (!more.ok()) {
    return more.status();
  }
  return body;
}

// Pieces made ahead on another thread come out whole and in order, the first on the caller's
// thread (and no other thread for a one-piece body); an error ends the stream.
TEST(ProducedAheadTest, PiecesInOrderAndErrorsPassThrough) {
  const std::thread::id caller = std::this_thread::get_id();
  for (int pieces : {1, 2, 7, 100}) {
    int made = 0;
    std::vector<std::thread::id> threads;
    HttpBodyStream stream = ProducedAhead([&](std::string* out) -> absl::StatusOr<bool> {
      threads.push_back(std::this_thread::get_id());
      out->append(std::to_string(made)).append(",");
      ++made;
      return made < pieces;
    });
    std::string expected;
    for (int i = 0; i < pieces; ++i) {
      expected += std::to_string(i) + ",";
    }
    absl::StatusOr<std::string> body = Drain(stream);
    ASSERT_TRUE(body.ok()) << body.status();
    EXPECT_EQ(*body, expected);
    EXPECT_EQ(made, pieces);  // none made past the last
    ASSERT_FALSE(threads.empty());
    EXPECT_EQ(threads[0], caller);
    for (size_t i = 1; i < threads.size(); ++i) {
      EXPECT_NE(threads[i], caller) << "piece " << i;
    }
  }
  int made = 0;
  HttpBodyStream failing = ProducedAhead([&](std::string* out) -> absl::StatusOr<bool> {
    if (++made == 3) {
      return absl::InvalidArgumentError("bad piece");
    }
    out->append("x");
    return true;
  });
  EXPECT_EQ(Drain(failing).status().message(), "bad piece");
  EXPECT_EQ(made, 3);
}

// Dropping the stream mid-body (the client went away) waits for the piece in the making and
// makes no more.
TEST(ProducedAheadTest, DroppedMidBody) {
  std::atomic<int> made = 0;
  {
    HttpBodyStream stream = ProducedAhead([&](std::string* out) -> absl::StatusOr<bool> {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      out->append("y");
      ++made;
      return true;  // endless
    });
    std::string piece;
    ASSERT_TRUE(stream(&piece).ok());
    piece.clear();
    ASSERT_TRUE(stream(&piece).ok());
    EXPECT_EQ(piece, "y");
  }
  const int at_drop = made.load();
  EXPECT_LE(at_drop, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(made.load(), at_drop);
}

}  // namespace
}  // namespace strata::server
