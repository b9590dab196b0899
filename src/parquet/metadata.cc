// Reading and writing Parquet's metadata structs. Each struct's fields are listed once, in a
// FieldList specialization (id, name, member), which drives both the writer and the reader: the
// writer emits the members in the listed order (ascending ids), the reader matches each field
// header to a listed id, checks its wire type against the member's C++ type and skips ids that
// are not listed. A member that is not std::optional is a required field.
#include "parquet/metadata.h"

#include <array>
#include <limits>
#include <type_traits>
#include <utility>

#include "common/status.h"
#include "fmt/format.h"

namespace strata::parquet {
namespace {

// The wire shapes of LogicalType's members that carry data.
struct DecimalType {
  int32_t scale = 0;
  int32_t precision = 0;
};

struct IntType {
  int8_t bit_width = 0;
  bool is_signed = false;
};

// TimestampType and TimeType.
struct TimeType {
  bool is_adjusted_to_utc = false;
  TimeUnit unit = TimeUnit::kMillis;
};

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

// TimeUnit and ColumnOrder are unions of empty structs, kept as the id of their member.
template <typename T>
constexpr bool kIsUnionOfEmptyStructs =
    std::is_same_v<T, TimeUnit> || std::is_same_v<T, ColumnOrder>;

// The wire type of a member of C++ type T.
template <typename T>
constexpr CompactType WireType() {
  if constexpr (std::is_same_v<T, bool>) {
    return CompactType::kBoolTrue;
  } else if constexpr (std::is_same_v<T, int8_t>) {
    return CompactType::kI8;
  } else if constexpr (std::is_same_v<T, int16_t>) {
    return CompactType::kI16;
  } else if constexpr (std::is_same_v<T, int32_t>) {
    return CompactType::kI32;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return CompactType::kI64;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return CompactType::kBinary;
  } else if constexpr (IsVector<T>::value) {
    return CompactType::kList;
  } else if constexpr (kIsUnionOfEmptyStructs<T>) {
    return CompactType::kStruct;
  } else if constexpr (std::is_enum_v<T>) {
    return CompactType::kI32;  // Thrift enums are i32
  } else {
    return CompactType::kStruct;
  }
}

// The field list of each struct: Visit(struct, visitor) calls visitor(id, name, member) for
// every modelled field in ascending id order. S is the struct, const or not.
template <typename T>
struct FieldList;

template <>
struct FieldList<SchemaElement> {
  static constexpr std::string_view kName = "SchemaElement";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "type", s.type);
    visit(2, "type_length", s.type_length);
    visit(3, "repetition_type", s.repetition_type);
    visit(4, "name", s.name);
    visit(5, "num_children", s.num_children);
    visit(6, "converted_type", s.converted_type);
    visit(7, "scale", s.scale);
    visit(8, "precision", s.precision);
    visit(9, "field_id", s.field_id);
    visit(10, "logicalType", s.logical_type);
  }
};

template <>
struct FieldList<Statistics> {
  static constexpr std::string_view kName = "Statistics";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "max", s.max);
    visit(2, "min", s.min);
    visit(3, "null_count", s.null_count);
    visit(4, "distinct_count", s.distinct_count);
    visit(5, "max_value", s.max_value);
    visit(6, "min_value", s.min_value);
    visit(7, "is_max_value_exact", s.is_max_value_exact);
    visit(8, "is_min_value_exact", s.is_min_value_exact);
    visit(9, "nan_count", s.nan_count);
  }
};

template <>
struct FieldList<KeyValue> {
  static constexpr std::string_view kName = "KeyValue";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "key", s.key);
    visit(2, "value", s.value);
  }
};

template <>
struct FieldList<SortingColumn> {
  static constexpr std::string_view kName = "SortingColumn";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "column_idx", s.column_idx);
    visit(2, "descending", s.descending);
    visit(3, "nulls_first", s.nulls_first);
  }
};

template <>
struct FieldList<PageEncodingStats> {
  static constexpr std::string_view kName = "PageEncodingStats";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "page_type", s.page_type);
    visit(2, "encoding", s.encoding);
    visit(3, "count", s.count);
  }
};

template <>
struct FieldList<ColumnMetaData> {
  static constexpr std::string_view kName = "ColumnMetaData";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "type", s.type);
    visit(2, "encodings", s.encodings);
    visit(3, "path_in_schema", s.path_in_schema);
    visit(4, "codec", s.codec);
    visit(5, "num_values", s.num_values);
    visit(6, "total_uncompressed_size", s.total_uncompressed_size);
    visit(7, "total_compressed_size", s.total_compressed_size);
    visit(8, "key_value_metadata", s.key_value_metadata);
    visit(9, "data_page_offset", s.data_page_offset);
    visit(10, "index_page_offset", s.index_page_offset);
    visit(11, "dictionary_page_offset", s.dictionary_page_offset);
    visit(12, "statistics", s.statistics);
    visit(13, "encoding_stats", s.encoding_stats);
    visit(14, "bloom_filter_offset", s.bloom_filter_offset);
    visit(15, "bloom_filter_length", s.bloom_filter_length);
  }
};

template <>
struct FieldList<ColumnChunk> {
  static constexpr std::string_view kName = "ColumnChunk";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "file_path", s.file_path);
    visit(2, "file_offset", s.file_offset);
    visit(3, "meta_data", s.meta_data);
    visit(4, "offset_index_offset", s.offset_index_offset);
    visit(5, "offset_index_length", s.offset_index_length);
    visit(6, "column_index_offset", s.column_index_offset);
    visit(7, "column_index_length", s.column_index_length);
  }
};

template <>
struct FieldList<RowGroup> {
  static constexpr std::string_view kName = "RowGroup";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "columns", s.columns);
    visit(2, "total_byte_size", s.total_byte_size);
    visit(3, "num_rows", s.num_rows);
    visit(4, "sorting_columns", s.sorting_columns);
    visit(5, "file_offset", s.file_offset);
    visit(6, "total_compressed_size", s.total_compressed_size);
    visit(7, "ordinal", s.ordinal);
  }
};

template <>
struct FieldList<FileMetaData> {
  static constexpr std::string_view kName = "FileMetaData";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "version", s.version);
    visit(2, "schema", s.schema);
    visit(3, "num_rows", s.num_rows);
    visit(4, "row_groups", s.row_groups);
    visit(5, "key_value_metadata", s.key_value_metadata);
    visit(6, "created_by", s.created_by);
    visit(7, "column_orders", s.column_orders);
  }
};

template <>
struct FieldList<DataPageHeader> {
  static constexpr std::string_view kName = "DataPageHeader";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "num_values", s.num_values);
    visit(2, "encoding", s.encoding);
    visit(3, "definition_level_encoding", s.definition_level_encoding);
    visit(4, "repetition_level_encoding", s.repetition_level_encoding);
    visit(5, "statistics", s.statistics);
  }
};

template <>
struct FieldList<DictionaryPageHeader> {
  static constexpr std::string_view kName = "DictionaryPageHeader";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "num_values", s.num_values);
    visit(2, "encoding", s.encoding);
    visit(3, "is_sorted", s.is_sorted);
  }
};

template <>
struct FieldList<DataPageHeaderV2> {
  static constexpr std::string_view kName = "DataPageHeaderV2";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "num_values", s.num_values);
    visit(2, "num_nulls", s.num_nulls);
    visit(3, "num_rows", s.num_rows);
    visit(4, "encoding", s.encoding);
    visit(5, "definition_levels_byte_length", s.definition_levels_byte_length);
    visit(6, "repetition_levels_byte_length", s.repetition_levels_byte_length);
    visit(7, "is_compressed", s.is_compressed);
    visit(8, "statistics", s.statistics);
  }
};

template <>
struct FieldList<PageHeader> {
  static constexpr std::string_view kName = "PageHeader";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "type", s.type);
    visit(2, "uncompressed_page_size", s.uncompressed_page_size);
    visit(3, "compressed_page_size", s.compressed_page_size);
    visit(4, "crc", s.crc);
    visit(5, "data_page_header", s.data_page_header);
    // 6: index_page_header, an empty struct that no writer uses.
    visit(7, "dictionary_page_header", s.dictionary_page_header);
    visit(8, "data_page_header_v2", s.data_page_header_v2);
  }
};

template <>
struct FieldList<PageLocation> {
  static constexpr std::string_view kName = "PageLocation";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "offset", s.offset);
    visit(2, "compressed_page_size", s.compressed_page_size);
    visit(3, "first_row_index", s.first_row_index);
  }
};

template <>
struct FieldList<OffsetIndex> {
  static constexpr std::string_view kName = "OffsetIndex";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "page_locations", s.page_locations);
    visit(2, "unencoded_byte_array_data_bytes", s.unencoded_byte_array_data_bytes);
  }
};

template <>
struct FieldList<ColumnIndex> {
  static constexpr std::string_view kName = "ColumnIndex";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "null_pages", s.null_pages);
    visit(2, "min_values", s.min_values);
    visit(3, "max_values", s.max_values);
    visit(4, "boundary_order", s.boundary_order);
    visit(5, "null_counts", s.null_counts);
  }
};

template <>
struct FieldList<DecimalType> {
  static constexpr std::string_view kName = "DecimalType";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "scale", s.scale);
    visit(2, "precision", s.precision);
  }
};

template <>
struct FieldList<IntType> {
  static constexpr std::string_view kName = "IntType";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "bitWidth", s.bit_width);
    visit(2, "isSigned", s.is_signed);
  }
};

template <>
struct FieldList<TimeType> {
  static constexpr std::string_view kName = "TimeType";
  template <typename S, typename V>
  static void Visit(S& s, V& visit) {
    visit(1, "isAdjustedToUTC", s.is_adjusted_to_utc);
    visit(2, "unit", s.unit);
  }
};

// ---------------------------------------------------------------------------------------------
// Writing

void WriteValue(CompactWriter* writer, bool value) {
  writer->WriteBool(value);
}
void WriteValue(CompactWriter* writer, int8_t value) {
  writer->WriteI8(value);
}
void WriteValue(CompactWriter* writer, int16_t value) {
  writer->WriteI16(value);
}
void WriteValue(CompactWriter* writer, int32_t value) {
  writer->WriteI32(value);
}
void WriteValue(CompactWriter* writer, int64_t value) {
  writer->WriteI64(value);
}
void WriteValue(CompactWriter* writer, const std::string& value) {
  writer->WriteBinary(value);
}

template <typename T>
void WriteValue(CompactWriter* writer, const std::vector<T>& values);

template <typename T>
void WriteValue(CompactWriter* writer, const T& value) {
  if constexpr (kIsUnionOfEmptyStructs<T>) {
    writer->BeginStruct();
    writer->WriteFieldHeader(static_cast<int16_t>(value), CompactType::kStruct);
    writer->BeginStruct();
    writer->EndStruct();
    writer->EndStruct();
  } else if constexpr (std::is_enum_v<T>) {
    writer->WriteI32(static_cast<int32_t>(value));
  } else {
    WriteThrift(value, writer);
  }
}

template <typename T>
void WriteValue(CompactWriter* writer, const std::vector<T>& values) {
  writer->WriteListHeader(WireType<T>(), static_cast<uint32_t>(values.size()));
  for (const T& value : values) {
    WriteValue(writer, value);
  }
}

// Writes each present member as a field.
struct FieldWriter {
  CompactWriter* writer;

  template <typename T>
  void operator()(int16_t id, std::string_view /*name*/, const std::optional<T>& member) {
    if (member.has_value()) {
      (*this)(id, {}, *member);
    }
  }

  template <typename T>
  void operator()(int16_t id, std::string_view /*name*/, const T& member) {
    if constexpr (std::is_same_v<T, bool>) {
      writer->WriteFieldBool(id, member);
    } else {
      writer->WriteFieldHeader(id, WireType<T>());
      WriteValue(writer, member);
    }
  }
};

template <typename T>
void WriteStruct(const T& value, CompactWriter* writer) {
  writer->BeginStruct();
  FieldWriter field_writer{writer};
  FieldList<T>::Visit(value, field_writer);
  writer->EndStruct();
}

// ---------------------------------------------------------------------------------------------
// Reading

absl::Status ReadValue(CompactReader* reader, bool* value) {
  STRATA_ASSIGN_OR_RETURN(*value, reader->ReadBool());
  return absl::OkStatus();
}
absl::Status ReadValue(CompactReader* reader, int8_t* value) {
  STRATA_ASSIGN_OR_RETURN(*value, reader->ReadI8());
  return absl::OkStatus();
}
absl::Status ReadValue(CompactReader* reader, int16_t* value) {
  STRATA_ASSIGN_OR_RETURN(*value, reader->ReadI16());
  return absl::OkStatus();
}
absl::Status ReadValue(CompactReader* reader, int32_t* value) {
  STRATA_ASSIGN_OR_RETURN(*value, reader->ReadI32());
  return absl::OkStatus();
}
absl::Status ReadValue(CompactReader* reader, int64_t* value) {
  STRATA_ASSIGN_OR_RETURN(*value, reader->ReadI64());
  return absl::OkStatus();
}
absl::Status ReadValue(CompactReader* reader, std::string* value) {
  STRATA_ASSIGN_OR_RETURN(const std::string_view bytes, reader->ReadBinary());
  value->assign(bytes);
  return absl::OkStatus();
}

// Reads a union: `on_member` reads or skips its one member. `name` is for messages.
template <typename OnMember>
absl::Status ReadUnion(CompactReader* reader, std::string_view name, OnMember&& on_member) {
  const size_t start = reader->offset();
  STRATA_RETURN_IF_ERROR(reader->BeginStruct());
  int members = 0;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(const FieldHeader field, reader->ReadFieldHeader());
    if (field.type == CompactType::kStop) {
      break;
    }
    if (++members > 1) {
      return reader->Error(
          fmt::format("{} union at byte {} has a second member (field {} at byte {})",
                      name,
                      start,
                      field.id,
                      field.offset));
    }
    STRATA_RETURN_IF_ERROR(on_member(field));
  }
  reader->EndStruct();
  if (members == 0) {
    return reader->Error(fmt::format("{} union at byte {} has no member", name, start));
  }
  return absl::OkStatus();
}

absl::Status TypeMismatch(CompactReader* reader,
                          std::string_view struct_name,
                          std::string_view field_name,
                          const FieldHeader& field,
                          CompactType expected) {
  return reader->Error(fmt::format("{} field {} ({}) at byte {} has type {}, expected {}",
                                   struct_name,
                                   field.id,
                                   field_name,
                                   field.offset,
                                   CompactTypeName(field.type),
                                   CompactTypeName(expected)));
}

// Reads the union of empty structs TimeUnit or ColumnOrder as the id of its member.
template <typename T>
absl::Status ReadUnionOfEmptyStructs(CompactReader* reader, T* value) {
  constexpr std::string_view kName = std::is_same_v<T, TimeUnit> ? "TimeUnit" : "ColumnOrder";
  return ReadUnion(reader, kName, [&](const FieldHeader& field) -> absl::Status {
    if (field.type != CompactType::kStruct) {
      return TypeMismatch(reader, kName, "member", field, CompactType::kStruct);
    }
    *value = static_cast<T>(field.id);
    // The member is an empty struct; a later version may give it fields, which are skipped.
    return reader->SkipField(field);
  });
}

template <typename T>
absl::Status ReadValue(CompactReader* reader, std::vector<T>* values);

template <typename T>
absl::Status ReadValue(CompactReader* reader, T* value) {
  if constexpr (kIsUnionOfEmptyStructs<T>) {
    return ReadUnionOfEmptyStructs(reader, value);
  } else if constexpr (std::is_enum_v<T>) {
    // Any i32 is kept, named or not (see metadata.h).
    STRATA_ASSIGN_OR_RETURN(const int32_t raw, reader->ReadI32());
    *value = static_cast<T>(raw);
    return absl::OkStatus();
  } else {
    return ReadThrift(reader, value);
  }
}

template <typename T>
absl::Status ReadValue(CompactReader* reader, std::vector<T>* values) {
  const size_t start = reader->offset();
  STRATA_ASSIGN_OR_RETURN(const ListHeader list, reader->ReadListHeader());
  constexpr CompactType kExpected = WireType<T>();
  if (list.element_type != kExpected) {
    return reader->Error(fmt::format("list at byte {} has {} elements, expected {}",
                                     start,
                                     CompactTypeName(list.element_type),
                                     CompactTypeName(kExpected)));
  }
  // No reserve: the size is bounded by the input's length, but an element of T may be much
  // larger than its smallest encoding. Elements are charged as they arrive, twice over for the
  // vector's growth, so memory stays within the reader's budget.
  values->clear();
  for (uint32_t i = 0; i < list.size; ++i) {
    STRATA_RETURN_IF_ERROR(reader->ChargeMemory(2 * sizeof(T)));
    T value{};
    STRATA_RETURN_IF_ERROR(ReadValue(reader, &value));
    values->push_back(std::move(value));
  }
  return absl::OkStatus();
}

// Reads the field whose header was just read into the member with the same id, if any.
struct FieldReader {
  FieldReader(CompactReader* reader_in,
              std::string_view struct_name_in,
              const FieldHeader& field_in)
      : reader(reader_in), struct_name(struct_name_in), field(field_in) {}

  CompactReader* reader;
  std::string_view struct_name;
  const FieldHeader& field;
  bool matched = false;  // a member has the field's id
  absl::Status status;   // of reading it

  template <typename T>
  void operator()(int16_t id, std::string_view name, std::optional<T>& member) {
    if (id != field.id) {
      return;
    }
    T value{};
    (*this)(id, name, value);
    if (status.ok()) {
      member = std::move(value);
    }
  }

  template <typename T>
  void operator()(int16_t id, std::string_view name, T& member) {
    if (id != field.id) {
      return;
    }
    matched = true;
    if constexpr (std::is_same_v<T, bool>) {
      if (field.type != CompactType::kBoolTrue && field.type != CompactType::kBoolFalse) {
        status = TypeMismatch(reader, struct_name, name, field, CompactType::kBoolTrue);
        return;
      }
      member = field.type == CompactType::kBoolTrue;
    } else {
      if (field.type != WireType<T>()) {
        status = TypeMismatch(reader, struct_name, name, field, WireType<T>());
        return;
      }
      status = ReadValue(reader, &member);
    }
  }
};

// Finds the first required member (not std::optional) whose id was not seen.
struct RequiredFieldChecker {
  explicit RequiredFieldChecker(uint64_t seen_in) : seen(seen_in) {}

  uint64_t seen;  // bit i: field i was read
  int16_t missing_id = -1;
  std::string_view missing_name;

  template <typename T>
  void operator()(int16_t id, std::string_view name, const T& /*member*/) {
    if (IsOptional<T>::value || missing_id >= 0 || (seen >> id) & 1) {
      return;
    }
    missing_id = id;
    missing_name = name;
  }
};

template <typename T>
absl::Status ReadStruct(CompactReader* reader, T* value) {
  const size_t start = reader->offset();
  STRATA_RETURN_IF_ERROR(reader->BeginStruct());
  uint64_t seen = 0;  // bit i: field i was read (the modelled ids are all below 64)
  while (true) {
    STRATA_ASSIGN_OR_RETURN(const FieldHeader field, reader->ReadFieldHeader());
    if (field.type == CompactType::kStop) {
      break;
    }
    FieldReader field_reader(reader, FieldList<T>::kName, field);
    FieldList<T>::Visit(*value, field_reader);
    if (!field_reader.matched) {
      STRATA_RETURN_IF_ERROR(reader->SkipField(field));
      continue;
    }
    STRATA_RETURN_IF_ERROR(field_reader.status);
    seen |= uint64_t{1} << field.id;
  }
  reader->EndStruct();
  RequiredFieldChecker checker(seen);
  FieldList<T>::Visit(*value, checker);
  if (checker.missing_id >= 0) {
    return reader->Error(fmt::format("{} at byte {} lacks required field {} ({})",
                                     FieldList<T>::kName,
                                     start,
                                     checker.missing_id,
                                     checker.missing_name));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Enum names

template <typename E, size_t N>
std::string EnumName(E value, std::string_view type_name, const std::array<const char*, N>& names) {
  const auto raw = static_cast<int64_t>(value);
  if (raw >= 0 && raw < static_cast<int64_t>(N) && names[raw] != nullptr) {
    return names[raw];
  }
  return fmt::format("{}({})", type_name, raw);
}

}  // namespace

std::string ToString(Type value) {
  static constexpr std::array<const char*, 8> kNames = {"BOOLEAN",
                                                        "INT32",
                                                        "INT64",
                                                        "INT96",
                                                        "FLOAT",
                                                        "DOUBLE",
                                                        "BYTE_ARRAY",
                                                        "FIXED_LEN_BYTE_ARRAY"};
  return EnumName(value, "Type", kNames);
}

std::string ToString(ConvertedType value) {
  static constexpr std::array<const char*, 22> kNames = {"UTF8",
                                                         "MAP",
                                                         "MAP_KEY_VALUE",
                                                         "LIST",
                                                         "ENUM",
                                                         "DECIMAL",
                                                         "DATE",
                                                         "TIME_MILLIS",
                                                         "TIME_MICROS",
                                                         "TIMESTAMP_MILLIS",
                                                         "TIMESTAMP_MICROS",
                                                         "UINT_8",
                                                         "UINT_16",
                                                         "UINT_32",
                                                         "UINT_64",
                                                         "INT_8",
                                                         "INT_16",
                                                         "INT_32",
                                                         "INT_64",
                                                         "JSON",
                                                         "BSON",
                                                         "INTERVAL"};
  return EnumName(value, "ConvertedType", kNames);
}

std::string ToString(FieldRepetitionType value) {
  static constexpr std::array<const char*, 3> kNames = {"REQUIRED", "OPTIONAL", "REPEATED"};
  return EnumName(value, "FieldRepetitionType", kNames);
}

std::string ToString(Encoding value) {
  static constexpr std::array<const char*, 10> kNames = {"PLAIN",
                                                         nullptr,  // GROUP_VAR_INT, never used
                                                         "PLAIN_DICTIONARY",
                                                         "RLE",
                                                         "BIT_PACKED",
                                                         "DELTA_BINARY_PACKED",
                                                         "DELTA_LENGTH_BYTE_ARRAY",
                                                         "DELTA_BYTE_ARRAY",
                                                         "RLE_DICTIONARY",
                                                         "BYTE_STREAM_SPLIT"};
  return EnumName(value, "Encoding", kNames);
}

std::string ToString(CompressionCodec value) {
  static constexpr std::array<const char*, 8> kNames = {
      "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  return EnumName(value, "CompressionCodec", kNames);
}

std::string ToString(PageType value) {
  static constexpr std::array<const char*, 4> kNames = {
      "DATA_PAGE", "INDEX_PAGE", "DICTIONARY_PAGE", "DATA_PAGE_V2"};
  return EnumName(value, "PageType", kNames);
}

std::string ToString(BoundaryOrder value) {
  static constexpr std::array<const char*, 3> kNames = {"UNORDERED", "ASCENDING", "DESCENDING"};
  return EnumName(value, "BoundaryOrder", kNames);
}

// ---------------------------------------------------------------------------------------------
// LogicalType, the one union whose members carry data

void WriteThrift(const LogicalType& value, CompactWriter* writer) {
  writer->BeginStruct();
  const auto id = static_cast<int16_t>(value.kind);
  writer->WriteFieldHeader(id, CompactType::kStruct);
  switch (value.kind) {
    case LogicalType::Kind::kDecimal:
      WriteStruct(DecimalType{value.scale, value.precision}, writer);
      break;
    case LogicalType::Kind::kTime:
    case LogicalType::Kind::kTimestamp:
      WriteStruct(TimeType{value.is_adjusted_to_utc, value.unit}, writer);
      break;
    case LogicalType::Kind::kInteger:
      WriteStruct(IntType{value.bit_width, value.is_signed}, writer);
      break;
    default:
      // The empty members, and those this code does not model (see metadata.h).
      writer->BeginStruct();
      writer->EndStruct();
      break;
  }
  writer->EndStruct();
}

absl::Status ReadThrift(CompactReader* reader, LogicalType* value) {
  return ReadUnion(reader, "LogicalType", [&](const FieldHeader& field) -> absl::Status {
    value->kind = static_cast<LogicalType::Kind>(field.id);
    if (field.type != CompactType::kStruct) {
      return TypeMismatch(reader, "LogicalType", "member", field, CompactType::kStruct);
    }
    switch (value->kind) {
      case LogicalType::Kind::kDecimal: {
        DecimalType decimal;
        STRATA_RETURN_IF_ERROR(ReadStruct(reader, &decimal));
        value->scale = decimal.scale;
        value->precision = decimal.precision;
        return absl::OkStatus();
      }
      case LogicalType::Kind::kTime:
      case LogicalType::Kind::kTimestamp: {
        TimeType time;
        STRATA_RETURN_IF_ERROR(ReadStruct(reader, &time));
        value->is_adjusted_to_utc = time.is_adjusted_to_utc;
        value->unit = time.unit;
        return absl::OkStatus();
      }
      case LogicalType::Kind::kInteger: {
        IntType integer;
        STRATA_RETURN_IF_ERROR(ReadStruct(reader, &integer));
        value->bit_width = integer.bit_width;
        value->is_signed = integer.is_signed;
        return absl::OkStatus();
      }
      default:
        return reader->SkipField(field);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The plain structs

#define STRATA_PARQUET_THRIFT_STRUCT(T)                      \
  void WriteThrift(const T& value, CompactWriter* writer) {  \
    WriteStruct(value, writer);                              \
  }                                                          \
  absl::Status ReadThrift(CompactReader* reader, T* value) { \
    return ReadStruct(reader, value);                        \
  }

STRATA_PARQUET_THRIFT_STRUCT(SchemaElement)
STRATA_PARQUET_THRIFT_STRUCT(Statistics)
STRATA_PARQUET_THRIFT_STRUCT(KeyValue)
STRATA_PARQUET_THRIFT_STRUCT(SortingColumn)
STRATA_PARQUET_THRIFT_STRUCT(PageEncodingStats)
STRATA_PARQUET_THRIFT_STRUCT(ColumnMetaData)
STRATA_PARQUET_THRIFT_STRUCT(ColumnChunk)
STRATA_PARQUET_THRIFT_STRUCT(RowGroup)
STRATA_PARQUET_THRIFT_STRUCT(FileMetaData)
STRATA_PARQUET_THRIFT_STRUCT(DataPageHeader)
STRATA_PARQUET_THRIFT_STRUCT(DictionaryPageHeader)
STRATA_PARQUET_THRIFT_STRUCT(DataPageHeaderV2)
STRATA_PARQUET_THRIFT_STRUCT(PageHeader)
STRATA_PARQUET_THRIFT_STRUCT(PageLocation)
STRATA_PARQUET_THRIFT_STRUCT(OffsetIndex)
STRATA_PARQUET_THRIFT_STRUCT(ColumnIndex)

#undef STRATA_PARQUET_THRIFT_STRUCT

// ---------------------------------------------------------------------------------------------
// Footer and page header

absl::StatusOr<uint32_t> ParseFooterLength(std::string_view file_tail, uint64_t file_size) {
  if (file_tail.size() < kFooterTrailerSize) {
    return absl::InvalidArgumentError(
        fmt::format("parquet footer: {} bytes given, the trailer alone is {}",
                    file_tail.size(),
                    kFooterTrailerSize));
  }
  if (file_tail.size() > file_size) {
    return absl::InvalidArgumentError(
        fmt::format("parquet footer: {} bytes given of a file of {}", file_tail.size(), file_size));
  }
  const std::string_view magic = file_tail.substr(file_tail.size() - kParquetMagic.size());
  if (magic == kEncryptedFooterMagic) {
    return absl::UnimplementedError("parquet footer: encrypted footers (PARE) are not supported");
  }
  if (magic != kParquetMagic) {
    return absl::DataLossError(
        fmt::format("parquet footer: the file does not end in PAR1 (its last 4 bytes are "
                    "{:02x} {:02x} {:02x} {:02x})",
                    static_cast<uint8_t>(magic[0]),
                    static_cast<uint8_t>(magic[1]),
                    static_cast<uint8_t>(magic[2]),
                    static_cast<uint8_t>(magic[3])));
  }
  // The leading magic, the footer, its length and the trailing magic.
  if (file_size < kParquetMagic.size() + kFooterTrailerSize) {
    return absl::DataLossError(
        fmt::format("parquet footer: a file of {} bytes is too short for Parquet", file_size));
  }
  const char* length_bytes = file_tail.data() + file_tail.size() - kFooterTrailerSize;
  uint32_t length = 0;
  for (int i = 0; i < 4; ++i) {
    length |= static_cast<uint32_t>(static_cast<uint8_t>(length_bytes[i])) << (8 * i);
  }
  const uint64_t room = file_size - kParquetMagic.size() - kFooterTrailerSize;
  if (length > room) {
    return absl::DataLossError(fmt::format(
        "parquet footer: footer length {} exceeds the {} bytes between the magic numbers of a "
        "file of {} bytes",
        length,
        room,
        file_size));
  }
  return length;
}

absl::StatusOr<FileMetaData> ParseFooter(std::string_view file_tail, uint64_t file_size) {
  STRATA_ASSIGN_OR_RETURN(const uint32_t length, ParseFooterLength(file_tail, file_size));
  const uint64_t needed = uint64_t{length} + kFooterTrailerSize;
  if (file_tail.size() < needed) {
    return absl::OutOfRangeError(fmt::format(
        "parquet footer: the footer of {} bytes needs the last {} bytes of the file, {} given",
        length,
        needed,
        file_tail.size()));
  }
  if (file_tail.size() == file_size && file_tail.substr(0, kParquetMagic.size()) != kParquetMagic) {
    return absl::DataLossError("parquet footer: the file does not start with PAR1");
  }
  const size_t footer_start = file_tail.size() - static_cast<size_t>(needed);
  const std::string_view footer = file_tail.substr(footer_start, length);
  size_t consumed = 0;
  absl::StatusOr<FileMetaData> metadata = Parse<FileMetaData>(footer, "parquet footer", &consumed);
  if (!metadata.ok()) {
    // Offsets in the message are from the footer's start; say where that is in the file.
    const absl::Status& status = metadata.status();
    return absl::Status(
        status.code(),
        fmt::format("{} (in the {}-byte footer at file offset {})",
                    std::string_view(status.message().data(), status.message().size()),
                    length,
                    file_size - needed));
  }
  return metadata;
}

absl::StatusOr<FileMetaData> ParseFooter(std::string_view file) {
  return ParseFooter(file, file.size());
}

absl::StatusOr<PageHeader> ParsePageHeader(std::string_view bytes, size_t* consumed) {
  STRATA_ASSIGN_OR_RETURN(PageHeader header,
                          Parse<PageHeader>(bytes, "parquet page header", consumed));
  auto invalid = [](std::string_view what, int64_t value) {
    return absl::DataLossError(
        fmt::format("parquet page header: {} is {}, must not be negative", what, value));
  };
  if (header.uncompressed_page_size < 0) {
    return invalid("uncompressed_page_size", header.uncompressed_page_size);
  }
  if (header.compressed_page_size < 0) {
    return invalid("compressed_page_size", header.compressed_page_size);
  }
  auto missing = [&header](std::string_view sub_header) {
    return absl::DataLossError(fmt::format(
        "parquet page header: a {} page without {}", ToString(header.type), sub_header));
  };
  switch (header.type) {
    case PageType::kDataPage:
      if (!header.data_page_header.has_value()) {
        return missing("data_page_header");
      }
      if (header.data_page_header->num_values < 0) {
        return invalid("data_page_header.num_values", header.data_page_header->num_values);
      }
      break;
    case PageType::kDictionaryPage:
      if (!header.dictionary_page_header.has_value()) {
        return missing("dictionary_page_header");
      }
      if (header.dictionary_page_header->num_values < 0) {
        return invalid("dictionary_page_header.num_values",
                       header.dictionary_page_header->num_values);
      }
      break;
    case PageType::kDataPageV2: {
      if (!header.data_page_header_v2.has_value()) {
        return missing("data_page_header_v2");
      }
      const DataPageHeaderV2& v2 = *header.data_page_header_v2;
      for (const auto& [what, value] :
           {std::pair<std::string_view, int32_t>{"data_page_header_v2.num_values", v2.num_values},
            {"data_page_header_v2.num_nulls", v2.num_nulls},
            {"data_page_header_v2.num_rows", v2.num_rows},
            {"data_page_header_v2.definition_levels_byte_length", v2.definition_levels_byte_length},
            {"data_page_header_v2.repetition_levels_byte_length",
             v2.repetition_levels_byte_length}}) {
        if (value < 0) {
          return invalid(what, value);
        }
      }
      const int64_t levels =
          int64_t{v2.definition_levels_byte_length} + int64_t{v2.repetition_levels_byte_length};
      if (levels > header.compressed_page_size) {
        return absl::DataLossError(fmt::format(
            "parquet page header: {} bytes of levels exceed the compressed page size {}",
            levels,
            header.compressed_page_size));
      }
      break;
    }
    default:
      // Index pages (never written) and page types this code does not know carry no sub-header
      // it checks; the column reader skips or refuses them.
      break;
  }
  return header;
}

}  // namespace strata::parquet
