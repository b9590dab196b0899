// Randomized differential test: the buffer against a plain map of merged points, over batches that
// mix uniform runs (appended column at a time), ragged rows, duplicates, several partitions and
// small chunks. Also checks that every chunk's statistics bound its values.
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "buffer/table_write_builder.h"
#include "buffer/write_buffer.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace strata::buffer {
namespace {

constexpr uint32_t kTags[] = {1, 2, 3};
constexpr uint32_t kInt = 10;
constexpr uint32_t kFloat = 11;
constexpr uint32_t kString = 12;
constexpr uint32_t kBool = 13;
constexpr uint32_t kUInt = 14;

using Values = std::map<uint32_t, std::string>;

std::string Format(const Column& column, int64_t i) {
  switch (column.type()) {
    case TypeId::kInt64:
      return fmt::format("i{}", column.GetInt64(i));
    case TypeId::kUInt64:
      return fmt::format("u{}", column.GetUInt64(i));
    case TypeId::kFloat64:
      return fmt::format("f{}", column.GetFloat64(i));
    case TypeId::kBool:
      return column.GetBool(i) ? "btrue" : "bfalse";
    case TypeId::kString:
    case TypeId::kDictionary:
      return fmt::format("s{}", column.GetString(i));
    case TypeId::kTimestamp:
    case TypeId::kNull:
    case TypeId::kInterval:
      break;
  }
  return "?";
}

// True when `value` (row i of `column`) lies within the column's statistics.
bool WithinBounds(const Column& column, int64_t i, const ColumnStatistics& stats) {
  switch (column.type()) {
    case TypeId::kInt64:
      return std::get<int64_t>(stats.min) <= column.GetInt64(i) &&
             column.GetInt64(i) <= std::get<int64_t>(stats.max);
    case TypeId::kUInt64:
      return std::get<uint64_t>(stats.min) <= column.GetUInt64(i) &&
             column.GetUInt64(i) <= std::get<uint64_t>(stats.max);
    case TypeId::kFloat64:
      return std::get<double>(stats.min) <= column.GetFloat64(i) &&
             column.GetFloat64(i) <= std::get<double>(stats.max);
    case TypeId::kBool:
      return std::get<bool>(stats.min) <= column.GetBool(i) &&
             column.GetBool(i) <= std::get<bool>(stats.max);
    case TypeId::kString:
    case TypeId::kDictionary:
      return std::get<std::string>(stats.min) <= column.GetString(i) &&
             column.GetString(i) <= std::get<std::string>(stats.max);
    case TypeId::kTimestamp:
    case TypeId::kNull:
    case TypeId::kInterval:
      break;
  }
  return false;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Uniform(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(int percent) { return Uniform(100) < percent; }

  // Adds one random row to `rows` and merges it into `model`. A uniform row always has the same
  // tags and fields present (only values vary).
  void AddRow(bool uniform, TableWriteBuilder* rows, std::map<std::string, Values>* model) {
    int64_t time = static_cast<int64_t>(Uniform(60)) * 7 - 150;  // spans negative partitions
    rows->Row(time);
    Values tags;
    for (uint32_t id : kTags) {
      if (uniform || Chance(70)) {
        std::string value = fmt::format("v{}", Uniform(id == 1 ? 5 : 3));
        rows->Tag(id, value);
        tags[id] = "s" + value;
      }
    }
    Values fields;
    if (uniform || Chance(60)) {
      int64_t v = Uniform(2000) - 1000;
      rows->Int64(kInt, v);
      fields[kInt] = fmt::format("i{}", v);
    }
    if (uniform || Chance(60)) {
      double v = Uniform(100) / 4.0 - 10;
      rows->Float64(kFloat, v);
      fields[kFloat] = fmt::format("f{}", v);
    }
    if (uniform || Chance(40)) {
      std::string v = fmt::format("str{}", Uniform(50));
      rows->String(kString, v);
      fields[kString] = "s" + v;
    }
    if (!uniform && Chance(30)) {
      bool v = Chance(50);
      rows->Bool(kBool, v);
      fields[kBool] = v ? "btrue" : "bfalse";
    }
    if (uniform || Chance(20)) {
      uint64_t v = static_cast<uint64_t>(Uniform(1000));
      rows->UInt64(kUInt, v);
      fields[kUInt] = fmt::format("u{}", v);
    }
    std::string key = fmt::format("{}", time);
    for (const auto& [id, value] : tags) {
      key += fmt::format("|{}={}", id, value);
    }
    Values& merged = (*model)[key];
    merged.insert(tags.begin(), tags.end());
    for (const auto& [id, value] : fields) {
      merged[id] = value;  // last write wins per field; absent fields keep their value
    }
    merged[0] = fmt::format("t{}", time);
  }

 private:
  std::mt19937 rng_;
};

class WriteBufferModelTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(WriteBufferModelTest, MatchesMergedPointModel) {
  Generator gen(GetParam());
  WriteBufferOptions options;
  options.partition_duration_ns = 100;
  options.max_chunk_rows = 1 + gen.Uniform(40);
  WriteBuffer buffer(options);
  std::map<std::string, Values> model;
  std::vector<ChunkSnapshotPtr> held;  // snapshots held across writes force copy-on-write
  for (int batch = 0; batch < 40; ++batch) {
    TableWriteBuilder rows(1);
    int count = 1 + gen.Uniform(60);
    bool uniform = gen.Chance(50);
    for (int i = 0; i < count; ++i) {
      gen.AddRow(uniform, &rows, &model);
    }
    std::vector<TableWrite> tables;
    tables.push_back(rows.Build());
    buffer.Apply(MakeWriteBatch(0, std::move(tables)));
    if (gen.Chance(30)) {
      held = buffer.SnapshotTable(0, 1);
    }
  }

  std::map<std::string, Values> actual;
  int64_t rows = 0;
  for (const ChunkSnapshotPtr& chunk : buffer.SnapshotTable(0, 1)) {
    ASSERT_LE(chunk->row_count(), options.max_chunk_rows);
    for (int64_t i = 0; i < chunk->row_count(); ++i) {
      int64_t time = chunk->time_column()->GetInt64(i);
      ASSERT_GE(time, chunk->min_time());
      ASSERT_LE(time, chunk->max_time());
      ASSERT_EQ(TableBuffer::PartitionStart(time, 100), chunk->partition_start());
      Values values;
      std::string key = fmt::format("{}", time);
      values[0] = fmt::format("t{}", time);
      for (const ChunkColumnSnapshot& column : chunk->columns()) {
        if (column.column->IsNull(i)) {
          continue;
        }
        ASSERT_TRUE(WithinBounds(*column.column, i, column.statistics))
            << "column " << column.column_id << " row " << i;
        values[column.column_id] = Format(*column.column, i);
        if (column.column->type() == TypeId::kDictionary) {
          key += fmt::format("|{}={}", column.column_id, values[column.column_id]);
        }
      }
      EXPECT_TRUE(actual.emplace(key, values).second) << "duplicate point " << key;
      ++rows;
    }
    for (const ChunkColumnSnapshot& column : chunk->columns()) {
      int64_t nulls = 0;
      for (int64_t i = 0; i < chunk->row_count(); ++i) {
        nulls += column.column->IsNull(i) ? 1 : 0;
      }
      EXPECT_EQ(column.statistics.null_count, nulls);
    }
  }
  EXPECT_EQ(actual, model);
  EXPECT_EQ(buffer.table_stats(0, 1)->rows, rows);
  EXPECT_EQ(buffer.table_stats(0, 1)->dropped_cells, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, WriteBufferModelTest, ::testing::Range(1u, 41u));

}  // namespace
}  // namespace strata::buffer
