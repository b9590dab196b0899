// DELTA_BINARY_PACKED encoding and decoding. The decoder unpacks a miniblock's deltas in chunks
// into a stack buffer (encoding_bit_packing.cc) and then runs the prefix sum, all in unsigned
// arithmetic so that wrapping is defined; bit widths are checked only for miniblocks that hold
// wanted values, because the spec lets writers leave garbage in the unused ones.
#include "parquet/encoding_delta.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <vector>

#include "common/check.h"
#include "common/status.h"
#include "fmt/format.h"
#include "parquet/encoding_bit_packing.h"
#include "parquet/encoding_varint.h"

namespace strata::parquet {
namespace {

// The largest block size accepted. The spec sets no limit; this one keeps every size
// computation far from overflow while admitting any block a writer would choose.
constexpr uint64_t kMaxBlockSize = uint64_t{1} << 32;
// Deltas unpacked per step before the prefix sum: 2 KiB of stack for INT64.
constexpr size_t kDeltaChunk = 256;

template <typename T>
constexpr std::string_view TypeName() {
  return sizeof(T) == 4 ? "INT32" : "INT64";
}

absl::Status Corrupt(std::string message) {
  return absl::DataLossError(fmt::format("DELTA_BINARY_PACKED: {}", message));
}

}  // namespace

template <typename T>
void EncodeDeltaBinaryPacked(std::span<const T> values,
                             std::string* out,
                             const DeltaBinaryPackedOptions& options) {
  using Unsigned = std::make_unsigned_t<T>;
  STRATA_CHECK(options.block_size > 0 && options.block_size % 128 == 0);
  STRATA_CHECK(options.miniblocks_per_block > 0 &&
               options.block_size % options.miniblocks_per_block == 0 &&
               (options.block_size / options.miniblocks_per_block) % 32 == 0);
  const size_t block_size = static_cast<size_t>(options.block_size);
  const size_t miniblocks = static_cast<size_t>(options.miniblocks_per_block);
  const size_t per_miniblock = block_size / miniblocks;

  AppendUleb128(block_size, out);
  AppendUleb128(miniblocks, out);
  AppendUleb128(values.size(), out);
  AppendUleb128(ZigZagEncode(values.empty() ? 0 : int64_t{values[0]}), out);

  std::vector<Unsigned> deltas(block_size);
  for (size_t start = 1; start < values.size(); start += block_size) {
    const size_t count = std::min(block_size, values.size() - start);
    T min_delta = std::numeric_limits<T>::max();
    for (size_t j = 0; j < count; ++j) {
      // Wrapping subtraction: INT64_MAX - INT64_MIN is the delta -1 (mod 2^64).
      deltas[j] =
          static_cast<Unsigned>(values[start + j]) - static_cast<Unsigned>(values[start + j - 1]);
      min_delta = std::min(min_delta, static_cast<T>(deltas[j]));
    }
    AppendUleb128(ZigZagEncode(int64_t{min_delta}), out);
    for (size_t j = 0; j < count; ++j) {
      deltas[j] -= static_cast<Unsigned>(min_delta);
    }
    const size_t used_miniblocks = (count + per_miniblock - 1) / per_miniblock;
    std::fill(deltas.begin() + static_cast<ptrdiff_t>(count),
              deltas.begin() + static_cast<ptrdiff_t>(used_miniblocks * per_miniblock),
              Unsigned{0});
    const size_t widths_offset = out->size();
    out->append(miniblocks, '\0');  // unused miniblocks keep width 0
    for (size_t m = 0; m < used_miniblocks; ++m) {
      const std::span<const Unsigned> miniblock(deltas.data() + m * per_miniblock, per_miniblock);
      Unsigned all_bits = 0;
      for (const Unsigned delta : miniblock) {
        all_bits |= delta;
      }
      const int width = std::bit_width(all_bits);
      (*out)[widths_offset + m] = static_cast<char>(width);
      PackBits(miniblock, width, out);
    }
  }
}

template <typename T>
absl::Status DeltaBinaryPackedDecoder<T>::Fail(absl::Status status) {
  if (!status.ok()) {
    values_remaining_ = 0;
    first_value_pending_ = false;
    miniblock_remaining_ = 0;
  }
  return status;
}

template <typename T>
absl::Status DeltaBinaryPackedDecoder<T>::Init(std::string_view data) {
  *this = DeltaBinaryPackedDecoder();
  data_ = reinterpret_cast<const uint8_t*>(data.data());
  size_ = data.size();
  uint64_t block_size = 0;
  uint64_t miniblocks = 0;
  uint64_t total_values = 0;
  uint64_t first_value = 0;
  size_t offset = 0;
  STRATA_RETURN_IF_ERROR(
      Fail(ReadUleb128(data, &offset, &block_size, "DELTA_BINARY_PACKED block size")));
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxBlockSize) {
    return Fail(Corrupt(fmt::format(
        "block size {} at byte offset 0 is not a positive multiple of 128 (at most 2^32)",
        block_size)));
  }
  const size_t miniblocks_offset = offset;
  STRATA_RETURN_IF_ERROR(
      Fail(ReadUleb128(data, &offset, &miniblocks, "DELTA_BINARY_PACKED miniblock count")));
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Fail(Corrupt(
        fmt::format("{} miniblocks per block (byte offset {}) do not split the block size {} "
                    "into miniblocks of a multiple of 32 values",
                    miniblocks,
                    miniblocks_offset,
                    block_size)));
  }
  STRATA_RETURN_IF_ERROR(
      Fail(ReadUleb128(data, &offset, &total_values, "DELTA_BINARY_PACKED value count")));
  const size_t first_offset = offset;
  STRATA_RETURN_IF_ERROR(
      Fail(ReadUleb128(data, &offset, &first_value, "DELTA_BINARY_PACKED first value")));
  const int64_t first = ZigZagDecode(first_value);
  if (first < std::numeric_limits<T>::min() || first > std::numeric_limits<T>::max()) {
    return Fail(Corrupt(fmt::format("first value {} at byte offset {} is outside the {} range",
                                    first,
                                    first_offset,
                                    TypeName<T>())));
  }
  offset_ = offset;
  values_per_miniblock_ = block_size / miniblocks;
  miniblocks_per_block_ = miniblocks;
  total_values_ = total_values;
  values_remaining_ = total_values;
  first_value_pending_ = total_values > 0;
  last_value_ = static_cast<Unsigned>(first);
  next_miniblock_ = miniblocks;  // the first delta needs a block header
  return absl::OkStatus();
}

template <typename T>
absl::Status DeltaBinaryPackedDecoder<T>::NextMiniblock() {
  if (next_miniblock_ == miniblocks_per_block_) {
    block_offset_ = offset_;
    uint64_t min_delta = 0;
    STRATA_RETURN_IF_ERROR(
        Fail(ReadUleb128(std::string_view(reinterpret_cast<const char*>(data_), size_),
                         &offset_,
                         &min_delta,
                         "DELTA_BINARY_PACKED min delta")));
    // For INT32 this keeps the low 32 bits: a writer that computed deltas in 64 bits wrote
    // min deltas outside the INT32 range, and the values still come out right modulo 2^32.
    min_delta_ = static_cast<Unsigned>(ZigZagDecode(min_delta));
    if (size_ - offset_ < miniblocks_per_block_) {
      return Fail(Corrupt(fmt::format(
          "block at byte offset {} is truncated: {} bit widths need {} bytes, only {} remain",
          block_offset_,
          miniblocks_per_block_,
          miniblocks_per_block_,
          size_ - offset_)));
    }
    widths_offset_ = offset_;
    offset_ += miniblocks_per_block_;
    next_miniblock_ = 0;
  }
  const size_t width_offset = widths_offset_ + next_miniblock_;
  const int width = data_[width_offset];
  if (width > static_cast<int>(8 * sizeof(T))) {
    return Fail(Corrupt(fmt::format(
        "miniblock {} of the block at byte offset {} has bit width {} (byte offset {}), more than "
        "{} allows",
        next_miniblock_,
        block_offset_,
        width,
        width_offset,
        TypeName<T>())));
  }
  // A full miniblock is values_per_miniblock_ * width / 8 bytes (an exact division: the count is
  // a multiple of 32). The last one is padded to full size, but only the bytes holding wanted
  // values must be there.
  const size_t full_size = values_per_miniblock_ * static_cast<size_t>(width) / 8;
  const size_t wanted = std::min<uint64_t>(values_per_miniblock_, values_remaining_);
  const size_t needed = BitPackedSize(wanted, width);
  const size_t available = size_ - offset_;
  if (available < needed) {
    return Fail(Corrupt(fmt::format(
        "miniblock {} of the block at byte offset {} is truncated: {} values of {} bits need {} "
        "bytes at byte offset {}, only {} remain",
        next_miniblock_,
        block_offset_,
        wanted,
        width,
        needed,
        offset_,
        available)));
  }
  // As in the RLE decoder, the unpacker may read up to the end of the data (whole-word loads
  // past the miniblock's last group), which keeps every group on its fast path.
  miniblock_data_ = data_ + offset_;
  miniblock_size_ = available;
  offset_ += std::min(full_size, available);
  miniblock_width_ = width;
  miniblock_next_ = 0;
  miniblock_remaining_ = values_per_miniblock_;
  ++next_miniblock_;
  return absl::OkStatus();
}

template <typename T>
absl::Status DeltaBinaryPackedDecoder<T>::Decode(std::span<T> out) {
  if (out.size() > values_remaining_) {
    return absl::InvalidArgumentError(fmt::format(
        "DELTA_BINARY_PACKED: {} values requested, only {} remain", out.size(), values_remaining_));
  }
  size_t i = 0;
  if (!out.empty() && first_value_pending_) {
    out[0] = static_cast<T>(last_value_);
    first_value_pending_ = false;
    --values_remaining_;
    i = 1;
  }
  Unsigned deltas[kDeltaChunk];
  while (i < out.size()) {
    if (miniblock_remaining_ == 0) {
      STRATA_RETURN_IF_ERROR(NextMiniblock());
    }
    const size_t count = std::min(out.size() - i, miniblock_remaining_);
    const Unsigned min_delta = min_delta_;
    Unsigned last = last_value_;
    T* dst = out.data() + i;
    if (miniblock_width_ == 0) {
      for (size_t j = 0; j < count; ++j) {
        last += min_delta;
        dst[j] = static_cast<T>(last);
      }
    } else {
      for (size_t done = 0; done < count;) {
        const size_t chunk = std::min(kDeltaChunk, count - done);
        UnpackBits(miniblock_data_,
                   miniblock_size_,
                   miniblock_width_,
                   miniblock_next_ + done,
                   chunk,
                   deltas);
        for (size_t j = 0; j < chunk; ++j) {
          last += min_delta + deltas[j];
          dst[done + j] = static_cast<T>(last);
        }
        done += chunk;
      }
    }
    last_value_ = last;
    miniblock_next_ += count;
    miniblock_remaining_ -= count;
    values_remaining_ -= count;
    i += count;
  }
  return absl::OkStatus();
}

template <typename T>
absl::StatusOr<size_t> DecodeDeltaBinaryPacked(std::string_view data, std::span<T> out) {
  DeltaBinaryPackedDecoder<T> decoder;
  STRATA_RETURN_IF_ERROR(decoder.Init(data));
  if (decoder.total_values() != out.size()) {
    return Corrupt(fmt::format(
        "the header declares {} values, {} expected", decoder.total_values(), out.size()));
  }
  STRATA_RETURN_IF_ERROR(decoder.Decode(out));
  return decoder.bytes_consumed();
}

template void EncodeDeltaBinaryPacked<int32_t>(std::span<const int32_t>,
                                               std::string*,
                                               const DeltaBinaryPackedOptions&);
template void EncodeDeltaBinaryPacked<int64_t>(std::span<const int64_t>,
                                               std::string*,
                                               const DeltaBinaryPackedOptions&);
template class DeltaBinaryPackedDecoder<int32_t>;
template class DeltaBinaryPackedDecoder<int64_t>;
template absl::StatusOr<size_t> DecodeDeltaBinaryPacked<int32_t>(std::string_view,
                                                                 std::span<int32_t>);
template absl::StatusOr<size_t> DecodeDeltaBinaryPacked<int64_t>(std::string_view,
                                                                 std::span<int64_t>);

}  // namespace strata::parquet
