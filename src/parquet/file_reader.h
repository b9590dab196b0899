// Reads Parquet files into strata record batches (docs/parquet.md): the footer once at Open, then
// row groups or row ranges of them, only the projected columns, decoded straight into column
// vectors. Files may come from anywhere (an object store, another writer, an attacker): every
// offset and length is checked against the file and the options' limits, and a corrupt file is
// a DataLoss error naming the column, the row group and the byte offset, never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "columnar/dictionary_interner.h"
#include "columnar/record_batch.h"
#include "columnar/schema.h"
#include "parquet/metadata.h"
#include "parquet/type_mapping.h"

namespace strata::parquet {

// Where a file's bytes come from: an object store's ranged gets, a local file, or memory.
class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  // The file's size in bytes.
  virtual uint64_t size() const = 0;
  // Exactly `length` bytes at `offset`; OutOfRange past the end. Thread-safe.
  virtual absl::StatusOr<std::string> ReadAt(uint64_t offset, uint64_t length) const = 0;
};

// A source over bytes held in memory.
std::shared_ptr<RandomAccessSource> MemorySource(std::string bytes);

// A source over a local file, read with pread. NotFound if it does not exist.
absl::StatusOr<std::shared_ptr<RandomAccessSource>> LocalFileSource(const std::string& path);

// Limits on what a file may make the reader allocate.
struct ReaderOptions {
  // The footer (FileMetaData) and the page index of one row group.
  int64_t max_footer_bytes = 64 << 20;
  // One page, compressed or not.
  int64_t max_page_bytes = 256 << 20;
  // Rows of one row group. Parquet encodes a run of nulls in a few bytes, so the row count,
  // not the file's size, bounds what a read allocates.
  int64_t max_row_group_rows = 64 << 20;
  // Whether a string column chunk whose data pages are all dictionary-encoded is returned as a
  // kDictionary column (one StringDictionary per chunk) rather than kString.
  bool strings_as_dictionary = true;
  // When set, such a column's dictionary is interned (DictionaryInterner): chunks whose
  // dictionary pages hold the same values share one StringDictionary.
  std::shared_ptr<DictionaryInterner> dictionaries;
};

// A column chunk's statistics from the footer, in the column's strata type. min and max are
// bounds (a writer may truncate long strings), absent when the file has none or they cannot be
// trusted (an order other than TypeDefinedOrder, legacy min/max of strings or unsigned ints).
struct ColumnChunkStatistics {
  std::optional<int64_t> null_count;
  std::optional<Value> min;
  std::optional<Value> max;
};

// Rows [begin, end) of a row group.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;

  bool operator==(const RowRange&) const = default;
};

// Reads one Parquet file. All methods are const and thread-safe; the page index is read and
// cached per row group on first use.
//
// Columns are the top-level fields of the file's schema. schema() has one field per column,
// with the strata type of a supported one (see docs/parquet.md for the mapping) and kNull for a
// column strata cannot read (nested LIST/MAP/struct, DECIMAL, INT96, FIXED_LEN_BYTE_ARRAY,
// TIME, ...): such a column can still be described and skipped, and reading it is an
// Unimplemented error that ColumnSupport gives in advance. A column of the UNKNOWN logical type
// (always null) is kNull too, but supported: reading it gives a kNull column of nulls, without
// decoding its pages. String columns are kString in
// schema(); a read may return kDictionary (ReaderOptions::strings_as_dictionary), so a batch's
// own schema says which.
class FileReader {
 public:
  // Reads and checks the footer: magic numbers, lengths, the schema tree (every group's
  // num_children, one column chunk per leaf in every row group, physical types matching the
  // schema), row counts that add up. DataLoss for a corrupt file, ResourceExhausted for a
  // footer over options.max_footer_bytes, Unimplemented for encrypted files.
  static absl::StatusOr<std::unique_ptr<FileReader>> Open(
      std::shared_ptr<RandomAccessSource> source, ReaderOptions options = {});

  const FileMetaData& metadata() const { return metadata_; }
  const SchemaPtr& schema() const { return schema_; }
  int num_columns() const { return schema_->num_fields(); }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  int64_t num_rows() const { return metadata_.num_rows; }
  // REQUIRES: 0 <= row_group < num_row_groups().
  int64_t row_group_rows(int row_group) const;
  // The file's key-value metadata (empty when it has none).
  const std::vector<KeyValue>& key_value_metadata() const;

  // OK if `column` can be read; Unimplemented naming it and its Parquet type otherwise;
  // OutOfRange for an index outside the schema.
  absl::Status ColumnSupport(int column) const;

  // The footer statistics of one column chunk; empty for an unsupported column or indices out of
  // range.
  ColumnChunkStatistics Statistics(int row_group, int column) const;

  // Reads the columns `columns` (schema indices, in the order given, repeats allowed) of one
  // row group into a batch whose schema holds those fields.
  absl::StatusOr<RecordBatch> ReadRowGroup(int row_group, std::span<const int> columns) const;

  // The rows of a row group whose pages of `column` may hold a value in [min, max], from the
  // ColumnIndex: sorted, disjoint, adjacent ranges merged. Pages with only nulls never match.
  // The whole row group when the file has no page index for the chunk, or min/max are not of
  // the column's value type; nothing for an unsupported column or indices out of range.
  std::vector<RowRange> CandidateRows(int row_group,
                                      int column,
                                      const Value& min,
                                      const Value& max) const;

  // Reads exactly the rows `rows` (sorted, disjoint, within the row group) of the columns
  // `columns`, fetching only the pages that overlap them when the file has an OffsetIndex
  // (plus the chunk's dictionary page). InvalidArgument for unsorted or out-of-range rows.
  absl::StatusOr<RecordBatch> ReadRowGroup(int row_group,
                                           std::span<const int> columns,
                                           std::span<const RowRange> rows) const;

 private:
  // A top-level column of the file.
  struct ColumnInfo {
    std::string name;
    int leaf = 0;            // index of its first column chunk in a row group
    int schema_element = 0;  // index into metadata_.schema of that leaf
    bool optional = true;
    LeafMapping mapping;
    absl::Status support;  // OK, or why it cannot be read
  };
  // The page index of one row group, per column chunk (nullopt where the file has none or it
  // does not parse).
  struct RowGroupPageIndex {
    std::vector<std::optional<ColumnIndex>> column_indexes;
    std::vector<std::optional<OffsetIndex>> offset_indexes;
  };

  FileReader(std::shared_ptr<RandomAccessSource> source,
             ReaderOptions options,
             FileMetaData metadata,
             uint64_t data_end);
  absl::Status BuildSchema();
  absl::Status CheckRowGroups() const;
  absl::Status CheckColumns(int row_group, std::span<const int> columns) const;
  // The page index of `row_group`, read on first use.
  std::shared_ptr<const RowGroupPageIndex> PageIndex(int row_group) const;
  absl::StatusOr<ColumnPtr> ReadColumn(int row_group,
                                       int column,
                                       std::span<const RowRange> rows) const;
  RecordBatch MakeBatch(std::span<const int> columns,
                        std::vector<ColumnPtr> data,
                        int64_t num_rows) const;

  std::shared_ptr<RandomAccessSource> source_;
  ReaderOptions options_;
  FileMetaData metadata_;
  // Where the footer starts: pages and indexes lie before it.
  uint64_t data_end_;
  SchemaPtr schema_;
  std::vector<ColumnInfo> columns_;
  int num_leaves_ = 0;
  std::vector<KeyValue> key_value_metadata_;
  mutable absl::Mutex mutex_;
  mutable std::vector<std::shared_ptr<const RowGroupPageIndex>> page_indexes_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace strata::parquet
