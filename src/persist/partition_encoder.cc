// Sorting a partition's rows by series and time, gathering them into columns, and writing them.
#include "persist/partition_encoder.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "buffer/column_statistics.h"
#include "common/status.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace strata::persist {
namespace {

// A row of the partition: its chunk and its row in the chunk.
struct RowRef {
  uint32_t chunk;
  uint32_t row;
};

// One output column: its catalog column and where its values are in each chunk.
struct OutputColumn {
  const catalog::ColumnSchema* schema;
  TypeId type;                                   // as in the chunks (kDictionary for tags)
  std::vector<const Column*> per_chunk;          // null where a chunk has no value for it
  std::shared_ptr<StringDictionary> dictionary;  // tags: the latest generation seen
};

// Appends row `ref` of `column` (which may be absent in its chunk) to `out`.
void AppendValue(const OutputColumn& column, RowRef ref, Column* out) {
  const Column* in = column.per_chunk[ref.chunk];
  if (in == nullptr || in->IsNull(ref.row)) {
    out->AppendNull();
    return;
  }
  switch (column.type) {
    case TypeId::kBool:
      out->AppendBool(in->GetBool(ref.row));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      out->AppendInt64(in->GetInt64(ref.row));
      break;
    case TypeId::kUInt64:
      out->AppendUInt64(in->GetUInt64(ref.row));
      break;
    case TypeId::kFloat64:
      out->AppendFloat64(in->GetFloat64(ref.row));
      break;
    case TypeId::kString:
      out->AppendString(in->GetString(ref.row));
      break;
    case TypeId::kDictionary:
      // Every chunk's dictionary is a prefix of the latest generation: codes carry over.
      out->AppendDictionaryCode(in->GetDictionaryCode(ref.row));
      break;
    case TypeId::kNull:
    case TypeId::kInterval:
      out->AppendNull();
      break;
  }
}

ColumnStats StatsOf(uint32_t column_id, const Column& column) {
  buffer::ColumnStatisticsBuilder builder(column.type());
  for (int64_t i = 0; i < column.size(); ++i) {
    if (column.IsNull(i)) {
      continue;
    }
    switch (column.type()) {
      case TypeId::kBool:
        builder.AddBool(column.GetBool(i));
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        builder.AddInt64(column.GetInt64(i));
        break;
      case TypeId::kUInt64:
        builder.AddUInt64(column.GetUInt64(i));
        break;
      case TypeId::kFloat64:
        builder.AddFloat64(column.GetFloat64(i));
        break;
      case TypeId::kString:
      case TypeId::kDictionary:
        builder.AddString(column.GetString(i));
        break;
      default:
        break;
    }
  }
  buffer::ColumnStatistics stats = builder.Finish(column.null_count());
  return ColumnStats{column_id, stats.null_count, stats.min, stats.max};
}

}  // namespace

absl::StatusOr<EncodedFile> EncodePartition(const buffer::WriteBuffer::FrozenTablePartition& frozen,
                                            const catalog::TableSchema& table,
                                            const parquet::WriterOptions& options) {
  const std::vector<buffer::ChunkSnapshotPtr>& chunks = frozen.partition.chunks;

  // The columns present in any chunk, in column id order, time first.
  std::vector<OutputColumn> columns;
  std::vector<int> column_of_id(table.column_count(), -1);
  for (size_t c = 0; c < chunks.size(); ++c) {
    for (const buffer::ChunkColumnSnapshot& column : chunks[c]->columns()) {
      const catalog::ColumnSchema* schema = table.ColumnById(column.column_id);
      if (schema == nullptr) {
        return absl::InternalError(fmt::format(
            "table {} has no column {} that its rows use", table.name(), column.column_id));
      }
      int& index = column_of_id[column.column_id];
      if (index < 0) {
        index = static_cast<int>(columns.size());
        columns.push_back(OutputColumn{schema, column.column->type(), {}, nullptr});
        columns.back().per_chunk.assign(chunks.size(), nullptr);
      }
      OutputColumn& out = columns[static_cast<size_t>(index)];
      if (out.type != column.column->type()) {
        return absl::InternalError(
            fmt::format("column {} of table {} is {} in one chunk and {} in "
                        "another",
                        schema->name,
                        table.name(),
                        TypeName(out.type),
                        TypeName(column.column->type())));
      }
      out.per_chunk[c] = column.column.get();
      if (out.type == TypeId::kDictionary &&
          (out.dictionary == nullptr ||
           column.column->dictionary()->size() > out.dictionary->size())) {
        out.dictionary = column.column->dictionary();
      }
    }
  }
  std::sort(columns.begin(), columns.end(), [](const OutputColumn& a, const OutputColumn& b) {
    return a.schema->id < b.schema->id;
  });

  // Sort order: each tag's values by their bytes (a code's rank in its dictionary), an absent
  // tag first; then time.
  struct TagOrder {
    const OutputColumn* column;
    std::vector<int32_t> rank_of_code;
  };
  std::vector<TagOrder> tags;
  for (const OutputColumn& column : columns) {
    if (column.schema->kind != catalog::ColumnKind::kTag || column.dictionary == nullptr) {
      continue;
    }
    const StringDictionary& dictionary = *column.dictionary;
    std::vector<int32_t> codes(static_cast<size_t>(dictionary.size()));
    std::iota(codes.begin(), codes.end(), 0);
    std::sort(codes.begin(), codes.end(), [&](int32_t a, int32_t b) {
      return dictionary.Value(a) < dictionary.Value(b);
    });
    TagOrder order{&column, std::vector<int32_t>(codes.size())};
    for (size_t rank = 0; rank < codes.size(); ++rank) {
      order.rank_of_code[static_cast<size_t>(codes[rank])] = static_cast<int32_t>(rank);
    }
    tags.push_back(std::move(order));
  }
  std::vector<RowRef> rows;
  rows.reserve(static_cast<size_t>(frozen.partition.rows));
  for (size_t c = 0; c < chunks.size(); ++c) {
    for (int64_t r = 0; r < chunks[c]->row_count(); ++r) {
      rows.push_back(RowRef{static_cast<uint32_t>(c), static_cast<uint32_t>(r)});
    }
  }
  auto tag_rank = [&](const TagOrder& tag, RowRef ref) -> int32_t {
    const Column* column = tag.column->per_chunk[ref.chunk];
    if (column == nullptr || column->IsNull(ref.row)) {
      return -1;
    }
    return tag.rank_of_code[static_cast<size_t>(column->GetDictionaryCode(ref.row))];
  };
  auto time_of = [&](RowRef ref) { return chunks[ref.chunk]->time_column()->GetInt64(ref.row); };
  std::sort(rows.begin(), rows.end(), [&](RowRef a, RowRef b) {
    for (const TagOrder& tag : tags) {
      int32_t ra = tag_rank(tag, a);
      int32_t rb = tag_rank(tag, b);
      if (ra != rb) {
        return ra < rb;
      }
    }
    return time_of(a) < time_of(b);
  });

  // Gather the columns in that order.
  const int64_t n = static_cast<int64_t>(rows.size());
  auto time = std::make_shared<Column>(TypeId::kTimestamp);
  time->Reserve(n);
  for (RowRef ref : rows) {
    time->AppendInt64(time_of(ref));
  }
  std::vector<SortedColumn> gathered;
  for (const OutputColumn& column : columns) {
    auto out = std::make_shared<Column>(column.type, column.dictionary);
    out->Reserve(n);
    for (RowRef ref : rows) {
      AppendValue(column, ref, out.get());
    }
    gathered.push_back(SortedColumn{column.schema, std::move(out)});
  }
  STRATA_ASSIGN_OR_RETURN(EncodedFile file, EncodeSortedColumns(table, time, gathered, options));
  if (n == 0) {
    file.min_time = file.max_time = frozen.partition.start;
  }
  return file;
}

absl::StatusOr<EncodedFile> EncodeSortedColumns(const catalog::TableSchema& table,
                                                const ColumnPtr& time,
                                                const std::vector<SortedColumn>& columns,
                                                const parquet::WriterOptions& options) {
  const int64_t n = time->size();
  std::vector<Field> fields;
  std::vector<ColumnPtr> values;
  EncodedFile file;
  file.row_count = n;
  file.min_time = std::numeric_limits<int64_t>::max();
  file.max_time = std::numeric_limits<int64_t>::min();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t t = time->GetInt64(i);
    file.min_time = std::min(file.min_time, t);
    file.max_time = std::max(file.max_time, t);
  }
  const catalog::ColumnSchema& time_schema = table.columns()[0];
  fields.push_back(Field{time_schema.name, TypeId::kTimestamp, /*nullable=*/false});
  values.push_back(time);
  nlohmann::json described = nlohmann::json::array();
  described.push_back({{"name", time_schema.name},
                       {"id", time_schema.id},
                       {"kind", "time"},
                       {"type", "timestamp"}});
  for (const SortedColumn& column : columns) {
    if (column.values->size() != n) {
      return absl::InternalError(fmt::format("column {} of table {} has {} rows, not {}",
                                             column.schema->name,
                                             table.name(),
                                             column.values->size(),
                                             n));
    }
    if (column.values->null_count() == n) {
      continue;
    }
    fields.push_back(Field{column.schema->name, column.values->type(), /*nullable=*/true});
    described.push_back(
        {{"name", column.schema->name},
         {"id", column.schema->id},
         {"kind", catalog::ColumnKindName(column.schema->kind)},
         {"type", catalog::ColumnTypeName(column.schema->kind, column.schema->type)}});
    file.columns.push_back(StatsOf(column.schema->id, *column.values));
    values.push_back(column.values);
  }

  parquet::WriterOptions writer_options = options;
  // `time` as InfluxDB 3 writes it (Arrow's Timestamp(ns) without a zone): readers such as DuckDB
  // then keep every nanosecond, where a UTC-adjusted column becomes microseconds there.
  writer_options.timestamps_adjusted_to_utc = false;
  writer_options.key_value_metadata.push_back(parquet::KeyValue{
      std::string(kStrataColumnsKey),
      nlohmann::json{{"table_id", table.id()}, {"columns", std::move(described)}}.dump()});
  auto schema = std::make_shared<const Schema>(std::move(fields));
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileWriter> writer,
                          parquet::FileWriter::Create(schema, std::move(writer_options)));
  STRATA_RETURN_IF_ERROR(writer->WriteBatch(RecordBatch(schema, std::move(values), n)));
  STRATA_ASSIGN_OR_RETURN(file.bytes, writer->Finish());
  return file;
}

PartitionEncoder MakeCatalogPartitionEncoder(const catalog::Catalog* catalog,
                                             parquet::WriterOptions options) {
  return
      [catalog, options = std::move(options)](
          const buffer::WriteBuffer::FrozenTablePartition& frozen) -> absl::StatusOr<EncodedFile> {
        std::shared_ptr<const catalog::CatalogSnapshot> snapshot = catalog->snapshot();
        const catalog::DatabaseSchema* database = snapshot->DatabaseById(frozen.database_id);
        const catalog::TableSchema* table =
            database == nullptr ? nullptr : database->TableById(frozen.table_id);
        if (table == nullptr) {
          return absl::InternalError(fmt::format(
              "the catalog has no table {} in database {}", frozen.table_id, frozen.database_id));
        }
        return EncodePartition(frozen, *table, options);
      };
}

}  // namespace strata::persist
