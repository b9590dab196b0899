// BufferScanExec: the physical scan of one table of the write buffer. It prunes chunks by time
// (through WriteBuffer::SnapshotTable) and by per-column statistics, turns each remaining chunk
// into a batch of the scanned columns, applies the pushed-down filters as a selection vector and
// stops at the pushed-down limit.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "buffer/chunk_snapshot.h"
#include "buffer/write_buffer.h"
#include "columnar/schema.h"
#include "exec/execution_plan.h"
#include "exec/physical_expr.h"
#include "query/scan_sources.h"

namespace strata::query {

// Everything that defines a buffer scan, as plain data (what the plan codec serializes; the
// write buffer itself is supplied by whoever rebuilds the node).
//
// The scan reads `column_ids` into a batch of `scan_schema`: first the output columns (the
// projection, `output_columns` of them), then the columns only the filters read. The filters
// are conjuncts over that scan schema; the rows they select are returned with only the output
// columns.
struct BufferScanSpec {
  uint32_t database_id = 0;
  uint32_t table_id = 0;
  std::string table_name;
  // Catalog column ids to read (0 is time), one per field of scan_schema.
  std::vector<uint32_t> column_ids;
  SchemaPtr scan_schema;
  int output_columns = 0;
  // Conjuncts over scan_schema; a row is returned only when every one is true.
  std::vector<exec::PhysicalExprPtr> filters;
  // At most this many rows per partition (set only when nothing filters above the scan).
  std::optional<int64_t> limit;
  // Output partitions (at least 1). Chunks are assigned to partitions round-robin at execution.
  int partitions = 1;
  // The catalog column ids of the table's tags (its series key, with time): where sources of the
  // scan may hold the same point twice (a persisted file and rows written since for its window),
  // rows are merged on them. Empty: the table has no tags (one series).
  std::vector<uint32_t> series_key_column_ids;
  // Run-time filters from hash joins above (exec/dynamic_filter.h); `column` indexes the output
  // columns. Read when a partition produces its first batch.
  std::vector<exec::DynamicFilterRef> dynamic_filters;
};

// The time range [min_time, max_time] a set of conjuncts restricts the time column to, and
// which conjuncts that range fully expresses (a time comparison with a timestamp literal). A row
// of a chunk whose whole time range lies inside the bounds passes those conjuncts.
struct TimeBounds {
  int64_t min_time = INT64_MIN;
  int64_t max_time = INT64_MAX;
  std::vector<bool> captured;  // one per conjunct
  bool empty() const { return min_time > max_time; }
};
TimeBounds DeriveTimeBounds(const std::vector<exec::PhysicalExprPtr>& conjuncts, int time_index);

// The work of one scan, decided once per query: units assigned to partitions round robin.
struct ScanUnit {
  enum class Kind {
    kChunk,  // one buffer chunk
    kFile,   // one Parquet file, row group by row group
    kMerge,  // sources that may hold the same points, merged
  };
  // A source of a merge: a file, or the chunks of one buffer partition.
  struct Source {
    const persist::ParquetFileInfo* file = nullptr;
    std::vector<buffer::ChunkSnapshotPtr> chunks;
  };
  Kind kind = Kind::kChunk;
  buffer::ChunkSnapshotPtr chunk;                  // kChunk
  const persist::ParquetFileInfo* file = nullptr;  // kFile
  std::vector<Source> sources;                     // kMerge, the later writes last
};

struct ScanSnapshot {
  std::shared_ptr<const persist::FileIndex> index;  // owns the units' files (null: no files)
  std::vector<ScanUnit> units;
};

// The scan node, over the write buffer's chunks and (with ScanSources::persister) the table's
// Parquet files. Where a file and buffer partitions (or several files) have overlapping time
// ranges they may hold the same point (rows written for a window after it was persisted); such
// sources are read together and merged per point (series key and time), the later write winning
// per non-null field, before the filters run. Everywhere else chunks and files are read
// independently and pruned by their statistics: files by the index's min/max, row groups by the
// footer's, pages by the page index (time bounds and equality filters).
//
// Metrics: chunks_scanned, chunks_pruned_by_time, chunks_pruned_by_stats,
// chunks_pruned_by_dynamic_filter, rows_scanned (rows read before filtering); with files:
// files_scanned, files_pruned_by_time, files_pruned_by_stats, files_pruned_by_dynamic_filter,
// row_groups_scanned, row_groups_pruned_by_stats, row_groups_pruned_by_page_index,
// rows_pruned_by_page_index, overlapping_sources_merged, duplicate_rows_merged,
// files_counted_from_index (count(*) of a file inside the time bounds, from its index entry,
// without reading it).
//
// Snapshot: taken at the first Execute() call of any partition and shared by every partition,
// so all partitions read one consistent state of the table; a node therefore serves one query
// (plans are built per query). The snapshot is never taken at planning, so the node stays plain
// data that can be shipped and rebuilt elsewhere.
class BufferScanExec : public exec::ExecutionPlan {
 public:
  // Use MakeBufferScanExec.
  BufferScanExec(ScanSources sources,
                 BufferScanSpec spec,
                 SchemaPtr output_schema,
                 TimeBounds bounds,
                 std::vector<exec::PhysicalExprPtr> conjuncts,
                 std::vector<exec::PhysicalExprPtr> conjuncts_without_time);

  std::string_view name() const override { return "BufferScanExec"; }
  const SchemaPtr& schema() const override { return output_schema_; }
  int output_partitions() const override { return spec_.partitions; }
  std::vector<exec::ExecutionPlanPtr> children() const override { return {}; }
  absl::StatusOr<exec::ExecutionPlanPtr> WithChildren(
      std::vector<exec::ExecutionPlanPtr> children) const override;
  absl::StatusOr<std::unique_ptr<exec::BatchStream>> Execute(
      int partition, const std::shared_ptr<exec::TaskContext>& context) const override;
  std::string ToString() const override;
  // A copy that also reads `refs`; null when the scan has a limit.
  exec::ExecutionPlanPtr WithDynamicFilters(
      const std::vector<exec::DynamicFilterRef>& refs) const override;

  const BufferScanSpec& spec() const { return spec_; }
  const TimeBounds& time_bounds() const { return bounds_; }
  // The filters in the order rows are tested (tag filters first), and those the time bounds do
  // not capture (what a chunk lying wholly inside the bounds needs).
  const std::vector<exec::PhysicalExprPtr>& conjuncts() const { return conjuncts_; }
  const std::vector<exec::PhysicalExprPtr>& conjuncts_without_time() const {
    return conjuncts_without_time_;
  }

  const ScanSources& sources() const { return sources_; }

  // What the scan reads, taken once (see the class comment): the buffer chunks and Parquet
  // files with rows in the time bounds, as units. InvalidArgument when the table has more
  // files in the time bounds than ScanSources::file_limit.
  absl::StatusOr<std::shared_ptr<const ScanSnapshot>> Snapshot() const;

  // True unless the statistics of `chunk` prove that no row passes the filters.
  bool ChunkMayMatch(const buffer::ChunkSnapshot& chunk) const;

  // Makes the scan read `snapshot` instead of taking one at its first Execute (compaction
  // merges a chosen set of files this way). The files of its units must outlive the scan.
  // REQUIRES: called before the first Execute.
  void UseSnapshot(std::shared_ptr<const ScanSnapshot> snapshot) const;

 private:
  ScanSources sources_;
  BufferScanSpec spec_;
  SchemaPtr output_schema_;
  TimeBounds bounds_;
  std::vector<exec::PhysicalExprPtr> conjuncts_;
  std::vector<exec::PhysicalExprPtr> conjuncts_without_time_;

  mutable std::mutex mu_;
  mutable std::shared_ptr<const ScanSnapshot> snapshot_;  // GUARDED_BY mu_
};

// A tag column's values as a kDictionary column (Parquet files may hold a tag's values plainly
// encoded; scans and files keep tags as kDictionary).
ColumnPtr ToDictionary(const Column& column);

// Builds a scan node, deriving the time bounds from the filters. InvalidArgument when the spec
// is inconsistent (column ids and schema of different lengths, a non-boolean filter).
absl::StatusOr<exec::ExecutionPlanPtr> MakeBufferScanExec(ScanSources sources, BufferScanSpec spec);
// A scan of the write buffer only.
absl::StatusOr<exec::ExecutionPlanPtr> MakeBufferScanExec(const buffer::WriteBuffer* buffer,
                                                          BufferScanSpec spec);

}  // namespace strata::query
