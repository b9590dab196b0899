// libFuzzer target for the Parquet page decoders and decompressors (src/parquet). Each input
// picks one decoder and feeds it the remaining bytes as a page. Besides never reading or writing
// out of bounds (ASan) and never hitting undefined behaviour (UBSan), the decoders must agree with
// themselves: decoding in odd batch sizes gives exactly what one call gives, and whatever decodes
// successfully re-encodes to something that decodes to the same values (for PLAIN, to the very
// same bytes).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "parquet/compression.h"
#include "parquet/encoding_delta.h"
#include "parquet/encoding_plain.h"
#include "parquet/encoding_rle.h"

namespace strata::parquet {
namespace {

// Input layout:
//   byte 0       decoder (kModes of them, the value modulo kModes)
//   byte 1       a parameter: physical type, bit width, type length, first value, codec
//   bytes 2-3    the number of values asked for, little-endian (at most 65535)
//   the rest     the page
enum Mode : uint8_t {
  kPlainFixed,
  kPlainBoolean,
  kPlainByteArray,
  kPlainFixedLenByteArray,
  kRleBare,
  kRleLengthPrefixed,
  kRleDictionaryIndices,
  kDeltaInt32,
  kDeltaInt64,
  kDecompress,
  kModes,
};

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "parquet_encoding_fuzzer: invariant broken: %s\n", what);
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) {       \
      Die(#cond);        \
    }                    \
  } while (false)

// Batch sizes from 0 to 70, derived from the input so that runs are reproducible.
class Batches {
 public:
  explicit Batches(uint64_t seed) : state_(seed | 1) {}
  size_t Next(size_t remaining) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return std::min<size_t>(remaining, state_ % 71);
  }

 private:
  uint64_t state_;
};

template <typename T>
void FuzzPlainFixed(std::string_view page, size_t count) {
  std::vector<T> out(count);
  absl::StatusOr<size_t> read = DecodePlain(page, std::span<T>(out));
  FUZZ_CHECK(read.ok() == (page.size() >= count * sizeof(T)));
  if (read.ok()) {
    FUZZ_CHECK(*read == count * sizeof(T));
    std::string encoded;
    EncodePlain(std::span<const T>(out), &encoded);
    FUZZ_CHECK(encoded == page.substr(0, *read));
  }
}

void FuzzPlain(uint8_t parameter, std::string_view page, size_t count) {
  switch (parameter % 6) {
    case 0:
      return FuzzPlainFixed<int32_t>(page, count);
    case 1:
      return FuzzPlainFixed<int64_t>(page, count);
    case 2:
      return FuzzPlainFixed<float>(page, count);
    case 3:
      return FuzzPlainFixed<double>(page, count);
    case 4: {
      std::vector<int64_t> out(count);
      absl::StatusOr<size_t> read = DecodePlainInt32ToInt64(page, std::span(out));
      FUZZ_CHECK(read.ok() == (page.size() >= count * 4));
      for (size_t i = 0; read.ok() && i < count; ++i) {
        int32_t value;
        std::memcpy(&value, page.data() + 4 * i, 4);
        FUZZ_CHECK(out[i] == value);
      }
      return;
    }
    default: {
      std::vector<double> out(count);
      absl::StatusOr<size_t> read = DecodePlainFloatToDouble(page, std::span(out));
      FUZZ_CHECK(read.ok() == (page.size() >= count * 4));
      return;
    }
  }
}

void FuzzPlainBoolean(uint8_t first_value, std::string_view page, size_t count) {
  std::vector<uint8_t> out(count);
  const absl::Status status = DecodePlainBoolean(page, first_value, std::span(out));
  FUZZ_CHECK(status.ok() == (page.size() * 8 >= first_value + count));
  for (size_t i = 0; status.ok() && i < count; ++i) {
    const size_t bit = first_value + i;
    FUZZ_CHECK(out[i] == ((static_cast<uint8_t>(page[bit / 8]) >> (bit % 8)) & 1));
  }
}

void FuzzPlainByteArray(std::string_view page, size_t count) {
  std::vector<std::string_view> views(count);
  absl::StatusOr<size_t> read = DecodePlainByteArray(page, std::span(views));
  std::vector<StringRef> refs(count);
  absl::StatusOr<size_t> read_refs = DecodePlainByteArray(page, 7, std::span(refs));
  FUZZ_CHECK(read.ok() == read_refs.ok());
  if (!read.ok()) {
    return;
  }
  FUZZ_CHECK(*read == *read_refs && *read <= page.size());
  for (size_t i = 0; i < count; ++i) {
    FUZZ_CHECK(views[i].data() >= page.data() &&
               views[i].data() + views[i].size() <= page.data() + page.size());
    FUZZ_CHECK(refs[i].offset == static_cast<size_t>(views[i].data() - page.data()) + 7);
    FUZZ_CHECK(refs[i].length == views[i].size());
  }
  std::string encoded;
  FUZZ_CHECK(EncodePlainByteArray(views, &encoded).ok());
  FUZZ_CHECK(encoded == page.substr(0, *read));
}

void FuzzPlainFixedLenByteArray(uint8_t type_length, std::string_view page, size_t count) {
  std::vector<std::string_view> views(count);
  absl::StatusOr<size_t> read = DecodePlainFixedLenByteArray(page, type_length, std::span(views));
  if (type_length == 0) {
    FUZZ_CHECK(!read.ok());
    return;
  }
  FUZZ_CHECK(read.ok() == (page.size() >= count * type_length));
  if (read.ok()) {
    std::string encoded;
    FUZZ_CHECK(EncodePlainFixedLenByteArray(views, type_length, &encoded).ok());
    FUZZ_CHECK(encoded == page.substr(0, *read));
  }
}

// Initializes `decoder` for the RLE `mode`; returns false if that already fails.
bool InitRle(
    Mode mode, int bit_width, std::string_view page, size_t count, RleBitPackedDecoder* decoder) {
  switch (mode) {
    case kRleBare:
      return decoder->Init(page, bit_width, count).ok();
    case kRleLengthPrefixed: {
      absl::StatusOr<size_t> end = decoder->InitLengthPrefixed(page, bit_width, count);
      FUZZ_CHECK(!end.ok() || (*end >= 4 && *end <= page.size()));
      return end.ok();
    }
    default:
      return decoder->InitDictionaryIndices(page, count).ok();
  }
}

void FuzzRle(Mode mode, uint8_t parameter, std::string_view page, size_t count) {
  // Widths up to 40, so that invalid ones (above 32) come up too.
  const int bit_width = parameter % 41;
  // For dictionary indices the parameter sets the dictionary size instead.
  const size_t dictionary_size = size_t{parameter} * parameter;
  RleBitPackedDecoder whole;
  if (!InitRle(mode, bit_width, page, count, &whole)) {
    RleBitPackedDecoder again;
    FUZZ_CHECK(!InitRle(mode, bit_width, page, count, &again));
    return;
  }
  const int width = whole.bit_width();
  FUZZ_CHECK(width >= 0 && width <= kMaxRleBitWidth);
  std::vector<uint32_t> values(count);
  std::vector<int32_t> indices(count);
  absl::Status status;
  if (mode == kRleDictionaryIndices) {
    status = whole.DecodeDictionaryIndices(std::span(indices), dictionary_size);
    for (size_t i = 0; status.ok() && i < count; ++i) {
      FUZZ_CHECK(indices[i] >= 0 && static_cast<size_t>(indices[i]) < dictionary_size);
      values[i] = static_cast<uint32_t>(indices[i]);
    }
  } else {
    status = whole.Decode(std::span(values));
  }
  FUZZ_CHECK(whole.values_remaining() == 0);
  for (size_t i = 0; status.ok() && i < count; ++i) {
    FUZZ_CHECK(width == 32 || (values[i] >> width) == 0);
  }

  // The same in batches, into uint8_t when the width allows.
  RleBitPackedDecoder batched;
  FUZZ_CHECK(InitRle(mode, bit_width, page, count, &batched));
  Batches batches(parameter * 131 + count);
  absl::Status batched_status;
  size_t done = 0;
  std::vector<uint32_t> batched_values(count);
  std::vector<uint8_t> bytes(count);
  while (done < count && batched_status.ok()) {
    const size_t n = batches.Next(count - done);
    if (mode == kRleDictionaryIndices) {
      batched_status =
          batched.DecodeDictionaryIndices(std::span(indices).subspan(done, n), dictionary_size);
      for (size_t i = done; batched_status.ok() && i < done + n; ++i) {
        batched_values[i] = static_cast<uint32_t>(indices[i]);
      }
    } else if (width <= 8) {
      batched_status = batched.Decode(std::span(bytes).subspan(done, n));
      for (size_t i = done; batched_status.ok() && i < done + n; ++i) {
        batched_values[i] = bytes[i];
      }
    } else {
      batched_status = batched.Decode(std::span(batched_values).subspan(done, n));
    }
    done += n;
  }
  FUZZ_CHECK(status.ok() == batched_status.ok());
  if (!status.ok()) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kDataLoss);
    return;
  }
  FUZZ_CHECK(batched_values == values);

  // Re-encoded, the values decode the same.
  std::string encoded;
  EncodeRleBitPacked(std::span<const uint32_t>(values), width, &encoded);
  RleBitPackedDecoder round_trip;
  FUZZ_CHECK(round_trip.Init(encoded, width, count).ok());
  std::vector<uint32_t> decoded(count);
  FUZZ_CHECK(round_trip.Decode(std::span(decoded)).ok());
  FUZZ_CHECK(decoded == values);
}

template <typename T>
void FuzzDelta(uint8_t parameter, std::string_view page, size_t count) {
  std::vector<T> values(count);
  absl::StatusOr<size_t> read = DecodeDeltaBinaryPacked(page, std::span<T>(values));
  FUZZ_CHECK(!read.ok() || *read <= page.size());

  DeltaBinaryPackedDecoder<T> batched;
  const absl::Status init = batched.Init(page);
  if (!init.ok()) {
    FUZZ_CHECK(!read.ok() && init.code() == absl::StatusCode::kDataLoss);
    return;
  }
  FUZZ_CHECK(batched.bytes_consumed() <= page.size());
  if (batched.total_values() != count) {
    FUZZ_CHECK(!read.ok());
    return;
  }
  Batches batches(parameter * 131 + count);
  std::vector<T> batched_values(count);
  absl::Status status;
  size_t done = 0;
  while (done < count && status.ok()) {
    const size_t n = batches.Next(count - done);
    status = batched.Decode(std::span<T>(batched_values).subspan(done, n));
    done += n;
    FUZZ_CHECK(batched.bytes_consumed() <= page.size());
  }
  FUZZ_CHECK(status.ok() == read.ok());
  if (!read.ok()) {
    FUZZ_CHECK(read.status().code() == absl::StatusCode::kDataLoss);
    return;
  }
  FUZZ_CHECK(batched_values == values);
  FUZZ_CHECK(batched.bytes_consumed() == *read);

  std::string encoded;
  EncodeDeltaBinaryPacked(std::span<const T>(values), &encoded);
  std::vector<T> decoded(count);
  absl::StatusOr<size_t> reread = DecodeDeltaBinaryPacked(encoded, std::span<T>(decoded));
  FUZZ_CHECK(reread.ok() && *reread == encoded.size());
  FUZZ_CHECK(decoded == values);
}

void FuzzDecompress(uint8_t parameter, std::string_view page, size_t count) {
  constexpr CodecId kCodecs[] = {
      CodecId::kUncompressed, CodecId::kSnappy, CodecId::kGzip, CodecId::kZstd};
  const Codec& codec = **GetCodec(kCodecs[parameter % 4]);
  // Sizes above the limit are refused before anything is allocated.
  const int64_t limit = (parameter & 0x80) ? 1 << 20 : 1000;
  std::string out = "stale";
  const absl::Status status = codec.Decompress(page, static_cast<int64_t>(count), limit, &out);
  if (static_cast<int64_t>(count) > limit) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kResourceExhausted);
    return;
  }
  if (!status.ok()) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kDataLoss && out.empty());
    return;
  }
  FUZZ_CHECK(out.size() == count);
  std::string compressed;
  FUZZ_CHECK(codec.Compress(out, std::nullopt, &compressed).ok());
  std::string again;
  FUZZ_CHECK(codec.Decompress(compressed, static_cast<int64_t>(count), limit, &again).ok());
  FUZZ_CHECK(again == out);
}

}  // namespace
}  // namespace strata::parquet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::parquet;
  if (size < 4) {
    return 0;
  }
  const Mode mode = static_cast<Mode>(data[0] % kModes);
  const uint8_t parameter = data[1];
  const size_t count = data[2] | (size_t{data[3]} << 8);
  // A copy of exactly the page's size in its own allocation, so that ASan sees any read past
  // either end.
  const std::vector<char> bytes(data + 4, data + size);
  const std::string_view page(bytes.data(), bytes.size());
  switch (mode) {
    case kPlainFixed:
      FuzzPlain(parameter, page, count);
      break;
    case kPlainBoolean:
      FuzzPlainBoolean(parameter, page, count);
      break;
    case kPlainByteArray:
      FuzzPlainByteArray(page, count);
      break;
    case kPlainFixedLenByteArray:
      FuzzPlainFixedLenByteArray(parameter, page, count);
      break;
    case kRleBare:
    case kRleLengthPrefixed:
    case kRleDictionaryIndices:
      FuzzRle(mode, parameter, page, count);
      break;
    case kDeltaInt32:
      FuzzDelta<int32_t>(parameter, page, count);
      break;
    case kDeltaInt64:
      FuzzDelta<int64_t>(parameter, page, count);
      break;
    case kDecompress:
      FuzzDecompress(parameter, page, count);
      break;
    case kModes:
      break;
  }
  return 0;
}
