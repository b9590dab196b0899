// Bounded gzip decompression of request bodies (Content-Encoding: gzip).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::server {

// Decompresses a gzip stream. Fails with ResourceExhausted when the output would exceed
// `max_output_bytes` (a zip bomb never allocates more than that) and InvalidArgument when the
// input is not valid gzip.
absl::StatusOr<std::string> GunzipBounded(std::string_view input, size_t max_output_bytes);

// Compresses `input` as gzip (for tests and the CLI).
std::string Gzip(std::string_view input);

}  // namespace strata::server
