// Encoding and checking of WAL segment names, segment headers and record headers. All integers
// are little-endian regardless of the host, so segments move between machines.
#include "wal/wal_format.h"

#include <cstring>

#include "absl/status/status.h"
#include "common/crc32c.h"
#include "fmt/format.h"

namespace strata::wal {
namespace {

void PutFixed32(char* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
}

void PutFixed64(char* out, uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
}

uint32_t GetFixed32(const char* in) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    value |= static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  }
  return value;
}

uint64_t GetFixed64(const char* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  }
  return value;
}

// Offsets inside the segment header.
constexpr size_t kHeaderVersionOffset = 8;
constexpr size_t kHeaderSequenceOffset = 12;
constexpr size_t kHeaderCrcOffset = 20;

// Offsets inside the record header. The checksum covers the payload and then bytes
// [kRecordLengthOffset, kRecordHeaderSize).
constexpr size_t kRecordLengthOffset = 4;
constexpr size_t kRecordSequenceOffset = 8;

}  // namespace

std::string SegmentFileName(uint64_t first_sequence) {
  return fmt::format("{:020d}{}", first_sequence, kSegmentSuffix);
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() != kSegmentNameDigits + kSegmentSuffix.size() ||
      name.substr(kSegmentNameDigits) != kSegmentSuffix) {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (size_t i = 0; i < kSegmentNameDigits; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  if (value == 0) {
    return std::nullopt;
  }
  return value;
}

std::array<char, kSegmentHeaderSize> EncodeSegmentHeader(uint64_t first_sequence) {
  std::array<char, kSegmentHeaderSize> header{};
  std::memcpy(header.data(), kSegmentMagic.data(), kSegmentMagic.size());
  PutFixed32(header.data() + kHeaderVersionOffset, kSegmentFormatVersion);
  PutFixed64(header.data() + kHeaderSequenceOffset, first_sequence);
  PutFixed32(header.data() + kHeaderCrcOffset,
             Crc32cMask(Crc32cExtend(0, header.data(), kHeaderCrcOffset)));
  return header;
}

absl::StatusOr<uint64_t> DecodeSegmentHeader(std::string_view header) {
  if (header.size() < kSegmentHeaderSize) {
    return absl::DataLossError(
        fmt::format("segment header is {} bytes, expected {}", header.size(), kSegmentHeaderSize));
  }
  if (header.substr(0, kSegmentMagic.size()) != kSegmentMagic) {
    return absl::DataLossError("bad segment magic (not a strata WAL segment)");
  }
  // The version comes before the checksum: a later version may lay out its header differently.
  uint32_t version = GetFixed32(header.data() + kHeaderVersionOffset);
  if (version != kSegmentFormatVersion) {
    return absl::FailedPreconditionError(
        fmt::format("unsupported WAL segment format version {} (this build reads version {})",
                    version,
                    kSegmentFormatVersion));
  }
  uint32_t stored_crc = Crc32cUnmask(GetFixed32(header.data() + kHeaderCrcOffset));
  uint32_t actual_crc = Crc32cExtend(0, header.data(), kHeaderCrcOffset);
  if (stored_crc != actual_crc) {
    return absl::DataLossError(
        fmt::format("segment header checksum mismatch (stored {:#010x}, computed {:#010x})",
                    stored_crc,
                    actual_crc));
  }
  return GetFixed64(header.data() + kHeaderSequenceOffset);
}

uint32_t PayloadCrc(std::string_view payload) {
  return Crc32c(payload);
}

void EncodeRecordHeader(uint64_t sequence,
                        uint32_t payload_length,
                        uint32_t payload_crc,
                        char out[kRecordHeaderSize]) {
  PutFixed32(out + kRecordLengthOffset, payload_length);
  PutFixed64(out + kRecordSequenceOffset, sequence);
  uint32_t crc =
      Crc32cExtend(payload_crc, out + kRecordLengthOffset, kRecordHeaderSize - kRecordLengthOffset);
  PutFixed32(out, Crc32cMask(crc));
}

RecordHeader DecodeRecordHeader(std::string_view header) {
  RecordHeader decoded;
  decoded.masked_crc = GetFixed32(header.data());
  decoded.payload_length = GetFixed32(header.data() + kRecordLengthOffset);
  decoded.sequence = GetFixed64(header.data() + kRecordSequenceOffset);
  return decoded;
}

bool RecordChecksumMatches(const RecordHeader& header, std::string_view payload) {
  char fields[kRecordHeaderSize - kRecordLengthOffset];
  PutFixed32(fields, header.payload_length);
  PutFixed64(fields + (kRecordSequenceOffset - kRecordLengthOffset), header.sequence);
  uint32_t crc = Crc32cExtend(PayloadCrc(payload), fields, sizeof(fields));
  return Crc32cUnmask(header.masked_crc) == crc;
}

}  // namespace strata::wal
