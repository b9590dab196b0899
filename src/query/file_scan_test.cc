// Queries over persisted Parquet files and the write buffer together: a node that snapshots is
// checked against a reference node that got the same writes and never snapshots (the buffer
// alone), including rows written for windows already persisted, which the scan must merge per
// point as the buffer does.
#include <atomic>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_join.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/query_engine.h"
#include "query/query_test_node.h"
#include "query/query_test_util.h"

namespace strata::query {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMinute = 60'000'000'000;
constexpr int64_t kWindow = 10 * kMinute;  // the default partition duration
constexpr int64_t kEverything = INT64_MAX;

// `nanos` (under a day) as a timestamp literal.
std::string At(int64_t nanos) {
  const int64_t seconds = nanos / 1'000'000'000;
  return fmt::format("'1970-01-01T{:02}:{:02}:{:02}.{:09}Z'",
                     seconds / 3600,
                     seconds / 60 % 60,
                     seconds % 60,
                     nanos % 1'000'000'000);
}

std::filesystem::path TestDir(std::string_view suffix) {
  return std::filesystem::temp_directory_path() /
         fmt::format("file_scan_test_{}_{}_{}",
                     ::getpid(),
                     ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                     suffix);
}

// Queries whose results the persisting node must give exactly as the reference does (rows
// sorted where the query has no total order).
const std::vector<std::string>& CheckedQueries() {
  static const std::vector<std::string> queries = {
      "SELECT host, region, time, usage, count, ok, note FROM m",
      "SELECT count(*), count(usage), count(count), sum(usage), sum(count), min(note), max(note) "
      "FROM m",
      "SELECT host, count(*), max(usage) FROM m GROUP BY host",
      "SELECT host, region, time, usage FROM m WHERE usage > 50",
      "SELECT host, time, count FROM m WHERE host = 'h1'",
      "SELECT host, time FROM m WHERE region IS NULL",
      "SELECT count(*) FROM m WHERE count IS NULL",
      "SELECT host, time, note FROM m WHERE note = 'n3'",
      "SELECT time, host, usage FROM m WHERE time >= '1970-01-01T00:20:00Z' AND "
      "time < '1970-01-01T00:40:00Z'",
      "SELECT time, host, region FROM m ORDER BY time DESC, host, region LIMIT 7",
      "SELECT region, count(*) FROM m WHERE ok GROUP BY region",
      "SELECT date_bin(INTERVAL '10 minutes', time) AS w, count(*), sum(usage) FROM m GROUP BY w",
  };
  return queries;
}

void ExpectSameResults(const TestNode& persisted,
                       const TestNode& reference,
                       std::string_view when) {
  for (const std::string& sql : CheckedQueries()) {
    auto got = persisted.Query(sql);
    auto want = reference.Query(sql);
    if (!want.ok()) {
      // A query the table's columns do not allow: the same error on both.
      ASSERT_EQ(got.status(), want.status()) << sql;
      continue;
    }
    ASSERT_TRUE(got.ok()) << sql << ": " << got.status();
    std::sort(got->begin(), got->end());
    std::sort(want->begin(), want->end());
    ASSERT_EQ(*got, *want) << when << "\n" << sql;
  }
}

class FileScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    persisted_ = std::make_unique<TestNode>(TestDir("persisted"), true, Writer());
    reference_ = std::make_unique<TestNode>(TestDir("reference"), false);
  }
  virtual parquet::WriterOptions Writer() const { return {}; }

  void Write(std::string_view lines) {
    ASSERT_TRUE(persisted_->Write(lines).ok());
    ASSERT_TRUE(reference_->Write(lines).ok());
  }
  persist::SnapshotSummary Snapshot(int64_t max_last) {
    auto summary = persisted_->Snapshot(max_last);
    EXPECT_TRUE(summary.ok()) << summary.status();
    return summary.ok() ? *summary : persist::SnapshotSummary{};
  }

  std::unique_ptr<TestNode> persisted_;
  std::unique_ptr<TestNode> reference_;
};

// Rows of three windows, three hosts, every field type, some tags and fields absent.
std::string ThreeWindows() {
  std::string lines;
  for (int w = 0; w < 3; ++w) {
    for (int h = 0; h < 3; ++h) {
      for (int i = 0; i < 5; ++i) {
        const int64_t t = w * kWindow + i * kMinute + h;
        std::string tags = fmt::format("host=h{}", h);
        if (h != 2) {
          tags += fmt::format(",region=r{}", h % 2);
        }
        std::string fields = fmt::format("usage={}", w * 30 + i * 7 + h);
        if (i % 2 == 0) {
          fields += fmt::format(",count={}i", i * 100 + h);
        }
        fields += fmt::format(",ok={},note=\"n{}\"", i % 3 == 0 ? "true" : "false", i);
        lines += fmt::format("m,{} {} {}\n", tags, fields, t);
      }
    }
  }
  return lines;
}

TEST_F(FileScanTest, PersistedRowsAnswerAsBufferedOnes) {
  Write(ThreeWindows());
  ExpectSameResults(*persisted_, *reference_, "before any snapshot");
  persist::SnapshotSummary summary = Snapshot(kEverything);
  EXPECT_EQ(summary.files, 3);
  EXPECT_EQ(summary.rows, 45);
  EXPECT_EQ(persisted_->BufferedRows(), 0);
  ExpectSameResults(*persisted_, *reference_, "after persisting everything");
}

// A traced query shows each Parquet file it read as a span under the scan, with the file's path
// and the rows and row groups read; the merge of overlapping sources is a span of its own.
TEST_F(FileScanTest, TraceHasASpanPerFileRead) {
  Write(ThreeWindows());
  Snapshot(kEverything);
  Write("m,host=h0,region=r0 usage=1000 0\n");  // overlaps the first window's file
  auto trace = std::make_shared<observe::Trace>();
  QueryOptions options;
  options.trace = trace;
  {
    auto result = persisted_->engine().Execute("db", "SELECT host, usage FROM m", options);
    ASSERT_TRUE(result.ok()) << result.status();
    exec::Batch batch;
    for (;;) {
      auto more = (*result)->Next(&batch);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) {
        break;
      }
    }
  }
  std::set<std::string> paths;
  int64_t file_rows = 0;
  int64_t merges = 0;
  for (const observe::Span& span : trace->spans()) {
    auto attribute = [&](std::string_view key) -> const observe::AttributeValue* {
      for (const auto& [name, value] : span.attributes) {
        if (name == key) {
          return &value;
        }
      }
      return nullptr;
    };
    if (span.name == "read_file") {
      ASSERT_NE(attribute("source"), nullptr);
      paths.insert(std::get<std::string>(*attribute("source")));
      ASSERT_NE(attribute("rows"), nullptr);
      file_rows += std::get<int64_t>(*attribute("rows"));
      EXPECT_GE(std::get<int64_t>(*attribute("row_groups")), 1);
    } else if (span.name == "merge_sources") {
      ++merges;
      EXPECT_EQ(std::get<int64_t>(*attribute("rows")), 16);  // 15 persisted rows + 1 buffered
    }
  }
  // The files of the second and third windows; the first window's is read by the merge.
  std::set<std::string> expected;
  for (const auto& [id, file] : persisted_->persister().index()->files()) {
    if (file.min_time >= kWindow) {
      expected.insert(file.path);
    }
  }
  EXPECT_EQ(paths, expected);
  EXPECT_EQ(file_rows, 30);
  EXPECT_EQ(merges, 1);
}

// A column only a filter reads is not read from a row group whose statistics make the filter
// true for every row (InfluxQL's `field IS NOT NULL OR ...` of raw reads); the rows are the same.
TEST_F(FileScanTest, ColumnsOfFiltersTheStatisticsSkipAreNotRead) {
  Write(ThreeWindows());
  Snapshot(kEverything);
  auto not_read = [&](std::string_view where) {
    const std::string sql = fmt::format("SELECT host, time FROM m {} ORDER BY host, time", where);
    auto got = persisted_->Query(sql);
    auto want = reference_->Query(sql);
    EXPECT_TRUE(got.ok() && want.ok()) << sql;
    EXPECT_EQ(got.value_or(std::vector<std::string>{}), want.value_or(std::vector<std::string>{}))
        << sql;
    const std::string plan = persisted_->Analyze(sql);
    const size_t at = plan.find("filter_columns_not_read=");
    return at == std::string::npos ? std::string("0")
                                   : plan.substr(at + 24, plan.find_first_of(",]", at) - at - 24);
  };
  // usage and ok have no NULLs in any file: 2 columns x 3 files (a row group each).
  EXPECT_EQ(not_read("WHERE usage IS NOT NULL OR ok IS NOT NULL"), "6");
  EXPECT_EQ(not_read("WHERE count IS NOT NULL OR usage IS NOT NULL"), "6");
  // count has NULLs: its filter is evaluated, so read.
  EXPECT_EQ(not_read("WHERE count IS NOT NULL"), "0");
  EXPECT_EQ(not_read("WHERE count IS NOT NULL AND ok IS NOT NULL"), "3");
  // A filter on an output column reads it anyway.
  EXPECT_EQ(not_read("WHERE host IS NOT NULL"), "0");
}

// count(*) of files wholly inside the time bounds comes from the index, without reading them;
// a file the bounds cut, a filter on another column or a selected column needs the rows.
TEST_F(FileScanTest, CountOfWholeFilesComesFromTheIndex) {
  Write(ThreeWindows());
  Snapshot(kEverything);
  auto count = [&](std::string_view where) {
    const std::string sql = fmt::format("SELECT count(*) FROM m {}", where);
    auto got = persisted_->Query(sql);
    auto want = reference_->Query(sql);
    EXPECT_TRUE(got.ok() && want.ok()) << sql;
    EXPECT_EQ(got.value_or(std::vector<std::string>{}), want.value_or(std::vector<std::string>{}))
        << sql;
    return persisted_->Analyze(sql);
  };
  std::string plan = count("");
  EXPECT_THAT(plan, HasSubstr("files_counted_from_index=3")) << plan;
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("row_groups_scanned"))) << plan;
  // Windows 1 and 2 whole, window 0 cut: one file read.
  plan = count("WHERE time >= " + At(2 * kMinute));
  EXPECT_THAT(plan, HasSubstr("files_counted_from_index=2")) << plan;
  EXPECT_THAT(plan, HasSubstr("row_groups_scanned=1")) << plan;
  plan = count("WHERE host = 'h1'");
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("files_counted_from_index"))) << plan;
  plan = persisted_->Analyze("SELECT count(usage) FROM m");
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("files_counted_from_index"))) << plan;
  // A late row makes window 0 a merge: counted after merging, the others from the index.
  Write("m,host=h0,region=r0 usage=1 0\n");
  plan = count("");
  EXPECT_THAT(plan, HasSubstr("files_counted_from_index=2")) << plan;
  EXPECT_THAT(plan, HasSubstr("duplicate_rows_merged=1")) << plan;
}

TEST_F(FileScanTest, PartlyPersistedTable) {
  Write(ThreeWindows());
  // The first window only: the others stay in the buffer.
  persist::SnapshotSummary summary = Snapshot(kWindow - 1);
  EXPECT_EQ(summary.files, 1);
  EXPECT_EQ(persisted_->BufferedRows(), 30);
  ExpectSameResults(*persisted_, *reference_, "first window persisted");
  std::string plan = persisted_->Analyze("SELECT count(usage) FROM m");
  EXPECT_THAT(plan, HasSubstr("files_scanned=1"));
  EXPECT_THAT(plan, HasSubstr("chunks_scanned=2"));
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("overlapping_sources_merged")));
}

TEST_F(FileScanTest, LateRowsForAPersistedWindowMergePerPoint) {
  Write(ThreeWindows());
  Snapshot(kEverything);
  // Points already persisted, written again: usage changes, count is absent (so the persisted
  // value stays), a new field appears; plus new points in the persisted windows.
  Write(
      "m,host=h0,region=r0 usage=1000 0\n"
      "m,host=h1,region=r1 usage=2000,extra=1i 600000000001\n"
      "m,host=h2 note=\"late\" 1200000000002\n"
      "m,host=h0,region=r0 usage=3000 7\n"
      "m,host=h9 usage=5 120000000000\n");
  ExpectSameResults(*persisted_, *reference_, "late rows in the buffer");
  std::string plan = persisted_->Analyze("SELECT count(*) FROM m");
  EXPECT_THAT(plan, HasSubstr("overlapping_sources_merged="));
  EXPECT_THAT(plan, HasSubstr("duplicate_rows_merged=3"));
  auto extra = persisted_->Query("SELECT host, time, usage, count, extra FROM m WHERE extra = 1");
  ASSERT_TRUE(extra.ok()) << extra.status();
  EXPECT_EQ(*extra, std::vector<std::string>({"h1|600000000001|2000|1|1"}));
  auto kept =
      persisted_->Query("SELECT usage, count, note FROM m WHERE host = 'h0' AND time = " + At(0));
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(*kept, std::vector<std::string>({"1000|0|n0"}));

  // Persisted again: two files of the same windows, merged the same way.
  Snapshot(kEverything);
  EXPECT_EQ(persisted_->BufferedRows(), 0);
  ExpectSameResults(*persisted_, *reference_, "late rows persisted in second files");
  // And a third layer, in the buffer.
  Write("m,host=h0,region=r0 usage=4000 0\n");
  ExpectSameResults(*persisted_, *reference_, "a third write of one point");
}

// Pieces of one window whose series cannot meet (disjoint ranges of some tag) are scanned as
// they are, without a merge; as soon as a piece may hold a series of another, both merge.
TEST_F(FileScanTest, PiecesWithDisjointSeriesAreNotMerged) {
  Write(ThreeWindows());  // hosts h0..h2; h2 without region
  Snapshot(kEverything);
  // New series in the persisted windows: hosts after h2 (one also without region), and h1 in a
  // region none of its persisted rows has.
  Write(
      "m,host=z0,region=r0 usage=1 5\n"
      "m,host=z1 usage=2 600000000005\n"
      "m,host=z2,region=r1 usage=3 1200000000005\n");
  ExpectSameResults(*persisted_, *reference_, "new hosts in the buffer");
  std::string plan = persisted_->Analyze("SELECT count(*) FROM m");
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("overlapping_sources_merged"))) << plan;
  Snapshot(kEverything);  // second files of every window, still disjoint
  ExpectSameResults(*persisted_, *reference_, "new hosts in second files");
  plan = persisted_->Analyze("SELECT count(usage) FROM m");
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("overlapping_sources_merged"))) << plan;
  EXPECT_THAT(plan, HasSubstr("files_scanned=6")) << plan;

  // A region no file has for its host range: still disjoint by region.
  Write("m,host=h1,region=r7 usage=4 600000000001\n");
  ExpectSameResults(*persisted_, *reference_, "a new region");
  plan = persisted_->Analyze("SELECT count(*) FROM m");
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("overlapping_sources_merged"))) << plan;

  // A point of a persisted series (h2 has no region, as the buffered z1 row of the same window
  // has not): the window's first file and the buffer merge, the second file does not join them.
  Write("m,host=h2 usage=99 600000000002\n");
  ExpectSameResults(*persisted_, *reference_, "a persisted point written again");
  plan = persisted_->Analyze("SELECT count(*) FROM m");
  EXPECT_THAT(plan, HasSubstr("overlapping_sources_merged=2")) << plan;
  EXPECT_THAT(plan, HasSubstr("duplicate_rows_merged=1")) << plan;
}

TEST_F(FileScanTest, FilesArePrunedByTimeAndStatistics) {
  std::string lines;
  for (int w = 0; w < 10; ++w) {
    for (int h = 0; h < 4; ++h) {
      lines += fmt::format("m,host=h{}{} usage={} {}\n", w, h, w * 10 + h, w * kWindow + h);
    }
  }
  Write(lines);
  Snapshot(kEverything);
  EXPECT_EQ(persisted_->Files(), 10u);
  std::string by_time =
      persisted_->Analyze(fmt::format("SELECT count(usage) FROM m WHERE time >= {} AND time < {}",
                                      At(3 * kWindow),
                                      At(4 * kWindow)));
  EXPECT_THAT(by_time, HasSubstr("files_pruned_by_time=9"));
  EXPECT_THAT(by_time, HasSubstr("files_scanned=1"));
  std::string by_tag = persisted_->Analyze("SELECT count(*) FROM m WHERE host = 'h52'");
  EXPECT_THAT(by_tag, HasSubstr("files_pruned_by_stats=9"));
  EXPECT_THAT(by_tag, HasSubstr("files_scanned=1"));
  std::string by_field = persisted_->Analyze("SELECT count(*) FROM m WHERE usage >= 92");
  EXPECT_THAT(by_field, HasSubstr("files_pruned_by_stats=9"));
  auto rows = persisted_->Query("SELECT host, usage FROM m WHERE host = 'h52'");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, std::vector<std::string>({"h52|52"}));
}

class SmallPagesTest : public FileScanTest {
 protected:
  parquet::WriterOptions Writer() const override {
    parquet::WriterOptions options;
    options.max_page_rows = 50;
    options.max_row_group_rows = 400;
    return options;
  }
};

TEST_F(SmallPagesTest, RowGroupsAndPagesArePruned) {
  // One window, 20 hosts x 60 points: rows sorted by host then time, 3 row groups of 400 rows,
  // pages of 50.
  std::string lines;
  for (int h = 0; h < 20; ++h) {
    for (int i = 0; i < 60; ++i) {
      lines += fmt::format("m,host=h{:02} usage={} {}\n", h, h * 1000 + i, i * 1'000'000'000LL);
    }
  }
  Write(lines);
  Snapshot(kEverything);
  ExpectSameResults(*persisted_, *reference_, "small pages");
  std::string plan = persisted_->Analyze("SELECT count(*), sum(usage) FROM m WHERE host = 'h07'");
  EXPECT_THAT(plan, HasSubstr("row_groups_pruned_by_stats=2"));
  EXPECT_THAT(plan, HasSubstr("rows_pruned_by_page_index="));
  auto rows = persisted_->Query("SELECT count(*), sum(usage) FROM m WHERE host = 'h07'");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, std::vector<std::string>({"60|421770"}));
  auto by_time =
      persisted_->Query(fmt::format("SELECT count(*) FROM m WHERE time >= {} AND time < {}",
                                    At(10'000'000'000),
                                    At(20'000'000'000)));
  ASSERT_TRUE(by_time.ok()) << by_time.status();
  EXPECT_EQ(*by_time, std::vector<std::string>({"200"}));
}

TEST_F(FileScanTest, RandomWritesAndSnapshotsMatchTheBufferAlone) {
  std::mt19937_64 rng(20261201);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  bool merged = false;
  int compacted = 0;
  for (int round = 0; round < 40; ++round) {
    std::string lines;
    const int count = 1 + pick(40);
    for (int i = 0; i < count; ++i) {
      std::string tags = fmt::format("host=h{}", pick(4));
      if (pick(3) != 0) {
        tags += fmt::format(",region=r{}", pick(2));
      }
      std::vector<std::string> fields;
      if (pick(4) != 0) {
        fields.push_back(fmt::format("usage={}", pick(100)));
      }
      if (pick(2) == 0) {
        fields.push_back(fmt::format("count={}i", pick(1000) - 500));
      }
      if (pick(3) == 0) {
        fields.push_back(pick(2) == 0 ? "ok=true" : "ok=false");
      }
      if (fields.empty() || pick(3) == 0) {
        fields.push_back(fmt::format("note=\"n{}\"", pick(5)));
      }
      // Five windows, few distinct times: many writes hit a point written before.
      const int64_t t = pick(5) * kWindow + pick(6) * kMinute;
      lines += fmt::format("m,{} {} {}\n", tags, absl::StrJoin(fields, ","), t);
    }
    Write(lines);
    if (pick(3) == 0) {
      // Persist everything, or the windows up to a random one.
      const int64_t max_last = pick(2) == 0 ? kEverything : (pick(5) + 1) * kWindow - 1;
      Snapshot(max_last);
    }
    if (pick(3) == 0) {
      auto compactions = persisted_->CompactAll();
      ASSERT_TRUE(compactions.ok()) << compactions.status();
      compacted += *compactions;
    }
    if (round % 4 == 3) {
      merged =
          merged || persisted_->Analyze("SELECT count(*) FROM m").find("duplicate_rows_merged") !=
                        std::string::npos;
      ExpectSameResults(*persisted_, *reference_, fmt::format("round {}", round));
      if (HasFatalFailure()) {
        return;
      }
    }
  }
  // The cases that matter most happened: points of persisted windows written again, and
  // windows of several files compacted.
  EXPECT_TRUE(merged);
  EXPECT_GT(compacted, 0);
  Snapshot(kEverything);
  EXPECT_GE(persisted_->Files(), 5u);
  ExpectSameResults(*persisted_, *reference_, "everything persisted");
}

// Files of one window, written by several snapshots, compacted into one: queries answer as
// before, without a merge; later writes to the window still win over the compacted file.
TEST_F(FileScanTest, CompactionMergesAWindowsFilesIntoOne) {
  Write(ThreeWindows());
  Snapshot(kEverything);
  Write(
      "m,host=h0,region=r0 usage=1000 0\n"
      "m,host=h1,region=r1 usage=2000,extra=1i 600000000001\n"
      "m,host=h2 note=\"late\" 1200000000002\n"
      "m,host=h9 usage=5 120000000000\n");
  Snapshot(kEverything);
  Write("m,host=h0,region=r0 usage=3000 0\nm,host=h0,region=r0 count=77i 7\n");
  Snapshot(kEverything);
  EXPECT_EQ(persisted_->Files(), 3u + 3u + 1u);
  ExpectSameResults(*persisted_, *reference_, "before compaction");

  std::shared_ptr<const persist::FileIndex> held = persisted_->persister().index();
  auto compactions = persisted_->CompactAll();
  ASSERT_TRUE(compactions.ok()) << compactions.status();
  EXPECT_EQ(*compactions, 3);
  EXPECT_EQ(persisted_->Files(), 3u);
  ExpectSameResults(*persisted_, *reference_, "after compaction");
  std::string plan = persisted_->Analyze("SELECT count(usage) FROM m");
  EXPECT_THAT(plan, ::testing::Not(HasSubstr("overlapping_sources_merged"))) << plan;
  EXPECT_THAT(plan, HasSubstr("files_scanned=3")) << plan;
  EXPECT_EQ(persisted_->CompactAll().value_or(-1), 0);  // nothing left to compact

  // The replaced files stay while an index listing them is in use, then go.
  auto objects = [&] {
    return persisted_->store().List(objectstore::ObjectPath::Parse("files").value())->size();
  };
  EXPECT_EQ(persisted_->persister().retired_files(), 7);
  EXPECT_EQ(persisted_->persister().DeleteRetiredFiles(), 0);
  EXPECT_EQ(objects(), 7u + 3u);
  held.reset();
  EXPECT_EQ(persisted_->persister().DeleteRetiredFiles(), 7);
  EXPECT_EQ(objects(), 3u);
  ExpectSameResults(*persisted_, *reference_, "old files deleted");

  // A later write of a compacted point wins over the compacted file, in the buffer and in a
  // file of its own, and after a second compaction.
  Write("m,host=h1,region=r1 usage=4000 600000000001\nm,host=h0,region=r0 count=5i 0\n");
  ExpectSameResults(*persisted_, *reference_, "late rows over a compacted file");
  Snapshot(kEverything);
  ExpectSameResults(*persisted_, *reference_, "late rows persisted over a compacted file");
  ASSERT_EQ(persisted_->CompactAll().value_or(-1), 2);
  ExpectSameResults(*persisted_, *reference_, "compacted twice");
}

// A restart removes files no index record lists (replaced by a compaction that committed, or
// written by a snapshot that did not), and keeps every listed one.
TEST_F(FileScanTest, OpenRemovesFilesTheIndexDoesNotList) {
  Write(ThreeWindows());
  Snapshot(kEverything);
  objectstore::InMemoryObjectStore& store = persisted_->store();
  const auto orphan = objectstore::ObjectPath::Parse("files/00000000000000000001/0-0-99.parquet");
  ASSERT_TRUE(store.Put(*orphan, "left by a compaction").ok());
  buffer::WriteBuffer buffer;
  persist::Persister reopened(&buffer, &store, nullptr, persist::WalHooks{});
  ASSERT_TRUE(reopened.Open().ok());
  EXPECT_EQ(reopened.index()->files().size(), 3u);
  EXPECT_FALSE(store.Head(*orphan).ok());
  EXPECT_EQ(store.List(objectstore::ObjectPath::Parse("files").value())->size(), 3u);
}

TEST(FileLimitTest, AScanOfMoreFilesThanTheLimitFails) {
  TestNode node(TestDir("limited"), true, {}, /*file_limit=*/3);
  std::string lines;
  for (int w = 0; w < 5; ++w) {
    lines += fmt::format("m,host=a usage=1 {}\n", w * kWindow);
  }
  ASSERT_TRUE(node.Write(lines).ok());
  ASSERT_TRUE(node.Snapshot(kEverything).ok());
  auto all = node.Query("SELECT count(*) FROM m");
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(all.status().message(),
              HasSubstr("query would read 5 Parquet files of table 'm', more than the limit of 3 "
                        "(--query-file-limit)"));
  auto two = node.Query(fmt::format("SELECT count(*) FROM m WHERE time < {}", At(2 * kWindow)));
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(*two, std::vector<std::string>({"2"}));
}

TEST_F(FileScanTest, MissingFileIsDataLoss) {
  Write("m,host=a usage=1 1\n");
  Snapshot(kEverything);
  ASSERT_EQ(persisted_->Files(), 1u);
  const std::string path = persisted_->persister().index()->files().begin()->second.path;
  ASSERT_TRUE(persisted_->store().Delete(*objectstore::ObjectPath::Parse(path)).ok());
  auto rows = persisted_->Query("SELECT count(usage) FROM m");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(rows.status().message(), HasSubstr(path));
}

}  // namespace
}  // namespace strata::query

namespace strata::query {
namespace {

// A snapshot commits (index published, partitions released) while queries run: every query sees
// every row exactly once, never in a file and in the buffer at the same time, never in neither.
TEST(ConcurrentSnapshotTest, QueriesSeeEachRowOnceWhileSnapshotsCommit) {
  TestNode node(TestDir("concurrent"), true);
  constexpr int kWindows = 40;
  constexpr int kRowsPerWindow = 50;
  std::string lines;
  for (int w = 0; w < kWindows; ++w) {
    for (int i = 0; i < kRowsPerWindow; ++i) {
      lines += fmt::format("m,host=h{} v={}i {}\n", i % 5, i, w * kWindow + i * kMinute / 6);
    }
  }
  ASSERT_TRUE(node.Write(lines).ok());
  const std::string expected = std::to_string(kWindows * kRowsPerWindow);
  std::atomic<bool> done{false};
  std::thread snapshots([&] {
    for (int w = 0; w < kWindows; ++w) {
      EXPECT_TRUE(node.Snapshot((w + 1) * kWindow - 1).ok());
    }
    done = true;
  });
  int queries = 0;
  while (!done.load() || queries < 10) {
    std::string plan = node.Analyze("SELECT count(*) FROM m");
    auto count = node.Query("SELECT count(*) FROM m");
    ASSERT_TRUE(count.ok()) << count.status();
    ASSERT_EQ(*count, std::vector<std::string>({expected})) << "query " << queries;
    ASSERT_EQ(plan.find("duplicate_rows_merged"), std::string::npos) << plan;
    ++queries;
  }
  snapshots.join();
  EXPECT_EQ(node.Files(), static_cast<size_t>(kWindows));
  EXPECT_EQ(node.BufferedRows(), 0);
}

}  // namespace
}  // namespace strata::query
