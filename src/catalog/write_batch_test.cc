// Tests of the WriteBatch binary encoding: round trips of every value type and extreme, and clean
// failures on truncated, corrupted and random input.
#include "catalog/write_batch.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata {
namespace {

using ::testing::HasSubstr;

// Builds batches cell by cell, keeping min/max time and row count as the validator does.
class BatchBuilder {
 public:
  explicit BatchBuilder(uint32_t database_id) { batch_.database_id = database_id; }

  BatchBuilder& Table(uint32_t table_id) {
    batch_.tables.emplace_back().table_id = table_id;
    return *this;
  }
  BatchBuilder& Row(int64_t time) {
    TableWrite& table = batch_.tables.back();
    uint32_t at = static_cast<uint32_t>(table.cells.size());
    table.rows.push_back(RowRef{time, at, at});
    batch_.min_time = std::min(batch_.min_time, time);
    batch_.max_time = std::max(batch_.max_time, time);
    ++batch_.row_count;
    return *this;
  }
  BatchBuilder& Cell(CellValue cell) {
    TableWrite& table = batch_.tables.back();
    table.cells.push_back(cell);
    table.rows.back().cell_end = static_cast<uint32_t>(table.cells.size());
    return *this;
  }
  BatchBuilder& F64(uint32_t column, double value) {
    CellValue cell{column, TypeId::kFloat64, {}};
    cell.f64 = value;
    return Cell(cell);
  }
  BatchBuilder& I64(uint32_t column, int64_t value) {
    CellValue cell{column, TypeId::kInt64, {}};
    cell.i64 = value;
    return Cell(cell);
  }
  BatchBuilder& U64(uint32_t column, uint64_t value) {
    CellValue cell{column, TypeId::kUInt64, {}};
    cell.u64 = value;
    return Cell(cell);
  }
  BatchBuilder& Bool(uint32_t column, bool value) {
    CellValue cell{column, TypeId::kBool, {}};
    cell.b = value;
    return Cell(cell);
  }
  BatchBuilder& Str(uint32_t column, std::string_view value, TypeId type = TypeId::kString) {
    TableWrite& table = batch_.tables.back();
    CellValue cell{column, type, {}};
    cell.str.offset = static_cast<uint32_t>(table.string_heap.size());
    cell.str.length = static_cast<uint32_t>(value.size());
    table.string_heap.append(value);
    return Cell(cell);
  }
  BatchBuilder& Tag(uint32_t column, std::string_view value) {
    return Str(column, value, TypeId::kDictionary);
  }

  const WriteBatch& batch() const { return batch_; }

 private:
  WriteBatch batch_;
};

std::string Serialize(const WriteBatch& batch) {
  std::string out;
  batch.SerializeTo(&out);
  return out;
}

WriteBatch Extremes() {
  BatchBuilder builder(4000000000u);
  builder.Table(0)
      .Row(0)
      .Tag(1, "host-1")
      .F64(2, -0.0)
      .I64(3, std::numeric_limits<int64_t>::min())
      .U64(4, std::numeric_limits<uint64_t>::max())
      .Bool(5, true)
      .Str(6, "")
      .Row(std::numeric_limits<int64_t>::max())
      .F64(2, std::numeric_limits<double>::denorm_min())
      .I64(3, std::numeric_limits<int64_t>::max())
      .U64(4, 0)
      .Bool(5, false)
      .Str(6, "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 \"q\"\n\\")
      .Row(std::numeric_limits<int64_t>::min())
      .F64(2, std::numeric_limits<double>::max())
      .I64(3, -1)
      .Str(6, std::string("nul\0byte", 8))
      .Row(-1)  // a row with no cells
      .Table(std::numeric_limits<uint32_t>::max())
      .Row(1700000000000000000)
      .Tag(std::numeric_limits<uint32_t>::max(), "")
      .Row(1700000000000000000)
      .F64(1, std::numeric_limits<double>::lowest())
      .F64(7, std::numeric_limits<double>::quiet_NaN())
      .F64(8, -std::numeric_limits<double>::infinity())
      .F64(9, std::numeric_limits<double>::min());
  return builder.batch();
}

TEST(WriteBatchTest, RoundTripsEveryTypeAndExtreme) {
  WriteBatch batch = Extremes();
  std::string encoded = Serialize(batch);
  absl::StatusOr<WriteBatch> decoded = WriteBatch::Deserialize(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, batch);
  EXPECT_EQ(decoded->min_time, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(decoded->max_time, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(decoded->row_count, 6);
  // -0.0 keeps its sign, the denormal its bits.
  const TableWrite& table = decoded->tables[0];
  EXPECT_TRUE(std::signbit(table.cells[1].f64));
  EXPECT_EQ(table.cells[6].f64, std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(table.StringOf(table.cells[10]), "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 \"q\"\n\\");
  EXPECT_EQ(table.StringOf(table.cells[13]), std::string("nul\0byte", 8));
  EXPECT_TRUE(std::isnan(decoded->tables[1].cells[2].f64));
}

TEST(WriteBatchTest, EmptyBatchRoundTrips) {
  WriteBatch empty;
  std::string encoded = Serialize(empty);
  EXPECT_EQ(encoded.size(), 3u);  // version, database id, table count
  absl::StatusOr<WriteBatch> decoded = WriteBatch::Deserialize(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, empty);
  EXPECT_EQ(decoded->min_time, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(decoded->row_count, 0);
}

TEST(WriteBatchTest, ManyTablesRoundTrip) {
  BatchBuilder builder(7);
  for (uint32_t t = 0; t < 1000; ++t) {
    builder.Table(t * 3);
    for (int r = 0; r < 5; ++r) {
      builder.Row(1'700'000'000'000'000'000 + r * 10'000'000'000 - t)
          .Tag(1, "host_" + std::to_string(t))
          .I64(2, -static_cast<int64_t>(t) * r)
          .F64(5, t * 0.5);
    }
  }
  WriteBatch batch = builder.batch();
  std::string encoded = Serialize(batch);
  absl::StatusOr<WriteBatch> decoded = WriteBatch::Deserialize(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, batch);
  EXPECT_EQ(decoded->row_count, 5000);
  // Compact: about 30 bytes per row of three cells (fixed-width fields would take about 60).
  EXPECT_LT(encoded.size(), 5000u * 32);
}

TEST(WriteBatchTest, SerializeAppends) {
  WriteBatch batch = Extremes();
  std::string out = "prefix";
  batch.SerializeTo(&out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(out.substr(6), Serialize(batch));
}

TEST(WriteBatchTest, EveryTruncationFailsCleanly) {
  std::string encoded = Serialize(Extremes());
  for (size_t length = 0; length < encoded.size(); ++length) {
    absl::StatusOr<WriteBatch> decoded =
        WriteBatch::Deserialize(std::string_view(encoded).substr(0, length));
    EXPECT_FALSE(decoded.ok()) << length;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << length;
  }
}

TEST(WriteBatchTest, RejectsBadVersionTrailingBytesAndBrokenInvariants) {
  std::string encoded = Serialize(Extremes());
  std::string bad_version = encoded;
  bad_version[0] = 9;
  EXPECT_THAT(std::string(WriteBatch::Deserialize(bad_version).status().message()),
              HasSubstr("unsupported write batch format version 9"));
  EXPECT_THAT(std::string(WriteBatch::Deserialize(encoded + "x").status().message()),
              HasSubstr("1 bytes after the last table"));

  BatchBuilder unsorted(1);
  unsorted.Table(1).Row(5).I64(3, 1).I64(2, 1);
  EXPECT_THAT(std::string(WriteBatch::Deserialize(Serialize(unsorted.batch())).status().message()),
              HasSubstr("column 2 is not after column 3"));
  BatchBuilder duplicate(1);
  duplicate.Table(1).Row(5).I64(2, 1).F64(2, 1);
  EXPECT_FALSE(WriteBatch::Deserialize(Serialize(duplicate.batch())).ok());

  // A string cell pointing past its heap: the string heap "ab", a cell at offset 1 length 5.
  std::string out;
  out += '\x01';  // version
  out += '\x00';  // database 0
  out += '\x01';  // one table
  out += '\x00';  // table 0
  out += '\x01';  // one row
  out += '\x02';  // heap size
  out += "ab";
  out += '\x00';                         // time delta 0
  out += '\x01';                         // one cell
  out += static_cast<char>(1 << 3 | 4);  // column 1, string
  out += '\x01';                         // offset 1
  out += '\x05';                         // length 5
  EXPECT_THAT(std::string(WriteBatch::Deserialize(out).status().message()),
              HasSubstr("bad or truncated string value"));
  out[out.size() - 1] = '\x01';
  EXPECT_TRUE(WriteBatch::Deserialize(out).ok());
  // A boolean byte that is neither 0 nor 1, and a type code that does not exist.
  std::string bad_bool = out.substr(0, out.size() - 3) + static_cast<char>(1 << 3 | 0) + '\x02';
  EXPECT_FALSE(WriteBatch::Deserialize(bad_bool).ok());
  std::string bad_type = out.substr(0, out.size() - 3) + static_cast<char>(1 << 3 | 6) + '\x00';
  EXPECT_THAT(std::string(WriteBatch::Deserialize(bad_type).status().message()),
              HasSubstr("type code 6"));
}

TEST(WriteBatchTest, HugeCountsDoNotAllocate) {
  // Table count, row count, heap size and cell count of 2^63: each must fail before reserving.
  const std::string huge = "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x7F";
  EXPECT_FALSE(WriteBatch::Deserialize(std::string("\x01\x00", 2) + huge).ok());
  EXPECT_FALSE(WriteBatch::Deserialize(std::string("\x01\x00\x01\x00", 4) + huge + "abc").ok());
  EXPECT_FALSE(WriteBatch::Deserialize(std::string("\x01\x00\x01\x00\x00", 5) + huge + "a").ok());
  EXPECT_FALSE(
      WriteBatch::Deserialize(std::string("\x01\x00\x01\x00\x01\x00\x00", 7) + huge + "aa").ok());
  // An 11-byte varint.
  EXPECT_FALSE(WriteBatch::Deserialize("\x01\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01").ok());
}

TEST(WriteBatchTest, RandomGarbageAndBitFlipsFailOrDecodeConsistently) {
  std::mt19937_64 random(12345);
  std::string encoded = Serialize(Extremes());
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    if (i % 2 == 0) {
      input.resize(random() % 64);
      for (char& c : input) {
        c = static_cast<char>(random());
      }
      if (!input.empty() && i % 4 == 0) {
        input[0] = '\x01';  // a valid version byte, to get past the first check
      }
    } else {
      input = encoded;
      for (int flips = 1 + random() % 3; flips > 0; --flips) {
        input[random() % input.size()] ^= static_cast<char>(1 << (random() % 8));
      }
    }
    absl::StatusOr<WriteBatch> decoded = WriteBatch::Deserialize(input);
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
      continue;
    }
    // Whatever decodes satisfies the invariants and re-encodes to a batch that decodes equal.
    for (const TableWrite& table : decoded->tables) {
      for (const RowRef& row : table.rows) {
        ASSERT_LE(row.cell_end, table.cells.size());
        for (uint32_t c = row.cell_begin; c < row.cell_end; ++c) {
          const CellValue& cell = table.cells[c];
          if (c > row.cell_begin) {
            ASSERT_LT(table.cells[c - 1].column_id, cell.column_id);
          }
          if (IsStringType(cell.type)) {
            ASSERT_LE(uint64_t{cell.str.offset} + cell.str.length, table.string_heap.size());
          }
        }
      }
    }
    absl::StatusOr<WriteBatch> again = WriteBatch::Deserialize(Serialize(*decoded));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *decoded);
  }
}

}  // namespace
}  // namespace strata
