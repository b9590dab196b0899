// Page decoding for the file reader. Two passes over a chunk's bytes: the first parses every page
// header (bounds, sizes, page order) and decides the output type, the second decodes each page
// straight into the output column: values are decoded densely at the page's first row, then
// spread out backwards over the rows whose definition level says they are not null.
#include "parquet/column_chunk_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"
#include "parquet/compression.h"
#include "parquet/encoding_delta.h"
#include "parquet/encoding_plain.h"
#include "parquet/encoding_rle.h"
#include "parquet/file_reader.h"
#include "zlib.h"

namespace strata::parquet {
namespace {

// A page found by the first pass.
struct PageRef {
  PageHeader header;
  const PageBytes* region = nullptr;
  size_t header_offset = 0;  // within region->bytes
  size_t data_offset = 0;    // the page's bytes after the header
};

bool IsDictionaryEncoding(Encoding encoding) {
  return encoding == Encoding::kRleDictionary || encoding == Encoding::kPlainDictionary;
}

Encoding DataPageEncoding(const PageHeader& header) {
  return header.type == PageType::kDataPage ? header.data_page_header->encoding
                                            : header.data_page_header_v2->encoding;
}

int64_t DataPageValues(const PageHeader& header) {
  return header.type == PageType::kDataPage ? header.data_page_header->num_values
                                            : header.data_page_header_v2->num_values;
}

// The number of 1s in `levels`, whose bytes are all 0 or 1: eight at a time, summing a word's
// bytes with one multiplication (std::count is not vectorized at -O2, and popcount is a library
// call without -mpopcnt).
size_t CountOnes(const std::vector<uint8_t>& levels) {
  const size_t size = levels.size();
  const uint8_t* data = levels.data();
  size_t count = 0;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, data + i, 8);
    count += static_cast<size_t>((word * 0x0101010101010101) >> 56);
  }
  for (; i < size; ++i) {
    count += data[i];
  }
  return count;
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnChunkSpec& spec,
               int64_t expected_rows,
               std::span<const int64_t> page_rows)
      : spec_(spec), expected_rows_(expected_rows), page_rows_(page_rows) {}

  absl::StatusOr<ColumnPtr> Run(std::span<const PageBytes> regions) {
    STRATA_RETURN_IF_ERROR(ScanPages(regions));
    const absl::StatusOr<const Codec*> codec = GetCodec(static_cast<CodecId>(spec_.meta->codec));
    if (!codec.ok()) {
      return Annotate(codec.status(), Context());
    }
    codec_ = *codec;

    output_type_ = spec_.mapping.type;
    if (output_type_ == TypeId::kString && spec_.options->strings_as_dictionary &&
        dictionary_page_ != nullptr && !data_pages_.empty() &&
        std::all_of(data_pages_.begin(), data_pages_.end(), [](const PageRef& page) {
          return IsDictionaryEncoding(DataPageEncoding(page.header));
        })) {
      output_type_ = TypeId::kDictionary;
    }
    column_ = std::make_shared<Column>(output_type_);
    if (output_type_ == TypeId::kString) {
      column_->Reserve(expected_rows_);
    } else {
      column_->ResizeFixed(expected_rows_);
    }

    if (dictionary_page_ != nullptr) {
      STRATA_RETURN_IF_ERROR(ReadDictionaryPage(*dictionary_page_));
    }
    for (const PageRef& page : data_pages_) {
      STRATA_RETURN_IF_ERROR(ReadDataPage(page));
    }
    if (rows_done_ != expected_rows_) {
      return absl::DataLossError(fmt::format(
          "{}: the pages hold {} rows, expected {}", Context(), rows_done_, expected_rows_));
    }
    if (has_nulls_ && output_type_ != TypeId::kString) {
      column_->SetValidity(std::move(validity_));
    }
    if (output_type_ == TypeId::kDictionary && spec_.options->dictionaries != nullptr) {
      column_->ShareDictionary(spec_.options->dictionaries->Intern(column_->dictionary()));
    }
    return ColumnPtr(std::move(column_));
  }

 private:
  std::string Context() const {
    return fmt::format("parquet column '{}' (row group {})", spec_.column_name, spec_.row_group);
  }
  std::string PageContext(const PageRef& page) const {
    return fmt::format(
        "{}, page at file offset {}", Context(), page.region->file_offset + page.header_offset);
  }
  absl::Status PageError(const PageRef& page, std::string_view message) const {
    return absl::DataLossError(fmt::format("{}: {}", PageContext(page), message));
  }

  // First pass: every page header up to the one that completes expected_rows_.
  absl::Status ScanPages(std::span<const PageBytes> regions) {
    int64_t rows = 0;
    for (const PageBytes& region : regions) {
      size_t pos = 0;
      while (pos < region.bytes.size() && rows < expected_rows_) {
        PageRef page;
        page.region = &region;
        page.header_offset = pos;
        const uint64_t file_offset = region.file_offset + pos;
        size_t consumed = 0;
        absl::StatusOr<PageHeader> header =
            ParsePageHeader(std::string_view(region.bytes).substr(pos), &consumed);
        if (!header.ok()) {
          return Annotate(header.status(),
                          fmt::format("{}, page at file offset {}", Context(), file_offset));
        }
        page.header = *std::move(header);
        page.data_offset = pos + consumed;
        const auto compressed = static_cast<uint64_t>(page.header.compressed_page_size);
        const uint64_t left = region.bytes.size() - page.data_offset;
        if (compressed > left) {
          return PageError(page,
                           fmt::format("its {} bytes run past the end of the column chunk ({} "
                                       "bytes left)",
                                       compressed,
                                       left));
        }
        const int64_t limit = spec_.options->max_page_bytes;
        if (page.header.compressed_page_size > limit ||
            page.header.uncompressed_page_size > limit) {
          return absl::ResourceExhaustedError(
              fmt::format("{}: a page of {} bytes ({} uncompressed) exceeds the limit of {}",
                          PageContext(page),
                          page.header.compressed_page_size,
                          page.header.uncompressed_page_size,
                          limit));
        }
        switch (page.header.type) {
          case PageType::kDictionaryPage:
            if (dictionary_page_ != nullptr || !data_pages_.empty()) {
              return PageError(page, "a dictionary page after the first page of the chunk");
            }
            dictionary_page_ = std::make_unique<PageRef>(page);
            break;
          case PageType::kDataPage:
          case PageType::kDataPageV2: {
            const int64_t values = DataPageValues(page.header);
            if (page.header.type == PageType::kDataPageV2 &&
                page.header.data_page_header_v2->num_rows != values) {
              return PageError(page,
                               fmt::format("a page of a flat column with {} values in {} rows",
                                           values,
                                           page.header.data_page_header_v2->num_rows));
            }
            if (!page_rows_.empty()) {
              const size_t index = data_pages_.size();
              if (index >= page_rows_.size() || page_rows_[index] != values) {
                return PageError(page,
                                 fmt::format("the page holds {} rows, the offset index says {}",
                                             values,
                                             index < page_rows_.size() ? page_rows_[index] : 0));
              }
            }
            if (values > expected_rows_ - rows) {
              return PageError(
                  page,
                  fmt::format(
                      "the page's {} values pass the {} rows expected", values, expected_rows_));
            }
            rows += values;
            data_pages_.push_back(std::move(page));
            break;
          }
          default:
            // Index pages (never written in practice) and page types of later versions carry
            // nothing a flat column needs.
            break;
        }
        pos = page.data_offset + compressed;
      }
    }
    if (rows < expected_rows_) {
      return absl::DataLossError(fmt::format(
          "{}: the column chunk ends after {} of its {} rows", Context(), rows, expected_rows_));
    }
    return absl::OkStatus();
  }

  std::string_view CompressedBytes(const PageRef& page) const {
    return std::string_view(page.region->bytes)
        .substr(page.data_offset, static_cast<size_t>(page.header.compressed_page_size));
  }

  absl::Status CheckCrc(const PageRef& page) const {
    if (!page.header.crc.has_value()) {
      return absl::OkStatus();
    }
    const std::string_view bytes = CompressedBytes(page);
    uLong crc = crc32(0L, Z_NULL, 0);
    size_t done = 0;
    while (done < bytes.size()) {
      const auto chunk = static_cast<uInt>(
          std::min<size_t>(bytes.size() - done, std::numeric_limits<uInt>::max()));
      crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), chunk);
      done += chunk;
    }
    if (static_cast<uint32_t>(crc) != static_cast<uint32_t>(*page.header.crc)) {
      return PageError(page,
                       fmt::format("CRC {:08x} of the page does not match the header's {:08x}",
                                   static_cast<uint32_t>(crc),
                                   static_cast<uint32_t>(*page.header.crc)));
    }
    return absl::OkStatus();
  }

  // Returns the decompressed `input` (which is the page's bytes when uncompressed, else
  // *buffer's).
  absl::StatusOr<std::string_view> Decompress(const PageRef& page,
                                              std::string_view input,
                                              int64_t uncompressed_size,
                                              bool compressed,
                                              std::string* buffer) const {
    if (!compressed || codec_->id() == CodecId::kUncompressed) {
      if (static_cast<int64_t>(input.size()) != uncompressed_size) {
        return PageError(
            page,
            fmt::format(
                "an uncompressed page of {} bytes declares {}", input.size(), uncompressed_size));
      }
      return input;
    }
    absl::Status status =
        codec_->Decompress(input, uncompressed_size, spec_.options->max_page_bytes, buffer);
    if (!status.ok()) {
      return Annotate(status, PageContext(page));
    }
    return std::string_view(*buffer);
  }

  absl::Status ReadDictionaryPage(const PageRef& page) {
    STRATA_RETURN_IF_ERROR(CheckCrc(page));
    const DictionaryPageHeader& header = *page.header.dictionary_page_header;
    if (header.encoding != Encoding::kPlain && header.encoding != Encoding::kPlainDictionary) {
      return absl::UnimplementedError(
          fmt::format("{}: dictionary page encoding {} is not supported",
                      PageContext(page),
                      ToString(header.encoding)));
    }
    STRATA_ASSIGN_OR_RETURN(const std::string_view body,
                            Decompress(page,
                                       CompressedBytes(page),
                                       page.header.uncompressed_page_size,
                                       /*compressed=*/true,
                                       &dictionary_buffer_));
    const auto count = static_cast<size_t>(header.num_values);
    // Every value takes at least min_bytes, so a count the page cannot hold is refused before
    // anything is allocated for it.
    size_t min_bytes = 8;
    switch (spec_.mapping.physical) {
      case Type::kInt32:
      case Type::kFloat:
      case Type::kByteArray:
        min_bytes = 4;
        break;
      case Type::kInt64:
      case Type::kDouble:
        break;
      default:
        return PageError(
            page,
            fmt::format("a dictionary page in a {} column", ToString(spec_.mapping.physical)));
    }
    if (count > body.size() / min_bytes) {
      return PageError(
          page, fmt::format("{} dictionary values cannot fit in {} bytes", count, body.size()));
    }
    absl::Status status;
    switch (spec_.mapping.physical) {
      case Type::kInt32:
        dictionary_ints_.resize(count);
        status = DecodePlainInt32ToInt64(body, std::span<int64_t>(dictionary_ints_)).status();
        if (status.ok()) {
          status = Convert(page, std::span<int64_t>(dictionary_ints_));
        }
        break;
      case Type::kInt64:
        dictionary_ints_.resize(count);
        status = DecodePlain(body, std::span<int64_t>(dictionary_ints_)).status();
        if (status.ok()) {
          status = Convert(page, std::span<int64_t>(dictionary_ints_));
        }
        break;
      case Type::kFloat:
        dictionary_doubles_.resize(count);
        status = DecodePlainFloatToDouble(body, std::span<double>(dictionary_doubles_)).status();
        break;
      case Type::kDouble:
        dictionary_doubles_.resize(count);
        status = DecodePlain(body, std::span<double>(dictionary_doubles_)).status();
        break;
      default:
        dictionary_strings_.resize(count);
        status =
            DecodePlainByteArray(body, std::span<std::string_view>(dictionary_strings_)).status();
        break;
    }
    if (!status.ok()) {
      return Annotate(status, PageContext(page));
    }
    dictionary_size_ = count;
    has_dictionary_ = true;
    if (output_type_ == TypeId::kDictionary) {
      StringDictionary& dictionary = *column_->dictionary();
      dictionary_codes_.resize(count);
      for (size_t i = 0; i < count; ++i) {
        dictionary_codes_[i] = dictionary.GetOrInsert(dictionary_strings_[i]);
      }
    }
    return absl::OkStatus();
  }

  // Applies the leaf's conversion (timestamp units, dates, unsigned INT32) to decoded INT32 or
  // INT64 values. OutOfRange for a timestamp or date outside strata's nanosecond range.
  absl::Status Convert(const PageRef& page, std::span<int64_t> values) const {
    int64_t factor = 0;
    switch (spec_.mapping.conversion) {
      case Conversion::kUInt32:
        for (int64_t& v : values) {
          v = static_cast<int64_t>(static_cast<uint32_t>(v));
        }
        return absl::OkStatus();
      case Conversion::kTimestampMillis:
        factor = 1'000'000;
        break;
      case Conversion::kTimestampMicros:
        factor = 1'000;
        break;
      case Conversion::kDate:
        factor = 86'400'000'000'000;
        break;
      default:
        return absl::OkStatus();
    }
    for (int64_t& v : values) {
      int64_t scaled = 0;
      if (__builtin_mul_overflow(v, factor, &scaled)) [[unlikely]] {
        return absl::OutOfRangeError(fmt::format(
            "{}: value {} is outside the range of timestamp(ns)", PageContext(page), v));
      }
      v = scaled;
    }
    return absl::OkStatus();
  }

  absl::Status ReadDataPage(const PageRef& page) {
    STRATA_RETURN_IF_ERROR(CheckCrc(page));
    const int64_t num_values = DataPageValues(page.header);
    const auto n = static_cast<size_t>(num_values);
    const std::string_view compressed = CompressedBytes(page);
    std::string_view values;
    size_t non_null = n;
    levels_.clear();
    if (page.header.type == PageType::kDataPage) {
      const DataPageHeader& header = *page.header.data_page_header;
      STRATA_ASSIGN_OR_RETURN(const std::string_view body,
                              Decompress(page,
                                         compressed,
                                         page.header.uncompressed_page_size,
                                         /*compressed=*/true,
                                         &page_buffer_));
      values = body;
      if (spec_.optional) {
        if (header.definition_level_encoding != Encoding::kRle) {
          return absl::UnimplementedError(
              fmt::format("{}: definition level encoding {} is not supported",
                          PageContext(page),
                          ToString(header.definition_level_encoding)));
        }
        RleBitPackedDecoder decoder;
        absl::StatusOr<size_t> consumed = decoder.InitLengthPrefixed(body, 1, n);
        if (!consumed.ok()) {
          return Annotate(consumed.status(), PageContext(page) + ": definition levels");
        }
        STRATA_RETURN_IF_ERROR(DecodeLevels(page, &decoder, n));
        values = body.substr(*consumed);
      }
    } else {
      const DataPageHeaderV2& header = *page.header.data_page_header_v2;
      const auto repetition_bytes = static_cast<size_t>(header.repetition_levels_byte_length);
      const auto definition_bytes = static_cast<size_t>(header.definition_levels_byte_length);
      // ParsePageHeader checked that the levels fit in the compressed page.
      const size_t levels_bytes = repetition_bytes + definition_bytes;
      if (spec_.optional) {
        RleBitPackedDecoder decoder;
        absl::Status status =
            decoder.Init(compressed.substr(repetition_bytes, definition_bytes), 1, n);
        if (!status.ok()) {
          return Annotate(status, PageContext(page) + ": definition levels");
        }
        STRATA_RETURN_IF_ERROR(DecodeLevels(page, &decoder, n));
      }
      const int64_t values_size =
          int64_t{page.header.uncompressed_page_size} - static_cast<int64_t>(levels_bytes);
      if (values_size < 0) {
        return PageError(page,
                         fmt::format("uncompressed size {} is smaller than its {} bytes of levels",
                                     page.header.uncompressed_page_size,
                                     levels_bytes));
      }
      STRATA_ASSIGN_OR_RETURN(values,
                              Decompress(page,
                                         compressed.substr(levels_bytes),
                                         values_size,
                                         header.is_compressed.value_or(true),
                                         &page_buffer_));
    }
    if (spec_.optional) {
      non_null = CountOnes(levels_);
    }
    absl::Status status = DecodeValues(page, DataPageEncoding(page.header), values, n, non_null);
    if (!status.ok()) {
      const std::string_view message(status.message().data(), status.message().size());
      if ((status.code() == absl::StatusCode::kDataLoss ||
           status.code() == absl::StatusCode::kInvalidArgument) &&
          !message.starts_with("parquet column")) {
        // The decoders' messages name offsets within the page's values; say which page.
        return absl::DataLossError(
            fmt::format("{}: {}",
                        PageContext(page),
                        std::string_view(status.message().data(), status.message().size())));
      }
      return status;
    }
    rows_done_ += num_values;
    return absl::OkStatus();
  }

  absl::Status DecodeLevels(const PageRef& page, RleBitPackedDecoder* decoder, size_t n) {
    levels_.resize(n);
    absl::Status status = decoder->Decode(std::span<uint8_t>(levels_));
    if (!status.ok()) {
      return Annotate(status, PageContext(page) + ": definition levels");
    }
    return absl::OkStatus();
  }

  absl::Status UnsupportedEncoding(const PageRef& page, Encoding encoding) const {
    return absl::UnimplementedError(fmt::format("{}: encoding {} of a {} column is not supported",
                                                PageContext(page),
                                                ToString(encoding),
                                                ToString(spec_.mapping.physical)));
  }

  // Decodes `count` dictionary indices into indices_, each checked against the dictionary.
  absl::Status DecodeIndices(const PageRef& page, std::string_view values, size_t count) {
    if (!has_dictionary_) {
      return PageError(page, "a dictionary-encoded page in a chunk without a dictionary page");
    }
    indices_.resize(count);
    RleBitPackedDecoder decoder;
    STRATA_RETURN_IF_ERROR(decoder.InitDictionaryIndices(values, count));
    return decoder.DecodeDictionaryIndices(std::span<int32_t>(indices_), dictionary_size_);
  }

  template <typename T>
  void ExpandNulls(T* out, size_t n, size_t non_null) {
    if (non_null == n) {
      return;
    }
    size_t next = non_null;
    for (size_t i = n; i-- > 0;) {
      if (levels_[i] != 0) {
        out[i] = out[--next];
      } else {
        out[i] = T{};
        MarkNull(rows_done_ + static_cast<int64_t>(i));
      }
    }
  }

  void MarkNull(int64_t row) {
    if (!has_nulls_) {
      validity_ = Bitmap(expected_rows_, true);
      has_nulls_ = true;
    }
    validity_.Set(row, false);
  }

  absl::Status DecodeValues(
      const PageRef& page, Encoding encoding, std::string_view values, size_t n, size_t count) {
    switch (output_type_) {
      case TypeId::kBool: {
        uint8_t* out = column_->mutable_data<uint8_t>() + rows_done_;
        const std::span<uint8_t> dense(out, count);
        if (encoding == Encoding::kPlain) {
          STRATA_RETURN_IF_ERROR(DecodePlainBoolean(values, 0, dense));
        } else if (encoding == Encoding::kRle) {
          RleBitPackedDecoder decoder;
          STRATA_RETURN_IF_ERROR(decoder.InitLengthPrefixed(values, 1, count).status());
          STRATA_RETURN_IF_ERROR(decoder.Decode(dense));
        } else {
          return UnsupportedEncoding(page, encoding);
        }
        ExpandNulls(out, n, count);
        return absl::OkStatus();
      }
      case TypeId::kInt64:
      case TypeId::kUInt64:
      case TypeId::kTimestamp: {
        // uint64 values are the int64s with the same bits.
        int64_t* out = reinterpret_cast<int64_t*>(column_->mutable_data<uint64_t>()) + rows_done_;
        STRATA_RETURN_IF_ERROR(DecodeIntegers(page, encoding, values, std::span(out, count)));
        ExpandNulls(out, n, count);
        return absl::OkStatus();
      }
      case TypeId::kFloat64: {
        double* out = column_->mutable_data<double>() + rows_done_;
        const std::span<double> dense(out, count);
        if (IsDictionaryEncoding(encoding)) {
          STRATA_RETURN_IF_ERROR(DecodeIndices(page, values, count));
          for (size_t i = 0; i < count; ++i) {
            out[i] = dictionary_doubles_[static_cast<size_t>(indices_[i])];
          }
        } else if (encoding == Encoding::kByteStreamSplit) {
          if (spec_.mapping.physical == Type::kFloat) {
            floats_.resize(count);
            STRATA_RETURN_IF_ERROR(DecodeByteStreamSplit(
                values, count, sizeof(float), reinterpret_cast<uint8_t*>(floats_.data())));
            std::copy(floats_.begin(), floats_.end(), out);
          } else {
            STRATA_RETURN_IF_ERROR(DecodeByteStreamSplit(
                values, count, sizeof(double), reinterpret_cast<uint8_t*>(out)));
          }
        } else if (encoding != Encoding::kPlain) {
          return UnsupportedEncoding(page, encoding);
        } else if (spec_.mapping.physical == Type::kFloat) {
          STRATA_RETURN_IF_ERROR(DecodePlainFloatToDouble(values, dense).status());
        } else {
          STRATA_RETURN_IF_ERROR(DecodePlain(values, dense).status());
        }
        ExpandNulls(out, n, count);
        return absl::OkStatus();
      }
      case TypeId::kDictionary: {
        int32_t* out = column_->mutable_data<int32_t>() + rows_done_;
        STRATA_RETURN_IF_ERROR(DecodeIndices(page, values, count));
        for (size_t i = 0; i < count; ++i) {
          out[i] = dictionary_codes_[static_cast<size_t>(indices_[i])];
        }
        ExpandNulls(out, n, count);
        return absl::OkStatus();
      }
      case TypeId::kString: {
        std::span<const std::string_view> strings;
        if (IsDictionaryEncoding(encoding)) {
          STRATA_RETURN_IF_ERROR(DecodeIndices(page, values, count));
          views_.resize(count);
          for (size_t i = 0; i < count; ++i) {
            views_[i] = dictionary_strings_[static_cast<size_t>(indices_[i])];
          }
        } else if (encoding == Encoding::kPlain) {
          views_.resize(count);
          STRATA_RETURN_IF_ERROR(
              DecodePlainByteArray(values, std::span<std::string_view>(views_)).status());
        } else if (encoding == Encoding::kDeltaLengthByteArray) {
          STRATA_RETURN_IF_ERROR(DecodeDeltaLengthByteArray(page, values, count).status());
        } else if (encoding == Encoding::kDeltaByteArray) {
          STRATA_RETURN_IF_ERROR(DecodeDeltaByteArray(page, values, count));
        } else {
          return UnsupportedEncoding(page, encoding);
        }
        strings = views_;
        if (count == n) {
          for (const std::string_view value : strings) {
            column_->AppendString(value);
          }
        } else {
          size_t next = 0;
          for (size_t i = 0; i < n; ++i) {
            if (levels_[i] != 0) {
              column_->AppendString(strings[next++]);
            } else {
              column_->AppendNull();
            }
          }
        }
        return absl::OkStatus();
      }
      default:
        return absl::InternalError("unreachable: unsupported output type");
    }
  }

  absl::Status DecodeIntegers(const PageRef& page,
                              Encoding encoding,
                              std::string_view values,
                              std::span<int64_t> out) {
    if (IsDictionaryEncoding(encoding)) {
      // Dictionary values were converted when the dictionary was read.
      STRATA_RETURN_IF_ERROR(DecodeIndices(page, values, out.size()));
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = dictionary_ints_[static_cast<size_t>(indices_[i])];
      }
      return absl::OkStatus();
    }
    const bool int32 = spec_.mapping.physical == Type::kInt32;
    if (encoding == Encoding::kPlain) {
      if (int32) {
        STRATA_RETURN_IF_ERROR(DecodePlainInt32ToInt64(values, out).status());
      } else {
        STRATA_RETURN_IF_ERROR(DecodePlain(values, out).status());
      }
    } else if (encoding == Encoding::kByteStreamSplit) {
      if (int32) {
        ints32_.resize(out.size());
        STRATA_RETURN_IF_ERROR(DecodeByteStreamSplit(
            values, out.size(), sizeof(int32_t), reinterpret_cast<uint8_t*>(ints32_.data())));
        std::copy(ints32_.begin(), ints32_.end(), out.begin());
      } else {
        STRATA_RETURN_IF_ERROR(DecodeByteStreamSplit(
            values, out.size(), sizeof(int64_t), reinterpret_cast<uint8_t*>(out.data())));
      }
    } else if (encoding == Encoding::kDeltaBinaryPacked) {
      // INT32 streams are decoded in 64 bits too and cut to their low 32 bits, which is exact
      // (sums modulo 2^32 depend only on the addends' low bits) and also accepts what DuckDB
      // writes for UINT32 columns: unsigned first values and 33-bit deltas computed in 64 bits.
      DeltaBinaryPackedDecoder<int64_t> decoder;
      STRATA_RETURN_IF_ERROR(decoder.Init(values));
      if (decoder.total_values() < out.size()) {
        return PageError(page,
                         fmt::format("DELTA_BINARY_PACKED holds {} values, the page needs {}",
                                     decoder.total_values(),
                                     out.size()));
      }
      STRATA_RETURN_IF_ERROR(decoder.Decode(out));
      if (int32) {
        for (int64_t& value : out) {
          value = static_cast<int32_t>(static_cast<uint32_t>(value));
        }
      }
    } else {
      return UnsupportedEncoding(page, encoding);
    }
    return Convert(page, out);
  }

  // BYTE_STREAM_SPLIT: byte k of value i is at values[k * count + i].
  static absl::Status DecodeByteStreamSplit(std::string_view values,
                                            size_t count,
                                            size_t width,
                                            uint8_t* out) {
    if (values.size() / width < count) {
      return absl::DataLossError(
          fmt::format("BYTE_STREAM_SPLIT: {} values of {} bytes need {} bytes, only {} remain",
                      count,
                      width,
                      count * width,
                      values.size()));
    }
    const auto* in = reinterpret_cast<const uint8_t*>(values.data());
    for (size_t k = 0; k < width; ++k) {
      const uint8_t* stream = in + k * count;
      for (size_t i = 0; i < count; ++i) {
        out[i * width + k] = stream[i];
      }
    }
    return absl::OkStatus();
  }

  // Reads a DELTA_BINARY_PACKED stream of exactly `count` int32 lengths into lengths_ and returns
  // its size in bytes.
  absl::StatusOr<size_t> DecodeLengths(const PageRef& page, std::string_view values, size_t count) {
    DeltaBinaryPackedDecoder<int32_t> decoder;
    STRATA_RETURN_IF_ERROR(decoder.Init(values));
    if (decoder.total_values() != count) {
      return PageError(
          page,
          fmt::format(
              "a length stream of {} values for a page of {}", decoder.total_values(), count));
    }
    lengths_.resize(count);
    STRATA_RETURN_IF_ERROR(decoder.Decode(std::span<int32_t>(lengths_)));
    return decoder.bytes_consumed();
  }

  // DELTA_LENGTH_BYTE_ARRAY: all lengths (DELTA_BINARY_PACKED), then all bytes back to back.
  // Fills views_ with views into `values`; returns the bytes read.
  absl::StatusOr<size_t> DecodeDeltaLengthByteArray(const PageRef& page,
                                                    std::string_view values,
                                                    size_t count) {
    STRATA_ASSIGN_OR_RETURN(size_t offset, DecodeLengths(page, values, count));
    views_.resize(count);
    for (size_t i = 0; i < count; ++i) {
      const int32_t length = lengths_[i];
      if (length < 0 || static_cast<size_t>(length) > values.size() - offset) {
        return PageError(page,
                         fmt::format("DELTA_LENGTH_BYTE_ARRAY value {} of length {} passes the "
                                     "end of the page",
                                     i,
                                     length));
      }
      views_[i] = values.substr(offset, static_cast<size_t>(length));
      offset += static_cast<size_t>(length);
    }
    return offset;
  }

  // DELTA_BYTE_ARRAY: prefix lengths (DELTA_BINARY_PACKED), then the suffixes as
  // DELTA_LENGTH_BYTE_ARRAY; value i is the first prefix[i] bytes of value i - 1 and its suffix.
  // The values are built in strings_buffer_, at most max_page_bytes of them.
  absl::Status DecodeDeltaByteArray(const PageRef& page, std::string_view values, size_t count) {
    STRATA_ASSIGN_OR_RETURN(const size_t prefix_bytes, DecodeLengths(page, values, count));
    std::vector<int32_t> prefixes = std::move(lengths_);
    STRATA_RETURN_IF_ERROR(
        DecodeDeltaLengthByteArray(page, values.substr(prefix_bytes), count).status());
    // Sizes first, so the buffer is allocated once and the views stay valid.
    uint64_t total = 0;
    uint64_t previous = 0;
    for (size_t i = 0; i < count; ++i) {
      if (prefixes[i] < 0 || static_cast<uint64_t>(prefixes[i]) > previous) {
        return PageError(page,
                         fmt::format("DELTA_BYTE_ARRAY value {} has prefix {}, its predecessor {} "
                                     "bytes",
                                     i,
                                     prefixes[i],
                                     previous));
      }
      previous = static_cast<uint64_t>(prefixes[i]) + views_[i].size();
      total += previous;
      if (total > static_cast<uint64_t>(spec_.options->max_page_bytes)) {
        return absl::ResourceExhaustedError(
            fmt::format("{}: DELTA_BYTE_ARRAY values pass the page limit of {} bytes",
                        PageContext(page),
                        spec_.options->max_page_bytes));
      }
    }
    strings_buffer_.resize(static_cast<size_t>(total));
    size_t at = 0;
    std::string_view last;
    for (size_t i = 0; i < count; ++i) {
      char* start = strings_buffer_.data() + at;
      const auto prefix = static_cast<size_t>(prefixes[i]);
      if (prefix > 0) {
        std::memcpy(start, last.data(), prefix);
      }
      if (!views_[i].empty()) {
        std::memcpy(start + prefix, views_[i].data(), views_[i].size());
      }
      const size_t length = prefix + views_[i].size();
      last = std::string_view(start, length);
      views_[i] = last;
      at += length;
    }
    return absl::OkStatus();
  }

  const ColumnChunkSpec& spec_;
  const int64_t expected_rows_;
  const std::span<const int64_t> page_rows_;
  const Codec* codec_ = nullptr;
  std::unique_ptr<PageRef> dictionary_page_;
  std::vector<PageRef> data_pages_;
  TypeId output_type_ = TypeId::kInt64;
  std::shared_ptr<Column> column_;
  int64_t rows_done_ = 0;
  bool has_nulls_ = false;
  Bitmap validity_;
  // The dictionary, in the form the output needs.
  bool has_dictionary_ = false;
  size_t dictionary_size_ = 0;
  std::string dictionary_buffer_;
  std::vector<int64_t> dictionary_ints_;
  std::vector<double> dictionary_doubles_;
  std::vector<std::string_view> dictionary_strings_;
  std::vector<int32_t> dictionary_codes_;  // parquet index -> code in the output's dictionary
  // Scratch, reused from page to page.
  std::string page_buffer_;
  std::vector<uint8_t> levels_;
  std::vector<int32_t> indices_;
  std::vector<int32_t> ints32_;
  std::vector<std::string_view> views_;
  std::vector<float> floats_;
  std::vector<int32_t> lengths_;
  std::string strings_buffer_;
};

}  // namespace

absl::StatusOr<ColumnPtr> DecodeColumnChunk(const ColumnChunkSpec& spec,
                                            std::span<const PageBytes> regions,
                                            int64_t expected_rows,
                                            std::span<const int64_t> page_rows) {
  ChunkDecoder decoder(spec, expected_rows, page_rows);
  return decoder.Run(regions);
}

}  // namespace strata::parquet
