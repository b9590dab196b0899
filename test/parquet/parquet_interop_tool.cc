// The strata side of the DuckDB interop test (duckdb_interop.mjs):
//   parquet_interop_tool write <dir>   writes strata Parquet files into <dir>, each with a
//                                      <file>.expected.jsonl of the rows it holds
//   parquet_interop_tool dump <file>   reads a Parquet file with strata and prints its rows
//   parquet_interop_tool corpus <dir>  writes small files of the same kinds: the seeds of
//                                      fuzz/corpus/parquet_reader
// Both print one JSON header line {"columns": [{"name", "type"}...]} then one JSON array per
// row, every value a string or null in one canonical form that the script also derives from
// DuckDB's results: integers in decimal, timestamps as nanoseconds since the epoch, doubles as
// "NaN" or the hex of their bits (so -0.0 and infinities are exact), booleans "true"/"false".
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "fmt/format.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace strata::parquet {
namespace {

std::string JsonString(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string CanonicalCell(const Column& column, int64_t i) {
  if (column.IsNull(i)) {
    return "null";
  }
  switch (column.type()) {
    case TypeId::kBool:
      return column.GetBool(i) ? "\"true\"" : "\"false\"";
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return fmt::format("\"{}\"", column.GetInt64(i));
    case TypeId::kUInt64:
      return fmt::format("\"{}\"", column.GetUInt64(i));
    case TypeId::kFloat64: {
      const double value = column.GetFloat64(i);
      if (std::isnan(value)) {
        return "\"NaN\"";
      }
      uint64_t bits = 0;
      std::memcpy(&bits, &value, 8);
      return fmt::format("\"{:016x}\"", bits);
    }
    case TypeId::kString:
    case TypeId::kDictionary:
      return JsonString(column.GetString(i));
    default:
      return "\"?\"";
  }
}

std::string TypeLabel(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kUInt64:
      return "uint64";
    case TypeId::kFloat64:
      return "float64";
    case TypeId::kString:
    case TypeId::kDictionary:
      return "string";
    case TypeId::kTimestamp:
      return "timestamp";
    default:
      return "unsupported";
  }
}

void PrintHeader(const Schema& schema, std::ostream& out) {
  out << "{\"columns\": [";
  for (int c = 0; c < schema.num_fields(); ++c) {
    out << (c ? ", " : "") << "{\"name\": " << JsonString(schema.field(c).name) << ", \"type\": \""
        << TypeLabel(schema.field(c).type) << "\"}";
  }
  out << "]}\n";
}

void PrintRows(const RecordBatch& batch, std::ostream& out) {
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    out << "[";
    for (int c = 0; c < batch.num_columns(); ++c) {
      out << (c ? ", " : "") << CanonicalCell(*batch.column(c), r);
    }
    out << "]\n";
  }
}

// The rows strata writes: every type, with NULLs, empty and unicode strings, extreme integers,
// NaN, infinities and -0.0, and timestamps before 1970 with nanosecond digits.
RecordBatch InteropBatch(const SchemaPtr& schema, int64_t rows) {
  std::vector<std::shared_ptr<Column>> columns;
  for (const Field& field : schema->fields()) {
    columns.push_back(std::make_shared<Column>(field.type));
  }
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t ints[] = {0, -1, 1, kMin, kMax, 42, -1'000'000'007, kMin + 1};
  const uint64_t uints[] = {0, 1, std::numeric_limits<uint64_t>::max(), uint64_t{1} << 63, 12345};
  const double inf = std::numeric_limits<double>::infinity();
  const double doubles[] = {0.0, -0.0, 1.5, -2.25, inf, -inf, std::nan(""), 1e300, 5e-324, 0.1};
  const char* strings[] = {
      "", "a", "héllo wörld", "日本語テキスト", "emoji 🎉🚀", "quote \" \\ tab\t", "zzz"};
  const char* tags[] = {"host_a", "host_b", "", "ホスト", "host_e"};
  for (int64_t k = 0; k < rows; ++k) {
    if (k % 11 == 3) {
      columns[0]->AppendNull();
    } else {
      columns[0]->AppendBool(k % 3 == 0);
    }
    if (k % 7 == 5) {
      columns[1]->AppendNull();
    } else {
      columns[1]->AppendInt64(ints[k % 8]);
    }
    if (k % 13 == 0) {
      columns[2]->AppendNull();
    } else {
      columns[2]->AppendUInt64(uints[k % 5]);
    }
    if (k % 17 == 1) {
      columns[3]->AppendNull();
    } else {
      columns[3]->AppendFloat64(doubles[k % 10]);
    }
    if (k % 5 == 2) {
      columns[4]->AppendNull();
    } else {
      columns[4]->AppendString(strings[k % 7]);
    }
    if (k % 19 == 7) {
      columns[5]->AppendNull();
    } else {
      columns[5]->AppendString(tags[k % 5]);
    }
    // From 1938 onwards, 1.000000007 s apart: negative timestamps with nanosecond digits.
    columns[6]->AppendInt64(-1'000'000'000'000'000'000 + k * 1'000'000'007);
    columns[7]->AppendInt64(k * k - 5000);
    if (k % 3 == 0) {
      columns[8]->AppendNull();
    } else {
      columns[8]->AppendInt64(-k * 1'000'000'000'000);  // negative timestamps, whole seconds
    }
  }
  std::vector<ColumnPtr> shared(columns.begin(), columns.end());
  return RecordBatch(schema, std::move(shared), rows);
}

int Write(const std::string& dir, bool small) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"b", TypeId::kBool, true},
      {"i", TypeId::kInt64, true},
      {"u", TypeId::kUInt64, true},
      {"f", TypeId::kFloat64, true},
      {"s", TypeId::kString, true},
      {"tag", TypeId::kDictionary, true},
      {"time", TypeId::kTimestamp, false},
      {"i_required", TypeId::kInt64, false},
      {"t_nullable", TypeId::kTimestamp, true},
  });
  struct Variant {
    std::string name;
    CompressionCodec codec;
    bool dictionary;
    int64_t rows;
    int64_t row_group_rows;
    int64_t page_bytes;
    bool timestamps_adjusted_to_utc = true;
  };
  const Variant variants[] = {
      {"strata_zstd", CompressionCodec::kZstd, true, 3000, 1000, 2048},
      {"strata_snappy", CompressionCodec::kSnappy, true, 2500, 100'000, 1 << 20},
      {"strata_gzip", CompressionCodec::kGzip, true, 1500, 700, 512},
      {"strata_uncompressed_plain", CompressionCodec::kUncompressed, false, 2000, 900, 4096},
      // Local (not UTC-adjusted) timestamps, which DuckDB reads with nanoseconds.
      {"strata_zstd_local_time", CompressionCodec::kZstd, true, 1200, 500, 4096, false},
  };
  for (Variant variant : variants) {
    if (small) {
      // A few hundred bytes per page and row group, so a fuzzer's mutations reach every part.
      variant.rows = 40;
      variant.row_group_rows = 25;
      variant.page_bytes = 64;
    }
    const RecordBatch batch = InteropBatch(schema, variant.rows);
    WriterOptions options;
    options.codec = variant.codec;
    options.dictionary = variant.dictionary;
    options.max_row_group_rows = variant.row_group_rows;
    options.target_page_bytes = variant.page_bytes;
    options.timestamps_adjusted_to_utc = variant.timestamps_adjusted_to_utc;
    options.key_value_metadata = {{"strata.test", "interop"}};
    auto writer = FileWriter::Create(schema, options);
    if (!writer.ok()) {
      std::cerr << writer.status() << "\n";
      return 1;
    }
    absl::Status status = (*writer)->WriteBatch(batch);
    auto file = status.ok() ? (*writer)->Finish() : absl::StatusOr<std::string>(status);
    if (!file.ok()) {
      std::cerr << variant.name << ": " << file.status() << "\n";
      return 1;
    }
    const std::string path = dir + "/" + variant.name + ".parquet";
    std::ofstream(path, std::ios::binary) << *file;
    if (small) {
      continue;
    }
    std::ofstream expected(path + ".expected.jsonl");
    PrintHeader(*schema, expected);
    PrintRows(batch, expected);
    std::cout << path << "\n";
  }
  return 0;
}

int Dump(const std::string& path) {
  auto source = LocalFileSource(path);
  if (!source.ok()) {
    std::cerr << source.status() << "\n";
    return 1;
  }
  auto reader = FileReader::Open(*source);
  if (!reader.ok()) {
    std::cerr << path << ": " << reader.status() << "\n";
    return 1;
  }
  PrintHeader(*(*reader)->schema(), std::cout);
  std::vector<int> columns;
  for (int c = 0; c < (*reader)->num_columns(); ++c) {
    columns.push_back(c);
  }
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    auto batch = (*reader)->ReadRowGroup(rg, columns);
    if (!batch.ok()) {
      std::cerr << path << ": " << batch.status() << "\n";
      return 1;
    }
    PrintRows(*batch, std::cout);
  }
  return 0;
}

}  // namespace
}  // namespace strata::parquet

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (argc == 3 && command == "write") {
    return strata::parquet::Write(argv[2], /*small=*/false);
  }
  if (argc == 3 && command == "corpus") {
    return strata::parquet::Write(argv[2], /*small=*/true);
  }
  if (argc == 3 && command == "dump") {
    return strata::parquet::Dump(argv[2]);
  }
  std::cerr << "usage: parquet_interop_tool write <dir> | corpus <dir> | dump <file.parquet>\n";
  return 2;
}
