// Parquet's PLAIN encoding (Encodings.md, "Plain: (PLAIN = 0)"): fixed-width values back to
// back in little-endian IEEE/two's complement form, BOOLEAN bit-packed LSB first, BYTE_ARRAY as
// a 4-byte little-endian length followed by the bytes, FIXED_LEN_BYTE_ARRAY as the bytes alone.
// Dictionary pages use it too.
//
// Decoders are stateless and take the page bytes still to be decoded plus an output span whose
// size is the number of values wanted; they return how many input bytes those values occupy, so
// a reader decoding a page in batches advances its input by that much. They never read outside
// `input`: a page too short for the values asked for is a DataLoss error naming the value and
// byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "columnar/column.h"

namespace strata::parquet {

// Appends `values` PLAIN-encoded. T is int32_t (INT32), int64_t (INT64), float (FLOAT) or
// double (DOUBLE); floating-point values keep their exact bits (NaN payloads, -0.0).
template <typename T>
void EncodePlain(std::span<const T> values, std::string* out);

// Appends BOOLEAN values (zero is false, anything else true) bit-packed LSB first, the last
// byte padded with zero bits.
void EncodePlainBoolean(std::span<const uint8_t> values, std::string* out);

// Appends BYTE_ARRAY values, each a 4-byte little-endian length and the bytes. InvalidArgument
// (and nothing appended) if a value is longer than 2^31 - 1 bytes, the most other readers accept.
absl::Status EncodePlainByteArray(std::span<const std::string_view> values, std::string* out);

// As above for the strings of a kString column: `refs` index into `heap`.
// REQUIRES: every ref lies within `heap`.
absl::Status EncodePlainByteArray(std::span<const StringRef> refs,
                                  std::string_view heap,
                                  std::string* out);

// Appends FIXED_LEN_BYTE_ARRAY values. InvalidArgument (and nothing appended) unless every value
// is `type_length` bytes and type_length is positive.
absl::Status EncodePlainFixedLenByteArray(std::span<const std::string_view> values,
                                          int type_length,
                                          std::string* out);

// Decodes out.size() values of T (as for EncodePlain) from the start of `input` and returns the
// bytes they occupy: out.size() * sizeof(T).
template <typename T>
absl::StatusOr<size_t> DecodePlain(std::string_view input, std::span<T> out);

// Decodes INT32 values widened to int64_t, for int64 column vectors. Returns the bytes read.
absl::StatusOr<size_t> DecodePlainInt32ToInt64(std::string_view input, std::span<int64_t> out);

// Decodes FLOAT values widened to double (exactly; NaN stays NaN), for float64 column vectors.
// Returns the bytes read.
absl::StatusOr<size_t> DecodePlainFloatToDouble(std::string_view input, std::span<double> out);

// Decodes BOOLEAN values [first_value, first_value + out.size()) of the bit-packed stream at
// `input` as 0/1 bytes. Values are bits, not bytes, so a reader decoding in batches keeps the
// page's `input` and passes the index of the first value it wants rather than advancing.
absl::Status DecodePlainBoolean(std::string_view input, size_t first_value, std::span<uint8_t> out);

// Decodes BYTE_ARRAY values as views into `input` (which must outlive them). Returns the bytes
// read.
absl::StatusOr<size_t> DecodePlainByteArray(std::string_view input,
                                            std::span<std::string_view> out);

// Decodes BYTE_ARRAY values as {offset, length} into `input` itself, without copying: a column
// can adopt the (decompressed) page buffer as its string heap. `offset_base` is added to every
// offset (the position of `input` within that buffer, for a reader decoding in batches).
// Returns the bytes read. InvalidArgument if offset_base + input.size() passes 2^32 - 1 (pages
// are at most 2 GiB, so only a misplaced base gets there).
absl::StatusOr<size_t> DecodePlainByteArray(std::string_view input,
                                            uint32_t offset_base,
                                            std::span<StringRef> out);

// Decodes FIXED_LEN_BYTE_ARRAY values of `type_length` (> 0) bytes as views into `input`.
// Returns the bytes read.
absl::StatusOr<size_t> DecodePlainFixedLenByteArray(std::string_view input,
                                                    int type_length,
                                                    std::span<std::string_view> out);

}  // namespace strata::parquet
