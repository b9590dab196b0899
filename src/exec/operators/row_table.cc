// Concatenation and gathering of materialized rows.
#include "exec/operators/row_table.h"

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

absl::StatusOr<RowTable> ReadAll(BatchStream* input, SchemaPtr schema, const TaskContext& context) {
  std::vector<std::vector<ColumnPtr>> parts(static_cast<size_t>(schema->num_fields()));
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
    for (int c = 0; c < dense.num_columns(); ++c) {
      parts[static_cast<size_t>(c)].push_back(dense.column(c));
    }
    table.num_rows += dense.num_rows();
  }
  for (int c = 0; c < table.schema->num_fields(); ++c) {
    auto& column_parts = parts[static_cast<size_t>(c)];
    if (column_parts.empty()) {
      TypeId type = table.schema->field(c).type;
      table.columns.push_back(
          std::make_shared<Column>(type == TypeId::kDictionary ? TypeId::kString : type));
    } else {
      table.columns.push_back(Concatenate(column_parts));
    }
  }
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

}  // namespace strata::exec
