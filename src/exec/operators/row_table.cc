// Concatenation and gathering of materialized rows.
#include "exec/operators/row_table.h"

#include <algorithm>
#include <cstring>

#include "common/status.h"
#include "exec/take.h"

namespace strata::exec {

void AppendRowTo(const Column& source, int64_t row, Column* target) {
  if (source.IsNull(row) || source.type() == TypeId::kNull) {
    target->AppendNull();
    return;
  }
  switch (source.type()) {
    case TypeId::kBool:
      target->AppendBool(source.GetBool(row));
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      target->AppendInt64(source.GetInt64(row));
      return;
    case TypeId::kUInt64:
      target->AppendUInt64(source.GetUInt64(row));
      return;
    case TypeId::kFloat64:
      target->AppendFloat64(source.GetFloat64(row));
      return;
    case TypeId::kDictionary:
      if (target->type() == TypeId::kDictionary && target->dictionary() == source.dictionary()) {
        target->AppendDictionaryCode(source.GetDictionaryCode(row));
        return;
      }
      target->AppendString(source.GetString(row));
      return;
    case TypeId::kString:
      target->AppendString(source.GetString(row));
      return;
    case TypeId::kInterval:
      target->ResizeFixed(target->size() + 1);
      target->mutable_data<Interval>()[target->size() - 1] = source.data<Interval>()[row];
      return;
    case TypeId::kNull:
      return;
  }
}

namespace {

bool AllDictionaries(const std::vector<ColumnPtr>& parts) {
  for (const ColumnPtr& part : parts) {
    if (part->type() != TypeId::kDictionary) {
      return false;
    }
  }
  return true;
}

// Dictionary columns with different dictionaries (one per buffer chunk or Parquet file) as one
// dictionary column: the values the parts use go into a new dictionary and each part's codes are
// mapped onto it, so that tags stay codes instead of becoming a string per row.
ColumnPtr ConcatenateDictionaries(const std::vector<ColumnPtr>& parts, int64_t rows, bool nulls) {
  auto dictionary = std::make_shared<StringDictionary>();
  auto out = std::make_shared<Column>(TypeId::kDictionary, dictionary);
  out->ResizeFixed(rows);
  int32_t* codes = out->mutable_data<int32_t>();
  Bitmap validity;
  if (nulls) {
    validity.Resize(rows, true);
  }
  std::vector<int32_t> remap;  // a part's code -> the new code; -1: not seen yet
  int64_t offset = 0;
  for (const ColumnPtr& part : parts) {
    const StringDictionary& from = *part->dictionary();
    const int32_t* in = part->data<int32_t>();
    // Large dictionaries that a small part hardly uses (a file's, after a selective filter) are
    // mapped one value at a time.
    const bool dense = from.size() <= 4 * part->size() + 1024;
    if (dense) {
      remap.assign(static_cast<size_t>(from.size()), -1);
    }
    for (int64_t i = 0; i < part->size(); ++i) {
      if (part->IsNull(i)) {
        validity.Set(offset + i, false);
        codes[offset + i] = 0;
        continue;
      }
      const int32_t code = in[i];
      if (!dense) {
        codes[offset + i] = dictionary->GetOrInsert(from.Value(code));
        continue;
      }
      int32_t& mapped = remap[static_cast<size_t>(code)];
      if (mapped < 0) {
        mapped = dictionary->GetOrInsert(from.Value(code));
      }
      codes[offset + i] = mapped;
    }
    offset += part->size();
  }
  if (nulls) {
    out->SetValidity(std::move(validity));
  }
  return out;
}

}  // namespace

ColumnPtr Concatenate(const std::vector<ColumnPtr>& parts) {
  if (parts.size() == 1) {
    return parts[0];
  }
  TypeId type = parts.empty() ? TypeId::kNull : parts[0]->type();
  std::shared_ptr<StringDictionary> dictionary;
  bool mixed = false;
  int64_t rows = 0;
  bool nulls = false;
  for (const ColumnPtr& part : parts) {
    rows += part->size();
    nulls = nulls || part->has_nulls();
    if (part->type() != type) {
      mixed = true;
    }
    if (part->type() == TypeId::kDictionary) {
      if (dictionary == nullptr) {
        dictionary = part->dictionary();
      } else if (dictionary != part->dictionary()) {
        mixed = true;
      }
    }
  }
  if (type == TypeId::kDictionary && mixed && AllDictionaries(parts)) {
    return ConcatenateDictionaries(parts, rows, nulls);
  }
  if (IsStringType(type) && (mixed || type == TypeId::kString)) {
    auto out = std::make_shared<Column>(TypeId::kString);
    out->Reserve(rows);
    for (const ColumnPtr& part : parts) {
      for (int64_t i = 0; i < part->size(); ++i) {
        if (part->IsNull(i)) {
          out->AppendNull();
        } else {
          out->AppendString(part->GetString(i));
        }
      }
    }
    return out;
  }
  if (type == TypeId::kNull) {
    auto out = std::make_shared<Column>(TypeId::kNull);
    out->AppendNulls(rows);
    return out;
  }
  auto out = std::make_shared<Column>(type, dictionary);
  out->ResizeFixed(rows);
  const size_t width = static_cast<size_t>(FixedWidth(type));
  Bitmap validity;
  if (nulls) {
    validity.Resize(rows, true);
  }
  int64_t offset = 0;
  for (const ColumnPtr& part : parts) {
    if (part->size() > 0) {
      std::memcpy(out->mutable_data<uint8_t>() + static_cast<size_t>(offset) * width,
                  part->data<uint8_t>(),
                  static_cast<size_t>(part->size()) * width);
    }
    if (nulls && part->has_nulls()) {
      for (int64_t i = 0; i < part->size(); ++i) {
        if (part->IsNull(i)) {
          validity.Set(offset + i, false);
        }
      }
    }
    offset += part->size();
  }
  if (nulls) {
    out->SetValidity(std::move(validity));
  }
  return out;
}

int64_t ColumnsBytes(const std::vector<ColumnPtr>& columns) {
  int64_t bytes = 0;
  for (const ColumnPtr& column : columns) {
    bytes += static_cast<int64_t>(column->MemoryUsage());
  }
  return bytes;
}

absl::StatusOr<RowTable> ReadAll(BatchStream* input,
                                 SchemaPtr schema,
                                 const TaskContext& context,
                                 MemoryReservation* reservation) {
  std::vector<std::vector<ColumnPtr>> parts(static_cast<size_t>(schema->num_fields()));
  std::vector<int64_t> part_bytes(parts.size(), 0);
  RowTable table;
  table.schema = std::move(schema);
  for (;;) {
    STRATA_RETURN_IF_ERROR(context.CheckCancelled());
    Batch batch;
    STRATA_ASSIGN_OR_RETURN(bool more, input->Next(&batch));
    if (!more) {
      break;
    }
    if (batch.length() == 0) {
      continue;
    }
    Batch dense = batch.Compact();
    int64_t bytes = 0;
    for (int c = 0; c < dense.num_columns(); ++c) {
      int64_t column_bytes = static_cast<int64_t>(dense.column(c)->MemoryUsage());
      part_bytes[static_cast<size_t>(c)] += column_bytes;
      bytes += column_bytes;
    }
    STRATA_RETURN_IF_ERROR(reservation->TryGrow(bytes));
    for (int c = 0; c < dense.num_columns(); ++c) {
      parts[static_cast<size_t>(c)].push_back(dense.column(c));
    }
    table.num_rows += dense.num_rows();
  }
  // Concatenating a column of several parts copies it: reserve the copy before making it.
  int64_t copy_bytes = 0;
  for (size_t c = 0; c < parts.size(); ++c) {
    if (parts[c].size() > 1) {
      copy_bytes += part_bytes[c];
    }
  }
  STRATA_RETURN_IF_ERROR(reservation->TryGrow(copy_bytes));
  for (int c = 0; c < table.schema->num_fields(); ++c) {
    auto& column_parts = parts[static_cast<size_t>(c)];
    if (column_parts.empty()) {
      TypeId type = table.schema->field(c).type;
      table.columns.push_back(
          std::make_shared<Column>(type == TypeId::kDictionary ? TypeId::kString : type));
    } else {
      table.columns.push_back(Concatenate(column_parts));
    }
    column_parts = {};  // the parts are garbage once copied
  }
  STRATA_RETURN_IF_ERROR(reservation->TryResize(ColumnsBytes(table.columns)));
  return table;
}

std::vector<Batch> TakeBatches(const RowTable& table,
                               const uint32_t* indices,
                               int64_t n,
                               int64_t batch_size) {
  batch_size = std::clamp<int64_t>(batch_size, 1, kMaxBatchRows);
  std::vector<Batch> batches;
  for (int64_t start = 0; start < n; start += batch_size) {
    int64_t count = std::min(batch_size, n - start);
    std::vector<ColumnPtr> columns;
    columns.reserve(table.columns.size());
    for (const ColumnPtr& column : table.columns) {
      columns.push_back(Take(*column, indices + start, count));
    }
    batches.emplace_back(table.schema, std::move(columns), count);
  }
  return batches;
}

GatherStream::GatherStream(SchemaPtr schema,
                           RowTable table,
                           std::vector<uint32_t> indices,
                           std::vector<ColumnPtr> extra,
                           int64_t batch_size,
                           MemoryReservation reservation)
    : schema_(std::move(schema)),
      table_(std::move(table)),
      indices_(std::move(indices)),
      extra_(std::move(extra)),
      batch_size_(std::clamp<int64_t>(batch_size, 1, kMaxBatchRows)),
      reservation_(std::move(reservation)) {}

absl::StatusOr<bool> GatherStream::Next(Batch* out) {
  const int64_t n = static_cast<int64_t>(indices_.size());
  if (next_ >= n) {
    Release();
    return false;
  }
  const int64_t count = std::min(batch_size_, n - next_);
  std::vector<ColumnPtr> columns;
  columns.reserve(table_.columns.size() + extra_.size());
  for (const ColumnPtr& column : table_.columns) {
    columns.push_back(Take(*column, indices_.data() + next_, count));
  }
  for (const ColumnPtr& column : extra_) {
    columns.push_back(Slice(*column, next_, count));
  }
  next_ += count;
  *out = Batch(schema_, std::move(columns), count);
  if (next_ >= n) {
    Release();
  }
  return true;
}

void GatherStream::Release() {
  table_.columns.clear();
  extra_.clear();
  indices_ = {};
  next_ = 0;
  reservation_.Free();
}

}  // namespace strata::exec
