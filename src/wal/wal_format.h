// The WAL's on-disk format: segment file names, the segment header and the record header, and the
// pure functions that encode and check them. docs/wal_format.md describes the layout byte by
// byte; this file and that document must change together.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::wal {

// The first 8 bytes of every segment file.
inline constexpr std::string_view kSegmentMagic = "STRATAWL";
// The only segment format version this code reads and writes.
inline constexpr uint32_t kSegmentFormatVersion = 1;
// Segment header: magic (8), version (4), first sequence (8), masked CRC32C of bytes [0, 20) (4).
inline constexpr size_t kSegmentHeaderSize = 24;
// Record header: masked CRC32C (4), payload length (4), sequence (8); the payload follows.
inline constexpr size_t kRecordHeaderSize = 16;
// Segment file names are this many decimal digits followed by kSegmentSuffix.
inline constexpr size_t kSegmentNameDigits = 20;
inline constexpr std::string_view kSegmentSuffix = ".wal";

// Returns the file name of the segment whose first record has sequence `first_sequence`:
// 20 zero-padded decimal digits and ".wal", e.g. "00000000000000000001.wal".
std::string SegmentFileName(uint64_t first_sequence);

// Returns the first sequence encoded in a segment file name, or nullopt when `name` is not
// exactly a name SegmentFileName could have produced (wrong length, non-digits, sequence 0 or out
// of range).
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);

// Returns the segment header for a segment whose first record has sequence `first_sequence`.
std::array<char, kSegmentHeaderSize> EncodeSegmentHeader(uint64_t first_sequence);

// Checks a segment header (`header` must hold kSegmentHeaderSize bytes) and returns the first
// sequence it records. Errors (DataLoss, or FailedPrecondition for an unknown format version)
// say what is wrong: bad magic, unsupported version or checksum mismatch.
absl::StatusOr<uint64_t> DecodeSegmentHeader(std::string_view header);

// The fields of a record header as stored, before any check.
struct RecordHeader {
  uint32_t masked_crc = 0;
  uint32_t payload_length = 0;
  uint64_t sequence = 0;
};

// Returns the CRC32C of `payload`, the part of a record checksum that does not depend on the
// header. Append computes it on the caller's thread, outside the WAL's lock.
uint32_t PayloadCrc(std::string_view payload);

// Encodes a record header for a payload of `payload_length` bytes whose PayloadCrc is
// `payload_crc` into `out`.
void EncodeRecordHeader(uint64_t sequence,
                        uint32_t payload_length,
                        uint32_t payload_crc,
                        char out[kRecordHeaderSize]);

// Decodes the fields of a record header (`header` must hold kRecordHeaderSize bytes) without
// checking them.
RecordHeader DecodeRecordHeader(std::string_view header);

// Returns whether `header` (as decoded) carries the right checksum for `payload`.
bool RecordChecksumMatches(const RecordHeader& header, std::string_view payload);

}  // namespace strata::wal
