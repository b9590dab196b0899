// End-to-end tests of observability over real HTTP: GET /metrics (Prometheus text format, checked
// by a small parser of the format, and values that move with writes, queries and snapshots), and
// query tracing (trace headers in and out, the OTLP/JSON file exporter's span trees).

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/http_client.h"
#include "test/e2e/server_test.h"

namespace strata::e2e {
namespace {

using nlohmann::json;

// A scrape parsed by the rules of the text format 0.0.4: each sample is keyed by its name and
// labels as written ("name{a=\"b\"}"). Parse errors fail the test, naming the line.
struct Scrape {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;  // family name -> type

  double Get(const std::string& key) const {
    auto it = samples.find(key);
    EXPECT_NE(it, samples.end()) << "no sample " << key;
    return it == samples.end() ? std::nan("") : it->second;
  }
};

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsNameChar(char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9');
}

// Parses one sample line into key and value; returns an error message or "".
std::string ParseSample(
    const std::string& line, std::string* name, std::string* key, std::string* le, double* value) {
  size_t i = 0;
  if (line.empty() || !IsNameStart(line[0])) {
    return "sample does not start with a metric name";
  }
  while (i < line.size() && IsNameChar(line[i])) {
    ++i;
  }
  *name = line.substr(0, i);
  *key = *name;
  le->clear();
  if (i < line.size() && line[i] == '{') {
    ++i;
    std::string labels;
    bool first = true;
    while (i < line.size() && line[i] != '}') {
      if (!first) {
        if (line[i] != ',') {
          return "expected ',' between labels";
        }
        ++i;
      }
      first = false;
      size_t start = i;
      while (i < line.size() && IsNameChar(line[i]) && line[i] != ':') {
        ++i;
      }
      std::string label = line.substr(start, i - start);
      if (label.empty() || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
        return "malformed label";
      }
      i += 2;
      std::string label_value;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\') {
          if (i + 1 >= line.size()) {
            return "dangling escape";
          }
          char escaped = line[i + 1];
          if (escaped == 'n') {
            label_value += '\n';
          } else if (escaped == '\\' || escaped == '"') {
            label_value += escaped;
          } else {
            return "invalid escape in label value";
          }
          i += 2;
        } else {
          label_value += line[i++];
        }
      }
      if (i >= line.size()) {
        return "unterminated label value";
      }
      ++i;  // closing quote
      if (label == "le") {
        *le = label_value;
      } else {
        labels += (labels.empty() ? "" : ",") + label + "=\"" + label_value + "\"";
      }
    }
    if (i >= line.size()) {
      return "unterminated label set";
    }
    ++i;  // '}'
    if (!labels.empty()) {
      *key += "{" + labels + "}";
    }
  }
  if (i >= line.size() || line[i] != ' ') {
    return "expected a space before the value";
  }
  std::string text = line.substr(i + 1);
  if (text.find(' ') != std::string::npos) {
    return "timestamps are not expected";
  }
  if (text == "+Inf") {
    *value = INFINITY;
  } else if (text == "-Inf") {
    *value = -INFINITY;
  } else if (text == "NaN") {
    *value = NAN;
  } else {
    char* end = nullptr;
    *value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') {
      return "malformed value '" + text + "'";
    }
  }
  return "";
}

// Fails the test (fatally) at the first line that breaks the format.
void ParseExposition(const std::string& text, Scrape* out) {
  Scrape& scrape = *out;
  std::set<std::string> helped;
  std::string current_family;
  // Per histogram series (key without le): the last cumulative bucket count seen.
  std::map<std::string, double> last_bucket;
  size_t pos = 0;
  int line_number = 0;
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "exposition must end with a line feed";
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    ++line_number;
    SCOPED_TRACE(fmt::format("line {}: {}", line_number, line));
    if (line.rfind("# HELP ", 0) == 0) {
      std::string rest = line.substr(7);
      std::string name = rest.substr(0, rest.find(' '));
      EXPECT_TRUE(helped.insert(name).second) << "second HELP for " << name;
      current_family = name;
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      size_t space = rest.find(' ');
      ASSERT_NE(space, std::string::npos);
      std::string name = rest.substr(0, space);
      std::string type = rest.substr(space + 1);
      EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << type;
      EXPECT_EQ(scrape.types.count(name), 0u) << "second TYPE for " << name;
      EXPECT_EQ(name, current_family) << "TYPE without its HELP before it";
      scrape.types[name] = type;
      continue;
    }
    ASSERT_FALSE(line.empty()) << "empty line";
    ASSERT_NE(line[0], '#') << "unexpected comment";
    std::string name;
    std::string key;
    std::string le;
    double value = 0;
    std::string error = ParseSample(line, &name, &key, &le, &value);
    ASSERT_EQ(error, "");
    // The sample belongs to the family announced last.
    std::string family = name;
    const auto type = scrape.types.find(current_family);
    ASSERT_NE(type, scrape.types.end()) << "sample before its TYPE";
    if (type->second == "histogram") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (name == current_family + suffix) {
          family = current_family;
        }
      }
      if (name == current_family + "_bucket") {
        ASSERT_FALSE(le.empty()) << "bucket without le";
        const std::string series = key.substr(current_family.size() + 7);
        EXPECT_GE(value, last_bucket[series]) << "buckets must be cumulative";
        last_bucket[series] = value;
        key += "{le=" + le + "}";
      } else if (name == current_family + "_count") {
        const std::string series = key.substr(current_family.size() + 6);
        EXPECT_EQ(value, last_bucket[series]) << "_count must equal the +Inf bucket";
        last_bucket.erase(series);
      }
    } else {
      EXPECT_TRUE(le.empty());
      if (type->second == "counter") {
        EXPECT_GE(value, 0) << "negative counter";
      }
    }
    EXPECT_EQ(family, current_family) << "sample outside its family";
    EXPECT_TRUE(scrape.samples.emplace(key, value).second) << "duplicate sample " << key;
  }
}

class ObservabilityTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> extra_args) {
    extra_args.insert(extra_args.end(),
                      {"--snapshot-check-interval", "0", "--parquet-mem-cache-size", "64MiB"});
    server_ = std::make_unique<ServerProcess>(dir_.path() + "/data", extra_args);
    server_->Start();
    client_ = server_->Client();
  }

  server::ClientResponse Request(
      const std::string& method,
      const std::string& target,
      const std::string& body = "",
      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    auto response = client_->Request(method, target, body, headers);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : server::ClientResponse{};
  }

  Scrape ScrapeMetrics() {
    server::ClientResponse response = Request("GET", "/metrics");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(HeaderValue(response, "content-type"), "text/plain; version=0.0.4; charset=utf-8");
    Scrape scrape;
    ParseExposition(response.body, &scrape);
    return scrape;
  }

  server::ClientResponse Query(
      const std::string& sql,
      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Request("GET", "/api/v3/query_sql?db=db&q=" + server::UrlEncode(sql), "", headers);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<server::HttpClient> client_;
};

TEST_F(ObservabilityTest, MetricsMoveWithWritesQueriesAndSnapshots) {
  StartServer({});
  Scrape before = ScrapeMetrics();
  EXPECT_EQ(before.types["strata_query_duration_seconds"], "histogram");
  EXPECT_EQ(before.types["strata_write_lines_total"], "counter");
  EXPECT_EQ(before.types["strata_write_buffer_size_bytes"], "gauge");

  const std::string body = "cpu,host=a usage=1 1000\ncpu,host=b usage=2 2000\nnot line protocol\n";
  EXPECT_EQ(Request("POST", "/api/v3/write_lp?db=db&precision=nanosecond", body).status, 400);
  EXPECT_EQ(
      Request("POST", "/api/v3/write_lp?db=db&precision=nanosecond", "cpu,host=c usage=3 3000\n")
          .status,
      204);
  Scrape written = ScrapeMetrics();
  EXPECT_EQ(written.Get("strata_write_lines_total") - before.Get("strata_write_lines_total"), 3);
  EXPECT_EQ(written.Get("strata_write_lines_rejected_total") -
                before.Get("strata_write_lines_rejected_total"),
            1);
  EXPECT_EQ(written.Get("strata_write_bytes_total") - before.Get("strata_write_bytes_total"),
            body.size() + 24);
  EXPECT_EQ(written.Get("strata_write_errors_total") - before.Get("strata_write_errors_total"), 1);
  EXPECT_GE(written.Get("strata_wal_fsyncs_total") - before.Get("strata_wal_fsyncs_total"), 2);
  EXPECT_EQ(written.Get("strata_wal_fsync_duration_seconds_count"),
            written.Get("strata_wal_fsyncs_total"));
  EXPECT_GT(written.Get("strata_write_buffer_size_bytes"), 0);
  EXPECT_EQ(written.Get("strata_write_buffer_rows"), 3);
  EXPECT_EQ(
      written.Get("strata_http_requests_total{method=\"POST\",path=\"/api/v3/write_lp\",status="
                  "\"400\"}"),
      1);
  EXPECT_EQ(
      written.Get("strata_http_requests_total{method=\"POST\",path=\"/api/v3/write_lp\",status="
                  "\"204\"}"),
      1);

  EXPECT_EQ(Query("SELECT count(*) FROM cpu").status, 200);
  EXPECT_EQ(Query("SELECT nope FROM cpu").status, 400);
  server::ClientResponse snapshot = Request("POST", "/api/v3/snapshot");
  EXPECT_EQ(snapshot.status, 200) << snapshot.body;
  EXPECT_EQ(Query("SELECT host, usage FROM cpu").status, 200);  // reads the Parquet file
  EXPECT_EQ(Query("SELECT host, usage FROM cpu").status, 200);  // from the file cache

  Scrape after = ScrapeMetrics();
  EXPECT_EQ(after.Get("strata_queries_total{result=\"ok\"}") -
                before.Get("strata_queries_total{result=\"ok\"}"),
            3);
  EXPECT_EQ(after.Get("strata_queries_total{result=\"error\"}") -
                before.Get("strata_queries_total{result=\"error\"}"),
            1);
  EXPECT_EQ(after.Get("strata_query_duration_seconds_count") -
                before.Get("strata_query_duration_seconds_count"),
            4);
  EXPECT_GT(after.Get("strata_query_duration_seconds_sum"), 0);
  EXPECT_EQ(after.Get("strata_queries_active"), 0);
  EXPECT_EQ(after.Get("strata_snapshots_total") - before.Get("strata_snapshots_total"), 1);
  EXPECT_EQ(after.Get("strata_parquet_files"), 1);
  EXPECT_GT(after.Get("strata_parquet_files_size_bytes"), 0);
  EXPECT_EQ(after.Get("strata_write_buffer_rows"), 0);
  EXPECT_EQ(after.Get("strata_parquet_cache_requests_total{result=\"miss\"}"), 1);
  EXPECT_GE(after.Get("strata_parquet_cache_requests_total{result=\"hit\"}"), 1);
  EXPECT_GT(after.Get("strata_parquet_cache_size_bytes"), 0);
  EXPECT_EQ(after.Get("strata_parquet_cache_capacity_bytes"), 64 << 20);
  EXPECT_EQ(
      after.Get("strata_http_requests_total{method=\"GET\",path=\"/metrics\",status=\"200\"}"), 2);
  // Unknown paths share one series.
  EXPECT_EQ(Request("GET", "/no/such/path").status, 404);
  EXPECT_EQ(Request("GET", "/another").status, 404);
  EXPECT_EQ(ScrapeMetrics().Get(
                "strata_http_requests_total{method=\"GET\",path=\"other\",status=\"404\"}"),
            2);
  EXPECT_EQ(Request("POST", "/metrics").status, 405);
}

TEST_F(ObservabilityTest, MetricsNeedTheTokenWhenOneIsSet) {
  StartServer({kWithAuth, "--auth-token", "secret"});
  EXPECT_EQ(Request("GET", "/metrics").status, 401);
  server::ClientResponse response =
      Request("GET", "/metrics", "", {{"Authorization", "Bearer secret"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("strata_write_lines_total"), std::string::npos);
}

// The lines of `path` that mention `trace_id`, waiting up to 10 s for at least one (export is
// asynchronous).
std::vector<json> ExportedRequests(const std::string& path, const std::string& trace_id) {
  std::vector<json> found;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (found.empty() && std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      // A line without its newline is still being written (the exporter's writes are buffered):
      // read again later.
      if (in.eof()) {
        found.clear();
        break;
      }
      if (line.find(trace_id) != std::string::npos) {
        found.push_back(json::parse(line));
      }
    }
    if (found.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return found;
}

TEST_F(ObservabilityTest, FileExporterWritesTheQuerysSpanTreeInTheCallersTrace) {
  const std::string traces = dir_.path() + "/traces.jsonl";
  StartServer({"--traces-exporter", "otlp-file", "--traces-exporter-file", traces});
  ASSERT_EQ(Request("POST",
                    "/api/v3/write_lp?db=db&precision=nanosecond",
                    "cpu,host=a usage=1 1000\ncpu,host=b usage=2 2000\n")
                .status,
            204);
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::string parent_id = "00f067aa0ba902b7";
  server::ClientResponse response =
      Query("SELECT host, max(usage) FROM cpu WHERE usage > 0 GROUP BY host ORDER BY host",
            {{"traceparent", "00-" + trace_id + "-" + parent_id + "-01"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(HeaderValue(response, "trace-id"), trace_id);
  const std::string server_traceparent = HeaderValue(response, "traceparent");
  ASSERT_EQ(server_traceparent.size(), 55u);
  EXPECT_EQ(server_traceparent.substr(0, 36), "00-" + trace_id + "-");
  const std::string server_span_id = server_traceparent.substr(36, 16);

  std::vector<json> requests = ExportedRequests(traces, trace_id);
  ASSERT_EQ(requests.size(), 1u);
  const json& resource_spans = requests[0]["resourceSpans"][0];
  EXPECT_EQ(resource_spans["resource"]["attributes"][0],
            json::parse(R"({"key":"service.name","value":{"stringValue":"strata"}})"));
  const json& spans = resource_spans["scopeSpans"][0]["spans"];
  std::map<std::string, std::string> parent_of;  // span id -> parent span id
  std::map<std::string, std::string> name_of;
  for (const json& span : spans) {
    EXPECT_EQ(span["traceId"], trace_id);
    const std::string id = span["spanId"];
    EXPECT_EQ(id.size(), 16u);
    EXPECT_TRUE(parent_of.emplace(id, span.value("parentSpanId", "")).second) << "duplicate id";
    name_of[id] = span["name"];
    EXPECT_LE(std::stoll(span["startTimeUnixNano"].get<std::string>()),
              std::stoll(span["endTimeUnixNano"].get<std::string>()));
  }
  // One root: the server span, whose parent is the caller's span; every other span's parent is a
  // span of the trace, and following parents always reaches the root (a tree, no cycles).
  ASSERT_EQ(parent_of.count(server_span_id), 1u);
  EXPECT_EQ(parent_of[server_span_id], parent_id);
  EXPECT_EQ(name_of[server_span_id], "GET /api/v3/query_sql");
  std::multiset<std::string> names;
  int operators = 0;
  for (const auto& [id, parent] : parent_of) {
    names.insert(name_of[id]);
    operators += name_of[id].size() > 4 && name_of[id].ends_with("Exec");
    std::string at = id;
    for (size_t steps = 0; at != server_span_id; ++steps) {
      ASSERT_LT(steps, parent_of.size()) << "cycle through " << id;
      ASSERT_EQ(parent_of.count(parent_of[at]), 1u) << name_of[at] << " has an unknown parent";
      at = parent_of[at];
    }
  }
  for (const char* phase : {"query", "parse", "bind", "optimize", "physical_plan", "execute"}) {
    EXPECT_EQ(names.count(phase), 1u) << phase;
  }
  EXPECT_GE(operators, 3);
  // The scan says what it read.
  bool scan_found = false;
  for (const json& span : spans) {
    for (const json& attribute : span["attributes"]) {
      if (attribute["key"] == "chunks_scanned") {
        scan_found = true;
        EXPECT_GE(std::stoll(attribute["value"]["intValue"].get<std::string>()), 1);
      }
    }
  }
  EXPECT_TRUE(scan_found);

  // An invalid traceparent is ignored: a new trace; a Jaeger header is honoured.
  response = Query("SELECT 1", {{"traceparent", "00-" + trace_id + "-0000000000000000-01"}});
  ASSERT_EQ(response.status, 200);
  const std::string new_trace = HeaderValue(response, "trace-id");
  EXPECT_EQ(new_trace.size(), 32u);
  EXPECT_NE(new_trace, trace_id);
  EXPECT_EQ(ExportedRequests(traces, new_trace).size(), 1u);
  response = Query("SELECT 1", {{"uber-trace-id", "abcdef:123:0:1"}});
  EXPECT_EQ(HeaderValue(response, "trace-id"), "00000000000000000000000000abcdef");
  // A failed query is exported too, its spans carrying the error.
  response = Query("SELECT nope FROM cpu");
  ASSERT_EQ(response.status, 400);
  std::vector<json> failed = ExportedRequests(traces, HeaderValue(response, "trace-id"));
  ASSERT_EQ(failed.size(), 1u);
  bool error_found = false;
  for (const json& span : failed[0]["resourceSpans"][0]["scopeSpans"][0]["spans"]) {
    if (span["name"] == "query") {
      EXPECT_EQ(span["status"]["code"], 2);
      error_found = true;
    }
  }
  EXPECT_TRUE(error_found);
  EXPECT_GE(ScrapeMetrics().Get("strata_traces_exported_total"), 3);
}

// An InfluxQL request's trace: the server span, one span per statement under it (with the
// statement, and the error of one that failed), and the SQL queries a statement ran under its
// span.
TEST_F(ObservabilityTest, InfluxQLStatementsHaveSpansWithTheirSqlBelow) {
  const std::string traces = dir_.path() + "/traces.jsonl";
  StartServer({"--traces-exporter", "otlp-file", "--traces-exporter-file", traces});
  ASSERT_EQ(Request("POST", "/api/v3/write_lp?db=db&precision=nanosecond", "cpu,host=a usage=1 1\n")
                .status,
            204);
  server::ClientResponse response =
      Request("GET",
              "/query?db=db&q=" +
                  server::UrlEncode("SHOW TAG VALUES WITH KEY = host; SHOW TAG KEYS ON nosuch"));
  ASSERT_EQ(response.status, 200) << response.body;
  std::vector<json> requests = ExportedRequests(traces, HeaderValue(response, "trace-id"));
  ASSERT_EQ(requests.size(), 1u);
  const json& spans = requests[0]["resourceSpans"][0]["scopeSpans"][0]["spans"];
  std::map<std::string, const json*> by_id;
  for (const json& span : spans) {
    by_id[span["spanId"]] = &span;
  }
  auto attribute = [](const json& span, const std::string& key) -> std::string {
    for (const json& a : span["attributes"]) {
      if (a["key"] == key) {
        return a["value"].contains("stringValue") ? a["value"]["stringValue"].get<std::string>()
                                                  : a["value"]["intValue"].get<std::string>();
      }
    }
    return "";
  };
  std::string server_span;
  std::vector<const json*> statements;
  std::vector<const json*> queries;
  for (const json& span : spans) {
    if (span["name"] == "GET /query") {
      server_span = span["spanId"];
    } else if (span["name"] == "influxql_statement") {
      statements.push_back(&span);
    } else if (span["name"] == "query") {
      queries.push_back(&span);
    }
  }
  ASSERT_FALSE(server_span.empty());
  ASSERT_EQ(statements.size(), 2u);
  for (const json* statement : statements) {
    EXPECT_EQ((*statement)["parentSpanId"], server_span);
  }
  EXPECT_EQ(attribute(*statements[0], "db.statement"), "SHOW TAG VALUES WITH KEY = host");
  EXPECT_EQ(attribute(*statements[1], "statement_id"), "1");
  EXPECT_EQ((*statements[1])["status"]["code"], 2);
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ((*queries[0])["parentSpanId"], (*statements[0])["spanId"]);
  EXPECT_EQ(attribute(*queries[0], "db.statement"),
            "SELECT DISTINCT \"host\" FROM \"cpu\" ORDER BY 1");
}

TEST_F(ObservabilityTest, BadExporterSettingsStopTheServerWithAClearError) {
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--traces-exporter jaeger", "--traces-exporter must be 'none', 'otlp-file' or"},
           {"--traces-exporter otlp-file", "needs --traces-exporter-file"},
           {"--traces-exporter otlp-http", "needs --traces-exporter-otlp-endpoint"},
           {"--traces-exporter otlp-http --traces-exporter-otlp-endpoint https://x:1",
            "https is not supported"},
       }) {
    int exit_code = 0;
    const std::string output =
        RunCommand(fmt::format("{} serve --data-dir {}/bad --http-bind 127.0.0.1:0 {}",
                               STRATA_BINARY,
                               dir_.path(),
                               args),
                   &exit_code);
    EXPECT_GT(exit_code, 0) << args;
    EXPECT_NE(output.find(message), std::string::npos) << args << ": " << output;
  }
}

}  // namespace
}  // namespace strata::e2e
