// /api/v3/query_sql: request parsing, the engine call and the streamed, formatted result.
#include "server/query_api.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <memory>
#include <utility>

#include "common/check.h"
#include "common/status.h"
#include "exec/batch_encoder.h"
#include "exec/memory_pool.h"
#include "fmt/format.h"
#include "format/result_writer.h"
#include "nlohmann/json.hpp"
#include "observe/span_exporter.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/query_api_internal.h"
#include "server/server_metrics.h"

namespace strata::server {
namespace {

using nlohmann::json;

// A streamed piece is sent once it holds at least this many bytes (or the result ends). Small
// enough that the client sees rows soon, large enough that chunk overhead does not matter.
constexpr size_t kStreamPieceBytes = 64u << 10;

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

bool LooksLikeJsonObject(std::string_view body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '{';
}

// The parameters of one request as text, whichever way they arrived. `params` stays JSON text
// for a GET or a form, and is the JSON value itself for a JSON body.
struct RawParameters {
  std::optional<std::string> database;
  std::optional<std::string> sql;
  std::optional<std::string> format;
  std::optional<std::string> params_text;
  std::optional<json> params_json;
};

void TakeFromPairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                   RawParameters* raw) {
  for (const auto& [key, value] : pairs) {
    std::optional<std::string>* slot = key == "db"       ? &raw->database
                                       : key == "q"      ? &raw->sql
                                       : key == "format" ? &raw->format
                                       : key == "params" ? &raw->params_text
                                                         : nullptr;
    if (slot != nullptr && !slot->has_value()) {
      *slot = value;  // the first occurrence wins, as HttpRequest::Param does
    }
  }
}

// Reads a JSON body's members. Returns an error message, or empty.
std::string TakeFromJson(const json& body, RawParameters* raw) {
  if (!body.is_object()) {
    return "the request body must be a JSON object with \"db\" and \"q\"";
  }
  for (const auto& [key, value] : body.items()) {
    std::optional<std::string>* slot = key == "db"       ? &raw->database
                                       : key == "q"      ? &raw->sql
                                       : key == "format" ? &raw->format
                                                         : nullptr;
    if (slot != nullptr) {
      if (value.is_null()) {
        continue;
      }
      if (!value.is_string()) {
        return fmt::format("\"{}\" must be a string, not {}", key, value.type_name());
      }
      *slot = value.get<std::string>();
    } else if (key == "params") {
      if (value.is_string()) {
        raw->params_text = value.get<std::string>();
      } else if (!value.is_null()) {
        raw->params_json = value;
      }
    }
  }
  return "";
}

absl::StatusOr<std::map<std::string, exec::Scalar>> ParamsFromJson(const json& params) {
  if (!params.is_object()) {
    return absl::InvalidArgumentError(
        fmt::format("\"params\" must be a JSON object of name: value, not {}", params.type_name()));
  }
  std::map<std::string, exec::Scalar> out;
  for (const auto& [name, value] : params.items()) {
    exec::Scalar scalar;
    switch (value.type()) {
      case json::value_t::null:
        break;
      case json::value_t::boolean:
        scalar = exec::Scalar::Bool(value.get<bool>());
        break;
      case json::value_t::number_integer:
        scalar = exec::Scalar::Int64(value.get<int64_t>());
        break;
      case json::value_t::number_unsigned: {
        uint64_t v = value.get<uint64_t>();
        scalar = v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                     ? exec::Scalar::Int64(static_cast<int64_t>(v))
                     : exec::Scalar::UInt64(v);
        break;
      }
      case json::value_t::number_float:
        scalar = exec::Scalar::Float64(value.get<double>());
        break;
      case json::value_t::string:
        scalar = exec::Scalar::String(value.get<std::string>());
        break;
      default:
        return absl::InvalidArgumentError(
            fmt::format("query parameter '{}' is {}: expected a string, number, boolean or null",
                        name,
                        value.type_name()));
    }
    out.emplace(name, std::move(scalar));
  }
  return out;
}

// Encodes one partition's batches as fragments of the response (see ResultWriter), on the thread
// that computes the partition.
class FragmentEncoder final : public exec::BatchEncoder {
 public:
  explicit FragmentEncoder(std::unique_ptr<format::ResultWriter> writer)
      : writer_(std::move(writer)) {}

  absl::Status Encode(const exec::Batch& batch, std::string* out) override {
    const exec::Batch dense = batch.has_selection() ? batch.Compact() : batch;
    writer_->WriteFragment(*dense.ToRecordBatch(), out);
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<format::ResultWriter> writer_;
};

// The running query behind a streamed response: the engine's result and the format writer. A
// format whose rows are independent (JSON, JSON lines, CSV) is encoded in the partitions that
// compute the result, in parallel, and `writer` only joins the fragments; the pretty table and
// Parquet are written here, from the batches. What the writer keeps between batches (the pretty
// table's cells, the Parquet row group being filled) is reserved from the query memory pool like
// the operators' buffers.
struct QueryStream {
  ~QueryStream();

  std::shared_ptr<QueryApi::RunningQuery> query;  // the log entry and the permit
  std::unique_ptr<query::QueryResult> result;
  std::unique_ptr<format::ResultWriter> writer;
  exec::BatchEncoderFactory make_encoder;  // set when the format supports fragments
  exec::MemoryReservation reservation;
  std::string pending;  // what Start produced, not yet handed to Produce's caller
  std::string piece;    // the fragment being joined
  // The pretty table: its reservation covers the drawn table until it has been sent.
  bool drawn_at_end = false;
  bool done = false;

  // Appends the encoding of the result's next rows to *out (the pretty writer keeps them until
  // Finish instead, the Parquet writer until their row group is full); false at the end.
  absl::StatusOr<bool> Pull(std::string* out) {
    if (make_encoder) {
      STRATA_ASSIGN_OR_RETURN(bool more, result->NextEncoded(make_encoder, &piece));
      if (more) {
        writer->AppendFragment(&piece, out);
      }
      return more;
    }
    exec::Batch batch;
    STRATA_ASSIGN_OR_RETURN(bool more, result->Next(&batch));
    if (more && batch.length() > 0) {
      const exec::Batch dense = batch.has_selection() ? batch.Compact() : batch;
      writer->WriteBatch(*dense.ToRecordBatch(), out);
      STRATA_RETURN_IF_ERROR(writer->status());
      STRATA_RETURN_IF_ERROR(reservation.TryResize(static_cast<int64_t>(writer->buffered_bytes())));
    }
    return more;
  }

  // Runs the query up to its first rows, before the response commits to a status: most runtime
  // errors (division by zero, a bad cast) show up there and still get a proper status and body.
  absl::Status Start() {
    writer->Begin(&pending);
    STRATA_ASSIGN_OR_RETURN(bool more, Pull(&pending));
    if (!more) {
      writer->Finish(&pending);
      STRATA_RETURN_IF_ERROR(writer->status());
      if (!drawn_at_end) {
        reservation.Free();
      }
      done = true;
    }
    return absl::OkStatus();
  }

  // Produce, with the query's log entry and permit ended once the result is complete or fails.
  absl::StatusOr<bool> ProduceAndTrack(std::string* out);

  absl::StatusOr<bool> Produce(std::string* out) {
    if (!pending.empty() || done) {
      // The first rows go out at once.
      if (out->empty()) {
        out->swap(pending);
      } else {
        out->append(pending);
      }
      pending = std::string();
      return !done;
    }
    while (out->size() < kStreamPieceBytes) {
      STRATA_ASSIGN_OR_RETURN(bool more, Pull(out));
      if (!more) {
        writer->Finish(out);
        STRATA_RETURN_IF_ERROR(writer->status());
        if (!drawn_at_end) {
          reservation.Free();
        }
        done = true;
        return false;
      }
    }
    return true;
  }
};

}  // namespace

std::string MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  return Lowercase(content_type);
}

HttpResponse StatusResponse(const absl::Status& status) {
  const int code =
      status.code() == absl::StatusCode::kResourceExhausted ? 500 : HttpStatusFor(status);
  return JsonError(code, std::string(status.message()));
}

std::string DurationText(std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  if (seconds < 1) {
    return fmt::format("{:g}ms", seconds * 1000);
  }
  return fmt::format("{:g}s", seconds);
}

void ObserveResponse(const std::shared_ptr<QueryObservation>& observation, HttpResponse* response) {
  observation->set_status(response->status);
  const observe::Trace& trace = *observation->trace();
  response->headers.emplace_back("trace-id", trace.trace_id().ToHex());
  response->headers.emplace_back(
      "traceparent",
      observe::FormatTraceparent(
          observe::SpanContext{trace.trace_id(), observation->server_span(), trace.sampled()}));
  if (response->stream) {
    // Members are destroyed in reverse order: the query's stream (holding its result) before
    // the observation that ends the server span.
    struct Streaming {
      std::shared_ptr<QueryObservation> observation;
      HttpBodyStream inner;
    };
    auto streaming =
        std::make_shared<Streaming>(Streaming{observation, std::move(response->stream)});
    response->stream = [streaming](std::string* out) -> absl::StatusOr<bool> {
      absl::StatusOr<bool> more = streaming->inner(out);
      if (!more.ok()) {
        streaming->observation->Fail(more.status());
      }
      return more;
    };
  }
}

observe::SpanContext IncomingTraceContext(const HttpRequest& request) {
  if (const std::string* traceparent = request.Header("traceparent")) {
    if (std::optional<observe::SpanContext> context = observe::ParseTraceparent(*traceparent)) {
      return *context;
    }
  }
  if (const std::string* uber = request.Header("uber-trace-id")) {
    if (std::optional<observe::SpanContext> context = observe::ParseUberTraceId(*uber)) {
      return *context;
    }
  }
  return {};
}

absl::StatusOr<bool> QueryStream::ProduceAndTrack(std::string* out) {
  absl::StatusOr<bool> more = Produce(out);
  if (!more.ok()) {
    return query->StreamError(more.status());
  }
  if (!*more) {
    query->End(query::QueryPhase::kSuccess, "");
  }
  return more;
}

QueryStream::~QueryStream() {
  if (query != nullptr && !query->entry->finished()) {
    // The response was abandoned before the result ended: the client went away (a write
    // failed) or the server stopped. The query's operators stop when `result` is destroyed.
    query->entry->RequestCancel(query::CancelReason::kClientGone);
    result.reset();
    query->End(query::QueryPhase::kCancel, "the client closed the connection");
  }
}

absl::StatusOr<std::map<std::string, exec::Scalar>> ParseQueryParams(std::string_view json_text) {
  json parsed = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return absl::InvalidArgumentError(
        fmt::format("\"params\" is not valid JSON: '{}'",
                    json_text.size() > 200 ? std::string(json_text.substr(0, 200)) + "..."
                                           : std::string(json_text)));
  }
  return ParamsFromJson(parsed);
}

std::optional<HttpResponse> ParseQueryRequest(const HttpRequest& request,
                                              QueryRequest* out,
                                              QueryLanguage language) {
  RawParameters raw;
  if (request.method == "POST" && !request.body.empty()) {
    const std::string* content_type = request.Header("content-type");
    const std::string media = content_type == nullptr ? "" : MediaType(*content_type);
    if (media == "application/json" || (media.empty() && LooksLikeJsonObject(request.body))) {
      json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded()) {
        return JsonError(400, "the request body is not valid JSON");
      }
      if (std::string error = TakeFromJson(body, &raw); !error.empty()) {
        return JsonError(400, error);
      }
    } else if (media == "application/x-www-form-urlencoded" || media.empty()) {
      std::string path;
      std::vector<std::pair<std::string, std::string>> form;
      ParseTarget("?" + request.body, &path, &form);
      TakeFromPairs(form, &raw);
    } else {
      return JsonError(415,
                       fmt::format("unsupported Content-Type '{}': send application/json or "
                                   "application/x-www-form-urlencoded",
                                   *content_type));
    }
  }
  // Query-string parameters fill in what the body did not give.
  TakeFromPairs(request.query, &raw);

  const bool sql = language == QueryLanguage::kSql;
  if (sql && (!raw.database.has_value() || raw.database->empty())) {
    return JsonError(400, "missing query parameter 'db' (the database to query)");
  }
  if (!raw.sql.has_value()) {
    return JsonError(
        400, fmt::format("missing query parameter 'q' (the {} query)", sql ? "SQL" : "InfluxQL"));
  }
  if (raw.sql->size() > kMaxQueryTextBytes) {
    return JsonError(413,
                     fmt::format("query text of {} bytes exceeds the limit of {} bytes",
                                 raw.sql->size(),
                                 kMaxQueryTextBytes));
  }
  if (raw.sql->find_first_not_of(" \t\r\n") == std::string::npos) {
    return JsonError(400, "query parameter 'q' is empty");
  }

  if (raw.format.has_value() && !raw.format->empty()) {
    absl::StatusOr<format::ResultFormat> parsed = format::ParseResultFormat(*raw.format);
    if (!parsed.ok()) {
      return JsonError(400, std::string(parsed.status().message()));
    }
    out->format = *parsed;
  } else {
    const std::string* accept = request.Header("accept");
    std::optional<format::ResultFormat> chosen =
        format::ResultFormatFromAccept(accept == nullptr ? "" : *accept);
    if (!chosen.has_value()) {
      return JsonError(400,
                       fmt::format("no supported format in the Accept header '{}' (supported: "
                                   "application/json, application/jsonl, text/csv, text/plain, "
                                   "application/vnd.apache.parquet)",
                                   *accept));
    }
    out->format = *chosen;
  }
  if (raw.params_json.has_value() || raw.params_text.has_value()) {
    absl::StatusOr<std::map<std::string, exec::Scalar>> params =
        raw.params_json.has_value() ? ParamsFromJson(*raw.params_json)
                                    : ParseQueryParams(*raw.params_text);
    if (!params.ok()) {
      return JsonError(400, std::string(params.status().message()));
    }
    out->params = *std::move(params);
  }
  out->database = std::move(raw.database).value_or("");
  out->sql = *std::move(raw.sql);
  return std::nullopt;
}

QueryApi::QueryApi(const query::QueryEngine* engine, QueryApiOptions options) : engine_(engine) {
  Configure(std::move(options));
}

QueryApi::~QueryApi() {
  StopWatchdog();
}

void QueryApi::Configure(QueryApiOptions options) {
  StopWatchdog();
  options_ = std::move(options);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int concurrent =
      options_.max_concurrent_queries > 0 ? options_.max_concurrent_queries : 2 * cores;
  const int queue =
      options_.query_queue_size >= 0 ? options_.query_queue_size : std::max(100, 50 * concurrent);
  admission_ = std::make_unique<query::QueryAdmission>(concurrent, queue);
  if (options_.query_log != nullptr) {
    own_log_.reset();
    log_ = options_.query_log;
  } else {
    own_log_ = std::make_unique<query::QueryLog>(0);
    log_ = own_log_.get();
  }
  StartWatchdog();
}

query::QueryStats QueryApi::stats() const {
  query::QueryStats stats = log_->stats();
  stats.running = admission_->running();
  stats.queued = admission_->queued();
  stats.rejected = admission_->rejected();
  return stats;
}

void QueryApi::Shutdown() {
  admission_->Close();
  for (const std::shared_ptr<query::QueryLogEntry>& entry : log_->Running()) {
    entry->RequestCancel(query::CancelReason::kShutdown);
  }
  StopWatchdog();
}

void QueryApi::StartWatchdog() {
  {
    std::lock_guard lock(watchdog_mu_);
    watchdog_stop_ = false;
  }
  watchdog_ = std::thread([this] { WatchdogLoop(); });
}

void QueryApi::StopWatchdog() {
  {
    std::lock_guard lock(watchdog_mu_);
    watchdog_stop_ = true;
  }
  watchdog_wake_.notify_all();
  if (watchdog_.joinable()) {
    watchdog_.join();
  }
}

void QueryApi::WatchdogLoop() {
  std::unique_lock lock(watchdog_mu_);
  while (!watchdog_stop_) {
    watchdog_wake_.wait_for(lock, options_.watchdog_interval);
    if (watchdog_stop_) {
      break;
    }
    lock.unlock();
    const auto now = query::QueryLogEntry::Clock::now();
    for (const std::shared_ptr<query::QueryLogEntry>& entry : log_->Running()) {
      if (now >= entry->deadline()) {
        entry->RequestCancel(query::CancelReason::kTimeout);
      } else if (entry->ClientGone()) {
        entry->RequestCancel(query::CancelReason::kClientGone);
      }
    }
    lock.lock();
  }
}

void QueryApi::HandleSql(const HttpRequest& request, HttpResponse* response) const {
  auto query = std::make_shared<RunningQuery>();
  query->observation = std::make_shared<QueryObservation>(request, metrics_, exporter_);
  auto parsed = std::make_shared<QueryRequest>();
  if (std::optional<HttpResponse> error = ParseQueryRequest(request, parsed.get())) {
    *response = *std::move(error);
    ObserveResponse(query->observation, response);
    return;
  }
  query->run = [this, parsed](const std::shared_ptr<RunningQuery>& running, HttpResponse* resumed) {
    RunSql(*parsed, running, resumed);
  };
  Admit(request, query, parsed->database, "sql", parsed->sql, response);
}

void QueryApi::Admit(const HttpRequest& request,
                     const std::shared_ptr<RunningQuery>& query,
                     std::string_view database,
                     std::string_view query_type,
                     std::string_view text,
                     HttpResponse* response) const {
  const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  query->issue_time_ns = now_ns;
  query->entry = log_->Add(database, query_type, text, now_ns);
  query->entry->set_trace_id(query->observation->trace()->trace_id().ToHex());
  query->timeout = options_.query_timeout;
  if (options_.query_timeout.count() > 0) {
    query->entry->set_deadline(query::QueryLogEntry::Clock::now() + options_.query_timeout);
  }
  // Every query reserves from a pool of its own (its limit, and its peak for system.queries)
  // inside the engine's pool, which all queries share.
  query->memory_pool = std::make_shared<exec::MemoryPool>(
      options_.query_memory_limit > 0 ? options_.query_memory_limit : exec::MemoryPool::kUnlimited,
      "raise --query-memory-limit, or add filters or a LIMIT",
      engine_->memory_pool());
  query->context = std::make_shared<exec::TaskContext>();
  query->context->set_memory_pool(query->memory_pool);
  if (request.client_gone) {
    query->entry->set_client_gone_check(request.client_gone);
  }

  uint64_t ticket = 0;
  std::weak_ptr<RunningQuery> weak = query;
  query::QueryAdmission::Outcome outcome = admission_->Acquire(
      [this, waiting = query](query::QueryAdmission::Permit permit) {
        waiting->permit = std::move(permit);
        waiting->entry->Permitted();
        waiting->Decide([this, waiting](HttpResponse* resumed) {
          Run(waiting, resumed);
          ObserveResponse(waiting->observation, resumed);
        });
      },
      &query->permit,
      &ticket);
  switch (outcome) {
    case query::QueryAdmission::Outcome::kAdmitted:
      query->entry->Permitted();
      Run(query, response);
      ObserveResponse(query->observation, response);
      return;
    case query::QueryAdmission::Outcome::kRejected: {
      std::string message =
          admission_->closed()
              ? std::string("the server is shutting down")
              : fmt::format(
                    "too many queries: {} running (--max-concurrent-queries) and {} "
                    "waiting (--query-queue-size); retry later",
                    admission_->max_concurrent(),
                    admission_->queue_size());
      query->End(query::QueryPhase::kFail, message);
      *response = JsonError(503, message);
      response->headers.emplace_back("Retry-After", "1");
      ObserveResponse(query->observation, response);
      return;
    }
    case query::QueryAdmission::Outcome::kQueued:
      break;
  }
  // Queued: cancelling it (timeout, client gone, shutdown) takes it out of the queue and answers.
  query::QueryAdmission* admission = admission_.get();
  query->entry->set_cancel_hook([admission, ticket, weak] {
    std::shared_ptr<RunningQuery> waiting = weak.lock();
    if (waiting != nullptr && admission->Withdraw(ticket)) {
      waiting->Decide([waiting](HttpResponse* resumed) {
        *resumed = waiting->Fail(absl::CancelledError("query cancelled"));
        ObserveResponse(waiting->observation, resumed);
      });
    }
  });
  // The resume function owns the connection; the query owns the resume function until it is
  // called, and the queue's continuation owns the query: a queue that is dropped (shutdown)
  // closes the connections waiting in it. The cancel hook refers to the query weakly (the entry
  // must not own what owns it).
  response->deferred = [query](HttpResume resume) { query->SetResume(std::move(resume)); };
}

void QueryApi::Run(const std::shared_ptr<RunningQuery>& query, HttpResponse* response) const {
  // From here on a cancellation stops the query's execution.
  std::weak_ptr<exec::TaskContext> weak_context = query->context;
  query->entry->set_cancel_hook([weak_context] {
    if (std::shared_ptr<exec::TaskContext> context = weak_context.lock()) {
      context->Cancel();
    }
  });
  if (query->entry->cancel_reason() != query::CancelReason::kNone) {
    query->context->Cancel();  // requested before the hook was in place
    *response = query->Fail(absl::CancelledError("query cancelled"));
    return;
  }
  // The connection is used by this thread again once the handler returns: stop checking it.
  struct StopClientCheck {
    query::QueryLogEntry* entry;
    ~StopClientCheck() { entry->set_client_gone_check(nullptr); }
  } stop_client_check{query->entry.get()};

  query->run(query, response);
}

void QueryApi::RunSql(const QueryRequest& parsed,
                      const std::shared_ptr<RunningQuery>& query,
                      HttpResponse* response) const {
  query::QueryOptions options;
  options.params = parsed.params;
  options.context = query->context;
  options.trace = query->observation->trace();
  options.parent_span_id = query->observation->server_span();
  absl::StatusOr<std::unique_ptr<query::QueryResult>> result =
      engine_->Execute(parsed.database, parsed.sql, options);
  if (!result.ok()) {
    *response = query->Fail(result.status());
    return;
  }
  query->entry->Planned();
  query->plan = (*result)->physical_plan();
  auto stream = std::make_shared<QueryStream>();
  stream->result = *std::move(result);
  absl::StatusOr<std::unique_ptr<format::ResultWriter>> writer =
      format::ResultWriter::Create(parsed.format, stream->result->schema());
  if (!writer.ok()) {
    *response = query->Fail(writer.status());
    return;
  }
  stream->writer = *std::move(writer);
  if (stream->writer->supports_fragments()) {
    stream->make_encoder = [format = parsed.format, schema = stream->result->schema()] {
      absl::StatusOr<std::unique_ptr<format::ResultWriter>> fragment_writer =
          format::ResultWriter::Create(format, schema);
      STRATA_CHECK(fragment_writer.ok());  // Create succeeded for the same format and schema
      return std::make_unique<FragmentEncoder>(*std::move(fragment_writer));
    };
  }
  stream->drawn_at_end = parsed.format == format::ResultFormat::kPretty;
  stream->reservation = exec::MemoryReservation(
      query->memory_pool, stream->drawn_at_end ? "the pretty table" : "the parquet row group");
  if (absl::Status started = stream->Start(); !started.ok()) {
    *response = query->Fail(started);
    return;
  }
  // The stream owns the query from here: its end (or its destruction) ends the entry.
  stream->query = query;
  response->status = 200;
  response->content_type = std::string(format::ContentType(parsed.format));
  if (parsed.format == format::ResultFormat::kPretty) {
    // The table is drawn at the end (the last row may still widen a column), so nothing could be
    // sent before the whole result is in anyway: run it to the end now, so that its errors (such
    // as the memory limit on the cells the table keeps) still get a status code.
    auto body = std::make_shared<std::string>();
    absl::StatusOr<bool> produced = true;
    while (produced.ok() && *produced) {
      produced = stream->Produce(body.get());
    }
    absl::Status status = produced.status();
    if (status.ok()) {
      // The drawn table replaces the cells until it has been sent.
      status = stream->reservation.TryResize(static_cast<int64_t>(body->size()));
    }
    if (!status.ok()) {
      *response = query->Fail(status);
      return;
    }
    query->End(query::QueryPhase::kSuccess, "");
    response->stream = [stream, body](std::string* out) -> absl::StatusOr<bool> {
      if (out->empty()) {
        out->swap(*body);
      } else {
        out->append(*body);
      }
      *body = std::string();
      stream->reservation.Free();
      return false;
    };
    return;
  }
  response->stream = [stream](std::string* out) { return stream->ProduceAndTrack(out); };
}

}  // namespace strata::server
