// Parquet's metadata structs (the footer's FileMetaData and the page headers) as C++ structs,
// with their Thrift compact encoding and decoding. The field ids and enum values are those of
// parquet.thrift in apache/parquet-format; fields this code does not model are skipped when read
// and are not written. Optional fields are std::optional, so a round trip keeps their presence.
//
// Enum fields hold whatever i32 the file says: a value this code has no name for (a newer
// encoding or codec) is kept as it is, and the code that reads pages decides whether it can
// handle it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "parquet/thrift_compact.h"

namespace strata::parquet {

// The physical types.
enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,  // deprecated: legacy timestamps
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// The logical annotations of format version 1, superseded by LogicalType (writers set both).
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class FieldRepetitionType : int32_t {
  kRequired = 0,
  kOptional = 1,
  kRepeated = 2,
};

// Page and level encodings. 1 (GROUP_VAR_INT) was never used.
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  // deprecated: Hadoop's framing
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

// The order of a column index's per-page bounds across pages.
enum class BoundaryOrder : int32_t {
  kUnordered = 0,
  kAscending = 1,
  kDescending = 2,
};

// The spec's names ("INT32", "RLE_DICTIONARY", ...), or e.g. "Encoding(42)" for a value this code
// has no name for.
std::string ToString(Type value);
std::string ToString(ConvertedType value);
std::string ToString(FieldRepetitionType value);
std::string ToString(Encoding value);
std::string ToString(CompressionCodec value);
std::string ToString(PageType value);
std::string ToString(BoundaryOrder value);

// The unit of TIME and TIMESTAMP logical types: the field id of the TimeUnit union's member. A
// member this code does not know is kept as its id.
enum class TimeUnit : int16_t {
  kMillis = 1,
  kMicros = 2,
  kNanos = 3,
};

// The LogicalType union: one member, identified by its field id in parquet.thrift. The members
// whose contents are modelled are DECIMAL, TIME, TIMESTAMP and INTEGER (the other named ones are
// empty structs). A member this code does not know (a later addition, or VARIANT, GEOMETRY,
// GEOGRAPHY and VECTOR, whose contents are not modelled) is kept as its id with its contents
// skipped, and is written back as an empty struct.
struct LogicalType {
  enum class Kind : int16_t {
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,  // NullType: a column that is always null
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
  };
  Kind kind = Kind::kString;
  // DECIMAL.
  int32_t scale = 0;
  int32_t precision = 0;
  // TIME and TIMESTAMP.
  bool is_adjusted_to_utc = false;
  TimeUnit unit = TimeUnit::kMillis;
  // INTEGER: 8, 16, 32 or 64.
  int8_t bit_width = 0;
  bool is_signed = false;

  static LogicalType String() { return {.kind = Kind::kString}; }
  static LogicalType Date() { return {.kind = Kind::kDate}; }
  static LogicalType Decimal(int32_t scale, int32_t precision) {
    return {.kind = Kind::kDecimal, .scale = scale, .precision = precision};
  }
  static LogicalType Timestamp(bool is_adjusted_to_utc, TimeUnit unit) {
    return {.kind = Kind::kTimestamp, .is_adjusted_to_utc = is_adjusted_to_utc, .unit = unit};
  }
  static LogicalType Time(bool is_adjusted_to_utc, TimeUnit unit) {
    return {.kind = Kind::kTime, .is_adjusted_to_utc = is_adjusted_to_utc, .unit = unit};
  }
  static LogicalType Integer(int8_t bit_width, bool is_signed) {
    return {.kind = Kind::kInteger, .bit_width = bit_width, .is_signed = is_signed};
  }

  bool operator==(const LogicalType&) const = default;
};

// One node of the schema tree, which FileMetaData lists depth first. A group has num_children
// and no type; a leaf has a type and no num_children.
struct SchemaElement {
  std::optional<Type> type;
  // The byte length of FIXED_LEN_BYTE_ARRAY values.
  std::optional<int32_t> type_length;
  // Absent only on the root.
  std::optional<FieldRepetitionType> repetition_type;
  std::string name;  // required
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  // DECIMAL's, also in logical_type.
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;

  bool operator==(const SchemaElement&) const = default;
};

// Statistics of a column chunk or a page. Values are PLAIN-encoded without a length prefix.
struct Statistics {
  // Deprecated: signed-comparison bounds of older writers.
  std::optional<std::string> max;
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  // Bounds in the column's ColumnOrder.
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  std::optional<int64_t> nan_count;

  bool operator==(const Statistics&) const = default;
};

struct KeyValue {
  std::string key;  // required
  std::optional<std::string> value;

  bool operator==(const KeyValue&) const = default;
};

// The sort order of a row group on one column.
struct SortingColumn {
  int32_t column_idx = 0;    // required
  bool descending = false;   // required
  bool nulls_first = false;  // required

  bool operator==(const SortingColumn&) const = default;
};

// How many pages of a column chunk have one type and encoding.
struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;  // required
  Encoding encoding = Encoding::kPlain;      // required
  int32_t count = 0;                         // required

  bool operator==(const PageEncodingStats&) const = default;
};

// A column chunk's metadata. All byte offsets are from the start of the file.
struct ColumnMetaData {
  Type type = Type::kBoolean;                                // required
  std::vector<Encoding> encodings;                           // required
  std::vector<std::string> path_in_schema;                   // required
  CompressionCodec codec = CompressionCodec::kUncompressed;  // required
  int64_t num_values = 0;                                    // required
  int64_t total_uncompressed_size = 0;                       // required, headers included
  int64_t total_compressed_size = 0;                         // required, headers included
  std::optional<std::vector<KeyValue>> key_value_metadata;
  int64_t data_page_offset = 0;  // required
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::optional<std::vector<PageEncodingStats>> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;

  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  // Set only in summary files whose columns live elsewhere.
  std::optional<std::string> file_path;
  // Deprecated; writers set 0.
  int64_t file_offset = 0;  // required
  // Optional in the IDL, but every reader needs it and every writer sets it.
  std::optional<ColumnMetaData> meta_data;
  // The page index (OffsetIndex and ColumnIndex) of this chunk.
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;

  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  // One per leaf of the schema, in schema order.
  std::vector<ColumnChunk> columns;  // required
  int64_t total_byte_size = 0;       // required: uncompressed
  int64_t num_rows = 0;              // required
  std::optional<std::vector<SortingColumn>> sorting_columns;
  // Of the first page (data or dictionary) of the row group.
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;

  bool operator==(const RowGroup&) const = default;
};

// The order of min_value and max_value in Statistics: the ColumnOrder union's member id. A member
// this code does not know is kept as its id.
enum class ColumnOrder : int16_t {
  kTypeDefinedOrder = 1,
  kIeee754TotalOrder = 2,
  kInt96TimestampOrder = 3,
};

// The footer: everything a reader needs before it reads a page.
struct FileMetaData {
  int32_t version = 1;                // required
  std::vector<SchemaElement> schema;  // required; schema[0] is the root
  int64_t num_rows = 0;               // required
  std::vector<RowGroup> row_groups;   // required
  std::optional<std::vector<KeyValue>> key_value_metadata;
  std::optional<std::string> created_by;
  // One per leaf; without it min_value and max_value have no defined meaning.
  std::optional<std::vector<ColumnOrder>> column_orders;

  bool operator==(const FileMetaData&) const = default;
};

struct DataPageHeader {
  int32_t num_values = 0;                               // required, nulls included
  Encoding encoding = Encoding::kPlain;                 // required
  Encoding definition_level_encoding = Encoding::kRle;  // required
  Encoding repetition_level_encoding = Encoding::kRle;  // required
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;                // required
  Encoding encoding = Encoding::kPlain;  // required
  std::optional<bool> is_sorted;

  bool operator==(const DictionaryPageHeader&) const = default;
};

// The header of a DATA_PAGE_V2, whose levels come uncompressed before the (maybe compressed)
// values. Read for files of other writers; strata writes v1 data pages.
struct DataPageHeaderV2 {
  int32_t num_values = 0;                     // required, nulls included
  int32_t num_nulls = 0;                      // required
  int32_t num_rows = 0;                       // required
  Encoding encoding = Encoding::kPlain;       // required
  int32_t definition_levels_byte_length = 0;  // required
  int32_t repetition_levels_byte_length = 0;  // required
  // Absent means true.
  std::optional<bool> is_compressed;
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeaderV2&) const = default;
};

struct PageHeader {
  PageType type = PageType::kDataPage;  // required
  int32_t uncompressed_page_size = 0;   // required, excluding this header
  int32_t compressed_page_size = 0;     // required, excluding this header
  // CRC-32 (the gzip polynomial) of the page bytes after this header.
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;

  bool operator==(const PageHeader&) const = default;
};

// Where one data page of a column chunk lies (PageIndex.md, "OffsetIndex").
struct PageLocation {
  int64_t offset = 0;                // required: of the page header, from the start of the file
  int32_t compressed_page_size = 0;  // required: the header included
  int64_t first_row_index = 0;       // required: within the row group
  bool operator==(const PageLocation&) const = default;
};

// The page locations of a column chunk, one per data page in order: what lets a reader fetch
// only the pages that hold the rows it wants.
struct OffsetIndex {
  std::vector<PageLocation> page_locations;  // required
  std::optional<std::vector<int64_t>> unencoded_byte_array_data_bytes;

  bool operator==(const OffsetIndex&) const = default;
};

// The per-page statistics of a column chunk (PageIndex.md, "ColumnIndex"), one entry per data
// page in the OffsetIndex's order. A page with only nulls has null_pages[i] set and empty
// bounds.
struct ColumnIndex {
  std::vector<bool> null_pages;         // required
  std::vector<std::string> min_values;  // required, PLAIN-encoded as Statistics' values
  std::vector<std::string> max_values;  // required
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;  // required
  std::optional<std::vector<int64_t>> null_counts;

  bool operator==(const ColumnIndex&) const = default;
};

// Writes `value` as a compact-protocol struct: at the top level, or as the value of a struct
// field or element the caller has opened.
void WriteThrift(const SchemaElement& value, CompactWriter* writer);
void WriteThrift(const LogicalType& value, CompactWriter* writer);
void WriteThrift(const Statistics& value, CompactWriter* writer);
void WriteThrift(const KeyValue& value, CompactWriter* writer);
void WriteThrift(const SortingColumn& value, CompactWriter* writer);
void WriteThrift(const PageEncodingStats& value, CompactWriter* writer);
void WriteThrift(const ColumnMetaData& value, CompactWriter* writer);
void WriteThrift(const ColumnChunk& value, CompactWriter* writer);
void WriteThrift(const RowGroup& value, CompactWriter* writer);
void WriteThrift(const FileMetaData& value, CompactWriter* writer);
void WriteThrift(const DataPageHeader& value, CompactWriter* writer);
void WriteThrift(const DictionaryPageHeader& value, CompactWriter* writer);
void WriteThrift(const DataPageHeaderV2& value, CompactWriter* writer);
void WriteThrift(const PageHeader& value, CompactWriter* writer);
void WriteThrift(const PageLocation& value, CompactWriter* writer);
void WriteThrift(const OffsetIndex& value, CompactWriter* writer);
void WriteThrift(const ColumnIndex& value, CompactWriter* writer);

// Reads one struct into `*value` (which should be default-constructed). Fields this code does
// not know are skipped; a known field of the wrong type, a missing required field, a union
// without exactly one member and any malformed encoding are DataLoss errors that name the struct,
// the field and the byte offset. Values that would decode to more memory than the reader's
// budget (CompactReader::ChargeMemory) are ResourceExhausted.
absl::Status ReadThrift(CompactReader* reader, SchemaElement* value);
absl::Status ReadThrift(CompactReader* reader, LogicalType* value);
absl::Status ReadThrift(CompactReader* reader, Statistics* value);
absl::Status ReadThrift(CompactReader* reader, KeyValue* value);
absl::Status ReadThrift(CompactReader* reader, SortingColumn* value);
absl::Status ReadThrift(CompactReader* reader, PageEncodingStats* value);
absl::Status ReadThrift(CompactReader* reader, ColumnMetaData* value);
absl::Status ReadThrift(CompactReader* reader, ColumnChunk* value);
absl::Status ReadThrift(CompactReader* reader, RowGroup* value);
absl::Status ReadThrift(CompactReader* reader, FileMetaData* value);
absl::Status ReadThrift(CompactReader* reader, DataPageHeader* value);
absl::Status ReadThrift(CompactReader* reader, DictionaryPageHeader* value);
absl::Status ReadThrift(CompactReader* reader, DataPageHeaderV2* value);
absl::Status ReadThrift(CompactReader* reader, PageHeader* value);
absl::Status ReadThrift(CompactReader* reader, PageLocation* value);
absl::Status ReadThrift(CompactReader* reader, OffsetIndex* value);
absl::Status ReadThrift(CompactReader* reader, ColumnIndex* value);

// Returns the compact encoding of `value`, any struct above.
template <typename T>
std::string Serialize(const T& value) {
  std::string out;
  CompactWriter writer(&out);
  WriteThrift(value, &writer);
  return out;
}

// Parses one `T` from the start of `bytes`; `what` names the input in errors ("parquet footer").
// With `consumed`, sets *consumed to the struct's encoded size and ignores what follows;
// without, bytes after the struct are an error.
template <typename T>
absl::StatusOr<T> Parse(std::string_view bytes, std::string_view what, size_t* consumed = nullptr) {
  CompactReader reader(bytes, what);
  T value;
  if (absl::Status status = ReadThrift(&reader, &value); !status.ok()) {
    return status;
  }
  if (consumed != nullptr) {
    *consumed = reader.offset();
  } else if (reader.remaining() != 0) {
    return reader.Error(std::to_string(reader.remaining()) +
                        " bytes follow the struct that ends at byte " +
                        std::to_string(reader.offset()));
  }
  return value;
}

// The magic number at the start and the end of a Parquet file.
inline constexpr std::string_view kParquetMagic = "PAR1";
// The magic number that ends a file whose footer is encrypted (not supported).
inline constexpr std::string_view kEncryptedFooterMagic = "PARE";
// A file ends with the footer, its length (4 bytes little-endian) and kParquetMagic.
inline constexpr size_t kFooterTrailerSize = 8;

// Checks the last kFooterTrailerSize bytes of `file_tail` (the end of a file of `file_size`
// bytes) and returns the footer length they record. Errors: DataLoss for a file that does not
// end in PAR1 or whose footer length exceeds the bytes between the two magic numbers,
// Unimplemented for an encrypted footer, InvalidArgument when `file_tail` is shorter than the
// trailer or longer than the file.
absl::StatusOr<uint32_t> ParseFooterLength(std::string_view file_tail, uint64_t file_size);

// Parses the footer at the end of `file_tail`, the last bytes of a file of `file_size` bytes (at
// least footer length + kFooterTrailerSize of them; OutOfRange, naming the number needed, when
// fewer). When `file_tail` is the whole file, the leading magic number is checked too. Bytes
// between the FileMetaData struct and the footer length are ignored: files with encrypted columns
// and a plaintext footer put a signature there.
absl::StatusOr<FileMetaData> ParseFooter(std::string_view file_tail, uint64_t file_size);
// Parses the footer of `file`, a whole Parquet file.
absl::StatusOr<FileMetaData> ParseFooter(std::string_view file);

// Parses the page header at the start of `bytes` (which may go on with the page and beyond) and
// sets *consumed to its encoded size. Beyond ReadThrift's checks it requires non-negative page
// sizes and counts, and the sub-header that the page type calls for.
absl::StatusOr<PageHeader> ParsePageHeader(std::string_view bytes, size_t* consumed);

}  // namespace strata::parquet
