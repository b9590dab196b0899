// Binary encoding of WriteBatch (docs/write_batch_format.md): little-endian, varints for ids,
// counts and integers, zigzag deltas for row times, one string heap per table. Decoding checks
// every count and length against the bytes that remain before using it.
#include "catalog/write_batch.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "common/check.h"
#include "fmt/format.h"

namespace strata {
namespace {

constexpr uint8_t kFormatVersion = 1;

// Cell type codes on the wire, independent of TypeId's numbering.
enum WireType : uint8_t {
  kWireBool = 0,
  kWireInt64 = 1,
  kWireUInt64 = 2,
  kWireFloat64 = 3,
  kWireString = 4,
  kWireDictionary = 5,
};
constexpr int kWireTypeBits = 3;
constexpr uint8_t kWireTypeCount = 6;

uint8_t ToWire(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return kWireBool;
    case TypeId::kInt64:
      return kWireInt64;
    case TypeId::kUInt64:
      return kWireUInt64;
    case TypeId::kFloat64:
      return kWireFloat64;
    case TypeId::kString:
      return kWireString;
    case TypeId::kDictionary:
      return kWireDictionary;
    case TypeId::kTimestamp:
    case TypeId::kNull:
    case TypeId::kInterval:
      break;
  }
  STRATA_CHECK(false && "a WriteBatch cell cannot have type timestamp, null or interval");
  return 0;
}

TypeId FromWire(uint8_t code) {
  static constexpr TypeId kTypes[kWireTypeCount] = {TypeId::kBool,
                                                    TypeId::kInt64,
                                                    TypeId::kUInt64,
                                                    TypeId::kFloat64,
                                                    TypeId::kString,
                                                    TypeId::kDictionary};
  return kTypes[code];
}

uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

int64_t UnZigZag(uint64_t value) {
  return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
}

// Writes into a buffer sized in advance for the worst case, so no write checks capacity.
class Writer {
 public:
  explicit Writer(char* at) : at_(at) {}

  char* position() const { return at_; }

  void Byte(uint8_t value) { *at_++ = static_cast<char>(value); }

  void Varint(uint64_t value) {
    while (value >= 0x80) {
      *at_++ = static_cast<char>(value | 0x80);
      value >>= 7;
    }
    *at_++ = static_cast<char>(value);
  }

  void Fixed64(uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      *at_++ = static_cast<char>(value >> (8 * i));
    }
  }

  void Bytes(std::string_view bytes) {
    if (!bytes.empty()) {
      std::memcpy(at_, bytes.data(), bytes.size());
      at_ += bytes.size();
    }
  }

 private:
  char* at_;
};

constexpr size_t kMaxVarint = 10;

// An upper bound on the encoded size of `table`.
size_t MaxEncodedSize(const TableWrite& table) {
  size_t size = 3 * kMaxVarint + table.string_heap.size();
  size += table.rows.size() * (2 * kMaxVarint);
  for (const RowRef& row : table.rows) {
    // Header varint (at most 5 bytes: a 32-bit id and 3 type bits) plus at most two varints.
    size += static_cast<size_t>(row.cell_end - row.cell_begin) * (5 + 2 * kMaxVarint);
  }
  return size;
}

void EncodeTable(const TableWrite& table, Writer* out) {
  out->Varint(table.table_id);
  out->Varint(table.rows.size());
  out->Varint(table.string_heap.size());
  out->Bytes(table.string_heap);
  int64_t previous_time = 0;
  for (const RowRef& row : table.rows) {
    STRATA_DCHECK_LE(row.cell_begin, row.cell_end);
    STRATA_DCHECK_LE(row.cell_end, table.cells.size());
    // Wrapping subtraction: the delta of INT64_MIN and INT64_MAX still round-trips.
    out->Varint(ZigZag(static_cast<int64_t>(static_cast<uint64_t>(row.time) -
                                            static_cast<uint64_t>(previous_time))));
    previous_time = row.time;
    out->Varint(row.cell_end - row.cell_begin);
    for (uint32_t c = row.cell_begin; c < row.cell_end; ++c) {
      const CellValue& cell = table.cells[c];
      uint8_t wire = ToWire(cell.type);
      out->Varint((static_cast<uint64_t>(cell.column_id) << kWireTypeBits) | wire);
      switch (wire) {
        case kWireBool:
          out->Byte(cell.b ? 1 : 0);
          break;
        case kWireInt64:
          out->Varint(ZigZag(cell.i64));
          break;
        case kWireUInt64:
          out->Varint(cell.u64);
          break;
        case kWireFloat64: {
          uint64_t bits;
          std::memcpy(&bits, &cell.f64, sizeof(bits));
          out->Fixed64(bits);
          break;
        }
        default:  // kWireString, kWireDictionary
          out->Varint(cell.str.offset);
          out->Varint(cell.str.length);
          break;
      }
    }
  }
}

// Reads from [at, end); every read checks the bytes that remain.
class Reader {
 public:
  Reader(const char* begin, const char* end) : begin_(begin), at_(begin), end_(end) {}

  size_t remaining() const { return static_cast<size_t>(end_ - at_); }
  size_t offset() const { return static_cast<size_t>(at_ - begin_); }

  bool Byte(uint8_t* value) {
    if (at_ == end_) {
      return false;
    }
    *value = static_cast<uint8_t>(*at_++);
    return true;
  }

  // Fails on truncation and on encodings longer than 10 bytes or beyond 64 bits.
  bool Varint(uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ == end_) {
        return false;
      }
      uint8_t byte = static_cast<uint8_t>(*at_++);
      if (shift == 63 && byte > 1) {
        return false;
      }
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (byte < 0x80) {
        *value = result;
        return true;
      }
    }
    return false;
  }

  bool Fixed64(uint64_t* value) {
    if (remaining() < 8) {
      return false;
    }
    uint64_t result = 0;
    for (int i = 0; i < 8; ++i) {
      result |= static_cast<uint64_t>(static_cast<uint8_t>(at_[i])) << (8 * i);
    }
    at_ += 8;
    *value = result;
    return true;
  }

  bool Bytes(size_t length, std::string_view* bytes) {
    if (remaining() < length) {
      return false;
    }
    *bytes = std::string_view(at_, length);
    at_ += length;
    return true;
  }

 private:
  const char* begin_;
  const char* at_;
  const char* end_;
};

absl::Status Corrupt(const Reader& in, std::string_view what) {
  return absl::DataLossError(fmt::format("corrupt write batch at byte {}: {}", in.offset(), what));
}

// The fewest bytes a table, a row and a cell can take, to bound counts before allocating.
constexpr size_t kMinTableBytes = 3;
constexpr size_t kMinRowBytes = 2;
constexpr size_t kMinCellBytes = 2;

absl::Status DecodeTable(Reader* in, size_t table_index, WriteBatch* batch) {
  TableWrite& table = batch->tables.emplace_back();
  uint64_t table_id;
  uint64_t row_count;
  uint64_t heap_size;
  if (!in->Varint(&table_id) || table_id > std::numeric_limits<uint32_t>::max()) {
    return Corrupt(*in, fmt::format("table {}: bad table id", table_index));
  }
  table.table_id = static_cast<uint32_t>(table_id);
  if (!in->Varint(&row_count) || row_count > in->remaining() / kMinRowBytes) {
    return Corrupt(*in, fmt::format("table {}: bad row count", table_index));
  }
  if (!in->Varint(&heap_size) || heap_size > in->remaining() ||
      heap_size > std::numeric_limits<uint32_t>::max()) {
    return Corrupt(*in, fmt::format("table {}: bad string heap size", table_index));
  }
  std::string_view heap;
  in->Bytes(heap_size, &heap);
  table.string_heap.assign(heap);
  // Rows take at least kMinRowBytes each, so this reservation is bounded by the input size.
  table.rows.reserve(row_count);

  int64_t time = 0;
  for (uint64_t r = 0; r < row_count; ++r) {
    uint64_t delta;
    uint64_t cell_count;
    if (!in->Varint(&delta)) {
      return Corrupt(*in, fmt::format("table {} row {}: truncated time", table_index, r));
    }
    time =
        static_cast<int64_t>(static_cast<uint64_t>(time) + static_cast<uint64_t>(UnZigZag(delta)));
    if (!in->Varint(&cell_count) || cell_count > in->remaining() / kMinCellBytes ||
        cell_count + table.cells.size() > std::numeric_limits<uint32_t>::max()) {
      return Corrupt(*in, fmt::format("table {} row {}: bad cell count", table_index, r));
    }
    RowRef row{time,
               static_cast<uint32_t>(table.cells.size()),
               static_cast<uint32_t>(table.cells.size() + cell_count)};
    int64_t previous_column = -1;
    for (uint64_t c = 0; c < cell_count; ++c) {
      uint64_t header;
      if (!in->Varint(&header)) {
        return Corrupt(*in, fmt::format("table {} row {} cell {}: truncated", table_index, r, c));
      }
      uint64_t column_id = header >> kWireTypeBits;
      uint8_t wire = static_cast<uint8_t>(header & ((1u << kWireTypeBits) - 1));
      if (column_id > std::numeric_limits<uint32_t>::max() || wire >= kWireTypeCount) {
        return Corrupt(
            *in,
            fmt::format(
                "table {} row {} cell {}: bad column id or type code {}", table_index, r, c, wire));
      }
      if (static_cast<int64_t>(column_id) <= previous_column) {
        return Corrupt(*in,
                       fmt::format("table {} row {} cell {}: column {} is not after column {} "
                                   "(cells must be sorted by column id, each column once)",
                                   table_index,
                                   r,
                                   c,
                                   column_id,
                                   previous_column));
      }
      previous_column = static_cast<int64_t>(column_id);
      CellValue cell;
      cell.column_id = static_cast<uint32_t>(column_id);
      cell.type = FromWire(wire);
      bool ok = true;
      switch (wire) {
        case kWireBool: {
          uint8_t byte = 0;
          ok = in->Byte(&byte) && byte <= 1;
          cell.b = byte == 1;
          break;
        }
        case kWireInt64: {
          uint64_t raw;
          ok = in->Varint(&raw);
          cell.i64 = ok ? UnZigZag(raw) : 0;
          break;
        }
        case kWireUInt64:
          ok = in->Varint(&cell.u64);
          break;
        case kWireFloat64: {
          uint64_t bits = 0;
          ok = in->Fixed64(&bits);
          std::memcpy(&cell.f64, &bits, sizeof(bits));
          break;
        }
        default: {  // kWireString, kWireDictionary
          uint64_t offset;
          uint64_t length;
          ok = in->Varint(&offset) && in->Varint(&length) && offset <= heap_size &&
               length <= heap_size - offset;
          cell.str.offset = ok ? static_cast<uint32_t>(offset) : 0;
          cell.str.length = ok ? static_cast<uint32_t>(length) : 0;
          break;
        }
      }
      if (!ok) {
        return Corrupt(*in,
                       fmt::format("table {} row {} cell {} (column {}): bad or truncated {} value",
                                   table_index,
                                   r,
                                   c,
                                   column_id,
                                   TypeName(cell.type)));
      }
      table.cells.push_back(cell);
    }
    table.rows.push_back(row);
    batch->min_time = std::min(batch->min_time, time);
    batch->max_time = std::max(batch->max_time, time);
    ++batch->row_count;
  }
  return absl::OkStatus();
}

}  // namespace

bool operator==(const CellValue& a, const CellValue& b) {
  if (a.column_id != b.column_id || a.type != b.type) {
    return false;
  }
  switch (a.type) {
    case TypeId::kBool:
      return a.b == b.b;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return a.i64 == b.i64;
    case TypeId::kUInt64:
      return a.u64 == b.u64;
    case TypeId::kFloat64:
      return std::memcmp(&a.f64, &b.f64, sizeof(double)) == 0;
    case TypeId::kString:
    case TypeId::kDictionary:
      return a.str.offset == b.str.offset && a.str.length == b.str.length;
    case TypeId::kNull:
    case TypeId::kInterval:
      break;
  }
  return false;
}

void WriteBatch::SerializeTo(std::string* out) const {
  size_t bound = 1 + 2 * kMaxVarint;
  for (const TableWrite& table : tables) {
    bound += MaxEncodedSize(table);
  }
  const size_t start = out->size();
  out->resize(start + bound);
  Writer writer(out->data() + start);
  writer.Byte(kFormatVersion);
  writer.Varint(database_id);
  writer.Varint(tables.size());
  for (const TableWrite& table : tables) {
    EncodeTable(table, &writer);
  }
  out->resize(static_cast<size_t>(writer.position() - out->data()));
}

absl::StatusOr<WriteBatch> WriteBatch::Deserialize(std::string_view data) {
  Reader in(data.data(), data.data() + data.size());
  WriteBatch batch;
  uint8_t version;
  if (!in.Byte(&version)) {
    return Corrupt(in, "empty input");
  }
  if (version != kFormatVersion) {
    return absl::DataLossError(
        fmt::format("unsupported write batch format version {} (this build reads version {})",
                    version,
                    kFormatVersion));
  }
  uint64_t database_id;
  uint64_t table_count;
  if (!in.Varint(&database_id) || database_id > std::numeric_limits<uint32_t>::max()) {
    return Corrupt(in, "bad database id");
  }
  batch.database_id = static_cast<uint32_t>(database_id);
  if (!in.Varint(&table_count) || table_count > in.remaining() / kMinTableBytes) {
    return Corrupt(in, "bad table count");
  }
  batch.tables.reserve(table_count);
  for (uint64_t t = 0; t < table_count; ++t) {
    absl::Status status = DecodeTable(&in, t, &batch);
    if (!status.ok()) {
      return status;
    }
  }
  if (in.remaining() != 0) {
    return Corrupt(in, fmt::format("{} bytes after the last table", in.remaining()));
  }
  return batch;
}

}  // namespace strata
