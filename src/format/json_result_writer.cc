// Row-at-a-time JSON encoding with per-column key prefixes built once, numbers formatted straight
// into the output buffer, and dictionary values escaped once per distinct value.
#include "format/json_result_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "format/byte_sink.h"
#include "format/float_format.h"
#include "format/string_encoding.h"
#include "format/timestamp_format.h"

namespace strata::format {
namespace {

// The room one non-string value needs (a float, a quoted timestamp, an integer), which also
// covers a padded copy of a short key.
constexpr size_t kMaxValueLength =
    std::max({kMaxFloatLength, kMaxTimestampLength + 2, size_t{20}, ByteSink::kPaddedCopy});

std::string EncodeKey(char lead, const std::string& name) {
  std::string key;
  {
    ByteSink sink(&key);
    sink.Append(lead);
    AppendJsonString(name, &sink);
    sink.Append(':');
  }
  return key;
}

std::string Padded(std::string bytes) {
  bytes.resize(bytes.size() + ByteSink::kPaddedCopy);
  return bytes;
}

}  // namespace

JsonResultWriter::ColumnState::ColumnState(const std::string& name)
    : first_key(Padded(EncodeKey('{', name))),
      next_key(Padded(EncodeKey(',', name))),
      key_length(first_key.size() - ByteSink::kPaddedCopy),
      dictionary(&AppendJsonString) {}

JsonResultWriter::JsonResultWriter(SchemaPtr schema, Layout layout)
    : schema_(std::move(schema)), layout_(layout) {
  columns_.reserve(static_cast<size_t>(schema_->num_fields()));
  for (const Field& field : schema_->fields()) {
    columns_.emplace_back(field.name);
  }
}

void JsonResultWriter::Begin(std::string* out) {
  if (layout_ == Layout::kArray) {
    out->push_back('[');
  }
}

void JsonResultWriter::WriteBatch(const RecordBatch& batch, std::string* out) {
  CheckMatchesSchema(batch, *schema_);
  const int num_columns = batch.num_columns();
  const bool lines = layout_ == Layout::kLines;
  ByteSink sink(out);
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    if (!lines && rows_written_ > 0) {
      sink.Append(',');
    }
    bool first = true;
    for (int c = 0; c < num_columns; ++c) {
      const Column& column = *batch.column(c);
      if (column.IsNull(row)) {
        continue;
      }
      ColumnState& state = columns_[static_cast<size_t>(c)];
      const std::string& key = first ? state.first_key : state.next_key;
      first = false;
      char* p = sink.Reserve(state.key_length + kMaxValueLength);
      if (state.key_length <= ByteSink::kPaddedCopy) [[likely]] {
        std::memcpy(p, key.data(), ByteSink::kPaddedCopy);
      } else {
        std::memcpy(p, key.data(), state.key_length);
      }
      p += state.key_length;
      switch (column.type()) {
        case TypeId::kFloat64: {
          const double value = column.data<double>()[row];
          if (std::isfinite(value)) [[likely]] {
            p = WriteFloat(value, FloatNotation::kJson, p);
          } else {
            std::memcpy(p, "null", 4);
            p += 4;
          }
          break;
        }
        case TypeId::kInt64:
          p = std::to_chars(p, p + kMaxValueLength, column.data<int64_t>()[row]).ptr;
          break;
        case TypeId::kUInt64:
          p = std::to_chars(p, p + kMaxValueLength, column.data<uint64_t>()[row]).ptr;
          break;
        case TypeId::kTimestamp:
          *p++ = '"';
          p = WriteTimestamp(column.data<int64_t>()[row], p);
          *p++ = '"';
          break;
        case TypeId::kBool:
          if (column.data<uint8_t>()[row] != 0) {
            std::memcpy(p, "true", 4);
            p += 4;
          } else {
            std::memcpy(p, "false", 5);
            p += 5;
          }
          break;
        case TypeId::kDictionary:
          sink.CommitTo(p);
          sink.AppendPadded(state.dictionary.Get(column.dictionary(), column.data<int32_t>()[row]));
          continue;
        case TypeId::kString:
          sink.CommitTo(p);
          AppendJsonString(column.GetString(row), &sink);
          continue;
        default:
          STRATA_CHECK(false && "JsonResultWriter: column type not writable as JSON");
      }
      sink.CommitTo(p);
    }
    if (first) {
      sink.Append("{}");
    } else {
      sink.Append('}');
    }
    if (lines) {
      sink.Append('\n');
    }
    ++rows_written_;
  }
}

void JsonResultWriter::WriteFragment(const RecordBatch& batch, std::string* fragment) {
  // Every row as one that follows others: preceded by ',' in the array layout.
  rows_written_ = std::max<int64_t>(rows_written_, 1);
  WriteBatch(batch, fragment);
}

void JsonResultWriter::AppendFragment(std::string* fragment, std::string* out) {
  if (fragment->empty()) {
    return;
  }
  if (layout_ == Layout::kArray && rows_written_ == 0) {
    STRATA_DCHECK_EQ((*fragment)[0], ',');
    out->append(*fragment, 1);
  } else if (out->empty()) {
    out->swap(*fragment);
  } else {
    out->append(*fragment);
  }
  rows_written_ = std::max<int64_t>(rows_written_, 1);
}

void JsonResultWriter::Finish(std::string* out) {
  if (layout_ == Layout::kArray) {
    out->push_back(']');
  }
}

}  // namespace strata::format
