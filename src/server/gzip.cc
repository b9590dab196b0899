// zlib-based gzip for HTTP bodies.
#include "server/gzip.h"

#include <zlib.h>

#include "fmt/format.h"

namespace strata::server {

absl::StatusOr<std::string> GunzipBounded(std::string_view input, size_t max_output_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    return absl::InternalError("cannot initialize zlib");
  }
  std::string out;
  out.resize(std::min<size_t>(std::max<size_t>(input.size() * 4, 4096), max_output_bytes + 1));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  size_t produced = 0;
  int rc = Z_OK;
  while (true) {
    if (produced == out.size()) {
      if (out.size() > max_output_bytes) {
        break;
      }
      out.resize(std::min(out.size() * 2, max_output_bytes + 1));
    }
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(out.size() - produced);
    rc = inflate(&stream, Z_NO_FLUSH);
    produced = out.size() - stream.avail_out;
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members are valid; continue with the next one if input remains.
      if (stream.avail_in > 0) {
        inflateReset(&stream);
        continue;
      }
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      break;
    }
    if (rc == Z_BUF_ERROR && stream.avail_in == 0 && stream.avail_out > 0) {
      break;  // truncated input
    }
  }
  std::string zlib_message = stream.msg != nullptr ? stream.msg : "unexpected end of data";
  inflateEnd(&stream);
  if (produced > max_output_bytes) {
    return absl::ResourceExhaustedError(fmt::format(
        "decompressed request body exceeds the limit of {} bytes (--max-http-request-size)",
        max_output_bytes));
  }
  if (rc != Z_STREAM_END) {
    return absl::InvalidArgumentError(fmt::format("invalid gzip request body: {}", zlib_message));
  }
  out.resize(produced);
  return out;
}

std::string Gzip(std::string_view input) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(input.size())) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace strata::server
