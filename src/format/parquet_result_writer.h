// Parquet output (format=parquet), written with strata's own Parquet writer (src/parquet): the
// response body is one Parquet file, as InfluxDB 3 answers with arrow-rs's ArrowWriter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "columnar/schema.h"
#include "format/result_writer.h"
#include "parquet/file_writer.h"

namespace strata::format {

// Writes the result as one Parquet file, streamed row group by row group: a Parquet file has its
// metadata in a footer at the end, but its row groups can go out as soon as each is encoded, so
// the writer holds at most one row group of rows (kRowGroupRows) and its encoding, whatever the
// size of the result. Begin emits the leading magic, WriteBatch each row group as it fills,
// Finish the last row group, the page index and the footer. A result without rows is a file
// with the schema and no row group.
//
// The file's columns (docs/http_api.md):
//   - names as in the result; a repeated name gets a suffix (`a`, `a_1`, `a_2`, as DuckDB names
//     duplicate columns), since Parquet readers look columns up by name; an empty name becomes
//     `column<i>` (i counts from 0);
//   - every column OPTIONAL: a result's nullability is not something readers need, and a
//     column the plan called non-nullable must not make the file fail halfway;
//   - timestamps INT64 TIMESTAMP(isAdjustedToUTC=false, NANOS): InfluxDB 3's time is an Arrow
//     Timestamp(Nanosecond, None), which arrow-rs writes that way, and DuckDB reads it as
//     TIMESTAMP_NS with every digit (a UTC-adjusted one would be TIMESTAMP WITH TIME ZONE,
//     microseconds only);
//   - tags (kDictionary) and strings BYTE_ARRAY STRING, dictionary-encoded per column chunk;
//   - kNull columns (an untyped NULL in the select list) INT32 of the UNKNOWN logical type,
//     the format's "always null" column, as arrow-rs writes Arrow's Null type;
//   - pages compressed with ZSTD (level 1).
// Interval columns are refused by ResultWriter::Create, as for every format.
//
// Encoding can fail (it never should: every batch matches the schema), so the first error is
// kept in status() and the writer appends nothing after it.
class ParquetResultWriter final : public ResultWriter {
 public:
  // Rows per row group. Bounds what the writer holds; DuckDB and arrow-rs read row groups of
  // this size in parallel efficiently.
  static constexpr int64_t kRowGroupRows = 100'000;

  // Unimplemented for a result without columns (a Parquet file needs at least one).
  // REQUIRES: every field's type is writable (not kInterval).
  static absl::StatusOr<std::unique_ptr<ParquetResultWriter>> Create(SchemaPtr schema);

  void Begin(std::string* out) override;
  void WriteBatch(const RecordBatch& batch, std::string* out) override;
  void Finish(std::string* out) override;
  size_t buffered_bytes() const override { return pending_bytes_ + writer_->encoded_bytes(); }
  absl::Status status() const override { return status_; }

  // The schema of the file: the result's, with the names made unique and every field nullable.
  const SchemaPtr& file_schema() const { return file_schema_; }

 private:
  ParquetResultWriter(SchemaPtr schema,
                      SchemaPtr file_schema,
                      std::unique_ptr<parquet::FileWriter> writer);

  // A batch whose columns the file writer still holds (some of its rows are not yet encoded).
  struct HeldBatch {
    int64_t rows = 0;
    size_t bytes = 0;
  };

  SchemaPtr schema_;
  SchemaPtr file_schema_;
  std::unique_ptr<parquet::FileWriter> writer_;
  // The batches holding the file writer's pending rows, oldest first, and their memory.
  std::deque<HeldBatch> held_;
  int64_t held_rows_ = 0;
  size_t pending_bytes_ = 0;
  absl::Status status_;
};

}  // namespace strata::format
