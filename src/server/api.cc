// Request routing, parameter parsing and response shapes of the HTTP API.
#include "server/api.h"

#include <unistd.h>

#include "auth/token.h"
#include "common/civil_time.h"
#include "common/logging.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "server/http_server.h"
#include "strata/version.h"

namespace strata::server {
namespace {

using nlohmann::json;

// At most this many line errors are listed in a partial-write response.
constexpr size_t kMaxReportedLineErrors = 100;

json LineErrorJson(const lineprotocol::LineError& error) {
  return json{{"original_line", error.original_line},
              {"line_number", error.line_number},
              {"error_message", error.message}};
}

// Parses a boolean query parameter; nullopt when the value is not a boolean.
std::optional<bool> ParseBool(const std::string& value) {
  if (value == "true" || value == "1" || value == "TRUE" || value == "True")
    return true;
  if (value == "false" || value == "0" || value == "FALSE" || value == "False")
    return false;
  return std::nullopt;
}

// A token's times as InfluxDB 3 shows them: RFC 3339 in UTC, milliseconds.
nlohmann::json TokenTime(std::optional<int64_t> ms) {
  if (!ms.has_value()) {
    return nullptr;
  }
  return FormatIso8601(*ms * 1'000'000, SecondFraction::kMillisMicrosOrNanos) + "Z";
}

// The 201 answer that carries a new token: the only time its text is ever shown.
void NewTokenResponse(const catalog::TokenInfo& info,
                      const std::string& token,
                      HttpResponse* response) {
  response->status = 201;
  response->body = json{{"id", info.id},
                        {"name", info.name},
                        {"token", token},
                        {"hash", info.hash},
                        {"created_at", TokenTime(info.created_at_ms)},
                        {"expiry", TokenTime(info.expiry_ms)}}
                       .dump() +
                   "\n";
  // Neither a browser nor a proxy may keep a copy.
  response->headers.emplace_back("Cache-Control", "no-store");
}

}  // namespace

int HttpStatusFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kResourceExhausted:
      return 422;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kUnimplemented:
      return 501;
    default:
      return 500;
  }
}

Api::Api(write::WritePath* write_path,
         catalog::Catalog* catalog,
         buffer::WriteBuffer* buffer,
         const query::QueryEngine* query_engine,
         std::function<int64_t()> clock_ns,
         AuthOptions auth,
         persist::SnapshotScheduler* snapshots)
    : write_path_(write_path),
      catalog_(catalog),
      buffer_(buffer),
      query_api_(query_engine),
      clock_ns_(clock_ns),
      auth_(catalog, std::move(auth), [clock_ns] { return clock_ns() / 1'000'000; }),
      snapshots_(snapshots),
      query_engine_(query_engine) {}

void Api::SetObservability(const ServerMetrics* metrics, observe::SpanExporter* exporter) {
  metrics_ = metrics;
  query_api_.SetObservability(metrics, exporter);
}

void Api::Handle(const HttpRequest& request, HttpResponse* response) const {
  Dispatch(request, response);
  if (metrics_ != nullptr) {
    metrics_->RecordHttpRequest(request.method, request.path, response->status);
    const std::string& path = request.path;
    if (response->status >= 400 &&
        (path == "/api/v3/write_lp" || path == "/api/v2/write" || path == "/write")) {
      metrics_->write_errors->Increment();
    }
  }
}

void Api::Dispatch(const HttpRequest& request, HttpResponse* response) const {
  const std::string& path = request.path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";
  auto method_not_allowed = [&](const char* allow) {
    *response = JsonError(
        405, fmt::format("method {} is not allowed on {}; use {}", request.method, path, allow));
    response->headers.emplace_back("Allow", allow);
  };

  // The first operator token is created without a token: the endpoint checks for itself.
  if (path == "/api/v3/configure/token/admin") {
    if (!post) {
      method_not_allowed("POST");
      return;
    }
    HandleCreateAdminToken(request, response);
    return;
  }
  // Every other endpoint, including ones added later, needs a token unless exempt.
  if (!auth_.IsExempt(path) && !auth_.Authenticate(request)) {
    Authenticator::Unauthorized(request, response);
    return;
  }

  if (path == "/api/v3/query_sql") {
    if (!get && !post) {
      method_not_allowed("GET, POST");
      return;
    }
    query_api_.HandleSql(request, response);
  } else if (path == "/api/v3/query_influxql" || path == "/query") {
    if (!get && !post) {
      method_not_allowed("GET, POST");
      return;
    }
    query_api_.HandleInfluxQL(
        request,
        response,
        path == "/query" ? InfluxQLEndpoint::kV1Query : InfluxQLEndpoint::kV3QueryInfluxQL);
  } else if (path == "/api/v3/write_lp" || path == "/api/v2/write" || path == "/write") {
    if (!post) {
      method_not_allowed("POST");
      return;
    }
    WriteApi api = path == "/api/v3/write_lp" ? WriteApi::kV3
                   : path == "/api/v2/write"  ? WriteApi::kV2
                                              : WriteApi::kV1;
    HandleWrite(api, request, response);
  } else if (path == "/health" || path == "/api/v1/health") {
    if (!get) {
      method_not_allowed("GET");
      return;
    }
    response->status = 200;
    response->content_type = "text/plain; charset=utf-8";
    response->body = "OK";
  } else if (path == "/ping") {
    if (!get && !post) {
      method_not_allowed("GET, POST");
      return;
    }
    HandlePing(response);
  } else if (path == "/metrics" && metrics_ != nullptr) {
    if (!get) {
      method_not_allowed("GET");
      return;
    }
    response->status = 200;
    response->content_type = "text/plain; version=0.0.4; charset=utf-8";
    response->body = metrics_->registry()->Render();
  } else if (path == "/api/v3/configure/token/admin/regenerate") {
    if (!post) {
      method_not_allowed("POST");
      return;
    }
    HandleRegenerateAdminToken(response);
  } else if (path == "/api/v3/snapshot") {
    if (!post) {
      method_not_allowed("POST");
      return;
    }
    HandleSnapshot(response);
  } else if (path == "/api/v3/debug/buffer") {
    if (!get) {
      method_not_allowed("GET");
      return;
    }
    HandleDebugBuffer(request, response);
  } else if (path == "/api/v3/debug/rows") {
    if (!get) {
      method_not_allowed("GET");
      return;
    }
    HandleDebugRows(request, response);
  } else if (path == "/api/v3/configure/last_cache" || path == "/api/v3/configure/distinct_cache") {
    HandleConfigureCache(path == "/api/v3/configure/last_cache", request, response);
  } else {
    *response = JsonError(404, fmt::format("no such endpoint: {} {}", request.method, path));
  }
}

void Api::HandleWrite(WriteApi api, const HttpRequest& request, HttpResponse* response) const {
  const char* db_param = api == WriteApi::kV2 ? "bucket" : "db";
  const std::string* database = request.Param(db_param);
  if (database == nullptr || database->empty()) {
    *response = JsonError(400, fmt::format("missing query parameter '{}'", db_param));
    return;
  }
  write::WriteRequest write_request;
  write_request.database = *database;
  write_request.body = request.body;
  write_request.now_ns = clock_ns_();
  // v1 and v2 default to nanoseconds and are all-or-nothing; v3 guesses the precision and
  // accepts partial writes unless told otherwise.
  write_request.precision =
      api == WriteApi::kV3 ? lineprotocol::Precision::kAuto : lineprotocol::Precision::kNanosecond;
  write_request.accept_partial = api == WriteApi::kV3;
  if (const std::string* precision = request.Param("precision");
      precision != nullptr && !precision->empty()) {
    auto parsed = lineprotocol::ParsePrecision(*precision);
    if (!parsed.ok()) {
      *response = JsonError(400, std::string(parsed.status().message()));
      return;
    }
    write_request.precision = *parsed;
  }
  if (api == WriteApi::kV3) {
    for (const char* name : {"accept_partial", "no_sync"}) {
      const std::string* value = request.Param(name);
      if (value == nullptr) {
        continue;
      }
      std::optional<bool> flag = ParseBool(*value);
      if (!flag.has_value()) {
        *response = JsonError(
            400,
            fmt::format("invalid value '{}' for query parameter '{}': expected true or false",
                        *value,
                        name));
        return;
      }
      (std::string_view(name) == "no_sync" ? write_request.no_sync : write_request.accept_partial) =
          *flag;
    }
  }
  if (request.body.empty()) {
    *response = JsonError(400, "request body is empty: expected line protocol");
    return;
  }

  if (metrics_ != nullptr) {
    metrics_->write_bytes->Increment(request.body.size());
  }
  absl::StatusOr<write::WriteOutcome> outcome = write_path_->Write(write_request);
  if (!outcome.ok()) {
    *response = JsonError(HttpStatusFor(outcome.status()), std::string(outcome.status().message()));
    if (outcome.status().code() == absl::StatusCode::kUnavailable) {
      response->headers.emplace_back("Retry-After", "1");
    }
    return;
  }
  if (outcome->errors.empty()) {
    response->status = 204;
    response->content_type = "text/plain";
    return;
  }
  response->status = 400;
  if (write_request.accept_partial) {
    json data = json::array();
    for (size_t i = 0; i < outcome->errors.size() && i < kMaxReportedLineErrors; ++i) {
      data.push_back(LineErrorJson(outcome->errors[i]));
    }
    response->body =
        json{{"error", "partial write of line protocol occurred"}, {"data", std::move(data)}}
            .dump() +
        "\n";
  } else {
    response->body = json{{"error", "parsing failed for write_lp endpoint"},
                          {"data", LineErrorJson(outcome->errors.front())}}
                         .dump() +
                     "\n";
  }
}

void Api::HandleSnapshot(HttpResponse* response) const {
  if (snapshots_ == nullptr) {
    *response = JsonError(501, "this server does not persist its write buffer");
    return;
  }
  absl::StatusOr<persist::SnapshotSummary> summary = snapshots_->SnapshotAll();
  if (!summary.ok()) {
    *response =
        JsonError(HttpStatusFor(summary.status()),
                  fmt::format("snapshot failed: {}", std::string(summary.status().message())));
    return;
  }
  response->status = 200;
  response->body = json{{"sequence", summary->sequence},
                        {"files", summary->files},
                        {"rows", summary->rows},
                        {"bytes", summary->bytes},
                        {"wal_removed_through", summary->wal_removed_through}}
                       .dump() +
                   "\n";
}

void Api::HandleCreateAdminToken(const HttpRequest& request, HttpResponse* response) const {
  // Once an operator token exists this endpoint only says so (InfluxDB 3's 409 and message),
  // token or not: whether a server has been set up is no secret (the first POST would tell), and
  // the answer never depends on which token was presented.
  if (catalog_->snapshot()->FindToken(catalog::TokenInfo::kOperatorName) != nullptr) {
    *response = JsonError(409,
                          fmt::format("token name already exists, {}; to replace it, POST "
                                      "/api/v3/configure/token/admin/regenerate",
                                      catalog::TokenInfo::kOperatorName));
    return;
  }
  // A server given a pre-shared token is already locked: only its holder may add another.
  if (auth_.enabled() && auth_.has_preshared_token() && !auth_.Authenticate(request)) {
    Authenticator::Unauthorized(request, response);
    return;
  }
  absl::StatusOr<std::string> token = auth::GenerateToken();
  if (!token.ok()) {
    *response = JsonError(500, std::string(token.status().message()));
    return;
  }
  absl::StatusOr<catalog::TokenInfo> info =
      catalog_->CreateOperatorToken(auth::HashToken(*token), clock_ns_() / 1'000'000);
  if (!info.ok()) {
    // Another request created it first (409), or the catalog could not be written.
    *response = JsonError(HttpStatusFor(info.status()), std::string(info.status().message()));
    return;
  }
  STRATA_LOG_INFO("operator token created id={} name={}", info->id, info->name);
  NewTokenResponse(*info, *token, response);
}

void Api::HandleRegenerateAdminToken(HttpResponse* response) const {
  absl::StatusOr<std::string> token = auth::GenerateToken();
  if (!token.ok()) {
    *response = JsonError(500, std::string(token.status().message()));
    return;
  }
  absl::StatusOr<catalog::TokenInfo> info =
      catalog_->RegenerateOperatorToken(auth::HashToken(*token), clock_ns_() / 1'000'000);
  if (!info.ok()) {
    *response = JsonError(HttpStatusFor(info.status()), std::string(info.status().message()));
    return;
  }
  STRATA_LOG_INFO("operator token regenerated id={} name={}", info->id, info->name);
  NewTokenResponse(*info, *token, response);
}

void Api::HandlePing(HttpResponse* response) const {
  response->status = 200;
  response->body =
      json{{"version", kVersion}, {"revision", "strata"}, {"process_id", getpid()}}.dump() + "\n";
}

}  // namespace strata::server
