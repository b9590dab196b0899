// Query result encoders for /api/v3/query_sql and `strata query`: they turn record batches into
// the bytes InfluxDB 3 sends for the same result (its arrow-rs JSON, CSV, pretty and Parquet
// writers). src/format/README.md shows what each format prints for each type.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"
#include "format/result_format.h"

namespace strata::format {

// Streams one query result. Call Begin once, WriteBatch for each record batch (every batch has
// the writer's schema), then Finish once; each call appends the encoded bytes it can produce so
// far to `*out`, which the caller may send and clear between calls. The JSON, JSON lines and CSV
// writers produce every row during WriteBatch; the pretty writer must know every value to size
// its columns, so it keeps the rows and produces the whole table in Finish; the Parquet writer
// produces each row group once it is full, and the footer in Finish.
//
// A writer is single-threaded and holds no reference to the batches it was given.
class ResultWriter {
 public:
  virtual ~ResultWriter() = default;

  // Returns a writer of `format` for results of `schema`. A column of a type the format cannot
  // write (kInterval, in every format) is Unimplemented, naming the column.
  static absl::StatusOr<std::unique_ptr<ResultWriter>> Create(ResultFormat format,
                                                              SchemaPtr schema);

  // Appends what precedes the rows ("[" for JSON, the header line for CSV).
  virtual void Begin(std::string* out) = 0;
  // REQUIRES: batch's columns match the schema given to Create in number and type, except that a
  // string column may be plain or dictionary-encoded in either.
  virtual void WriteBatch(const RecordBatch& batch, std::string* out) = 0;
  // Appends what follows the rows ("]" for JSON, the whole table for pretty).
  virtual void Finish(std::string* out) = 0;

  // Fragments let several writers encode one result in parallel, one per thread computing a part
  // of it, and one writer join their output. Whether this writer's format allows it: JSON, JSON
  // lines and CSV do (their rows are independent); the pretty table must see every row.
  virtual bool supports_fragments() const { return false; }
  // Appends `batch`'s rows to `*fragment` in a form that AppendFragment of any writer of the same
  // format and schema can join into its output, at any point after its Begin.
  // REQUIRES: supports_fragments().
  virtual void WriteFragment(const RecordBatch& batch, std::string* fragment);
  // Appends `*fragment` (WriteFragment's output) to `*out` as if WriteBatch had written its rows
  // here. May take the fragment's bytes instead of copying them, leaving *fragment unspecified.
  virtual void AppendFragment(std::string* fragment, std::string* out);

  // Bytes the writer holds between calls: the cells the pretty writer keeps until Finish, the
  // batches of the Parquet writer's unfinished row group; 0 for the text writers that stream.
  // For memory accounting.
  virtual size_t buffered_bytes() const { return 0; }

  // OK, or the first error of a writer whose encoding can fail (Parquet's; the text writers
  // cannot fail). Once it is set, the writer appends nothing more, so a caller checks it after
  // WriteBatch and Finish before sending what they appended.
  virtual absl::Status status() const { return absl::OkStatus(); }

 protected:
  // Checks WriteBatch's REQUIRES (the column types only in debug builds).
  static void CheckMatchesSchema(const RecordBatch& batch, const Schema& schema);
};

}  // namespace strata::format
