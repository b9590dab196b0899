// The strata command line: `strata serve` runs the server, `strata write` sends line protocol to
// a running server, `strata query` sends it SQL, `strata snapshot` makes it persist its write
// buffer, `strata create token --admin` makes the operator token. Every serve flag can also be set
// as an environment variable STRATA_<FLAG>.
#include <malloc.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "cli/cache_commands.h"
#include "cli/flag_values.h"
#include "cli/query_command.h"
#include "cli/token_command.h"
#include "common/byte_size.h"
#include "common/logging.h"
#include "exec/execution_plan.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "server/authenticator.h"
#include "server/http_client.h"
#include "server/server.h"
#include "strata/version.h"

namespace strata::cli {
namespace {

struct ServeFlags {
  std::string data_dir = "./data";
  std::string http_bind = "127.0.0.1:8181";
  int http_threads = 0;
  std::string max_http_request_size = "10MiB";
  std::string wal_flush_interval = "0";
  std::string wal_max_segment_size = "64MiB";
  std::string write_buffer_limit = "8GiB";
  std::string exec_mem_pool_bytes = "20%";
  std::string query_memory_limit = "10%";
  int max_concurrent_queries = 0;
  int query_queue_size = -1;
  std::string query_timeout = "0";
  int query_log_size = 1000;
  int query_partitions = 0;
  int64_t query_min_rows_per_partition = exec::kDefaultMinRowsPerPartition;
  std::string gen1_duration = "10m";
  std::string object_store = "file";
  std::string parquet_mem_cache_size = "10%";
  std::string snapshot_check_interval = "1s";
  bool disable_compaction = false;
  // A year of 10-minute windows is 52,560 files per table: the default leaves room for that.
  int64_t query_file_limit = 100'000;
  int max_databases = 10000;
  int max_tables = 100000;
  int max_columns_per_table = 2000;
  std::string log_level = "info";
  bool without_auth = false;
  std::string disable_authz;
  std::string auth_token;
  std::string traces_exporter = "none";
  std::string traces_exporter_file;
  std::string traces_exporter_otlp_endpoint;
  int traces_exporter_max_queued = 1024;
};

struct SnapshotFlags {
  std::string host = "http://127.0.0.1:8181";
  std::string token;
};

struct WriteFlags {
  std::string host = "http://127.0.0.1:8181";
  std::string database;
  std::string precision = "auto";
  std::string file;
  bool no_partial = false;
  bool no_sync = false;
  std::string batch_size = "4MiB";
  std::string token;
};

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "strata: error: %s\n", std::string(status.message()).c_str());
  return 1;
}

// Every write request allocates and frees a few MiB (the body, parsed lines, the WAL record).
// With glibc's defaults those blocks are mmap'd or trimmed back to the kernel after each request,
// so the next one pays page faults and zeroing again (about 10% of server CPU under ingest). Keep
// blocks up to 16 MiB in the heap and at most 64 MiB of free memory at its top.
void TuneAllocator() {
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

int RunServe(const ServeFlags& flags) {
  TuneAllocator();
  absl::Status logging = InitLogging(flags.log_level);
  if (!logging.ok()) {
    return Fail(logging);
  }
  server::ServerOptions options;
  options.data_dir = flags.data_dir;
  options.http_bind = flags.http_bind;
  options.http_threads = flags.http_threads;
  options.max_databases = flags.max_databases;
  options.max_tables = flags.max_tables;
  options.max_columns_per_table = flags.max_columns_per_table;
  options.auth_enabled = !flags.without_auth;
  options.auth_token = flags.auth_token;
  options.traces_exporter = flags.traces_exporter;
  options.traces_exporter_file = flags.traces_exporter_file;
  options.traces_exporter_otlp_endpoint = flags.traces_exporter_otlp_endpoint;
  options.traces_exporter_max_queued = flags.traces_exporter_max_queued;
  if (flags.without_auth && !flags.auth_token.empty()) {
    return Fail(absl::InvalidArgumentError(
        "--auth-token and --without-auth contradict each other: a token is pointless when every "
        "request is allowed"));
  }
  if (absl::Status authz = server::ParseDisabledAuthz(flags.disable_authz, &options.disabled_authz);
      !authz.ok()) {
    return Fail(authz);
  }
  auto request_size = ParseByteSize(flags.max_http_request_size);
  auto flush_interval = ParseDuration(flags.wal_flush_interval);
  auto segment_size = ParseByteSize(flags.wal_max_segment_size);
  auto buffer_limit = ParseByteSize(flags.write_buffer_limit);
  auto exec_pool = ParseMemorySize(flags.exec_mem_pool_bytes, AvailableMemoryBytes());
  auto query_memory = ParseMemorySize(flags.query_memory_limit, AvailableMemoryBytes());
  auto query_timeout = ParseDuration(flags.query_timeout);
  auto gen1 = ParseDuration(flags.gen1_duration);
  auto parquet_cache = ParseMemorySize(flags.parquet_mem_cache_size, AvailableMemoryBytes());
  auto check_interval = ParseDuration(flags.snapshot_check_interval);
  for (const auto& [flag, s] : {std::pair{"--max-http-request-size", request_size.status()},
                                {"--wal-flush-interval", flush_interval.status()},
                                {"--wal-max-segment-size", segment_size.status()},
                                {"--write-buffer-limit", buffer_limit.status()},
                                {"--exec-mem-pool-bytes", exec_pool.status()},
                                {"--query-memory-limit", query_memory.status()},
                                {"--query-timeout", query_timeout.status()},
                                {"--gen1-duration", gen1.status()},
                                {"--parquet-mem-cache-size", parquet_cache.status()},
                                {"--snapshot-check-interval", check_interval.status()}}) {
    if (!s.ok()) {
      return Fail(
          absl::InvalidArgumentError(fmt::format("{}: {}", flag, std::string(s.message()))));
    }
  }
  if (gen1->count() <= 0) {
    return Fail(absl::InvalidArgumentError(fmt::format(
        "--gen1-duration (--partition-duration) must be positive, not '{}'", flags.gen1_duration)));
  }
  if (flags.object_store != "file" && flags.object_store != "memory") {
    return Fail(absl::InvalidArgumentError(
        fmt::format("--object-store must be 'file' (under --data-dir/objects) or 'memory' (for "
                    "tests: data is lost on exit), not '{}'",
                    flags.object_store)));
  }
  options.max_http_request_size = *request_size;
  options.wal_flush_interval =
      std::chrono::duration_cast<std::chrono::microseconds>(*flush_interval);
  options.wal_max_segment_size = *segment_size;
  options.write_buffer_limit = *buffer_limit;
  options.exec_mem_pool_bytes = *exec_pool;
  options.query_memory_limit = *query_memory;
  if (query_timeout->count() < 0) {
    return Fail(absl::InvalidArgumentError(fmt::format(
        "--query-timeout must be 0 (no limit) or positive, not '{}'", flags.query_timeout)));
  }
  options.query_timeout = *query_timeout;
  if (flags.max_concurrent_queries < 0 || flags.max_concurrent_queries > 100000) {
    return Fail(absl::InvalidArgumentError(
        fmt::format("--max-concurrent-queries must be between 0 (2 x cores) and 100000, not {}",
                    flags.max_concurrent_queries)));
  }
  if (flags.query_queue_size < -1 || flags.query_queue_size > 1000000) {
    return Fail(absl::InvalidArgumentError(
        fmt::format("--query-queue-size must be between -1 (automatic) and 1000000, not {}",
                    flags.query_queue_size)));
  }
  if (flags.query_log_size < 0 || flags.query_log_size > 1000000) {
    return Fail(absl::InvalidArgumentError(fmt::format(
        "--query-log-size must be between 0 and 1000000, not {}", flags.query_log_size)));
  }
  options.max_concurrent_queries = flags.max_concurrent_queries;
  options.query_queue_size = flags.query_queue_size;
  options.query_log_size = flags.query_log_size;
  if (flags.query_partitions < 0 || flags.query_partitions > 1024) {
    return Fail(absl::InvalidArgumentError(
        fmt::format("--query-partitions must be between 0 (one per core) and 1024, not {}",
                    flags.query_partitions)));
  }
  if (flags.query_min_rows_per_partition < 1) {
    return Fail(absl::InvalidArgumentError(
        fmt::format("--query-min-rows-per-partition must be at least 1, not {}",
                    flags.query_min_rows_per_partition)));
  }
  options.query_partitions = flags.query_partitions;
  options.query_min_rows_per_partition = flags.query_min_rows_per_partition;
  options.gen1_duration_ns = gen1->count();
  options.object_store = flags.object_store;
  options.parquet_mem_cache_size = *parquet_cache;
  options.snapshot_check_interval = *check_interval;
  options.compaction = !flags.disable_compaction;
  if (flags.query_file_limit < 0) {
    return Fail(absl::InvalidArgumentError(fmt::format(
        "--query-file-limit must be 0 (no limit) or positive, not {}", flags.query_file_limit)));
  }
  options.query_file_limit = flags.query_file_limit;

  // Block the stop signals in every thread; the main thread waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  STRATA_LOG_INFO("starting strata version={} data_dir={}", kVersion, options.data_dir);
  auto server = server::Server::Open(options);
  if (!server.ok()) {
    return Fail(server.status());
  }
  absl::Status started = (*server)->Start();
  if (!started.ok()) {
    return Fail(started);
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  STRATA_LOG_INFO("shutting down signal={}", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  absl::Status stopped = (*server)->Stop();
  if (!stopped.ok()) {
    return Fail(stopped);
  }
  return 0;
}

// Sends one request body; prints per-line errors (line numbers offset by `first_line - 1`).
// Returns the number of rejected lines, or -1 on a request-level failure.
int64_t SendBatch(server::HttpClient& client,
                  const WriteFlags& flags,
                  const std::string& body,
                  int64_t first_line) {
  std::string target = fmt::format("/api/v3/write_lp?db={}&precision={}&accept_partial={}{}",
                                   server::UrlEncode(flags.database),
                                   server::UrlEncode(flags.precision),
                                   flags.no_partial ? "false" : "true",
                                   flags.no_sync ? "&no_sync=true" : "");
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "text/plain; charset=utf-8"}};
  if (!flags.token.empty()) {
    headers.emplace_back("Authorization", "Bearer " + flags.token);
  }
  auto response = client.Request("POST", target, body, headers);
  if (!response.ok()) {
    Fail(response.status());
    return -1;
  }
  if (response->status == 204) {
    return 0;
  }
  nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 400 || parsed.is_discarded() || !parsed.contains("data")) {
    std::string message = parsed.is_discarded() || !parsed.contains("error")
                              ? response->body
                              : parsed["error"].get<std::string>();
    std::fprintf(
        stderr, "strata: error: server answered %d: %s\n", response->status, message.c_str());
    return -1;
  }
  nlohmann::json data = parsed["data"];
  if (!data.is_array()) {
    data = nlohmann::json::array({data});
  }
  for (const auto& error : data) {
    std::fprintf(stderr,
                 "line %lld: %s\n  %s\n",
                 static_cast<long long>(error.value("line_number", int64_t{0}) + first_line - 1),
                 error.value("error_message", std::string()).c_str(),
                 error.value("original_line", std::string()).c_str());
  }
  return static_cast<int64_t>(data.size());
}

int RunWrite(const WriteFlags& flags) {
  auto batch_bytes = ParseByteSize(flags.batch_size);
  if (!batch_bytes.ok()) {
    return Fail(batch_bytes.status());
  }
  std::string input;
  if (flags.file.empty() || flags.file == "-") {
    input.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(flags.file, std::ios::binary);
    if (!file) {
      return Fail(absl::NotFoundError(fmt::format("cannot open '{}'", flags.file)));
    }
    input.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  auto client = server::HttpClient::Create(flags.host);
  if (!client.ok()) {
    return Fail(client.status());
  }
  // Large inputs go in several requests, split at line boundaries.
  size_t pos = 0;
  int64_t line = 1;
  int64_t rejected = 0;
  int64_t lines_total = 0;
  bool failed = false;
  while (pos < input.size()) {
    size_t end = std::min(input.size(), pos + static_cast<size_t>(*batch_bytes));
    if (end < input.size()) {
      size_t newline = input.rfind('\n', end);
      end = (newline == std::string::npos || newline < pos) ? input.find('\n', end) : newline;
      end = end == std::string::npos ? input.size() : end + 1;
    }
    std::string body = input.substr(pos, end - pos);
    int64_t lines = static_cast<int64_t>(std::count(body.begin(), body.end(), '\n')) +
                    (body.empty() || body.back() == '\n' ? 0 : 1);
    int64_t result = SendBatch(**client, flags, body, line);
    if (result < 0) {
      failed = true;
      break;
    }
    rejected += result;
    lines_total += lines;
    line += lines;
    pos = end;
  }
  if (failed) {
    return 1;
  }
  if (rejected > 0) {
    std::fprintf(stderr,
                 "strata: %lld of %lld lines rejected\n",
                 static_cast<long long>(rejected),
                 static_cast<long long>(lines_total));
    return 1;
  }
  return 0;
}

// POST /api/v3/snapshot and a one-line summary of what it persisted.
int RunSnapshot(const SnapshotFlags& flags) {
  auto client = server::HttpClient::Create(flags.host);
  if (!client.ok()) {
    return Fail(client.status());
  }
  std::vector<std::pair<std::string, std::string>> headers;
  if (!flags.token.empty()) {
    headers.emplace_back("Authorization", "Bearer " + flags.token);
  }
  auto response = (*client)->Request("POST", "/api/v3/snapshot", "", headers);
  if (!response.ok()) {
    return Fail(response.status());
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200 || body.is_discarded() || !body.is_object()) {
    std::string message = !body.is_discarded() && body.is_object() && body.contains("error") &&
                                  body["error"].is_string()
                              ? body["error"].get<std::string>()
                              : response->body;
    std::fprintf(
        stderr, "strata: error: server answered %d: %s\n", response->status, message.c_str());
    return 1;
  }
  const uint64_t sequence = body.value("sequence", uint64_t{0});
  if (sequence == 0) {
    std::printf("nothing to persist: the write buffer holds no rows\n");
    return 0;
  }
  const int64_t rows = body.value("rows", int64_t{0});
  const int files = body.value("files", 0);
  const uint64_t removed = body.value("wal_removed_through", uint64_t{0});
  std::printf("%s\n",
              fmt::format("snapshot {}: {} row{} in {} file{}, {}; {}",
                          sequence,
                          rows,
                          rows == 1 ? "" : "s",
                          files,
                          files == 1 ? "" : "s",
                          FormatByteSize(body.value("bytes", uint64_t{0})),
                          removed == 0 ? std::string("the WAL keeps every record")
                                       : fmt::format("WAL records through {} removed", removed))
                  .c_str());
  return 0;
}

}  // namespace
}  // namespace strata::cli

int main(int argc, char** argv) {
  // Debian's Abseil has mutex deadlock detection on (its build leaves NDEBUG undefined): every
  // absl::Mutex::Lock then updates a process-wide lock graph under a global lock. The tests keep
  // it; the server and the CLI do not pay it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  using strata::cli::ServeFlags;
  using strata::cli::SnapshotFlags;
  using strata::cli::WriteFlags;
  CLI::App app{"strata: a database for metrics and logs (InfluxDB line protocol, SQL)", "strata"};
  app.set_version_flag("--version", std::string(strata::kVersion));
  app.require_subcommand(1);

  ServeFlags serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the strata server");
  auto env = [](const char* name) { return std::string("STRATA_") + name; };
  serve_cmd
      ->add_option("--data-dir", serve.data_dir, "Directory for the catalog, WAL and Parquet files")
      ->envname(env("DATA_DIR"))
      ->capture_default_str();
  serve_cmd->add_option("--http-bind", serve.http_bind, "Address and port to serve HTTP on")
      ->envname(env("HTTP_BIND"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--http-threads",
                   serve.http_threads,
                   "Threads serving HTTP requests (0: max(4, 2 x cores))")
      ->envname(env("HTTP_THREADS"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-http-request-size",
                   serve.max_http_request_size,
                   "Largest accepted request body, before and after gzip decompression")
      ->envname(env("MAX_HTTP_REQUEST_SIZE"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--wal-flush-interval",
                   serve.wal_flush_interval,
                   "How long the WAL waits to gather more writes into one fsync (0: fsync as soon "
                   "as the previous one ends; writes arriving meanwhile share the next)")
      ->envname(env("WAL_FLUSH_INTERVAL"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--wal-max-segment-size",
                   serve.wal_max_segment_size,
                   "Size at which the WAL starts a new segment file")
      ->envname(env("WAL_MAX_SEGMENT_SIZE"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--write-buffer-limit",
                   serve.write_buffer_limit,
                   "Memory for buffered rows; near it the oldest time windows are persisted to "
                   "Parquet at once, and writes get HTTP 503 only if that cannot make room")
      ->envname(env("WRITE_BUFFER_LIMIT"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--exec-mem-pool-bytes",
                   serve.exec_mem_pool_bytes,
                   "Memory all running queries together may use for sorts, aggregations, joins "
                   "and window functions, as a size or a percentage of the machine's memory; a "
                   "query needing more than is left fails (0: no limit)")
      ->envname(env("EXEC_MEM_POOL_BYTES"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--query-memory-limit",
                   serve.query_memory_limit,
                   "Memory one query may use of --exec-mem-pool-bytes, as a size or a percentage "
                   "of the machine's memory; a query needing more fails (0: the whole pool)")
      ->envname(env("QUERY_MEMORY_LIMIT"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-concurrent-queries",
                   serve.max_concurrent_queries,
                   "Queries running at once; more wait in the queue (0: 2 x cores)")
      ->envname(env("MAX_CONCURRENT_QUERIES"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--query-queue-size",
                   serve.query_queue_size,
                   "Queries that may wait for a running one to end; beyond, HTTP 503 (-1: 50 x "
                   "--max-concurrent-queries, at least 100)")
      ->envname(env("QUERY_QUEUE_SIZE"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--query-timeout",
                   serve.query_timeout,
                   "A query taking longer from its arrival (waiting included) is cancelled, e.g. "
                   "30s (0: no limit)")
      ->envname(env("QUERY_TIMEOUT"))
      ->capture_default_str();
  serve_cmd
      ->add_option(
          "--query-log-size", serve.query_log_size, "Recent queries kept in system.queries")
      ->envname(env("QUERY_LOG_SIZE"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--query-partitions",
                   serve.query_partitions,
                   "Partitions a query's scans are split into, run in parallel (0: one per core)")
      ->envname(env("QUERY_PARTITIONS"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--query-min-rows-per-partition",
                   serve.query_min_rows_per_partition,
                   "Rows a scan must expect to read per partition before it uses more than one; "
                   "smaller scans run on one thread")
      ->envname(env("QUERY_MIN_ROWS_PER_PARTITION"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--gen1-duration,--partition-duration",
                   serve.gen1_duration,
                   "Time window size: rows are buffered and persisted in windows this long, a "
                   "window is written to Parquet once it has been closed for this long")
      ->envname(env("GEN1_DURATION"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--object-store",
                   serve.object_store,
                   "Where Parquet files go: 'file' (under --data-dir/objects) or 'memory' (for "
                   "tests: persisted data is lost when the server exits)")
      ->envname(env("OBJECT_STORE"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--parquet-mem-cache-size",
                   serve.parquet_mem_cache_size,
                   "Memory for Parquet files kept open for queries, as a size or a percentage of "
                   "the machine's memory (0: none are kept)")
      ->envname(env("PARQUET_MEM_CACHE_SIZE"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--query-file-limit",
                   serve.query_file_limit,
                   "Most Parquet files one table scan of a query may read (in its time range); a "
                   "query needing more fails (0: no limit; the default is more than a year of "
                   "10-minute files)")
      ->envname(env("QUERY_FILE_LIMIT"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--snapshot-check-interval",
                   serve.snapshot_check_interval,
                   "How often to look for time windows to persist (0: only when the write buffer "
                   "nears its limit or on POST /api/v3/snapshot)")
      ->envname(env("SNAPSHOT_CHECK_INTERVAL"))
      ->group("Advanced")
      ->capture_default_str();
  serve_cmd
      ->add_flag("--disable-compaction",
                 serve.disable_compaction,
                 "Do not merge the Parquet files of a time window written by several snapshots "
                 "into one")
      ->envname(env("DISABLE_COMPACTION"))
      ->group("Advanced");
  serve_cmd->add_option("--max-databases", serve.max_databases, "Most databases allowed")
      ->envname(env("MAX_DATABASES"))
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_cmd->add_option("--max-tables", serve.max_tables, "Most tables allowed")
      ->envname(env("MAX_TABLES"))
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-columns-per-table",
                   serve.max_columns_per_table,
                   "Most columns (tags, fields and time) in one table")
      ->envname(env("MAX_COLUMNS_PER_TABLE"))
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_cmd->add_option("--log-level", serve.log_level, "trace, debug, info, warn, error or off")
      ->envname(env("LOG_LEVEL"))
      ->capture_default_str();
  serve_cmd
      ->add_flag("--without-auth",
                 serve.without_auth,
                 "Run without authentication: every request is allowed (by default every request "
                 "needs a token; create the first with `strata create token --admin`)")
      ->envname(env("WITHOUT_AUTH"));
  serve_cmd
      ->add_option("--disable-authz",
                   serve.disable_authz,
                   "Comma-separated resources that need no token: health, ping, metrics")
      ->envname(env("DISABLE_AUTHZ"));
  serve_cmd
      ->add_option("--auth-token",
                   serve.auth_token,
                   "A pre-shared admin token accepted besides the catalog's tokens (kept only as "
                   "a hash); prefer STRATA_AUTH_TOKEN, which other users cannot see in ps")
      ->envname(env("AUTH_TOKEN"));
  serve_cmd
      ->add_option("--traces-exporter",
                   serve.traces_exporter,
                   "Where query traces go: 'none', 'otlp-file' (OTLP/JSON lines appended to "
                   "--traces-exporter-file) or 'otlp-http' (POSTed to "
                   "--traces-exporter-otlp-endpoint)")
      ->envname(env("TRACES_EXPORTER"))
      ->capture_default_str();
  serve_cmd
      ->add_option("--traces-exporter-file",
                   serve.traces_exporter_file,
                   "File that --traces-exporter otlp-file appends to, one OTLP/JSON request a line")
      ->envname(env("TRACES_EXPORTER_FILE"));
  serve_cmd
      ->add_option(
          "--traces-exporter-otlp-endpoint",
          serve.traces_exporter_otlp_endpoint,
          "Collector URL for --traces-exporter otlp-http, http://HOST:PORT (requests go to "
          "/v1/traces) or a full URL with its path")
      ->envname(env("TRACES_EXPORTER_OTLP_ENDPOINT"));
  serve_cmd
      ->add_option("--traces-exporter-max-queued",
                   serve.traces_exporter_max_queued,
                   "Traces waiting for the exporter beyond this many are dropped (and counted in "
                   "strata_traces_dropped_total)")
      ->envname(env("TRACES_EXPORTER_MAX_QUEUED"))
      ->group("Advanced")
      ->capture_default_str();

  WriteFlags write;
  CLI::App* write_cmd = app.add_subcommand(
      "write", "Write line protocol from a file or standard input to a running server");
  write_cmd->add_option("--host", write.host, "Server URL")
      ->envname(env("HOST"))
      ->capture_default_str();
  write_cmd->add_option("-d,--database", write.database, "Database to write to")
      ->envname(env("DATABASE"))
      ->required();
  write_cmd->add_option("--precision", write.precision, "auto, ns, us, ms or s")
      ->capture_default_str();
  write_cmd->add_option("-f,--file", write.file, "Line protocol file (default: standard input)");
  write_cmd->add_flag(
      "--no-partial", write.no_partial, "Reject a whole request if any line is invalid");
  write_cmd->add_flag("--no-sync",
                      write.no_sync,
                      "Acknowledge before the WAL fsync (faster, may lose the last writes)");
  write_cmd->add_option("--batch-size", write.batch_size, "Bytes of line protocol per request")
      ->capture_default_str();
  write_cmd->add_option("--token",
                        write.token,
                        "Authentication token (default: STRATA_TOKEN, then INFLUXDB3_AUTH_TOKEN)");

  strata::cli::QueryFlags query;
  CLI::App* query_cmd = app.add_subcommand(
      "query",
      "Run SQL or InfluxQL on a running server: one statement, statements from standard input, "
      "or an interactive shell when standard input is a terminal");
  query_cmd->add_option("--host", query.host, "Server URL")
      ->envname(env("HOST"))
      ->capture_default_str();
  query_cmd->add_option("-d,--database", query.database, "Database to query")
      ->envname(env("DATABASE"));
  query_cmd->add_option("--format", query.format, "json, jsonl, csv, pretty or parquet")
      ->capture_default_str();
  query_cmd
      ->add_option("-l,--language",
                   query.language,
                   "sql, or influxql (InfluxDB 1.x's query language, sent to "
                   "/api/v3/query_influxql)")
      ->check(CLI::IsMember({"sql", "influxql"}))
      ->capture_default_str();
  query_cmd->add_option("-o,--output",
                        query.output,
                        "Write the results to this file instead of standard output (a Parquet "
                        "result needs a file)");
  query_cmd->add_option("--token",
                        query.token,
                        "Authentication token (default: STRATA_TOKEN, then INFLUXDB3_AUTH_TOKEN)");
  query_cmd->add_option(
      "query", query.sql, "The statement to run (default: standard input or the shell)");

  SnapshotFlags snapshot;
  CLI::App* snapshot_cmd = app.add_subcommand(
      "snapshot", "Make a running server persist everything it buffers to Parquet files now");
  snapshot_cmd->add_option("--host", snapshot.host, "Server URL")
      ->envname(env("HOST"))
      ->capture_default_str();
  snapshot_cmd->add_option(
      "--token",
      snapshot.token,
      "Authentication token (default: STRATA_TOKEN, then INFLUXDB3_AUTH_TOKEN)");

  strata::cli::CreateTokenFlags create_token;
  CLI::App* create_cmd =
      app.add_subcommand("create", "Create a token or a cache (last_cache, distinct_cache)");
  create_cmd->require_subcommand(1);
  CLI::App* create_token_cmd = create_cmd->add_subcommand(
      "token",
      "Create the operator (admin) token, or regenerate it; the token is printed once and the "
      "server keeps only its hash");
  create_token_cmd->add_flag("--admin", create_token.admin, "Create an admin (operator) token");
  create_token_cmd->add_flag("--regenerate",
                             create_token.regenerate,
                             "Replace the operator token; the old one stops working (needs "
                             "--token, unless --offline)");
  create_token_cmd->add_option("--host", create_token.host, "Server URL")
      ->envname(env("HOST"))
      ->capture_default_str();
  create_token_cmd->add_option(
      "--token",
      create_token.token,
      "The current operator token (default: STRATA_TOKEN, then INFLUXDB3_AUTH_TOKEN)");
  create_token_cmd->add_flag("--offline",
                             create_token.offline,
                             "Write into the catalog of a stopped server instead of asking a "
                             "running one (to recover a lost token); needs --data-dir");
  create_token_cmd->add_option(
      "--data-dir", create_token.data_dir, "The stopped server's data directory (--offline)");
  create_token_cmd->add_option("--format", create_token.format, "text or json")
      ->capture_default_str();

  // create (token above; last_cache, distinct_cache), delete and show: cache management
  // (cache_commands.h).
  CLI::App* delete_cmd = app.add_subcommand("delete", "Delete a cache on a running server");
  CLI::App* show_cmd = app.add_subcommand("show", "List caches of a running server");
  for (CLI::App* group : {delete_cmd, show_cmd}) {
    group->require_subcommand(1);
  }
  strata::cli::CacheCommands cache_commands(create_cmd, delete_cmd, show_cmd);

  // The environment variable of --gen1-duration's old name still works.
  if (std::getenv("STRATA_GEN1_DURATION") == nullptr) {
    if (const char* old_name = std::getenv("STRATA_PARTITION_DURATION")) {
      serve.gen1_duration = old_name;
    }
  }

  CLI11_PARSE(app, argc, argv);
  for (std::string* token : {&write.token, &query.token, &snapshot.token, &create_token.token}) {
    strata::cli::TokenFromEnvironment(token);
  }
  if (create_token_cmd->parsed()) {
    return strata::cli::RunCreateToken(create_token);
  }
  if (serve_cmd->parsed()) {
    return strata::cli::RunServe(serve);
  }
  if (write_cmd->parsed()) {
    return strata::cli::RunWrite(write);
  }
  if (query_cmd->parsed()) {
    return strata::cli::RunQuery(query);
  }
  if (snapshot_cmd->parsed()) {
    return strata::cli::RunSnapshot(snapshot);
  }
  if (cache_commands.Parsed()) {
    return cache_commands.Run();
  }
  return 2;
}
