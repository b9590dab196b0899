// Parquet's RLE/bit-packing hybrid (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid
// (RLE = 3)"): definition and repetition levels, dictionary indices (RLE_DICTIONARY data pages)
// and RLE-encoded booleans. A stream is a sequence of runs, each a ULEB128 header and either
//   - an RLE run: header = count << 1, then the repeated value in ceil(bit_width / 8) bytes, or
//   - a bit-packed run: header = (count / 8) << 1 | 1, then count values of bit_width bits
//     packed LSB first (encoding_bit_packing.h), count a multiple of 8.
// Three framings exist: bare (data page v2 levels), with a 4-byte little-endian length in front
// (data page v1 levels, RLE booleans), and with a 1-byte bit width in front (dictionary indices).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::parquet {

// The widest values the hybrid carries: dictionary indices of at most 32 bits (Encodings.md,
// "Dictionary Encoding").
inline constexpr int kMaxRleBitWidth = 32;

// The bit width RLE_DICTIONARY pages use for indices into a dictionary of `dictionary_size`
// entries: enough for dictionary_size - 1 (0 for a dictionary of at most one entry).
int RleDictionaryIndexBitWidth(size_t dictionary_size);

// Appends `values` as bare hybrid runs: RLE runs for 8 or more repeats of a value, bit-packed
// runs otherwise (the last one padded with zeros to a multiple of 8 values, which a reader
// ignores because it knows the value count). T is uint8_t, int16_t, int32_t or uint32_t.
// REQUIRES: 0 <= bit_width <= min(kMaxRleBitWidth, 8 * sizeof(T)), every value (as unsigned)
// below 2^bit_width.
template <typename T>
void EncodeRleBitPacked(std::span<const T> values, int bit_width, std::string* out);

// As EncodeRleBitPacked, preceded by the runs' length as 4 bytes little-endian (data page v1
// definition and repetition levels, RLE booleans).
template <typename T>
void EncodeRleBitPackedLengthPrefixed(std::span<const T> values, int bit_width, std::string* out);

// Appends an RLE_DICTIONARY data page body: the 1-byte bit width for `dictionary_size` entries,
// then `indices` as hybrid runs. REQUIRES: 0 <= index < dictionary_size for every index.
void EncodeRleDictionaryIndices(std::span<const int32_t> indices,
                                size_t dictionary_size,
                                std::string* out);

// Decodes a hybrid stream in batches. Init* takes the number of values the stream must yield
// (from the page header); a run that would go past that count is cut short (writers pad their last
// run), and a value wider than the bit width or data that ends too soon is a DataLoss error
// naming the byte offset, counted from the start
// of the `data` given to Init*. Bytes after the last needed run are ignored (the stream's end is
// set by its framing). Nothing is read outside `data`, which must outlive the decoder. After an
// error the decoder yields nothing more.
class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder() = default;

  // Bare runs: all of `data`. InvalidArgument unless 0 <= bit_width <= kMaxRleBitWidth.
  absl::Status Init(std::string_view data, int bit_width, size_t num_values);

  // A 4-byte little-endian length, then that many bytes of runs. Returns the bytes the block
  // occupies (4 + length), where whatever follows it in the page starts.
  absl::StatusOr<size_t> InitLengthPrefixed(std::string_view data,
                                            int bit_width,
                                            size_t num_values);

  // An RLE_DICTIONARY data page body: a 1-byte bit width (at most 32), then runs to the end of
  // `data`.
  absl::Status InitDictionaryIndices(std::string_view data, size_t num_values);

  // Decodes the next out.size() values. T is uint8_t, int16_t, int32_t or uint32_t; values are
  // the low 8 * sizeof(T) bits, so InvalidArgument if bit_width() is wider than T, or if
  // out.size() > values_remaining(); DataLoss if the data is malformed.
  template <typename T>
  absl::Status Decode(std::span<T> out);

  // Decodes the next out.size() dictionary indices and checks each is below `dictionary_size`
  // (DataLoss naming the first that is not), so a reader can index its dictionary unchecked.
  absl::Status DecodeDictionaryIndices(std::span<int32_t> out, size_t dictionary_size);

  // The width of the values, from Init or the dictionary indices' prefix byte.
  int bit_width() const { return bit_width_; }
  // Values still to be decoded out of the count given to Init*.
  size_t values_remaining() const { return values_remaining_; }

 private:
  template <typename T>
  absl::Status DecodeValues(std::span<T> out);
  // Reads the next run header (and an RLE run's value). REQUIRES: values_remaining_ > 0.
  absl::Status NextRun();
  // Returns `status`; if it is an error, first leaves nothing more to decode.
  absl::Status Fail(absl::Status status);

  const uint8_t* data_ = nullptr;  // what Init* was given; offsets in errors count from here
  size_t end_ = 0;                 // where the runs end
  size_t offset_ = 0;              // the next run header
  int bit_width_ = 0;
  size_t values_remaining_ = 0;
  // The current run. Its values not yet decoded; at most values_remaining_.
  size_t run_remaining_ = 0;
  bool run_is_packed_ = false;
  uint32_t run_value_ = 0;             // an RLE run's value
  const uint8_t* run_data_ = nullptr;  // a bit-packed run's bytes
  size_t run_data_size_ = 0;           // readable from run_data_: up to the end of the runs
  size_t run_next_ = 0;                // index of the next value within the bit-packed run
};

}  // namespace strata::parquet
