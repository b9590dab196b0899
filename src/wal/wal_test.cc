// Tests for Wal: round trips across restarts and rotation, group commit, torn and corrupt tails,
// damage in earlier segments, segment removal and injected I/O failures.
#include "wal/wal.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "wal/wal_format.h"

namespace strata::wal {
namespace {

namespace fs = std::filesystem;

using Record = std::pair<uint64_t, std::string>;

// Captures what the process logs while it is alive.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::string text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

std::string Payload(uint64_t i) {
  // Varying sizes, including empty payloads.
  return std::string(i % 61, static_cast<char>('a' + i % 26)) + fmt::format("#{}", i);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

class WalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = fs::temp_directory_path() / "wal_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    options_.directory = (root_ / "data" / "wal").string();  // parents are created too
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<Wal> Open() {
    absl::StatusOr<std::unique_ptr<Wal>> wal = Wal::Open(options_);
    EXPECT_TRUE(wal.ok()) << wal.status();
    return wal.ok() ? std::move(*wal) : nullptr;
  }

  // Opens the WAL and replays it, expecting success; returns the records in replay order.
  std::unique_ptr<Wal> OpenAndReplay(std::vector<Record>* records) {
    std::unique_ptr<Wal> wal = Open();
    if (wal == nullptr) {
      return nullptr;
    }
    absl::Status status = wal->Replay([&](uint64_t sequence, std::string_view payload) {
      records->emplace_back(sequence, std::string(payload));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return status.ok() ? std::move(wal) : nullptr;
  }

  // Appends payloads Payload(first) .. Payload(last), waiting until each is durable before the
  // next (so each is its own commit group and rotation happens between records).
  void AppendRange(Wal& wal, uint64_t first, uint64_t last) {
    for (uint64_t i = first; i <= last; ++i) {
      absl::StatusOr<uint64_t> sequence = wal.Append(Payload(i));
      ASSERT_TRUE(sequence.ok()) << sequence.status();
      ASSERT_EQ(*sequence, i);
      ASSERT_TRUE(wal.WaitDurable(i).ok());
    }
  }

  static void ExpectRecords(const std::vector<Record>& records, uint64_t first, uint64_t last) {
    ASSERT_EQ(records.size(), last - first + 1);
    for (uint64_t i = first; i <= last; ++i) {
      ASSERT_EQ(records[i - first].first, i);
      ASSERT_EQ(records[i - first].second, Payload(i)) << "sequence " << i;
    }
  }

  std::vector<fs::path> SegmentFiles() const {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(options_.directory)) {
      if (ParseSegmentFileName(entry.path().filename().string()).has_value()) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  fs::path root_;
  WalOptions options_;
};

TEST_F(WalTest, NewWalStartsAtSequenceOne) {
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  EXPECT_TRUE(records.empty());
  ASSERT_EQ(SegmentFiles().size(), 1u);
  EXPECT_EQ(SegmentFiles()[0].filename(), "00000000000000000001.wal");
  EXPECT_EQ(fs::file_size(SegmentFiles()[0]), kSegmentHeaderSize);
  absl::StatusOr<uint64_t> sequence = wal->Append("first");
  ASSERT_TRUE(sequence.ok());
  EXPECT_EQ(*sequence, 1u);
  EXPECT_TRUE(wal->WaitDurable(1).ok());
  EXPECT_EQ(fs::file_size(SegmentFiles()[0]), kSegmentHeaderSize + kRecordHeaderSize + 5);
  WalStats stats = wal->stats();
  EXPECT_EQ(stats.records_appended, 1u);
  EXPECT_EQ(stats.last_sequence, 1u);
  EXPECT_EQ(stats.durable_sequence, 1u);
  EXPECT_EQ(stats.segments, 1u);
  EXPECT_EQ(stats.bytes, kSegmentHeaderSize + kRecordHeaderSize + 5);
}

TEST_F(WalTest, FsyncDurationsAreObservedPerCommitGroup) {
  metrics::Histogram fsync_seconds(metrics::LatencyBucketsSeconds());
  options_.fsync_seconds = &fsync_seconds;
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<uint64_t> sequence = wal->Append("record");
    ASSERT_TRUE(sequence.ok());
    ASSERT_TRUE(wal->WaitDurable(*sequence).ok());
  }
  EXPECT_EQ(fsync_seconds.count(), wal->stats().fsyncs);
  EXPECT_GE(fsync_seconds.count(), 3u);
  EXPECT_GT(fsync_seconds.sum(), 0.0);
}

TEST_F(WalTest, RoundTripAcrossRestartsAndRotation) {
  options_.max_segment_bytes = 300;
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    AppendRange(*wal, 1, 100);
    EXPECT_GT(wal->stats().segments, 5u);
    ASSERT_TRUE(wal->Close().ok());
  }
  EXPECT_GT(SegmentFiles().size(), 5u);
  for (int restart = 0; restart < 3; ++restart) {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    uint64_t last = 100 + 50 * static_cast<uint64_t>(restart);
    ExpectRecords(records, 1, last);
    EXPECT_EQ(wal->stats().replayed_records, last);
    EXPECT_EQ(wal->stats().last_sequence, last);
    AppendRange(*wal, last + 1, last + 50);  // sequences continue after the replayed ones
  }
  // Every segment is named after its first record.
  std::vector<Record> records;
  ASSERT_NE(OpenAndReplay(&records), nullptr);
  for (const fs::path& file : SegmentFiles()) {
    uint64_t first = *ParseSegmentFileName(file.filename().string());
    std::string contents = ReadFile(file);
    if (contents.size() > kSegmentHeaderSize) {
      RecordHeader header = DecodeRecordHeader(
          std::string_view(contents).substr(kSegmentHeaderSize, kRecordHeaderSize));
      EXPECT_EQ(header.sequence, first) << file;
    }
  }
}

TEST_F(WalTest, SequenceContinuesFromAnEmptyActiveSegment) {
  options_.max_segment_bytes = 1;  // every group starts a new segment
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    AppendRange(*wal, 1, 3);
  }
  // Simulate a crash right after a rotation: an empty active segment for sequence 4.
  WriteFile(fs::path(options_.directory) / SegmentFileName(4),
            std::string(EncodeSegmentHeader(4).data(), kSegmentHeaderSize));
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  ExpectRecords(records, 1, 3);
  absl::StatusOr<uint64_t> sequence = wal->Append(Payload(4));
  ASSERT_TRUE(sequence.ok());
  EXPECT_EQ(*sequence, 4u);
}

TEST_F(WalTest, GroupCommitSharesFsyncs) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          absl::StatusOr<uint64_t> sequence = wal->Append(fmt::format("t{}-{}", t, i));
          if (!sequence.ok() || !wal->WaitDurable(*sequence).ok()) {
            ++failures;
          }
        }
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    WalStats stats = wal->stats();
    EXPECT_EQ(stats.records_appended, uint64_t{kThreads * kPerThread});
    EXPECT_EQ(stats.durable_sequence, uint64_t{kThreads * kPerThread});
    EXPECT_LT(stats.fsyncs, uint64_t{kThreads * kPerThread});
    EXPECT_EQ(stats.fsyncs, stats.groups);
  }
  std::vector<Record> records;
  ASSERT_NE(OpenAndReplay(&records), nullptr);
  ASSERT_EQ(records.size(), size_t{kThreads * kPerThread});
  std::map<int, int> next_index;  // per thread: each thread's records replay in its order
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].first, i + 1);
    int t = 0;
    int index = 0;
    ASSERT_EQ(sscanf(records[i].second.c_str(), "t%d-%d", &t, &index), 2) << records[i].second;
    EXPECT_EQ(index, next_index[t]++) << records[i].second;
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(next_index[t], kPerThread);
  }
}

// A child process appends from 4 threads and reports each sequence once WaitDurable returned;
// the parent kills it with SIGKILL mid-stream. Every reported sequence must replay.
TEST_F(WalTest, AcknowledgedRecordsSurviveKill9) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    spdlog::set_level(spdlog::level::off);
    absl::StatusOr<std::unique_ptr<Wal>> wal = Wal::Open(options_);
    if (!wal.ok() ||
        !(*wal)->Replay([](uint64_t, std::string_view) { return absl::OkStatus(); }).ok()) {
      _exit(2);
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&wal, &pipe_fds] {
        while (true) {
          std::string payload(1000, 'k');
          absl::StatusOr<uint64_t> sequence = (*wal)->Append(std::move(payload));
          if (!sequence.ok() || !(*wal)->WaitDurable(*sequence).ok() ||
              write(pipe_fds[1], &*sequence, sizeof(uint64_t)) != sizeof(uint64_t)) {
            _exit(3);
          }
        }
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    _exit(4);
  }
  close(pipe_fds[1]);
  std::vector<uint64_t> acknowledged;
  uint64_t sequence = 0;
  while (acknowledged.size() < 500 &&
         read(pipe_fds[0], &sequence, sizeof(sequence)) == sizeof(sequence)) {
    acknowledged.push_back(sequence);
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(wait_status)) << "child exited early with " << WEXITSTATUS(wait_status);
  while (read(pipe_fds[0], &sequence, sizeof(sequence)) == sizeof(sequence)) {
    acknowledged.push_back(sequence);
  }
  close(pipe_fds[0]);
  ASSERT_GE(acknowledged.size(), 500u);

  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  uint64_t max_acknowledged = *std::max_element(acknowledged.begin(), acknowledged.end());
  ASSERT_GE(records.size(), max_acknowledged);
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].first, i + 1);
    ASSERT_EQ(records[i].second, std::string(1000, 'k'));
  }
  absl::StatusOr<uint64_t> next = wal->Append("after the crash");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, records.size() + 1);
}

TEST_F(WalTest, FlushIntervalDelaysTheCommit) {
  options_.flush_interval = std::chrono::milliseconds(30);
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<uint64_t> sequence;
  for (int i = 0; i < 10; ++i) {
    sequence = wal->Append("x");
    ASSERT_TRUE(sequence.ok());
  }
  ASSERT_TRUE(wal->WaitDurable(*sequence).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, options_.flush_interval);
  EXPECT_EQ(wal->stats().groups, 1u);  // all ten arrived within the interval
}

TEST_F(WalTest, FullQueueCutsTheFlushIntervalShort) {
  options_.flush_interval = std::chrono::seconds(30);
  options_.max_pending_bytes = 100;
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(wal->Append(std::string(60, 'f')).ok());  // the second one finds the queue full
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_GE(wal->stats().groups, 2u);
}

// Writes records 1..5 (the last one 40 bytes of payload), closes, and returns the last
// segment's path, its contents and the offset where the last record starts.
struct LastRecord {
  fs::path segment;
  std::string contents;
  size_t offset;
};

class WalTailTest : public WalTest {
 protected:
  LastRecord WriteFiveRecords() {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    EXPECT_NE(wal, nullptr);
    if (wal == nullptr) {
      return {};
    }
    AppendRange(*wal, 1, 5);
    EXPECT_TRUE(wal->Close().ok());
    LastRecord last;
    last.segment = SegmentFiles().back();
    last.contents = ReadFile(last.segment);
    last.offset = last.contents.size() - kRecordHeaderSize - Payload(5).size();
    return last;
  }

  // Replays a damaged WAL: expects records 1..4, a warning naming the segment and `offset`, the
  // file cut back to `offset`, and a WAL that takes record 5 again and replays it after a restart.
  void ExpectTailCutOff(const LastRecord& last, size_t damaged_size) {
    {
      LogCapture log;
      std::vector<Record> records;
      std::unique_ptr<Wal> wal = OpenAndReplay(&records);
      ASSERT_NE(wal, nullptr);
      ExpectRecords(records, 1, 4);
      std::string text = log.text();
      EXPECT_NE(text.find(last.segment.filename().string()), std::string::npos) << text;
      EXPECT_NE(text.find(fmt::format("offset={}", last.offset)), std::string::npos) << text;
      EXPECT_EQ(fs::file_size(last.segment), last.offset);
      EXPECT_EQ(wal->stats().truncated_bytes, damaged_size - last.offset);
      absl::StatusOr<uint64_t> sequence = wal->Append(Payload(5));
      ASSERT_TRUE(sequence.ok());
      EXPECT_EQ(*sequence, 5u);
      ASSERT_TRUE(wal->Close().ok());
    }
    std::vector<Record> records;
    ASSERT_NE(OpenAndReplay(&records), nullptr);
    ExpectRecords(records, 1, 5);
  }
};

TEST_F(WalTailTest, TornTailAtEveryOffsetOfTheLastRecord) {
  LastRecord last = WriteFiveRecords();
  ASSERT_FALSE(last.contents.empty());
  for (size_t cut = last.offset + 1; cut < last.contents.size(); ++cut) {
    SCOPED_TRACE(fmt::format("cut at {}", cut));
    WriteFile(last.segment, last.contents.substr(0, cut));
    ExpectTailCutOff(last, cut);
    if (HasFatalFailure()) {
      return;
    }
  }
}

TEST_F(WalTailTest, CorruptByteInTheLastRecord) {
  LastRecord last = WriteFiveRecords();
  ASSERT_FALSE(last.contents.empty());
  for (size_t at = last.offset; at < last.contents.size(); at += 3) {
    SCOPED_TRACE(fmt::format("byte {}", at));
    std::string damaged = last.contents;
    damaged[at] ^= 0x10;
    WriteFile(last.segment, damaged);
    ExpectTailCutOff(last, damaged.size());
    if (HasFatalFailure()) {
      return;
    }
  }
}

TEST_F(WalTailTest, ZeroFilledTail) {
  LastRecord last = WriteFiveRecords();
  ASSERT_FALSE(last.contents.empty());
  // The last record's space was allocated but never written (e.g. ext4 after power loss).
  std::string damaged = last.contents.substr(0, last.offset) + std::string(4096, '\0');
  WriteFile(last.segment, damaged);
  ExpectTailCutOff(last, damaged.size());
}

TEST_F(WalTest, TornHeaderOfANewSegmentIsRewritten) {
  options_.max_segment_bytes = 1;
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    AppendRange(*wal, 1, 3);
  }
  // A crash while creating the segment for sequence 4: only part of its header reached the disk.
  fs::path torn = fs::path(options_.directory) / SegmentFileName(4);
  WriteFile(torn, std::string(EncodeSegmentHeader(4).data(), 11));
  {
    LogCapture log;
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    ExpectRecords(records, 1, 3);
    EXPECT_NE(log.text().find("header is torn"), std::string::npos) << log.text();
    EXPECT_EQ(fs::file_size(torn), kSegmentHeaderSize);
    AppendRange(*wal, 4, 6);
  }
  std::vector<Record> records;
  ASSERT_NE(OpenAndReplay(&records), nullptr);
  ExpectRecords(records, 1, 6);
}

TEST_F(WalTest, CorruptHeaderWithRecordsAfterItIsDataLoss) {
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    AppendRange(*wal, 1, 3);
  }
  fs::path segment = SegmentFiles().back();
  std::string contents = ReadFile(segment);
  contents[2] = 'X';
  WriteFile(segment, contents);
  std::unique_ptr<Wal> wal = Open();
  ASSERT_NE(wal, nullptr);
  absl::Status status = wal->Replay([](uint64_t, std::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(status.message()).find(segment.filename().string()), std::string::npos);
  EXPECT_EQ(fs::file_size(segment), contents.size());  // nothing was cut off
}

TEST_F(WalTest, NewerFormatVersionIsNotOverwritten) {
  fs::create_directories(options_.directory);
  std::array<char, kSegmentHeaderSize> header = EncodeSegmentHeader(1);
  header[8] = 2;  // format version 2, from a newer strata
  fs::path segment = fs::path(options_.directory) / SegmentFileName(1);
  WriteFile(segment, std::string(header.data(), header.size()));
  std::unique_ptr<Wal> wal = Open();
  ASSERT_NE(wal, nullptr);
  absl::Status status = wal->Replay([](uint64_t, std::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(status.message()).find("version 2"), std::string::npos) << status;
  EXPECT_EQ(ReadFile(segment), std::string(header.data(), header.size()));
}

TEST_F(WalTest, LoweredRecordLimitRefusesInsteadOfCuttingOff) {
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    ASSERT_TRUE(wal->Append(std::string(1000, 'L')).ok());
    ASSERT_TRUE(wal->WaitDurable(1).ok());
  }
  uint64_t size = fs::file_size(SegmentFiles().back());
  options_.max_record_bytes = 999;
  std::unique_ptr<Wal> wal = Open();
  ASSERT_NE(wal, nullptr);
  absl::Status status = wal->Replay([](uint64_t, std::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_NE(std::string(status.message()).find("max_record_bytes"), std::string::npos);
  EXPECT_EQ(fs::file_size(SegmentFiles().back()), size);
}

TEST_F(WalTest, CorruptionInAnEarlierSegmentIsDataLoss) {
  options_.max_segment_bytes = 200;
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    AppendRange(*wal, 1, 40);
  }
  std::vector<fs::path> files = SegmentFiles();
  ASSERT_GE(files.size(), 3u);
  std::string contents = ReadFile(files[1]);
  size_t at = contents.size() - 3;  // inside the segment's last record
  contents[at] ^= 0x01;
  WriteFile(files[1], contents);
  uint64_t replayed = 0;
  std::unique_ptr<Wal> wal = Open();
  ASSERT_NE(wal, nullptr);
  absl::Status status = wal->Replay([&](uint64_t, std::string_view) {
    ++replayed;
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  std::string message(status.message());
  EXPECT_NE(message.find(files[1].filename().string()), std::string::npos) << message;
  EXPECT_NE(message.find("offset"), std::string::npos) << message;
  EXPECT_NE(message.find("checksum mismatch"), std::string::npos) << message;
  EXPECT_EQ(fs::file_size(files[1]), contents.size());  // nothing was cut off
  EXPECT_GT(replayed, 0u);
  // Appending is impossible after a failed replay.
  EXPECT_EQ(wal->Append("x").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(WalTest, MissingSegmentIsDataLoss) {
  options_.max_segment_bytes = 1;
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    AppendRange(*wal, 1, 4);
  }
  std::vector<fs::path> files = SegmentFiles();
  ASSERT_EQ(files.size(), 4u);
  fs::remove(files[2]);
  std::unique_ptr<Wal> wal = Open();
  ASSERT_NE(wal, nullptr);
  absl::Status status = wal->Replay([](uint64_t, std::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(status.message()).find("missing"), std::string::npos) << status;
}

TEST_F(WalTest, ReplayCallbackErrorStopsReplay) {
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    AppendRange(*wal, 1, 5);
  }
  std::unique_ptr<Wal> wal = Open();
  ASSERT_NE(wal, nullptr);
  std::vector<uint64_t> seen;
  absl::Status status = wal->Replay([&](uint64_t sequence, std::string_view) {
    seen.push_back(sequence);
    return sequence == 3 ? absl::InvalidArgumentError("bad batch") : absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("record 3"), std::string::npos) << status;
  EXPECT_NE(std::string(status.message()).find("bad batch"), std::string::npos) << status;
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3}));
}

TEST_F(WalTest, OversizeRecordIsRejected) {
  options_.max_record_bytes = 100;
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  absl::StatusOr<uint64_t> sequence = wal->Append(std::string(101, 'x'));
  EXPECT_EQ(sequence.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(sequence.status().message()).find("101 bytes"), std::string::npos);
  sequence = wal->Append(std::string(100, 'x'));
  ASSERT_TRUE(sequence.ok());
  EXPECT_EQ(*sequence, 1u);  // the rejected record took no sequence
}

TEST_F(WalTest, CallsOutOfOrderAreRejected) {
  std::unique_ptr<Wal> wal = Open();
  ASSERT_NE(wal, nullptr);
  EXPECT_EQ(wal->Append("x").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(wal->RemoveSegmentsThrough(1).code(), absl::StatusCode::kFailedPrecondition);
  auto ignore = [](uint64_t, std::string_view) { return absl::OkStatus(); };
  ASSERT_TRUE(wal->Replay(ignore).ok());
  EXPECT_EQ(wal->Replay(ignore).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(wal->WaitDurable(1).code(), absl::StatusCode::kInvalidArgument);  // never assigned
  ASSERT_TRUE(wal->Append("x").ok());
  EXPECT_TRUE(wal->Close().ok());
  EXPECT_TRUE(wal->Close().ok());  // idempotent
  EXPECT_EQ(wal->Append("y").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(wal->WaitDurable(1).ok());  // Close made it durable
}

TEST_F(WalTest, SecondOpenOfTheSameDirectoryFails) {
  std::unique_ptr<Wal> first = Open();
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<Wal>> second = Wal::Open(options_);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(second.status().message()).find("in use"), std::string::npos);
  ASSERT_TRUE(first->Close().ok());
  EXPECT_TRUE(Wal::Open(options_).ok());
}

TEST_F(WalTest, UnexpectedFilesAreIgnored) {
  fs::create_directories(options_.directory);
  WriteFile(fs::path(options_.directory) / "notes.txt", "hello");
  WriteFile(fs::path(options_.directory) / "1.wal", "not a segment");
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  EXPECT_TRUE(records.empty());
  AppendRange(*wal, 1, 2);
  EXPECT_TRUE(fs::exists(fs::path(options_.directory) / "notes.txt"));
}

TEST_F(WalTest, RemoveSegmentsThrough) {
  options_.max_segment_bytes = 1;  // one record per segment: segment N holds record N
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  AppendRange(*wal, 1, 10);
  ASSERT_EQ(SegmentFiles().size(), 10u);
  ASSERT_TRUE(wal->RemoveSegmentsThrough(0).ok());
  EXPECT_EQ(SegmentFiles().size(), 10u);
  ASSERT_TRUE(wal->RemoveSegmentsThrough(4).ok());
  std::vector<fs::path> files = SegmentFiles();
  ASSERT_EQ(files.size(), 6u);
  EXPECT_EQ(files.front().filename(), SegmentFileName(5));
  EXPECT_EQ(wal->stats().segments, 6u);
  // The active segment (holding record 10) survives even when everything is covered.
  ASSERT_TRUE(wal->RemoveSegmentsThrough(UINT64_MAX).ok());
  files = SegmentFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.front().filename(), SegmentFileName(10));
  AppendRange(*wal, 11, 12);
  ASSERT_TRUE(wal->Close().ok());
  wal.reset();
  records.clear();
  wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  ExpectRecords(records, 10, 12);
  absl::StatusOr<uint64_t> sequence = wal->Append(Payload(13));
  ASSERT_TRUE(sequence.ok());
  EXPECT_EQ(*sequence, 13u);
}

TEST_F(WalTest, FsyncFailureFailsTheWalForGood) {
  std::atomic<bool> fail{false};
  std::atomic<int> fsync_calls_after_failure{0};
  options_.io_fault_injector = [&](std::string_view operation) {
    if (operation == "fsync" && fail.load()) {
      ++fsync_calls_after_failure;
      return absl::InternalError("injected fsync failure");
    }
    return absl::OkStatus();
  };
  {
    std::vector<Record> records;
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    AppendRange(*wal, 1, 3);
    fail = true;
    absl::StatusOr<uint64_t> sequence = wal->Append(Payload(4));
    ASSERT_TRUE(sequence.ok());
    absl::Status status = wal->WaitDurable(*sequence);
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
    EXPECT_NE(std::string(status.message()).find("injected fsync failure"), std::string::npos);
    fail = false;  // even if the disk recovers, the WAL does not pretend
    EXPECT_EQ(wal->Append(Payload(5)).status().code(), absl::StatusCode::kInternal);
    EXPECT_EQ(wal->WaitDurable(*sequence).code(), absl::StatusCode::kInternal);
    EXPECT_TRUE(wal->WaitDurable(3).ok());  // durable before the failure
    EXPECT_EQ(wal->stats().durable_sequence, 3u);
    EXPECT_EQ(wal->Close().code(), absl::StatusCode::kInternal);
    EXPECT_EQ(fsync_calls_after_failure.load(), 1);  // never retried
  }
  // The records acknowledged as durable are there after a restart.
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  ASSERT_GE(records.size(), 3u);
  records.resize(3);
  ExpectRecords(records, 1, 3);
}

TEST_F(WalTest, WriteFailureFailsWaitersAndLaterAppends) {
  std::atomic<bool> fail{false};
  options_.io_fault_injector = [&](std::string_view operation) {
    if (operation == "write" && fail.load()) {
      return absl::ResourceExhaustedError("injected: no space left on device");
    }
    return absl::OkStatus();
  };
  std::vector<Record> records;
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  AppendRange(*wal, 1, 2);
  fail = true;
  std::vector<std::thread> threads;
  std::atomic<int> failed_waits{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      absl::StatusOr<uint64_t> sequence = wal->Append("x");
      if (!sequence.ok() || !wal->WaitDurable(*sequence).ok()) {
        ++failed_waits;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failed_waits.load(), 4);
  EXPECT_EQ(wal->Append("y").status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(wal->stats().durable_sequence, 2u);
}

TEST_F(WalTest, BackpressureDoesNotLoseOrReorderRecords) {
  options_.max_pending_bytes = 64;
  std::vector<Record> records;
  {
    std::unique_ptr<Wal> wal = OpenAndReplay(&records);
    ASSERT_NE(wal, nullptr);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 100; ++i) {
          ASSERT_TRUE(wal->Append(std::string(40, 'q')).ok());
        }
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    ASSERT_TRUE(wal->Close().ok());
  }
  std::unique_ptr<Wal> wal = OpenAndReplay(&records);
  ASSERT_NE(wal, nullptr);
  ASSERT_EQ(records.size(), 400u);
  EXPECT_EQ(records.back().first, 400u);
}

}  // namespace
}  // namespace strata::wal
