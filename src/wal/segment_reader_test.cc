// Tests for SegmentReader: intact records, and every way a segment's records can stop.
#include "wal/segment_reader.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "wal/wal_format.h"

namespace strata::wal {
namespace {

using Kind = SegmentReadResult::Kind;

std::string EncodeRecord(uint64_t sequence, std::string_view payload) {
  char header[kRecordHeaderSize];
  EncodeRecordHeader(sequence, static_cast<uint32_t>(payload.size()), PayloadCrc(payload), header);
  return std::string(header, sizeof(header)) + std::string(payload);
}

std::string Header(uint64_t first_sequence) {
  std::array<char, kSegmentHeaderSize> header = EncodeSegmentHeader(first_sequence);
  return std::string(header.data(), header.size());
}

class SegmentReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "segment_reader_XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
    path_ = directory_ + "/00000000000000000001.wal";
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  void WriteFile(const std::string& contents) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    ASSERT_TRUE(out.good());
  }

  std::unique_ptr<SegmentReader> OpenReader(uint32_t max_record_bytes = 1 << 20) {
    absl::StatusOr<std::unique_ptr<SegmentReader>> reader =
        SegmentReader::Open(path_, max_record_bytes);
    EXPECT_TRUE(reader.ok()) << reader.status();
    return reader.ok() ? std::move(*reader) : nullptr;
  }

  // Reads records from sequence 1 on; returns their payloads and leaves the final result in
  // `*last`.
  std::vector<std::string> ReadAll(SegmentReader& reader, SegmentReadResult* last) {
    std::vector<std::string> payloads;
    uint64_t expected = 1;
    while (true) {
      absl::StatusOr<SegmentReadResult> result = reader.Next(expected);
      EXPECT_TRUE(result.ok()) << result.status();
      if (!result.ok() || result->kind != Kind::kRecord) {
        if (result.ok()) {
          *last = *result;
        }
        return payloads;
      }
      EXPECT_EQ(result->sequence, expected);
      payloads.emplace_back(result->payload);
      ++expected;
    }
  }

  std::string directory_;
  std::string path_;
};

TEST_F(SegmentReaderTest, ReadsIntactRecordsToTheEnd) {
  std::string big(3 << 20, 'b');  // larger than the read chunk
  WriteFile(Header(1) + EncodeRecord(1, "one") + EncodeRecord(2, "") + EncodeRecord(3, big) +
            EncodeRecord(4, "four"));
  std::unique_ptr<SegmentReader> reader = OpenReader(4 << 20);
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<uint64_t> first = reader->ReadHeader();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1u);
  SegmentReadResult last;
  std::vector<std::string> payloads = ReadAll(*reader, &last);
  ASSERT_EQ(payloads.size(), 4u);
  EXPECT_EQ(payloads[0], "one");
  EXPECT_EQ(payloads[1], "");
  EXPECT_EQ(payloads[2], big);
  EXPECT_EQ(payloads[3], "four");
  EXPECT_EQ(last.kind, Kind::kEnd);
  EXPECT_EQ(reader->offset(), reader->file_size());
}

TEST_F(SegmentReaderTest, ShortFileHasNoHeader) {
  WriteFile(Header(1).substr(0, 10));
  std::unique_ptr<SegmentReader> reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<uint64_t> first = reader->ReadHeader();
  EXPECT_EQ(first.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(first.status().message()).find("cut short"), std::string::npos);
}

struct TailCase {
  const char* name;
  std::string tail;          // bytes after one intact record
  const char* problem_part;  // expected in SegmentReadResult::problem
};

TEST_F(SegmentReaderTest, ReportsEachKindOfBadTail) {
  std::string good = EncodeRecord(2, "second");
  std::string flipped = good;
  flipped[kRecordHeaderSize + 2] ^= 0x04;
  std::string huge_length = good;
  huge_length[4] = '\xff';
  huge_length[5] = '\xff';
  huge_length[6] = '\xff';
  huge_length[7] = '\xff';
  std::vector<TailCase> cases = {
      {"short header", good.substr(0, 7), "record header cut short: 7 of 16 bytes"},
      {"short payload", good.substr(0, kRecordHeaderSize + 3), "cut short"},
      {"zero-filled", std::string(4096, '\0'), "zero-filled"},
      {"zero-filled short", std::string(5, '\0'), "zero-filled"},
      {"flipped payload byte", flipped, "checksum mismatch"},
      {"length over limit", huge_length, "exceeds the limit of 1024 bytes"},
      {"wrong sequence", EncodeRecord(7, "x"), "sequence 7 where 2 was expected"},
      {"garbage", std::string(40, '\x5a'), ""},
  };
  for (const TailCase& tail_case : cases) {
    SCOPED_TRACE(tail_case.name);
    std::string intact = Header(1) + EncodeRecord(1, "first");
    WriteFile(intact + tail_case.tail);
    std::unique_ptr<SegmentReader> reader = OpenReader(1024);
    ASSERT_NE(reader, nullptr);
    ASSERT_TRUE(reader->ReadHeader().ok());
    SegmentReadResult last;
    std::vector<std::string> payloads = ReadAll(*reader, &last);
    ASSERT_EQ(payloads.size(), 1u);
    EXPECT_EQ(payloads[0], "first");
    EXPECT_EQ(last.kind, Kind::kCorrupt);
    EXPECT_NE(last.problem.find(tail_case.problem_part), std::string::npos) << last.problem;
    EXPECT_EQ(reader->offset(), intact.size());
  }
}

// Random damage anywhere after the header never crashes the reader, and what it returns is always
// a prefix of the records that were written.
TEST_F(SegmentReaderTest, RandomDamageYieldsAPrefix) {
  std::vector<std::string> payloads;
  std::string contents = Header(1);
  std::mt19937 random(1234);
  for (int i = 0; i < 50; ++i) {
    payloads.push_back(std::string(random() % 300, static_cast<char>('a' + i % 26)));
    contents += EncodeRecord(static_cast<uint64_t>(i + 1), payloads.back());
  }
  for (int round = 0; round < 300; ++round) {
    std::string damaged = contents;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = kSegmentHeaderSize + random() % (damaged.size() - kSegmentHeaderSize);
      damaged[at] = static_cast<char>(random());
    }
    if (round % 3 == 0) {
      damaged.resize(kSegmentHeaderSize + random() % (damaged.size() - kSegmentHeaderSize));
    }
    WriteFile(damaged);
    std::unique_ptr<SegmentReader> reader = OpenReader(1 << 16);
    ASSERT_NE(reader, nullptr);
    ASSERT_TRUE(reader->ReadHeader().ok());
    SegmentReadResult last;
    std::vector<std::string> read = ReadAll(*reader, &last);
    ASSERT_LE(read.size(), payloads.size());
    for (size_t i = 0; i < read.size(); ++i) {
      ASSERT_EQ(read[i], payloads[i]) << "round " << round << " record " << i;
    }
    EXPECT_LE(reader->offset(), damaged.size());
  }
}

}  // namespace
}  // namespace strata::wal
