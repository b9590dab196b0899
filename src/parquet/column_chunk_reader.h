// Decodes the pages of one flat column chunk into a strata column: page headers, decompression,
// definition levels, and values in every encoding the reader accepts (PLAIN, RLE_DICTIONARY and
// PLAIN_DICTIONARY, DELTA_BINARY_PACKED, RLE booleans, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
// BYTE_STREAM_SPLIT), data page v1 and v2. Internal to the
// file reader, which finds the bytes (the whole chunk, or a dictionary page and some data pages
// from the OffsetIndex) and checks them against the file first.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "columnar/record_batch.h"
#include "parquet/metadata.h"
#include "parquet/type_mapping.h"

namespace strata::parquet {

struct ReaderOptions;

// Bytes read from the file that hold whole pages back to back.
struct PageBytes {
  uint64_t file_offset = 0;  // of bytes[0], for messages
  std::string bytes;
};

// What the decoder knows of the chunk.
struct ColumnChunkSpec {
  std::string_view column_name;
  int row_group = 0;
  const ColumnMetaData* meta = nullptr;
  LeafMapping mapping;
  bool optional = true;
  const ReaderOptions* options = nullptr;
};

// Decodes the pages in `regions` (in order; a dictionary page, if any, must come before the
// first data page) into a column of exactly `expected_rows` rows. When `page_rows` is not empty
// it gives the row count of each data page (from the OffsetIndex), and a page that disagrees is
// an error. Pages after the one that
// completes the rows are not looked at. The column is kDictionary for a string chunk whose data
// pages are all dictionary-encoded when options->strings_as_dictionary, and otherwise of
// spec.mapping.type. DataLoss naming the column, row group and file offset for anything
// malformed; Unimplemented for encodings or codecs strata does not read.
absl::StatusOr<ColumnPtr> DecodeColumnChunk(const ColumnChunkSpec& spec,
                                            std::span<const PageBytes> regions,
                                            int64_t expected_rows,
                                            std::span<const int64_t> page_rows = {});

}  // namespace strata::parquet
