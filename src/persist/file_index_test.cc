#include "persist/file_index.h"

#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace strata::persist {
namespace {

SnapshotRecord SampleRecord() {
  SnapshotRecord record;
  record.sequence = 3;
  record.created_unix_nanos = -5;
  record.next_file_id = 12;
  ParquetFileInfo file;
  file.file_id = 10;
  file.database_id = 1;
  file.table_id = 4'000'000'000u;
  file.path = "files/00000000000000000003/1-4000000000-0.parquet";
  file.size_bytes = 1234;
  file.row_count = 99;
  file.min_time = std::numeric_limits<int64_t>::min();
  file.max_time = std::numeric_limits<int64_t>::max();
  file.snapshot_sequence = 3;
  file.columns = {
      ColumnStats{1, 0, StatValue{std::string("a\"b\xc3\xa9")}, StatValue{std::string("z")}},
      ColumnStats{2,
                  5,
                  StatValue{std::numeric_limits<int64_t>::min()},
                  StatValue{std::numeric_limits<int64_t>::max()}},
      ColumnStats{3, 0, StatValue{uint64_t{0}}, StatValue{std::numeric_limits<uint64_t>::max()}},
      ColumnStats{4, 1, StatValue{-std::numeric_limits<double>::infinity()}, StatValue{0.1}},
      ColumnStats{5, 0, StatValue{false}, StatValue{true}},
      ColumnStats{6, 99, StatValue{}, StatValue{}},
  };
  record.files.push_back(file);
  file.file_id = 11;
  file.columns.clear();
  file.min_time = 0;
  file.max_time = 0;
  record.files.push_back(file);
  record.windows.push_back(PersistedWindow{1, 4'000'000'000u, -600, -1, 77});
  return record;
}

TEST(SnapshotRecordTest, RoundTripsEveryField) {
  SnapshotRecord record = SampleRecord();
  absl::StatusOr<SnapshotRecord> decoded = DecodeSnapshotRecord(EncodeSnapshotRecord(record), "x");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, record);
  record.checkpoint = true;
  EXPECT_EQ(*DecodeSnapshotRecord(EncodeSnapshotRecord(record), "x"), record);
}

TEST(SnapshotRecordTest, StatisticsAreTaggedWithTheirType) {
  // A uint64 and an int64 of the same value must stay apart, as must 1 and 1.0.
  nlohmann::json encoded = nlohmann::json::parse(EncodeSnapshotRecord(SampleRecord()));
  const auto& columns = encoded["files"][0]["columns"];
  EXPECT_EQ(columns[2]["min"], (nlohmann::json{{"u", 0}}));
  EXPECT_EQ(columns[3]["min"], (nlohmann::json{{"f", "-Infinity"}}));
  EXPECT_EQ(columns[5]["min"], nullptr);
}

TEST(SnapshotRecordTest, MalformedRecordsAreDataLossNamingTheObject) {
  auto error = [](std::string text) {
    absl::StatusOr<SnapshotRecord> decoded = DecodeSnapshotRecord(text, "snapshots/7.json");
    EXPECT_FALSE(decoded.ok()) << text;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss) << decoded.status();
    EXPECT_NE(decoded.status().message().find("snapshots/7.json"), std::string::npos);
    return std::string(decoded.status().message());
  };
  EXPECT_NE(error("").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error("[1]").find("not a JSON object"), std::string::npos);
  nlohmann::json good = nlohmann::json::parse(EncodeSnapshotRecord(SampleRecord()));
  auto with = [&](const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json copy = good;
    change(copy);
    return copy.dump();
  };
  EXPECT_NE(error(with([](auto& j) { j["format"] = 2; })).find("format version 2"),
            std::string::npos);
  EXPECT_NE(error(with([](auto& j) { j.erase("sequence"); })).find("missing \"sequence\""),
            std::string::npos);
  EXPECT_NE(error(with([](auto& j) { j["sequence"] = -1; })).find("\"sequence\""),
            std::string::npos);
  EXPECT_NE(
      error(with([](auto& j) { j["files"][0]["table_id"] = 1ull << 33; })).find("\"table_id\""),
      std::string::npos);
  EXPECT_NE(error(with([](auto& j) { j["next_file_id"] = 11; })).find("file id 11"),
            std::string::npos);
  EXPECT_NE(error(with([](auto& j) { j["files"][1]["min_time"] = 5; })).find("time range"),
            std::string::npos);
  EXPECT_NE(error(with([](auto& j) {
              j["files"][0]["columns"][0]["min"] = {{"x", 1}};
            })).find("bad statistic"),
            std::string::npos);
  EXPECT_NE(error(with([](auto& j) { j["windows"][0]["last"] = -700; })).find("is empty"),
            std::string::npos);
  EXPECT_NE(error(with([](auto& j) { j["windows"] = 3; })).find("\"windows\""), std::string::npos);
}

TEST(FileIndexTest, FoldsRecordsAndCheckpoints) {
  FileIndex index;
  SnapshotRecord first;
  first.sequence = 1;
  first.next_file_id = 3;
  auto file = [](uint64_t id, uint32_t table, std::string path) {
    ParquetFileInfo info;
    info.file_id = id;
    info.table_id = table;
    info.path = std::move(path);
    return info;
  };
  first.files = {file(1, 1, "a"), file(2, 2, "b")};
  first.windows = {PersistedWindow{0, 1, 0, 9, 5}};
  index.Apply(first);
  SnapshotRecord second;
  second.sequence = 2;
  second.next_file_id = 4;
  second.files = {file(3, 1, "c")};
  // The same window again (late rows), persisted through a later WAL record.
  second.windows = {PersistedWindow{0, 1, 0, 9, 8}, PersistedWindow{0, 1, 10, 19, 8}};
  index.Apply(second);

  EXPECT_EQ(index.last_sequence(), 2u);
  EXPECT_EQ(index.next_file_id(), 4u);
  ASSERT_EQ(index.TableFiles(0, 1).size(), 2u);
  EXPECT_EQ(index.TableFiles(0, 1)[1]->path, "c");
  EXPECT_EQ(index.TableFiles(0, 2).size(), 1u);
  EXPECT_TRUE(index.TableFiles(1, 1).empty());
  ASSERT_EQ(index.windows().size(), 2u);
  EXPECT_EQ(index.windows().begin()->second.wal_sequence, 8u);

  SnapshotRecord checkpoint = index.ToCheckpoint(42);
  EXPECT_TRUE(checkpoint.checkpoint);
  EXPECT_EQ(checkpoint.sequence, 2u);
  FileIndex restored;
  restored.Apply(*DecodeSnapshotRecord(EncodeSnapshotRecord(checkpoint), "c"));
  EXPECT_EQ(restored.files(), index.files());
  EXPECT_EQ(restored.windows(), index.windows());
  EXPECT_EQ(restored.last_sequence(), 2u);
  EXPECT_EQ(restored.next_file_id(), 4u);

  // A compaction: file 4 replaces files 1 and 3 of window [0, 9] of table 1.
  SnapshotRecord compaction;
  compaction.sequence = 3;
  compaction.next_file_id = 5;
  compaction.files = {file(4, 1, "d")};
  compaction.removed_file_ids = {1, 3};
  auto decoded = DecodeSnapshotRecord(EncodeSnapshotRecord(compaction), "s");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, compaction);
  index.Apply(*decoded);
  ASSERT_EQ(index.TableFiles(0, 1).size(), 1u);
  EXPECT_EQ(index.TableFiles(0, 1)[0]->path, "d");
  EXPECT_EQ(index.TableFiles(0, 2).size(), 1u);
  EXPECT_EQ(index.ToCheckpoint(0).removed_file_ids.size(), 0u);
  ASSERT_NE(index.WindowOf(0, 1, 5), nullptr);
  EXPECT_EQ(index.WindowOf(0, 1, 5)->start, 0);
  EXPECT_EQ(index.WindowOf(0, 1, 19)->start, 10);
  EXPECT_EQ(index.WindowOf(0, 1, 20), nullptr);
  EXPECT_EQ(index.WindowOf(0, 2, 5), nullptr);
  EXPECT_EQ(index.WindowOf(0, 1, -1), nullptr);

  // Malformed removals.
  nlohmann::json bad = nlohmann::json::parse(EncodeSnapshotRecord(compaction));
  bad["removed_file_ids"] = {7};
  EXPECT_EQ(DecodeSnapshotRecord(bad.dump(), "s").status().code(), absl::StatusCode::kDataLoss);
  bad["removed_file_ids"] = {"1"};
  EXPECT_EQ(DecodeSnapshotRecord(bad.dump(), "s").status().code(), absl::StatusCode::kDataLoss);
  bad["removed_file_ids"] = {1};
  bad["checkpoint"] = true;
  EXPECT_EQ(DecodeSnapshotRecord(bad.dump(), "s").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace strata::persist
