#include "observe/span_exporter.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace strata::observe {
namespace {

using nlohmann::json;

TEST(OtlpJsonTest, EncodesAnExportTraceServiceRequest) {
  Span root;
  root.span_id = 0x1122334455667788;
  root.name = "query";
  root.kind = SpanKind::kServer;
  root.start_unix_nanos = 1700000000123456789;
  root.end_unix_nanos = 1700000000223456789;
  root.attributes = {{"db.statement", std::string("SELECT 1")},
                     {"rows", int64_t{-5}},
                     {"ratio", 0.5},
                     {"ok", true}};
  Span child;
  child.span_id = 0xa;
  child.parent_span_id = root.span_id;
  child.name = "parse";
  child.start_unix_nanos = 1;
  child.end_unix_nanos = 2;
  child.error = true;
  child.status_message = "bad";
  TraceId id{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736};
  json request = json::parse(EncodeOtlpJson(id, {root, child}, "strata"));

  const json& resource_spans = request.at("resourceSpans").at(0);
  EXPECT_EQ(resource_spans.at("resource").at("attributes").at(0),
            json::parse(R"({"key":"service.name","value":{"stringValue":"strata"}})"));
  const json& spans = resource_spans.at("scopeSpans").at(0).at("spans");
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].at("traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(spans[0].at("spanId"), "1122334455667788");
  EXPECT_FALSE(spans[0].contains("parentSpanId"));
  EXPECT_EQ(spans[0].at("kind"), 2);
  EXPECT_EQ(spans[0].at("startTimeUnixNano"), "1700000000123456789");
  EXPECT_EQ(spans[0].at("endTimeUnixNano"), "1700000000223456789");
  EXPECT_EQ(spans[0].at("attributes"),
            json::parse(R"([{"key":"db.statement","value":{"stringValue":"SELECT 1"}},
                            {"key":"rows","value":{"intValue":"-5"}},
                            {"key":"ratio","value":{"doubleValue":0.5}},
                            {"key":"ok","value":{"boolValue":true}}])"));
  EXPECT_EQ(spans[0].at("status"), json::object());
  EXPECT_EQ(spans[1].at("parentSpanId"), "1122334455667788");
  EXPECT_EQ(spans[1].at("spanId"), "000000000000000a");
  EXPECT_EQ(spans[1].at("kind"), 1);
  EXPECT_EQ(spans[1].at("status"), json::parse(R"({"code":2,"message":"bad"})"));
}

TEST(OtlpJsonTest, InvalidUtf8IsReplacedNotThrown) {
  Span span;
  span.span_id = 1;
  span.name = std::string("bad \xff name");
  std::string text = EncodeOtlpJson(TraceId{0, 1}, {span}, "strata");
  EXPECT_TRUE(json::accept(text)) << text;
}

TEST(SpanExporterTest, SendsQueuedTracesAndSkipsUnsampled) {
  std::vector<std::string> sent;
  std::mutex mu;
  SpanExporter exporter(
      [&](const std::string& request) {
        std::lock_guard<std::mutex> lock(mu);
        sent.push_back(request);
        return absl::OkStatus();
      },
      "strata");
  Trace sampled;
  sampled.EndSpan(sampled.StartSpan("query", 0));
  Trace unsampled(*ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));
  unsampled.EndSpan(unsampled.StartSpan("query", 0));
  exporter.Export(sampled);
  exporter.Export(unsampled);
  exporter.Flush();
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].find(sampled.trace_id().ToHex()), std::string::npos);
  EXPECT_EQ(exporter.stats().traces_exported, 1u);
  EXPECT_EQ(exporter.stats().spans_exported, 1u);
}

TEST(SpanExporterTest, DropsWhenTheQueueIsFullWithoutBlocking) {
  std::mutex gate;
  gate.lock();  // the sender blocks until the test releases it
  std::atomic<int> calls{0};
  SpanExporter exporter(
      [&](const std::string&) {
        ++calls;
        std::lock_guard<std::mutex> lock(gate);
        return absl::UnavailableError("collector down");
      },
      "strata",
      /*max_queued_traces=*/2);
  Trace trace;
  trace.StartSpan("query", 0);
  // The first is taken by the sender (eventually); at most 2 more wait; the rest drop.
  for (int i = 0; i < 10; ++i) {
    exporter.Export(trace);
  }
  gate.unlock();
  exporter.Flush();
  SpanExporterStats stats = exporter.stats();
  EXPECT_GE(stats.traces_dropped, 7u);
  EXPECT_LE(stats.traces_dropped, 8u);
  EXPECT_EQ(stats.export_failures, 10u - stats.traces_dropped);
  EXPECT_EQ(stats.traces_exported, 0u);
  EXPECT_EQ(calls.load(), static_cast<int>(stats.export_failures));
}

TEST(SpanExporterTest, FileSenderAppendsOneLinePerRequest) {
  std::string path = ::testing::TempDir() + "/otlp_" + std::to_string(getpid()) + ".jsonl";
  std::remove(path.c_str());
  {
    auto send = OpenOtlpFileSender(path);
    ASSERT_TRUE(send.ok()) << send.status();
    SpanExporter exporter(*send, "strata");
    for (int i = 0; i < 3; ++i) {
      Trace trace;
      trace.EndSpan(trace.StartSpan("query", 0));
      exporter.Export(trace);
    }
  }  // the destructor sends what is queued
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    json request = json::parse(line);
    EXPECT_EQ(request["resourceSpans"][0]["scopeSpans"][0]["spans"].size(), 1u);
    ++lines;
  }
  EXPECT_EQ(lines, 3);
  std::remove(path.c_str());
  EXPECT_FALSE(OpenOtlpFileSender("/nonexistent-dir/x/traces.jsonl").ok());
}

}  // namespace
}  // namespace strata::observe
