// Error messages of the varint reader (the fast path is inline in encoding_varint.h).
#include "parquet/encoding_varint.h"

#include "fmt/format.h"

namespace strata::parquet::internal {

absl::Status Uleb128Error(std::string_view what, size_t offset, bool truncated) {
  if (truncated) {
    return absl::DataLossError(fmt::format("{}: truncated varint at byte offset {}", what, offset));
  }
  return absl::DataLossError(
      fmt::format("{}: varint at byte offset {} does not fit in 64 bits", what, offset));
}

}  // namespace strata::parquet::internal
