// Writes strata record batches as one Parquet file (docs/parquet.md): flat schemas of OPTIONAL
// or REQUIRED leaves, data page v1, dictionary-encoded strings, DELTA_BINARY_PACKED integers and
// timestamps, statistics per column chunk and per page, and the page index (ColumnIndex and
// OffsetIndex) that lets a reader skip pages.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"
#include "parquet/metadata.h"

namespace strata::parquet {

// How a file is written. The defaults suit strata's persisted chunks.
struct WriterOptions {
  // The page codec: ZSTD, SNAPPY, GZIP or UNCOMPRESSED.
  CompressionCodec codec = CompressionCodec::kZstd;
  // The codec's level (see Codec::Compress); the codec's default when unset.
  std::optional<int> compression_level;
  // Rows are cut into row groups of this many rows (the last one may be smaller).
  int64_t max_row_group_rows = 100'000;
  // A data page is closed once its values reach this many bytes before compression.
  int64_t target_page_bytes = 1 << 20;
  // A data page holds at most this many rows, so the page index can skip pages of columns
  // whose values are small (a 1 MiB page of dictionary codes would span a whole row group).
  int64_t max_page_rows = 20'000;
  // The isAdjustedToUTC flag of kTimestamp columns' TIMESTAMP(NANOS) type. strata's timestamps
  // are UTC instants, so true by default; but DuckDB (1.5) reads a UTC nanosecond column as
  // TIMESTAMP WITH TIME ZONE, which has microseconds only, and a local one as TIMESTAMP_NS
  // with every digit (docs/parquet.md).
  bool timestamps_adjusted_to_utc = true;
  // Whether string columns (kString and kDictionary) are written as RLE_DICTIONARY pages with a
  // dictionary page; otherwise PLAIN.
  bool dictionary = true;
  // A column chunk whose distinct strings take more bytes than this (PLAIN-encoded) is written
  // PLAIN instead.
  int64_t max_dictionary_bytes = 1 << 20;
  // The file's key-value metadata, e.g. strata's own description of the schema.
  std::vector<KeyValue> key_value_metadata;
  // The footer's created_by; "strata version <version>" when empty.
  std::string created_by;
};

// Builds a Parquet file in memory from record batches of one schema. Rows are buffered (by
// reference to the batches' columns, without copying) until a row group is full, then encoded;
// Finish encodes the rest and returns the file. Not thread-safe.
//
// Type mapping: kTimestamp is INT64 TIMESTAMP(isAdjustedToUTC=true, NANOS); kInt64 is INT64
// INTEGER(64, signed); kUInt64 is INT64 INTEGER(64, unsigned) (UINT_64); kFloat64 is DOUBLE;
// kBool is BOOLEAN; kString and kDictionary are BYTE_ARRAY STRING (UTF8). A nullable field is
// OPTIONAL, a non-nullable one REQUIRED.
class FileWriter {
 public:
  // InvalidArgument for a schema with a field of a type that cannot be stored (kNull,
  // kInterval), an empty or duplicated field name, or options out of range.
  static absl::StatusOr<std::unique_ptr<FileWriter>> Create(SchemaPtr schema,
                                                            WriterOptions options);

  // Appends the rows of `batch`, whose fields must have the writer's names and types (kString
  // and kDictionary are interchangeable). InvalidArgument for another schema, or a null in a
  // non-nullable field. The batch's columns are kept (shared) until their rows are encoded.
  absl::Status WriteBatch(const RecordBatch& batch);

  // Encodes the buffered rows and returns the whole file. The writer cannot be used afterwards
  // (FailedPrecondition).
  absl::StatusOr<std::string> Finish();

  // Rows accepted so far.
  int64_t rows_written() const { return rows_written_; }

  ~FileWriter();

 private:
  // A run of rows of one batch waiting to be written.
  struct PendingSlice {
    std::vector<ColumnPtr> columns;
    int64_t offset = 0;
    int64_t length = 0;
  };

  FileWriter(SchemaPtr schema, WriterOptions options);
  // Encodes the pending rows as one row group.
  absl::Status FlushRowGroup();

  SchemaPtr schema_;
  WriterOptions options_;
  std::string out_;
  FileMetaData metadata_;
  // Per row group, per column: the page index, written after the last row group.
  std::vector<std::vector<ColumnIndex>> column_indexes_;
  std::vector<std::vector<OffsetIndex>> offset_indexes_;
  std::vector<std::vector<bool>> has_column_index_;
  std::vector<PendingSlice> pending_;
  int64_t pending_rows_ = 0;
  int64_t rows_written_ = 0;
  bool finished_ = false;
};

}  // namespace strata::parquet
