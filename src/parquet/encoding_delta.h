// Parquet's DELTA_BINARY_PACKED encoding for INT32 and INT64 (Encodings.md, "Delta Encoding
// (DELTA_BINARY_PACKED = 5)"), the natural encoding of timestamps. Layout:
//   header: <block size> <miniblocks per block> <total value count> <first value>
//           (ULEB128, ULEB128, ULEB128, zigzag ULEB128)
//   blocks: <min delta (zigzag ULEB128)> <one bit width byte per miniblock> <miniblocks>
// Each miniblock holds block_size / miniblocks_per_block deltas minus the block's min delta,
// bit-packed LSB first with its own width. Deltas are computed and added back in wrapping
// unsigned arithmetic, so any pair of values has a representable delta.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::parquet {

// The block shape the encoder writes. The default is what parquet-java and Arrow write.
struct DeltaBinaryPackedOptions {
  // A positive multiple of 128.
  int block_size = 128;
  // Divides block_size into miniblocks of a multiple of 32 values.
  int miniblocks_per_block = 4;
};

// Appends `values` DELTA_BINARY_PACKED. T is int32_t (INT32; deltas wrap at 32 bits, so bit
// widths never pass 32) or int64_t (INT64). Unused bit widths of the last block are 0 and its
// last miniblock is padded with zeros to full size, as the spec asks.
// REQUIRES: `options` obeys the constraints above.
template <typename T>
void EncodeDeltaBinaryPacked(std::span<const T> values,
                             std::string* out,
                             const DeltaBinaryPackedOptions& options = {});

// Decodes a DELTA_BINARY_PACKED stream in batches. Accepts every block shape the spec allows
// (any block size that is a multiple of 128 up to 2^32, any miniblock count leaving a multiple
// of 32 values per miniblock), ignores the bit widths of miniblocks the last block does not
// need, and never reads outside `data` (which must outlive the decoder). Malformed input is a
// DataLoss error naming the byte offset from the start of `data`; after an error the decoder
// yields nothing more.
template <typename T>
class DeltaBinaryPackedDecoder {
  static_assert(std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>);

 public:
  DeltaBinaryPackedDecoder() = default;

  // Reads the header at the start of `data`.
  absl::Status Init(std::string_view data);

  // The value count the header declares.
  uint64_t total_values() const { return total_values_; }
  // Values not yet decoded.
  uint64_t values_remaining() const { return values_remaining_; }

  // Decodes the next out.size() values. InvalidArgument if out.size() > values_remaining().
  absl::Status Decode(std::span<T> out);

  // The bytes read so far: once every value is decoded, the size of the encoded stream (the
  // last miniblock counted with its padding), where DELTA_LENGTH_BYTE_ARRAY's bytes begin.
  size_t bytes_consumed() const { return offset_; }

 private:
  using Unsigned = std::make_unsigned_t<T>;

  // Moves to the next miniblock, reading a block header first when the block is used up.
  absl::Status NextMiniblock();
  // Returns `status`; if it is an error, first leaves nothing more to decode.
  absl::Status Fail(absl::Status status);

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t offset_ = 0;  // the next byte not yet read
  uint64_t values_per_miniblock_ = 0;
  uint64_t miniblocks_per_block_ = 0;
  uint64_t total_values_ = 0;
  uint64_t values_remaining_ = 0;
  bool first_value_pending_ = false;
  Unsigned last_value_ = 0;
  // The current block.
  size_t block_offset_ = 0;      // of its header, for messages
  size_t widths_offset_ = 0;     // of its bit width bytes
  uint64_t next_miniblock_ = 0;  // index within the block
  Unsigned min_delta_ = 0;
  // The current miniblock.
  const uint8_t* miniblock_data_ = nullptr;
  size_t miniblock_size_ = 0;  // readable from miniblock_data_: up to the end of the data
  int miniblock_width_ = 0;
  size_t miniblock_next_ = 0;       // index of the next delta
  size_t miniblock_remaining_ = 0;  // deltas not yet used
};

// Decodes a whole DELTA_BINARY_PACKED stream whose header must declare exactly out.size()
// values. Returns the stream's size in bytes.
template <typename T>
absl::StatusOr<size_t> DecodeDeltaBinaryPacked(std::string_view data, std::span<T> out);

}  // namespace strata::parquet
