// libFuzzer target for the Parquet footer layer. Each input is parsed as a whole file's footer
// (ParseFooter: magic numbers, length, FileMetaData), as a bare FileMetaData struct, as a page
// header (ParsePageHeader) and as an arbitrary struct (CompactReader::SkipValue). None may crash
// or read outside the input; whatever parses must re-encode canonically (writing it and reading
// that back gives the same value and the same bytes), and a page header's consumed size must lie
// within the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parquet/metadata.h"
#include "parquet/thrift_compact.h"

namespace strata::parquet {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "parquet_footer_fuzzer: invariant broken: %s\n", what);
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) {       \
      Die(#cond);        \
    }                    \
  } while (false)

// `value` was parsed from some input: its encoding must parse back to it, and be a fixed point.
// The one allowed failure is the memory budget, which is relative to the input's size: the
// re-encoding drops unknown fields and so may be much shorter than the input.
template <typename T>
void CheckReencodes(const T& value) {
  const std::string bytes = Serialize(value);
  absl::StatusOr<T> again = Parse<T>(bytes, "re-encoded");
  if (again.status().code() == absl::StatusCode::kResourceExhausted) {
    return;
  }
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == value);
  FUZZ_CHECK(Serialize(*again) == bytes);
}

}  // namespace
}  // namespace strata::parquet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::parquet;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<FileMetaData> footer = ParseFooter(input);
  if (footer.ok()) {
    CheckReencodes(*footer);
  } else {
    FUZZ_CHECK(!footer.status().message().empty());
  }

  size_t consumed = 0;
  absl::StatusOr<FileMetaData> metadata = Parse<FileMetaData>(input, "fuzz", &consumed);
  if (metadata.ok()) {
    FUZZ_CHECK(consumed <= size);
    CheckReencodes(*metadata);
  }

  consumed = 0;
  absl::StatusOr<PageHeader> page = ParsePageHeader(input, &consumed);
  if (page.ok()) {
    FUZZ_CHECK(consumed > 0 && consumed <= size);
    FUZZ_CHECK(page->compressed_page_size >= 0 && page->uncompressed_page_size >= 0);
    CheckReencodes(*page);
  }

  CompactReader reader(input, "fuzz");
  if (reader.SkipValue(CompactType::kStruct).ok()) {
    FUZZ_CHECK(reader.offset() <= size);
  }
  return 0;
}
