#include "server/http_server.h"

#include "gtest/gtest.h"
#include "server/http_client.h"

namespace strata::server {
namespace {

// A streamed body arrives whole, chunked, and the connection stays usable; a producer error
// after the header truncates the body, which the client sees as a failed request.
TEST(HttpServerTest, StreamsBodiesAndAbortsOnErrors) {
  HttpServerOptions options;
  options.port = 0;
  options.threads = 2;
  HttpServer server(options, [](const HttpRequest& request, HttpResponse* response) {
    auto pieces = std::make_shared<int>(0);
    const bool fail = request.path == "/fail";
    response->content_type = "text/plain";
    response->stream = [pieces, fail](std::string* out) -> absl::StatusOr<bool> {
      ++*pieces;
      if (fail && *pieces == 2) {
        return absl::InternalError("boom");
      }
      if (*pieces == 2) {
        return true;  // an empty piece is skipped
      }
      out->append(std::string(100000, static_cast<char>('a' + *pieces)));
      return *pieces < 4;
    };
  });
  ASSERT_TRUE(server.Start().ok());
  auto client = HttpClient::Create("http://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(client.ok());
  for (int round = 0; round < 2; ++round) {
    auto response = (*client)->Request("GET", "/ok");
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body,
              std::string(100000, 'b') + std::string(100000, 'd') + std::string(100000, 'e'));
    bool chunked = false;
    for (const auto& [name, value] : response->headers) {
      chunked |= name == "Transfer-Encoding" && value == "chunked";
    }
    EXPECT_TRUE(chunked);
  }
  auto failed = (*client)->Request("GET", "/fail");
  EXPECT_FALSE(failed.ok());
  server.Stop();
}

}  // namespace
}  // namespace strata::server
