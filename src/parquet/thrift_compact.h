// The Thrift compact protocol, the encoding of every Parquet footer and page header: a writer that
// appends to a std::string and a reader over bytes that may be hostile. The wire format is
// Apache Thrift's doc/specs/thrift-compact-protocol.md; only structs and values are covered (no
// messages, Parquet has none).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::parquet {

// The compact protocol's type codes. Field headers use all of them (a bool field's value is its
// type: kBoolTrue or kBoolFalse, with no value bytes). List, set and map headers use all but
// kStop; their bool element type is written as kBoolTrue, as the Java and C++ implementations
// do, and either bool code is read as kBoolTrue.
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,  // binary and string
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,  // structs and unions
  kUuid = 13,    // 16 bytes, no length prefix
};

// Returns the name of `type` for messages ("i32", "binary", "bool", ...), or "type 14" for a code
// the protocol does not define.
std::string CompactTypeName(CompactType type);

// Writes compact-protocol values by appending them to a string. Structs are written between
// BeginStruct and EndStruct; inside, each field is one WriteField* call, or WriteFieldHeader
// followed by the value (a nested struct, a list or a map with its elements). Fields may come in
// any id order; ascending ids with gaps of at most 15 get the one-byte header. The writer never
// fails; misuse (a field outside a struct, unbalanced structs) is a bug caught by a DCHECK.
class CompactWriter {
 public:
  // Appends to `*out`, which must outlive the writer.
  explicit CompactWriter(std::string* out);

  // Opens a struct (the top-level one, or the value of a struct field or element).
  void BeginStruct();
  // Closes the innermost open struct by writing its stop byte.
  void EndStruct();

  void WriteFieldBool(int16_t id, bool value);
  void WriteFieldI8(int16_t id, int8_t value);
  void WriteFieldI16(int16_t id, int16_t value);
  void WriteFieldI32(int16_t id, int32_t value);
  void WriteFieldI64(int16_t id, int64_t value);
  void WriteFieldDouble(int16_t id, double value);
  void WriteFieldBinary(int16_t id, std::string_view value);
  // Writes the header of field `id` of `type`; the caller writes the value next. For a bool
  // field use WriteFieldBool, whose header is its value.
  void WriteFieldHeader(int16_t id, CompactType type);

  // Writes the header of a list or set of `size` elements (at most INT32_MAX) of
  // `element_type` (not kStop or kBoolFalse); the caller writes the elements next.
  void WriteListHeader(CompactType element_type, uint32_t size);
  // Writes the header of a map of `size` entries (at most INT32_MAX); the caller writes key,
  // value, key, value, ... next.
  void WriteMapHeader(CompactType key_type, CompactType value_type, uint32_t size);

  // Values without a field header: list, set and map elements, and the values of fields opened
  // with WriteFieldHeader. A bool element is one byte, 1 for true and 2 for false (what the
  // Java and C++ implementations write; strict readers such as Rust's accept only 1 and 2).
  void WriteBool(bool value);
  void WriteI8(int8_t value);
  void WriteI16(int16_t value);
  void WriteI32(int32_t value);
  void WriteI64(int64_t value);
  void WriteDouble(double value);
  void WriteBinary(std::string_view value);
  void WriteUuid(const std::array<uint8_t, 16>& value);

  // Writes `value` as an unsigned LEB128 varint, the base of the integer encodings. Public for
  // tests that assemble unusual encodings (over-long varints, long-form headers).
  void WriteVarint(uint64_t value);

 private:
  void WriteFieldBegin(int16_t id, uint8_t type_code);

  std::string* out_;
  // The id of the last field written in each open struct, innermost last.
  std::vector<int16_t> last_field_ids_;
};

// A field header read by CompactReader::ReadFieldHeader.
struct FieldHeader {
  // kStop ends the struct (and `id` is 0). For a bool field, kBoolTrue or kBoolFalse is the value.
  CompactType type = CompactType::kStop;
  int16_t id = 0;
  // Where the header starts in the input, for messages.
  size_t offset = 0;
};

// A list or set header. Bool elements are reported as kBoolTrue.
struct ListHeader {
  CompactType element_type = CompactType::kStop;
  uint32_t size = 0;
};

// A map header. An empty map has no key and value types on the wire: both are kStop.
struct MapHeader {
  CompactType key_type = CompactType::kStop;
  CompactType value_type = CompactType::kStop;
  uint32_t size = 0;
};

// Reads compact-protocol values from bytes that may be truncated, corrupt or hostile. Every read
// is bounded: a varint has at most 10 bytes, a binary length or a collection size may not exceed
// what the remaining bytes could hold (so no input makes the reader, or a caller sizing a vector
// from a header, allocate more than a small multiple of the input), structs (and, when skipped,
// collections) nest at most kMaxDepth deep, and no input causes undefined behaviour. Errors are
// DataLoss statuses (ChargeMemory's are ResourceExhausted) whose message starts with the `what`
// given to the constructor and names the byte offset ("parquet footer: list size 1000 at byte 3
// exceeds the 120 bytes left"). After an error the reader's position is unspecified; callers stop
// reading.
class CompactReader {
 public:
  // The deepest nesting of structs, lists, sets and maps accepted. Parquet's own structs nest 6
  // deep at most; the bound keeps Skip's recursion far from the end of the stack.
  static constexpr int kMaxDepth = 64;

  // Reads `bytes`, which must outlive the reader (ReadBinary returns views into them). `what`
  // names the input in error messages, e.g. "parquet footer".
  CompactReader(std::string_view bytes, std::string_view what);
  // A temporary string would die before the reader is done with it.
  CompactReader(std::string&& bytes, std::string_view what) = delete;

  // The number of bytes read so far, i.e. the offset of the next byte.
  size_t offset() const { return position_; }
  size_t remaining() const { return bytes_.size() - position_; }
  std::string_view what() const { return what_; }

  // Enters a struct: the top-level one, or the value of a struct field or element. Fails when the
  // nesting would pass kMaxDepth.
  absl::Status BeginStruct();
  // Leaves the innermost struct, after ReadFieldHeader returned its kStop.
  void EndStruct();
  // Reads the next field header of the innermost struct (long and delta forms).
  absl::StatusOr<FieldHeader> ReadFieldHeader();
  // Skips the value of `field` (of any type, nested to any depth up to kMaxDepth), for fields a
  // caller does not know: files from other writers carry fields this code does not model.
  absl::Status SkipField(const FieldHeader& field);
  // Skips one value of `type` in element form (a bool is one byte).
  absl::Status SkipValue(CompactType type);

  // Reads the header of a list or a set. The size is at most the remaining bytes divided by the
  // smallest encoding of one element (1 byte; 8 for double, 16 for uuid).
  absl::StatusOr<ListHeader> ReadListHeader();
  // Reads the header of a map, bounded like a list's by the smallest encoding of one entry.
  absl::StatusOr<MapHeader> ReadMapHeader();

  // Values in element form (list, set and map elements, and the values of non-bool fields).
  // A bool element is one byte: 1 is true, 0 and 2 are false (the spec says 0, the Java and C++
  // implementations write 2).
  absl::StatusOr<bool> ReadBool();
  absl::StatusOr<int8_t> ReadI8();
  absl::StatusOr<int16_t> ReadI16();
  absl::StatusOr<int32_t> ReadI32();
  absl::StatusOr<int64_t> ReadI64();
  absl::StatusOr<double> ReadDouble();
  // Returns a view into the input bytes.
  absl::StatusOr<std::string_view> ReadBinary();
  absl::StatusOr<std::array<uint8_t, 16>> ReadUuid();
  // Reads an unsigned LEB128 varint of at most 10 bytes whose value fits in 64 bits.
  absl::StatusOr<uint64_t> ReadVarint();

  // Charges `bytes` of memory that a caller is about to allocate for a decoded value. Decoded
  // structs can be far larger than their encoding (a 3-byte ColumnChunk is a struct of hundreds
  // of bytes), so callers that build containers charge each element, and decoding fails (with
  // ResourceExhausted, the one error that is not DataLoss) once the total passes
  // kMemoryBudgetBase + kMemoryBudgetPerByte per input byte: no input makes a caller allocate
  // more than that.
  absl::Status ChargeMemory(size_t bytes);
  static constexpr size_t kMemoryBudgetBase = size_t{4} << 20;
  static constexpr size_t kMemoryBudgetPerByte = 64;

  // Returns a DataLoss error whose message is `what` followed by `message`.
  absl::Status Error(std::string_view message) const;

 private:
  absl::StatusOr<FieldHeader> ReadFieldHeaderAfter(int16_t* last_id);
  absl::StatusOr<CompactType> ReadElementType(uint8_t code, size_t offset);
  absl::Status Skip(CompactType type, bool in_field, int depth);
  absl::Status CheckSize(uint64_t size,
                         size_t min_bytes_each,
                         std::string_view kind,
                         size_t offset);
  absl::Status Need(size_t count, std::string_view kind);

  std::string_view bytes_;
  std::string_view what_;
  size_t position_ = 0;
  size_t memory_charged_ = 0;
  // Open structs; last_field_ids_[i] is the id of the last field read in struct i (1-based).
  int depth_ = 0;
  std::array<int16_t, kMaxDepth + 1> last_field_ids_{};
};

}  // namespace strata::parquet
