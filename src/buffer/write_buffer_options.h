// Options of the write buffer (src/buffer/write_buffer.h): partition width, chunk size and the
// memory limit behind --write-buffer-limit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"

namespace strata::buffer {

// The default memory limit: 8 GiB. On the 24 GiB machines strata targets this leaves two thirds
// of memory for queries, the WAL, Parquet snapshots and the page cache. Smaller machines should
// lower it with --write-buffer-limit.
inline constexpr size_t kDefaultMemoryLimitBytes = size_t{8} << 30;

// The default partition width: 10 minutes, as InfluxDB 3 uses for its buffer chunks.
inline constexpr int64_t kDefaultPartitionDurationNs = 600'000'000'000;

// The default number of rows after which a chunk is sealed and a new one started.
inline constexpr int64_t kDefaultMaxChunkRows = 65536;

// How the write buffer partitions and bounds its data. Fixed for the life of a WriteBuffer.
struct WriteBufferOptions {
  // Width of a time partition; a row with time t belongs to the partition starting at
  // floor(t / d) * d. Must be positive.
  int64_t partition_duration_ns = kDefaultPartitionDurationNs;
  // CheckCapacity() fails once memory_usage() reaches this (--write-buffer-limit).
  size_t memory_limit_bytes = kDefaultMemoryLimitBytes;
  // Rows per chunk before it is sealed. Must be in [1, 2^24] so that a partition's row numbers
  // fit the 32-bit duplicate index for any realistic partition.
  int64_t max_chunk_rows = kDefaultMaxChunkRows;
};

// Returns InvalidArgument naming the offending option when `options` cannot be used.
absl::Status ValidateWriteBufferOptions(const WriteBufferOptions& options);

}  // namespace strata::buffer
