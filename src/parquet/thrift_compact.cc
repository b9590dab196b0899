// The compact protocol's writer and bounded reader. Integers are zigzag varints (i16, i32, i64),
// i8 is one byte, double is 8 bytes little-endian, binary is a varint length and the bytes.
#include "parquet/thrift_compact.h"

#include <bit>
#include <cstring>
#include <limits>

#include "common/check.h"
#include "common/status.h"
#include "fmt/format.h"

namespace strata::parquet {
namespace {

constexpr uint8_t kLongFormListSize = 0x0f;  // the size nibble that says "size follows"
constexpr size_t kMaxVarintBytes = 10;

uint64_t ZigZagEncode(int64_t value) {
  // Shifting left as unsigned avoids overflow; the arithmetic shift right spreads the sign.
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

int64_t ZigZagDecode(uint64_t value) {
  return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
}

bool IsDefinedType(uint8_t code) {
  return code <= static_cast<uint8_t>(CompactType::kUuid);
}

// The fewest bytes one value of `type` takes in element form.
size_t MinEncodedSize(CompactType type) {
  switch (type) {
    case CompactType::kDouble:
      return 8;
    case CompactType::kUuid:
      return 16;
    default:
      return 1;
  }
}

}  // namespace

std::string CompactTypeName(CompactType type) {
  switch (type) {
    case CompactType::kStop:
      return "stop";
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      return "bool";
    case CompactType::kI8:
      return "i8";
    case CompactType::kI16:
      return "i16";
    case CompactType::kI32:
      return "i32";
    case CompactType::kI64:
      return "i64";
    case CompactType::kDouble:
      return "double";
    case CompactType::kBinary:
      return "binary";
    case CompactType::kList:
      return "list";
    case CompactType::kSet:
      return "set";
    case CompactType::kMap:
      return "map";
    case CompactType::kStruct:
      return "struct";
    case CompactType::kUuid:
      return "uuid";
  }
  return fmt::format("type {}", static_cast<int>(type));
}

// ---------------------------------------------------------------------------------------------
// CompactWriter

CompactWriter::CompactWriter(std::string* out) : out_(out) {}

void CompactWriter::BeginStruct() {
  last_field_ids_.push_back(0);
}

void CompactWriter::EndStruct() {
  STRATA_DCHECK(!last_field_ids_.empty());
  out_->push_back(static_cast<char>(CompactType::kStop));
  last_field_ids_.pop_back();
}

void CompactWriter::WriteFieldBegin(int16_t id, uint8_t type_code) {
  STRATA_DCHECK(!last_field_ids_.empty());
  int16_t& last = last_field_ids_.back();
  const int delta = static_cast<int>(id) - static_cast<int>(last);
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | type_code));
  } else {
    out_->push_back(static_cast<char>(type_code));
    WriteVarint(ZigZagEncode(id));
  }
  last = id;
}

void CompactWriter::WriteFieldBool(int16_t id, bool value) {
  WriteFieldBegin(id,
                  static_cast<uint8_t>(value ? CompactType::kBoolTrue : CompactType::kBoolFalse));
}

void CompactWriter::WriteFieldI8(int16_t id, int8_t value) {
  WriteFieldHeader(id, CompactType::kI8);
  WriteI8(value);
}

void CompactWriter::WriteFieldI16(int16_t id, int16_t value) {
  WriteFieldHeader(id, CompactType::kI16);
  WriteI16(value);
}

void CompactWriter::WriteFieldI32(int16_t id, int32_t value) {
  WriteFieldHeader(id, CompactType::kI32);
  WriteI32(value);
}

void CompactWriter::WriteFieldI64(int16_t id, int64_t value) {
  WriteFieldHeader(id, CompactType::kI64);
  WriteI64(value);
}

void CompactWriter::WriteFieldDouble(int16_t id, double value) {
  WriteFieldHeader(id, CompactType::kDouble);
  WriteDouble(value);
}

void CompactWriter::WriteFieldBinary(int16_t id, std::string_view value) {
  WriteFieldHeader(id, CompactType::kBinary);
  WriteBinary(value);
}

void CompactWriter::WriteFieldHeader(int16_t id, CompactType type) {
  STRATA_DCHECK(type != CompactType::kStop && type != CompactType::kBoolTrue &&
                type != CompactType::kBoolFalse);
  WriteFieldBegin(id, static_cast<uint8_t>(type));
}

void CompactWriter::WriteListHeader(CompactType element_type, uint32_t size) {
  STRATA_DCHECK(element_type != CompactType::kStop && element_type != CompactType::kBoolFalse);
  STRATA_DCHECK_LE(size, static_cast<uint32_t>(std::numeric_limits<int32_t>::max()));
  const uint8_t type_code = static_cast<uint8_t>(element_type);
  if (size < kLongFormListSize) {
    out_->push_back(static_cast<char>((size << 4) | type_code));
  } else {
    out_->push_back(static_cast<char>((kLongFormListSize << 4) | type_code));
    WriteVarint(size);
  }
}

void CompactWriter::WriteMapHeader(CompactType key_type, CompactType value_type, uint32_t size) {
  STRATA_DCHECK_LE(size, static_cast<uint32_t>(std::numeric_limits<int32_t>::max()));
  WriteVarint(size);
  if (size > 0) {
    out_->push_back(static_cast<char>((static_cast<uint8_t>(key_type) << 4) |
                                      static_cast<uint8_t>(value_type)));
  }
}

void CompactWriter::WriteBool(bool value) {
  out_->push_back(static_cast<char>(value ? CompactType::kBoolTrue : CompactType::kBoolFalse));
}

void CompactWriter::WriteI8(int8_t value) {
  out_->push_back(static_cast<char>(value));
}

void CompactWriter::WriteI16(int16_t value) {
  WriteVarint(ZigZagEncode(value));
}

void CompactWriter::WriteI32(int32_t value) {
  WriteVarint(ZigZagEncode(value));
}

void CompactWriter::WriteI64(int64_t value) {
  WriteVarint(ZigZagEncode(value));
}

void CompactWriter::WriteDouble(double value) {
  const uint64_t bits = std::bit_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) {
    out_->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
}

void CompactWriter::WriteBinary(std::string_view value) {
  WriteVarint(value.size());
  out_->append(value);
}

void CompactWriter::WriteUuid(const std::array<uint8_t, 16>& value) {
  out_->append(reinterpret_cast<const char*>(value.data()), value.size());
}

void CompactWriter::WriteVarint(uint64_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

// ---------------------------------------------------------------------------------------------
// CompactReader

CompactReader::CompactReader(std::string_view bytes, std::string_view what)
    : bytes_(bytes), what_(what) {}

absl::Status CompactReader::Error(std::string_view message) const {
  return absl::DataLossError(fmt::format("{}: {}", what_, message));
}

absl::Status CompactReader::ChargeMemory(size_t bytes) {
  // The budget cannot overflow: an input has fewer than 2^64 / 64 bytes.
  const size_t budget = kMemoryBudgetBase + kMemoryBudgetPerByte * bytes_.size();
  if (bytes > budget - memory_charged_) {
    return absl::ResourceExhaustedError(fmt::format(
        "{}: decoding the value at byte {} would take more than {} bytes of memory for a {}-byte "
        "input",
        what_,
        position_,
        budget,
        bytes_.size()));
  }
  memory_charged_ += bytes;
  return absl::OkStatus();
}

absl::Status CompactReader::Need(size_t count, std::string_view kind) {
  if (remaining() == 0) {
    return Error(fmt::format("{} expected at byte {}, where the input ends", kind, position_));
  }
  if (count > remaining()) {
    return Error(
        fmt::format("{} at byte {} needs {} bytes, {} left", kind, position_, count, remaining()));
  }
  return absl::OkStatus();
}

absl::Status CompactReader::CheckSize(uint64_t size,
                                      size_t min_bytes_each,
                                      std::string_view kind,
                                      size_t offset) {
  if (size > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Error(fmt::format("{} size {} at byte {} exceeds the int32 range", kind, size, offset));
  }
  if (size > remaining() / min_bytes_each) {
    if (min_bytes_each == 1) {
      return Error(fmt::format(
          "{} size {} at byte {} exceeds the {} bytes left", kind, size, offset, remaining()));
    }
    return Error(fmt::format("{} size {} at byte {} exceeds the {} bytes left ({} bytes each)",
                             kind,
                             size,
                             offset,
                             remaining(),
                             min_bytes_each));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> CompactReader::ReadVarint() {
  const size_t start = position_;
  uint64_t value = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (position_ >= bytes_.size()) {
      return Error(fmt::format("varint at byte {} is cut off by the end of the input", start));
    }
    const uint8_t byte = static_cast<uint8_t>(bytes_[position_++]);
    if (i == kMaxVarintBytes - 1 && byte > 1) {
      // The tenth byte holds bit 63 only; anything more is over 64 bits or over 10 bytes.
      return Error(fmt::format("varint at byte {} is longer than 64 bits", start));
    }
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      return value;
    }
  }
  // Unreachable: the tenth byte either ends the varint or fails above.
  return Error(fmt::format("varint at byte {} is longer than 10 bytes", start));
}

absl::Status CompactReader::BeginStruct() {
  if (depth_ >= kMaxDepth) {
    return Error(
        fmt::format("struct at byte {} nests deeper than {} levels", position_, kMaxDepth));
  }
  ++depth_;
  last_field_ids_[depth_] = 0;
  return absl::OkStatus();
}

void CompactReader::EndStruct() {
  STRATA_DCHECK(depth_ > 0);
  --depth_;
}

absl::StatusOr<FieldHeader> CompactReader::ReadFieldHeader() {
  STRATA_DCHECK(depth_ > 0);
  return ReadFieldHeaderAfter(&last_field_ids_[depth_]);
}

absl::StatusOr<FieldHeader> CompactReader::ReadFieldHeaderAfter(int16_t* last_id) {
  FieldHeader header;
  header.offset = position_;
  if (position_ >= bytes_.size()) {
    return Error(fmt::format("struct is cut off at byte {} (no stop byte)", position_));
  }
  const uint8_t byte = static_cast<uint8_t>(bytes_[position_++]);
  if (byte == 0) {
    return header;
  }
  const uint8_t type_code = byte & 0x0f;
  if (type_code == 0 || !IsDefinedType(type_code)) {
    return Error(
        fmt::format("field header at byte {} has unknown type {}", header.offset, type_code));
  }
  header.type = static_cast<CompactType>(type_code);
  const int delta = byte >> 4;
  if (delta != 0) {
    const int id = *last_id + delta;
    if (id > std::numeric_limits<int16_t>::max()) {
      return Error(fmt::format("field id {} at byte {} exceeds the i16 range", id, header.offset));
    }
    header.id = static_cast<int16_t>(id);
  } else {
    STRATA_ASSIGN_OR_RETURN(const int16_t id, ReadI16());
    header.id = id;
  }
  *last_id = header.id;
  return header;
}

absl::StatusOr<CompactType> CompactReader::ReadElementType(uint8_t code, size_t offset) {
  if (code == 0 || !IsDefinedType(code)) {
    return Error(fmt::format("collection at byte {} has unknown element type {}", offset, code));
  }
  if (code == static_cast<uint8_t>(CompactType::kBoolFalse)) {
    return CompactType::kBoolTrue;
  }
  return static_cast<CompactType>(code);
}

absl::StatusOr<ListHeader> CompactReader::ReadListHeader() {
  const size_t start = position_;
  STRATA_RETURN_IF_ERROR(Need(1, "list header"));
  const uint8_t byte = static_cast<uint8_t>(bytes_[position_++]);
  ListHeader header;
  STRATA_ASSIGN_OR_RETURN(header.element_type, ReadElementType(byte & 0x0f, start));
  uint64_t size = byte >> 4;
  if (size == kLongFormListSize) {
    STRATA_ASSIGN_OR_RETURN(size, ReadVarint());
  }
  STRATA_RETURN_IF_ERROR(CheckSize(size, MinEncodedSize(header.element_type), "list", start));
  header.size = static_cast<uint32_t>(size);
  return header;
}

absl::StatusOr<MapHeader> CompactReader::ReadMapHeader() {
  const size_t start = position_;
  STRATA_ASSIGN_OR_RETURN(const uint64_t size, ReadVarint());
  MapHeader header;
  if (size == 0) {
    return header;
  }
  STRATA_RETURN_IF_ERROR(Need(1, "map key and value types"));
  const uint8_t byte = static_cast<uint8_t>(bytes_[position_++]);
  STRATA_ASSIGN_OR_RETURN(header.key_type, ReadElementType(byte >> 4, start));
  STRATA_ASSIGN_OR_RETURN(header.value_type, ReadElementType(byte & 0x0f, start));
  STRATA_RETURN_IF_ERROR(CheckSize(
      size, MinEncodedSize(header.key_type) + MinEncodedSize(header.value_type), "map", start));
  header.size = static_cast<uint32_t>(size);
  return header;
}

absl::StatusOr<bool> CompactReader::ReadBool() {
  STRATA_RETURN_IF_ERROR(Need(1, "bool"));
  const size_t start = position_;
  const uint8_t byte = static_cast<uint8_t>(bytes_[position_++]);
  switch (byte) {
    case 1:
      return true;
    case 0:
    case 2:
      return false;
    default:
      return Error(fmt::format("bool at byte {} is {}, not 0, 1 or 2", start, byte));
  }
}

absl::StatusOr<int8_t> CompactReader::ReadI8() {
  STRATA_RETURN_IF_ERROR(Need(1, "i8"));
  return static_cast<int8_t>(bytes_[position_++]);
}

absl::StatusOr<int16_t> CompactReader::ReadI16() {
  const size_t start = position_;
  STRATA_ASSIGN_OR_RETURN(const uint64_t raw, ReadVarint());
  const int64_t value = ZigZagDecode(raw);
  if (value < std::numeric_limits<int16_t>::min() || value > std::numeric_limits<int16_t>::max()) {
    return Error(fmt::format("i16 at byte {} is {}, out of range", start, value));
  }
  return static_cast<int16_t>(value);
}

absl::StatusOr<int32_t> CompactReader::ReadI32() {
  const size_t start = position_;
  STRATA_ASSIGN_OR_RETURN(const uint64_t raw, ReadVarint());
  const int64_t value = ZigZagDecode(raw);
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return Error(fmt::format("i32 at byte {} is {}, out of range", start, value));
  }
  return static_cast<int32_t>(value);
}

absl::StatusOr<int64_t> CompactReader::ReadI64() {
  STRATA_ASSIGN_OR_RETURN(const uint64_t raw, ReadVarint());
  return ZigZagDecode(raw);
}

absl::StatusOr<double> CompactReader::ReadDouble() {
  STRATA_RETURN_IF_ERROR(Need(8, "double"));
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[position_ + i])) << (8 * i);
  }
  position_ += 8;
  return std::bit_cast<double>(bits);
}

absl::StatusOr<std::string_view> CompactReader::ReadBinary() {
  const size_t start = position_;
  STRATA_ASSIGN_OR_RETURN(const uint64_t length, ReadVarint());
  if (length > remaining()) {
    return Error(fmt::format(
        "binary length {} at byte {} exceeds the {} bytes left", length, start, remaining()));
  }
  const std::string_view value = bytes_.substr(position_, static_cast<size_t>(length));
  position_ += static_cast<size_t>(length);
  return value;
}

absl::StatusOr<std::array<uint8_t, 16>> CompactReader::ReadUuid() {
  STRATA_RETURN_IF_ERROR(Need(16, "uuid"));
  std::array<uint8_t, 16> value;
  std::memcpy(value.data(), bytes_.data() + position_, value.size());
  position_ += value.size();
  return value;
}

absl::Status CompactReader::SkipField(const FieldHeader& field) {
  return Skip(field.type, /*in_field=*/true, depth_);
}

absl::Status CompactReader::SkipValue(CompactType type) {
  return Skip(type, /*in_field=*/false, depth_);
}

absl::Status CompactReader::Skip(CompactType type, bool in_field, int depth) {
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      if (in_field) {
        return absl::OkStatus();  // the value is the field header's type
      }
      return ReadBool().status();
    case CompactType::kI8:
      return ReadI8().status();
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      // Skipped as any varint: a caller that does not know the field needs no range check.
      return ReadVarint().status();
    case CompactType::kDouble:
      return ReadDouble().status();
    case CompactType::kBinary:
      return ReadBinary().status();
    case CompactType::kUuid:
      return ReadUuid().status();
    case CompactType::kStop:
      break;
    case CompactType::kList:
    case CompactType::kSet:
    case CompactType::kMap:
    case CompactType::kStruct:
      if (depth >= kMaxDepth) {
        return Error(fmt::format("{} at byte {} nests deeper than {} levels",
                                 CompactTypeName(type),
                                 position_,
                                 kMaxDepth));
      }
      if (type == CompactType::kStruct) {
        int16_t last_id = 0;
        while (true) {
          STRATA_ASSIGN_OR_RETURN(const FieldHeader field, ReadFieldHeaderAfter(&last_id));
          if (field.type == CompactType::kStop) {
            return absl::OkStatus();
          }
          STRATA_RETURN_IF_ERROR(Skip(field.type, /*in_field=*/true, depth + 1));
        }
      }
      if (type == CompactType::kMap) {
        STRATA_ASSIGN_OR_RETURN(const MapHeader map, ReadMapHeader());
        for (uint32_t i = 0; i < map.size; ++i) {
          STRATA_RETURN_IF_ERROR(Skip(map.key_type, /*in_field=*/false, depth + 1));
          STRATA_RETURN_IF_ERROR(Skip(map.value_type, /*in_field=*/false, depth + 1));
        }
        return absl::OkStatus();
      }
      {
        STRATA_ASSIGN_OR_RETURN(const ListHeader list, ReadListHeader());
        for (uint32_t i = 0; i < list.size; ++i) {
          STRATA_RETURN_IF_ERROR(Skip(list.element_type, /*in_field=*/false, depth + 1));
        }
      }
      return absl::OkStatus();
  }
  return Error(
      fmt::format("cannot skip a value of {} at byte {}", CompactTypeName(type), position_));
}

}  // namespace strata::parquet
