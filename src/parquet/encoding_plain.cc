// PLAIN encoding and decoding. Fixed-width values are memcpy'd (the host is little-endian, like
// the format); BYTE_ARRAY decoding is one bounds-checked pass over the length prefixes.
#include "parquet/encoding_plain.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <type_traits>

#include "fmt/format.h"

namespace strata::parquet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "PLAIN values are copied to and from little-endian pages as they are in memory");

// The longest BYTE_ARRAY value written; other readers hold lengths in a signed 32-bit integer.
constexpr size_t kMaxByteArrayLength = std::numeric_limits<int32_t>::max();

template <typename T>
constexpr std::string_view PhysicalTypeName() {
  if constexpr (std::is_same_v<T, int32_t>) {
    return "INT32";
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return "INT64";
  } else if constexpr (std::is_same_v<T, float>) {
    return "FLOAT";
  } else {
    static_assert(std::is_same_v<T, double>);
    return "DOUBLE";
  }
}

absl::Status ShortInput(std::string_view type, size_t count, size_t value_size, size_t input_size) {
  return absl::DataLossError(fmt::format("PLAIN {}: {} values need {} bytes, only {} remain",
                                         type,
                                         count,
                                         count * value_size,
                                         input_size));
}

void AppendFixed32(uint32_t value, std::string* out) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  out->append(bytes, 4);
}

uint32_t LoadFixed32(const char* in) {
  uint32_t value;
  std::memcpy(&value, in, 4);
  return value;
}

// Walks the length-prefixed values at the start of `input`, calling visit(i, offset, length)
// with the offset of value i's bytes; returns the bytes read.
template <typename Visit>
absl::StatusOr<size_t> WalkByteArrays(std::string_view input, size_t count, Visit visit) {
  size_t offset = 0;
  for (size_t i = 0; i < count; ++i) {
    if (input.size() - offset < 4) {
      return absl::DataLossError(fmt::format(
          "PLAIN BYTE_ARRAY: value {} at byte offset {}: truncated length ({} of 4 bytes)",
          i,
          offset,
          input.size() - offset));
    }
    const uint32_t length = LoadFixed32(input.data() + offset);
    offset += 4;
    if (length > input.size() - offset) {
      return absl::DataLossError(fmt::format(
          "PLAIN BYTE_ARRAY: value {} at byte offset {}: length {} exceeds the {} bytes remaining",
          i,
          offset - 4,
          length,
          input.size() - offset));
    }
    visit(i, offset, length);
    offset += length;
  }
  return offset;
}

}  // namespace

template <typename T>
void EncodePlain(std::span<const T> values, std::string* out) {
  if (values.empty()) {
    return;
  }
  out->append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void EncodePlainBoolean(std::span<const uint8_t> values, std::string* out) {
  const size_t start = out->size();
  out->resize(start + (values.size() + 7) / 8);
  char* bytes = out->data() + start;
  for (size_t i = 0; i < values.size(); i += 8) {
    const size_t n = std::min<size_t>(8, values.size() - i);
    uint32_t byte = 0;
    for (size_t k = 0; k < n; ++k) {
      byte |= static_cast<uint32_t>(values[i + k] != 0) << k;
    }
    bytes[i / 8] = static_cast<char>(byte);
  }
}

absl::Status EncodePlainByteArray(std::span<const std::string_view> values, std::string* out) {
  size_t total = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() > kMaxByteArrayLength) {
      return absl::InvalidArgumentError(
          fmt::format("PLAIN BYTE_ARRAY: value {} is {} bytes, more than the {} a value can hold",
                      i,
                      values[i].size(),
                      kMaxByteArrayLength));
    }
    total += 4 + values[i].size();
  }
  out->reserve(out->size() + total);
  for (const std::string_view value : values) {
    AppendFixed32(static_cast<uint32_t>(value.size()), out);
    out->append(value);
  }
  return absl::OkStatus();
}

absl::Status EncodePlainByteArray(std::span<const StringRef> refs,
                                  std::string_view heap,
                                  std::string* out) {
  size_t total = 0;
  for (size_t i = 0; i < refs.size(); ++i) {
    STRATA_CHECK_LE(static_cast<size_t>(refs[i].offset) + refs[i].length, heap.size());
    if (refs[i].length > kMaxByteArrayLength) {
      return absl::InvalidArgumentError(
          fmt::format("PLAIN BYTE_ARRAY: value {} is {} bytes, more than the {} a value can hold",
                      i,
                      refs[i].length,
                      kMaxByteArrayLength));
    }
    total += 4 + refs[i].length;
  }
  out->reserve(out->size() + total);
  for (const StringRef ref : refs) {
    AppendFixed32(ref.length, out);
    out->append(heap.substr(ref.offset, ref.length));
  }
  return absl::OkStatus();
}

absl::Status EncodePlainFixedLenByteArray(std::span<const std::string_view> values,
                                          int type_length,
                                          std::string* out) {
  if (type_length <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("PLAIN FIXED_LEN_BYTE_ARRAY: type length {} is not positive", type_length));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() != static_cast<size_t>(type_length)) {
      return absl::InvalidArgumentError(
          fmt::format("PLAIN FIXED_LEN_BYTE_ARRAY: value {} is {} bytes, the type length is {}",
                      i,
                      values[i].size(),
                      type_length));
    }
  }
  out->reserve(out->size() + values.size() * static_cast<size_t>(type_length));
  for (const std::string_view value : values) {
    out->append(value);
  }
  return absl::OkStatus();
}

template <typename T>
absl::StatusOr<size_t> DecodePlain(std::string_view input, std::span<T> out) {
  if (input.size() / sizeof(T) < out.size()) {
    return ShortInput(PhysicalTypeName<T>(), out.size(), sizeof(T), input.size());
  }
  if (out.empty()) {
    return 0;  // memcpy must not see the null data() of an empty span
  }
  std::memcpy(out.data(), input.data(), out.size_bytes());
  return out.size_bytes();
}

absl::StatusOr<size_t> DecodePlainInt32ToInt64(std::string_view input, std::span<int64_t> out) {
  if (input.size() / 4 < out.size()) {
    return ShortInput("INT32", out.size(), 4, input.size());
  }
  const char* in = input.data();
  for (size_t i = 0; i < out.size(); ++i) {
    int32_t value;
    std::memcpy(&value, in + 4 * i, 4);
    out[i] = value;
  }
  return 4 * out.size();
}

absl::StatusOr<size_t> DecodePlainFloatToDouble(std::string_view input, std::span<double> out) {
  if (input.size() / 4 < out.size()) {
    return ShortInput("FLOAT", out.size(), 4, input.size());
  }
  const char* in = input.data();
  for (size_t i = 0; i < out.size(); ++i) {
    float value;
    std::memcpy(&value, in + 4 * i, 4);
    out[i] = value;
  }
  return 4 * out.size();
}

absl::Status DecodePlainBoolean(std::string_view input,
                                size_t first_value,
                                std::span<uint8_t> out) {
  const size_t end_bit = first_value + out.size();
  if (end_bit < first_value || input.size() < end_bit / 8 + (end_bit % 8 != 0)) {
    return absl::DataLossError(
        fmt::format("PLAIN BOOLEAN: values {} to {} need {} bytes, only {} remain",
                    first_value,
                    end_bit,
                    end_bit / 8 + (end_bit % 8 != 0),
                    input.size()));
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(input.data());
  size_t bit = first_value;
  size_t i = 0;
  // Up to the next byte boundary one bit at a time, then eight values per input byte.
  for (; i < out.size() && bit % 8 != 0; ++i, ++bit) {
    out[i] = (bytes[bit / 8] >> (bit % 8)) & 1;
  }
  for (; out.size() - i >= 8; i += 8, bit += 8) {
    const uint32_t byte = bytes[bit / 8];
    for (int k = 0; k < 8; ++k) {
      out[i + k] = (byte >> k) & 1;
    }
  }
  for (; i < out.size(); ++i, ++bit) {
    out[i] = (bytes[bit / 8] >> (bit % 8)) & 1;
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> DecodePlainByteArray(std::string_view input,
                                            std::span<std::string_view> out) {
  return WalkByteArrays(input, out.size(), [&](size_t i, size_t offset, uint32_t length) {
    out[i] = input.substr(offset, length);
  });
}

absl::StatusOr<size_t> DecodePlainByteArray(std::string_view input,
                                            uint32_t offset_base,
                                            std::span<StringRef> out) {
  if (offset_base + static_cast<uint64_t>(input.size()) > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(
        fmt::format("PLAIN BYTE_ARRAY: {} bytes at offset {} reach beyond the 4 GiB that 32-bit "
                    "string offsets address",
                    input.size(),
                    offset_base));
  }
  return WalkByteArrays(input, out.size(), [&](size_t i, size_t offset, uint32_t length) {
    out[i] = StringRef{static_cast<uint32_t>(offset_base + offset), length};
  });
}

absl::StatusOr<size_t> DecodePlainFixedLenByteArray(std::string_view input,
                                                    int type_length,
                                                    std::span<std::string_view> out) {
  if (type_length <= 0) {
    return absl::InvalidArgumentError(
        fmt::format("PLAIN FIXED_LEN_BYTE_ARRAY: type length {} is not positive", type_length));
  }
  const size_t length = static_cast<size_t>(type_length);
  if (input.size() / length < out.size()) {
    return ShortInput("FIXED_LEN_BYTE_ARRAY", out.size(), length, input.size());
  }
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = input.substr(i * length, length);
  }
  return out.size() * length;
}

template void EncodePlain<int32_t>(std::span<const int32_t>, std::string*);
template void EncodePlain<int64_t>(std::span<const int64_t>, std::string*);
template void EncodePlain<float>(std::span<const float>, std::string*);
template void EncodePlain<double>(std::span<const double>, std::string*);
template absl::StatusOr<size_t> DecodePlain<int32_t>(std::string_view, std::span<int32_t>);
template absl::StatusOr<size_t> DecodePlain<int64_t>(std::string_view, std::span<int64_t>);
template absl::StatusOr<size_t> DecodePlain<float>(std::string_view, std::span<float>);
template absl::StatusOr<size_t> DecodePlain<double>(std::string_view, std::span<double>);

}  // namespace strata::parquet
