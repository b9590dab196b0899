// Tests for the Thrift compact protocol. Expected bytes are assembled by hand from the spec
// (thrift-compact-protocol.md), so a bug shared by the writer and the reader still fails.
#include "parquet/thrift_compact.h"

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::parquet {
namespace {

using ::testing::HasSubstr;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int byte : bytes) {
    out.push_back(static_cast<char>(byte));
  }
  return out;
}

std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

// Skips one whole top-level struct; the way to check that arbitrary bytes are read safely.
absl::Status SkipStruct(std::string_view bytes) {
  CompactReader reader(bytes, "test");
  return reader.SkipValue(CompactType::kStruct);
}

TEST(CompactWriterTest, VarintsAndZigZagMatchTheSpec) {
  std::string out;
  CompactWriter writer(&out);
  writer.WriteVarint(50399);  // the spec's example
  EXPECT_EQ(out, Bytes({0xdf, 0x89, 0x03}));

  const struct {
    int64_t value;
    std::string bytes;
  } kI64Cases[] = {
      {0, Bytes({0x00})},
      {-1, Bytes({0x01})},
      {1, Bytes({0x02})},
      {-2, Bytes({0x03})},
      {63, Bytes({0x7e})},
      {-64, Bytes({0x7f})},
      {64, Bytes({0x80, 0x01})},
      {std::numeric_limits<int64_t>::max(),
       Bytes({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})},
      {std::numeric_limits<int64_t>::min(),
       Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})},
  };
  for (const auto& c : kI64Cases) {
    out.clear();
    writer.WriteI64(c.value);
    EXPECT_EQ(out, c.bytes) << c.value;
    CompactReader reader(c.bytes, "test");
    absl::StatusOr<int64_t> read = reader.ReadI64();
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(*read, c.value);
    EXPECT_EQ(reader.remaining(), 0u);
  }

  out.clear();
  writer.WriteI32(std::numeric_limits<int32_t>::max());
  writer.WriteI32(std::numeric_limits<int32_t>::min());
  EXPECT_EQ(out, Bytes({0xfe, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0xff, 0x0f}));
  out.clear();
  writer.WriteI16(-300);  // zigzag 599 = 0x257
  writer.WriteI8(-2);     // one byte, not a varint
  EXPECT_EQ(out, Bytes({0xd7, 0x04, 0xfe}));
}

TEST(CompactWriterTest, DoubleIsLittleEndian) {
  std::string out;
  CompactWriter writer(&out);
  writer.WriteDouble(1.0);
  writer.WriteDouble(-2.5);
  EXPECT_EQ(out.substr(0, 8), Bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f}));
  EXPECT_EQ(out.substr(8), Bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xc0}));
}

// A struct with the short and long field header forms, every scalar type and the collections,
// as the spec lays it out:
//   1: i32 = 1, 3: binary "ab", 20: i64 = -1, 2: bool true, 4: list<i32> [1, 2, 3],
//   5: map<binary, i32> {"a": 1}, 6: struct {1: i8 -1}, 7: set<i16> [], 8: double 1.0,
//   9: list<i8> of 15 zeros (the long size form), 10: map {}, 11: bool false, 12: uuid 0..15
std::string KitchenSinkStruct() {
  std::string s = Bytes({
      0x15, 0x02,                          // field 1 (delta 1) i32, zigzag(1)
      0x28, 0x02, 'a',  'b',               // field 3 (delta 2) binary, length 2
      0x06, 0x28, 0x01,                    // field 20 long form: type i64, zigzag(20), zigzag(-1)
      0x01, 0x04,                          // field 2 long form (id decreases): bool true, zigzag(2)
      0x29, 0x35, 0x02, 0x04, 0x06,        // field 4 (delta 2) list: size 3, i32
      0x1b, 0x01, 0x85, 0x01, 'a',  0x02,  // field 5 map: size 1, binary -> i32
      0x1c, 0x13, 0xff, 0x00,              // field 6 struct {1: i8 -1}
      0x1a, 0x04,                          // field 7 set: size 0, i16
      0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,  // field 8 double 1.0
      0x19, 0xf3, 0x0f,                                      // field 9 list: long form, 15 i8
  });
  s.append(15, '\0');
  s += Bytes({0x1b, 0x00});  // field 10 empty map
  s += Bytes({0x12});        // field 11 bool false
  s += Bytes({0x1d});        // field 12 uuid
  for (int i = 0; i < 16; ++i) {
    s.push_back(static_cast<char>(i));
  }
  s += Bytes({0x00});  // stop
  return s;
}

TEST(CompactWriterTest, WritesTheKitchenSinkStructByteForByte) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.WriteFieldI32(1, 1);
  writer.WriteFieldBinary(3, "ab");
  writer.WriteFieldI64(20, -1);
  writer.WriteFieldBool(2, true);
  writer.WriteFieldHeader(4, CompactType::kList);
  writer.WriteListHeader(CompactType::kI32, 3);
  writer.WriteI32(1);
  writer.WriteI32(2);
  writer.WriteI32(3);
  writer.WriteFieldHeader(5, CompactType::kMap);
  writer.WriteMapHeader(CompactType::kBinary, CompactType::kI32, 1);
  writer.WriteBinary("a");
  writer.WriteI32(1);
  writer.WriteFieldHeader(6, CompactType::kStruct);
  writer.BeginStruct();
  writer.WriteFieldI8(1, -1);
  writer.EndStruct();
  writer.WriteFieldHeader(7, CompactType::kSet);
  writer.WriteListHeader(CompactType::kI16, 0);
  writer.WriteFieldDouble(8, 1.0);
  writer.WriteFieldHeader(9, CompactType::kList);
  writer.WriteListHeader(CompactType::kI8, 15);
  for (int i = 0; i < 15; ++i) {
    writer.WriteI8(0);
  }
  writer.WriteFieldHeader(10, CompactType::kMap);
  writer.WriteMapHeader(CompactType::kI32, CompactType::kI32, 0);
  writer.WriteFieldBool(11, false);
  writer.WriteFieldHeader(12, CompactType::kUuid);
  writer.WriteUuid({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  writer.EndStruct();
  EXPECT_EQ(out, KitchenSinkStruct());
}

TEST(CompactReaderTest, ReadsTheKitchenSinkStruct) {
  const std::string bytes = KitchenSinkStruct();
  CompactReader reader(bytes, "test");
  ASSERT_TRUE(reader.BeginStruct().ok());

  auto expect_field = [&](int16_t id, CompactType type) {
    absl::StatusOr<FieldHeader> field = reader.ReadFieldHeader();
    ASSERT_TRUE(field.ok()) << field.status();
    EXPECT_EQ(field->id, id);
    EXPECT_EQ(field->type, type) << "field " << id;
  };
  expect_field(1, CompactType::kI32);
  EXPECT_EQ(reader.ReadI32().value(), 1);
  expect_field(3, CompactType::kBinary);
  EXPECT_EQ(reader.ReadBinary().value(), "ab");
  expect_field(20, CompactType::kI64);
  EXPECT_EQ(reader.ReadI64().value(), -1);
  expect_field(2, CompactType::kBoolTrue);
  expect_field(4, CompactType::kList);
  ListHeader list = reader.ReadListHeader().value();
  EXPECT_EQ(list.element_type, CompactType::kI32);
  ASSERT_EQ(list.size, 3u);
  EXPECT_EQ(reader.ReadI32().value(), 1);
  EXPECT_EQ(reader.ReadI32().value(), 2);
  EXPECT_EQ(reader.ReadI32().value(), 3);
  expect_field(5, CompactType::kMap);
  MapHeader map = reader.ReadMapHeader().value();
  EXPECT_EQ(map.key_type, CompactType::kBinary);
  EXPECT_EQ(map.value_type, CompactType::kI32);
  ASSERT_EQ(map.size, 1u);
  EXPECT_EQ(reader.ReadBinary().value(), "a");
  EXPECT_EQ(reader.ReadI32().value(), 1);
  expect_field(6, CompactType::kStruct);
  ASSERT_TRUE(reader.BeginStruct().ok());
  expect_field(1, CompactType::kI8);
  EXPECT_EQ(reader.ReadI8().value(), -1);
  expect_field(0, CompactType::kStop);
  reader.EndStruct();
  expect_field(7, CompactType::kSet);
  list = reader.ReadListHeader().value();
  EXPECT_EQ(list.element_type, CompactType::kI16);
  EXPECT_EQ(list.size, 0u);
  expect_field(8, CompactType::kDouble);
  EXPECT_EQ(reader.ReadDouble().value(), 1.0);
  expect_field(9, CompactType::kList);
  list = reader.ReadListHeader().value();
  EXPECT_EQ(list.element_type, CompactType::kI8);
  ASSERT_EQ(list.size, 15u);
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(reader.ReadI8().value(), 0);
  }
  expect_field(10, CompactType::kMap);
  map = reader.ReadMapHeader().value();
  EXPECT_EQ(map.size, 0u);
  expect_field(11, CompactType::kBoolFalse);
  expect_field(12, CompactType::kUuid);
  const std::array<uint8_t, 16> uuid = reader.ReadUuid().value();
  EXPECT_EQ(uuid[0], 0);
  EXPECT_EQ(uuid[15], 15);
  expect_field(0, CompactType::kStop);
  reader.EndStruct();
  EXPECT_EQ(reader.remaining(), 0u);
}

TEST(CompactReaderTest, SkipsEveryFieldOfTheKitchenSinkStruct) {
  const std::string bytes = KitchenSinkStruct() + "tail";
  CompactReader reader(bytes, "test");
  ASSERT_TRUE(reader.BeginStruct().ok());
  int fields = 0;
  while (true) {
    absl::StatusOr<FieldHeader> field = reader.ReadFieldHeader();
    ASSERT_TRUE(field.ok()) << field.status();
    if (field->type == CompactType::kStop) {
      break;
    }
    ++fields;
    ASSERT_TRUE(reader.SkipField(*field).ok()) << "field " << field->id;
  }
  reader.EndStruct();
  EXPECT_EQ(fields, 13);
  EXPECT_EQ(reader.offset(), bytes.size() - 4);

  CompactReader whole(bytes, "test");
  ASSERT_TRUE(whole.SkipValue(CompactType::kStruct).ok());
  EXPECT_EQ(whole.remaining(), 4u);
}

TEST(CompactReaderTest, SkipsNestedCollections) {
  // 1: list<list<i32>> [[1], []], 2: map<i32, struct> {7: {1: binary "x"}}, 3: set<binary> ["a"],
  // 4: list<bool> [true, false] (Java's element type 1, values 1 and 2),
  // 5: list<double> [1.0], 6: map<bool, uuid> {false: 0...}
  std::string bytes = Bytes({
      0x19, 0x29, 0x15, 0x02, 0x05,                   // list of 2 lists: [i32 1], [] of i32
      0x1b, 0x01, 0x5c, 0x0e, 0x18, 0x01, 'x', 0x00,  // map i32 -> struct
      0x1a, 0x18, 0x01, 'a',                          // set of 1 binary
      0x19, 0x21, 0x01, 0x02,                         // list of 2 bools
      0x19, 0x17, 0,    0,    0,    0,    0,   0,    0xf0, 0x3f,  // list of 1 double
      0x1b, 0x01, 0x2d, 0x02,                                     // map bool -> uuid, key false
  });
  bytes.append(16, '\x7f');
  bytes.push_back(0);
  EXPECT_TRUE(SkipStruct(bytes).ok()) << SkipStruct(bytes);
}

TEST(CompactReaderTest, BoolElementsAcceptEitherConvention) {
  // The spec says a list<bool> has element type 2 and values 1/0; Java and C++ write type 1 and
  // values 1/2. Both read the same.
  for (const std::string& bytes :
       {Bytes({0x32, 0x01, 0x00, 0x01}), Bytes({0x31, 0x01, 0x02, 0x01})}) {
    CompactReader reader(bytes, "test");
    ListHeader list = reader.ReadListHeader().value();
    EXPECT_EQ(list.element_type, CompactType::kBoolTrue);
    ASSERT_EQ(list.size, 3u);
    EXPECT_TRUE(reader.ReadBool().value());
    EXPECT_FALSE(reader.ReadBool().value());
    EXPECT_TRUE(reader.ReadBool().value());
  }
  std::string out;
  CompactWriter writer(&out);
  writer.WriteListHeader(CompactType::kBoolTrue, 2);
  writer.WriteBool(true);
  writer.WriteBool(false);
  EXPECT_EQ(out, Bytes({0x21, 0x01, 0x02}));

  const std::string bad_bytes = Bytes({0x03});
  CompactReader bad(bad_bytes, "test");
  absl::Status status = bad.ReadBool().status();
  EXPECT_THAT(Message(status), HasSubstr("bool at byte 0 is 3"));
}

TEST(CompactReaderTest, LongFormFieldIdsIncludingNegative) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.WriteFieldI32(-5, 7);
  writer.WriteFieldI32(32767, 8);
  writer.WriteFieldI32(15, 9);
  writer.EndStruct();
  EXPECT_EQ(out,
            Bytes({0x05,
                   0x09,
                   0x0e,  // id -5: zigzag 9
                   0x05,
                   0xfe,
                   0xff,
                   0x03,
                   0x10,  // id 32767: zigzag 65534
                   0x05,
                   0x1e,
                   0x12,
                   0x00}));  // id 15 goes down: long form again
  CompactReader reader(out, "test");
  ASSERT_TRUE(reader.BeginStruct().ok());
  for (int16_t id : {-5, 32767, 15}) {
    FieldHeader field = reader.ReadFieldHeader().value();
    EXPECT_EQ(field.id, id);
    ASSERT_TRUE(reader.SkipField(field).ok());
  }
}

TEST(CompactReaderTest, FieldIdDeltaPastInt16IsAnError) {
  // Field 32767 (long form), then a delta of 1.
  const std::string bytes = Bytes({0x05, 0xfe, 0xff, 0x03, 0x00, 0x15, 0x00, 0x00});
  absl::Status status = SkipStruct(bytes);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Message(status), HasSubstr("field id 32768 at byte 5 exceeds the i16 range"));
}

TEST(CompactReaderTest, VarintLimits) {
  // Ten bytes whose last holds bit 63: the largest varint.
  const std::string max = Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  CompactReader reader(max, "test");
  EXPECT_EQ(reader.ReadVarint().value(), std::numeric_limits<uint64_t>::max());

  const std::string over_64_bits =
      Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02});
  CompactReader over(over_64_bits, "test");
  EXPECT_THAT(Message(over.ReadVarint().status()),
              HasSubstr("varint at byte 0 is longer than 64 bits"));

  // Eleven bytes of a zero padded with continuation bits.
  const std::string eleven =
      Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  CompactReader too_long(eleven, "test");
  EXPECT_FALSE(too_long.ReadVarint().ok());

  const std::string cut_bytes = Bytes({0x05, 0x80, 0x80});
  CompactReader cut(cut_bytes, "test");
  ASSERT_TRUE(cut.ReadI8().ok());
  EXPECT_THAT(Message(cut.ReadVarint().status()),
              HasSubstr("varint at byte 1 is cut off by the end of the input"));
}

TEST(CompactReaderTest, IntegersOutOfTheirRange) {
  // zigzag(2^31) = 2^32: one past INT32_MAX.
  const std::string i32_bytes = Bytes({0x80, 0x80, 0x80, 0x80, 0x10});
  CompactReader i32(i32_bytes, "test");
  EXPECT_THAT(Message(i32.ReadI32().status()), HasSubstr("i32 at byte 0 is 2147483648"));
  const std::string i16_bytes = Bytes({0x80, 0x80, 0x04});
  CompactReader i16(i16_bytes, "test");  // zigzag 65536 = 32768
  EXPECT_THAT(Message(i16.ReadI16().status()), HasSubstr("i16 at byte 0 is 32768"));
}

TEST(CompactReaderTest, HugeLengthsAndCountsAreRejectedBeforeAnyAllocation) {
  // list<i32> of 4294967295 elements, long form.
  std::string bytes = Bytes({0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f}) + std::string(120, '\0');
  CompactReader list(bytes, "parquet footer");
  absl::Status status = list.ReadListHeader().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Message(status), HasSubstr("parquet footer: list size 4294967295 at byte 0"));
  EXPECT_THAT(Message(status), HasSubstr("exceeds the int32 range"));

  // 200 elements in 120 bytes.
  bytes = Bytes({0xf5, 0xc8, 0x01}) + std::string(120, '\0');
  CompactReader list2(bytes, "parquet footer");
  EXPECT_EQ(Message(list2.ReadListHeader().status()),
            "parquet footer: list size 200 at byte 0 exceeds the 120 bytes left");

  // 16 doubles need 128 bytes.
  bytes = Bytes({0xf7, 0x10}) + std::string(120, '\0');
  CompactReader doubles(bytes, "test");
  EXPECT_THAT(Message(doubles.ReadListHeader().status()),
              HasSubstr("list size 16 at byte 0 exceeds the 120 bytes left (8 bytes each)"));
  bytes = Bytes({0xf7, 0x0f}) + std::string(120, '\0');
  CompactReader fifteen(bytes, "test");
  EXPECT_TRUE(fifteen.ReadListHeader().ok());

  // A binary of 2^62 bytes.
  bytes = Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 'x'});
  CompactReader binary(bytes, "test");
  EXPECT_THAT(Message(binary.ReadBinary().status()),
              HasSubstr("binary length 4611686018427387904 at byte 0 exceeds the 1 bytes left"));

  // A map of 60 i32 -> i32 entries in 100 bytes (2 bytes each at least).
  bytes = Bytes({0x3c, 0x55}) + std::string(100, '\0');
  CompactReader map(bytes, "test");
  EXPECT_THAT(Message(map.ReadMapHeader().status()),
              HasSubstr("map size 60 at byte 0 exceeds the 100 bytes left (2 bytes each)"));
  bytes = Bytes({0x32, 0x55}) + std::string(100, '\0');
  CompactReader map50(bytes, "test");
  EXPECT_EQ(map50.ReadMapHeader().value().size, 50u);
}

TEST(CompactReaderTest, UnknownTypeCodesAreErrors) {
  for (int type : {14, 15}) {
    absl::Status status = SkipStruct(Bytes({0x10 | type, 0x00}));
    EXPECT_THAT(Message(status), HasSubstr("field header at byte 0 has unknown type"));
  }
  const std::string list_bytes = Bytes({0x1e, 0x00});
  CompactReader list(list_bytes, "test");
  EXPECT_THAT(Message(list.ReadListHeader().status()),
              HasSubstr("collection at byte 0 has unknown element type 14"));
  const std::string stop_elements_bytes = Bytes({0x10, 0x00});
  CompactReader stop_elements(stop_elements_bytes, "test");
  EXPECT_FALSE(stop_elements.ReadListHeader().ok());
  const std::string map_bytes = Bytes({0x01, 0xf5});
  CompactReader map(map_bytes, "test");
  EXPECT_FALSE(map.ReadMapHeader().ok());
  const std::string skip_bytes = Bytes({0x00});
  CompactReader skip(skip_bytes, "test");
  EXPECT_FALSE(skip.SkipValue(CompactType::kStop).ok());
  EXPECT_FALSE(skip.SkipValue(static_cast<CompactType>(14)).ok());
}

TEST(CompactReaderTest, DeepNestingIsRejected) {
  // Structs nested through field 1: {1: {1: {1: ... {}}}}.
  auto nested_structs = [](int depth) {
    std::string bytes;
    for (int i = 1; i < depth; ++i) {
      bytes.push_back(0x1c);
    }
    bytes.append(static_cast<size_t>(depth), '\0');
    return bytes;
  };
  EXPECT_TRUE(SkipStruct(nested_structs(CompactReader::kMaxDepth)).ok());
  absl::Status status = SkipStruct(nested_structs(CompactReader::kMaxDepth + 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Message(status), HasSubstr("nests deeper than 64 levels"));
  EXPECT_FALSE(SkipStruct(nested_structs(100000)).ok());

  // Lists of lists in a struct's field: {1: [[[...]]]}.
  auto nested_lists = [](int lists) {
    std::string bytes = Bytes({0x19});
    for (int i = 1; i < lists; ++i) {
      bytes.push_back(0x19);  // one element, a list
    }
    bytes.push_back(0x05);  // the innermost: no i32 elements
    bytes.push_back(0x00);
    return bytes;
  };
  EXPECT_TRUE(SkipStruct(nested_lists(CompactReader::kMaxDepth - 1)).ok());
  EXPECT_THAT(Message(SkipStruct(nested_lists(CompactReader::kMaxDepth))),
              HasSubstr("nests deeper than 64 levels"));
  EXPECT_FALSE(SkipStruct(nested_lists(100000)).ok());

  // BeginStruct counts too.
  const std::string zeros(100, '\0');
  CompactReader reader(zeros, "test");
  for (int i = 0; i < CompactReader::kMaxDepth; ++i) {
    ASSERT_TRUE(reader.BeginStruct().ok()) << i;
  }
  EXPECT_THAT(Message(reader.BeginStruct()), HasSubstr("struct at byte 0 nests deeper than 64"));
}

TEST(CompactReaderTest, MemoryBudgetGrowsWithTheInput) {
  const std::string bytes(10, '\0');
  CompactReader reader(bytes, "test");
  EXPECT_TRUE(reader.ChargeMemory(CompactReader::kMemoryBudgetBase).ok());
  EXPECT_TRUE(reader.ChargeMemory(10 * CompactReader::kMemoryBudgetPerByte - 1).ok());
  EXPECT_TRUE(reader.ChargeMemory(1).ok());
  absl::Status status = reader.ChargeMemory(1);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Message(status),
            "test: decoding the value at byte 0 would take more than 4194944 bytes of memory for a "
            "10-byte input");
  // A huge request does not wrap around.
  CompactReader fresh(bytes, "test");
  EXPECT_FALSE(fresh.ChargeMemory(std::numeric_limits<size_t>::max()).ok());
}

TEST(CompactReaderTest, EveryTruncationOfAValidStructIsAnError) {
  const std::string bytes = KitchenSinkStruct();
  for (size_t size = 0; size < bytes.size(); ++size) {
    absl::Status status = SkipStruct(std::string_view(bytes).substr(0, size));
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << "size " << size;
  }
}

TEST(CompactReaderTest, ErrorsNameTheInputAndTheOffset) {
  const std::string reader_bytes = Bytes({0x15});
  CompactReader reader(reader_bytes, "parquet page header");
  ASSERT_TRUE(reader.BeginStruct().ok());
  FieldHeader field = reader.ReadFieldHeader().value();
  EXPECT_EQ(field.offset, 0u);
  EXPECT_EQ(Message(reader.ReadI32().status()),
            "parquet page header: varint at byte 1 is cut off by the end of the input");
  const std::string doubles_bytes = Bytes({1, 2, 3});
  CompactReader doubles(doubles_bytes, "x");
  EXPECT_EQ(Message(doubles.ReadDouble().status()), "x: double at byte 0 needs 8 bytes, 3 left");
  CompactReader empty(std::string_view(), "x");
  EXPECT_EQ(Message(empty.ReadI8().status()), "x: i8 expected at byte 0, where the input ends");
  EXPECT_EQ(Message(SkipStruct(Bytes({0x15, 0x02}))),
            "test: struct is cut off at byte 2 (no stop byte)");
}

TEST(CompactReaderTest, RandomBytesNeverCrash) {
  // A cheap, deterministic cousin of the fuzzer: random inputs must fail or succeed cleanly
  // (ASan and UBSan builds check the "cleanly").
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  int ok = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes;
    const int n = length(random);
    for (int j = 0; j < n; ++j) {
      // Mostly small values, so that headers and sizes are often plausible.
      const int b = byte(random);
      bytes.push_back(static_cast<char>(i % 2 == 0 ? b : b & 0x1f));
    }
    if (SkipStruct(bytes).ok()) {
      ++ok;
    }
  }
  EXPECT_GT(ok, 0);
}

TEST(CompactTypeNameTest, NamesEveryType) {
  EXPECT_EQ(CompactTypeName(CompactType::kBoolFalse), "bool");
  EXPECT_EQ(CompactTypeName(CompactType::kI32), "i32");
  EXPECT_EQ(CompactTypeName(CompactType::kUuid), "uuid");
  EXPECT_EQ(CompactTypeName(static_cast<CompactType>(14)), "type 14");
}

}  // namespace
}  // namespace strata::parquet
