// ResultWriter::Create: checks that every column can be written, then picks the writer.
#include "format/result_writer.h"

#include "fmt/format.h"
#include "format/csv_result_writer.h"
#include "format/json_result_writer.h"
#include "format/parquet_result_writer.h"
#include "format/pretty_result_writer.h"

namespace strata::format {
namespace {

// The column types every format can write. A kNull column (an untyped NULL in the select list)
// holds only nulls, so it is written as nulls are: left out of JSON objects, empty in CSV and
// pretty, an always-null (UNKNOWN) column in Parquet. kInterval is not: arrow's text for
// intervals has changed between the releases InfluxDB 3 has shipped with, so there is no single
// spelling to match yet, and arrow-rs does not write month-day-nanosecond intervals to Parquet.
bool IsWritableType(TypeId type) {
  switch (type) {
    case TypeId::kNull:
    case TypeId::kBool:
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kString:
    case TypeId::kDictionary:
    case TypeId::kTimestamp:
      return true;
    default:
      return false;
  }
}

}  // namespace

void ResultWriter::CheckMatchesSchema(const RecordBatch& batch, const Schema& schema) {
  STRATA_CHECK_EQ(batch.num_columns(), schema.num_fields());
#ifndef NDEBUG
  for (int c = 0; c < batch.num_columns(); ++c) {
    const TypeId actual = batch.column(c)->type();
    const TypeId expected = schema.field(c).type;
    STRATA_DCHECK(actual == expected || (IsStringType(actual) && IsStringType(expected)));
  }
#endif
}

void ResultWriter::WriteFragment(const RecordBatch& batch, std::string* fragment) {
  STRATA_CHECK(supports_fragments());
  WriteBatch(batch, fragment);
}

void ResultWriter::AppendFragment(std::string* fragment, std::string* out) {
  STRATA_CHECK(supports_fragments());
  if (out->empty()) {
    out->swap(*fragment);
  } else {
    out->append(*fragment);
  }
}

absl::StatusOr<std::unique_ptr<ResultWriter>> ResultWriter::Create(ResultFormat format,
                                                                   SchemaPtr schema) {
  STRATA_CHECK(schema != nullptr);
  for (const Field& field : schema->fields()) {
    if (!IsWritableType(field.type)) {
      return absl::UnimplementedError(
          fmt::format("column '{}' has type {}, which {} output cannot "
                      "write yet",
                      field.name,
                      TypeName(field.type),
                      FormatName(format)));
    }
  }
  switch (format) {
    case ResultFormat::kJson:
      return std::make_unique<JsonResultWriter>(std::move(schema),
                                                JsonResultWriter::Layout::kArray);
    case ResultFormat::kJsonLines:
      return std::make_unique<JsonResultWriter>(std::move(schema),
                                                JsonResultWriter::Layout::kLines);
    case ResultFormat::kCsv:
      return std::make_unique<CsvResultWriter>(std::move(schema));
    case ResultFormat::kPretty:
      return std::make_unique<PrettyResultWriter>(std::move(schema));
    case ResultFormat::kParquet: {
      absl::StatusOr<std::unique_ptr<ParquetResultWriter>> writer =
          ParquetResultWriter::Create(std::move(schema));
      if (!writer.ok()) {
        return writer.status();
      }
      return std::unique_ptr<ResultWriter>(*std::move(writer));
    }
  }
  return absl::UnimplementedError(fmt::format("{} output is not supported", FormatName(format)));
}

}  // namespace strata::format
