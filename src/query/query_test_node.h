// An in-process strata node for tests and benchmarks of the query engine: catalog, WAL, write
// buffer, write path, query engine and, optionally, persistence (an in-memory object store, a
// persister and a Parquet file cache).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_join.h"
#include "common/check.h"
#include "objectstore/in_memory_object_store.h"
#include "persist/file_cache.h"
#include "persist/partition_encoder.h"
#include "persist/persister.h"
#include "query/compaction.h"
#include "query/query_engine.h"
#include "query/query_test_util.h"
#include "wal/wal.h"
#include "write/write_path.h"

namespace strata::query {

// `dir` (a WAL directory is made in it) is removed when the node goes. With `persist`, scans also
// read the persisted files.
class TestNode {
 public:
  TestNode(const std::filesystem::path& dir,
           bool persist,
           parquet::WriterOptions writer = {},
           int64_t file_limit = 0,
           uint64_t file_cache_bytes = 64 << 20)
      : dir_(dir), writer_(writer) {
    std::filesystem::remove_all(dir_);
    catalog_ = catalog::Catalog::CreateInMemory(catalog::CatalogLimits{});
    wal::WalOptions wal_options;
    wal_options.directory = (dir_ / "wal").string();
    auto wal = wal::Wal::Open(wal_options);
    STRATA_CHECK(wal.ok());
    wal_ = *std::move(wal);
    buffer_ = std::make_unique<buffer::WriteBuffer>();
    write_ = std::make_unique<write::WritePath>(catalog_.get(), wal_.get(), buffer_.get());
    write_->SetCaches(&caches_);
    engine_ = std::make_unique<QueryEngine>(catalog_.get(), buffer_.get());
    engine_->AttachCaches(&caches_);
    engine_without_caches_ = std::make_unique<QueryEngine>(catalog_.get(), buffer_.get());
    if (persist) {
      persister_ = std::make_unique<persist::Persister>(
          buffer_.get(),
          &store_,
          persist::MakeCatalogPartitionEncoder(catalog_.get(), writer),
          persist::WalHooks{
              .wait_durable = [this](uint64_t s) { return wal_->WaitDurable(s); },
              .next_apply_sequence = [this] { return write_->NextApplySequence(); },
              .remove_through = [this](uint64_t s) { return wal_->RemoveSegmentsThrough(s); },
          });
      STRATA_CHECK(persister_->Open().ok());
      files_ = std::make_unique<persist::ParquetFileCache>(&store_, file_cache_bytes);
      engine_->AttachPersistedFiles(persister_.get(), files_.get(), file_limit);
      engine_without_caches_->AttachPersistedFiles(persister_.get(), files_.get(), file_limit);
    }
    STRATA_CHECK(write_->Recover().ok());
  }
  ~TestNode() {
    engine_.reset();
    engine_without_caches_.reset();
    persister_.reset();
    write_.reset();
    wal_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Writes line protocol (nanosecond times) into database "db"; the first error, if any.
  absl::Status Write(std::string_view lines) {
    write::WriteRequest request;
    request.database = "db";
    request.body = lines;
    request.precision = lineprotocol::Precision::kNanosecond;
    auto outcome = write_->Write(request);
    if (!outcome.ok()) {
      return outcome.status();
    }
    if (!outcome->errors.empty()) {
      return absl::InvalidArgumentError(outcome->errors[0].message);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<persist::SnapshotSummary> Snapshot(int64_t max_last) {
    return persister_->Snapshot(max_last);
  }

  // Compacts every window with more than one file, as the server's snapshot thread does.
  // Returns the number of compactions.
  absl::StatusOr<int> CompactAll() {
    int compactions = 0;
    for (const persist::CompactionCandidate& window : persister_->CompactionCandidates(2)) {
      auto summary =
          persister_->Compact(window.database_id,
                              window.table_id,
                              window.window_start,
                              MakeCompactionEncoder(catalog_.get(), files_.get(), writer_));
      if (!summary.ok()) {
        return summary.status();
      }
      compactions += summary->sequence != 0 ? 1 : 0;
    }
    return compactions;
  }

  absl::StatusOr<std::vector<std::string>> Query(std::string_view sql) const {
    return QueryRows(*engine_, "db", sql, /*exact_floats=*/true);
  }
  // EXPLAIN ANALYZE of `sql`, as one string (the error's text if it fails).
  std::string Analyze(std::string_view sql) const {
    auto rows = Query(std::string("EXPLAIN ANALYZE ") + std::string(sql));
    return rows.ok() ? absl::StrJoin(*rows, "\n") : rows.status().ToString();
  }

  int64_t BufferedRows() const {
    int64_t rows = 0;
    auto snapshot = catalog_->snapshot();
    for (const auto& database : snapshot->databases()) {
      for (const auto& table : database->tables()) {
        if (auto stats = buffer_->table_stats(database->id(), table->id())) {
          rows += stats->rows;
        }
      }
    }
    return rows;
  }
  size_t Files() const { return persister_->index()->files().size(); }
  objectstore::InMemoryObjectStore& store() { return store_; }
  QueryEngine& engine() { return *engine_; }
  // An engine over the same data that knows no cache (the answers without them).
  QueryEngine& engine_without_caches() { return *engine_without_caches_; }
  catalog::Catalog& catalog() { return *catalog_; }
  cache::CacheManager& caches() { return caches_; }
  persist::Persister& persister() { return *persister_; }

 private:
  std::filesystem::path dir_;
  parquet::WriterOptions writer_;
  std::unique_ptr<catalog::Catalog> catalog_;
  cache::CacheManager caches_;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<buffer::WriteBuffer> buffer_;
  std::unique_ptr<write::WritePath> write_;
  objectstore::InMemoryObjectStore store_;
  std::unique_ptr<persist::Persister> persister_;
  std::unique_ptr<persist::ParquetFileCache> files_;
  std::unique_ptr<QueryEngine> engine_;
  std::unique_ptr<QueryEngine> engine_without_caches_;
};

}  // namespace strata::query
