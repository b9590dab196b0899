// The Parquet result writer: a parquet::FileWriter whose row groups are handed out as they fill.
#include "format/parquet_result_writer.h"

#include <set>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fmt/format.h"

namespace strata::format {
namespace {

// The result's field names, made unique: an empty name becomes column<i>, and a name already
// used gets the first free suffix _1, _2, ... (a suffix that names a later column counts as used,
// so `a, a, a_1` becomes `a, a_2, a_1`).
std::vector<std::string> UniqueNames(const Schema& schema) {
  auto name_of = [&schema](int i) {
    const std::string& name = schema.field(i).name;
    return name.empty() ? fmt::format("column{}", i) : name;
  };
  std::set<std::string> given;
  for (int i = 0; i < schema.num_fields(); ++i) {
    given.insert(name_of(i));
  }
  std::set<std::string> used;
  std::vector<std::string> names;
  for (int i = 0; i < schema.num_fields(); ++i) {
    std::string name = name_of(i);
    for (int suffix = 1; used.contains(name); ++suffix) {
      std::string candidate = fmt::format("{}_{}", name_of(i), suffix);
      if (!given.contains(candidate)) {
        name = std::move(candidate);
      }
    }
    used.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ParquetResultWriter>> ParquetResultWriter::Create(SchemaPtr schema) {
  STRATA_CHECK(schema != nullptr);
  if (schema->num_fields() == 0) {
    return absl::UnimplementedError("a result without columns cannot be written as parquet");
  }
  const std::vector<std::string> names = UniqueNames(*schema);
  std::vector<Field> fields;
  for (int i = 0; i < schema->num_fields(); ++i) {
    fields.push_back(Field{names[static_cast<size_t>(i)], schema->field(i).type, true});
  }
  auto file_schema = std::make_shared<const Schema>(std::move(fields));
  parquet::WriterOptions options;
  options.codec = parquet::CompressionCodec::kZstd;
  options.max_row_group_rows = kRowGroupRows;
  options.timestamps_adjusted_to_utc = false;
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileWriter> writer,
                          parquet::FileWriter::Create(file_schema, std::move(options)));
  return std::unique_ptr<ParquetResultWriter>(
      new ParquetResultWriter(std::move(schema), std::move(file_schema), std::move(writer)));
}

ParquetResultWriter::ParquetResultWriter(SchemaPtr schema,
                                         SchemaPtr file_schema,
                                         std::unique_ptr<parquet::FileWriter> writer)
    : schema_(std::move(schema)),
      file_schema_(std::move(file_schema)),
      writer_(std::move(writer)) {}

void ParquetResultWriter::Begin(std::string* out) {
  writer_->TakeBytes(out);  // the magic
}

void ParquetResultWriter::WriteBatch(const RecordBatch& batch, std::string* out) {
  CheckMatchesSchema(batch, *schema_);
  if (!status_.ok() || batch.num_rows() == 0) {
    return;
  }
  status_ = writer_->WriteBatch(batch);
  if (!status_.ok()) {
    return;
  }
  // The file writer keeps the batch's columns until their rows are encoded: account for the
  // batches that still hold pending rows (the newest ones), and let go of the rest.
  size_t bytes = 0;
  for (const ColumnPtr& column : batch.columns()) {
    bytes += column->MemoryUsage();
  }
  held_.push_back(HeldBatch{batch.num_rows(), bytes});
  held_rows_ += batch.num_rows();
  pending_bytes_ += bytes;
  while (!held_.empty() && held_rows_ - held_.front().rows >= writer_->pending_rows()) {
    held_rows_ -= held_.front().rows;
    pending_bytes_ -= held_.front().bytes;
    held_.pop_front();
  }
  writer_->TakeBytes(out);
}

void ParquetResultWriter::Finish(std::string* out) {
  if (!status_.ok()) {
    return;
  }
  absl::StatusOr<std::string> rest = writer_->Finish();
  held_.clear();
  held_rows_ = 0;
  pending_bytes_ = 0;
  if (!rest.ok()) {
    status_ = rest.status();
    return;
  }
  if (out->empty()) {
    out->swap(*rest);
  } else {
    out->append(*rest);
  }
}

}  // namespace strata::format
