// libFuzzer target for WAL replay. Each input becomes one segment file, read either record by
// record with SegmentReader or as a whole WAL directory with Wal::Open + Replay; the results must
// match a plain reference decoder of the same bytes (so replay returns exactly the intact prefix,
// in consecutive sequence order, with every payload within the limit), and a replayed WAL must
// accept an append and replay again with nothing left to cut off.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "common/logging.h"
#include "wal/segment_reader.h"
#include "wal/wal.h"
#include "wal/wal_format.h"

namespace strata::wal {
namespace {

namespace fs = std::filesystem;

// The first input byte:
//   bit 0     mode: 0 reads records after a valid header with SegmentReader, 1 replays a WAL
//             directory whose only segment is the input itself
//   bit 1     recompute every record checksum the framing reaches (and, in mode 1, the header's),
//             so mutations get past the CRC to the length, limit and sequence checks
//   bit 2     with bit 1: also renumber those records consecutively
//   bits 3-5  index into kLimits: max_record_bytes
//   bit 6     first sequence of a mode 0 segment: 1, or a large one (bit 7 picks which)
//   bit 7     see bit 6; with bit 6 clear, prefix a valid record of almost 1 MiB so that the
//             input's records straddle the reader's 1 MiB buffer refill (the next input byte
//             sets how far before the boundary they start)
constexpr uint8_t kModeWal = 1 << 0;
constexpr uint8_t kFixChecksums = 1 << 1;
constexpr uint8_t kRenumber = 1 << 2;
constexpr int kLimitShift = 3;
constexpr uint8_t kBigSequence = 1 << 6;
constexpr uint8_t kHigh = 1 << 7;
constexpr uint32_t kLimits[8] = {1, 8, 16, 64, 100, 256, 4096, 1u << 20};
constexpr size_t kReaderChunk = 1 << 20;  // SegmentReader's kReadChunkBytes

[[noreturn]] void Die(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "wal_segment_fuzzer: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) {       \
      Die(#cond);        \
    }                    \
  } while (false)

uint64_t GetFixed64(const char* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  }
  return value;
}

uint32_t GetFixed32(const char* in) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    value |= static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  }
  return value;
}

// Rewrites the header of every record that the framing of `file` reaches from `offset` on, so
// that its checksum matches (and, if `renumber`, its sequence is the next one from `sequence`).
void FixRecords(std::string* file, size_t offset, bool renumber, uint64_t sequence) {
  while (file->size() - offset >= kRecordHeaderSize) {
    char* header = file->data() + offset;
    const uint32_t length = GetFixed32(header + 4);
    if (length > file->size() - offset - kRecordHeaderSize) {
      return;
    }
    const uint64_t record_sequence = renumber ? sequence++ : GetFixed64(header + 8);
    const std::string_view payload(header + kRecordHeaderSize, length);
    EncodeRecordHeader(record_sequence, length, PayloadCrc(payload), header);
    offset += kRecordHeaderSize + length;
  }
}

// A valid record with `sequence` and `length` (at most kReaderChunk) payload bytes, appended to
// `file`.
void AppendRecord(uint64_t sequence, size_t length, std::string* file) {
  static const std::string* pattern = [] {
    auto* bytes = new std::string(kReaderChunk, '\0');
    for (size_t i = 0; i < bytes->size(); ++i) {
      (*bytes)[i] = static_cast<char>(i * 131);
    }
    return bytes;
  }();
  const std::string_view payload = std::string_view(*pattern).substr(0, length);
  char header[kRecordHeaderSize];
  EncodeRecordHeader(sequence, static_cast<uint32_t>(length), PayloadCrc(payload), header);
  file->append(header, kRecordHeaderSize);
  file->append(payload);
}

// What a correct reader finds in a segment's records, computed directly from the bytes.
struct Expected {
  struct Record {
    uint64_t sequence;
    size_t offset;  // of the payload in the file
    size_t length;
  };
  std::vector<Record> records;
  enum class End { kClean, kCorrupt, kOverLimit } end = End::kClean;
  size_t end_offset = 0;  // where the intact records stop
};

Expected Decode(std::string_view file, size_t offset, uint64_t sequence, uint32_t limit) {
  Expected expected;
  while (true) {
    expected.end_offset = offset;
    if (offset >= file.size()) {
      return expected;
    }
    const std::string_view rest = file.substr(offset);
    expected.end = Expected::End::kCorrupt;
    if (rest.size() < kRecordHeaderSize) {
      return expected;
    }
    const RecordHeader header = DecodeRecordHeader(rest);
    if (header.payload_length > rest.size() - kRecordHeaderSize) {
      return expected;
    }
    const std::string_view payload = rest.substr(kRecordHeaderSize, header.payload_length);
    if (!RecordChecksumMatches(header, payload)) {
      return expected;
    }
    if (header.payload_length > limit) {
      expected.end = Expected::End::kOverLimit;
      return expected;
    }
    if (header.sequence != sequence) {
      return expected;
    }
    expected.end = Expected::End::kClean;
    expected.records.push_back({sequence, offset + kRecordHeaderSize, header.payload_length});
    offset += kRecordHeaderSize + header.payload_length;
    ++sequence;
  }
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    Die("cannot write", path.string());
  }
}

// A per-process scratch directory, on tmpfs when there is one (replay fsyncs), removed at exit.
const fs::path* scratch_dir = nullptr;

const fs::path& ScratchDir() {
  if (scratch_dir == nullptr) {
    const std::string base =
        fs::is_directory("/dev/shm") ? std::string("/dev/shm") : fs::temp_directory_path().string();
    std::string pattern = base + "/wal_segment_fuzzer.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      Die("mkdtemp failed", pattern);
    }
    scratch_dir = new fs::path(pattern);
    std::atexit([] {
      std::error_code error;
      fs::remove_all(*scratch_dir, error);
    });
  }
  return *scratch_dir;
}

// Mode 0: SegmentReader over a valid header followed by the input's records.
void FuzzSegmentReader(uint8_t control, std::string_view body) {
  const uint32_t limit_choice = kLimits[(control >> kLimitShift) & 7];
  uint64_t first_sequence = 1;
  if (control & kBigSequence) {
    first_sequence = (control & kHigh) ? UINT64_MAX - 2 : uint64_t{1} << 40;
  }
  const auto header = EncodeSegmentHeader(first_sequence);
  std::string file(header.data(), header.size());
  uint64_t sequence = first_sequence;
  uint32_t limit = limit_choice;
  if ((control & kHigh) && !(control & kBigSequence) && !body.empty()) {
    // The input's records start `shift` bytes before the reader's first refill.
    const size_t shift = static_cast<uint8_t>(body[0]);
    body.remove_prefix(1);
    AppendRecord(sequence++, kReaderChunk - kSegmentHeaderSize - kRecordHeaderSize - shift, &file);
    limit = 1u << 20;
  }
  const size_t body_offset = file.size();
  file.append(body);
  if (control & kFixChecksums) {
    FixRecords(&file, body_offset, (control & kRenumber) != 0, sequence);
  }
  const fs::path path = ScratchDir() / "segment.wal";
  WriteFile(path, file);

  const Expected expected = Decode(file, kSegmentHeaderSize, first_sequence, limit);
  auto reader = SegmentReader::Open(path.string(), limit);
  FUZZ_CHECK(reader.ok());
  FUZZ_CHECK((*reader)->file_size() == file.size());
  auto read_header = (*reader)->ReadHeader();
  FUZZ_CHECK(read_header.ok() && *read_header == first_sequence);
  FUZZ_CHECK((*reader)->offset() == kSegmentHeaderSize);
  uint64_t next_sequence = first_sequence;
  size_t index = 0;
  while (true) {
    const uint64_t offset_before = (*reader)->offset();
    auto result = (*reader)->Next(next_sequence);
    if (!result.ok()) {
      // Only an intact record over the limit is an error; the offset stays at its start.
      FUZZ_CHECK(result.status().code() == absl::StatusCode::kFailedPrecondition);
      FUZZ_CHECK(expected.end == Expected::End::kOverLimit);
      break;
    }
    if (result->kind == SegmentReadResult::Kind::kRecord) {
      FUZZ_CHECK(index < expected.records.size());
      const Expected::Record& want = expected.records[index++];
      FUZZ_CHECK(result->sequence == next_sequence && want.sequence == next_sequence);
      FUZZ_CHECK(result->payload.size() <= limit);
      FUZZ_CHECK(result->payload == std::string_view(file).substr(want.offset, want.length));
      FUZZ_CHECK((*reader)->offset() == offset_before + kRecordHeaderSize + want.length);
      ++next_sequence;
      continue;
    }
    FUZZ_CHECK((*reader)->offset() == offset_before);
    if (result->kind == SegmentReadResult::Kind::kEnd) {
      FUZZ_CHECK(expected.end == Expected::End::kClean);
      FUZZ_CHECK(result->problem.empty());
    } else {
      // A record over the limit whose checksum fails is corrupt, like any bad checksum.
      FUZZ_CHECK(expected.end == Expected::End::kCorrupt);
      FUZZ_CHECK(!result->problem.empty() && result->problem.size() < 1024);
    }
    break;
  }
  FUZZ_CHECK(index == expected.records.size());
  FUZZ_CHECK((*reader)->offset() == expected.end_offset);
}

// Replays the WAL in `directory` and returns the status with the records it passed on.
struct ReplayOutcome {
  absl::Status status;
  std::vector<std::pair<uint64_t, std::string>> records;
  WalStats stats;
};

ReplayOutcome Replay(const fs::path& directory, uint32_t limit, std::string_view append) {
  WalOptions options;
  options.directory = directory.string();
  options.max_record_bytes = limit;
  auto wal = Wal::Open(options);
  FUZZ_CHECK(wal.ok());
  ReplayOutcome outcome;
  outcome.status = (*wal)->Replay([&](uint64_t sequence, std::string_view payload) {
    if (payload.size() > limit) {
      Die("replayed payload over the limit");
    }
    if (!outcome.records.empty() && sequence != outcome.records.back().first + 1) {
      Die("replayed sequences are not consecutive");
    }
    outcome.records.emplace_back(sequence, std::string(payload));
    return absl::OkStatus();
  });
  if (outcome.status.ok() && !append.empty()) {
    auto sequence = (*wal)->Append(std::string(append));
    FUZZ_CHECK(sequence.ok());
    FUZZ_CHECK((*wal)->WaitDurable(*sequence).ok());
  }
  outcome.stats = (*wal)->stats();
  FUZZ_CHECK((*wal)->Close().ok() || !outcome.status.ok());
  return outcome;
}

// Mode 1: a WAL directory whose single segment file holds the input.
void FuzzWalReplay(uint8_t control, std::string_view body) {
  const uint32_t limit = kLimits[(control >> kLimitShift) & 7];
  std::string file(body);
  uint64_t header_sequence = 0;
  if (file.size() >= kSegmentHeaderSize) {
    header_sequence = GetFixed64(file.data() + 12);
    if (control & kFixChecksums) {
      const auto header = EncodeSegmentHeader(header_sequence);
      file.replace(0, kSegmentHeaderSize, header.data(), header.size());
      FixRecords(&file, kSegmentHeaderSize, (control & kRenumber) != 0, header_sequence);
    }
  }
  // The file is named after the sequence its header records, when that can be a name.
  const uint64_t name_sequence = header_sequence == 0 ? 1 : header_sequence;

  static uint64_t counter = 0;
  const fs::path directory = ScratchDir() / ("wal" + std::to_string(counter++));
  fs::create_directory(directory);
  WriteFile(directory / SegmentFileName(name_sequence), file);

  // What replay must do, from the rules in wal.h.
  bool want_ok = true;
  uint64_t want_valid_bytes = 0;  // what the segment keeps (a torn header is rewritten)
  Expected expected;
  absl::StatusOr<uint64_t> decoded =
      file.size() >= kSegmentHeaderSize
          ? DecodeSegmentHeader(file)
          : absl::StatusOr<uint64_t>(absl::DataLossError("short header"));
  if (!decoded.ok()) {
    want_ok =
        file.size() <= kSegmentHeaderSize && decoded.status().code() == absl::StatusCode::kDataLoss;
    want_valid_bytes = kSegmentHeaderSize;
  } else if (*decoded != name_sequence) {
    want_ok = false;
  } else {
    expected = Decode(file, kSegmentHeaderSize, name_sequence, limit);
    want_ok = expected.end != Expected::End::kOverLimit;
    want_valid_bytes = expected.end_offset;
  }

  // Append one record after replay, unless its sequence would wrap around to 0.
  const uint64_t next_sequence = name_sequence + expected.records.size();
  const std::string appended =
      next_sequence != 0 ? std::string("appended after replay").substr(0, limit) : "";
  const ReplayOutcome first = Replay(directory, limit, appended);
  if (first.status.ok() != want_ok) {
    Die("replay status differs from the reference", std::string(first.status.message()));
  }
  if (!want_ok) {
    FUZZ_CHECK(first.status.code() == absl::StatusCode::kDataLoss ||
               first.status.code() == absl::StatusCode::kFailedPrecondition);
  }
  // The records replayed are exactly the intact prefix, even when replay then fails.
  FUZZ_CHECK(first.records.size() == expected.records.size());
  for (size_t i = 0; i < first.records.size(); ++i) {
    const Expected::Record& want = expected.records[i];
    FUZZ_CHECK(first.records[i].first == want.sequence);
    FUZZ_CHECK(first.records[i].second == std::string_view(file).substr(want.offset, want.length));
  }
  if (want_ok) {
    FUZZ_CHECK(first.stats.replayed_records == expected.records.size());
    FUZZ_CHECK(first.stats.truncated_bytes ==
               (decoded.ok() ? file.size() - want_valid_bytes : file.size()));
    FUZZ_CHECK(first.stats.last_sequence == next_sequence - (appended.empty() ? 1 : 0));
  }
  if (want_ok && !appended.empty()) {
    // Replaying again finds the same records and the appended one, and nothing to cut off.
    const ReplayOutcome second = Replay(directory, limit, {});
    if (!second.status.ok()) {
      Die("second replay failed", std::string(second.status.message()));
    }
    FUZZ_CHECK(second.stats.truncated_bytes == 0);
    FUZZ_CHECK(second.records.size() == first.records.size() + 1);
    for (size_t i = 0; i < first.records.size(); ++i) {
      FUZZ_CHECK(second.records[i] == first.records[i]);
    }
    FUZZ_CHECK(second.records.back().first == next_sequence);
    FUZZ_CHECK(second.records.back().second == appended);
    const uint64_t size = fs::file_size(directory / SegmentFileName(name_sequence));
    FUZZ_CHECK(size == want_valid_bytes + kRecordHeaderSize + appended.size());
  }
  std::error_code error;
  fs::remove_all(directory, error);
}

}  // namespace
}  // namespace strata::wal

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::wal;
  static const bool logging_off = strata::InitLogging("off").ok();
  (void)logging_off;
  if (size == 0) {
    return 0;
  }
  const uint8_t control = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (control & kModeWal) {
    FuzzWalReplay(control, body);
  } else {
    FuzzSegmentReader(control, body);
  }
  return 0;
}
