// The codecs over libsnappy, zlib and libzstd. Each decompressor writes into the caller's
// buffer of the declared size and treats "more output than that" and "less output than that"
// alike as corruption.
#include "parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <cstring>
#include <limits>
#include <memory>

#include "common/status.h"
#include "fmt/format.h"

namespace strata::parquet {
namespace {

// Page sizes are int32 in the Parquet page header.
constexpr size_t kMaxPageBytes = std::numeric_limits<int32_t>::max();

absl::Status CheckInputSize(CodecId id, std::string_view input) {
  if (input.size() > kMaxPageBytes) {
    return absl::InvalidArgumentError(
        fmt::format("{}: cannot compress {} bytes, a page holds at most {}",
                    CodecName(id),
                    input.size(),
                    kMaxPageBytes));
  }
  return absl::OkStatus();
}

absl::Status RefuseLevel(CodecId id, std::optional<int> level) {
  if (level.has_value()) {
    return absl::InvalidArgumentError(
        fmt::format("{} has no compression levels (got level {})", CodecName(id), *level));
  }
  return absl::OkStatus();
}

class UncompressedCodec final : public Codec {
 public:
  CodecId id() const override { return CodecId::kUncompressed; }

  absl::Status Compress(std::string_view input,
                        std::optional<int> level,
                        std::string* out) const override {
    STRATA_RETURN_IF_ERROR(RefuseLevel(id(), level));
    STRATA_RETURN_IF_ERROR(CheckInputSize(id(), input));
    out->assign(input);
    return absl::OkStatus();
  }

  absl::Status DecompressTo(std::string_view input, std::span<char> out) const override {
    if (input.size() != out.size()) {
      return absl::DataLossError(
          fmt::format("UNCOMPRESSED: the page holds {} bytes, its header declares {}",
                      input.size(),
                      out.size()));
    }
    if (!input.empty()) {
      std::memcpy(out.data(), input.data(), input.size());
    }
    return absl::OkStatus();
  }
};

class SnappyCodec final : public Codec {
 public:
  CodecId id() const override { return CodecId::kSnappy; }

  absl::Status Compress(std::string_view input,
                        std::optional<int> level,
                        std::string* out) const override {
    STRATA_RETURN_IF_ERROR(RefuseLevel(id(), level));
    STRATA_RETURN_IF_ERROR(CheckInputSize(id(), input));
    out->resize(snappy::MaxCompressedLength(input.size()));
    size_t compressed_size = 0;
    snappy::RawCompress(input.data(), input.size(), out->data(), &compressed_size);
    out->resize(compressed_size);
    return absl::OkStatus();
  }

  absl::Status DecompressTo(std::string_view input, std::span<char> out) const override {
    // Snappy data starts with its uncompressed length, and RawUncompress writes exactly that
    // many bytes, so it must match the buffer before anything is written.
    size_t length = 0;
    if (!snappy::GetUncompressedLength(input.data(), input.size(), &length)) {
      return absl::DataLossError("SNAPPY: corrupt data (unreadable length preamble)");
    }
    if (length != out.size()) {
      return absl::DataLossError(
          fmt::format("SNAPPY: the data decompresses to {} bytes, the page header declares {}",
                      length,
                      out.size()));
    }
    if (!snappy::RawUncompress(input.data(), input.size(), out.data())) {
      return absl::DataLossError("SNAPPY: corrupt data");
    }
    return absl::OkStatus();
  }
};

class GzipCodec final : public Codec {
 public:
  CodecId id() const override { return CodecId::kGzip; }

  absl::Status Compress(std::string_view input,
                        std::optional<int> level,
                        std::string* out) const override {
    if (level.has_value() && (*level < 0 || *level > 9)) {
      return absl::InvalidArgumentError(
          fmt::format("GZIP: compression level {} is outside [0, 9]", *level));
    }
    STRATA_RETURN_IF_ERROR(CheckInputSize(id(), input));
    z_stream stream{};
    // 15 + 16: the largest window with a gzip (RFC 1952) header and trailer.
    if (deflateInit2(&stream,
                     level.value_or(6),
                     Z_DEFLATED,
                     15 + 16,
                     /*memLevel=*/8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      return absl::InternalError("GZIP: deflateInit2 failed");
    }
    out->resize(deflateBound(&stream, static_cast<uLong>(input.size())));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = reinterpret_cast<Bytef*>(out->data());
    stream.avail_out = static_cast<uInt>(out->size());
    const int result = deflate(&stream, Z_FINISH);
    const size_t written = stream.total_out;
    deflateEnd(&stream);
    if (result != Z_STREAM_END) {
      return absl::InternalError(fmt::format("GZIP: deflate failed ({})", result));
    }
    out->resize(written);
    return absl::OkStatus();
  }

  absl::Status DecompressTo(std::string_view input, std::span<char> out) const override {
    if (input.size() > std::numeric_limits<uInt>::max() ||
        out.size() > std::numeric_limits<uInt>::max()) {
      return absl::DataLossError("GZIP: page larger than 4 GiB");
    }
    z_stream stream{};
    // 15 + 32: accept a gzip or a zlib header; some writers produce the latter.
    if (inflateInit2(&stream, 15 + 32) != Z_OK) {
      return absl::InternalError("GZIP: inflateInit2 failed");
    }
    std::unique_ptr<z_stream, int (*)(z_stream*)> end(&stream, inflateEnd);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    // Once `out` is full, inflate gets this one spare byte: output there means the data is
    // longer than declared, while no output lets the stream's trailer be checked.
    Bytef spare;
    size_t produced_before_spare = 0;
    bool using_spare = false;
    while (true) {
      if (stream.avail_out == 0 && !using_spare) {
        produced_before_spare = out.size();
        stream.next_out = &spare;
        stream.avail_out = 1;
        using_spare = true;
      }
      const int result = inflate(&stream, Z_NO_FLUSH);
      if (using_spare && stream.avail_out == 0) {
        return absl::DataLossError(fmt::format(
            "GZIP: the data decompresses to more than the {} bytes the page header declares",
            out.size()));
      }
      if (result == Z_STREAM_END) {
        if (stream.avail_in == 0) {
          break;
        }
        // Another gzip member follows (Compression.md: readers should accept several).
        if (inflateReset(&stream) != Z_OK) {
          return absl::InternalError("GZIP: inflateReset failed");
        }
        continue;
      }
      if (result == Z_OK) {
        continue;
      }
      if (result == Z_BUF_ERROR && stream.avail_in == 0) {
        return absl::DataLossError("GZIP: truncated data");
      }
      return absl::DataLossError(fmt::format(
          "GZIP: corrupt data ({})", stream.msg != nullptr ? stream.msg : "inflate failed"));
    }
    const size_t produced =
        using_spare ? produced_before_spare
                    : static_cast<size_t>(reinterpret_cast<char*>(stream.next_out) - out.data());
    if (produced != out.size()) {
      return absl::DataLossError(
          fmt::format("GZIP: the data decompresses to {} bytes, the page header declares {}",
                      produced,
                      out.size()));
    }
    return absl::OkStatus();
  }
};

struct ZstdCompressContextDeleter {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};
struct ZstdDecompressContextDeleter {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// Contexts hold hundreds of KiB of tables; one per thread avoids allocating them per page.
ZSTD_CCtx* ThreadZstdCompressContext() {
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdCompressContextDeleter> context(ZSTD_createCCtx());
  return context.get();
}

ZSTD_DCtx* ThreadZstdDecompressContext() {
  thread_local std::unique_ptr<ZSTD_DCtx, ZstdDecompressContextDeleter> context(ZSTD_createDCtx());
  return context.get();
}

class ZstdCodec final : public Codec {
 public:
  // Level 1: several times faster to write than zstd's default 3 for a few percent more bytes,
  // the trade Arrow's Parquet writer and ClickHouse also make.
  static constexpr int kDefaultLevel = 1;

  CodecId id() const override { return CodecId::kZstd; }

  absl::Status Compress(std::string_view input,
                        std::optional<int> level,
                        std::string* out) const override {
    const int chosen = level.value_or(kDefaultLevel);
    if (chosen < ZSTD_minCLevel() || chosen > ZSTD_maxCLevel()) {
      return absl::InvalidArgumentError(
          fmt::format("ZSTD: compression level {} is outside [{}, {}]",
                      chosen,
                      ZSTD_minCLevel(),
                      ZSTD_maxCLevel()));
    }
    STRATA_RETURN_IF_ERROR(CheckInputSize(id(), input));
    ZSTD_CCtx* context = ThreadZstdCompressContext();
    if (context == nullptr) {
      return absl::ResourceExhaustedError("ZSTD: cannot allocate a compression context");
    }
    out->resize(ZSTD_compressBound(input.size()));
    const size_t result =
        ZSTD_compressCCtx(context, out->data(), out->size(), input.data(), input.size(), chosen);
    if (ZSTD_isError(result)) {
      return absl::InternalError(fmt::format("ZSTD: {}", ZSTD_getErrorName(result)));
    }
    out->resize(result);
    return absl::OkStatus();
  }

  absl::Status DecompressTo(std::string_view input, std::span<char> out) const override {
    ZSTD_DCtx* context = ThreadZstdDecompressContext();
    if (context == nullptr) {
      return absl::ResourceExhaustedError("ZSTD: cannot allocate a decompression context");
    }
    // Decompresses every frame in `input` (some writers emit several) into `out`; output that
    // would not fit is an error rather than a write past the end.
    const size_t result =
        ZSTD_decompressDCtx(context, out.data(), out.size(), input.data(), input.size());
    if (ZSTD_isError(result)) {
      if (ZSTD_getErrorCode(result) == ZSTD_error_dstSize_tooSmall) {
        return absl::DataLossError(fmt::format(
            "ZSTD: the data decompresses to more than the {} bytes the page header declares",
            out.size()));
      }
      return absl::DataLossError(fmt::format("ZSTD: corrupt data ({})", ZSTD_getErrorName(result)));
    }
    if (result != out.size()) {
      return absl::DataLossError(
          fmt::format("ZSTD: the data decompresses to {} bytes, the page header declares {}",
                      result,
                      out.size()));
    }
    return absl::OkStatus();
  }
};

}  // namespace

std::string CodecName(CodecId id) {
  switch (id) {
    case CodecId::kUncompressed:
      return "UNCOMPRESSED";
    case CodecId::kSnappy:
      return "SNAPPY";
    case CodecId::kGzip:
      return "GZIP";
    case CodecId::kLzo:
      return "LZO";
    case CodecId::kBrotli:
      return "BROTLI";
    case CodecId::kLz4:
      return "LZ4";
    case CodecId::kZstd:
      return "ZSTD";
    case CodecId::kLz4Raw:
      return "LZ4_RAW";
  }
  return fmt::format("CODEC({})", static_cast<int32_t>(id));
}

absl::Status Codec::Decompress(std::string_view input,
                               int64_t uncompressed_size,
                               int64_t max_uncompressed_size,
                               std::string* out) const {
  if (uncompressed_size < 0) {
    return absl::DataLossError(fmt::format(
        "{}: the page header declares a negative size ({})", CodecName(id()), uncompressed_size));
  }
  if (uncompressed_size > max_uncompressed_size) {
    return absl::ResourceExhaustedError(
        fmt::format("{}: the page header declares {} uncompressed bytes, more than the limit of {}",
                    CodecName(id()),
                    uncompressed_size,
                    max_uncompressed_size));
  }
  out->resize(static_cast<size_t>(uncompressed_size));
  absl::Status status = DecompressTo(input, std::span<char>(out->data(), out->size()));
  if (!status.ok()) {
    out->clear();
  }
  return status;
}

absl::StatusOr<const Codec*> GetCodec(CodecId id) {
  static const UncompressedCodec uncompressed;
  static const SnappyCodec snappy;
  static const GzipCodec gzip;
  static const ZstdCodec zstd;
  switch (id) {
    case CodecId::kUncompressed:
      return &uncompressed;
    case CodecId::kSnappy:
      return &snappy;
    case CodecId::kGzip:
      return &gzip;
    case CodecId::kZstd:
      return &zstd;
    case CodecId::kLzo:
    case CodecId::kBrotli:
    case CodecId::kLz4:
    case CodecId::kLz4Raw:
      return absl::UnimplementedError(
          fmt::format("compression codec {} is not supported", CodecName(id)));
  }
  return absl::InvalidArgumentError(
      fmt::format("unknown Parquet compression codec {}", static_cast<int32_t>(id)));
}

}  // namespace strata::parquet
