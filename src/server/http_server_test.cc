#include "server/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

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

std::string HeaderOf(const ClientResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) {
      return value;
    }
  }
  return "";
}

// The options' response headers come with every response: plain, streamed, the server's own
// errors; a handler's header of the same name replaces one.
TEST(HttpServerTest, ResponseHeadersOnEveryResponse) {
  HttpServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.max_request_bytes = 10;
  options.response_headers = {{"X-Influxdb-Version", "9.9.9"}, {"X-Influxdb-Build", "test"}};
  HttpServer server(options, [](const HttpRequest& request, HttpResponse* response) {
    response->content_type = "text/plain";
    if (request.path == "/stream") {
      auto done = std::make_shared<bool>(false);
      response->stream = [done](std::string* out) -> absl::StatusOr<bool> {
        out->append("piece");
        return !std::exchange(*done, true);
      };
      return;
    }
    if (request.path == "/own") {
      response->headers.emplace_back("X-Influxdb-Build", "handler");
    }
    response->body = "ok";
  });
  ASSERT_TRUE(server.Start().ok());
  auto client = HttpClient::Create("http://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(client.ok());
  auto plain = (*client)->Request("GET", "/plain");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(HeaderOf(*plain, "X-Influxdb-Version"), "9.9.9");
  EXPECT_EQ(HeaderOf(*plain, "X-Influxdb-Build"), "test");
  auto streamed = (*client)->Request("GET", "/stream");
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_EQ(streamed->body, "piecepiece");
  EXPECT_EQ(HeaderOf(*streamed, "X-Influxdb-Version"), "9.9.9");
  auto own = (*client)->Request("GET", "/own");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(HeaderOf(*own, "X-Influxdb-Build"), "handler");
  EXPECT_EQ(HeaderOf(*own, "X-Influxdb-Version"), "9.9.9");
  // Too large a body: the server's own 413.
  auto client2 = HttpClient::Create("http://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(client2.ok());
  auto refused = (*client2)->Request("POST", "/plain", std::string(100, 'x'));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->status, 413);
  EXPECT_EQ(HeaderOf(*refused, "X-Influxdb-Version"), "9.9.9");
  server.Stop();
}

// A deferred response: the handler returns without an answer, another thread resumes it later
// and the finish function runs on the connection's thread; the connection is then reused. While
// it waits, client_gone is false; once a client closes its socket, it is true.
TEST(HttpServerTest, DeferredResponsesAndClientGone) {
  HttpServerOptions options;
  options.port = 0;
  options.threads = 1;
  std::mutex mu;
  std::vector<HttpResume> parked;
  std::vector<std::function<bool()>> gone_checks;
  HttpServer server(options, [&](const HttpRequest& request, HttpResponse* response) {
    if (request.path == "/now") {
      response->body = "now";
      return;
    }
    std::lock_guard lock(mu);
    gone_checks.push_back(request.client_gone);
    response->deferred = [&mu, &parked](HttpResume resume) {
      std::lock_guard inner(mu);
      parked.push_back(std::move(resume));
    };
  });
  ASSERT_TRUE(server.Start().ok());
  auto park_count = [&] {
    std::lock_guard lock(mu);
    return parked.size();
  };
  auto client = HttpClient::Create("http://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(client.ok());
  auto later = std::async(std::launch::async, [&] { return (*client)->Request("GET", "/later"); });
  for (int i = 0; i < 200 && park_count() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(park_count(), 1u);
  // The thread is free meanwhile: another connection is answered at once.
  auto other = HttpClient::Create("http://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(other.ok());
  auto now = (*other)->Request("GET", "/now");
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->body, "now");
  {
    std::lock_guard lock(mu);
    ASSERT_TRUE(gone_checks[0]);
    EXPECT_FALSE(gone_checks[0]());
  }
  HttpResume resume;
  {
    std::lock_guard lock(mu);
    resume = parked[0];
  }
  std::thread resumer([resume] {
    resume([](HttpResponse* response) {
      response->status = 202;
      response->body = "resumed";
    });
  });
  resumer.join();
  auto answered = later.get();
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(answered->status, 202);
  EXPECT_EQ(answered->body, "resumed");
  auto again = (*client)->Request("GET", "/now");  // the same connection, kept alive
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->body, "now");

  // A raw client that sends a request and closes its socket: client_gone turns true.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string request = "GET /later HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  for (int i = 0; i < 200 && park_count() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(park_count(), 2u);
  std::function<bool()> check;
  {
    std::lock_guard lock(mu);
    check = gone_checks[1];
  }
  EXPECT_FALSE(check());
  ::close(fd);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = check();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(gone);
  {
    std::lock_guard lock(mu);
    parked.clear();  // dropping a resume function closes its connection
  }
  server.Stop();
}

}  // namespace
}  // namespace strata::server
