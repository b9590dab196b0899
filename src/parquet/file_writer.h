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
// Finish encodes the rest and returns the file. A caller that sends or stores the file as it is
// written takes the encoded row groups out with TakeBytes, so that the writer holds at most one
// row group's rows and bytes (plus the footer's metadata) at a time. Not thread-safe.
//
// Type mapping: kTimestamp is INT64 TIMESTAMP(isAdjustedToUTC=true, NANOS); kInt64 is INT64
// INTEGER(64, signed); kUInt64 is INT64 INTEGER(64, unsigned) (UINT_64); kFloat64 is DOUBLE;
// kBool is BOOLEAN; kString and kDictionary are BYTE_ARRAY STRING (UTF8); kNull (a query
// result's untyped NULL column) is an always-OPTIONAL INT32 with the UNKNOWN logical type, the
// format's "always null" column, and only definition levels. A nullable field is OPTIONAL, a
// non-nullable one REQUIRED.
class FileWriter {
 public:
  // InvalidArgument for a schema with a field of a type that cannot be stored (kInterval), an
  // empty or duplicated field name, or options out of range.
  static absl::StatusOr<std::unique_ptr<FileWriter>> Create(SchemaPtr schema,
                                                            WriterOptions options);

  // Appends the rows of `batch`, whose fields must have the writer's names and types (kString
  // and kDictionary are interchangeable). InvalidArgument for another schema, or a null in a
  // non-nullable field. The batch's columns are kept (shared) until their rows are encoded.
  absl::Status WriteBatch(const RecordBatch& batch);

  // Moves the bytes encoded so far (the leading magic, then each row group once it is full) to
  // the end of `*out`. Finish then returns only the bytes after everything taken: the file is
  // the concatenation of every TakeBytes output and Finish's. Offsets in the footer count the
  // taken bytes too.
  void TakeBytes(std::string* out);

  // Encodes the buffered rows and returns the file, or what of it TakeBytes has not taken. The
  // writer cannot be used afterwards (FailedPrecondition).
  absl::StatusOr<std::string> Finish();

  // Rows accepted so far.
  int64_t rows_written() const { return rows_written_; }
  // Rows accepted but not yet encoded (fewer than max_row_group_rows).
  int64_t pending_rows() const { return pending_rows_; }
  // Encoded bytes the writer holds (not taken by TakeBytes).
  size_t encoded_bytes() const { return out_.size(); }

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
  // The file offset of the next byte encoded.
  int64_t Offset() const { return taken_bytes_ + static_cast<int64_t>(out_.size()); }

  SchemaPtr schema_;
  WriterOptions options_;
  std::string out_;
  int64_t taken_bytes_ = 0;  // moved out of out_ by TakeBytes
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
