// Helpers shared by the Parquet file tests: building batches, writing and reading whole files,
// and comparing columns value by value (doubles by their bits, so NaN and -0.0 count).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "gtest/gtest.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace strata::parquet::testing {

inline RecordBatch MakeBatch(const SchemaPtr& schema,
                             std::vector<std::shared_ptr<Column>> columns) {
  const int64_t rows = columns.empty() ? 0 : columns[0]->size();
  std::vector<ColumnPtr> shared(columns.begin(), columns.end());
  return RecordBatch(schema, std::move(shared), rows);
}

inline std::string WriteFile(const SchemaPtr& schema,
                             const std::vector<RecordBatch>& batches,
                             WriterOptions options = {}) {
  auto writer = FileWriter::Create(schema, std::move(options));
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) {
    return {};
  }
  for (const RecordBatch& batch : batches) {
    absl::Status status = (*writer)->WriteBatch(batch);
    EXPECT_TRUE(status.ok()) << status;
  }
  auto file = (*writer)->Finish();
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : std::string();
}

inline std::unique_ptr<FileReader> OpenFile(const std::string& file, ReaderOptions options = {}) {
  auto reader = FileReader::Open(MemorySource(file), options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? *std::move(reader) : nullptr;
}

// Every row group's batch with all columns.
inline std::vector<RecordBatch> ReadAll(const FileReader& reader) {
  std::vector<int> columns;
  for (int i = 0; i < reader.num_columns(); ++i) {
    columns.push_back(i);
  }
  std::vector<RecordBatch> batches;
  for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
    auto batch = reader.ReadRowGroup(rg, columns);
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (batch.ok()) {
      batches.push_back(*std::move(batch));
    }
  }
  return batches;
}

// A value of row i as text: "null", or its value (doubles as their bits).
inline std::string Cell(const Column& column, int64_t i) {
  if (column.IsNull(i)) {
    return "null";
  }
  switch (column.type()) {
    case TypeId::kBool:
      return column.GetBool(i) ? "true" : "false";
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::to_string(column.GetInt64(i));
    case TypeId::kUInt64:
      return std::to_string(column.GetUInt64(i));
    case TypeId::kFloat64: {
      const double value = column.GetFloat64(i);
      uint64_t bits = 0;
      std::memcpy(&bits, &value, 8);
      return std::to_string(value) + "/" + std::to_string(bits);
    }
    case TypeId::kString:
    case TypeId::kDictionary:
      return "'" + std::string(column.GetString(i)) + "'";
    default:
      return "?";
  }
}

// Expects rows [offset, offset + count) of `expected` to equal `actual`'s rows 0..count-1.
inline void ExpectColumnEquals(const Column& expected,
                               int64_t offset,
                               const Column& actual,
                               const std::string& what) {
  ASSERT_LE(offset + actual.size(), expected.size()) << what;
  int failures = 0;
  for (int64_t i = 0; i < actual.size() && failures < 5; ++i) {
    const std::string want = Cell(expected, offset + i);
    const std::string got = Cell(actual, i);
    if (want != got) {
      ADD_FAILURE() << what << " row " << offset + i << ": expected " << want << ", got " << got;
      ++failures;
    }
  }
}

}  // namespace strata::parquet::testing
