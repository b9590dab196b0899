// The RLE/bit-packing hybrid. The encoder sees the whole page's values at once, so it can pick
// runs by looking ahead instead of keeping the streaming state machine other writers use; the
// decoder fills RLE runs with std::fill_n and unpacks bit-packed runs eight values at a time
// with width-specialized code (encoding_bit_packing.cc).
#include "parquet/encoding_rle.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <type_traits>

#include "common/check.h"
#include "common/status.h"
#include "fmt/format.h"
#include "parquet/encoding_bit_packing.h"
#include "parquet/encoding_varint.h"

namespace strata::parquet {
namespace {

// A value repeated this often becomes an RLE run. Shorter repeats cost less bit-packed than as
// a run of their own (a header and a value, plus breaking the surrounding bit-packed run).
constexpr size_t kMinRleRun = 8;
// Encodings.md: run lengths must be in [1, 2^31 - 1] so that readers can hold them in an int32.
constexpr size_t kMaxRunLength = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxPackedGroups = kMaxRunLength / 8;

template <typename T>
uint32_t AsUnsigned(T value) {
  return static_cast<uint32_t>(static_cast<std::make_unsigned_t<T>>(value));
}

template <typename T>
void AppendRleRun(T value, size_t count, int bit_width, std::string* out) {
  const uint32_t bits = AsUnsigned(value);
  STRATA_CHECK(bit_width == 32 || (bits >> bit_width) == 0);
  const size_t value_bytes = static_cast<size_t>(bit_width + 7) / 8;
  while (count > 0) {
    const size_t run = std::min(count, kMaxRunLength);
    AppendUleb128(uint64_t{run} << 1, out);
    for (size_t i = 0; i < value_bytes; ++i) {
      out->push_back(static_cast<char>(bits >> (8 * i)));
    }
    count -= run;
  }
}

// Appends `values` as bit-packed runs, the last group padded with zeros.
template <typename T>
void AppendPackedRuns(std::span<const T> values, int bit_width, std::string* out) {
  // Packed values must fit the width, or they would spill into their neighbours: check the OR of
  // each run's values, which costs a fraction of the packing.
  uint32_t all_bits = 0;
  for (const T value : values) {
    all_bits |= AsUnsigned(value);
  }
  STRATA_CHECK(bit_width == 32 || (all_bits >> bit_width) == 0);
  while (!values.empty()) {
    const size_t groups = std::min((values.size() + 7) / 8, kMaxPackedGroups);
    AppendUleb128((uint64_t{groups} << 1) | 1, out);
    const size_t count = std::min(values.size(), groups * 8);
    const size_t whole = count / 8 * 8;
    PackBits(values.first(whole), bit_width, out);
    if (whole < count) {
      T last_group[8] = {};
      std::copy_n(values.begin() + static_cast<ptrdiff_t>(whole), count - whole, last_group);
      PackBits(std::span<const T>(last_group, 8), bit_width, out);
    }
    values = values.subspan(count);
  }
}

absl::Status Corrupt(std::string message) {
  return absl::DataLossError(fmt::format("RLE/bit-packing hybrid: {}", message));
}

}  // namespace

int RleDictionaryIndexBitWidth(size_t dictionary_size) {
  return dictionary_size <= 1 ? 0 : std::bit_width(dictionary_size - 1);
}

template <typename T>
void EncodeRleBitPacked(std::span<const T> values, int bit_width, std::string* out) {
  STRATA_CHECK(bit_width >= 0 && bit_width <= kMaxRleBitWidth &&
               bit_width <= static_cast<int>(8 * sizeof(T)));
  const size_t n = values.size();
  size_t packed_start = 0;  // values [packed_start, i) are waiting to be bit-packed
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && values[j] == values[i]) {
      ++j;
    }
    if (j - i >= kMinRleRun) {
      // Bit-packed runs hold whole groups of 8, so the waiting values borrow from the repeat
      // until they fill their last group; an RLE run is worth it if 8 repeats are left.
      const size_t borrow = (8 - (i - packed_start) % 8) % 8;
      if (j - i - borrow >= kMinRleRun) {
        AppendPackedRuns(values.subspan(packed_start, i + borrow - packed_start), bit_width, out);
        AppendRleRun(values[i], j - i - borrow, bit_width, out);
        packed_start = j;
      }
    }
    i = j;
  }
  AppendPackedRuns(values.subspan(packed_start), bit_width, out);
}

template <typename T>
void EncodeRleBitPackedLengthPrefixed(std::span<const T> values, int bit_width, std::string* out) {
  const size_t start = out->size();
  out->append(4, '\0');
  EncodeRleBitPacked(values, bit_width, out);
  const size_t length = out->size() - start - 4;
  STRATA_CHECK_LE(length, size_t{std::numeric_limits<uint32_t>::max()});
  const uint32_t length32 = static_cast<uint32_t>(length);
  for (int k = 0; k < 4; ++k) {
    (*out)[start + k] = static_cast<char>(length32 >> (8 * k));
  }
}

void EncodeRleDictionaryIndices(std::span<const int32_t> indices,
                                size_t dictionary_size,
                                std::string* out) {
  const int bit_width = RleDictionaryIndexBitWidth(dictionary_size);
  out->push_back(static_cast<char>(bit_width));
  EncodeRleBitPacked(indices, bit_width, out);
}

absl::Status RleBitPackedDecoder::Init(std::string_view data, int bit_width, size_t num_values) {
  *this = RleBitPackedDecoder();
  if (bit_width < 0 || bit_width > kMaxRleBitWidth) {
    return absl::InvalidArgumentError(fmt::format(
        "RLE/bit-packing hybrid: bit width {} is outside [0, {}]", bit_width, kMaxRleBitWidth));
  }
  data_ = reinterpret_cast<const uint8_t*>(data.data());
  end_ = data.size();
  bit_width_ = bit_width;
  values_remaining_ = num_values;
  return absl::OkStatus();
}

absl::StatusOr<size_t> RleBitPackedDecoder::InitLengthPrefixed(std::string_view data,
                                                               int bit_width,
                                                               size_t num_values) {
  STRATA_RETURN_IF_ERROR(Init(data, bit_width, num_values));
  if (data.size() < 4) {
    return Fail(Corrupt(fmt::format("truncated length prefix ({} of 4 bytes)", data.size())));
  }
  uint32_t length;
  std::memcpy(&length, data.data(), 4);
  if (length > data.size() - 4) {
    return Fail(Corrupt(
        fmt::format("length prefix says {} bytes, only {} follow it", length, data.size() - 4)));
  }
  offset_ = 4;
  end_ = 4 + size_t{length};
  return end_;
}

absl::Status RleBitPackedDecoder::InitDictionaryIndices(std::string_view data, size_t num_values) {
  if (data.empty()) {
    STRATA_RETURN_IF_ERROR(Init(data, 0, num_values));
    return Fail(Corrupt("dictionary indices: missing bit width byte at byte offset 0"));
  }
  const int bit_width = static_cast<uint8_t>(data[0]);
  if (bit_width > kMaxRleBitWidth) {
    *this = RleBitPackedDecoder();
    return Corrupt(fmt::format("dictionary indices: bit width {} at byte offset 0 is more than {}",
                               bit_width,
                               kMaxRleBitWidth));
  }
  STRATA_RETURN_IF_ERROR(Init(data, bit_width, num_values));
  offset_ = 1;
  return absl::OkStatus();
}

absl::Status RleBitPackedDecoder::Fail(absl::Status status) {
  if (!status.ok()) {
    values_remaining_ = 0;
    run_remaining_ = 0;
  }
  return status;
}

absl::Status RleBitPackedDecoder::NextRun() {
  const std::string_view data(reinterpret_cast<const char*>(data_), end_);
  // Runs of length zero are pointless but harmless (each costs a header byte), so they are
  // skipped rather than refused.
  while (true) {
    const size_t header_offset = offset_;
    if (header_offset >= end_) {
      return Fail(Corrupt(fmt::format("data ends at byte offset {} with {} values still expected",
                                      header_offset,
                                      values_remaining_)));
    }
    uint64_t header = 0;
    absl::Status read = ReadUleb128(data, &offset_, &header, "RLE/bit-packing hybrid run header");
    if (!read.ok()) {
      return Fail(std::move(read));
    }
    const size_t available = end_ - offset_;
    if (header & 1) {
      // Only the last run should pad its final group, but writers pad more than that (DuckDB
      // writes a final bit-packed run of 32 groups for 228 remaining values), and Arrow and
      // parquet-java accept it: values past the count are ignored, so only the count is used.
      const uint64_t groups = header >> 1;
      const size_t count = groups >= (values_remaining_ + 7) / 8 ? values_remaining_
                                                                 : static_cast<size_t>(groups) * 8;
      const size_t needed_bytes = BitPackedSize(count, bit_width_);
      if (available < needed_bytes) {
        return Fail(Corrupt(fmt::format(
            "bit-packed run at byte offset {} is truncated: {} values need {} bytes, only {} "
            "remain",
            header_offset,
            count,
            needed_bytes,
            available)));
      }
      // The unpacker may read every byte up to the end of the runs: its fast path loads whole
      // words past a group's end (only masking out what it needs), so bounding it by this run's
      // own bytes would send each run's last group down the slow path. The padding of the final
      // group may be missing; the values it would hold are not wanted.
      run_data_ = data_ + offset_;
      run_data_size_ = available;
      offset_ += std::min(static_cast<size_t>(groups) * bit_width_, available);
      run_is_packed_ = true;
      run_next_ = 0;
      run_remaining_ = count;
    } else {
      // A run longer than the values remaining is cut, as for bit-packed runs above.
      const uint64_t count = std::min<uint64_t>(header >> 1, values_remaining_);
      const size_t value_bytes = static_cast<size_t>(bit_width_ + 7) / 8;
      if (available < value_bytes) {
        return Fail(Corrupt(fmt::format(
            "RLE run at byte offset {} is truncated: its value needs {} bytes, only {} remain",
            header_offset,
            value_bytes,
            available)));
      }
      uint32_t value = 0;
      for (size_t k = 0; k < value_bytes; ++k) {
        value |= static_cast<uint32_t>(data_[offset_ + k]) << (8 * k);
      }
      if (bit_width_ < 32 && (value >> bit_width_) != 0) {
        return Fail(Corrupt(
            fmt::format("RLE run at byte offset {} repeats {}, which does not fit in bit width {}",
                        header_offset,
                        value,
                        bit_width_)));
      }
      offset_ += value_bytes;
      run_is_packed_ = false;
      run_value_ = value;
      run_remaining_ = static_cast<size_t>(count);
    }
    if (run_remaining_ > 0) {
      return absl::OkStatus();
    }
  }
}

template <typename T>
absl::Status RleBitPackedDecoder::DecodeValues(std::span<T> out) {
  if (out.size() > values_remaining_) {
    return absl::InvalidArgumentError(
        fmt::format("RLE/bit-packing hybrid: {} values requested, only {} remain",
                    out.size(),
                    values_remaining_));
  }
  T* dst = out.data();
  size_t n = out.size();
  while (n > 0) {
    if (run_remaining_ == 0) {
      STRATA_RETURN_IF_ERROR(NextRun());
    }
    const size_t k = std::min(n, run_remaining_);
    if (run_is_packed_) {
      UnpackBits(run_data_, run_data_size_, bit_width_, run_next_, k, dst);
      run_next_ += k;
    } else {
      std::fill_n(dst, k, static_cast<T>(run_value_));
    }
    dst += k;
    n -= k;
    run_remaining_ -= k;
    values_remaining_ -= k;
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status RleBitPackedDecoder::Decode(std::span<T> out) {
  if (bit_width_ > static_cast<int>(8 * sizeof(T))) {
    return absl::InvalidArgumentError(
        fmt::format("RLE/bit-packing hybrid: {}-bit values do not fit a {}-byte output type",
                    bit_width_,
                    sizeof(T)));
  }
  return DecodeValues(out);
}

absl::Status RleBitPackedDecoder::DecodeDictionaryIndices(std::span<int32_t> out,
                                                          size_t dictionary_size) {
  // uint32_t and int32_t may alias; 32-bit indices above INT32_MAX fail the range check below.
  const std::span<uint32_t> indices(reinterpret_cast<uint32_t*>(out.data()), out.size());
  STRATA_RETURN_IF_ERROR(DecodeValues(indices));
  if (bit_width_ < 32 && (uint64_t{1} << bit_width_) <= dictionary_size) {
    return absl::OkStatus();  // every value of this width is a valid index
  }
  uint32_t max_index = 0;
  for (const uint32_t index : indices) {
    max_index = std::max(max_index, index);
  }
  if (!indices.empty() && max_index >= dictionary_size) {
    const auto bad = std::find_if(
        indices.begin(), indices.end(), [&](uint32_t index) { return index >= dictionary_size; });
    return Fail(Corrupt(fmt::format(
        "dictionary index {} (value {} of this batch) is out of range for a dictionary of {} "
        "entries",
        *bad,
        bad - indices.begin(),
        dictionary_size)));
  }
  return absl::OkStatus();
}

template void EncodeRleBitPacked<uint8_t>(std::span<const uint8_t>, int, std::string*);
template void EncodeRleBitPacked<int16_t>(std::span<const int16_t>, int, std::string*);
template void EncodeRleBitPacked<int32_t>(std::span<const int32_t>, int, std::string*);
template void EncodeRleBitPacked<uint32_t>(std::span<const uint32_t>, int, std::string*);
template void EncodeRleBitPackedLengthPrefixed<uint8_t>(std::span<const uint8_t>,
                                                        int,
                                                        std::string*);
template void EncodeRleBitPackedLengthPrefixed<int16_t>(std::span<const int16_t>,
                                                        int,
                                                        std::string*);
template void EncodeRleBitPackedLengthPrefixed<int32_t>(std::span<const int32_t>,
                                                        int,
                                                        std::string*);
template void EncodeRleBitPackedLengthPrefixed<uint32_t>(std::span<const uint32_t>,
                                                         int,
                                                         std::string*);
template absl::Status RleBitPackedDecoder::Decode<uint8_t>(std::span<uint8_t>);
template absl::Status RleBitPackedDecoder::Decode<int16_t>(std::span<int16_t>);
template absl::Status RleBitPackedDecoder::Decode<int32_t>(std::span<int32_t>);
template absl::Status RleBitPackedDecoder::Decode<uint32_t>(std::span<uint32_t>);

}  // namespace strata::parquet
