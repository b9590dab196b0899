#include "server/otlp_http_sender.h"

#include <mutex>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/http_server.h"

namespace strata::server {
namespace {

// A collector that records what is POSTed to it and answers with `status`.
class FakeCollector {
 public:
  explicit FakeCollector(int status) {
    HttpServerOptions options;
    options.port = 0;
    options.threads = 1;
    server_ = std::make_unique<HttpServer>(
        options, [this, status](const HttpRequest& request, HttpResponse* response) {
          std::lock_guard<std::mutex> lock(mu_);
          const std::string* type = request.Header("content-type");
          requests_.push_back(request.method + " " + request.path + " " +
                              (type == nullptr ? "" : *type));
          bodies_.push_back(request.body);
          response->status = status;
        });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~FakeCollector() { server_->Stop(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<std::string> bodies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
  std::vector<std::string> bodies_;
  std::unique_ptr<HttpServer> server_;
};

TEST(OtlpHttpSenderTest, PostsToV1TracesByDefaultOrToTheGivenPath) {
  FakeCollector collector(200);
  auto send = MakeOtlpHttpSender(collector.url());
  ASSERT_TRUE(send.ok()) << send.status();
  EXPECT_TRUE((*send)("{\"resourceSpans\":[]}").ok());
  auto custom = MakeOtlpHttpSender(collector.url() + "/custom/traces");
  ASSERT_TRUE(custom.ok());
  EXPECT_TRUE((*custom)("{}").ok());
  EXPECT_EQ(collector.requests(),
            std::vector<std::string>(
                {"POST /v1/traces application/json", "POST /custom/traces application/json"}));
  EXPECT_EQ(collector.bodies()[0], "{\"resourceSpans\":[]}");
}

TEST(OtlpHttpSenderTest, ExporterDeliversTracesThroughIt) {
  FakeCollector collector(200);
  auto send = MakeOtlpHttpSender(collector.url());
  ASSERT_TRUE(send.ok());
  observe::Trace trace;
  trace.EndSpan(trace.StartSpan("query", 0));
  {
    observe::SpanExporter exporter(*send, "strata");
    exporter.Export(trace);
    exporter.Flush();
    EXPECT_EQ(exporter.stats().traces_exported, 1u);
  }
  ASSERT_EQ(collector.bodies().size(), 1u);
  auto body = nlohmann::json::parse(collector.bodies()[0]);
  EXPECT_EQ(body["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["traceId"],
            trace.trace_id().ToHex());
}

TEST(OtlpHttpSenderTest, ErrorsForRejectionsAndUnreachableCollectors) {
  FakeCollector collector(500);
  auto send = MakeOtlpHttpSender(collector.url());
  ASSERT_TRUE(send.ok());
  absl::Status status = (*send)("{}");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("HTTP status 500"), std::string_view::npos) << status;

  // Port 1 on loopback: nothing listens there.
  auto unreachable = MakeOtlpHttpSender("http://127.0.0.1:1");
  ASSERT_TRUE(unreachable.ok());
  EXPECT_FALSE((*unreachable)("{}").ok());
}

TEST(OtlpHttpSenderTest, RejectsMalformedEndpoints) {
  for (const char* bad : {"", "127.0.0.1:4318", "https://collector:4318", "http://", "ftp://x"}) {
    EXPECT_FALSE(MakeOtlpHttpSender(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace strata::server
