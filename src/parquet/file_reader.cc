// The Parquet file reader: footer and schema checks, statistics, the page index, and reads of
// whole row groups or row ranges (page decoding is column_chunk_reader's).
#include "parquet/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "common/status.h"
#include "fmt/format.h"
#include "parquet/column_chunk_reader.h"

namespace strata::parquet {
namespace {

// The first read of a file takes this much of its end, which holds the footer of most files.
constexpr uint64_t kInitialTailBytes = 64 << 10;

class MemoryFileSource final : public RandomAccessSource {
 public:
  explicit MemoryFileSource(std::string bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const override { return bytes_.size(); }
  absl::StatusOr<std::string> ReadAt(uint64_t offset, uint64_t length) const override {
    if (offset > bytes_.size() || length > bytes_.size() - offset) {
      return absl::OutOfRangeError(fmt::format(
          "read of {} bytes at {} past the end of {} bytes", length, offset, bytes_.size()));
    }
    return bytes_.substr(offset, length);
  }

 private:
  const std::string bytes_;
};

class LocalFile final : public RandomAccessSource {
 public:
  LocalFile(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  ~LocalFile() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  absl::StatusOr<std::string> ReadAt(uint64_t offset, uint64_t length) const override {
    if (offset > size_ || length > size_ - offset) {
      return absl::OutOfRangeError(fmt::format(
          "{}: read of {} bytes at {} past the end of {} bytes", path_, length, offset, size_));
    }
    std::string out(length, '\0');
    uint64_t done = 0;
    while (done < length) {
      const ssize_t n =
          ::pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return absl::DataLossError(fmt::format("{}: pread at {}: {}",
                                               path_,
                                               offset + done,
                                               n == 0 ? "end of file" : std::strerror(errno)));
      }
      done += static_cast<uint64_t>(n);
    }
    return out;
  }

 private:
  const int fd_;
  const uint64_t size_;
  const std::string path_;
};

// Merges sorted ranges that touch.
std::vector<RowRange> MergeRanges(std::vector<RowRange> ranges) {
  std::vector<RowRange> merged;
  for (const RowRange& range : ranges) {
    if (range.begin >= range.end) {
      continue;
    }
    if (!merged.empty() && merged.back().end >= range.begin) {
      merged.back().end = std::max(merged.back().end, range.end);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

// Copies the rows `ranges` (sorted, disjoint, within source) of `source` into a new column.
ColumnPtr TakeRanges(const Column& source, std::span<const RowRange> ranges) {
  int64_t total = 0;
  for (const RowRange& range : ranges) {
    total += range.end - range.begin;
  }
  auto out = std::make_shared<Column>(source.type(), source.dictionary());
  if (source.type() == TypeId::kString) {
    out->Reserve(total);
    for (const RowRange& range : ranges) {
      for (int64_t i = range.begin; i < range.end; ++i) {
        if (source.IsNull(i)) {
          out->AppendNull();
        } else {
          out->AppendString(source.GetString(i));
        }
      }
    }
    return out;
  }
  out->ResizeFixed(total);
  const auto width = static_cast<size_t>(FixedWidth(source.type()));
  const uint8_t* from = source.data<uint8_t>();
  uint8_t* to = out->mutable_data<uint8_t>();
  int64_t at = 0;
  for (const RowRange& range : ranges) {
    const auto count = static_cast<size_t>(range.end - range.begin);
    std::memcpy(to + static_cast<size_t>(at) * width,
                from + static_cast<size_t>(range.begin) * width,
                count * width);
    at += range.end - range.begin;
  }
  if (source.has_nulls()) {
    Bitmap validity(total, true);
    at = 0;
    for (const RowRange& range : ranges) {
      for (int64_t i = range.begin; i < range.end; ++i, ++at) {
        if (source.IsNull(i)) {
          validity.Set(at, false);
        }
      }
    }
    out->SetValidity(std::move(validity));
  }
  return out;
}

std::string_view StatusMessage(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

}  // namespace

std::shared_ptr<RandomAccessSource> MemorySource(std::string bytes) {
  return std::make_shared<MemoryFileSource>(std::move(bytes));
}

absl::StatusOr<std::shared_ptr<RandomAccessSource>> LocalFileSource(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    std::string message = fmt::format("{}: {}", path, std::strerror(error));
    return error == ENOENT ? absl::NotFoundError(message) : absl::UnavailableError(message);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::UnavailableError(fmt::format("{}: fstat: {}", path, std::strerror(error)));
  }
  return std::make_shared<LocalFile>(fd, static_cast<uint64_t>(st.st_size), path);
}

FileReader::FileReader(std::shared_ptr<RandomAccessSource> source,
                       ReaderOptions options,
                       FileMetaData metadata,
                       uint64_t data_end)
    : source_(std::move(source)),
      options_(options),
      metadata_(std::move(metadata)),
      data_end_(data_end) {}

absl::StatusOr<std::unique_ptr<FileReader>> FileReader::Open(
    std::shared_ptr<RandomAccessSource> source, ReaderOptions options) {
  const uint64_t size = source->size();
  if (size < kParquetMagic.size() + kFooterTrailerSize) {
    return absl::DataLossError(
        fmt::format("parquet file: {} bytes are too few for a Parquet file", size));
  }
  const uint64_t tail_size = std::min(size, kInitialTailBytes);
  STRATA_ASSIGN_OR_RETURN(std::string tail, source->ReadAt(size - tail_size, tail_size));
  STRATA_ASSIGN_OR_RETURN(const uint32_t footer_length, ParseFooterLength(tail, size));
  if (footer_length > static_cast<uint64_t>(options.max_footer_bytes)) {
    return absl::ResourceExhaustedError(
        fmt::format("parquet file: the footer of {} bytes exceeds the limit of {}",
                    footer_length,
                    options.max_footer_bytes));
  }
  const uint64_t needed = uint64_t{footer_length} + kFooterTrailerSize;
  if (needed > tail.size()) {
    STRATA_ASSIGN_OR_RETURN(tail, source->ReadAt(size - needed, needed));
  }
  if (tail.size() < size) {
    // ParseFooter checks the leading magic only when it has the whole file.
    STRATA_ASSIGN_OR_RETURN(const std::string head, source->ReadAt(0, kParquetMagic.size()));
    if (head != kParquetMagic) {
      return absl::DataLossError("parquet file: the file does not start with PAR1");
    }
  }
  STRATA_ASSIGN_OR_RETURN(FileMetaData metadata, ParseFooter(tail, size));
  auto reader = std::unique_ptr<FileReader>(
      new FileReader(std::move(source), options, std::move(metadata), size - needed));
  STRATA_RETURN_IF_ERROR(reader->BuildSchema());
  STRATA_RETURN_IF_ERROR(reader->CheckRowGroups());
  if (reader->metadata_.key_value_metadata.has_value()) {
    reader->key_value_metadata_ = *reader->metadata_.key_value_metadata;
  }
  {
    absl::MutexLock lock(&reader->mutex_);
    reader->page_indexes_.resize(reader->metadata_.row_groups.size());
  }
  return reader;
}

absl::Status FileReader::BuildSchema() {
  const std::vector<SchemaElement>& elements = metadata_.schema;
  if (elements.empty()) {
    return absl::DataLossError("parquet file: the schema is empty");
  }
  const SchemaElement& root = elements[0];
  if (!root.num_children.has_value() || *root.num_children < 0) {
    return absl::DataLossError("parquet file: the schema's root is not a group");
  }
  const size_t size = elements.size();
  size_t index = 1;
  std::vector<Field> fields;
  for (int32_t child = 0; child < *root.num_children; ++child) {
    if (index >= size) {
      return absl::DataLossError(
          fmt::format("parquet file: the schema ends after {} of the root's {} children",
                      child,
                      *root.num_children));
    }
    const SchemaElement& top = elements[index];
    ColumnInfo info;
    info.name = top.name;
    info.leaf = num_leaves_;
    info.schema_element = static_cast<int>(index);
    // Walk the column's subtree: `pending` elements of it are still to come.
    uint64_t pending = 1;
    while (pending > 0) {
      if (index >= size) {
        return absl::DataLossError(
            fmt::format("parquet file: the schema ends inside column '{}' ({} elements missing)",
                        top.name,
                        pending));
      }
      const SchemaElement& element = elements[index++];
      --pending;
      if (element.num_children.has_value()) {
        if (*element.num_children < 0 ||
            static_cast<uint64_t>(*element.num_children) > size - index) {
          return absl::DataLossError(
              fmt::format("parquet file: schema element {} ('{}') has {} children, {} elements "
                          "follow it",
                          index - 1,
                          element.name,
                          *element.num_children,
                          size - index));
        }
        pending += static_cast<uint64_t>(*element.num_children);
      } else if (!element.type.has_value()) {
        return absl::DataLossError(
            fmt::format("parquet file: schema element {} ('{}') has neither a type nor children",
                        index - 1,
                        element.name));
      } else {
        ++num_leaves_;
      }
    }
    const int leaves = num_leaves_ - info.leaf;
    info.optional = top.repetition_type != FieldRepetitionType::kRequired;
    if (top.num_children.has_value() || top.repetition_type == FieldRepetitionType::kRepeated) {
      std::string_view kind = "a group";
      if (top.logical_type.has_value() && top.logical_type->kind == LogicalType::Kind::kList) {
        kind = "a LIST";
      } else if (top.logical_type.has_value() &&
                 top.logical_type->kind == LogicalType::Kind::kMap) {
        kind = "a MAP";
      } else if (top.converted_type == ConvertedType::kList) {
        kind = "a LIST";
      } else if (top.converted_type == ConvertedType::kMap ||
                 top.converted_type == ConvertedType::kMapKeyValue) {
        kind = "a MAP";
      } else if (top.repetition_type == FieldRepetitionType::kRepeated) {
        kind = "a repeated field";
      }
      info.support = absl::UnimplementedError(
          fmt::format("parquet column '{}' is {} of {} leaves; nested columns are not supported",
                      top.name,
                      kind,
                      leaves));
    } else {
      absl::StatusOr<LeafMapping> mapping = MapLeaf(top);
      if (mapping.ok()) {
        info.mapping = *mapping;
      } else {
        info.support = absl::Status(
            mapping.status().code(),
            fmt::format("parquet column '{}': {}", top.name, StatusMessage(mapping.status())));
      }
    }
    fields.push_back(
        Field{info.name, info.support.ok() ? info.mapping.type : TypeId::kNull, info.optional});
    columns_.push_back(std::move(info));
  }
  if (index != size) {
    return absl::DataLossError(
        fmt::format("parquet file: {} schema elements follow the root's {} children",
                    size - index,
                    *root.num_children));
  }
  schema_ = std::make_shared<const Schema>(std::move(fields));
  return absl::OkStatus();
}

absl::Status FileReader::CheckRowGroups() const {
  int64_t total = 0;
  // The physical type of every leaf, to check each chunk's.
  std::vector<std::optional<Type>> leaf_types;
  for (const SchemaElement& element : metadata_.schema) {
    if (!element.num_children.has_value()) {
      leaf_types.push_back(element.type);
    }
  }
  for (size_t rg = 0; rg < metadata_.row_groups.size(); ++rg) {
    const RowGroup& row_group = metadata_.row_groups[rg];
    if (row_group.num_rows < 0 || __builtin_add_overflow(total, row_group.num_rows, &total)) {
      return absl::DataLossError(
          fmt::format("parquet file: row group {} has {} rows", rg, row_group.num_rows));
    }
    if (row_group.columns.size() != static_cast<size_t>(num_leaves_)) {
      return absl::DataLossError(
          fmt::format("parquet file: row group {} has {} column chunks, the schema {} leaves",
                      rg,
                      row_group.columns.size(),
                      num_leaves_));
    }
    for (size_t c = 0; c < row_group.columns.size(); ++c) {
      const ColumnChunk& chunk = row_group.columns[c];
      if (chunk.file_path.has_value()) {
        return absl::UnimplementedError(
            fmt::format("parquet file: column chunk {} of row group {} lies in another file ({})",
                        c,
                        rg,
                        *chunk.file_path));
      }
      if (!chunk.meta_data.has_value()) {
        return absl::DataLossError(
            fmt::format("parquet file: column chunk {} of row group {} has no metadata", c, rg));
      }
      if (chunk.meta_data->type != leaf_types[c]) {
        return absl::DataLossError(fmt::format(
            "parquet file: column chunk {} of row group {} has type {}, its schema leaf {}",
            c,
            rg,
            ToString(chunk.meta_data->type),
            leaf_types[c].has_value() ? ToString(*leaf_types[c]) : "none"));
      }
    }
  }
  if (total != metadata_.num_rows) {
    return absl::DataLossError(
        fmt::format("parquet file: the row groups hold {} rows, the footer says {}",
                    total,
                    metadata_.num_rows));
  }
  return absl::OkStatus();
}

int64_t FileReader::row_group_rows(int row_group) const {
  return metadata_.row_groups[static_cast<size_t>(row_group)].num_rows;
}

const std::vector<KeyValue>& FileReader::key_value_metadata() const {
  return key_value_metadata_;
}

absl::Status FileReader::ColumnSupport(int column) const {
  if (column < 0 || column >= num_columns()) {
    return absl::OutOfRangeError(
        fmt::format("parquet file: column {} of a schema of {}", column, num_columns()));
  }
  return columns_[static_cast<size_t>(column)].support;
}

ColumnChunkStatistics FileReader::Statistics(int row_group, int column) const {
  ColumnChunkStatistics result;
  if (row_group < 0 || row_group >= num_row_groups() || column < 0 || column >= num_columns()) {
    return result;
  }
  const ColumnInfo& info = columns_[static_cast<size_t>(column)];
  if (!info.support.ok()) {
    return result;
  }
  const ColumnMetaData& meta =
      *metadata_.row_groups[static_cast<size_t>(row_group)].columns[info.leaf].meta_data;
  if (!meta.statistics.has_value()) {
    return result;
  }
  const parquet::Statistics& stats = *meta.statistics;
  result.null_count = stats.null_count;
  if (info.mapping.type == TypeId::kNull) {
    return result;  // no values, so no bounds
  }
  if (metadata_.column_orders.has_value() &&
      (metadata_.column_orders->size() <= static_cast<size_t>(info.leaf) ||
       (*metadata_.column_orders)[static_cast<size_t>(info.leaf)] !=
           ColumnOrder::kTypeDefinedOrder)) {
    return result;
  }
  const std::optional<std::string>* min = &stats.min_value;
  const std::optional<std::string>* max = &stats.max_value;
  if (!min->has_value() && !max->has_value()) {
    // The deprecated fields were compared as signed values (bytes too): trustworthy only where
    // that is the type's order.
    const TypeId type = info.mapping.type;
    if (type == TypeId::kString || type == TypeId::kUInt64) {
      return result;
    }
    min = &stats.min;
    max = &stats.max;
  }
  if (min->has_value()) {
    result.min = DecodeStatisticsValue(**min, info.mapping);
  }
  if (max->has_value()) {
    result.max = DecodeStatisticsValue(**max, info.mapping);
  }
  return result;
}

absl::Status FileReader::CheckColumns(int row_group, std::span<const int> columns) const {
  if (row_group < 0 || row_group >= num_row_groups()) {
    return absl::OutOfRangeError(
        fmt::format("parquet file: row group {} of a file of {}", row_group, num_row_groups()));
  }
  for (const int column : columns) {
    STRATA_RETURN_IF_ERROR(ColumnSupport(column));
  }
  return absl::OkStatus();
}

RecordBatch FileReader::MakeBatch(std::span<const int> columns,
                                  std::vector<ColumnPtr> data,
                                  int64_t num_rows) const {
  std::vector<Field> fields;
  fields.reserve(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    Field field = schema_->field(columns[i]);
    field.type = data[i]->type();
    fields.push_back(std::move(field));
  }
  return RecordBatch(std::make_shared<const Schema>(std::move(fields)), std::move(data), num_rows);
}

absl::StatusOr<RecordBatch> FileReader::ReadRowGroup(int row_group,
                                                     std::span<const int> columns) const {
  STRATA_RETURN_IF_ERROR(CheckColumns(row_group, columns));
  const int64_t rows = row_group_rows(row_group);
  const RowRange all{0, rows};
  std::vector<ColumnPtr> data;
  for (const int column : columns) {
    STRATA_ASSIGN_OR_RETURN(
        ColumnPtr read,
        ReadColumn(row_group, column, rows > 0 ? std::span(&all, 1) : std::span<RowRange>()));
    data.push_back(std::move(read));
  }
  return MakeBatch(columns, std::move(data), rows);
}

absl::StatusOr<RecordBatch> FileReader::ReadRowGroup(int row_group,
                                                     std::span<const int> columns,
                                                     std::span<const RowRange> rows) const {
  STRATA_RETURN_IF_ERROR(CheckColumns(row_group, columns));
  const int64_t row_group_size = row_group_rows(row_group);
  std::vector<RowRange> wanted;
  int64_t previous_end = 0;
  int64_t total = 0;
  for (const RowRange& range : rows) {
    if (range.begin < previous_end || range.end < range.begin || range.end > row_group_size) {
      return absl::InvalidArgumentError(fmt::format(
          "parquet file: row ranges must be sorted, disjoint and within the row group's {} rows; "
          "got [{}, {}) after row {}",
          row_group_size,
          range.begin,
          range.end,
          previous_end));
    }
    previous_end = range.end;
    total += range.end - range.begin;
    wanted.push_back(range);
  }
  wanted = MergeRanges(std::move(wanted));
  std::vector<ColumnPtr> data;
  for (const int column : columns) {
    STRATA_ASSIGN_OR_RETURN(ColumnPtr read, ReadColumn(row_group, column, wanted));
    data.push_back(std::move(read));
  }
  return MakeBatch(columns, std::move(data), total);
}

absl::StatusOr<ColumnPtr> FileReader::ReadColumn(int row_group,
                                                 int column,
                                                 std::span<const RowRange> rows) const {
  const ColumnInfo& info = columns_[static_cast<size_t>(column)];
  const ColumnChunk& chunk =
      metadata_.row_groups[static_cast<size_t>(row_group)].columns[info.leaf];
  const ColumnMetaData& meta = *chunk.meta_data;
  const int64_t row_group_size = row_group_rows(row_group);
  const std::string context =
      fmt::format("parquet column '{}' (row group {})", info.name, row_group);
  if (row_group_size > options_.max_row_group_rows) {
    return absl::ResourceExhaustedError(
        fmt::format("{}: {} rows exceed the limit of {} rows per row group",
                    context,
                    row_group_size,
                    options_.max_row_group_rows));
  }
  if (meta.num_values != row_group_size) {
    return absl::DataLossError(fmt::format(
        "{}: the chunk has {} values for {} rows", context, meta.num_values, row_group_size));
  }
  if (info.mapping.type == TypeId::kNull) {
    // An UNKNOWN (always null) column: nothing to decode.
    int64_t wanted = 0;
    for (const RowRange& range : rows) {
      wanted += range.end - range.begin;
    }
    auto nulls = std::make_shared<Column>(TypeId::kNull);
    nulls->AppendNulls(wanted);
    return nulls;
  }
  int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset.has_value() && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  const int64_t length = meta.total_compressed_size;
  if (start < static_cast<int64_t>(kParquetMagic.size()) || length < 0 ||
      static_cast<uint64_t>(start) > data_end_ ||
      static_cast<uint64_t>(length) > data_end_ - static_cast<uint64_t>(start)) {
    return absl::DataLossError(
        fmt::format("{}: the chunk's {} bytes at file offset {} lie outside the file's {} bytes "
                    "of pages",
                    context,
                    length,
                    start,
                    data_end_));
  }
  ColumnChunkSpec spec{.column_name = info.name,
                       .row_group = row_group,
                       .meta = &meta,
                       .mapping = info.mapping,
                       .optional = info.optional,
                       .options = &options_};
  auto read = [&](uint64_t offset, uint64_t size) -> absl::StatusOr<PageBytes> {
    absl::StatusOr<std::string> bytes = source_->ReadAt(offset, size);
    if (!bytes.ok()) {
      return Annotate(bytes.status(),
                      fmt::format("{}: reading {} bytes at file offset {}", context, size, offset));
    }
    return PageBytes{offset, *std::move(bytes)};
  };

  const bool whole = rows.size() == 1 && rows[0].begin == 0 && rows[0].end == row_group_size;
  std::shared_ptr<const RowGroupPageIndex> page_index;
  const OffsetIndex* offset_index = nullptr;
  if (!whole && !rows.empty()) {
    page_index = PageIndex(row_group);
    const auto& entry = page_index->offset_indexes[static_cast<size_t>(info.leaf)];
    if (entry.has_value()) {
      offset_index = &*entry;
    }
  }
  if (offset_index == nullptr) {
    // The whole chunk, then the rows wanted.
    std::vector<PageBytes> regions;
    if (rows.empty()) {
      auto empty = std::make_shared<Column>(info.mapping.type);
      return ColumnPtr(std::move(empty));
    }
    STRATA_ASSIGN_OR_RETURN(PageBytes bytes,
                            read(static_cast<uint64_t>(start), static_cast<uint64_t>(length)));
    regions.push_back(std::move(bytes));
    STRATA_ASSIGN_OR_RETURN(ColumnPtr full, DecodeColumnChunk(spec, regions, row_group_size));
    if (whole) {
      return full;
    }
    return TakeRanges(*full, rows);
  }

  // Only the pages that overlap `rows`, and the dictionary page before the first page.
  const std::vector<PageLocation>& pages = offset_index->page_locations;
  std::vector<size_t> selected;
  std::vector<int64_t> page_rows;
  std::vector<RowRange> positions;  // `rows` in the coordinates of the selected pages' rows
  int64_t decoded_rows = 0;
  size_t next_range = 0;
  for (size_t p = 0; p < pages.size() && next_range < rows.size(); ++p) {
    const int64_t page_begin = pages[p].first_row_index;
    const int64_t page_end = p + 1 < pages.size() ? pages[p + 1].first_row_index : row_group_size;
    bool overlaps = false;
    for (size_t r = next_range; r < rows.size() && rows[r].begin < page_end; ++r) {
      const int64_t begin = std::max(rows[r].begin, page_begin);
      const int64_t end = std::min(rows[r].end, page_end);
      if (begin < end) {
        overlaps = true;
        positions.push_back({decoded_rows + begin - page_begin, decoded_rows + end - page_begin});
      }
    }
    while (next_range < rows.size() && rows[next_range].end <= page_end) {
      ++next_range;
    }
    if (overlaps) {
      selected.push_back(p);
      page_rows.push_back(page_end - page_begin);
      decoded_rows += page_end - page_begin;
    }
  }
  std::vector<PageBytes> regions;
  if (start < pages[0].offset) {
    STRATA_ASSIGN_OR_RETURN(
        PageBytes dictionary,
        read(static_cast<uint64_t>(start), static_cast<uint64_t>(pages[0].offset - start)));
    regions.push_back(std::move(dictionary));
  }
  // Runs of consecutive pages are read at once.
  for (size_t i = 0; i < selected.size();) {
    size_t j = i;
    while (j + 1 < selected.size() && selected[j + 1] == selected[j] + 1) {
      ++j;
    }
    const PageLocation& first = pages[selected[i]];
    const PageLocation& last = pages[selected[j]];
    STRATA_ASSIGN_OR_RETURN(
        PageBytes bytes,
        read(static_cast<uint64_t>(first.offset),
             static_cast<uint64_t>(last.offset + last.compressed_page_size - first.offset)));
    regions.push_back(std::move(bytes));
    i = j + 1;
  }
  STRATA_ASSIGN_OR_RETURN(ColumnPtr decoded,
                          DecodeColumnChunk(spec, regions, decoded_rows, page_rows));
  positions = MergeRanges(std::move(positions));
  if (positions.size() == 1 && positions[0].begin == 0 && positions[0].end == decoded_rows) {
    return decoded;
  }
  return TakeRanges(*decoded, positions);
}

std::shared_ptr<const FileReader::RowGroupPageIndex> FileReader::PageIndex(int row_group) const {
  absl::MutexLock lock(&mutex_);
  auto& cached = page_indexes_[static_cast<size_t>(row_group)];
  if (cached != nullptr) {
    return cached;
  }
  auto index = std::make_shared<RowGroupPageIndex>();
  const RowGroup& rg = metadata_.row_groups[static_cast<size_t>(row_group)];
  index->column_indexes.resize(rg.columns.size());
  index->offset_indexes.resize(rg.columns.size());
  // One read covers every index of the row group (writers put them together after the row
  // groups); an index outside the file or a span over the footer limit is ignored, as if absent.
  auto valid = [&](const std::optional<int64_t>& offset, const std::optional<int32_t>& length) {
    return offset.has_value() && length.has_value() && *offset >= 4 && *length > 0 &&
           static_cast<uint64_t>(*offset) <= data_end_ &&
           static_cast<uint64_t>(*length) <= data_end_ - static_cast<uint64_t>(*offset);
  };
  int64_t span_begin = std::numeric_limits<int64_t>::max();
  int64_t span_end = 0;
  for (const ColumnChunk& chunk : rg.columns) {
    if (valid(chunk.column_index_offset, chunk.column_index_length)) {
      span_begin = std::min(span_begin, *chunk.column_index_offset);
      span_end = std::max(span_end, *chunk.column_index_offset + *chunk.column_index_length);
    }
    if (valid(chunk.offset_index_offset, chunk.offset_index_length)) {
      span_begin = std::min(span_begin, *chunk.offset_index_offset);
      span_end = std::max(span_end, *chunk.offset_index_offset + *chunk.offset_index_length);
    }
  }
  std::string bytes;
  if (span_begin < span_end && span_end - span_begin <= options_.max_footer_bytes) {
    absl::StatusOr<std::string> read = source_->ReadAt(
        static_cast<uint64_t>(span_begin), static_cast<uint64_t>(span_end - span_begin));
    if (read.ok()) {
      bytes = *std::move(read);
    }
  }
  if (!bytes.empty()) {
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& chunk = rg.columns[c];
      const ColumnMetaData& meta = *chunk.meta_data;
      int64_t chunk_begin = meta.data_page_offset;
      if (meta.dictionary_page_offset.has_value() && *meta.dictionary_page_offset > 0) {
        chunk_begin = std::min(chunk_begin, *meta.dictionary_page_offset);
      }
      // A chunk outside the file has no usable index (and reading it fails anyway); within the
      // file, the sums below cannot overflow.
      const bool chunk_in_file = chunk_begin >= 4 && meta.total_compressed_size >= 0 &&
                                 static_cast<uint64_t>(chunk_begin) <= data_end_ &&
                                 static_cast<uint64_t>(meta.total_compressed_size) <=
                                     data_end_ - static_cast<uint64_t>(chunk_begin);
      const int64_t chunk_end = chunk_in_file ? chunk_begin + meta.total_compressed_size : 0;
      if (chunk_in_file && valid(chunk.offset_index_offset, chunk.offset_index_length)) {
        absl::StatusOr<OffsetIndex> parsed =
            Parse<OffsetIndex>(std::string_view(bytes).substr(
                                   static_cast<size_t>(*chunk.offset_index_offset - span_begin),
                                   static_cast<size_t>(*chunk.offset_index_length)),
                               "parquet offset index",
                               /*consumed=*/nullptr);
        // Checked here once so that reads can trust it: pages in order, inside the chunk, the
        // first at row 0, rows increasing within the row group.
        bool ok = parsed.ok() && !parsed->page_locations.empty();
        if (ok) {
          const auto& pages = parsed->page_locations;
          ok = pages[0].first_row_index == 0;
          for (size_t p = 0; ok && p < pages.size(); ++p) {
            const PageLocation& page = pages[p];
            ok = page.compressed_page_size > 0 && page.offset >= chunk_begin &&
                 page.offset <= chunk_end && page.compressed_page_size <= chunk_end - page.offset &&
                 page.first_row_index < rg.num_rows &&
                 (p == 0 ||
                  (page.offset >= pages[p - 1].offset + pages[p - 1].compressed_page_size &&
                   page.first_row_index > pages[p - 1].first_row_index));
          }
        }
        if (ok) {
          index->offset_indexes[c] = *std::move(parsed);
        }
      }
      if (valid(chunk.column_index_offset, chunk.column_index_length) &&
          index->offset_indexes[c].has_value()) {
        absl::StatusOr<ColumnIndex> parsed =
            Parse<ColumnIndex>(std::string_view(bytes).substr(
                                   static_cast<size_t>(*chunk.column_index_offset - span_begin),
                                   static_cast<size_t>(*chunk.column_index_length)),
                               "parquet column index",
                               /*consumed=*/nullptr);
        const size_t pages = index->offset_indexes[c]->page_locations.size();
        if (parsed.ok() && parsed->null_pages.size() == pages &&
            parsed->min_values.size() == pages && parsed->max_values.size() == pages) {
          index->column_indexes[c] = *std::move(parsed);
        }
      }
    }
  }
  cached = std::move(index);
  return cached;
}

std::vector<RowRange> FileReader::CandidateRows(int row_group,
                                                int column,
                                                const Value& min,
                                                const Value& max) const {
  if (row_group < 0 || row_group >= num_row_groups() || column < 0 || column >= num_columns()) {
    return {};
  }
  const ColumnInfo& info = columns_[static_cast<size_t>(column)];
  if (!info.support.ok()) {
    return {};
  }
  const int64_t rows = row_group_rows(row_group);
  if (rows == 0 || info.mapping.type == TypeId::kNull) {
    return {};  // an always-null column holds no value in any range
  }
  const std::vector<RowRange> whole = {{0, rows}};
  const size_t alternative = ValueIndexForType(info.mapping.type);
  if (min.index() != alternative || max.index() != alternative) {
    return whole;
  }
  if (const double* bound = std::get_if<double>(&min);
      bound != nullptr && (std::isnan(*bound) || std::isnan(std::get<double>(max)))) {
    return whole;
  }
  if (metadata_.column_orders.has_value() &&
      (metadata_.column_orders->size() <= static_cast<size_t>(info.leaf) ||
       (*metadata_.column_orders)[static_cast<size_t>(info.leaf)] !=
           ColumnOrder::kTypeDefinedOrder)) {
    return whole;
  }
  const std::shared_ptr<const RowGroupPageIndex> index = PageIndex(row_group);
  const auto& column_index = index->column_indexes[static_cast<size_t>(info.leaf)];
  const auto& offset_index = index->offset_indexes[static_cast<size_t>(info.leaf)];
  if (!column_index.has_value() || !offset_index.has_value()) {
    return whole;
  }
  const std::vector<PageLocation>& pages = offset_index->page_locations;
  std::vector<RowRange> candidates;
  for (size_t p = 0; p < pages.size(); ++p) {
    if (column_index->null_pages[p]) {
      continue;
    }
    const std::optional<Value> page_min =
        DecodeStatisticsValue(column_index->min_values[p], info.mapping);
    const std::optional<Value> page_max =
        DecodeStatisticsValue(column_index->max_values[p], info.mapping);
    if (page_max.has_value() && CompareValues(*page_max, min) < 0) {
      continue;
    }
    if (page_min.has_value() && CompareValues(*page_min, max) > 0) {
      continue;
    }
    const int64_t end = p + 1 < pages.size() ? pages[p + 1].first_row_index : rows;
    candidates.push_back({pages[p].first_row_index, end});
  }
  return MergeRanges(std::move(candidates));
}

}  // namespace strata::parquet
