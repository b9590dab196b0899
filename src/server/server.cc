// Wiring of the server's components and the data directory layout:
//   <data-dir>/LOCK       flock()ed while a server runs
//   <data-dir>/catalog/   the catalog (docs/catalog.md)
//   <data-dir>/wal/       WAL segments (docs/wal_format.md)
//   <data-dir>/objects/   the object store with --object-store file: Parquet files and the file
//                         index (docs/persistence.md)
#include "server/server.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "auth/token.h"
#include "buffer/write_buffer.h"
#include "catalog/catalog.h"
#include "common/logging.h"
#include "common/status.h"
#include "exec/memory_pool.h"
#include "fmt/format.h"
#include "objectstore/object_store.h"
#include "observe/span_exporter.h"
#include "persist/file_cache.h"
#include "persist/partition_encoder.h"
#include "persist/persister.h"
#include "persist/snapshot_scheduler.h"
#include "query/cache_fill.h"
#include "query/compaction.h"
#include "query/query_engine.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/otlp_http_sender.h"
#include "server/server_metrics.h"
#include "strata/version.h"
#include "wal/wal.h"
#include "write/write_path.h"

namespace strata::server {

struct Server::Impl {
  ServerOptions options;
  int lock_fd = -1;
  // Declared first, destroyed last: the components' callback series read them until then.
  metrics::Registry metric_registry;
  std::unique_ptr<ServerMetrics> metrics;
  std::unique_ptr<observe::SpanExporter> span_exporter;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<wal::Wal> wal;
  std::unique_ptr<buffer::WriteBuffer> buffer;
  std::unique_ptr<cache::CacheManager> caches;
  std::unique_ptr<write::WritePath> write_path;
  std::unique_ptr<objectstore::ObjectStore> store;
  std::unique_ptr<persist::Persister> persister;
  std::unique_ptr<persist::SnapshotScheduler> snapshots;
  std::unique_ptr<persist::ParquetFileCache> file_cache;
  std::unique_ptr<persist::ParquetFileCache> compaction_files;
  std::unique_ptr<query::QueryLog> query_log;
  std::unique_ptr<query::QueryEngine> query_engine;
  std::unique_ptr<Api> api;
  std::unique_ptr<HttpServer> http;
  bool stopped = false;
  // Fills the caches the catalog defines from the tables' data after start-up (they start
  // closed: queries of a cache wait for its fill).
  std::thread cache_fill;
  std::atomic<bool> stop_cache_fill{false};

  void JoinCacheFill() {
    stop_cache_fill.store(true);
    if (cache_fill.joinable()) {
      cache_fill.join();
    }
  }

  // Members are destroyed in reverse order: the snapshot thread stops before the persister,
  // the WAL and the buffer it uses go away.
  ~Impl() {
    JoinCacheFill();
    if (lock_fd >= 0) {
      close(lock_fd);
    }
  }
};

absl::Status ParseBindAddress(const std::string& bind, std::string* host, uint16_t* port) {
  size_t colon = bind.rfind(':');
  if (colon == std::string::npos || colon + 1 == bind.size()) {
    return absl::InvalidArgumentError(
        fmt::format("invalid --http-bind '{}': expected HOST:PORT, e.g. 127.0.0.1:8181", bind));
  }
  std::string h = bind.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  unsigned long value = 0;
  const std::string digits = bind.substr(colon + 1);
  for (char c : digits) {
    if (c < '0' || c > '9' || value > 65535) {
      return absl::InvalidArgumentError(
          fmt::format("invalid port '{}' in --http-bind '{}'", digits, bind));
    }
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 65535) {
    return absl::InvalidArgumentError(
        fmt::format("invalid port '{}' in --http-bind '{}'", digits, bind));
  }
  *host = h.empty() ? "0.0.0.0" : h;
  *port = static_cast<uint16_t>(value);
  return absl::OkStatus();
}

namespace {

// The trace exporter --traces-exporter asks for (null for "none").
absl::StatusOr<std::unique_ptr<observe::SpanExporter>> MakeSpanExporter(
    const ServerOptions& options) {
  observe::OtlpSend send;
  if (options.traces_exporter == "none" || options.traces_exporter.empty()) {
    return nullptr;
  } else if (options.traces_exporter == "otlp-file") {
    if (options.traces_exporter_file.empty()) {
      return absl::InvalidArgumentError(
          "--traces-exporter otlp-file needs --traces-exporter-file PATH");
    }
    STRATA_ASSIGN_OR_RETURN(send, observe::OpenOtlpFileSender(options.traces_exporter_file));
  } else if (options.traces_exporter == "otlp-http") {
    if (options.traces_exporter_otlp_endpoint.empty()) {
      return absl::InvalidArgumentError(
          "--traces-exporter otlp-http needs --traces-exporter-otlp-endpoint URL");
    }
    STRATA_ASSIGN_OR_RETURN(send, MakeOtlpHttpSender(options.traces_exporter_otlp_endpoint));
  } else {
    return absl::InvalidArgumentError(
        fmt::format("--traces-exporter must be 'none', 'otlp-file' or 'otlp-http', not '{}'",
                    options.traces_exporter));
  }
  if (options.traces_exporter_max_queued < 1) {
    return absl::InvalidArgumentError(
        fmt::format("--traces-exporter-max-queued must be at least 1, not {}",
                    options.traces_exporter_max_queued));
  }
  return std::make_unique<observe::SpanExporter>(
      std::move(send), "strata", static_cast<size_t>(options.traces_exporter_max_queued));
}

int64_t SystemClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  (void)Stop();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Open(const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        fmt::format("cannot create data directory '{}': {}", options.data_dir, ec.message()));
  }
  std::string lock_path = options.data_dir + "/LOCK";
  impl->lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (impl->lock_fd < 0) {
    return absl::FailedPreconditionError(
        fmt::format("cannot open '{}': {}", lock_path, std::strerror(errno)));
  }
  if (flock(impl->lock_fd, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(
        fmt::format("data directory '{}' is in use by another strata process (lock held on {})",
                    options.data_dir,
                    lock_path));
  }

  impl->metrics = std::make_unique<ServerMetrics>(&impl->metric_registry);
  STRATA_ASSIGN_OR_RETURN(impl->span_exporter, MakeSpanExporter(options));
  if (impl->span_exporter != nullptr) {
    STRATA_LOG_INFO("exporting query traces exporter={} destination={}",
                    options.traces_exporter,
                    options.traces_exporter == "otlp-file" ? options.traces_exporter_file
                                                           : options.traces_exporter_otlp_endpoint);
  }

  catalog::CatalogLimits limits;
  if (options.max_databases > 0)
    limits.max_databases = options.max_databases;
  if (options.max_tables > 0)
    limits.max_tables = options.max_tables;
  if (options.max_columns_per_table > 0) {
    limits.max_columns_per_table = options.max_columns_per_table;
  }
  STRATA_ASSIGN_OR_RETURN(impl->catalog,
                          catalog::Catalog::Open(options.data_dir + "/catalog", limits));

  wal::WalOptions wal_options;
  wal_options.directory = options.data_dir + "/wal";
  wal_options.flush_interval = options.wal_flush_interval;
  wal_options.max_segment_bytes = options.wal_max_segment_size;
  wal_options.fsync_seconds = impl->metrics->wal_fsync_seconds;
  STRATA_ASSIGN_OR_RETURN(impl->wal, wal::Wal::Open(wal_options));

  buffer::WriteBufferOptions buffer_options;
  buffer_options.partition_duration_ns = options.gen1_duration_ns;
  if (options.write_buffer_limit > 0) {
    buffer_options.memory_limit_bytes = options.write_buffer_limit;
  }
  STRATA_RETURN_IF_ERROR(buffer::ValidateWriteBufferOptions(buffer_options));
  impl->buffer = std::make_unique<buffer::WriteBuffer>(buffer_options);
  impl->write_path =
      std::make_unique<write::WritePath>(impl->catalog.get(), impl->wal.get(), impl->buffer.get());
  // The caches the catalog defines start empty: the WAL replay refills them with what the WAL
  // holds, and a scan of their tables (buffer and Parquet files) once the query engine is up.
  impl->caches = std::make_unique<cache::CacheManager>();
  impl->caches->LoadDefinitions(*impl->catalog->snapshot(), /*filled=*/false);
  impl->write_path->SetCaches(impl->caches.get());

  auto started = std::chrono::steady_clock::now();
  STRATA_ASSIGN_OR_RETURN(impl->store,
                          objectstore::MakeObjectStore(options.object_store, options.data_dir));
  if (options.object_store == "memory") {
    STRATA_LOG_WARN(
        "--object-store memory: Parquet files live in memory and are lost when the server "
        "exits, along with every row they hold (the WAL is trimmed once rows are persisted)");
  }
  wal::Wal* wal = impl->wal.get();
  write::WritePath* write_path = impl->write_path.get();
  persist::WalHooks hooks{
      .wait_durable = [wal](uint64_t sequence) { return wal->WaitDurable(sequence); },
      .next_apply_sequence = [write_path] { return write_path->NextApplySequence(); },
      .remove_through = [wal](uint64_t sequence) { return wal->RemoveSegmentsThrough(sequence); },
  };
  impl->persister = std::make_unique<persist::Persister>(
      impl->buffer.get(),
      impl->store.get(),
      persist::MakeCatalogPartitionEncoder(impl->catalog.get()),
      std::move(hooks),
      persist::PersisterOptions{.checkpoint_interval = 100, .clock_ns = SystemClockNs});
  // The index must be loaded before the WAL replay, which skips rows already in files.
  STRATA_RETURN_IF_ERROR_CTX(impl->persister->Open(), "loading the file index");
  {
    std::shared_ptr<const persist::FileIndex> index = impl->persister->index();
    uint64_t bytes = 0;
    for (const auto& [id, file] : index->files()) {
      bytes += file.size_bytes;
    }
    STRATA_LOG_INFO("file index loaded object_store={} last_snapshot={} files={} bytes={}",
                    impl->store->Description(),
                    index->last_sequence(),
                    index->files().size(),
                    bytes);
  }
  STRATA_RETURN_IF_ERROR(impl->write_path->Recover());
  STRATA_LOG_INFO(
      "recovered data_dir={} seconds={:.3f}",
      options.data_dir,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  // Compaction reads the files it merges through a cache of its own that keeps nothing, so it
  // does not evict what queries use.
  impl->compaction_files = std::make_unique<persist::ParquetFileCache>(impl->store.get(), 0);
  impl->snapshots = std::make_unique<persist::SnapshotScheduler>(
      impl->persister.get(),
      impl->buffer.get(),
      persist::SnapshotSchedulerOptions{
          .gen1_duration_ns = options.gen1_duration_ns,
          .check_interval = options.snapshot_check_interval,
          .clock_ns = SystemClockNs,
          .compaction_encoder =
              options.compaction
                  ? query::MakeCompactionEncoder(impl->catalog.get(), impl->compaction_files.get())
                  : nullptr});
  persist::SnapshotScheduler* snapshots = impl->snapshots.get();
  impl->write_path->SetBufferRoom(
      write::BufferRoom{.note_growth = [snapshots] { snapshots->NoteBufferGrowth(); },
                        .wait_for_room = [snapshots] { return snapshots->WaitForRoom(); }});
  impl->file_cache = std::make_unique<persist::ParquetFileCache>(impl->store.get(),
                                                                 options.parquet_mem_cache_size);
  auto memory_limit = [](uint64_t bytes) {
    return bytes == 0 || bytes >= static_cast<uint64_t>(exec::MemoryPool::kUnlimited)
               ? exec::MemoryPool::kUnlimited
               : static_cast<int64_t>(bytes);
  };
  const int64_t pool_bytes = memory_limit(options.exec_mem_pool_bytes);
  const int64_t per_query_bytes = memory_limit(options.query_memory_limit);
  auto limit_text = [](int64_t bytes) {
    return bytes == exec::MemoryPool::kUnlimited ? std::string("none") : std::to_string(bytes);
  };
  STRATA_LOG_INFO("query engine exec_mem_pool_bytes={} query_memory_limit_bytes={}",
                  limit_text(pool_bytes),
                  limit_text(per_query_bytes));
  impl->query_log =
      std::make_unique<query::QueryLog>(static_cast<size_t>(std::max(0, options.query_log_size)));
  impl->query_engine = std::make_unique<query::QueryEngine>(
      impl->catalog.get(),
      impl->buffer.get(),
      std::make_shared<exec::MemoryPool>(
          pool_bytes,
          "raise --exec-mem-pool-bytes, run fewer queries at once (--max-concurrent-queries), or "
          "add filters or a LIMIT",
          nullptr,
          "execution memory pool (all running queries)"),
      query::QueryOptions{.params = {},
                          .target_partitions = options.query_partitions,
                          .min_rows_per_partition = options.query_min_rows_per_partition,
                          .context = nullptr,
                          .trace = nullptr,
                          .parent_span_id = 0,
                          .unlimited_files = false,
                          .plan_totals = nullptr});
  impl->query_engine->AttachPersistedFiles(
      impl->persister.get(), impl->file_cache.get(), options.query_file_limit);
  impl->query_engine->AttachCaches(impl->caches.get());
  impl->query_engine->AttachQueryLog(impl->query_log.get());
  impl->query_engine->SetSpanExporter(impl->span_exporter.get());
  AuthOptions auth{.enabled = options.auth_enabled,
                   .disabled_authz = options.disabled_authz,
                   .preshared_token_hash =
                       options.auth_token.empty() ? "" : auth::HashToken(options.auth_token)};
  // The pre-shared token itself is not kept.
  impl->options.auth_token.clear();
  if (!options.auth_enabled) {
    STRATA_LOG_WARN("authentication is off (--without-auth): every request is allowed");
  } else if (options.auth_token.empty() &&
             impl->catalog->snapshot()->FindToken(catalog::TokenInfo::kOperatorName) == nullptr) {
    STRATA_LOG_WARN(
        "authentication is on and there is no token yet: create the operator token with "
        "`strata create token --admin` (POST /api/v3/configure/token/admin), or start with "
        "--without-auth");
  }
  impl->api = std::make_unique<Api>(impl->write_path.get(),
                                    impl->catalog.get(),
                                    impl->buffer.get(),
                                    impl->query_engine.get(),
                                    SystemClockNs,
                                    std::move(auth),
                                    impl->snapshots.get());
  impl->api->SetCaches(impl->caches.get());
  impl->api->ConfigureQueries(QueryApiOptions{
      .max_concurrent_queries = options.max_concurrent_queries,
      .query_queue_size = options.query_queue_size,
      .query_timeout = options.query_timeout,
      .query_memory_limit = per_query_bytes == exec::MemoryPool::kUnlimited ? 0 : per_query_bytes,
      .query_log = impl->query_log.get(),
      .watchdog_interval = std::chrono::milliseconds(50),
  });
  RegisterComponentMetrics(&impl->metric_registry,
                           MetricSources{.write_path = impl->write_path.get(),
                                         .wal = impl->wal.get(),
                                         .buffer = impl->buffer.get(),
                                         .snapshots = impl->snapshots.get(),
                                         .persister = impl->persister.get(),
                                         .file_cache = impl->file_cache.get(),
                                         .query_memory = impl->query_engine->memory_pool().get(),
                                         .span_exporter = impl->span_exporter.get()});
  impl->api->SetObservability(impl->metrics.get(), impl->span_exporter.get());
  {
    Api* api = impl->api.get();
    persist::SnapshotScheduler* scheduler = impl->snapshots.get();
    impl->metric_registry.AddCallbackGauge(
        "strata_queries_queued",
        "Queries waiting for admission (--max-concurrent-queries, --query-queue-size)",
        {},
        [api] { return static_cast<double>(api->query_stats().queued); });
    impl->metric_registry.AddCallbackCounter(
        "strata_queries_rejected_total",
        "Queries refused with 503 because the admission queue was full",
        {},
        [api] { return static_cast<double>(api->query_stats().rejected); });
    const cache::CacheManager* caches = impl->caches.get();
    for (const auto& entry : {std::pair{cache::CacheManager::CacheKind::kLast, "last"},
                              std::pair{cache::CacheManager::CacheKind::kDistinct, "distinct"}}) {
      const cache::CacheManager::CacheKind kind = entry.first;
      const char* label = entry.second;
      impl->metric_registry.AddCallbackCounter(
          "strata_cache_hits_total",
          "Lookups of a last-value or distinct-value cache that returned rows",
          {{"cache", label}},
          [caches, kind] { return static_cast<double>(caches->hits(kind)); });
      impl->metric_registry.AddCallbackCounter(
          "strata_cache_misses_total",
          "Lookups of a last-value or distinct-value cache that returned no row",
          {{"cache", label}},
          [caches, kind] { return static_cast<double>(caches->misses(kind)); });
    }
    impl->metric_registry.AddCallbackCounter(
        "strata_compactions_total",
        "Compactions of a time window's Parquet files into one",
        {},
        [scheduler] { return static_cast<double>(scheduler->stats().compactions); });
    impl->metric_registry.AddCallbackCounter(
        "strata_compacted_files_total", "Parquet files replaced by compactions", {}, [scheduler] {
          return static_cast<double>(scheduler->stats().compacted_files);
        });
  }
  if (!impl->caches->Unfilled().empty()) {
    Impl* state = impl.get();
    impl->cache_fill = std::thread([state] {
      query::FillPendingCaches(
          *state->query_engine, *state->catalog, state->caches.get(), &state->stop_cache_fill);
    });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

absl::Status Server::Start() {
  HttpServerOptions http_options;
  STRATA_RETURN_IF_ERROR(
      ParseBindAddress(impl_->options.http_bind, &http_options.bind_address, &http_options.port));
  http_options.max_request_bytes = impl_->options.max_http_request_size;
  // As InfluxDB 1.x sends them on every response; clients read the version from /ping's.
  http_options.response_headers = {{"X-Influxdb-Version", kVersion},
                                   {"X-Influxdb-Build", "strata"}};
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  http_options.threads =
      impl_->options.http_threads > 0 ? impl_->options.http_threads : std::max(4, 2 * cores);
  impl_->snapshots->Start();
  Api* api = impl_->api.get();
  impl_->http = std::make_unique<HttpServer>(
      http_options, [api](const HttpRequest& request, HttpResponse* response) {
        api->Handle(request, response);
      });
  STRATA_RETURN_IF_ERROR(impl_->http->Start());
  STRATA_LOG_INFO("listening address={}:{} threads={}",
                  http_options.bind_address,
                  impl_->http->port(),
                  http_options.threads);
  return absl::OkStatus();
}

uint16_t Server::port() const {
  return impl_->http ? impl_->http->port() : 0;
}

query::QueryStats Server::query_stats() const {
  return impl_->api->query_stats();
}

absl::Status Server::Stop() {
  if (impl_->stopped) {
    return absl::OkStatus();
  }
  impl_->stopped = true;
  impl_->JoinCacheFill();
  if (impl_->api) {
    // Before HTTP stops: queued queries hold their connections, which must close on their threads.
    impl_->api->ShutdownQueries();
  }
  if (impl_->http) {
    impl_->http->Stop();
  }
  // Before the WAL closes: a snapshot waits for WAL records to be durable and trims segments.
  if (impl_->snapshots) {
    impl_->snapshots->Stop();
  }
  absl::Status status = impl_->wal ? impl_->wal->Close() : absl::OkStatus();
  STRATA_LOG_INFO("stopped wal_closed={}", status.ok());
  return status;
}

}  // namespace strata::server
