// The Parquet file writer. A row group is encoded column by column: the column's non-null values
// are gathered from the pending batch slices into one dense vector (plus definition levels),
// cut into pages by size and row count, and each page is encoded, compressed and appended with
// its header. Page statistics are kept for the page index, which follows the last row group.
#include "parquet/file_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/status.h"
#include "fmt/format.h"
#include "parquet/compression.h"
#include "parquet/encoding_delta.h"
#include "parquet/encoding_plain.h"
#include "parquet/encoding_rle.h"
#include "parquet/type_mapping.h"
#include "strata/version.h"

namespace strata::parquet {
namespace {

// String statistics longer than this are truncated (to a lower bound for min, an upper bound for
// max): a column of long log lines would otherwise copy whole lines into the footer.
constexpr size_t kMaxStringStatisticsBytes = 64;

// The statistics bytes of a value: PLAIN without a length prefix.
template <typename T>
std::string StatisticsBytes(const T& value) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return std::string(value);
  } else {
    std::string out(sizeof(T), '\0');
    std::memcpy(out.data(), &value, sizeof(T));
    return out;
  }
}

// `value` cut to at most kMaxStringStatisticsBytes, still <= value. Sets *exact.
std::string TruncatedMin(std::string_view value, bool* exact) {
  *exact = value.size() <= kMaxStringStatisticsBytes;
  return std::string(value.substr(0, kMaxStringStatisticsBytes));
}

// `value` cut to at most kMaxStringStatisticsBytes, still >= value: the prefix with its last
// byte below 0xff incremented. A value of only 0xff bytes stays whole.
std::string TruncatedMax(std::string_view value, bool* exact) {
  *exact = true;
  if (value.size() <= kMaxStringStatisticsBytes) {
    return std::string(value);
  }
  std::string prefix(value.substr(0, kMaxStringStatisticsBytes));
  while (!prefix.empty()) {
    auto last = static_cast<uint8_t>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      *exact = false;
      return prefix;
    }
    prefix.pop_back();
  }
  return std::string(value);
}

// Running min and max of one column's values in the order the spec gives its type: signed for
// int64, unsigned for uint64, IEEE without NaN for doubles (so all-NaN leaves no bounds), false <
// true, unsigned bytes for strings.
template <typename T>
struct MinMax {
  bool has_value = false;
  T min{};
  T max{};

  void Add(const T& value) {
    if constexpr (std::is_same_v<T, double>) {
      if (std::isnan(value)) {
        return;
      }
    }
    if (!has_value) {
      min = max = value;
      has_value = true;
      return;
    }
    if (value < min) {
      min = value;
    }
    if (max < value) {
      max = value;
    }
  }
  void Merge(const MinMax& other) {
    if (other.has_value) {
      Add(other.min);
      Add(other.max);
    }
  }
};

// Fills min_value/max_value of `stats` from `bounds`.
template <typename T>
void SetBounds(const MinMax<T>& bounds, Statistics* stats) {
  if (!bounds.has_value) {
    return;
  }
  if constexpr (std::is_same_v<T, std::string_view>) {
    bool min_exact = true;
    bool max_exact = true;
    stats->min_value = TruncatedMin(bounds.min, &min_exact);
    stats->max_value = TruncatedMax(bounds.max, &max_exact);
    stats->is_min_value_exact = min_exact;
    stats->is_max_value_exact = max_exact;
  } else if constexpr (std::is_same_v<T, double>) {
    // The spec's rule for zeros: a min of zero is written as -0.0 and a max as +0.0, so that a
    // reader comparing with either sign of zero keeps the chunk.
    stats->min_value = StatisticsBytes(bounds.min == 0.0 ? -0.0 : bounds.min);
    stats->max_value = StatisticsBytes(bounds.max == 0.0 ? 0.0 : bounds.max);
  } else {
    stats->min_value = StatisticsBytes(bounds.min);
    stats->max_value = StatisticsBytes(bounds.max);
  }
}

// One data page's rows [row_begin, row_end) and non-null values [value_begin, value_end).
struct PageSpan {
  int64_t row_begin = 0;
  int64_t row_end = 0;
  int64_t value_begin = 0;
  int64_t value_end = 0;
};

// Everything that goes into one column chunk before it is encoded.
template <typename T>
struct GatheredColumn {
  int64_t num_rows = 0;
  // Per row, 1 for a value and 0 for a null; empty for a REQUIRED column.
  std::vector<uint8_t> levels;
  // The non-null values, in row order.
  std::vector<T> values;
  // Strings only, when dictionary-encoded: each value's index into `dictionary`, the distinct
  // values in order of first appearance.
  bool use_dictionary = false;
  std::vector<int32_t> indices;
  std::vector<std::string_view> dictionary;
};

// Appends the values of rows [offset, offset + length) of `column` to `out`.
template <typename T>
void GatherValues(const Column& column,
                  int64_t offset,
                  int64_t length,
                  bool optional,
                  bool values_needed,
                  GatheredColumn<T>* out) {
  const bool has_nulls = column.has_nulls();
  if (optional) {
    if (!has_nulls) {
      out->levels.insert(out->levels.end(), static_cast<size_t>(length), uint8_t{1});
    } else {
      for (int64_t i = offset; i < offset + length; ++i) {
        out->levels.push_back(column.IsNull(i) ? 0 : 1);
      }
    }
  }
  out->num_rows += length;
  if (!values_needed) {
    return;
  }
  if constexpr (!std::is_same_v<T, std::string_view>) {
    if (!has_nulls) {
      const T* data = column.data<T>();
      out->values.insert(out->values.end(), data + offset, data + offset + length);
      return;
    }
  }
  auto append = [&](auto get) {
    if (!has_nulls) {
      for (int64_t i = offset; i < offset + length; ++i) {
        out->values.push_back(get(i));
      }
      return;
    }
    for (int64_t i = offset; i < offset + length; ++i) {
      if (column.IsValid(i)) {
        out->values.push_back(get(i));
      }
    }
  };
  if constexpr (std::is_same_v<T, std::string_view>) {
    append([&column](int64_t i) { return column.GetString(i); });
  } else {
    const T* data = column.data<T>();
    append([data](int64_t i) { return data[i]; });
  }
}

// Builds the dictionary and indices of a string column from its gathered values, unless the
// distinct values take more than `max_bytes` PLAIN-encoded. Codes of kDictionary slices are
// translated once per distinct code; kString values are hashed.
class StringDictionaryBuilder {
 public:
  explicit StringDictionaryBuilder(int64_t max_bytes) : max_bytes_(max_bytes) {}

  // Adds rows [offset, offset + length) of `column`; false once the dictionary is too large.
  bool Add(const Column& column, int64_t offset, int64_t length) {
    if (too_large_) {
      return false;
    }
    const bool has_nulls = column.has_nulls();
    if (column.type() == TypeId::kDictionary) {
      std::vector<int32_t>& remap = remaps_[column.dictionary().get()];
      const StringDictionary& source = *column.dictionary();
      if (remap.size() < static_cast<size_t>(source.size())) {
        remap.resize(static_cast<size_t>(source.size()), -1);
      }
      const int32_t* codes = column.data<int32_t>();
      for (int64_t i = offset; i < offset + length; ++i) {
        if (has_nulls && column.IsNull(i)) {
          continue;
        }
        const auto code = static_cast<size_t>(codes[i]);
        if (remap[code] < 0) {
          remap[code] = Insert(source.Value(codes[i]));
          if (too_large_) {
            return false;
          }
        }
        indices_.push_back(remap[code]);
      }
      return true;
    }
    for (int64_t i = offset; i < offset + length; ++i) {
      if (has_nulls && column.IsNull(i)) {
        continue;
      }
      indices_.push_back(Insert(column.GetString(i)));
      if (too_large_) {
        return false;
      }
    }
    return true;
  }

  std::vector<int32_t> TakeIndices() { return std::move(indices_); }
  std::vector<std::string_view> TakeDictionary() { return std::move(dictionary_); }

 private:
  int32_t Insert(std::string_view value) {
    auto [it, inserted] = codes_.try_emplace(value, static_cast<int32_t>(dictionary_.size()));
    if (inserted) {
      dictionary_.push_back(value);
      bytes_ += 4 + static_cast<int64_t>(value.size());
      if (bytes_ > max_bytes_) {
        too_large_ = true;
      }
    }
    return it->second;
  }

  int64_t max_bytes_;
  int64_t bytes_ = 0;
  bool too_large_ = false;
  absl::flat_hash_map<std::string_view, int32_t> codes_;
  absl::flat_hash_map<const StringDictionary*, std::vector<int32_t>> remaps_;
  std::vector<std::string_view> dictionary_;
  std::vector<int32_t> indices_;
};

// Where a column chunk's encoded pages go and what its metadata records.
struct ChunkOutput {
  ColumnChunk chunk;
  ColumnIndex column_index;
  bool has_column_index = false;
  OffsetIndex offset_index;
};

// Encodes one column chunk into the file buffer.
template <typename T>
class ColumnChunkEncoder {
 public:
  ColumnChunkEncoder(const Field& field,
                     const WriterOptions& options,
                     const Codec* codec,
                     std::string* out,
                     int64_t taken_bytes)
      : field_(field), options_(options), codec_(codec), out_(out), taken_bytes_(taken_bytes) {}

  absl::Status Encode(const GatheredColumn<T>& column, ChunkOutput* result) {
    ColumnMetaData& meta = result->chunk.meta_data.emplace();
    const SchemaElement leaf = LeafForField(field_, options_.timestamps_adjusted_to_utc);
    meta.type = *leaf.type;
    meta.path_in_schema = {field_.name};
    meta.codec = options_.codec;
    meta.num_values = column.num_rows;

    std::vector<T> dictionary_values;  // typed copy of the dictionary for page statistics
    if (column.use_dictionary) {
      meta.dictionary_page_offset = Offset();
      STRATA_RETURN_IF_ERROR(WriteDictionaryPage(column, &meta));
    }
    meta.data_page_offset = Offset();
    const Encoding encoding = ValueEncoding(column);

    // Ranks of dictionary entries in value order, so a page's bounds are the entries of its
    // lowest and highest rank: integer comparisons per value instead of string ones.
    std::vector<int32_t> ranks;
    std::vector<int32_t> by_rank;
    if (column.use_dictionary) {
      by_rank.resize(column.dictionary.size());
      for (size_t i = 0; i < by_rank.size(); ++i) {
        by_rank[i] = static_cast<int32_t>(i);
      }
      std::sort(by_rank.begin(), by_rank.end(), [&](int32_t a, int32_t b) {
        return column.dictionary[static_cast<size_t>(a)] <
               column.dictionary[static_cast<size_t>(b)];
      });
      ranks.resize(by_rank.size());
      for (size_t r = 0; r < by_rank.size(); ++r) {
        ranks[static_cast<size_t>(by_rank[r])] = static_cast<int32_t>(r);
      }
    }

    MinMax<T> chunk_bounds;
    std::vector<MinMax<T>> page_bounds;
    int64_t null_count = 0;
    int32_t data_pages = 0;
    const std::vector<PageSpan> pages = CutPages(column);
    for (const PageSpan& page : pages) {
      MinMax<T> bounds;
      bool dictionary_bounds = false;
      if constexpr (std::is_same_v<T, std::string_view>) {
        dictionary_bounds = column.use_dictionary;
      }
      if (dictionary_bounds) {
        int32_t lo = std::numeric_limits<int32_t>::max();
        int32_t hi = -1;
        for (int64_t v = page.value_begin; v < page.value_end; ++v) {
          const int32_t rank = ranks[static_cast<size_t>(column.indices[static_cast<size_t>(v)])];
          lo = std::min(lo, rank);
          hi = std::max(hi, rank);
        }
        if constexpr (std::is_same_v<T, std::string_view>) {
          if (hi >= 0) {
            bounds.Add(column.dictionary[static_cast<size_t>(by_rank[static_cast<size_t>(lo)])]);
            bounds.Add(column.dictionary[static_cast<size_t>(by_rank[static_cast<size_t>(hi)])]);
          }
        }
      } else {
        bounds = PageBounds(column.values.data() + page.value_begin,
                            column.values.data() + page.value_end);
      }
      const int64_t page_nulls =
          (page.row_end - page.row_begin) - (page.value_end - page.value_begin);
      null_count += page_nulls;
      const int64_t page_offset = Offset();
      STRATA_RETURN_IF_ERROR(WriteDataPage(column, page, encoding, bounds, page_nulls, &meta));
      ++data_pages;
      result->offset_index.page_locations.push_back(
          PageLocation{.offset = page_offset,
                       .compressed_page_size = static_cast<int32_t>(Offset() - page_offset),
                       .first_row_index = page.row_begin});
      chunk_bounds.Merge(bounds);
      page_bounds.push_back(bounds);
    }

    Statistics stats;
    stats.null_count = null_count;
    SetBounds(chunk_bounds, &stats);
    meta.statistics = std::move(stats);
    meta.encodings = {Encoding::kRle, encoding};
    if (column.use_dictionary) {
      meta.encodings.insert(meta.encodings.begin(), Encoding::kPlain);
    }
    std::vector<PageEncodingStats> encoding_stats;
    if (column.use_dictionary) {
      encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
    }
    encoding_stats.push_back({PageType::kDataPage, encoding, data_pages});
    meta.encoding_stats = std::move(encoding_stats);

    BuildColumnIndex(pages, page_bounds, result);
    return absl::OkStatus();
  }

 private:
  // The file offset of the next byte appended.
  int64_t Offset() const { return taken_bytes_ + static_cast<int64_t>(out_->size()); }

  // The bounds of [begin, end). Integers take a branch-free loop the compiler vectorizes.
  static MinMax<T> PageBounds(const T* begin, const T* end) {
    MinMax<T> bounds;
    if constexpr (std::is_integral_v<T>) {
      if (begin == end) {
        return bounds;
      }
      T min = *begin;
      T max = *begin;
      for (const T* p = begin; p != end; ++p) {
        min = std::min(min, *p);
        max = std::max(max, *p);
      }
      bounds.has_value = true;
      bounds.min = min;
      bounds.max = max;
    } else {
      for (const T* p = begin; p != end; ++p) {
        bounds.Add(*p);
      }
    }
    return bounds;
  }

  static Encoding ValueEncoding(const GatheredColumn<T>& column) {
    if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>) {
      return Encoding::kDeltaBinaryPacked;
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      return column.use_dictionary ? Encoding::kRleDictionary : Encoding::kPlain;
    } else {
      return Encoding::kPlain;
    }
  }

  // Cuts the rows into pages of about target_page_bytes (estimated before compression; for
  // DELTA_BINARY_PACKED the PLAIN size, an upper bound) and at most max_page_rows rows.
  std::vector<PageSpan> CutPages(const GatheredColumn<T>& column) const {
    const bool optional = !column.levels.empty();
    const int64_t target_bits = options_.target_page_bytes * 8;
    int64_t fixed_value_bits = 0;
    if constexpr (std::is_same_v<T, uint8_t>) {
      fixed_value_bits = 1;
    } else if constexpr (!std::is_same_v<T, std::string_view>) {
      fixed_value_bits = static_cast<int64_t>(8 * sizeof(T));
    } else if (column.use_dictionary) {
      fixed_value_bits = std::max(1, RleDictionaryIndexBitWidth(column.dictionary.size()));
    }
    std::vector<PageSpan> pages;
    int64_t row = 0;
    int64_t value = 0;
    if (fixed_value_bits > 0) {
      // Every value has the same size: pages of a fixed row count (counting nulls as values
      // makes pages of sparse columns smaller than the target, which costs nothing).
      const int64_t rows_per_page = std::clamp<int64_t>(
          target_bits / (fixed_value_bits + (optional ? 1 : 0)), 1, options_.max_page_rows);
      while (row < column.num_rows) {
        const int64_t end = std::min(column.num_rows, row + rows_per_page);
        int64_t values = end - row;
        if (optional) {
          const auto* levels = column.levels.data();
          values = std::count(levels + row, levels + end, uint8_t{1});
        }
        pages.push_back(PageSpan{
            .row_begin = row, .row_end = end, .value_begin = value, .value_end = value + values});
        row = end;
        value += values;
      }
      return pages;
    }
    while (row < column.num_rows) {
      PageSpan page{.row_begin = row, .row_end = row, .value_begin = value, .value_end = value};
      int64_t bits = 0;
      while (row < column.num_rows && row - page.row_begin < options_.max_page_rows &&
             bits < target_bits) {
        if (optional) {
          bits += 1;
          if (column.levels[static_cast<size_t>(row)] == 0) {
            ++row;
            continue;
          }
        }
        if (fixed_value_bits > 0) {
          bits += fixed_value_bits;
        } else if constexpr (std::is_same_v<T, std::string_view>) {
          bits += 8 * (4 + static_cast<int64_t>(column.values[static_cast<size_t>(value)].size()));
        }
        ++value;
        ++row;
      }
      page.row_end = row;
      page.value_end = value;
      pages.push_back(page);
    }
    return pages;
  }

  // Compresses `body` and appends the page: header, then the compressed bytes.
  absl::Status AppendPage(PageHeader header, const std::string& body) {
    std::string_view payload = body;
    if (options_.codec != CompressionCodec::kUncompressed) {
      STRATA_RETURN_IF_ERROR(codec_->Compress(body, options_.compression_level, &compressed_));
      payload = compressed_;
    }
    if (body.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()) ||
        payload.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
      return absl::InvalidArgumentError(
          fmt::format("parquet column '{}': a page of {} bytes exceeds the format's 2 GiB limit",
                      field_.name,
                      body.size()));
    }
    header.uncompressed_page_size = static_cast<int32_t>(body.size());
    header.compressed_page_size = static_cast<int32_t>(payload.size());
    const std::string header_bytes = Serialize(header);
    out_->append(header_bytes);
    out_->append(payload);
    meta_sizes_.uncompressed += static_cast<int64_t>(header_bytes.size() + body.size());
    meta_sizes_.compressed += static_cast<int64_t>(header_bytes.size() + payload.size());
    return absl::OkStatus();
  }

  absl::Status WriteDictionaryPage(const GatheredColumn<T>& column, ColumnMetaData* meta) {
    body_.clear();
    STRATA_RETURN_IF_ERROR(
        EncodePlainByteArray(std::span<const std::string_view>(column.dictionary), &body_));
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.dictionary_page_header =
        DictionaryPageHeader{.num_values = static_cast<int32_t>(column.dictionary.size()),
                             .encoding = Encoding::kPlain,
                             .is_sorted = false};
    STRATA_RETURN_IF_ERROR(AppendPage(std::move(header), body_));
    UpdateSizes(meta);
    return absl::OkStatus();
  }

  absl::Status WriteDataPage(const GatheredColumn<T>& column,
                             const PageSpan& page,
                             Encoding encoding,
                             const MinMax<T>& bounds,
                             int64_t null_count,
                             ColumnMetaData* meta) {
    body_.clear();
    if (!column.levels.empty()) {
      EncodeRleBitPackedLengthPrefixed(
          std::span<const uint8_t>(column.levels)
              .subspan(static_cast<size_t>(page.row_begin),
                       static_cast<size_t>(page.row_end - page.row_begin)),
          1,
          &body_);
    }
    const auto first = static_cast<size_t>(page.value_begin);
    const auto count = static_cast<size_t>(page.value_end - page.value_begin);
    if constexpr (std::is_same_v<T, std::string_view>) {
      if (column.use_dictionary) {
        EncodeRleDictionaryIndices(std::span<const int32_t>(column.indices).subspan(first, count),
                                   column.dictionary.size(),
                                   &body_);
      } else {
        STRATA_RETURN_IF_ERROR(EncodePlainByteArray(
            std::span<const std::string_view>(column.values).subspan(first, count), &body_));
      }
    } else if constexpr (std::is_same_v<T, uint8_t>) {
      EncodePlainBoolean(std::span<const uint8_t>(column.values).subspan(first, count), &body_);
    } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, int32_t>) {
      EncodePlain(std::span<const T>(column.values).subspan(first, count), &body_);
    } else {
      // uint64 values are written as the int64 with the same bits; deltas wrap the same way.
      const auto* data = reinterpret_cast<const int64_t*>(column.values.data());
      EncodeDeltaBinaryPacked(std::span<const int64_t>(data + first, count), &body_);
    }
    Statistics stats;
    stats.null_count = null_count;
    SetBounds(bounds, &stats);
    PageHeader header;
    header.type = PageType::kDataPage;
    header.data_page_header =
        DataPageHeader{.num_values = static_cast<int32_t>(page.row_end - page.row_begin),
                       .encoding = encoding,
                       .definition_level_encoding = Encoding::kRle,
                       .repetition_level_encoding = Encoding::kRle,
                       .statistics = std::move(stats)};
    STRATA_RETURN_IF_ERROR(AppendPage(std::move(header), body_));
    UpdateSizes(meta);
    return absl::OkStatus();
  }

  void UpdateSizes(ColumnMetaData* meta) const {
    meta->total_uncompressed_size = meta_sizes_.uncompressed;
    meta->total_compressed_size = meta_sizes_.compressed;
  }

  // The ColumnIndex of the chunk: per page, its bounds or that it holds only nulls. Left out
  // when a page with values has no bounds (only NaNs), since the index must give every such
  // page a min and a max.
  void BuildColumnIndex(const std::vector<PageSpan>& pages,
                        const std::vector<MinMax<T>>& page_bounds,
                        ChunkOutput* result) const {
    ColumnIndex& index = result->column_index;
    std::vector<int64_t> null_counts;
    bool ascending = true;
    bool descending = true;
    const MinMax<T>* previous = nullptr;
    for (size_t i = 0; i < page_bounds.size(); ++i) {
      const MinMax<T>& bounds = page_bounds[i];
      const int64_t rows = pages[i].row_end - pages[i].row_begin;
      const int64_t values = pages[i].value_end - pages[i].value_begin;
      null_counts.push_back(rows - values);
      if (values == 0) {
        index.null_pages.push_back(true);
        index.min_values.emplace_back();
        index.max_values.emplace_back();
        continue;
      }
      if (!bounds.has_value) {
        return;
      }
      Statistics stats;
      SetBounds(bounds, &stats);
      index.null_pages.push_back(false);
      index.min_values.push_back(std::move(*stats.min_value));
      index.max_values.push_back(std::move(*stats.max_value));
      if (previous != nullptr) {
        if (bounds.min < previous->min || bounds.max < previous->max) {
          ascending = false;
        }
        if (previous->min < bounds.min || previous->max < bounds.max) {
          descending = false;
        }
      }
      previous = &bounds;
    }
    index.boundary_order = ascending    ? BoundaryOrder::kAscending
                           : descending ? BoundaryOrder::kDescending
                                        : BoundaryOrder::kUnordered;
    index.null_counts = std::move(null_counts);
    result->has_column_index = true;
  }

  const Field& field_;
  const WriterOptions& options_;
  const Codec* codec_;
  std::string* out_;
  const int64_t taken_bytes_;  // the file's bytes before *out_ (FileWriter::TakeBytes)
  std::string body_;
  std::string compressed_;
  struct {
    int64_t uncompressed = 0;
    int64_t compressed = 0;
  } meta_sizes_;
};

bool CompatibleTypes(TypeId writer, TypeId batch) {
  return writer == batch || (IsStringType(writer) && IsStringType(batch));
}

}  // namespace

FileWriter::FileWriter(SchemaPtr schema, WriterOptions options)
    : schema_(std::move(schema)), options_(std::move(options)) {}

FileWriter::~FileWriter() = default;

absl::StatusOr<std::unique_ptr<FileWriter>> FileWriter::Create(SchemaPtr schema,
                                                               WriterOptions options) {
  if (schema == nullptr || schema->num_fields() == 0) {
    return absl::InvalidArgumentError("parquet writer: the schema has no fields");
  }
  absl::flat_hash_set<std::string_view> names;
  for (const Field& field : schema->fields()) {
    if (field.name.empty()) {
      return absl::InvalidArgumentError("parquet writer: a field has an empty name");
    }
    if (!names.insert(field.name).second) {
      return absl::InvalidArgumentError(
          fmt::format("parquet writer: field name '{}' appears twice", field.name));
    }
    if (!IsStorageType(field.type) && field.type != TypeId::kNull) {
      return absl::InvalidArgumentError(
          fmt::format("parquet writer: field '{}' has type {}, which cannot be stored in a file",
                      field.name,
                      TypeName(field.type)));
    }
  }
  switch (options.codec) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
      break;
    default:
      return absl::InvalidArgumentError(fmt::format(
          "parquet writer: codec {} is not supported for writing", ToString(options.codec)));
  }
  STRATA_ASSIGN_OR_RETURN(const Codec* codec, GetCodec(static_cast<CodecId>(options.codec)));
  if (options.compression_level.has_value()) {
    // Refuse a bad level now rather than at the first page.
    std::string probe;
    STRATA_RETURN_IF_ERROR_CTX(codec->Compress("", options.compression_level, &probe),
                               "parquet writer");
  }
  if (options.max_row_group_rows <= 0 || options.target_page_bytes <= 0 ||
      options.max_page_rows <= 0 || options.max_dictionary_bytes < 0) {
    return absl::InvalidArgumentError(
        "parquet writer: max_row_group_rows, target_page_bytes and max_page_rows must be "
        "positive, max_dictionary_bytes not negative");
  }
  if (options.max_row_group_rows > std::numeric_limits<int32_t>::max()) {
    // Page headers count values in an int32.
    return absl::InvalidArgumentError("parquet writer: max_row_group_rows exceeds 2^31 - 1");
  }
  auto writer = std::unique_ptr<FileWriter>(new FileWriter(std::move(schema), std::move(options)));
  writer->out_.append(kParquetMagic);
  FileMetaData& metadata = writer->metadata_;
  metadata.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = writer->schema_->num_fields();
  metadata.schema.push_back(std::move(root));
  for (const Field& field : writer->schema_->fields()) {
    metadata.schema.push_back(LeafForField(field, writer->options_.timestamps_adjusted_to_utc));
  }
  metadata.column_orders =
      std::vector<ColumnOrder>(writer->schema_->fields().size(), ColumnOrder::kTypeDefinedOrder);
  return writer;
}

absl::Status FileWriter::WriteBatch(const RecordBatch& batch) {
  if (finished_) {
    return absl::FailedPreconditionError("parquet writer: WriteBatch after Finish");
  }
  const int num_fields = schema_->num_fields();
  if (batch.num_columns() != num_fields) {
    return absl::InvalidArgumentError(
        fmt::format("parquet writer: a batch of {} columns for a schema of {} fields",
                    batch.num_columns(),
                    num_fields));
  }
  for (int i = 0; i < num_fields; ++i) {
    const Field& field = schema_->field(i);
    const Column& column = *batch.column(i);
    if (!CompatibleTypes(field.type, column.type())) {
      return absl::InvalidArgumentError(
          fmt::format("parquet writer: column {} ('{}') of the batch has type {}, expected {}",
                      i,
                      field.name,
                      TypeName(column.type()),
                      TypeName(field.type)));
    }
    if (column.size() < batch.num_rows()) {
      return absl::InvalidArgumentError(
          fmt::format("parquet writer: column '{}' has {} rows, the batch {}",
                      field.name,
                      column.size(),
                      batch.num_rows()));
    }
    if (!field.nullable && field.type != TypeId::kNull && column.null_count() > 0) {
      return absl::InvalidArgumentError(
          fmt::format("parquet writer: field '{}' is not nullable but the batch has {} nulls in it",
                      field.name,
                      column.null_count()));
    }
  }
  int64_t offset = 0;
  while (offset < batch.num_rows()) {
    const int64_t length =
        std::min(batch.num_rows() - offset, options_.max_row_group_rows - pending_rows_);
    pending_.push_back(PendingSlice{batch.columns(), offset, length});
    pending_rows_ += length;
    offset += length;
    if (pending_rows_ == options_.max_row_group_rows) {
      STRATA_RETURN_IF_ERROR(FlushRowGroup());
    }
  }
  rows_written_ += batch.num_rows();
  return absl::OkStatus();
}

absl::Status FileWriter::FlushRowGroup() {
  if (pending_rows_ == 0) {
    return absl::OkStatus();
  }
  STRATA_ASSIGN_OR_RETURN(const Codec* codec, GetCodec(static_cast<CodecId>(options_.codec)));
  RowGroup row_group;
  row_group.num_rows = pending_rows_;
  row_group.file_offset = Offset();
  row_group.ordinal = static_cast<int16_t>(
      std::min<size_t>(metadata_.row_groups.size(), std::numeric_limits<int16_t>::max()));
  std::vector<ColumnIndex> column_indexes;
  std::vector<OffsetIndex> offset_indexes;
  std::vector<bool> has_column_index;
  for (int c = 0; c < schema_->num_fields(); ++c) {
    const Field& field = schema_->field(c);
    const auto index = static_cast<size_t>(c);
    ChunkOutput output;
    auto encode = [&]<typename T>(GatheredColumn<T>& gathered) -> absl::Status {
      gathered.levels.reserve(field.nullable ? static_cast<size_t>(pending_rows_) : 0);
      gathered.values.reserve(gathered.use_dictionary ? 0 : static_cast<size_t>(pending_rows_));
      // Dictionary-encoded strings need only the levels here: the builder has the indices.
      const bool values_needed = !gathered.use_dictionary;
      for (const PendingSlice& slice : pending_) {
        GatherValues(*slice.columns[index],
                     slice.offset,
                     slice.length,
                     field.nullable,
                     values_needed,
                     &gathered);
      }
      ColumnChunkEncoder<T> encoder(field, options_, codec, &out_, taken_bytes_);
      return Annotate(encoder.Encode(gathered, &output),
                      fmt::format("parquet writer: row group {}", metadata_.row_groups.size()));
    };
    absl::Status status;
    switch (field.type) {
      case TypeId::kBool: {
        GatheredColumn<uint8_t> gathered;
        status = encode(gathered);
        break;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp: {
        GatheredColumn<int64_t> gathered;
        status = encode(gathered);
        break;
      }
      case TypeId::kUInt64: {
        GatheredColumn<uint64_t> gathered;
        status = encode(gathered);
        break;
      }
      case TypeId::kFloat64: {
        GatheredColumn<double> gathered;
        status = encode(gathered);
        break;
      }
      case TypeId::kNull: {
        // Definition levels only: every row is null whatever the column holds.
        GatheredColumn<int32_t> gathered;
        gathered.num_rows = pending_rows_;
        gathered.levels.assign(static_cast<size_t>(pending_rows_), uint8_t{0});
        ColumnChunkEncoder<int32_t> encoder(field, options_, codec, &out_, taken_bytes_);
        status = Annotate(encoder.Encode(gathered, &output),
                          fmt::format("parquet writer: row group {}", metadata_.row_groups.size()));
        break;
      }
      case TypeId::kString:
      case TypeId::kDictionary: {
        GatheredColumn<std::string_view> gathered;
        if (options_.dictionary) {
          StringDictionaryBuilder builder(options_.max_dictionary_bytes);
          bool fits = true;
          for (const PendingSlice& slice : pending_) {
            fits = fits && builder.Add(*slice.columns[index], slice.offset, slice.length);
          }
          if (fits) {
            gathered.use_dictionary = true;
            gathered.indices = builder.TakeIndices();
            gathered.dictionary = builder.TakeDictionary();
          }
        }
        status = encode(gathered);
        break;
      }
      default:
        status = absl::InternalError("unreachable: the schema was checked in Create");
        break;
    }
    STRATA_RETURN_IF_ERROR(status);
    const ColumnMetaData& meta = *output.chunk.meta_data;
    row_group.total_byte_size += meta.total_uncompressed_size;
    row_group.total_compressed_size =
        row_group.total_compressed_size.value_or(0) + meta.total_compressed_size;
    row_group.columns.push_back(std::move(output.chunk));
    column_indexes.push_back(std::move(output.column_index));
    offset_indexes.push_back(std::move(output.offset_index));
    has_column_index.push_back(output.has_column_index);
  }
  metadata_.num_rows += pending_rows_;
  metadata_.row_groups.push_back(std::move(row_group));
  column_indexes_.push_back(std::move(column_indexes));
  offset_indexes_.push_back(std::move(offset_indexes));
  has_column_index_.push_back(std::move(has_column_index));
  pending_.clear();
  pending_rows_ = 0;
  return absl::OkStatus();
}

void FileWriter::TakeBytes(std::string* out) {
  taken_bytes_ += static_cast<int64_t>(out_.size());
  if (out->empty()) {
    out->swap(out_);
  } else {
    out->append(out_);
  }
  out_.clear();
}

absl::StatusOr<std::string> FileWriter::Finish() {
  if (finished_) {
    return absl::FailedPreconditionError("parquet writer: Finish called twice");
  }
  STRATA_RETURN_IF_ERROR(FlushRowGroup());
  finished_ = true;
  // The page index: every ColumnIndex, then every OffsetIndex, as other writers lay it out, so
  // a reader fetches all of one kind with one read.
  for (size_t rg = 0; rg < metadata_.row_groups.size(); ++rg) {
    for (size_t c = 0; c < column_indexes_[rg].size(); ++c) {
      if (!has_column_index_[rg][c]) {
        continue;
      }
      ColumnChunk& chunk = metadata_.row_groups[rg].columns[c];
      const std::string bytes = Serialize(column_indexes_[rg][c]);
      chunk.column_index_offset = Offset();
      chunk.column_index_length = static_cast<int32_t>(bytes.size());
      out_.append(bytes);
    }
  }
  for (size_t rg = 0; rg < metadata_.row_groups.size(); ++rg) {
    for (size_t c = 0; c < offset_indexes_[rg].size(); ++c) {
      ColumnChunk& chunk = metadata_.row_groups[rg].columns[c];
      const std::string bytes = Serialize(offset_indexes_[rg][c]);
      chunk.offset_index_offset = Offset();
      chunk.offset_index_length = static_cast<int32_t>(bytes.size());
      out_.append(bytes);
    }
  }
  column_indexes_.clear();
  offset_indexes_.clear();
  has_column_index_.clear();

  if (!options_.key_value_metadata.empty()) {
    metadata_.key_value_metadata = options_.key_value_metadata;
  }
  metadata_.created_by = options_.created_by.empty() ? fmt::format("strata version {}", kVersion)
                                                     : options_.created_by;
  const std::string footer = Serialize(metadata_);
  out_.append(footer);
  const auto length = static_cast<uint32_t>(footer.size());
  char length_bytes[4];
  std::memcpy(length_bytes, &length, 4);
  out_.append(length_bytes, 4);
  out_.append(kParquetMagic);
  return std::move(out_);
}

}  // namespace strata::parquet
