// Page compression codecs (Compression.md in the Parquet format): a page's bytes go through the
// codec as they are, with no framing of ours. UNCOMPRESSED, SNAPPY (raw Snappy, not its framing
// format), GZIP (RFC 1952, several members allowed on read) and ZSTD (RFC 8878) are supported;
// LZO, BROTLI, LZ4 and LZ4_RAW are recognized and refused.
//
// Decompression trusts nothing: the page header's declared size is checked against a limit
// chosen by the caller before anything is allocated, the output buffer is exactly that size, and
// data that decompresses to any other size is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::parquet {

// A codec's number in parquet.thrift's CompressionCodec enum, so a file's value converts with a
// static_cast (GetCodec then refuses values it does not know).
enum class CodecId : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

// The codec's name as parquet.thrift spells it ("SNAPPY"), or "CODEC(<number>)" for a value
// outside the enum.
std::string CodecName(CodecId id);

// One compression codec. Instances are stateless singletons from GetCodec, safe to use from any
// number of threads at once (per-thread library contexts are kept internally).
class Codec {
 public:
  virtual ~Codec() = default;

  // Which codec this is.
  virtual CodecId id() const = 0;

  // Replaces *out with `input` compressed. `level` picks the codec's speed/size trade-off:
  // nullopt for the codec's default (ZSTD 1, GZIP 6), ZSTD's own range (negative levels are
  // faster) or GZIP's 0-9; SNAPPY and UNCOMPRESSED have no levels and refuse one. InvalidArgument
  // for a level out of range or an input over 2^31 - 1 bytes (page sizes are int32 in the page
  // header).
  virtual absl::Status Compress(std::string_view input,
                                std::optional<int> level,
                                std::string* out) const = 0;

  // Decompresses `input` into `out`, which must be exactly as large as the uncompressed data.
  // DataLoss if the data is corrupt or decompresses to any other size. Writes nothing outside
  // `out`, whatever the input.
  virtual absl::Status DecompressTo(std::string_view input, std::span<char> out) const = 0;

  // Replaces *out with the decompressed `input`, whose page header declared `uncompressed_size`
  // bytes. DataLoss if that size is negative, ResourceExhausted if it is above
  // `max_uncompressed_size` (checked before allocating), then as DecompressTo.
  absl::Status Decompress(std::string_view input,
                          int64_t uncompressed_size,
                          int64_t max_uncompressed_size,
                          std::string* out) const;
};

// The codec for `id`. Unimplemented for LZO, BROTLI, LZ4 and LZ4_RAW; InvalidArgument for a
// number outside parquet.thrift's enum.
absl::StatusOr<const Codec*> GetCodec(CodecId id);

}  // namespace strata::parquet
